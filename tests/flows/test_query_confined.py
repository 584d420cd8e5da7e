"""`presswash query` sees the warehouse and nothing else: every statement that would read or
write another file, attach a database, load code or change a setting is refused in one
line, and the warehouse and the file system are left as they were."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from warehouse import Batch, land, open_warehouse


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        batch = Batch(run_id="r1")
        batch.articles.append(
            {
                "article_id": "a1",
                "source": "s.txt",
                "body": "One story.",
                "word_count": 2,
                "page_type": "article",
            }
        )
        batch.passages.append({"article_id": "a1", "position": 0, "text": "One story."})
        batch.rejects.append({"source": "bad.txt", "reason": "binary", "position": None})
        land(con, batch)
    return path


def _query(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv, "--db", str(db)])
    out, err = capsys.readouterr()
    return code, out, err


def _counts(db: Path) -> tuple[int, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchone()
        rejects = con.execute("SELECT count(*) FROM rejects").fetchone()
    assert articles and rejects
    return articles[0], rejects[0]


def _refused(err: str, *fragments: str) -> None:
    assert err.count("\n") == 1 and err.startswith("presswash query: "), err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err


SECRET = "/etc/passwd"


@pytest.mark.parametrize(
    ("sql", "fragments"),
    [
        (f"SELECT * FROM read_text('{SECRET}')", ["sees only the warehouse", SECRET]),
        (f"SELECT * FROM read_csv('{SECRET}')", ["sees only the warehouse", SECRET]),
        (f"SELECT * FROM read_blob('{SECRET}')", ["sees only the warehouse"]),
        ("SELECT * FROM glob('/etc/*')", ["sees only the warehouse"]),
        (f"SELECT count(*) FROM '{SECRET}'", ["does not exist"]),
        (f"CALL read_text('{SECRET}')", ["read-only", "CALL"]),
        ("SET enable_external_access = true", ["read-only", "SET"]),
        ("SET threads = 1", ["read-only", "SET"]),
        ("RESET lock_configuration", ["read-only", "SET"]),
        ("PRAGMA enable_profiling", ["configuration is locked"]),
        ("PRAGMA memory_limit = '1GB'", ["read-only", "SET"]),
        ("INSTALL httpfs", ["read-only", "LOAD"]),
        ("LOAD json", ["read-only", "LOAD"]),
        ("SELECT 1; SELECT 2", ["one statement at a time, not 2"]),
        ("SELECT 1; DELETE FROM articles", ["one statement at a time, not 2"]),
        ("CREATE TEMP TABLE t AS SELECT 1", ["read-only", "CREATE"]),
        ("CHECKPOINT", ["read-only", "CALL"]),
        ("DETACH w", ["read-only", "DETACH"]),
    ],
)
def test_statements_reaching_past_the_warehouse_are_refused(
    db: Path, capsys: pytest.CaptureFixture[str], sql: str, fragments: list[str]
) -> None:
    code, out, err = _query(capsys, db, sql)
    assert (code, out) == (1, "")
    _refused(err, *fragments)
    assert _counts(db) == (1, 1)


def test_copy_to_a_file_is_refused_and_writes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "stolen.csv"
    code, _, err = _query(capsys, db, f"COPY articles TO '{target}'")
    assert code == 1
    _refused(err, "read-only", "COPY")
    code, _, err = _query(capsys, db, f"COPY (SELECT * FROM articles) TO '{target}' (FORMAT csv)")
    assert code == 1
    assert not target.exists()


def test_export_database_is_refused_and_writes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "export"
    code, _, err = _query(capsys, db, f"EXPORT DATABASE '{target}'")
    assert code == 1
    _refused(err, "read-only", "EXPORT")
    assert not target.exists()


def test_attach_of_another_or_the_same_file_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE keep AS SELECT 42 AS x")
    link = tmp_path / "link.duckdb"
    os.link(db, link)  # the warehouse itself, under another name
    for target, options in [(other, "(READ_WRITE)"), (link, ""), (tmp_path / "new.duckdb", "")]:
        code, _, err = _query(capsys, db, f"ATTACH '{target}' AS x {options}")
        assert code == 1
        _refused(err, "read-only", "ATTACH")
    with duckdb.connect(str(other), read_only=True) as con:
        assert con.execute("SELECT x FROM keep").fetchall() == [(42,)]
    assert not (tmp_path / "new.duckdb").exists()
    assert _counts(db) == (1, 1)


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet", "table"])
def test_out_is_written_by_the_program(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    out = tmp_path / f"result.{fmt}"
    code, stdout, err = _query(
        capsys,
        db,
        "SELECT article_id, word_count FROM articles",
        "--format",
        fmt,
        "--out",
        str(out),
    )
    assert (code, stdout, err) == (0, "", "")
    if fmt == "parquet":
        with duckdb.connect() as con:
            assert con.execute("SELECT * FROM read_parquet(?)", [str(out)]).fetchall() == [
                ("a1", 2)
            ]
    else:
        assert "a1" in out.read_text()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT source, reason FROM rejects",
        "DESCRIBE articles",
        "SHOW TABLES",
        "SUMMARIZE articles",
        "PRAGMA table_info('articles')",
        "EXPLAIN SELECT * FROM articles",
        "SELECT current_setting('enable_external_access') AS access",
    ],
)
def test_reading_statements_still_answer(
    db: Path, capsys: pytest.CaptureFixture[str], sql: str
) -> None:
    code, out, err = _query(capsys, db, sql, "--format", "csv")
    assert (code, err) == (0, ""), err
    assert out.strip()
    if "current_setting" in sql:
        assert out.split() == ["access", "false"]
