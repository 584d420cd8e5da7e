"""Throughput of the real ingest flow, stage by stage, and how time and memory scale with N.

    .venv/bin/python bench/throughput.py --wcxb ../shared/data/wcxb-dev [--sizes 1000,10000]
        [--html-sizes 1000] [--runner auto] [--workers 2] [--batch-size N]
        [--repeats 3] [--compare-pages 711] [--compare-texts 1000]

Corpora, written to a temporary directory:

* text: N scraped dumps of news length (300-900 words). Bodies are paragraphs of real
  sentences from the dataset's ``main_content``, shuffled across articles so that every body
  is new; around them, site chrome from ``syndication.render`` (header, menu, dateline,
  related headlines, footer drawn from the dataset's ``without`` lines) and a photo caption.
  One in ten documents is a copy of a recent one on another site (same, trimmed or 3%-edited
  body), so dedup verifies real matches.
* html: N ``.html.gz`` files cycling the dataset's pages under distinct names, so every file
  is its own article id (and the copies are linked by dedup).

Each corpus is ingested by ``flows.ingest.ingest`` into a new DuckDB file, in a fresh process
(its own peak memory), against one Prefect server started once before any timing. A small
warm-up run comes first in that process. Stages are timed inside the run: the stage
functions are wrapped in the flow process and, through the runner's worker set-up, in every
worker process (``thread_time`` for CPU, ``perf_counter`` for wall, which is one clock for all
processes here). Reported:

* per stage: items, summed wall and CPU seconds, items per stage-second (one core); the
  signature stage counts articles (each with its passages);
* CPU seconds of the flow process, of the workers (split into task bodies, Prefect around
  them in the same thread, and start-up plus Prefect's other threads) and of the server, the
  CPU per input, and the flow's garbage-collector pauses;
* Prefect's share: of CPU, everything outside task bodies (server included); of wall time,
  the time when no task body (nor the flow's own warehouse set-up) was running anywhere;
* end-to-end inputs/s (per wall second of the flow call; the warm-up excluded) and the same
  past the run's start-up (until the first task body in a worker: the pool's start);
* peak memory: the flow process and its workers sampled together (psutil, every 0.2 s) as
  summed PSS (pages shared by processes, as a forked worker shares its parent's, are split
  between them, so counted once in the sum) and summed RSS (shared pages counted in every
  process), and
  ``ru_maxrss`` of the flow process and of its largest worker;
* warehouse bytes per 1,000 stored articles.

Then, on the dataset itself, medians of ``--repeats`` CPU-time runs: ``clean_html`` against
``trafilatura.extract`` on the same pages (interleaved page by page), and ``signatures``
against a plain per-shingle ``MinHash.update`` loop on the same cleaned texts.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import gzip
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import types
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psutil
from syndication import edit, load_bodies, make_sites, render, trim

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SITES = 200
COPY_SHARE = 0.1
PARAGRAPHS = (5, 11)
SENTENCES = (2, 5)
SAMPLE_SECONDS = 0.2
MIB = 1024 * 1024
#: The driver names the Prefect server's process to each run by this variable, so a run counts
#: the server's CPU during its own flow call only (not during its warm-up).
SERVER_PID_VARIABLE = "PRESSWASH_BENCH_SERVER_PID"


# --- corpora -------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'“‘(]?[A-Z0-9])")
_AGENCIES = ("Reuters", "AP Photo", "Getty Images", "AFP", "Shutterstock", "EPA")


def sentence_pool(dataset: Path) -> tuple[list[str], list[str]]:
    """Sentences of 6-50 words from the dataset's article bodies, and its chrome lines."""
    bodies, _, chrome = load_bodies(dataset)
    sentences = [
        sentence
        for body in bodies
        for paragraph in body.paragraphs
        for sentence in _SENTENCE_END.split(paragraph)
        if 6 <= len(sentence.split()) <= 50
    ]
    return sentences, chrome


def _caption(rng: random.Random, sentences: list[str]) -> str:
    words = rng.choice(sentences).split()[:10]
    name = " ".join(w.strip(".,;:").capitalize() for w in rng.sample(words, 2))
    agency = rng.choice(_AGENCIES)
    return rng.choice(
        (
            f"{' '.join(words)} (Photo: {name}/{agency})",
            f"Photo: {name} / {agency}",
            f"![{' '.join(words[:5])}](https://cdn.example.net/img/{rng.randrange(10**7)}.jpg)",
            f"{' '.join(words)}. Image credit: {agency}",
        )
    )


def text_documents(dataset: Path, count: int, seed: int = 0) -> Iterator[str]:
    """``count`` scraped dumps (see the module docstring), reproducible from ``seed``."""
    rng = random.Random(seed)
    sentences, chrome = sentence_pool(dataset)
    vocabulary = sorted({w for s in sentences[:5000] for w in s.split()})
    sites = make_sites(chrome, SITES, rng)
    titles = ["Breaking news"]
    recent: deque[tuple[int, str, list[str]]] = deque(maxlen=200)
    for _ in range(count):
        if recent and rng.random() < COPY_SHARE:
            home, title, paragraphs = rng.choice(recent)
            site = rng.choice([i for i in range(len(sites)) if i != home])
            variant = rng.choice(("same", "trim", "edit"))
            if variant == "trim":
                paragraphs = trim(paragraphs, 0.2)
            elif variant == "edit":
                paragraphs = edit(paragraphs, 0.03, vocabulary, rng)
        else:
            site = rng.randrange(len(sites))
            paragraphs = [
                " ".join(rng.sample(sentences, rng.randint(*SENTENCES)))
                for _ in range(rng.randint(*PARAGRAPHS))
            ]
            title = " ".join(rng.choice(sentences).split()[: rng.randint(5, 12)]).rstrip(".,;:")
            recent.append((site, title, paragraphs))
            titles.append(title)
        body = list(paragraphs)
        body.insert(rng.randint(0, min(2, len(body))), _caption(rng, sentences))
        related = rng.sample(titles[-500:], min(2, len(titles[-500:])))
        yield render(sites[site], title, body, rng, related)


def write_text_corpus(dataset: Path, count: int, out: Path) -> Path:
    out.mkdir(parents=True)
    for i, text in enumerate(text_documents(dataset, count)):
        folder = out / f"{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{i:06d}.txt").write_text(text, encoding="utf-8")
    return out


def write_html_corpus(dataset: Path, count: int, out: Path) -> Path:
    pages = sorted((dataset / "html").glob("*.html.gz"))
    out.mkdir(parents=True)
    for i in range(count):
        page = pages[i % len(pages)]
        folder = out / f"{i // 1000:03d}"
        folder.mkdir(exist_ok=True)
        shutil.copyfile(page, folder / f"{i:06d}-{page.name}")
    return out


# --- stage timers --------------------------------------------------------------------------

_lock = threading.Lock()
_pending: list[dict[str, Any]] = []
_inner: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
_log: list[Path] = []


Count = Callable[[tuple[Any, ...], Any], int]


class _Timer:
    """``fn`` timed under ``stage``. A task body (given a ``count`` of its items) is logged
    with its interval, and flushed with the per-document stages summed since; other calls
    only add to those sums (one item each, or the texts of a ``signatures`` call).

    A class of an importable module, not a closure: Prefect pickles the flow's context for
    worker processes, and a closure would drag this module's lock along by value."""

    def __init__(
        self,
        fn: Callable[..., Any],
        stage: str,
        count: Count | None,
        flush: bool = False,
        clock: Callable[[], float] = time.thread_time,
    ) -> None:
        functools.update_wrapper(self, fn)
        self.fn, self.stage, self.count, self.flush, self.clock = fn, stage, count, flush, clock

    def __get__(self, instance: object, owner: type | None = None) -> Any:
        return self if instance is None else types.MethodType(self, instance)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), self.clock()
        result = self.fn(*args, **kwargs)
        if self.stage == "read":  # a generator: time the reading, not its creation
            result = iter(list(result))
        end, used = time.perf_counter(), self.clock() - cpu
        with _lock:
            if self.count is None:
                acc = _inner[self.stage]
                acc[0] += len(args[0]) if isinstance(args[0], list) else 1
                acc[1] += end - start
                acc[2] += used
            else:
                _pending.append(
                    {"stage": self.stage, "start": start, "end": end, "cpu": used,
                     "pid": os.getpid(), "items": self.count(args, result), "body": True}
                )  # fmt: skip
            if self.count is not None or self.flush:
                for name, (items, wall, cpu_s) in _inner.items():
                    _pending.append({"stage": name, "items": items, "wall": wall, "cpu": cpu_s})
                _inner.clear()
                _flush()
        return result


def _one(_args: tuple[Any, ...], _result: Any) -> int:
    return 1


def _decoded(_args: tuple[Any, ...], result: Any) -> int:
    return len(result.documents) + len(result.rejects)


def _cleaned(_args: tuple[Any, ...], result: Any) -> int:
    return len(result.docs) + len(result.rejects)


def _packed(args: tuple[Any, ...], _result: Any) -> int:
    return _cleaned((), args[0])


def _deduped(args: tuple[Any, ...], _result: Any) -> int:
    return len(args[1].docs)


def _landed(_args: tuple[Any, ...], result: Any) -> int:
    return len(result.landed) + len(result.existing)


def _discovered(_args: tuple[Any, ...], result: Any) -> int:
    return len(result.files)


def _flush() -> None:
    with _log[0].open("a", encoding="utf-8") as out:
        for record in _pending:
            out.write(json.dumps(record) + "\n")
    _pending.clear()


def install_timers(log_dir: str, worker: bool = False) -> None:
    """Wrap the stage functions of this process; records go to a file of ``log_dir``. In a
    worker process, also the whole of each task run there (Prefect's part included)."""
    import cleaners.html
    import flows.dedup_stage
    import flows.ingest
    import flows.stages
    import sources.read
    import warehouse

    _log[:] = [Path(log_dir) / f"{os.getpid()}-{threading.get_ident()}.jsonl"]
    targets: list[tuple[Any, str, str, Count | None]] = [
        (sources.read, "_read_file", "read", None),
        (flows.stages, "decode_batch", "decode step", _decoded),
        (cleaners.html, "parse_html", "parse", None),
        (cleaners.html, "extract_page", "extract", None),
        (flows.stages, "clean_html", "clean_html", None),
        (flows.stages, "clean_text", "clean_text", None),
        (flows.stages, "signatures_with_parts", "signatures", None),
        (flows.stages, "clean_batch", "clean task", _cleaned),
        (flows.stages, "pack", "pack", _packed),
        (flows.stages, "unpack", "unpack", _cleaned),
        (flows.dedup_stage.Deduplicator, "process", "dedup task", _deduped),
        (flows.ingest, "_deduplicator", "flow set-up", _one),
        (flows.ingest, "_record_start", "flow set-up", _one),
        (flows.ingest, "_record_finish", "flow set-up", _one),
        (flows.ingest.land, "fn", "load task", _landed),
        (warehouse.Writer, "release", "release", _one),
        (flows.ingest.discover_inputs, "fn", "discover", _discovered),
    ]
    for owner, name, stage, count in targets:
        fn = getattr(owner, name)
        if not isinstance(fn, _Timer):
            # DuckDB works in threads of its own: landing is charged the whole process's CPU
            # (with the process runner, only Prefect's mostly idle threads run beside it).
            clock = time.process_time if stage in ("load task", "release") else time.thread_time
            setattr(owner, name, _Timer(fn, stage, count, clock=clock))
    if worker:
        import prefect.utilities.callables as calls

        run = calls._run_serialized_call
        calls._run_serialized_call = _Timer(run, "worker task run", None, flush=True)


def read_timings(log_dir: Path) -> list[dict[str, Any]]:
    return [
        json.loads(line)
        for path in sorted(log_dir.glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def _union(intervals: list[tuple[float, float]]) -> float:
    total, end = 0.0, float("-inf")
    for start, stop in sorted(intervals):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


def stage_table(records: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Items, wall and CPU seconds per pipeline stage, from the raw timer records."""
    raw: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for r in records:
        acc = raw[r["stage"]]
        acc[0] += r["items"]
        acc[1] += r.get("wall", r.get("end", 0) - r.get("start", 0))
        acc[2] += r["cpu"]

    def combine(items: str, plus: tuple[str, ...] = (), minus: tuple[str, ...] = ()) -> list:
        """Items of stage ``items``; its seconds plus those of ``plus``, minus ``minus``."""
        return [
            raw[items][0],
            *(
                raw[items][k] + sum(raw[p][k] for p in plus) - sum(raw[m][k] for m in minus)
                for k in (1, 2)
            ),
        ]

    stages = {
        "discover": raw["discover"],
        "read": raw["read"],
        "decode": combine("decode step", minus=("read",)),
        "extract (HTML)": combine("extract", plus=("parse",)),
        "clean (rules)": combine("clean_text", plus=("clean_html",), minus=("parse", "extract")),
        "signatures": raw["signatures"],
        "rest of clean task": combine(
            "clean task", minus=("clean_text", "clean_html", "signatures")
        ),
        "hand-over (pack, unpack)": combine("pack", plus=("unpack",)),
        "dedup": raw["dedup task"],
        "load": combine("load task", plus=("release",)),
        "flow set-up": raw["flow set-up"],
    }
    stages["clean (rules)"][0] += raw["clean_html"][0]
    return {
        name: {"items": items, "wall": wall, "cpu": cpu}
        for name, (items, wall, cpu) in stages.items()
        if items
    }


# --- one run (in its own process) ----------------------------------------------------------


class MemorySampler(threading.Thread):
    """Peaks of the summed PSS and of the summed RSS of this process and its descendants."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_pss = self.peak_rss = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        me = psutil.Process()
        while not self._stop_event.wait(SAMPLE_SECONDS):
            pss = rss = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    memory = proc.memory_full_info()
                except psutil.Error:
                    continue
                pss, rss = pss + memory.pss, rss + memory.rss
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _stop_forkserver() -> None:
    """Stop this process's fork server, if the runner started one, and wait for it (Python's
    own tests use this private hook). It has reaped the workers it forked, so its CPU (the
    preloaded imports) and theirs join this process's ``RUSAGE_CHILDREN``."""
    from multiprocessing import forkserver

    forkserver._forkserver._stop()


def _server_process() -> psutil.Process | None:
    """The Prefect server's process, when the driver named it (``SERVER_PID_VARIABLE``)."""
    pid = os.environ.get(SERVER_PID_VARIABLE)
    return psutil.Process(int(pid)) if pid else None


def _process_cpu(process: psutil.Process | None) -> float:
    return sum(process.cpu_times()[:2]) if process else 0.0


def _cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


class GcClock:
    """Seconds spent in Python's cyclic garbage collector in this process."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._start = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start


def run_one(corpus: Path, work: Path, warmup: Path) -> dict[str, Any]:
    """Ingest ``corpus`` (after a warm-up run on ``warmup``) with stage timers installed."""
    from flows.ingest import ingest
    from flows.runners import batch_size, task_runner
    from flows.settings import load_settings

    settings = load_settings(cwd=work)
    log_dir = work / "timings"
    log_dir.mkdir()
    install_timers(str(log_dir))
    setup = functools.partial(install_timers, str(log_dir), worker=True)
    ingest.with_options(task_runner=task_runner(settings, setup))([str(warmup)], str(work / "w.db"))
    _stop_forkserver()  # the timed run starts its own, as a command-line run does
    for path in log_dir.glob("*"):
        path.unlink()

    db = work / "bench.duckdb"
    flow = ingest.with_options(task_runner=task_runner(settings, setup))
    sampler, gc_clock = MemorySampler(), GcClock()
    sampler.start()
    gc.callbacks.append(gc_clock)
    server = _server_process()
    server0 = _process_cpu(server)
    own0, children0 = _cpu_seconds(resource.RUSAGE_SELF), _cpu_seconds(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    report = flow([str(corpus)], str(db))
    wall = time.perf_counter() - start
    _stop_forkserver()
    own = _cpu_seconds(resource.RUSAGE_SELF) - own0
    children = _cpu_seconds(resource.RUSAGE_CHILDREN) - children0
    server_cpu = _process_cpu(server) - server0
    gc.callbacks.remove(gc_clock)
    sampler.stop()
    _flush()

    records = read_timings(log_dir)
    bodies = [r for r in records if r.get("body")]
    first_worker = min(
        (r["start"] for r in bodies if r["stage"] in ("decode step", "clean task")),
        default=start,
    )
    here = os.getpid()
    return {
        "inputs": report.inputs,
        "landed": report.landed,
        "duplicates": report.duplicates,
        "rejected": report.rejected,
        "wall": wall,
        "startup": first_worker - start,
        "busy": _union([(r["start"], r["end"]) for r in bodies]),
        "flow_cpu": own,
        "flow_body_cpu": sum(r["cpu"] for r in bodies if r["pid"] == here),
        "flow_gc": gc_clock.seconds,
        "worker_cpu": children,
        "server_cpu": server_cpu,
        "worker_body_cpu": sum(r["cpu"] for r in bodies if r["pid"] != here),
        "worker_run_cpu": sum(r["cpu"] for r in records if r["stage"] == "worker task run"),
        "stages": stage_table(records),
        "peak_pss": sampler.peak_pss,
        "peak_rss": sampler.peak_rss,
        "maxrss_flow": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "maxrss_worker": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
        "warehouse_bytes": sum(p.stat().st_size for p in work.glob("bench.duckdb*")),
        "runner": settings.task_runner,
        "workers": settings.workers,
        "batch_size": batch_size(settings, report.inputs),
        "load": os.getloadavg()[0],
    }


# --- side-by-side comparisons --------------------------------------------------------------


def compare_html(dataset: Path, pages: int, repeats: int) -> dict[str, float]:
    """CPU seconds of ``clean_html`` and of ``trafilatura.extract`` over the same pages,
    interleaved page by page; the median of ``repeats`` passes for each."""
    import trafilatura

    from cleaners import clean_html
    from sources.decode import RejectInput

    files = sorted((dataset / "html").glob("*.html.gz"))[:pages]
    loaded = []
    for path in files:
        truth = json.loads((dataset / "ground-truth" / f"{path.name[:-8]}.json").read_text())
        loaded.append((gzip.decompress(path.read_bytes()), truth.get("url")))
    ours, theirs = [], []
    for _ in range(repeats):
        a = b = 0.0
        for html, url in loaded:
            t0 = time.process_time()
            with contextlib.suppress(RejectInput):
                clean_html(html, url=url)
            t1 = time.process_time()
            trafilatura.extract(html, url=url)
            t2 = time.process_time()
            a += t1 - t0
            b += t2 - t1
        ours.append(a)
        theirs.append(b)
    return {
        "pages": len(loaded),
        "ours": statistics.median(ours),
        "theirs": statistics.median(theirs),
    }


def compare_signatures(dataset: Path, count: int, repeats: int) -> dict[str, float]:
    """CPU seconds of :func:`signatures` and of a per-shingle ``MinHash.update`` loop (the
    datasketch default hash) on the same cleaned article texts; medians of ``repeats``."""
    from datasketch import MinHash

    from cleaners import clean_text
    from dedup.matching import ARTICLE_SPEC
    from dedup.shingles import shingles, words
    from dedup.signatures import signatures

    texts = [clean_text(t).text for t in text_documents(dataset, count, seed=1)]
    ours, plain = [], []
    for _ in range(repeats):
        t0 = time.process_time()
        signatures(texts, ARTICLE_SPEC)
        t1 = time.process_time()
        for text in texts:
            minhash = MinHash(num_perm=ARTICLE_SPEC.num_perm)
            for shingle in shingles(words(text), ARTICLE_SPEC.shingle_size):
                minhash.update(shingle)
        t2 = time.process_time()
        ours.append(t1 - t0)
        plain.append(t2 - t1)
    return {
        "texts": len(texts),
        "words": statistics.mean(len(t.split()) for t in texts),
        "ours": statistics.median(ours),
        "plain": statistics.median(plain),
    }


# --- the driver ----------------------------------------------------------------------------


def _child(
    kind: str,
    size: int,
    corpus: Path,
    warmup: Path,
    args: argparse.Namespace,
    server_pid: int | None = None,
) -> dict:
    """One run in a fresh process; the server's CPU is counted only when its pid is given."""
    work = Path(tempfile.mkdtemp(prefix=f"{kind}-{size}-", dir=args.tmp))
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)])}
    if args.runner:
        env["PRESSWASH_TASK_RUNNER"] = args.runner
    if args.workers:
        env["PRESSWASH_WORKERS"] = str(args.workers)
    if args.batch_size:
        env["PRESSWASH_BATCH_SIZE"] = str(args.batch_size)
    if server_pid:
        env[SERVER_PID_VARIABLE] = str(server_pid)
    out = work / "result.json"
    subprocess.run(
        [sys.executable, __file__, "--one", str(corpus), str(work), str(warmup), str(out)],
        check=True,
        env=env,
        cwd=ROOT,
    )
    result = json.loads(out.read_text())
    shutil.rmtree(work)
    return result


def print_run(kind: str, size: int, r: dict[str, Any]) -> None:
    wall, n, server_cpu = r["wall"], r["inputs"], r["server_cpu"]
    print(
        f"\n{kind}, {size:,} inputs ({r['runner']} runner, {r['workers']} workers, "
        f"batches of {r['batch_size']})"
    )
    print(
        f"  landed {r['landed']:,}, duplicates {r['duplicates']:,}, rejected {r['rejected']:,};"
        f" run {wall:.1f} s, start-up {r['startup']:.1f} s (until the first worker task body)"
    )
    print(
        f"  end to end: {n / wall:,.0f} articles/s; past start-up "
        f"{n / max(wall - r['startup'], 1e-9):,.0f} articles/s"
    )
    print(f"  {'stage':<20} {'items':>8} {'wall s':>8} {'CPU s':>8} {'items/s':>9}")
    for name, s in r["stages"].items():
        rate = s["items"] / s["wall"] if s["wall"] > 0 else float("nan")
        print(f"  {name:<20} {s['items']:>8,} {s['wall']:8.2f} {s['cpu']:8.2f} {rate:9,.0f}")
    idle = (wall - r["busy"]) / wall
    flow_out = r["flow_cpu"] - r["flow_body_cpu"]
    worker_out = r["worker_cpu"] - r["worker_body_cpu"]
    total = r["flow_cpu"] + r["worker_cpu"] + server_cpu
    print(
        f"  CPU s: flow process {r['flow_cpu']:.1f} (task bodies {r['flow_body_cpu']:.1f}; "
        f"GC pauses {r['flow_gc']:.1f} s wall), workers {r['worker_cpu']:.1f} (task bodies "
        f"{r['worker_body_cpu']:.1f}; Prefect around them in the same thread "
        f"{r['worker_run_cpu'] - r['worker_body_cpu']:.1f}, start-up and other threads "
        f"{r['worker_cpu'] - r['worker_run_cpu']:.1f}), Prefect server {server_cpu:.1f}"
    )
    print(
        f"  CPU per input: {total / n * 1000:.2f} ms, so at most {2 * n / total:,.0f} inputs/s "
        f"on two idle cores (load average during the run: {r['load']:.1f})"
    )
    print(
        f"  Prefect share: {(flow_out + worker_out + server_cpu) / total:.1%} of CPU outside "
        f"task bodies (flow {flow_out:.1f} s, workers {worker_out:.1f} s, server "
        f"{server_cpu:.1f} s); {idle:.1%} of wall with no task body running anywhere"
    )
    print(
        f"  peak memory, flow+workers sampled: PSS {r['peak_pss'] / MIB:,.0f} MiB, RSS "
        f"{r['peak_rss'] / MIB:,.0f} MiB; ru_maxrss flow "
        f"{r['maxrss_flow'] / MIB:,.0f} MiB, largest worker {r['maxrss_worker'] / MIB:,.0f} MiB"
    )
    per_k = r["warehouse_bytes"] / max(n - r["rejected"], 1) * 1000
    print(f"  warehouse: {r['warehouse_bytes'] / MIB:,.1f} MiB, {per_k / MIB:.2f} MiB per 1,000")


def _sizes(text: str) -> list[int]:
    """Corpus sizes from ``1000,10000``; a size of 0 (e.g. ``--html-sizes 0``) is no run."""
    return [int(s) for s in text.split(",") if s.strip() and int(s) > 0] if text else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wcxb", type=Path, help="WCXB-layout dataset (html/, ground-truth/)")
    parser.add_argument("--sizes", default="1000,10000", help="text corpus sizes")
    parser.add_argument("--html-sizes", default="1000", help="HTML corpus sizes")
    parser.add_argument(
        "--runner",
        choices=("auto", "threads", "processes", "dask"),
        help="default: the task_runner setting",
    )
    parser.add_argument("--workers", type=int, help="default: the workers setting")
    parser.add_argument("--batch-size", type=int, help="default: the batch_size setting")
    parser.add_argument("--repeats", type=int, default=3, help="repeats of the comparisons")
    parser.add_argument("--compare-pages", type=int, default=711, help="0: no HTML comparison")
    parser.add_argument("--compare-texts", type=int, default=1000, help="0: no signature one")
    parser.add_argument("--tmp", help="where corpora and warehouses go (default: system temp)")
    parser.add_argument("--one", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        # By its module name, so worker processes can import what the flow context refers to.
        import throughput

        corpus, work, warmup, out = map(Path, args.one)
        out.write_text(json.dumps(throughput.run_one(corpus, work, warmup)))
        return
    if not args.wcxb:
        parser.error("--wcxb is required")

    root = Path(tempfile.mkdtemp(prefix="presswash-throughput-", dir=args.tmp))
    os.environ.setdefault("PREFECT_HOME", str(root / "prefect"))
    import flows  # noqa: F401, I001  (quiet Prefect defaults before Prefect reads them)
    from prefect.server.api.server import SubprocessASGIServer

    rows = []
    try:
        warmup = write_text_corpus(args.wcxb, 20, root / "warmup")
        server = SubprocessASGIServer()
        server.start(timeout=600)  # a loaded shared machine can take minutes
        os.environ["PREFECT_API_URL"] = server.api_url
        runs = [("text", n) for n in _sizes(args.sizes)]
        runs += [("html", n) for n in _sizes(args.html_sizes)]
        for kind, size in runs:
            writer = write_text_corpus if kind == "text" else write_html_corpus
            corpus = writer(args.wcxb, size, root / f"{kind}-{size}")
            result = _child(kind, size, corpus, warmup, args, server.server_process.pid)
            shutil.rmtree(corpus)
            print_run(kind, size, result)
            rows.append((kind, size, result))
        server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"\n{'corpus':<6} {'N':>8} {'wall s':>8} {'art/s':>7} {'ms/art':>7} {'peak PSS MiB':>13}")
    for kind, size, r in rows:
        print(
            f"{kind:<6} {size:>8,} {r['wall']:8.1f} {r['inputs'] / r['wall']:7,.0f} "
            f"{r['wall'] / r['inputs'] * 1000:7.2f} {r['peak_pss'] / MIB:13,.0f}"
        )

    if args.compare_pages:
        _print_html_comparison(compare_html(args.wcxb, args.compare_pages, args.repeats), args)
    if args.compare_texts:
        _print_signature_comparison(
            compare_signatures(args.wcxb, args.compare_texts, args.repeats), args
        )


def _print_html_comparison(html: dict[str, float], args: argparse.Namespace) -> None:
    print(
        f"\nHTML, {html['pages']} pages, CPU s (median of {args.repeats}): clean_html "
        f"{html['ours']:.1f} ({html['pages'] / html['ours']:.1f} pages/s), trafilatura.extract "
        f"{html['theirs']:.1f} ({html['pages'] / html['theirs']:.1f} pages/s): "
        f"{html['theirs'] / html['ours']:.2f}x trafilatura's speed"
    )


def _print_signature_comparison(sig: dict[str, float], args: argparse.Namespace) -> None:
    print(
        f"signatures, {sig['texts']} cleaned texts of {sig['words']:.0f} words, CPU s (median of"
        f" {args.repeats}): signatures() {sig['ours']:.2f} ({sig['texts'] / sig['ours']:,.0f}/s),"
        f" per-shingle MinHash.update {sig['plain']:.2f} ({sig['texts'] / sig['plain']:,.0f}/s):"
        f" {sig['plain'] / sig['ours']:.1f}x faster"
    )


if __name__ == "__main__":
    main()
