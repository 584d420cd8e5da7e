"""Score presswash against trafilatura on a WCXB-layout dataset.

The dataset is read as published: ``html/NNNN.html.gz`` pages and ``ground-truth/NNNN.json``
files holding ``ground_truth.main_content``, ``title``, ``author`` and ``publish_date``.
Scoring follows the benchmark: word-level precision, recall and F1 over multisets of
lower-case ``\\w+`` tokens, averaged per page. Both systems run on the same pages in one run,
page by page in turn, so that load on the machine hits both alike.

Pages are split by site into two halves (``evaluation.folds``: every page of a site falls in
the same half), so that the held-out half is read on sites whose templates the tuning half
never showed. The text
mode scores every dump style of ``evaluation.dumps`` with the shipped line classifier, which
was trained on these pages; its held-out figures, on folds grouped by site, come from
:func:`held_out` (``presswash eval --as-text --held-out``), which refits it fold by fold.
The HTML mode likewise takes each page's type from the shipped page-type model, fitted on
these pages too; ``presswash eval --held-out`` gives each page instead the type of a model
fitted on the folds without its site (``train_page_type.held_out_types``).
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import trafilatura

from cleaners import Article, clean_blocks, clean_text
from cleaners.html import clean_html, extract_page, parse_html
from evaluation.dumps import DUMPS, cached_dump
from evaluation.folds import fold_of, site_of
from sources.decode import RejectInput

HALVES = ("tuning", "held-out")
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page and its ground truth."""

    name: str
    html: bytes
    url: str | None
    truth: str
    title: str | None
    author: str | None
    date: str | None
    page_type: str = "article"

    @property
    def half(self) -> str:
        return half_of(site_of(self.url, fallback=self.name))


@dataclass(frozen=True, slots=True)
class Prediction:
    """What a system made of a page: body text and metadata."""

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None


@dataclass(frozen=True, slots=True)
class System:
    """A named extractor; ``metadata`` (untimed) fills in metadata ``run`` does not give.

    ``timed=False`` for a baseline that does no work worth timing (the raw text dump).
    ``style`` is the dump style a text system reads (``run`` then gets the dump as ``html``);
    None for a system that reads the HTML page.
    """

    name: str
    run: Callable[[Page], Prediction]
    metadata: Callable[[Page], Prediction] | None = None
    timed: bool = True
    style: str | None = None


@dataclass(slots=True)
class Tally:
    """Scores of one system on a set of pages."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    f1: list[float] = field(default_factory=list)
    seconds: float = 0.0
    titles: int = 0
    authors: int = 0
    dates: int = 0
    rejected: int = 0

    @property
    def pages(self) -> int:
        return len(self.f1)

    def add(self, page: Page, got: Prediction, seconds: float) -> None:
        p, r, f = word_prf(got.text, page.truth)
        self.precision.append(p)
        self.recall.append(r)
        self.f1.append(f)
        self.seconds += seconds
        self.titles += _words(got.title) == _words(page.title)
        self.authors += set(_words(" ".join(got.authors))) == set(_words(page.author))
        self.dates += (got.date or "")[:10] == (page.date or "")[:10]

    def merge(self, other: Tally) -> None:
        for name in ("precision", "recall", "f1"):
            getattr(self, name).extend(getattr(other, name))
        for name in ("seconds", "titles", "authors", "dates", "rejected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class EvalReport:
    """Per system, a Tally for each half of the pages."""

    dataset: str
    as_text: bool
    systems: list[str]
    tallies: dict[tuple[str, str], Tally]
    skipped: int = 0
    #: Per (system, page type), over all pages.
    by_type: dict[tuple[str, str], Tally] = field(default_factory=dict)

    def total(self, system: str) -> Tally:
        whole = Tally()
        for half in HALVES:
            whole.merge(self.tallies[system, half])
        return whole


def half_of(site: str) -> str:
    """The half a site's pages belong to, by a stable hash of the site."""
    return HALVES[fold_of(site, len(HALVES))]


def word_prf(predicted: str, truth: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of the predicted words against the true ones (as multisets).

    An empty prediction scores 0 on all three.
    """
    got, want = _bag(predicted), _bag(truth)
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision, recall = overlap / got.total(), overlap / want.total()
    return precision, recall, 2 * precision * recall / (precision + recall)


def _bag(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def _words(text: str | None) -> list[str]:
    return _TOKEN.findall((text or "").lower())


def load_pages(dataset_dir: Path, limit: int | None = None) -> Iterator[Page]:
    """The pages with a non-empty ground truth, in file-name order (``limit`` first files).

    A page's type comes from the dataset's ``page-types.json`` when it has one, else from
    the ground truth's ``_internal.page_type.primary``; ``article`` when neither says.
    """
    truths = sorted((dataset_dir / "ground-truth").glob("*.json"))
    listed = dataset_dir / "page-types.json"
    types = json.loads(listed.read_text(encoding="utf-8")) if listed.exists() else {}
    for path in truths[:limit]:
        record = json.loads(path.read_text(encoding="utf-8"))
        truth = record.get("ground_truth", {})
        html = dataset_dir / "html" / f"{path.stem}.html.gz"
        if not (truth.get("main_content") or "").strip() or not html.exists():
            yield Page(path.stem, b"", None, "", None, None, None)  # skipped by evaluate
            continue
        internal = (record.get("_internal") or {}).get("page_type") or {}
        yield Page(
            name=path.stem,
            html=gzip.decompress(html.read_bytes()),
            url=record.get("url"),
            truth=truth["main_content"],
            title=truth.get("title"),
            author=truth.get("author"),
            date=truth.get("publish_date"),
            page_type=types.get(path.stem) or internal.get("primary") or "article",
        )


def evaluate(
    dataset_dir: Path,
    *,
    as_text: bool = False,
    limit: int | None = None,
    ablate: bool = False,
    dumps: Sequence[str] | None = None,
    cache: Path | None = None,
    on_page: Callable[[], None] | None = None,
    page_types: Mapping[str, str] | None = None,
) -> EvalReport:
    """Run trafilatura and presswash (or, ``as_text``, text dumps and ``clean_text``) on the
    pages of ``dataset_dir`` and tally their scores per half and per page type.

    ``ablate`` adds presswash variants without the pre-pass and/or without the text rules.
    ``dumps`` are the dump styles of the text mode (default: every style of
    ``evaluation.dumps``); ``cache`` a directory to keep the dumps in between runs.
    ``on_page`` is called after each page (skipped ones included), for progress.
    ``page_types`` (by ``dataset/stem``, as ``train_page_type.held_out_types`` gives them)
    replaces the page-type model's verdicts in the HTML mode.
    """
    if as_text:
        systems = _text_systems(dumps or list(DUMPS))
    else:
        prefix = f"{Path(dataset_dir).name}/"
        ours = {
            k.removeprefix(prefix): v for k, v in (page_types or {}).items() if k.startswith(prefix)
        }
        systems = _html_systems(ablate, ours)
    tallies = {(s.name, half): Tally() for s in systems for half in HALVES}
    report = EvalReport(str(dataset_dir), as_text, [s.name for s in systems], tallies)
    for page in load_pages(Path(dataset_dir), limit):
        if on_page:
            on_page()
        if not page.truth:
            report.skipped += 1
            continue
        made: dict[str, bytes] = {}
        for system in systems:
            tally = tallies[system.name, page.half]
            subject = page
            if system.style is not None:
                if system.style not in made:
                    key = f"{Path(dataset_dir).name}-{page.name}"
                    text = cached_dump(system.style, page.html, page.url, cache, key)
                    made[system.style] = text.encode()
                subject = replace(page, html=made[system.style])
            started = time.perf_counter()
            try:
                got = system.run(subject)
            except RejectInput:
                got = Prediction("")
                tally.rejected += 1
            seconds = time.perf_counter() - started
            if system.metadata is not None:
                meta = system.metadata(page)
                got = Prediction(got.text, meta.title, meta.authors, meta.date)
            tally.add(page, got, seconds if system.timed else 0.0)
            typed = report.by_type.setdefault((system.name, page.page_type), Tally())
            typed.add(page, got, seconds if system.timed else 0.0)
    return report


# ------------------------------------------------------------------------ the systems


def _from_article(article: Article) -> Prediction:
    date = article.published.isoformat() if article.published else None
    return Prediction(article.text, article.title, tuple(article.authors), date)


def _trafilatura(page: Page) -> Prediction:
    return Prediction(trafilatura.extract(page.html) or "")


def _trafilatura_metadata(page: Page) -> Prediction:
    meta = trafilatura.extract_metadata(page.html.decode("utf-8", "replace"), default_url=page.url)
    authors = tuple(a.strip() for a in (meta.author or "").split(";") if a.strip())
    return Prediction("", meta.title, authors, meta.date)


def _presswash(page_types: Mapping[str, str]) -> Callable[[Page], Prediction]:
    """presswash; a page named in ``page_types`` gets that type instead of the model's."""

    def run(page: Page) -> Prediction:
        kind = page_types.get(page.name)
        return _from_article(clean_html(page.html, url=page.url, source=page.name, page_type=kind))

    return run


def _variant(use_prepass: bool, use_rules: bool) -> Callable[[Page], Prediction]:
    """presswash with the pre-pass and/or the text rules switched off."""

    def run(page: Page) -> Prediction:
        tree = parse_html(page.html.decode("utf-8", "replace"), source=page.name)
        got = extract_page(tree, page.url, prepass=use_prepass)
        if use_rules:
            article = clean_blocks(
                got.blocks, url=page.url, hints=got.hints, removed=got.removed, structured=True
            )
            return _from_article(article)
        date = got.hints.published.isoformat() if got.hints.published else None
        text = "\n\n".join(b.text for b in got.blocks)
        return Prediction(text, got.hints.title, tuple(got.hints.authors), date)

    return run


def _html_systems(ablate: bool, page_types: Mapping[str, str]) -> list[System]:
    systems = [System("trafilatura", _trafilatura, _trafilatura_metadata)]
    if ablate:
        systems += [
            System("presswash: extraction only", _variant(False, False)),
            System("presswash: + pre-pass", _variant(True, False)),
            System("presswash: + text rules", _variant(False, True)),
        ]
    name = "presswash, held-out types" if page_types else "presswash"
    return [*systems, System(name, _presswash(page_types))]


def _text_systems(styles: Sequence[str]) -> list[System]:
    """For each dump style: the raw dump, the text rules alone, and rules with the model."""

    def raw(page: Page) -> Prediction:
        return Prediction(page.html.decode())

    def cleaner(model: bool) -> Callable[[Page], Prediction]:
        def run(page: Page) -> Prediction:
            text = page.html.decode()
            return _from_article(clean_text(text, source=page.name, url=page.url, model=model))

        return run

    systems = []
    for style in styles:
        if style not in DUMPS:
            raise ValueError(f"unknown dump style {style!r}; known: {', '.join(DUMPS)}")
        systems += [
            System(f"{style}: raw dump", raw, timed=False, style=style),
            System(f"{style}: rules only", cleaner(False), style=style),
            System(f"{style}: rules + model", cleaner(True), style=style),
        ]
    return systems


def held_out(
    datasets: Sequence[Path], *, limit: int | None = None, cache: Path | None = None
) -> str:
    """The text classifier cross-validated on folds grouped by site: per dump style and page
    type, raw dump, rules only, model only, rules + model and the oracle labels (needs
    scikit-learn, the ``train`` extra)."""
    import tempfile

    from evaluation import train_text

    docs = train_text.collect(datasets, cache, limit, train_text.STYLES)
    with tempfile.TemporaryDirectory() as workdir:
        scores = train_text.cross_validate(docs, train_text.SEED, Path(workdir))
    return train_text.format_scores(scores)


# ------------------------------------------------------------------------ report and CLI


def format_report(report: EvalReport) -> str:
    """The report as a plain-text table: one block per half and one for all pages."""
    mode = "text dumps" if report.as_text else "HTML pages"
    lines = [f"{report.dataset} ({mode}); {report.skipped} pages without ground truth skipped"]
    header = (
        f"{'system':34} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} "
        f"{'pages/s':>8} {'title':>6} {'author':>6} {'date':>6} {'reject':>6}"
    )
    for half in (*HALVES, "all"):
        lines += ["", f"[{half}]", header]
        for name in report.systems:
            tally = report.total(name) if half == "all" else report.tallies[name, half]
            lines.append(_row(name, tally))
    for page_type in sorted({t for _, t in report.by_type}):
        lines += ["", f"[page type: {page_type}]", header]
        for name in report.systems:
            if (name, page_type) in report.by_type:
                lines.append(_row(name, report.by_type[name, page_type]))
    return "\n".join(lines)


def _row(name: str, tally: Tally) -> str:
    n = tally.pages or 1
    speed = f"{tally.pages / tally.seconds:8.1f}" if tally.seconds else f"{'-':>8}"
    return (
        f"{name:34} {tally.pages:5d} {sum(tally.precision) / n:6.3f} "
        f"{sum(tally.recall) / n:6.3f} {sum(tally.f1) / n:6.3f} {speed} "
        f"{tally.titles / n:6.3f} {tally.authors / n:6.3f} {tally.dates / n:6.3f} "
        f"{tally.rejected:6d}"
    )
