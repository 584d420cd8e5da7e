"""What scripts and people see from the CLI: help, exit codes, one-line errors, progress
lines, Ctrl-C and closed pipes. Runs are real (`presswash run`, a real Prefect server)."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from flows import progress
from flows.cli import EXIT_CODES, main

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
PROGRESS = re.compile(
    r"presswash run: \d+(/\d+)? inputs, \d+\.\d/s, landed \d+, duplicates \d+, rejected \d+"
)


def _environ(api_url: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSWASH_")}
    env["PREFECT_API_URL"] = api_url
    return env | {f"PRESSWASH_{k.upper()}": v for k, v in settings.items()}


def _inputs(directory: Path, copies: int) -> Path:
    """``copies`` text files: the seeds, each under several names (later ones are repeats)."""
    directory.mkdir(parents=True)
    for i in range(copies):
        seed = SEEDS[i % len(SEEDS)]
        shutil.copy(seed, directory / f"{i:03}-{seed.name}")
    return directory


@pytest.mark.parametrize("command", [[], ["run"]])
def test_help_documents_every_exit_code(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for code, meaning in EXIT_CODES.items():
        assert re.search(rf"^  {code} +{re.escape(meaning[:30])}", out, re.M), (code, out)


def test_run_help_lists_the_input_formats(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    for suffix in (".txt", ".md", ".html", ".html.gz", ".jsonl", ".warc.gz"):
        assert suffix in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"presswash {version('presswash')}"


@pytest.mark.parametrize(
    "argv", [["stats", "--bogus"], ["run", "--db"], ["report"], ["server", "restart"]]
)
def test_a_usage_error_prints_the_usage_of_its_subcommand(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: presswash {argv[0]} ")
    assert err.rstrip().splitlines()[-1].startswith(f"presswash {argv[0]}: error: ")


@pytest.mark.parametrize(
    ("argv", "named"),
    [(["run", "nope.txt"], "nope.txt"), (["run"], "seeds"), (["run", ".", "gone/"], "gone/")],
)
def test_a_path_that_does_not_exist_is_exit_2_and_touches_nothing(
    argv: list[str],
    named: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no seeds/ here
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == f"presswash run: no such file or directory: {named}\n"
    assert list(tmp_path.iterdir()) == []  # no warehouse created


def test_a_run_that_reads_nothing_is_exit_2(
    prefect_server: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    (tmp_path / "blank.txt").write_text("   \n")
    code = main(["run", str(empty_dir), str(tmp_path / "blank.txt"), "--db", str(tmp_path / "w")])
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "presswash run: nothing could be read: all 2 inputs were rejected"
    assert sum(line.startswith("rejected: ") for line in err) == 2


def test_off_a_terminal_progress_is_a_plain_line_and_the_summary_aligns(
    prefect_server: str, tmp_path: Path
) -> None:
    inputs = _inputs(tmp_path / "in", 12)
    env = _environ(prefect_server, batch_size="1", progress_every="0.05")
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", str(inputs), "--db", str(tmp_path / "w")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(PROGRESS.fullmatch(line) for line in lines), lines
    counted = [line for line in done.stdout.splitlines() if re.search(r"\d$", line)]
    assert len(counted) > 6 and len({len(line) for line in counted}) == 1, done.stdout
    assert any("duplicate_title" in line for line in counted)  # the longest kind name


@pytest.mark.slow
def test_ctrl_c_ends_a_run_with_one_line_and_a_rerun_completes_it(
    prefect_server: str, tmp_path: Path
) -> None:
    inputs = _inputs(tmp_path / "in", 60)
    db = tmp_path / "w.duckdb"
    env = _environ(prefect_server, batch_size="1", workers="1", progress_every="0.05")
    cmd = [sys.executable, "-m", "flows.cli", "run", str(inputs), "--db", str(db)]
    err_file = tmp_path / "err"
    with err_file.open("w") as err:
        run = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.monotonic() + 300
        while not re.search(r"run: [1-9]\d*/60 inputs", err_file.read_text()):
            assert run.poll() is None and time.monotonic() < deadline, err_file.read_text()
            time.sleep(0.05)
        run.send_signal(signal.SIGINT)
        code = run.wait(timeout=120)
    lines = [line for line in err_file.read_text().splitlines() if not PROGRESS.fullmatch(line)]
    assert code == 130, lines
    assert len(lines) == 1 and "Traceback" not in lines[0]
    assert re.fullmatch(
        r"presswash run: interrupted after \d+ of 60 inputs \(\d+ landed, \d+ duplicates, "
        r"0 rejected\); what landed stays: run it again to continue",
        lines[0],
    )
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    books = (
        "SELECT count(*) || ' ' || count(DISTINCT source) || ' ' || "
        "count(*) FILTER (WHERE duplicate_of IS NULL) FROM articles"
    )
    got = subprocess.run(
        [*cmd[:3], "query", books, "--db", str(db), "--format", "csv"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    # Every input once, whatever was cut: 60 files, 5 of them originals, the rest copies.
    assert got.stdout.splitlines()[-1].strip('"') == f"60 60 {len(SEEDS)}", got.stdout


def test_a_closed_pipe_ends_quietly(prefect_server: str, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    assert main(["run", str(ROOT / "seeds"), "--db", str(db)]) == 0
    stats = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "stats", "--db", str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    stats.stdout.close()  # the reader is gone before the first line (`| head -0`)
    err = stats.stderr.read()
    assert stats.wait(timeout=120) == 141
    assert err == b""


def test_a_page_without_text_is_reported_by_name_not_by_a_nameless_warning(
    prefect_server: str, tmp_path: Path
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "blank.html").write_text("<html><body><nav>Home</nav></body></html>")
    shutil.copy(SEEDS[0], tmp_path / "in")
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "run", str(tmp_path / "in"), "--db",
         str(tmp_path / "w")],
        cwd=ROOT, env=_environ(prefect_server), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "discarding data" not in done.stderr
    assert f"rejected: {tmp_path / 'in' / 'blank.html'}: " in done.stderr


def _wcxb_like(directory: Path, pages: int) -> Path:
    """A dataset in the WCXB layout: gzipped pages and their ground truth."""
    (directory / "html").mkdir(parents=True)
    (directory / "ground-truth").mkdir()
    body = "The harbour bridge reopened to traffic on Monday after eight months of repairs."
    for i in range(pages):
        page = f"<html><body><article><h1>Bridge {i}</h1><p>{body}</p></article></body></html>"
        (directory / "html" / f"p{i}.html.gz").write_bytes(gzip.compress(page.encode()))
        truth = {"ground_truth": {"main_content": body, "title": f"Bridge {i}"}}
        (directory / "ground-truth" / f"p{i}.json").write_text(json.dumps(truth))
    return directory


def test_eval_off_a_terminal_prints_progress_lines(tmp_path: Path) -> None:
    data = _wcxb_like(tmp_path / "data", 6)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSWASH_")}
    done = subprocess.run(
        [sys.executable, "-m", "flows.cli", "eval", str(data)],
        cwd=ROOT, env=env | {"PRESSWASH_PROGRESS_EVERY": "0.01"}, capture_output=True,
        text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines and all(re.fullmatch(r"presswash eval: \d/6 pages, \d+\.\d/s", x) for x in lines)
    assert "presswash" in done.stdout and "trafilatura" in done.stdout


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_progress_is_a_live_bar_with_the_counts() -> None:
    screen = _Terminal()
    with progress.tracking("presswash run", "inputs", ("landed", "rejected"), screen) as t:
        t.set_total(4)
        t.advance(3, landed=2, rejected=1)
    shown = screen.getvalue()
    assert "presswash run inputs" in shown and "3/4" in shown
    assert "landed 2" in shown and "rejected 1" in shown
