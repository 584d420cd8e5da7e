"""Speed of ``clean_text`` on the seeds and on markdown dumps of the WCXB pages, optionally A/B.

    .venv/bin/python bench/clean_text_speed.py --wcxb ../shared/data/wcxb-dev
        [--dumps FILE] [--rounds 5] [--against CHECKOUT]

The corpus is every file of ``seeds/`` and a scraper-style markdown dump of every WCXB page
(trafilatura's markdown with images, comments and tables, as ``presswash eval --as-text``
makes them), written once to ``--dumps`` (JSON) and read from there on later runs. Each round
cleans the whole corpus once; the median round is printed, with documents per second.

With ``--against``, a checkout of another revision, rounds alternate between the two code
bases, each round in a fresh process of this interpreter, so both see the same load of the
machine; printed are each side's median and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_corpus(wcxb: Path, dumps: Path) -> None:
    """Write the seeds and the pages' markdown dumps to ``dumps`` (once)."""
    from evaluation.dumps import markdown_dump
    from evaluation.wcxb import load_pages

    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    for page in load_pages(wcxb):
        if dump := markdown_dump(page.html):
            texts.append(dump)
    dumps.write_text(json.dumps(texts), encoding="utf-8")


def one_round(dumps: Path) -> float:
    """Seconds to clean every text of ``dumps`` once, with the code on ``sys.path``."""
    from cleaners import clean_text

    texts = json.loads(dumps.read_text(encoding="utf-8"))
    clean_text(texts[0])  # imports and compiled patterns out of the timing
    start = time.perf_counter()
    for text in texts:
        clean_text(text)
    return time.perf_counter() - start


def _round_in(checkout: Path, dumps: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); from pathlib import Path; "
        "import clean_text_speed as b; print(b.one_round(Path(sys.argv[2])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "bench"), str(dumps)],
        env=env,
        cwd=checkout,
        check=True,
        capture_output=True,
        text=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wcxb", type=Path, help="WCXB-layout dataset (to build --dumps)")
    parser.add_argument("--dumps", type=Path, default=Path("/tmp/presswash-text-dumps.json"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, help="a checkout of another revision")
    args = parser.parse_args()
    if not args.dumps.exists():
        if args.wcxb is None:
            parser.error(f"{args.dumps} does not exist: give --wcxb to build it")
        build_corpus(args.wcxb, args.dumps)
    count = len(json.loads(args.dumps.read_text(encoding="utf-8")))
    sides = {"this checkout": ROOT, **({"against": args.against} if args.against else {})}
    times: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(args.rounds):
        for name, checkout in sides.items():
            times[name].append(_round_in(checkout.resolve(), args.dumps))
    print(f"clean_text on {count} texts, {args.rounds} rounds (median seconds per round)")
    for name, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{name:14} {median:8.3f} s  {count / median:8.1f} texts/s  ({sides[name]})")
    if args.against:
        ratio = statistics.median(times["this checkout"]) / statistics.median(times["against"])
        print(f"ratio this/against: {ratio:.3f}")


if __name__ == "__main__":
    main()
