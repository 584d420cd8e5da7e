"""Two ingests at once against one warehouse, and queries while an ingest holds it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.helpers import hostile
from tests.helpers.lock_holder import held_by_other_process

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

pytestmark = pytest.mark.usefixtures("prefect_server")


def _editions(directory: Path, prefix: str, count: int) -> Path:
    directory.mkdir()
    for i in range(count):
        text = SEEDS[i % 5].read_text("utf-8") + f"\n\nEdition {prefix}{i} of the story.\n"
        (directory / f"{prefix}{i:02d}.txt").write_text(text, "utf-8")
    return directory


def test_two_ingests_at_once_both_account_for_every_input(
    tmp_path: Path, prefect_server: str
) -> None:
    db = tmp_path / "w.duckdb"
    a = _editions(tmp_path / "a", "a", 10)
    b = _editions(tmp_path / "b", "b", 10)
    hostile.png_file(b)
    env = os.environ | {"PREFECT_API_URL": prefect_server, "PRESSWASH_BATCH_SIZE": "2"}
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "flows.cli", "run", str(inputs), "--db", str(db)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for inputs in (a, b)
    ]
    results = [(p.wait(timeout=300), p.stderr.read().decode()) for p in runs]
    assert [code for code, _ in results] == [0, 0], results
    with duckdb.connect(str(db), read_only=True) as con:
        sources = {Path(s).name for (s,) in con.execute("SELECT source FROM articles").fetchall()}
        rejects = con.execute("SELECT source FROM rejects").fetchall()
        balance = con.execute(
            "SELECT inputs, landed + duplicates + rejected, status FROM runs ORDER BY inputs"
        ).fetchall()
    assert sources == {f"a{i:02d}.txt" for i in range(10)} | {f"b{i:02d}.txt" for i in range(10)}
    assert [Path(s).name for (s,) in rejects] == ["photo.txt"]
    assert balance == [(10, 10, "ok"), (11, 11, "ok")]


def test_a_run_that_cannot_get_the_warehouse_fails_with_one_clear_line(
    tmp_path: Path, prefect_server: str
) -> None:
    db = tmp_path / "w.duckdb"
    duckdb.connect(str(db)).close()
    with held_by_other_process(db):
        env = os.environ | {"PREFECT_API_URL": prefect_server, "PRESSWASH_LOCK_WAIT": "2"}
        run = subprocess.run(
            [sys.executable, "-m", "flows.cli", "run", str(ROOT / "seeds"), "--db", str(db)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 3
    message = run.stderr.strip().splitlines()
    assert len(message) == 1 and str(db) in message[0] and "Traceback" not in run.stderr
