"""The read-only commands (query, stats, show) in-process, on a real DuckDB warehouse file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from flows.cli import main
from flows.cli.text_table import cell, print_table
from tests.helpers.links import set_duplicate_of, set_passage_duplicates
from tests.helpers.lock_holder import held_by_other_process
from warehouse import Batch, article_detail, finish_run, land, open_warehouse, start_run
from warehouse.queries import iter_article_details

T0 = dt.datetime(2024, 5, 1, 12, 0)

# Two articles share the id prefix "story-1": "show" must refuse the prefix as ambiguous.
ARTICLES = {
    "story-1a": {
        "site": "Harbour Gazette",
        "title": "Bridge reopens after repairs",
        "published": dt.date(2024, 4, 29),
        "authors": ["Ana Ruiz", "Tom Lee"],
        "paragraphs": ["The bridge reopened on Monday.", "Repairs took eight months."],
        "removed": [
            ("navigation", "breadcrumb", "Home > City"),
            ("legal", "copyright_line", "© 2024 Harbour Gazette"),
            ("widget", "widget_phrase", "Leave a Comment"),
        ],
        "run": "run-1",
    },
    "story-1b": {
        "site": "Valley Courier",
        "title": "Bridge reopens, commuters relieved",
        "published": None,
        "authors": [],
        "paragraphs": ["The bridge reopened on Monday.", "Ferries will stop next week."],
        "removed": [("widget", "share_prompt", "Share this story\non social media")],
        "run": "run-2",
    },
    "note-7": {
        "site": None,
        "title": None,
        "published": None,
        "authors": [],
        "paragraphs": ["A short note without a site."],
        "removed": [],
        "run": "run-2",
    },
}


def _batch(ids: list[str], run_id: str) -> Batch:
    batch = Batch(run_id=run_id, ingested_at=T0)
    for article_id in ids:
        a = ARTICLES[article_id]
        batch.articles.append(
            {
                "article_id": article_id,
                "source": f"inbox/{article_id}.txt",
                "title": a["title"],
                "site": a["site"],
                "published": a["published"],
                "authors": a["authors"],
                "body": "\n\n".join(a["paragraphs"]),
                "word_count": sum(len(p.split()) for p in a["paragraphs"]),
                "page_type": "article",
            }
        )
        batch.passages.extend(
            {"article_id": article_id, "position": i, "text": text}
            for i, text in enumerate(a["paragraphs"])
        )
        batch.removals.extend(
            {
                "article_id": article_id,
                "position": i,
                "kind": kind,
                "rule": rule,
                "text": text,
                "before_passage": 0,
            }
            for i, (kind, rule, text) in enumerate(a["removed"])
        )
    return batch


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("inspect") / "w.duckdb"
    con = open_warehouse(path)
    for n, run_id in enumerate(("run-1", "run-2")):
        ids = [i for i, a in ARTICLES.items() if a["run"] == run_id]
        start_run(con, run_id, T0 + dt.timedelta(hours=n), inputs=len(ids) + 1)
        batch = _batch(ids, run_id)
        batch.rejects.append({"source": f"inbox/broken-{n}.bin", "reason": "binary (PNG image)"})
        land(con, batch)
        finish_run(
            con,
            run_id,
            finished_at=T0 + dt.timedelta(hours=n, minutes=1),
            inputs=len(ids) + 1,
            landed=len(ids),
            duplicates=0,
            rejected=1,
        )
    set_duplicate_of(con, [("story-1b", "story-1a")])
    set_passage_duplicates(con, [("story-1b:0", "story-1a:0")])
    con.close()
    return path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


# -- query -------------------------------------------------------------------------------------


def test_query_csv_parses_back(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT article_id, title, word_count FROM articles ORDER BY article_id"
    code, out, _ = run_cli(capsys, "query", sql, "--format", "csv", "--db", str(db))
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["article_id"] for r in rows] == sorted(ARTICLES)
    by_id = {r["article_id"]: r for r in rows}
    for article_id, a in ARTICLES.items():
        assert by_id[article_id]["title"] == (a["title"] or "")
        assert int(by_id[article_id]["word_count"]) == sum(len(p.split()) for p in a["paragraphs"])


def test_query_json_keeps_types_and_lists(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sql = "SELECT article_id, authors, published, duplicate_of FROM articles ORDER BY article_id"
    code, out, _ = run_cli(capsys, "query", sql, "--format", "json", "--db", str(db))
    assert code == 0
    rows = json.loads(out)
    assert [r["article_id"] for r in rows] == sorted(ARTICLES)
    for row in rows:
        a = ARTICLES[row["article_id"]]
        assert row["authors"] == a["authors"]
        assert row["published"] == (a["published"].isoformat() if a["published"] else None)
    assert {r["article_id"]: r["duplicate_of"] for r in rows}["story-1b"] == "story-1a"


def test_query_parquet_needs_out_and_round_trips(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = "SELECT kind, rule, text FROM removals ORDER BY article_id, position"
    code, out, err = run_cli(capsys, "query", sql, "--format", "parquet", "--db", str(db))
    assert code == 2 and out == ""
    assert_one_line_error(err, "--out")

    target = tmp_path / "removals.parquet"
    code, out, _ = run_cli(
        capsys, "query", sql, "--format", "parquet", "--out", str(target), "--db", str(db)
    )
    assert code == 0 and out == ""
    table = pq.read_table(target)
    expected = [r for i in sorted(ARTICLES) for r in ARTICLES[i]["removed"]]
    assert list(zip(*table.to_pydict().values(), strict=True)) == expected


def test_query_csv_to_a_file_writes_nothing_to_stdout(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "sites.csv"
    sql = "SELECT DISTINCT site FROM articles WHERE site IS NOT NULL ORDER BY site"
    code, out, _ = run_cli(
        capsys, "query", sql, "--format", "csv", "--out", str(target), "--db", str(db)
    )
    assert code == 0 and out == ""
    with target.open(newline="") as stream:
        sites = [row["site"] for row in csv.DictReader(stream)]
    assert sites == sorted({a["site"] for a in ARTICLES.values() if a["site"]})


def test_query_table_aligns_columns_and_shows_nulls(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sql = "SELECT article_id, site, word_count FROM articles ORDER BY article_id"
    code, out, _ = run_cli(capsys, "query", sql, "--db", str(db))
    assert code == 0
    header, rule, *rows = out.splitlines()
    assert header.split() == ["article_id", "site", "word_count"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert [r.split()[0] for r in rows] == sorted(ARTICLES)
    # word_count is numeric: right-aligned, so every row ends at the same column
    assert len({len(r) for r in rows}) == 1
    assert "NULL" in next(r for r in rows if r.startswith("note-7"))


def test_query_table_cuts_long_results_and_says_so(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from flows.cli.query import TABLE_MAX_ROWS

    sql = f"SELECT range AS n FROM range({TABLE_MAX_ROWS + 5})"
    code, out, err = run_cli(capsys, "query", sql, "--db", str(db))
    assert code == 0
    assert len(out.splitlines()) == TABLE_MAX_ROWS + 2  # header and rule
    assert_one_line_error(err, f"first {TABLE_MAX_ROWS} rows")


@pytest.mark.parametrize(
    ("sql", "fragments"),
    [
        ("SELECT * FORM articles", ["syntax error"]),
        ("SELECT * FROM no_such_table", ["no_such_table", "does not exist"]),
        ("SELECT nope FROM articles", ["nope"]),
    ],
)
def test_query_errors_are_one_line(
    db: Path, capsys: pytest.CaptureFixture[str], sql: str, fragments: list[str]
) -> None:
    code, out, err = run_cli(capsys, "query", sql, "--db", str(db))
    assert code == 1 and out == ""
    assert_one_line_error(err, "presswash query: ", *fragments)


@pytest.mark.parametrize(
    ("sql", "statement"),
    [
        ("DELETE FROM articles", "DELETE"),
        ("UPDATE articles SET title = 'x'", "UPDATE"),
        ("INSERT INTO rejects VALUES ('s', 'r', NULL, now())", "INSERT"),
        ("DROP TABLE removals", "DROP"),
    ],
)
def test_query_refuses_writes_and_changes_nothing(
    db: Path, capsys: pytest.CaptureFixture[str], sql: str, statement: str
) -> None:
    code, out, err = run_cli(capsys, "query", sql, "--db", str(db))
    assert code == 1 and out == ""
    assert_one_line_error(err, "read-only", statement)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (len(ARTICLES),)
        assert con.execute("SELECT count(*) FROM removals").fetchone() == (
            sum(len(a["removed"]) for a in ARTICLES.values()),
        )
    finally:
        con.close()


@pytest.mark.parametrize("sql", ["", "  ;  "])
def test_query_without_sql_is_a_usage_error(
    db: Path, capsys: pytest.CaptureFixture[str], sql: str
) -> None:
    code, _, err = run_cli(capsys, "query", sql, "--db", str(db))
    assert code == 2
    assert_one_line_error(err, "no SQL")


def test_missing_warehouse_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["query", "SELECT 1"], ["stats"], ["show", "x"]):
        code, _, err = run_cli(capsys, *argv, "--db", str(tmp_path / "none.duckdb"))
        assert code == 1
        assert_one_line_error(err, "no warehouse", "none.duckdb")


# -- a warehouse held by another process --------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["query", "SELECT 1"], ["stats"], ["show", "story-1a"], ["report", "--out", "{tmp}"]],
)
def test_busy_warehouse_answers_exit_3(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    argv = [a.replace("{tmp}", str(tmp_path / "report")) for a in argv]
    with held_by_other_process(db) as holder:
        code, out, err = run_cli(capsys, *argv, "--db", str(db), "--wait", "0.2")
    assert code == 3 and out == ""
    assert_one_line_error(err, "the warehouse is busy", f"PID {holder.pid}", "try again")


# -- stats -------------------------------------------------------------------------------------


def _counts(out: str) -> dict[str, int]:
    """The ``name   n`` lines of the totals block."""
    counts = {}
    for line in out.split("\n\n")[0].splitlines()[1:]:
        name, n = line.rsplit(maxsplit=1)
        counts[name.strip()] = int(n)
    return counts


def test_stats_counts_the_warehouse(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "stats", "--db", str(db))
    assert code == 0
    counts = _counts(out)
    assert counts["articles"] == len(ARTICLES)
    assert counts["sites"] == len({a["site"] for a in ARTICLES.values() if a["site"]})
    assert counts["duplicates"] == 1
    assert counts["passages"] == sum(len(a["paragraphs"]) for a in ARTICLES.values())
    assert counts["duplicate passages"] == 1
    assert counts["rejects"] == 2 and counts["runs"] == 2

    kinds_block = out.split("removals by kind\n")[1].split("\n\n")[0]
    expected: dict[str, int] = {}
    for a in ARTICLES.values():
        for kind, _, _ in a["removed"]:
            expected[kind] = expected.get(kind, 0) + 1
    shown = {line.split()[0]: int(line.split()[1]) for line in kinds_block.splitlines()[2:]}
    assert shown == expected


def test_stats_lists_top_sites_by_removals(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "stats", "--top", "1", "--db", str(db))
    assert code == 0
    sites_block = out.split("removals by site")[1]
    assert sites_block.startswith(" (top 1 of 2)")
    (row,) = sites_block.splitlines()[3:]
    busiest = max((a for a in ARTICLES.values() if a["removed"]), key=lambda a: len(a["removed"]))
    assert row.startswith(busiest["site"])
    assert row.split()[len(busiest["site"].split())] == str(len(busiest["removed"]))


# -- show --------------------------------------------------------------------------------------


def test_show_prints_metadata_text_removals_and_duplicates_both_ways(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "show", "story-1a", "--db", str(db))
    assert code == 0
    a = ARTICLES["story-1a"]
    assert out.startswith("article story-1a\n")
    assert f"  title      {a['title']}\n" in out
    assert f"  authors    {', '.join(a['authors'])}\n" in out
    assert f"  published  {a['published'].isoformat()}\n" in out
    assert "\n\n".join(a["paragraphs"]) in out
    for kind, rule, text in a["removed"]:
        assert f"  {kind} · {rule}: {text}\n" in out
    assert "duplicated by 1\n    story-1b (" in out
    assert "passage 0 -> passage 0 of story-1b" in out

    code, out, _ = run_cli(capsys, "show", "story-1b", "--db", str(db))
    assert code == 0
    assert f"duplicate of  story-1a ({a['title']}, {a['site']})" in out
    assert "passage 0 = passage 0 of story-1a" in out
    # a removal spanning lines stays on one line
    assert "  widget · share_prompt: Share this story ↵ on social media\n" in out


def test_show_accepts_a_unique_prefix(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "show", "note", "--db", str(db))
    assert code == 0
    assert out.startswith("article note-7\n")
    assert "  site       -\n" in out


@pytest.mark.parametrize(
    ("given", "fragments"),
    [
        ("story-1", ["starts several", "story-1a", "story-1b"]),
        ("unknown", ["no article", "'unknown'"]),
        ("STORY-1A", ["no article"]),
    ],
)
def test_show_refuses_unknown_and_ambiguous_ids(
    db: Path, capsys: pytest.CaptureFixture[str], given: str, fragments: list[str]
) -> None:
    code, out, err = run_cli(capsys, "show", given, "--db", str(db))
    assert code == 1 and out == ""
    assert_one_line_error(err, "presswash show: ", *fragments)


# -- text tables -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "NULL"),
        (["a", None], "[a, NULL]"),
        ({"k": [1, 2]}, "{k: [1, 2]}"),
        ("two\nlines", "two↵lines"),
        (dt.datetime(2024, 5, 1, 12, 30), "2024-05-01 12:30:00"),
        (True, "true"),
    ],
)
def test_cells_read_like_duckdb(value: object, shown: str) -> None:
    assert cell(value) == shown


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_tables_show_values_literally() -> None:
    stream = _Terminal()
    print_table(["tag", "n"], [("[bold]not markup[/bold]", 3), ("[x]", None)], stream)
    text = stream.getvalue()
    assert "[bold]not markup[/bold]" in text and "[x]" in text
    assert "2 rows" in text


# -- article details in chunks -----------------------------------------------------------------


@pytest.mark.parametrize("chunk", [1, 2, 100])
def test_article_details_in_chunks_match_one_by_one(db: Path, chunk: int) -> None:
    con = open_warehouse(db, read_only=True)
    try:
        details = list(iter_article_details(con, chunk=chunk))
        assert [d.article["article_id"] for d in details] == sorted(ARTICLES)
        for detail in details:
            assert detail == article_detail(con, detail.article["article_id"])
        copy = next(d for d in details if d.article["article_id"] == "story-1b")
        assert copy.original is not None and copy.original["article_id"] == "story-1a"
        assert [p["duplicate_of_article"] for p in copy.passages] == ["story-1a", None]
    finally:
        con.close()
