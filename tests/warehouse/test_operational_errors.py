"""Failures an operator must fix -- a damaged or truncated warehouse, one that cannot be
written, a full disk -- end the command with one line naming the file and what to do."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import hostile
from warehouse import open_warehouse

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def _cli(*argv: str, env: dict[str, str] | None = None, limit: int | None = None):
    def _limit_file_size() -> None:
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *argv],
        cwd=ROOT,
        env=env or os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=_limit_file_size,
    )


_PROGRESS = re.compile(r"^presswash \w+: \d+(/\d+)? inputs, ")


def _one_line(stderr: str, *fragments: str) -> None:
    # Off a terminal, a run also prints progress lines ("N/M inputs, ..."): those are not errors.
    errors = [line for line in stderr.splitlines() if not _PROGRESS.search(line)]
    assert len(errors) == 1, stderr
    assert "Traceback" not in stderr
    for fragment in fragments:
        assert fragment in stderr, stderr


@pytest.fixture
def warehouse_file(tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    with open_warehouse(path) as con:
        con.execute("CREATE TABLE filler AS SELECT range AS x FROM range(200000)")
    return path


@pytest.mark.parametrize("damage", ["truncated", "overwritten", "zeroed"])
@pytest.mark.parametrize("command", ["run", "query", "stats"])
def test_damaged_warehouse_is_one_line_naming_it(
    warehouse_file: Path, damage: str, command: str
) -> None:
    data = warehouse_file.read_bytes()
    broken = {
        "truncated": data[: len(data) // 3],
        "overwritten": b"not a database\n" * 200,
        "zeroed": bytes(len(data)),
    }[damage]
    warehouse_file.write_bytes(broken)
    argv = {"run": ["run", str(SEEDS)], "query": ["query", "SELECT 1"], "stats": ["stats"]}
    done = _cli(*argv[command], "--db", str(warehouse_file))
    assert done.returncode == 1
    _one_line(done.stderr, str(warehouse_file), "damaged or truncated", "restore it")


def test_warehouse_under_a_file_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "plain"
    blocker.write_text("a file, not a directory")
    done = _cli("run", str(SEEDS), "--db", str(blocker / "w.duckdb"))
    assert done.returncode == 1
    _one_line(done.stderr, str(blocker))


def test_read_only_warehouse_is_one_line(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes files whatever their mode")
    path = tmp_path / "ro" / "w.duckdb"
    open_warehouse(path).close()
    path.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        done = _cli("run", str(SEEDS), "--db", str(path))
    finally:
        path.parent.chmod(0o755)
    assert done.returncode == 1
    _one_line(done.stderr, str(path), "cannot be written", "writable")


def test_full_disk_while_landing_is_one_line(
    warehouse_file: Path, prefect_server: str, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n, story in enumerate(hostile.distinct_stories(3000)):
        hostile.write(inbox, f"{n:05}.txt", f"Story {n}\n\n{story}\n")
    size = warehouse_file.stat().st_size
    env = os.environ | {"PREFECT_API_URL": prefect_server}
    # No file may grow past the warehouse's size: landing 3,000 articles needs more than the
    # blocks the migrations left free.
    done = _cli("run", str(inbox), "--db", str(warehouse_file), env=env, limit=size)
    assert done.returncode == 1, done.stdout
    _one_line(done.stderr, str(warehouse_file), "could not be written", "Free space")
    with open_warehouse(warehouse_file, read_only=True) as con:
        # Batches landed before the disk filled stay; the failed one left no partial article.
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone()
        assert articles < 3000
        bare = con.execute(
            "SELECT count(*) FROM articles a WHERE NOT EXISTS"
            " (SELECT 1 FROM passages p WHERE p.article_id = a.article_id)"
        ).fetchone()
        assert bare == (0,)
