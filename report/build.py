"""Write the static audit report: an overview page, an article list, one page per article.

Every value from the warehouse goes through Jinja's autoescaping (scraped text may hold
markup or scripts), and every page carries a Content Security Policy that allows no
script at all, so even a missed escape could not run one.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import jinja2

import warehouse
from cleaners.kinds import LIFTED, REMOVED, Kind
from cleaners.rules import registry
from report.charts import (
    OTHER_COLOR,
    BarChart,
    keep_top,
    series_colors,
    stacked_bars,
)
from report.original import original_order
from warehouse.queries import iter_article_details
from warehouse.report_queries import (
    RunRemovals,
    RunRow,
    article_list,
    removals_per_run,
    rule_counts,
    runs_overview,
)

#: Reader comments: a colour of their own, as the ten of the palette go to the other kinds.
COMMENT_COLOR = "#17becf"
#: One colour per boilerplate kind, the same on every chart and page.
KIND_COLORS = series_colors(REMOVED + LIFTED, fixed={Kind.COMMENT: COMMENT_COLOR})
NO_SITE = "(no site)"
OTHER_SITES = "other sites"
_SAFE_PAGE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}")
#: Written into every report directory: a directory with it may be replaced by a new report.
MARKER = ".presswash-report"
#: What reports written before the marker existed hold.
_REPORT_ENTRIES = frozenset({"index.html", "articles.html", "report.css", "articles"})


class NotAReport(ValueError):
    """The output directory holds files that are not a presswash report."""


@dataclass(frozen=True, slots=True)
class ReportResult:
    """Where the report went and what it holds."""

    index: Path
    articles: int
    runs: int


def build_report(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    *,
    source_label: str,
    generated_at: dt.datetime | None = None,
    last_runs: int = 40,
    top_sites: int = 8,
    progress: Callable[[int, int], None] | None = None,
) -> ReportResult:
    """Render the report of the warehouse behind ``con`` into ``out_dir``.

    ``source_label`` names the warehouse in the footer; charts cover the ``last_runs`` runs
    and the ``top_sites`` sites with most removals (the rest summed as "other sites").
    The report is written beside ``out_dir`` and then takes its place whole, so an earlier
    report there leaves no stale page and a failed build leaves the earlier one. A directory
    that holds anything but a report is refused (:class:`NotAReport`). ``progress`` is
    called with (article pages written, article pages in all).
    """
    check_replaceable(out_dir)
    staging = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        result = _render(con, staging, source_label, generated_at, last_runs, top_sites, progress)
        (staging / MARKER).write_text("presswash audit report\n", encoding="utf-8")
        _swap(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return ReportResult(out_dir / "index.html", result.articles, result.runs)


def check_replaceable(out_dir: Path) -> None:
    """Raise :class:`NotAReport` unless ``out_dir`` is missing, empty, or a report."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise NotAReport(f"{out_dir} exists and is not a directory")
    entries = {p.name for p in out_dir.iterdir()}
    if entries and MARKER not in entries and not entries <= _REPORT_ENTRIES:
        raise NotAReport(f"{out_dir} holds files that are not a presswash report")


def _swap(staging: Path, out_dir: Path) -> None:
    old = out_dir.with_name(f".{out_dir.name}.old-{os.getpid()}")
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)


def _render(
    con: duckdb.DuckDBPyConnection,
    out_dir: Path,
    source_label: str,
    generated_at: dt.datetime | None,
    last_runs: int,
    top_sites: int,
    progress: Callable[[int, int], None] | None,
) -> ReportResult:
    env = _environment()
    common = {
        "generated_at": generated_at or dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "source_label": source_label,
    }
    (out_dir / "articles").mkdir(parents=True, exist_ok=True)
    counts = warehouse.stats(con)
    runs = runs_overview(con)
    articles = article_list(con)

    _write(
        out_dir / "report.css",
        env.get_template("report.css").render(kind_colors=KIND_COLORS, other_color=OTHER_COLOR),
    )
    fired = rule_counts(con)
    _write(
        out_dir / "index.html",
        env.get_template("index.html").render(
            **common,
            root="",
            totals=counts.totals(),
            runs=runs,
            last_runs=last_runs,
            kind_chart=kind_chart(removals_per_run(con, "kind", last_runs)),
            site_chart=site_chart(removals_per_run(con, "site", last_runs), top_sites),
            rules=rule_table(fired),
            unfired=unfired_rules(fired),
            article_count=len(articles),
        ),
    )
    _write(
        out_dir / "articles.html",
        env.get_template("articles.html").render(**common, root="", articles=articles),
    )
    page = env.get_template("article.html")
    for done, detail in enumerate(iter_article_details(con), start=1):
        pieces, unplaced = original_order(detail.passages, detail.removals)
        kinds = Counter(r["kind"] for r in detail.removals)
        _write(
            out_dir / "articles" / page_name(detail.article["article_id"]),
            page.render(
                **common,
                root="../",
                a=detail.article,
                d=detail,
                pieces=pieces,
                unplaced=unplaced,
                kinds=kinds.most_common(),
            ),
        )
        if progress:
            progress(done, len(articles))
    return ReportResult(index=out_dir / "index.html", articles=len(articles), runs=len(runs))


def page_name(article_id: str) -> str:
    """The file name of an article's page. Ids are whatever the loader was given, so one
    that is not a plain file name (a ``/``, a leading dot) is replaced by its hash."""
    if _SAFE_PAGE_NAME.fullmatch(article_id):
        return f"{article_id}.html"
    return f"id-{hashlib.sha256(article_id.encode()).hexdigest()[:24]}.html"


def rule_table(counts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The fired rules' counts, each with what the rule catches (from the registry); a name
    that no rule registers now comes from a run of an earlier version."""
    registered = {rule.name: rule for rule in registry.rules()}
    return [
        {**row, "about": rule.summary if (rule := registered.get(row["rule"])) else _GONE}
        for row in counts
    ]


def unfired_rules(counts: list[dict[str, Any]]) -> list[str]:
    """Registered rules that have not fired in this warehouse."""
    fired = {row["rule"] for row in counts}
    return [rule.name for rule in registry.rules() if rule.name not in fired]


_GONE = "(no rule of this name is registered now)"


def kind_chart(per_run: Sequence[RunRemovals]) -> BarChart:
    stacks = [{kind or "?": n for kind, n in r.counts.items()} for r in per_run]
    unknown = sorted({k for s in stacks for k in s} - set(KIND_COLORS))
    colors = series_colors([*KIND_COLORS, *unknown], fixed=KIND_COLORS)
    return _runs_chart("Removals per run, by kind", per_run, stacks, colors)


def site_chart(per_run: Sequence[RunRemovals], top_sites: int) -> BarChart:
    stacks = [{site or NO_SITE: n for site, n in r.counts.items()} for r in per_run]
    names, folded = keep_top(stacks, top_sites, OTHER_SITES)
    colors = series_colors(names, fixed={OTHER_SITES: OTHER_COLOR})
    title = f"Removals per run, by site (top {top_sites})"
    return _runs_chart(title, per_run, folded, colors)


def _runs_chart(
    title: str,
    per_run: Sequence[RunRemovals],
    stacks: Sequence[dict[str, int]],
    colors: dict[str, str],
) -> BarChart:
    columns = [f"{r.at:%m-%d %H:%M}" for r in per_run]
    titles = [
        f"run {r.run_id[:8]} at {r.at:%Y-%m-%d %H:%M}" if r.run_id else f"no run, {r.at:%Y-%m-%d}"
        for r in per_run
    ]
    return stacked_bars(title, columns, stacks, colors, column_titles=titles)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        page=page_name,
        short=lambda value, n=12: value[:n],
        num=lambda n: "—" if n is None else f"{n:,}",
        f1=lambda x: f"{x:.1f}",
        when=lambda t: "—" if t is None else f"{t:%Y-%m-%d %H:%M:%S}",
        seconds=_seconds,
        css=_css_name,
        http_url=_is_http_url,
    )
    return env


def _seconds(run: RunRow) -> str:
    if run.finished_at is None:
        return "—"
    return f"{(run.finished_at - run.started_at).total_seconds():,.1f}"


@functools.lru_cache(maxsize=256)  # a handful of kinds and statuses, on every page
def _css_name(value: Any) -> str:
    """A value as part of a CSS class name: lower case, anything unusual as ``-``."""
    return re.sub(r"[^a-z0-9_-]", "-", str(value).lower())


def _is_http_url(url: str | None) -> bool:
    """Only http(s) addresses become links: a ``javascript:`` URL stays text."""
    return bool(url) and urlsplit(url).scheme.lower() in ("http", "https")


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
