"""The DuckDB warehouse against real files: migrations, locking, landing, runs, queries."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.helpers.links import set_duplicate_of
from tests.helpers.lock_holder import held_by_other_process
from warehouse import (
    Batch,
    SchemaVersionError,
    WarehouseError,
    WarehouseLocked,
    Writer,
    article_detail,
    finish_run,
    land,
    open_warehouse,
    start_run,
    stats,
)
from warehouse import load as load_module
from warehouse import writer as writer_module
from warehouse.connection import waiting_marker
from warehouse.load import stored_ids
from warehouse.migrations import discover

PACKAGE_MIGRATIONS = Path(__file__).parents[2] / "warehouse" / "migrations"
T0 = dt.datetime(2024, 5, 1, 12, 0)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = open_warehouse(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def article_rows(
    article_id: str,
    paragraphs: list[str],
    *,
    source: str | None = None,
    site: str | None = "Example Times",
    removed: list[tuple[str, str, str]] = (),
    page_type: str = "article",
) -> tuple[dict, list[dict], list[dict]]:
    """One article's rows as a caller would build them."""
    article = {
        "article_id": article_id,
        "source": source or f"pages/{article_id}.txt",
        "site": site,
        "title": f"Title of {article_id}",
        "body": "\n\n".join(paragraphs),
        "word_count": sum(len(p.split()) for p in paragraphs),
        "input_format": "text",
        "page_type": page_type,
    }
    passages = [
        {"article_id": article_id, "position": i, "text": p} for i, p in enumerate(paragraphs)
    ]
    removals = [
        {"article_id": article_id, "position": i, "kind": k, "rule": r, "text": t}
        for i, (k, r, t) in enumerate(removed)
    ]
    return article, passages, removals


def batch_of(*articles: tuple[dict, list[dict], list[dict]], **kwargs) -> Batch:
    batch = Batch(**kwargs)
    for article, passages, removals in articles:
        batch.articles.append(article)
        batch.passages.extend(passages)
        batch.removals.extend(removals)
    return batch


CHILDREN = ("passages", "removals", "passage_signatures")


def signed(*articles: tuple[dict, list[dict], list[dict]]) -> Batch:
    """A batch of ``articles`` with an article signature and passage signatures for each."""
    batch = batch_of(*articles)
    for article, passages, _ in articles:
        sig = {"spec": "w3-p2-wxxh32-affine32", "size": 1, "hashvalues": bytes(8)}
        batch.article_signatures.append({"article_id": article["article_id"], **sig})
        batch.passage_signatures.extend(
            {"passage_id": f"{p['article_id']}:{p['position']}", "article_id": p["article_id"],
             **sig}
            for p in passages
        )  # fmt: skip
    return batch


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [v for (v,) in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]


def migrations_dir(tmp_path: Path, *names: str, extra: dict[str, str] | None = None) -> Path:
    """A migrations directory with some of the package's files plus ``extra`` ones."""
    directory = tmp_path / "migrations"
    directory.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(PACKAGE_MIGRATIONS / name, directory / name)
    for name, sql in (extra or {}).items():
        (directory / name).write_text(sql)
    return directory


# -- migrations ----------------------------------------------------------------------------


def test_fresh_file_in_new_directory_gets_every_migration_once(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "w.duckdb"
    expected = [m.version for m in discover()]
    with open_warehouse(path) as first:
        assert versions(first) == expected
    with open_warehouse(path) as again:
        assert versions(again) == expected


CONTRACT = {
    "articles": {
        "article_id": "VARCHAR",
        "source": "VARCHAR",
        "url": "VARCHAR",
        "title": "VARCHAR",
        "site": "VARCHAR",
        "published": "DATE",
        "authors": "VARCHAR[]",
        "body": "VARCHAR",
        "word_count": "INTEGER",
        "duplicate_of": "VARCHAR",
        "run_id": "VARCHAR",
        "ingested_at": "TIMESTAMP",
        "content_sha256": "VARCHAR",
        "encoding": "VARCHAR",
        "input_format": "VARCHAR",
        "fetched_at": "TIMESTAMP",
    },
    "passages": {
        "passage_id": "VARCHAR",
        "article_id": "VARCHAR",
        "position": "INTEGER",
        "text": "VARCHAR",
        "duplicate_of": "VARCHAR",
    },
    "removals": {
        "article_id": "VARCHAR",
        "position": "INTEGER",
        "kind": "VARCHAR",
        "rule": "VARCHAR",
        "text": "VARCHAR",
    },
    "rejects": {"source": "VARCHAR", "reason": "VARCHAR", "run_id": "VARCHAR"},
    "runs": {
        "run_id": "VARCHAR",
        "started_at": "TIMESTAMP",
        "finished_at": "TIMESTAMP",
        "inputs": "INTEGER",
        "landed": "INTEGER",
        "duplicates": "INTEGER",
        "rejected": "INTEGER",
        "status": "VARCHAR",
        "near_duplicates": "INTEGER",
    },
    "articles_latest": {"article_id": "VARCHAR", "source": "VARCHAR", "ingested_at": "TIMESTAMP"},
    "removals_by_site": {"site": "VARCHAR", "kind": "VARCHAR", "rule": "VARCHAR", "n": "BIGINT"},
}


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_columns_exist_with_their_types(
    con: duckdb.DuckDBPyConnection, table: str
) -> None:
    columns = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
            [table],
        ).fetchall()
    )
    assert {name: columns.get(name) for name in CONTRACT[table]} == CONTRACT[table]


def test_older_file_is_upgraded_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    current = sorted(p.name for p in PACKAGE_MIGRATIONS.glob("*.sql"))
    with open_warehouse(path, migrations_dir=migrations_dir(tmp_path, *current)) as old:
        numbers = [int(name[:3]) for name in current]
        assert versions(old) == numbers
        land(old, batch_of(article_rows("a1", ["Some body text."])))
    upgrade = f"{numbers[-1] + 1:03d}_language.sql"
    newer = migrations_dir(
        tmp_path, *current, extra={upgrade: "ALTER TABLE articles ADD COLUMN language VARCHAR;"}
    )
    with open_warehouse(path, migrations_dir=newer) as new:
        assert versions(new) == [*numbers, numbers[-1] + 1]
        assert new.execute("SELECT article_id, language FROM articles_latest").fetchall() == [
            ("a1", None)
        ]


def test_child_tables_upgraded_without_keys_keep_rows_and_checks(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    before = sorted(p.name for p in PACKAGE_MIGRATIONS.glob("00[1-5]_*.sql"))
    with open_warehouse(path, migrations_dir=migrations_dir(tmp_path, *before)) as old:
        # Today's loader writes columns that migrations 007 to 012 add: lend them.
        lent = {"articles": ["fetched_at TIMESTAMP", "duplicate_relation VARCHAR",
                             "page_type VARCHAR"],
                "rejects": ["position BIGINT"],
                "site_passages": ["last_seen TIMESTAMP"]}  # fmt: skip
        for table, columns in lent.items():
            for column in columns:
                old.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
        land(old, signed(article_rows("a1", ["One.", "Two."], removed=[("legal", "c", "(c)")])))
        for table, columns in lent.items():
            for column in columns:
                old.execute(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}")
        rows = {t: old.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in CHILDREN}
    with open_warehouse(path) as new:
        assert {t: new.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in CHILDREN} == (
            rows
        )
        keys = new.execute(
            "SELECT table_name FROM duckdb_constraints()"
            " WHERE constraint_type = 'PRIMARY KEY' AND table_name IN ?",
            [list(CHILDREN)],
        ).fetchall()
        assert keys == []
        with pytest.raises(duckdb.ConstraintException):
            new.execute("INSERT INTO removals VALUES ('a1', -1, 'legal', 'c', '(c)', NULL)")


def test_file_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    future = migrations_dir(
        tmp_path,
        *(p.name for p in PACKAGE_MIGRATIONS.glob("*.sql")),
        extra={"999_future.sql": "CREATE TABLE future (x INTEGER);"},
    )
    open_warehouse(path, migrations_dir=future).close()
    for read_only in (False, True):
        with pytest.raises(SchemaVersionError, match=r"999.*newer"):
            open_warehouse(path, read_only=read_only)


def test_failing_migration_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    broken = migrations_dir(
        tmp_path,
        "001_core_tables.sql",
        extra={"002_broken.sql": "CREATE TABLE half (x INTEGER);\nSELECT * FROM no_such_table;"},
    )
    with pytest.raises(duckdb.CatalogException):
        open_warehouse(path, migrations_dir=broken)
    with duckdb.connect(str(path)) as raw:
        tables = {t for (t,) in raw.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == set()


def test_read_only_open_needs_an_existing_current_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_warehouse(tmp_path / "missing.duckdb", read_only=True)

    bare = tmp_path / "bare.duckdb"
    duckdb.connect(str(bare)).close()
    with pytest.raises(SchemaVersionError, match="no presswash schema"):
        open_warehouse(bare, read_only=True)

    old = tmp_path / "old.duckdb"
    open_warehouse(old, migrations_dir=migrations_dir(tmp_path, "001_core_tables.sql")).close()
    with pytest.raises(SchemaVersionError, match=r"version 1.*read-write"):
        open_warehouse(old, read_only=True)

    open_warehouse(old).close()
    with open_warehouse(old, read_only=True) as reader:
        assert count(reader, "articles_latest") == 0
        with pytest.raises(duckdb.InvalidInputException):
            reader.execute(
                "INSERT INTO rejects (source, reason, rejected_at) VALUES ('s', 'r', now())"
            )


def test_migration_files_must_be_numbered(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="NNN_name"):
        discover(migrations_dir(tmp_path, extra={"add_things.sql": "SELECT 1;"}))
    with pytest.raises(ValueError, match="two migrations"):
        discover(migrations_dir(tmp_path, extra={"003_a.sql": "", "003_b.sql": ""}))


# -- locking, with a real second process -------------------------------------------------------


def test_lock_held_by_another_process_times_out_clearly(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    open_warehouse(path).close()
    with held_by_other_process(path) as holder:
        for read_only in (False, True):
            started = time.monotonic()
            with pytest.raises(WarehouseLocked) as caught:
                open_warehouse(path, read_only=read_only, wait_seconds=0.3)
            assert time.monotonic() - started >= 0.3
            assert caught.value.pid == holder.pid
            message = str(caught.value)
            assert str(path) in message and str(holder.pid) in message
            assert "\n" not in message


def test_lock_is_waited_out_when_the_other_process_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    open_warehouse(path).close()
    opened: list[duckdb.DuckDBPyConnection | BaseException] = []

    def open_in_background() -> None:
        try:
            opened.append(open_warehouse(path, wait_seconds=20))
        except BaseException as error:
            opened.append(error)

    with held_by_other_process(path) as holder:
        waiter = threading.Thread(target=open_in_background)
        waiter.start()
        time.sleep(0.2)
        assert waiter.is_alive(), f"did not wait for the lock: {opened}"
        holder.communicate("\n", timeout=10)
    waiter.join(timeout=20)
    assert len(opened) == 1 and isinstance(opened[0], duckdb.DuckDBPyConnection)
    assert versions(opened[0]) == [m.version for m in discover()]
    opened[0].close()


_READER = (
    "import sys, warehouse; c = warehouse.open_warehouse(sys.argv[1], read_only=True,"
    " wait_seconds=20); print(c.execute('SELECT count(*) FROM runs').fetchone()[0]); c.close()"
)


def test_writer_keeps_its_connection_until_another_process_waits(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    writer = Writer(path, wait_seconds=5)
    with writer.session() as first:
        pass
    with writer.session() as again:
        assert again is first  # no reopen (and no checkpoint) between sessions
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(path)], stdout=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while reader.poll() is None and time.monotonic() < deadline:
        with writer.session() as con:  # the ingest's batches go on meanwhile
            con.execute("SELECT 1")
        time.sleep(0.05)
    out, _ = reader.communicate(timeout=5)
    assert reader.returncode == 0 and out.strip() == "0"
    assert not waiting_marker(path).exists()
    with writer.session() as con:  # and the writer takes the file back
        start_run(con, "r1", started_at=dt.datetime(2024, 1, 1), inputs=0)
    writer.release()
    with open_warehouse(path, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone() == (1,)


def test_writer_lets_go_after_its_longest_hold(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer_module, "MAX_HOLD_SECONDS", 0.0)
    writer = Writer(tmp_path / "w.duckdb", wait_seconds=5)
    with writer.session() as first:
        pass
    with open_warehouse(tmp_path / "w.duckdb", read_only=True, wait_seconds=0):
        pass  # the file is free between sessions
    with writer.session() as second:
        assert second is not first
    writer.release()


def test_writer_connection_has_the_memory_limit_it_was_given(tmp_path: Path) -> None:
    expected = duckdb.connect().execute("SET memory_limit = '300MB'")
    (limit,) = expected.execute("SELECT current_setting('memory_limit')").fetchone()
    writer = Writer(tmp_path / "w.duckdb", wait_seconds=5, memory_limit="300MB")
    with writer.session() as con:
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() == (limit,)
    writer.release()
    with pytest.raises(WarehouseError, match="memory limit 'lots' is not a size"):
        Writer(tmp_path / "w.duckdb", wait_seconds=5, memory_limit="lots")


# -- landing -------------------------------------------------------------------------------


@pytest.fixture(params=["join", "index"])
def lookup(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Landing's two ways of finding stored articles: a join while the tables are small, the
    primary key (in chunks, two ids at a time here) once they are large."""
    if request.param == "index":
        monkeypatch.setattr(load_module, "LOOKUP_ROWS", -1)
        monkeypatch.setattr(load_module, "LOOKUP_CHUNK", 2)
    return request.param


def test_stored_ids_finds_the_same_ids_either_way(
    con: duckdb.DuckDBPyConnection, lookup: str
) -> None:
    land(con, signed(*(article_rows(f"a{i}", [f"Text {i}."]) for i in range(5))))
    asked = ["a0", "a2", "a4", "b1", "a2", "it's"]
    assert stored_ids(con, "articles", asked) == {"a0", "a2", "a4"}
    assert stored_ids(con, "article_signatures", asked) == {"a0", "a2", "a4"}
    assert stored_ids(con, "articles", []) == set()


def test_relanding_skips_articles_with_their_passages_and_removals(
    con: duckdb.DuckDBPyConnection, lookup: str
) -> None:
    first = article_rows("a1", ["One.", "Two."], removed=[("legal", "copyright", "(c) X")])
    second = article_rows("a2", ["Three."], removed=[("widget", "share", "Share this")])
    result = land(con, batch_of(first, second, run_id="r1"))
    assert (result.landed, result.existing) == (("a1", "a2"), ())
    assert (result.passages, result.removals) == (3, 2)

    third = article_rows("a3", ["Four.", "Five."])
    again = land(con, batch_of(second, third, first, run_id="r2"))
    assert (again.landed, again.existing) == (("a3",), ("a2", "a1"))
    assert (again.passages, again.removals) == (2, 0)
    assert (count(con, "articles"), count(con, "passages"), count(con, "removals")) == (3, 5, 2)
    assert con.execute("SELECT run_id FROM articles WHERE article_id = 'a1'").fetchall() == [
        ("r1",)
    ]


def test_ids_repeated_within_a_batch_land_once(con: duckdb.DuckDBPyConnection, lookup: str) -> None:
    rows = article_rows("a1", ["Alpha.", "Beta."], removed=[("caption", "image", "Photo: X")])
    changed = ({**rows[0], "title": "Second copy"}, rows[1], rows[2])
    result = land(con, batch_of(rows, changed, rows))
    assert result.landed == ("a1",) and result.existing == ()
    assert (count(con, "articles"), count(con, "passages"), count(con, "removals")) == (1, 2, 1)
    assert con.execute("SELECT title FROM articles").fetchall() == [("Title of a1",)]


def test_passage_signatures_land_once_per_passage(
    con: duckdb.DuckDBPyConnection, lookup: str
) -> None:
    first, second = article_rows("a1", ["One.", "Two."]), article_rows("a2", ["Three."])
    land(con, signed(first, first))
    land(con, signed(second, first))
    stored = con.execute(
        "SELECT article_id, count(*), count(DISTINCT passage_id) FROM passage_signatures"
        " GROUP BY ALL ORDER BY ALL"
    ).fetchall()
    assert stored == [("a1", 2, 2), ("a2", 1, 1)]


def test_changed_content_is_a_new_version_and_latest_picks_it(
    con: duckdb.DuckDBPyConnection,
) -> None:
    sources = ["pages/a.txt", "https://news.example/x?id=3", "warc://crawl/7"]
    for n, source in enumerate(sources):
        land(con, batch_of(article_rows(f"v1-{n}", ["Old."], source=source), ingested_at=T0))
        later = T0 + dt.timedelta(hours=n + 1)
        land(con, batch_of(article_rows(f"v2-{n}", ["New."], source=source), ingested_at=later))
    # Same instant: the larger article_id wins, so the choice is stable.
    land(con, batch_of(article_rows("v0-tie", ["Tie."], source="tied"), ingested_at=T0))
    land(con, batch_of(article_rows("v9-tie", ["Tie!"], source="tied"), ingested_at=T0))

    assert count(con, "articles") == 2 * len(sources) + 2
    latest = dict(con.execute("SELECT source, article_id FROM articles_latest").fetchall())
    assert latest == {**{s: f"v2-{n}" for n, s in enumerate(sources)}, "tied": "v9-tie"}


def test_failure_mid_batch_rolls_back_everything(con: duckdb.DuckDBPyConnection) -> None:
    good = article_rows("a1", ["Fine."], removed=[("legal", "copyright", "(c)")])
    bad = article_rows("a2", ["Also fine."], removed=[("widget", "share", "Share")])
    bad[2][0]["position"] = -1  # violates a CHECK constraint, after articles and passages
    batch = batch_of(good, bad)
    batch.rejects.append({"source": "empty.txt", "reason": "no body"})
    with pytest.raises(duckdb.ConstraintException):
        land(con, batch)
    for table in ("articles", "passages", "removals", "rejects"):
        assert count(con, table) == 0, table

    bad[2][0]["position"] = 0
    assert land(con, batch).landed == ("a1", "a2")


def test_rejects_are_stored_once_per_source_reason_and_run(
    con: duckdb.DuckDBPyConnection,
) -> None:
    rejects = [
        {"source": "a.html", "reason": "empty body"},
        {"source": "a.html", "reason": "empty body"},
        {"source": "a.html", "reason": "not utf-8"},
        {"source": "b.txt", "reason": "empty body"},
    ]
    assert land(con, Batch(run_id="r1", rejects=rejects)).rejects == 3
    assert land(con, Batch(run_id="r1", rejects=rejects[:2])).rejects == 0
    assert land(con, Batch(run_id="r2", rejects=rejects[:1])).rejects == 1
    assert land(con, Batch(run_id=None, rejects=rejects[:1])).rejects == 1
    assert land(con, Batch(run_id=None, rejects=rejects[:1])).rejects == 0
    assert count(con, "rejects") == 5


def test_malformed_rows_are_refused_before_anything_lands(
    con: duckdb.DuckDBPyConnection,
) -> None:
    article, passages, _ = article_rows("a1", ["Body."])
    orphan = {"article_id": "elsewhere", "position": 0, "text": "Lost."}
    cases = [
        (Batch(articles=[{**article, "wordcount": 1}]), "unknown keys.*wordcount"),
        (Batch(articles=[{k: v for k, v in article.items() if k != "body"}]), "'body'"),
        (Batch(articles=[{**article, "source": None}]), "'source'"),
        (Batch(articles=[article], passages=[*passages, orphan]), "not in the batch"),
        (Batch(rejects=[{"source": "x"}]), "'reason'"),
    ]
    for batch, message in cases:
        with pytest.raises(ValueError, match=message):
            land(con, batch)
    assert count(con, "articles") + count(con, "passages") + count(con, "rejects") == 0


def test_values_round_trip(con: duckdb.DuckDBPyConnection) -> None:
    article, passages, _ = article_rows("a1", ["Body text here."])
    article |= {"published": dt.date(2023, 2, 28), "authors": ["Ann Lee", "Bo Chan"]}
    plain, _, _ = article_rows("a2", ["Other."])
    plain["authors"] = None
    zone = dt.timezone(dt.timedelta(hours=-5))
    land(
        con,
        Batch(articles=[article, plain], passages=passages, ingested_at=T0.replace(tzinfo=zone)),
    )
    rows = con.execute(
        "SELECT article_id, published, authors, word_count, ingested_at FROM articles ORDER BY 1"
    ).fetchall()
    utc = T0 + dt.timedelta(hours=5)
    assert rows == [
        ("a1", dt.date(2023, 2, 28), ["Ann Lee", "Bo Chan"], 3, utc),
        ("a2", None, [], 1, utc),
    ]
    assert con.execute("SELECT passage_id FROM passages").fetchall() == [("a1:0",)]


# -- runs and duplicate links -------------------------------------------------------------------


def test_run_is_started_then_finished(con: duckdb.DuckDBPyConnection) -> None:
    start_run(con, "r1", T0, inputs=4)
    assert con.execute("SELECT status, finished_at, inputs FROM runs").fetchall() == [
        ("running", None, 4)
    ]
    with pytest.raises(ValueError, match="already exists"):
        start_run(con, "r1", T0, inputs=1)
    zeros = {"finished_at": T0, "inputs": 4, "landed": 0, "duplicates": 0, "rejected": 0}
    with pytest.raises(ValueError, match="status"):
        finish_run(con, "r1", **zeros, status="done")
    with pytest.raises(LookupError, match="r2"):
        finish_run(con, "r2", **zeros)

    done = T0 + dt.timedelta(seconds=30)
    by_kind = {"legal": 2, "widget": 1}
    counts = {"inputs": 5, "landed": 3, "duplicates": 1, "rejected": 1, "near_duplicates": 1}
    finish_run(con, "r1", finished_at=done, **counts, removals_by_kind=by_kind, status="failed")
    assert con.execute(
        "SELECT status, finished_at, inputs, landed, duplicates, near_duplicates, rejected,"
        " removals_by_kind FROM runs"
    ).fetchall() == [("failed", done, 5, 3, 1, 1, 1, by_kind)]


# -- queries for the CLI -----------------------------------------------------------------------


def two_runs(con: duckdb.DuckDBPyConnection) -> None:
    legal = ("legal", "copyright", "(c)")
    start_run(con, "r1", T0, inputs=4)
    batch = batch_of(
        article_rows("a1", ["A."], site="Daily One", removed=[legal]),
        article_rows("a2", ["B."], site="Daily One", removed=[legal, ("widget", "share", "S")]),
        article_rows("a3", ["C."], site="Weekly Two", removed=[("caption", "photo", "Photo")]),
        run_id="r1",
    )
    batch.rejects.append({"source": "x.html", "reason": "empty body"})
    land(con, batch)
    set_duplicate_of(con, [("a2", "a1")])
    start_run(con, "r2", T0 + dt.timedelta(days=1), inputs=1)
    land(con, batch_of(article_rows("a4", ["D."], site=None, removed=[legal]), run_id="r2"))


def test_stats_count_the_whole_warehouse(con: duckdb.DuckDBPyConnection) -> None:
    two_runs(con)
    totals = stats(con)
    counts = (totals.articles, totals.sites, totals.duplicates, totals.rejects, totals.runs)
    assert counts == (4, 2, 1, 1, 2)
    assert totals.removals_by_kind == {"legal": 3, "caption": 1, "widget": 1}
    assert totals.removals_by_site == {
        "Daily One": {"legal": 2, "widget": 1},
        "Weekly Two": {"caption": 1},
        None: {"legal": 1},
    }


def test_article_detail_lists_parts_in_order(con: duckdb.DuckDBPyConnection) -> None:
    article, passages, removals = article_rows(
        "a1", ["First.", "Second.", "Third."], removed=[("legal", "c", "(c)"), ("widget", "s", "S")]
    )
    land(con, Batch(articles=[article], passages=passages[::-1], removals=removals[::-1]))
    detail = article_detail(con, "a1")
    assert detail is not None
    assert detail.article["body"] == "First.\n\nSecond.\n\nThird."
    assert [p["text"] for p in detail.passages] == ["First.", "Second.", "Third."]
    assert [r["kind"] for r in detail.removals] == ["legal", "widget"]
    assert article_detail(con, "nope") is None


def test_a_cluster_merge_relinks_stored_articles_and_is_recorded(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """H and E landed as originals (E with a copy of its own); a later batch, whose article O
    bridged them, relinks E's cluster to H and records the merge with its run."""
    first = batch_of(article_rows("H", ["top half"]), article_rows("E", ["edited"]), ingested_at=T0)
    first.articles.append(article_rows("E2", ["edited"])[0] | {"duplicate_of": "E"})
    land(con, first)
    second = batch_of(article_rows("O", ["whole story"]), run_id="r2", ingested_at=T0)
    second.articles[0] |= {"duplicate_of": "H", "duplicate_relation": "contains"}
    second.relinks = [
        {"article_id": "E", "duplicate_of": "H", "duplicate_relation": "contains"},
        {"article_id": "E2", "duplicate_of": "H", "duplicate_relation": "contains"},
    ]
    second.cluster_merges = [{"merged_root": "E", "into_root": "H", "articles": 3}]
    land(con, second)
    rows = con.execute(
        "SELECT article_id, duplicate_of, duplicate_relation FROM articles ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("E", "H", "contains"), ("E2", "H", "contains"), ("H", None, None), ("O", "H", "contains")
    ]  # fmt: skip
    merges = con.execute("SELECT merged_root, into_root, articles, run_id FROM cluster_merges")
    assert merges.fetchall() == [("E", "H", 3, "r2")]
