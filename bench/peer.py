"""presswash beside a datatrove pipeline on the same scraped-text files, in one run.

    .venv/bin/python bench/peer.py --wcxb ../shared/data/wcxb-dev [--docs 5000] [--repeats 3]
        [--tmp DIR]

Needs the ``bench`` extra (``pip install -e '.[bench]'``: datatrove and spaCy, whose blank
English tokenizer is datatrove's word tokenizer for English).

The corpus is ``throughput.write_text_corpus``: scraped dumps made from real article bodies
with site chrome, one in ten a copy of another. Both pipelines read the same ``.txt`` files
and use both cores of this machine:

* presswash: ``presswash run DIR --db FILE`` with the settings a new user has (none), so it
  starts Prefect's temporary server itself. It cleans every document (rules, removals with
  their kind and reason), signs articles and passages, deduplicates them against the
  warehouse and lands articles, passages, removals and rejects in DuckDB.
* datatrove, run as its FineWeb recipe runs: a reader of the same files (one small reader
  class, datatrove has none for a directory of text files), its Gopher repetition and quality
  filters, its C4 line filter and FineWeb quality filter, each writing what it drops to an
  exclusion JSONL, a JSONL writer of what is kept, and its MinHash stages (signatures, then
  buckets and clusters: the duplicate pairs and their clusters), on a local executor of two
  tasks and two workers.

Each is a fresh subprocess; they alternate, ``--repeats`` times each. CPU is the whole
process tree's user and system time: this process makes itself the subreaper of its
descendants (``PR_SET_CHILD_SUBREAPER``), so workers and servers that outlive their parent are
reaped here too, and their CPU is in ``RUSAGE_CHILDREN``. Printed: documents/s per wall second
(and for presswash also per second of the flow itself, from the ``runs`` table, i.e. past
Prefect's start-up), CPU ms per document, medians, and the ratios of the medians.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from throughput import write_text_corpus

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PR_SET_CHILD_SUBREAPER = 36
#: Seconds to wait for descendants that outlive a run before calling them left behind.
REAP_SECONDS = 30.0


def become_subreaper() -> None:
    """Orphaned descendants are re-parented to this process instead of init (Linux)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


def reap_descendants(deadline: float) -> int:
    """Wait for every descendant re-parented here; returns how many were still alive at
    ``deadline`` (those are killed, so their CPU still counts)."""
    import psutil

    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return 0
        if pid == 0:
            time.sleep(0.1)
    left = psutil.Process().children()
    for child in left:
        child.kill()
    for child in left:
        os.waitpid(child.pid, 0)
    return len(left)


def measured(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall and whole-tree CPU seconds of ``cmd``, run to completion with its descendants."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    left = reap_descendants(time.monotonic() + REAP_SECONDS)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[:3]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "left_behind": left, "stdout": done.stdout}


def presswash_env(prefect_home: Path, **settings: str) -> dict[str, str]:
    """A new user's environment: no Prefect server configured, one Prefect home kept between
    runs as a user's is, and no presswash settings but ``reuse_server = false``: each run
    starts and stops a temporary Prefect server, so that the server's start-up and CPU are
    the run's (a user's first run pays as much; the reusable server, the default, is
    detached and would outlive the run as a process left behind). The server's start-up
    timeout is raised, for a loaded shared machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_API", "PRESSWASH_"))}
    env["PREFECT_HOME"] = str(prefect_home)
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "600"
    env["PRESSWASH_REUSE_SERVER"] = "false"
    env |= {f"PRESSWASH_{name.upper()}": value for name, value in settings.items()}
    return env


def run_presswash(corpus: Path, work: Path, prefect_home: Path) -> dict[str, Any]:
    db = work / "presswash.duckdb"
    cmd = [sys.executable, "-m", "flows.cli", "run", str(corpus), "--db", str(db)]
    result = measured(cmd, presswash_env(prefect_home))
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        flow_wall, inputs, landed, duplicates, rejected = con.execute(
            "SELECT epoch(finished_at) - epoch(started_at), inputs, landed, duplicates, rejected"
            " FROM runs"
        ).fetchone()
    result |= {"flow_wall": flow_wall, "docs": inputs, "kept": landed - duplicates}
    result["detail"] = f"landed {landed}, duplicates {duplicates}, rejected {rejected}"
    return result


def small_runs(corpus: Path, root: Path, prefect_home: Path, repeats: int) -> dict[str, list]:
    """Wall seconds of a repeat ``presswash run`` of the same few files into the same
    warehouse, with the default runner and with ``processes``, alternating."""
    walls: dict[str, list[float]] = {"auto": [], "processes": []}
    for name in ("auto", "processes"):
        db = root / f"small-{name}.duckdb"
        cmd = [sys.executable, "-m", "flows.cli", "run", str(corpus), "--db", str(db)]
        settings = {} if name == "auto" else {"task_runner": name}
        measured(cmd, presswash_env(prefect_home, **settings))  # the first run of these files
    for _ in range(repeats):
        for name in walls:
            db = root / f"small-{name}.duckdb"
            cmd = [sys.executable, "-m", "flows.cli", "run", str(corpus), "--db", str(db)]
            settings = {} if name == "auto" else {"task_runner": name}
            walls[name].append(measured(cmd, presswash_env(prefect_home, **settings))["wall"])
    return walls


def run_datatrove(corpus: Path, work: Path, _prefect_home: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--datatrove", str(corpus), str(work)]
    env = os.environ | {"PYTHONPATH": str(BENCH)}
    result = measured(cmd, env)
    counts = json.loads(result["stdout"].splitlines()[-1])
    result |= counts
    result["detail"] = (
        f"kept {counts['kept']}, dropped by filters {counts['docs'] - counts['kept']}, "
        f"in duplicate clusters {counts['clustered']}"
    )
    return result


def datatrove_pipeline(corpus: Path, work: Path, tasks: int = 2) -> dict[str, int]:
    """The datatrove side (see the module docstring), in this process; prints its counts."""
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.filters import (
        C4QualityFilter,
        FineWebQualityFilter,
        GopherQualityFilter,
        GopherRepetitionFilter,
    )
    from datatrove.pipeline.readers.base import BaseDiskReader
    from datatrove.pipeline.writers import JsonlWriter
    from datatrove.utils.hashing import HashConfig

    class TextFileReader(BaseDiskReader):
        """One document per text file: its path is its id."""

        name = "text files"

        def read_file(self, filepath: str):
            with self.data_folder.open(filepath, "r", encoding="utf-8") as handle:
                document = self.get_document_from_dict(
                    {"text": handle.read(), "id": filepath}, filepath, 0
                )
            if document:
                yield document

    out = work / "datatrove"
    # datatrove's default xxhash shingle hash passes str, which xxhash 4 refuses; its other
    # built-in hash is sha1 (64-bit, as the default's precision)
    minhash = MinhashConfig(hash_config=HashConfig(precision=64, hash_fc="sha1"))

    def excluded(name: str) -> JsonlWriter:
        return JsonlWriter(str(out / "removed" / name))

    stages = [
        [
            TextFileReader(str(corpus), glob_pattern="**/*.txt"),
            GopherRepetitionFilter(exclusion_writer=excluded("gopher_rep")),
            GopherQualityFilter(exclusion_writer=excluded("gopher_qual")),
            C4QualityFilter(filter_no_terminal_punct=False, exclusion_writer=excluded("c4")),
            FineWebQualityFilter(exclusion_writer=excluded("fineweb_qual")),
            JsonlWriter(str(out / "kept")),
            MinhashDedupSignature(output_folder=str(out / "signatures"), config=minhash),
        ],
        [
            MinhashDedupBuckets(
                input_folder=str(out / "signatures"),
                output_folder=str(out / "buckets"),
                config=minhash,
            )
        ],
        [
            MinhashDedupCluster(
                input_folder=str(out / "buckets"),
                output_folder=str(out / "clusters"),
                config=minhash,
            )
        ],
    ]
    tasks_per_stage = [tasks, minhash.num_buckets, 1]
    for i, (pipeline, n) in enumerate(zip(stages, tasks_per_stage, strict=True)):
        LocalPipelineExecutor(
            pipeline=pipeline,
            tasks=n,
            workers=tasks,
            logging_dir=str(out / "logs" / f"stage{i}"),
            skip_completed=False,
        ).run()
    kept = sum(
        len(path.read_bytes().splitlines()) if path.suffix == ".jsonl" else _gz_lines(path)
        for path in (out / "kept").glob("*")  # no folder at all when the filters keep nothing
    )
    clustered = sum((path.stat().st_size // 4) for path in (out / "clusters").glob("*.remove"))
    docs = sum(1 for _ in corpus.rglob("*.txt"))
    return {"docs": docs, "kept": kept, "clustered": clustered}


def _gz_lines(path: Path) -> int:
    import gzip

    return len(gzip.decompress(path.read_bytes()).splitlines())


def median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wcxb", type=Path, help="WCXB-layout dataset (html/, ground-truth/)")
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--small", type=int, default=20, help="files of the repeat-run timing")
    parser.add_argument("--tmp", help="where the corpus and outputs go (default: system temp)")
    parser.add_argument("--datatrove", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.datatrove:
        corpus, work = map(Path, args.datatrove)
        print(json.dumps(datatrove_pipeline(corpus, work)))
        return
    if not args.wcxb:
        parser.error("--wcxb is required")
    become_subreaper()
    root = Path(tempfile.mkdtemp(prefix="presswash-peer-", dir=args.tmp))
    runs: dict[str, list[dict[str, Any]]] = {"presswash": [], "datatrove": []}
    try:
        corpus = write_text_corpus(args.wcxb, args.docs, root / "corpus")
        small = write_text_corpus(args.wcxb, args.small, root / "small")
        prefect_home = root / "prefect"
        walls = small_runs(small, root, prefect_home, args.repeats)
        print(
            f"repeat presswash run of {args.small} files, wall s (median of {args.repeats}): "
            + ", ".join(f"{name} {statistics.median(w):.1f}" for name, w in walls.items()),
            flush=True,
        )
        for repeat in range(args.repeats):
            # alternate which goes first, so neither always meets the other's page cache
            order = ["presswash", "datatrove"] if repeat % 2 == 0 else ["datatrove", "presswash"]
            for name in order:
                work = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))
                runner = run_presswash if name == "presswash" else run_datatrove
                result = runner(corpus, work, prefect_home)
                shutil.rmtree(work)
                runs[name].append(result)
                print(
                    f"{name:<10} run {repeat + 1}: wall {result['wall']:6.1f} s, CPU "
                    f"{result['cpu']:6.1f} s, {result['docs'] / result['wall']:6.0f} docs/s"
                    f"; {result['detail']}"
                    + (f"; {result['left_behind']} processes left behind" if result["left_behind"]
                       else ""),
                    flush=True,
                )  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)

    ours, theirs = runs["presswash"], runs["datatrove"]
    n = ours[0]["docs"]
    print(f"\n{n:,} scraped-text documents, medians of {args.repeats} alternating runs:")
    print(f"  {'pipeline':<10} {'wall s':>7} {'docs/s':>7} {'CPU s':>7} {'CPU ms/doc':>10}")
    for name, rs in runs.items():
        wall, cpu = median(rs, "wall"), median(rs, "cpu")
        print(f"  {name:<10} {wall:7.1f} {n / wall:7.0f} {cpu:7.1f} {cpu / n * 1000:10.2f}")
    flow_wall = median(ours, "flow_wall")
    print(
        f"  presswash past Prefect's start-up (the flow's own wall, runs table): "
        f"{flow_wall:.1f} s, {n / flow_wall:.0f} docs/s"
    )
    rate = median(theirs, "wall") / median(ours, "wall")
    print(
        f"  presswash / datatrove: {rate:.2f}x documents/s end to end, "
        f"{median(theirs, 'wall') / flow_wall:.2f}x past start-up; "
        f"{median(ours, 'cpu') / median(theirs, 'cpu'):.2f}x the CPU per document"
    )


if __name__ == "__main__":
    main()
