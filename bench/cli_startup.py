"""Wall time of an ad-hoc ``presswash run`` of 20 files, as a user at a shell pays it.

    .venv/bin/python bench/cli_startup.py [--rounds 3] [--files 20]

Three ways, measured side by side in each round (the machine is shared, so only figures of
one run compare):

* first run: no local server yet (a fresh ``PREFECT_HOME``): starts the reusable server;
* repeat run: the server of the first run is reused;
* temporary server: ``reuse_server = false``, a server started and stopped by the run.

Each is a fresh ``presswash run`` process into a new warehouse, with ``PREFECT_API_URL``
unset. Prints the median and the range of each over the rounds, wall time and the CPU time
of the run's own process tree (a detached server's is not in it; a temporary server's is);
the reusable servers are stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--files", type=int, default=20)
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {
        "first run": [],
        "repeat run": [],
        "temporary server": [],
    }
    with tempfile.TemporaryDirectory(prefix="presswash-startup-") as tmp:
        work = Path(tmp)
        inputs = _inputs(work / "in", args.files)
        for n in range(args.rounds):
            home = work / f"home-{n}"
            try:
                times["first run"].append(_run(home, inputs, work / f"a{n}.duckdb"))
                times["repeat run"].append(_run(home, inputs, work / f"b{n}.duckdb"))
            finally:
                _presswash(home, ["server", "stop"])
            temporary = {"PRESSWASH_REUSE_SERVER": "false"}
            times["temporary server"].append(
                _run(work / f"tmp-{n}", inputs, work / f"c{n}.duckdb", temporary)
            )
    print(f"presswash run of {args.files} files, {args.rounds} rounds, seconds")
    for name, pairs in times.items():
        walls, cpus = [w for w, _ in pairs], [c for _, c in pairs]
        print(
            f"  {name:<18} wall median {statistics.median(walls):6.1f}"
            f" (min {min(walls):.1f}, max {max(walls):.1f})"
            f"   CPU median {statistics.median(cpus):5.1f}"
        )
    repeat, temporary = (
        statistics.median(w for w, _ in times[k]) for k in ("repeat run", "temporary server")
    )
    print(f"  wall, repeat / temporary: {repeat / temporary:.2f}")


def _inputs(directory: Path, count: int) -> Path:
    """``count`` distinct text files (each seed under several names, with a line of its own
    so that each is a new article)."""
    directory.mkdir(parents=True)
    for i in range(count):
        seed = SEEDS[i % len(SEEDS)]
        note = f"\n\nCorrection {i}: an earlier version misstated a date.\n"
        text = seed.read_text("utf-8") + note
        (directory / f"{i:03}-{seed.name}").write_text(text, "utf-8")
    return directory


def _run(
    home: Path, inputs: Path, db: Path, extra: dict[str, str] | None = None
) -> tuple[float, float]:
    """Wall and CPU seconds of one run (CPU: the run and the children it waited for)."""
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = _presswash(home, ["run", str(inputs), "--db", str(db)], extra)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"presswash run failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, _children_cpu() - cpu_before


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _presswash(
    home: Path, args: list[str], extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PRESSWASH_"))}
    env |= {"PREFECT_HOME": str(home), **(extra or {})}
    presswash = shutil.which("presswash", path=str(Path(sys.executable).parent))
    command = [presswash] if presswash else [sys.executable, "-m", "flows.cli"]
    return subprocess.run(
        [*command, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900
    )


if __name__ == "__main__":
    main()
