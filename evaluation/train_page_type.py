"""Train the page-type models and print how they do on held-out sites.

    python -m evaluation.train_page_type [--data DIR ...] [--folds 5]

Reads WCXB-layout datasets (default: ``../shared/data/wcxb-dev`` and
``../shared/data/wcxb-dev-other``), whose ground truth gives each page's type in
``_internal.page_type.primary``. Two models are trained: one on the features of the HTML,
one on the features of two text dumps of each page (its main content as markdown, and
every visible line of the page, ``get_text``-style) for dumps without markup.

Every score printed is from site-grouped cross-validation (:mod:`evaluation.folds`): a
page is predicted by a model fitted on folds that hold no page of its site. The shipped
models are then fitted on all pages and written to ``cleaners/models/``.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from lxml import etree
from lxml.html import HtmlElement

from cleaners.blocks import split_blocks
from cleaners.html import parse_html
from cleaners.normalize import normalize_document
from cleaners.page_type import (
    ARTICLE,
    HTML_MODEL,
    PAGE_TYPES,
    TEXT_MODEL,
    decide,
    html_features,
    text_features,
)
from evaluation.folds import fold_of, site_of
from evaluation.training import export_model
from sources.decode import RejectInput

DEFAULT_DATA = ("../shared/data/wcxb-dev", "../shared/data/wcxb-dev-other")
MODELS_DIR = Path(__file__).resolve().parent.parent / "cleaners" / "models"
VERSION = "2"
#: Floors of the probability of ``article`` tried (see ``cleaners.page_type.decide``).
FLOORS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
#: How much balanced accuracy a floor may give up against the best one to type fewer articles
#: as other pages (an article typed otherwise keeps its chrome).
BA_TOLERANCE = 0.005
#: The floor of the text model, fixed: from text alone the types are told apart so poorly
#: (balanced accuracy under 0.8 at its best floor) that the best floor would type a quarter of
#: the articles as other pages; a dump is typed otherwise only when the model is nearly sure.
TEXT_FLOOR = 0.002


@dataclass(frozen=True, slots=True)
class LabelledPage:
    """One page with its true type, and the site it is grouped by."""

    name: str
    url: str | None
    site: str
    page_type: str
    html: str
    markdown: str


@dataclass(slots=True)
class Samples:
    """Feature rows with their labels, site groups and the names of their pages."""

    features: list[str]
    rows: list[list[float]]
    labels: list[str]
    sites: list[str]
    names: list[str]

    def add(self, features: dict[str, float], label: str, site: str, name: str = "") -> None:
        if not self.features:
            self.features = list(features)
        self.rows.append([features[name] for name in self.features])
        self.labels.append(label)
        self.sites.append(site)
        self.names.append(name)


@dataclass(slots=True)
class CVResult:
    """Held-out predictions of one model: every page predicted by a model that never saw
    its site, with a floor chosen on that model's training folds."""

    name: str
    truth: list[str]
    predicted: list[str]
    #: The floor of each outer fold, chosen by an inner cross-validation of its training folds.
    floors: list[float]

    def balanced_accuracy(self) -> float:
        """Article vs. not: the mean of the recall of articles and of non-articles."""
        return balanced_accuracy(
            np.array([x == ARTICLE for x in self.truth]),
            np.array([x == ARTICLE for x in self.predicted]),
        )

    def accuracy(self) -> float:
        return float(np.mean([a == b for a, b in zip(self.truth, self.predicted, strict=True)]))

    def confusion(self) -> str:
        """Rows: true type; columns: predicted type."""
        short = [t[:6] for t in PAGE_TYPES]
        lines = [f"{'true / predicted':16}" + "".join(f"{s:>7}" for s in short)]
        for true in PAGE_TYPES:
            row = [
                sum(
                    1
                    for a, b in zip(self.truth, self.predicted, strict=True)
                    if (a, b) == (true, p)
                )
                for p in PAGE_TYPES
            ]
            lines.append(f"{true:16}" + "".join(f"{n:7d}" for n in row))
        return "\n".join(lines)


def balanced_accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    """The mean of the recall of articles and of non-articles (boolean arrays: article)."""
    articles = (predicted & truth).sum() / max(truth.sum(), 1)
    others = (~predicted & ~truth).sum() / max((~truth).sum(), 1)
    return float((articles + others) / 2)


def load_labelled(data_dirs: Sequence[Path]) -> Iterator[LabelledPage]:
    """The pages of WCXB-layout datasets with a page type in their ground truth."""
    for data in data_dirs:
        for truth in sorted((data / "ground-truth").glob("*.json")):
            record = json.loads(truth.read_text(encoding="utf-8"))
            kind = record.get("_internal", {}).get("page_type", {}).get("primary")
            html = data / "html" / f"{truth.stem}.html.gz"
            if kind not in PAGE_TYPES or not html.exists():
                continue
            url = record.get("url")
            yield LabelledPage(
                name=f"{data.name}/{truth.stem}",
                url=url,
                site=site_of(url, fallback=truth.stem),
                page_type=kind,
                html=gzip.decompress(html.read_bytes()).decode("utf-8", "replace"),
                markdown=record.get("ground_truth", {}).get("main_content_markdown") or "",
            )


def text_dumps(page: LabelledPage, tree: HtmlElement) -> list[str]:
    """Two text dumps of a page: its main content as markdown, as an extractor's markdown
    dump gives it (the ground truth's ``main_content_markdown`` stands in for one), and
    every visible text node on a line of its own, as BeautifulSoup's ``get_text("\\n")``
    gives it (read here from the parsed ``tree``)."""
    body = tree.find("body")
    visible = "\n".join(_VISIBLE_TEXT(body)) if body is not None else ""
    return [d for d in (page.markdown, visible) if d and d.strip()]


_VISIBLE_TEXT = etree.XPath(
    ".//text()[normalize-space()][not(ancestor::script or ancestor::style"
    " or ancestor::noscript or ancestor::template)]"
)


def collect(pages: Sequence[LabelledPage], text: bool = True) -> tuple[Samples, Samples]:
    """Feature rows for the HTML model and (``text``) for the text model (two dumps per
    page)."""
    html_samples, text_samples = Samples([], [], [], [], []), Samples([], [], [], [], [])
    for page in pages:
        try:
            tree = parse_html(page.html, source=page.name)
        except RejectInput:
            continue
        html_samples.add(html_features(tree, page.url), page.page_type, page.site, page.name)
        for dump in text_dumps(page, tree) if text else ():
            blocks = split_blocks(normalize_document(dump))
            text_samples.add(text_features(blocks), page.page_type, page.site, page.name)
    return html_samples, text_samples


def _classifier() -> Any:
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    return scaler, _classifier().fit(scaler.transform(x), y)


def held_out_proba(x: np.ndarray, y: np.ndarray, fold: np.ndarray) -> np.ndarray:
    """Class probabilities (columns in :data:`PAGE_TYPES` order) of every row, each from a
    model fitted on the rows of the other folds."""
    proba = np.zeros((len(y), len(PAGE_TYPES)))
    for k in np.unique(fold):
        train, held = fold != k, fold == k
        scaler, model = _fit(x[train], y[train])
        columns = [PAGE_TYPES.index(c) for c in model.classes_]
        proba[np.ix_(held, columns)] = model.predict_proba(scaler.transform(x[held]))
    return proba


def choose_floor(article_proba: np.ndarray, is_article: np.ndarray) -> float:
    """The lowest floor of :data:`FLOORS` whose balanced accuracy (article vs. not) is within
    :data:`BA_TOLERANCE` of the best floor's: it types the fewest articles as other pages."""
    scores = np.array([balanced_accuracy(is_article, article_proba >= f) for f in FLOORS])
    return FLOORS[int(np.flatnonzero(scores >= scores.max() - BA_TOLERANCE)[0])]


def cross_validate(name: str, samples: Samples, folds: int, floor: float | None = None) -> CVResult:
    """Site-grouped cross-validation: fold ``k`` is predicted by a model fitted on the other
    folds, at ``floor`` or, without one, at the floor that an inner cross-validation of those
    folds chose."""
    x = np.array(samples.rows, dtype=np.float64)
    y = np.array(samples.labels)
    fold = np.array([fold_of(site, folds) for site in samples.sites])
    is_article = y == ARTICLE
    outer = held_out_proba(x, y, fold)
    predicted: list[str] = [""] * len(y)
    floors = []
    for k in range(folds):
        train, held = fold != k, fold == k
        if not held.any():
            continue
        chosen = floor
        if chosen is None:
            inner = held_out_proba(x[train], y[train], fold[train])
            chosen = choose_floor(inner[:, PAGE_TYPES.index(ARTICLE)], is_article[train])
        floors.append(chosen)
        for i, label in zip(
            np.flatnonzero(held), decide(outer[held], PAGE_TYPES, chosen), strict=True
        ):
            predicted[i] = label
    return CVResult(name, list(y), predicted, floors)


def held_out_types(data_dirs: Sequence[Path], folds: int = 5) -> dict[str, str]:
    """The page type of every labelled page of ``data_dirs`` (by ``dataset/stem``) as the HTML
    model gives it when fitted, and its floor chosen, on the folds without the page's site."""
    html_samples, _ = collect(list(load_labelled(data_dirs)), text=False)
    result = cross_validate("html", html_samples, folds)
    return dict(zip(html_samples.names, result.predicted, strict=True))


def fit_and_export(
    samples: Samples, path: Path, name: str, folds: int, floor: float | None = None
) -> float:
    """Fit on every page and write the model to ``path``, with ``floor`` or, without one, the
    floor that site-grouped cross-validation over every page chose. Returns the floor."""
    x = np.array(samples.rows, dtype=np.float64)
    y = np.array(samples.labels)
    if floor is None:
        fold = np.array([fold_of(site, folds) for site in samples.sites])
        proba = held_out_proba(x, y, fold)
        floor = choose_floor(proba[:, PAGE_TYPES.index(ARTICLE)], y == ARTICLE)
    scaler, model = _fit(x, y)
    export_model(
        path,
        name=name,
        version=VERSION,
        features=samples.features,
        scaler=scaler,
        classifier=model,
        threshold=floor,
    )
    return floor


def train(
    data_dirs: Sequence[Path] = tuple(Path(d) for d in DEFAULT_DATA),
    *,
    out_dir: Path = MODELS_DIR,
    folds: int = 5,
    export: bool = True,
) -> list[CVResult]:
    """Cross-validate both models by site, then (``export``) fit them on all pages and write
    them to ``out_dir``. Returns the held-out results, HTML model first."""
    pages = list(load_labelled(data_dirs))
    if not pages:
        raise SystemExit(f"no labelled pages under {', '.join(map(str, data_dirs))}")
    html_samples, text_samples = collect(pages)
    results = [
        cross_validate("html", html_samples, folds),
        cross_validate("text", text_samples, folds, TEXT_FLOOR),
    ]
    if export:
        out_dir.mkdir(parents=True, exist_ok=True)
        fit_and_export(html_samples, out_dir / HTML_MODEL, "page_type", folds)
        fit_and_export(text_samples, out_dir / TEXT_MODEL, "page_type_text", folds, TEXT_FLOOR)
    return results


def format_results(results: Sequence[CVResult], folds: int) -> str:
    lines = []
    for result in results:
        lines += [
            f"[{result.name} model] {len(result.truth)} samples, {folds} site-grouped folds",
            f"article vs. not, balanced accuracy: {result.balanced_accuracy():.3f}"
            f" (floor of P(article) per fold: {', '.join(f'{f:g}' for f in result.floors)})",
            f"page type accuracy (7 types): {result.accuracy():.3f}",
            result.confusion(),
            "",
        ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.train_page_type")
    parser.add_argument("--data", nargs="+", type=Path, default=[Path(d) for d in DEFAULT_DATA])
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--no-export", action="store_true", help="cross-validate only")
    args = parser.parse_args(argv)
    results = train(args.data, out_dir=args.out, folds=args.folds, export=not args.no_export)
    print(format_results(results, args.folds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
