"""Every kind of hostile input in one real run: each is rejected or lands, none disturbs the
rest, memory and time stay bounded.

The run is a ``presswash run`` subprocess, so its peak memory can be read back from the OS.
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from sources.read import source_name
from tests.helpers import hostile

ROOT = Path(__file__).resolve().parents[2]
MIB = 1 << 20
#: Bounds the run must stay within (generous: the machine is shared; these catch runaways).
MAX_RSS_MIB = 2048
MAX_SECONDS = 300

pytestmark = pytest.mark.usefixtures("prefect_server")


def _backtracking_lines(directory: Path) -> list[Path]:
    """1 MB lines built to make careless regular expressions backtrack."""
    pieces = {"parens": "(", "copyright": "© ", "images": "![", "photo": "Photo ", "links": "[a]("}
    paths = []
    for name, piece in pieces.items():
        line = (piece * (MIB // len(piece)))[:MIB]
        paths.append(hostile.write(directory, f"backtrack-{name}.txt", f"Headline\n\n{line}\n"))
    return paths


def _hostile_inbox(inbox: Path) -> None:
    shutil.copy(ROOT / "seeds" / "000_449e434309c5e533.txt", inbox / "good.txt")
    hostile.empty_file(inbox)
    hostile.png_file(inbox)
    hostile.random_binary(inbox)
    hostile.stray_nuls(inbox)
    hostile.nul_padded(inbox)
    hostile.invalid_utf8(inbox)
    hostile.encoded_file(inbox, "utf16-bom.txt", hostile.CP1252_TEXT * 5, "utf-16", bom=True)
    hostile.odd_names(inbox)
    hostile.symlink_loop(inbox)
    hostile.fifo(inbox)
    hostile.dir_named_as_file(inbox)
    hostile.gzip_bomb(inbox)
    pages = [(f"https://example.org/{n}", hostile.html_page(f"Story {n}.")) for n in "ab"]
    hostile.truncated_warc(inbox, "cut.warc.gz", pages)
    hostile.jsonl_with_bad_lines(inbox)
    # 100,000-deep nesting, gzipped to keep the test's disk use small.
    deep = "<html><body>" + "<div>" * 100_000 + "deep text" + "</div>" * 100_000 + "</body></html>"
    hostile.gzipped(inbox, "deep.html.gz", deep)
    # A 100 MB text file and a 10 MB single line.
    with (inbox / "huge.txt").open("w") as f:
        paragraph = "The council met again on Tuesday and argued about the harbour. " * 20
        for _ in range(100 * MIB // (len(paragraph) + 2)):
            f.write(paragraph + "\n\n")
    hostile.write(inbox, "one-line.txt", "word " * (2 * MIB))
    _backtracking_lines(inbox)
    # Strings no encoder takes, a million hard-wrapped lines, repeats inside one container.
    hostile.poison_name(inbox)
    hostile.surrogate_records(inbox)
    hostile.short_lines(inbox)
    hostile.identical_records(inbox, copies=3)
    hostile.short_content_length_warc(inbox, "short.warc.gz", pages, pages[0][0])


def test_hostile_inputs_are_each_accounted_for_within_bounds(
    tmp_path: Path, prefect_server: str
) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "w.duckdb"
    inbox.mkdir()
    _hostile_inbox(inbox)
    env = os.environ | {"PREFECT_API_URL": prefect_server}
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", str(inbox), "--db", str(db)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=MAX_SECONDS,
    )
    seconds = time.monotonic() - started
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert run.returncode == 0, run.stderr[-2000:]
    assert seconds < MAX_SECONDS and peak_mib < MAX_RSS_MIB, (seconds, peak_mib)

    with duckdb.connect(str(db), read_only=True) as con:
        landed = {s for (s,) in con.execute("SELECT source FROM articles").fetchall()}
        rejected = dict(con.execute("SELECT source, reason FROM rejects").fetchall())
        (inputs, accounted, duplicates) = con.execute(
            "SELECT inputs, landed + duplicates + rejected, duplicates FROM runs"
        ).fetchone()
        rows = con.execute(
            "SELECT (SELECT count(*) FROM articles) + (SELECT count(*) FROM rejects)"
        ).fetchone()[0]
    # Every input has a row, but for the two repeats of one record in repeats.jsonl: they
    # are counted as duplicates of the row the record landed as.
    assert inputs == accounted == rows + 2
    assert duplicates >= 2
    assert str(inbox / "good.txt") in landed
    names = {Path(s.split("#")[0]).name for s in [*landed, *rejected]}
    expected = {
        Path(source_name(p)).name
        for p in inbox.rglob("*")
        if not p.is_symlink() and (p.is_file() or p.is_fifo())
    }
    assert expected <= names, expected - names
    assert "decompressed size" in rejected[str(inbox / "bomb.html.gz")]
    assert "exceeds the 64 MiB cap" in rejected[str(inbox / "huge.txt")]
    assert "nested" in rejected[str(inbox / "deep.html.gz")]
    assert str(inbox / "short-lines.txt") in landed  # in linear time: within MAX_SECONDS
    surrogates = [s for s in rejected if s.startswith(str(inbox / "surrogates.jsonl"))]
    assert len(surrogates) == 3  # lines 2-4; lines 1 and 5 land
    assert any(s.startswith(str(inbox / "bad\\xff.txt")) for s in [*landed, *rejected])
    assert "Content-Length" in rejected[f"{inbox / 'short.warc.gz'}#https://example.org/a"]
    for source, reason in rejected.items():
        assert reason and "\n" not in reason, source
