"""Peak memory of ``presswash run`` on one large container: a JSONL file and a WARC file.

    .venv/bin/python bench/large_input.py [--jsonl-mb 500] [--warc-records 50000]
        [--runner auto|threads|processes] [--keep DIR]

Writes, in a temporary directory (or ``--keep DIR``):

* ``big.jsonl``: text records of news length (150-1,500 words, paragraphs of sentences drawn
  from a fixed vocabulary, so that every record is a new article) until the file reaches
  ``--jsonl-mb`` MB; one record in fifty is repeated verbatim and one in a hundred is bad
  JSON, so the run has duplicates and rejects to count;
* ``big.warc.gz``: ``--warc-records`` HTML responses (each with its request record, one gzip
  member per record, as crawlers write them).

Then runs ``presswash run FILE --db NEW.duckdb`` on each in its own process, samples the
memory of that process and of its descendants every 0.2 s (psutil), and prints per file: its
size and records, the run's wall time, its counts, the peak RSS of the ``run`` process, the
peak of the summed RSS and of the summed PSS of the run and its task workers, and the peak RSS
of Prefect's temporary server (started by the run, not part of presswash's own memory), apart.

The workers are forked from one fork server that imported the cleaning code, so they share
most of their pages with it and with each other: a sum of RSS counts each shared page once
per process, a sum of PSS (proportional set size: a page shared by n processes counts 1/n in
each) counts it once in all, which is the memory the run takes from the machine.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
MB = 1_000_000
WORDS = [
    "the",
    "council",
    "harbour",
    "minister",
    "budget",
    "vote",
    "city",
    "port",
    "ferry",
    "plan",
    "week",
    "report",
    "police",
    "court",
    "school",
    "hospital",
    "road",
    "rail",
    "water",
    "energy",
    "price",
    "market",
    "bank",
    "company",
    "workers",
    "union",
    "strike",
    "election",
    "party",
    "leader",
    "government",
    "opposition",
    "law",
    "bill",
    "tax",
    "health",
    "weather",
    "storm",
    "river",
    "bridge",
    "museum",
    "festival",
    "season",
    "team",
    "match",
    "coach",
    "player",
    "result",
    "record",
    "year",
    "month",
    "people",
    "families",
    "residents",
    "officials",
    "experts",
    "said",
    "told",
    "announced",
    "warned",
    "agreed",
    "rejected",
    "approved",
    "expected",
    "new",
    "old",
    "local",
    "national",
    "regional",
    "public",
    "private",
    "early",
    "late",
    "major",
    "minor",
    "final",
]


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(8, 24))
    return " ".join(words).capitalize() + "."


def article(rng: random.Random, n: int) -> str:
    paragraphs = [
        " ".join(sentence(rng) for _ in range(rng.randint(2, 6))) for _ in range(rng.randint(3, 14))
    ]
    return f"Story number {n} of the day\n\n" + "\n\n".join(paragraphs) + "\n"


def write_jsonl(path: Path, target_bytes: int) -> int:
    rng = random.Random(1)
    records = stories = 0
    with path.open("w", encoding="utf-8") as out:
        while out.tell() < target_bytes:
            stories += 1
            line = json.dumps(
                {"url": f"https://example.org/{stories}", "text": article(rng, stories)}
            )
            out.write(line + "\n")
            records += 1
            if stories % 50 == 0:
                out.write(line + "\n")  # the same record again: a duplicate
                records += 1
            if stories % 100 == 0:
                out.write('{"url": "https://example.org/broken", "text": \n')
                records += 1
    return records


def write_warc(path: Path, count: int) -> None:
    rng = random.Random(2)
    with path.open("wb") as raw:
        writer = WARCWriter(raw, gzip=True)
        for n in range(count):
            url = f"https://example.org/page/{n}"
            request = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True
            )
            writer.write_record(writer.create_warc_record(url, "request", http_headers=request))
            body = article(rng, n).split("\n\n")
            html = (
                f"<!DOCTYPE html><html><head><title>{body[0]}</title></head><body><article>"
                f"<h1>{body[0]}</h1>"
                + "".join(f"<p>{p}</p>" for p in body[1:])
                + "</article></body></html>"
            ).encode()
            headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(html)))],
                "HTTP/1.1",
            )
            record = writer.create_warc_record(
                url, "response", payload=io.BytesIO(html), http_headers=headers
            )
            writer.write_record(record)


def _is_server(process: psutil.Process) -> bool:
    try:
        command = " ".join(process.cmdline())
    except psutil.Error:
        return False
    return "uvicorn" in command or "prefect.server" in command or "server start" in command


def measure(path: Path, db: Path, env: dict[str, str]) -> dict[str, object]:
    """Run ``presswash run path`` and sample its memory until it exits."""
    command = [str(ROOT / ".venv" / "bin" / "presswash"), "run", str(path), "--db", str(db)]
    # Output to files, not pipes: a run's reject lines would fill a pipe nobody reads while
    # the memory is sampled, and the run would block on its next line.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        run = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=err)
        peaks = _sample(run)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        output, errors = out.read(), err.read()
    counts = dict(re.findall(r"^\s+(inputs|landed|duplicates|rejected)\s+(\d+)$", output, re.M))
    return {
        "exit": run.returncode,
        "seconds": seconds,
        "counts": counts,
        **peaks,
        "stderr_tail": "" if run.returncode == 0 else errors[-1500:],
    }


def _sample(run: subprocess.Popen) -> dict[str, int]:
    """Peak RSS of the run process, peak RSS and PSS sums of it and its workers, and peak RSS
    of Prefect's server, sampled every 0.2 s until the run exits."""
    main = psutil.Process(run.pid)
    peaks = dict.fromkeys(("peak_run", "peak_run_and_workers", "peak_pss", "peak_server"), 0)
    while run.poll() is None:
        try:
            memory = main.memory_full_info()
            rest = main.children(recursive=True)
        except psutil.Error:
            break
        sample = {
            "peak_run": memory.rss,
            "peak_run_and_workers": memory.rss,
            "peak_pss": memory.pss,
            "peak_server": 0,
        }
        for child in rest:
            try:
                child_memory = child.memory_full_info()
            except psutil.Error:
                continue
            if _is_server(child):
                sample["peak_server"] += child_memory.rss
            else:
                sample["peak_run_and_workers"] += child_memory.rss
                sample["peak_pss"] += child_memory.pss
        peaks = {name: max(peak, sample[name]) for name, peak in peaks.items()}
        time.sleep(0.2)
    run.wait()
    return peaks


def report(name: str, path: Path, records: int, result: dict[str, object]) -> None:
    gb = 1 << 30
    print(f"{name}: {path.stat().st_size / MB:,.0f} MB, {records:,} records")
    print(f"  exit {result['exit']}, wall {result['seconds']:.0f} s, counts {result['counts']}")
    print(
        f"  peak RSS: run process {result['peak_run'] / gb:.2f} GB, "
        f"run + workers {result['peak_run_and_workers'] / gb:.2f} GB "
        f"(PSS, shared pages once: {result['peak_pss'] / gb:.2f} GB), "
        f"Prefect's temporary server apart {result['peak_server'] / gb:.2f} GB"
    )
    if result["stderr_tail"]:
        print(result["stderr_tail"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl-mb", type=int, default=500)
    parser.add_argument("--warc-records", type=int, default=50_000)
    parser.add_argument(
        "--runner",
        choices=("auto", "threads", "processes"),
        help="default: the task_runner setting, as a user gets it",
    )
    parser.add_argument("--keep", type=Path, help="write the inputs here and keep them")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="presswash-large-") as tmp:
        where = args.keep or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        env = os.environ | {
            "PREFECT_HOME": str(Path(tmp) / "prefect"),
            # A temporary server per run, stopped by it: the reusable one would outlive the
            # temporary home it was started in.
            "PRESSWASH_REUSE_SERVER": "false",
            # On a shared machine the temporary server can take longer than Prefect's 20 s.
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
        }
        if args.runner:
            env["PRESSWASH_TASK_RUNNER"] = args.runner
        print(f"runner: {args.runner or 'the default'}; {os.cpu_count()} cores")
        if args.jsonl_mb:
            jsonl = where / "big.jsonl"
            records = write_jsonl(jsonl, args.jsonl_mb * MB)
            report("JSONL", jsonl, records, measure(jsonl, Path(tmp) / "jsonl.duckdb", env))
        if args.warc_records:
            warc = where / "big.warc.gz"
            write_warc(warc, args.warc_records)
            report("WARC", warc, args.warc_records, measure(warc, Path(tmp) / "warc.duckdb", env))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
