"""The benchmark scripts run end to end on a tiny corpus and print their figures.

They are run as a user runs them, in a subprocess, so the tests see the same command line."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT

SENTENCES = [
    "The city council approved the new transit budget after a long evening debate.",
    "Officials said the first buses on the extended routes would run in early spring.",
    "Residents of the northern districts had asked for better service for several years.",
    "A spokesperson for the mayor declined to say how the plan would be paid for.",
    "Opposition members argued that fares would have to rise within two years.",
    "The regional rail operator welcomed the decision in a short written statement.",
    "Analysts expect ridership to recover slowly after a difficult decade for the network.",
    "Construction of two new depots is scheduled to begin before the end of the year.",
    "Local businesses near the planned stops said they hoped for more foot traffic.",
    "The vote passed with nine members in favour and four against the proposal.",
]
CHROME = [
    "Home", "Sign in", "Subscribe", "Privacy policy", "Contact us", "Newsletter",
    "Most read", "Advertise with us", "Terms of use", "Cookie settings",
]  # fmt: skip


def _dataset(root: Path, pages: int = 4) -> Path:
    """A dataset in the WCXB layout: ground truth with bodies and chrome lines, and pages."""
    (root / "ground-truth").mkdir(parents=True)
    (root / "html").mkdir()
    for i in range(pages):
        body = [" ".join(SENTENCES[(i + k) % 10] for k in range(j, j + 3)) for j in range(4)]
        truth = {"title": f"Transit plan, part {i}", "main_content": "\n".join(body),
                 "without": CHROME}  # fmt: skip
        (root / "ground-truth" / f"{i:04d}.json").write_text(
            json.dumps({"url": f"https://news.example.org/{i}", "ground_truth": truth})
        )
        html = "<html><head><title>{t}</title></head><body><nav>{n}</nav><article><h1>{t}</h1>"
        html += "".join(f"<p>{p}</p>" for p in body) + "</article><footer>{n}</footer></body>"
        html = html.format(t=truth["title"], n=" | ".join(CHROME[:5]))
        (root / "html" / f"{i:04d}.html.gz").write_bytes(gzip.compress(html.encode()))
    return root


@pytest.mark.flow
@pytest.mark.slow
def test_throughput_bench_runs_the_flow_and_prints_every_stage(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path / "dataset")
    cmd = [
        sys.executable, str(ROOT / "bench" / "throughput.py"), "--wcxb", str(dataset),
        "--sizes", "30", "--html-sizes", "6", "--batch-size", "8", "--repeats", "1",
        "--compare-pages", "3", "--compare-texts", "5", "--tmp", str(tmp_path),
    ]  # fmt: skip
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for stage in ("read", "decode", "extract (HTML)", "clean (rules)", "signatures", "dedup"):
        assert stage in out, f"stage {stage!r} missing from:\n{out}"
    assert "x trafilatura's speed" in out and "x faster" in out


@pytest.mark.slow
def test_peer_bench_runs_both_pipelines_and_prints_their_ratio(tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="bench/peer.py needs the bench extra")
    pytest.importorskip("spacy", reason="bench/peer.py needs the bench extra")
    dataset = _dataset(tmp_path / "dataset")
    cmd = [
        sys.executable, str(ROOT / "bench" / "peer.py"), "--wcxb", str(dataset),
        "--docs", "30", "--small", "3", "--repeats", "1", "--tmp", str(tmp_path),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=1200, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    assert "presswash  run 1" in out and "datatrove  run 1" in out, out
    assert "x documents/s end to end" in out and "CPU ms/doc" in out, out
    assert "left behind" not in out, out


def test_clean_text_speed_bench_times_two_checkouts_side_by_side(tmp_path: Path) -> None:
    dataset = _dataset(tmp_path / "dataset")
    dumps = tmp_path / "dumps.json"
    cmd = [
        sys.executable, str(ROOT / "bench" / "clean_text_speed.py"), "--wcxb", str(dataset),
        "--dumps", str(dumps), "--rounds", "1", "--against", str(ROOT),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    texts = json.loads(dumps.read_text(encoding="utf-8"))
    seeds = len(list((ROOT / "seeds").glob("*.txt")))
    assert len(texts) == seeds + 4  # every page of the dataset gives a dump
    assert f"clean_text on {len(texts)} texts" in done.stdout
    assert "this checkout" in done.stdout and "ratio this/against" in done.stdout
