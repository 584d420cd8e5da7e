"""Write the static audit report: an overview page, an article list, one page per article.

Every value from the warehouse goes through Jinja's autoescaping (scraped text may hold
markup or scripts), and every page carries a Content Security Policy that allows no
script at all, so even a missed escape could not run one.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import jinja2

import warehouse
from cleaners.article import LIFTED_KINDS, REMOVED_KINDS
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
KIND_COLORS = series_colors(
    list(dict.fromkeys((*REMOVED_KINDS, "comment", *LIFTED_KINDS))),
    fixed={"comment": COMMENT_COLOR},
)
NO_SITE = "(no site)"
OTHER_SITES = "other sites"
_SAFE_PAGE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}")


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
) -> ReportResult:
    """Render the report of the warehouse behind ``con`` into ``out_dir``.

    ``source_label`` names the warehouse in the footer; charts cover the ``last_runs`` runs
    and the ``top_sites`` sites with most removals (the rest summed as "other sites").
    Existing files of an earlier report are overwritten, other files are left alone.
    """
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
            rules=rule_counts(con),
            article_count=len(articles),
        ),
    )
    _write(
        out_dir / "articles.html",
        env.get_template("articles.html").render(**common, root="", articles=articles),
    )
    page = env.get_template("article.html")
    for detail in iter_article_details(con):
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
    return ReportResult(index=out_dir / "index.html", articles=len(articles), runs=len(runs))


def page_name(article_id: str) -> str:
    """The file name of an article's page. Ids are whatever the loader was given, so one
    that is not a plain file name (a ``/``, a leading dot) is replaced by its hash."""
    if _SAFE_PAGE_NAME.fullmatch(article_id):
        return f"{article_id}.html"
    return f"id-{hashlib.sha256(article_id.encode()).hexdigest()[:24]}.html"


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
