"""Train the line classifier of text dumps (``cleaners/models/text_blocks.npz``).

    python -m evaluation.train_text ../shared/data/wcxb-dev ../shared/data/wcxb-dev-other

Every page is dumped in each training style (``evaluation.dumps``), cleaned by the text rules,
and each block labelled content when it aligns with the page's ground truth. The pages are
split into folds by site (``evaluation.folds``): for each fold a model is fitted on the others
and scored on it, and the held-out figures (raw dump, rules only, model only, both, and the
oracle that keeps exactly the aligned blocks) are printed per dump style and page type. The
shipped model is then fitted on every page, with a fixed seed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cleaners import Article, clean_blocks
from cleaners.article import Block
from cleaners.blocks import split_blocks
from cleaners.front_matter import lift_header
from cleaners.kinds import LIFTED as LIFTED_KINDS
from cleaners.learned import MODELS, Model, read_model
from cleaners.normalize import normalize_document
from cleaners.text_model import (
    CONTEXT,
    CONTEXT_PREFIX,
    FEATURES,
    MODEL_FILE,
    STACKED,
    Classifier,
    chrome_probability,
    context_features,
    features,
    read_classifier,
    relabel,
)
from evaluation.dumps import cached_dump
from evaluation.folds import fold_of, site_of
from evaluation.training import model_arrays
from evaluation.wcxb import Page, load_pages, word_prf

STYLES = ("markdown", "visible", "lynx", "page-markdown")
VERSION = "2"
SEED = 0
FOLDS = 5
HIDDEN = 16
#: Rows per fit: a random sample keeps a fit to a minute on a shared machine.
MAX_ROWS = 60_000
ITERATIONS = 50
#: Chrome probabilities tried as the removal threshold, and how much word-level F1 on the
#: training blocks a threshold may give up against the best one to keep more content.
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98)
F1_TOLERANCE = 0.005
#: A block is content when this share of its word trigrams is in the ground truth.
ALIGNED_SHARE = 0.5
_TOKEN = re.compile(r"\w+")
_MD_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\s]*(?:\s\"[^\"]*\")?\)")
#: The features the model-only variant does without: the verdicts of the text rules.
RULE_FEATURES = tuple(f for f in FEATURES if f.startswith("rule_") or f.endswith("kept"))
_LOG_WORDS = FEATURES.index("log_words")


@dataclass(slots=True)
class Doc:
    """One page in one dump style: its blocks' features, labels and rules-only result."""

    name: str
    style: str
    page_type: str
    fold: int
    dump: str
    truth: str
    rows: np.ndarray
    labels: np.ndarray
    decided: np.ndarray
    rules_text: str
    oracle_text: str


def clean_dump(dump: str, relabel_with: Callable[[list[Block]], None] | None) -> Article:
    """``clean_text`` with a chosen relabelling step (none: rules only)."""
    header = lift_header(normalize_document(dump))
    return clean_blocks(
        split_blocks(header.body),
        url=header.url,
        hints=header.hints,
        removed=header.removed,
        relabel=relabel_with,
    )


def align(blocks: Sequence[Block], truth: str) -> np.ndarray:
    """1 for a block whose words are in the ground truth, 0 for chrome.

    A block of three words or more is content when at least :data:`ALIGNED_SHARE` of its word
    trigrams occur in the truth; a shorter one when its words occur there in a row.
    """
    words = _TOKEN.findall(truth.lower())
    trigrams = set(zip(words, words[1:], words[2:], strict=False))
    joined = f" {' '.join(words)} "
    labels = np.zeros(len(blocks), dtype=np.int8)
    for i, block in enumerate(blocks):
        tokens = _TOKEN.findall(_MD_LINK.sub(r"\1", block.text).lower())
        if len(tokens) >= 3:
            grams = list(zip(tokens, tokens[1:], tokens[2:], strict=False))
            labels[i] = sum(g in trigrams for g in grams) >= ALIGNED_SHARE * len(grams)
        elif tokens:
            labels[i] = f" {' '.join(tokens)} " in joined
    return labels


def collect(
    datasets: Sequence[Path], cache: Path | None, limit: int | None, styles: Sequence[str]
) -> list[Doc]:
    """Every page of ``datasets`` (``limit`` per dataset) in every style, featurised."""
    docs: list[Doc] = []
    for dataset in datasets:
        for page in load_pages(dataset, limit):
            if not page.truth:
                continue
            for style in styles:
                key = f"{dataset.name}-{page.name}"
                dump = cached_dump(style, page.html, page.url, cache, key)
                docs.append(_featurise(page, dump, style))
    return docs


def _featurise(page: Page, dump: str, style: str) -> Doc:
    seen: list[Block] = []
    rows_box: list[np.ndarray] = []

    def capture(blocks: list[Block]) -> None:
        rows_box.append(features(blocks))
        seen.extend(blocks)

    article = clean_dump(dump, capture)
    labels = align(seen, page.truth)
    decided = np.array([b.label not in LIFTED_KINDS for b in seen], dtype=bool)
    oracle = "\n\n".join(
        _MD_LINK.sub(r"\1", b.text) for b, keep in zip(seen, labels, strict=True) if keep
    )
    return Doc(
        name=page.name,
        style=style,
        page_type=page.page_type,
        fold=fold_of(site_of(page.url, fallback=page.name), FOLDS),
        dump=dump,
        truth=page.truth,
        rows=rows_box[0] if rows_box else np.zeros((0, len(FEATURES)), np.float32),
        labels=labels,
        decided=decided,
        rules_text=article.text,
        oracle_text=oracle,
    )


def fit(docs: Iterable[Doc], feature_names: Sequence[str], seed: int, path: Path) -> Classifier:
    """Both stages fitted on the blocks of ``docs``, exported to ``path``.

    The second stage learns from first-stage verdicts made on sites the first stage did not
    see (out of fold, by the docs' site folds), as it meets them on new sites; the first stage
    it ships with is then fitted on every doc. The threshold is chosen on the second stage's
    verdicts on these same docs.
    """
    docs = [d for d in docs if len(d.rows)]
    folds = sorted({d.fold for d in docs})
    first = _fit_stage([d.rows for d in docs], docs, feature_names, FEATURES, seed)
    if len(folds) > 1:
        out_of_fold: dict[int, np.ndarray] = {}
        for fold in folds:
            inner = [d for d in docs if d.fold != fold]
            stage = _fit_stage([d.rows for d in inner], inner, feature_names, FEATURES, seed)
            for i, doc in enumerate(docs):
                if doc.fold == fold:
                    out_of_fold[i] = chrome_probability(doc.rows, stage.exported)
        verdicts = [out_of_fold[i] for i in range(len(docs))]
    else:  # one site fold: nothing to hold out
        verdicts = [chrome_probability(d.rows, first.exported) for d in docs]
    stacked = [
        np.concatenate([d.rows, context_features(d.rows, v)], axis=1)
        for d, v in zip(docs, verdicts, strict=True)
    ]
    names = (*feature_names, *CONTEXT)
    second = _fit_stage(stacked, docs, names, STACKED, seed)
    chrome = np.concatenate(
        [
            chrome_probability(x, second.exported, STACKED)[d.decided]
            for x, d in zip(stacked, docs, strict=True)
        ]
    )
    content = np.concatenate([d.labels[d.decided] for d in docs])
    words = np.concatenate([np.expm1(d.rows[d.decided, _LOG_WORDS]) for d in docs])
    arrays = first.arrays | {f"{CONTEXT_PREFIX}{k}": v for k, v in second.arrays.items()}
    arrays["threshold"] = np.array(choose_threshold(chrome, content, words), np.float32)
    np.savez_compressed(path, **arrays)
    return read_classifier(arrays)


@dataclass(frozen=True, slots=True)
class _Stage:
    """One fitted stage: the arrays it is exported as, and the model they read back as."""

    arrays: dict[str, np.ndarray]
    exported: Model


def _fit_stage(
    rows: Sequence[np.ndarray],
    docs: Sequence[Doc],
    feature_names: Sequence[str],
    columns: Sequence[str],
    seed: int,
) -> _Stage:
    """A scaler and a small perceptron fitted on the decided blocks of ``docs`` (``rows`` their
    values, named by ``columns``), weighted by their length as word-level F1 weighs them."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from sklearn.preprocessing import StandardScaler

    index = [list(columns).index(f) for f in feature_names]
    x = np.concatenate([r[d.decided][:, index] for r, d in zip(rows, docs, strict=True)])
    y = np.concatenate([d.labels[d.decided] for d in docs])
    rng = np.random.default_rng(seed)
    if len(y) > MAX_ROWS:
        keep = rng.choice(len(y), MAX_ROWS, replace=False)
        x, y = x[keep], y[keep]
    weight = 1.0 + x[:, list(feature_names).index("log_words")]
    scaler = StandardScaler().fit(x)
    classes = np.where(y == 1, "content", "chrome")
    model = MLPClassifier(
        hidden_layer_sizes=(HIDDEN,), max_iter=ITERATIONS, random_state=seed, early_stopping=False
    )
    with warnings.catch_warnings():  # a fixed budget of epochs, converged or not
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(scaler.transform(x), classes, sample_weight=weight)
    arrays = model_arrays(
        name="text_blocks", version=VERSION, features=feature_names, scaler=scaler, classifier=model
    )
    return _Stage(arrays, read_model(arrays))


def choose_threshold(chrome: np.ndarray, content: np.ndarray, words: np.ndarray) -> float:
    """The highest chrome probability, as the removal threshold, whose word-level F1 on the
    training blocks is within :data:`F1_TOLERANCE` of the best threshold's.

    Where F1 is flat, the threshold that removes least is taken: it keeps the most content.
    """
    total = float(words[content == 1].sum()) or 1.0
    scores = []
    for threshold in THRESHOLDS:
        kept = chrome <= threshold
        hit = float(words[kept & (content == 1)].sum())
        recall, precision = hit / total, hit / (float(words[kept].sum()) or 1.0)
        scores.append(2 * precision * recall / ((precision + recall) or 1.0))
    best = max(scores)
    return max(t for t, f1 in zip(THRESHOLDS, scores, strict=True) if f1 >= best - F1_TOLERANCE)


@dataclass(slots=True)
class Scores:
    """Per (style, page type, system): the pages' P/R/F1."""

    table: dict[tuple[str, str, str], list[tuple[float, float, float]]]

    def add(self, doc: Doc, system: str, text: str) -> None:
        prf = word_prf(text, doc.truth)
        self.table.setdefault((doc.style, doc.page_type, system), []).append(prf)
        self.table.setdefault((doc.style, "all", system), []).append(prf)


SYSTEMS = ("raw dump", "rules only", "model only", "rules + model", "oracle labels")


def cross_validate(docs: list[Doc], seed: int, workdir: Path) -> Scores:
    """Held-out scores: each fold cleaned with models fitted on the other folds only."""
    scores = Scores({})
    model_only = [f for f in FEATURES if f not in RULE_FEATURES]
    for fold in range(FOLDS):
        train_docs = [d for d in docs if d.fold != fold]
        held = [d for d in docs if d.fold == fold]
        if not held or not train_docs:
            continue
        both = fit(train_docs, FEATURES, seed, workdir / f"both-{fold}.npz")
        alone = fit(train_docs, model_only, seed, workdir / f"alone-{fold}.npz")
        for doc in held:
            scores.add(doc, "raw dump", doc.dump)
            scores.add(doc, "rules only", doc.rules_text)
            scores.add(doc, "oracle labels", doc.oracle_text)
            scores.add(doc, "rules + model", _with_model(doc.dump, both).text)
            scores.add(doc, "model only", _with_model(doc.dump, alone, rules=False).text)
    return scores


def _with_model(dump: str, model: Classifier, rules: bool = True) -> Article:
    def step(blocks: list[Block]) -> None:
        if not rules:
            for block in blocks:
                if block.label not in LIFTED_KINDS:
                    block.label = "heading" if block.heading else "body"
        relabel(blocks, model)

    return clean_dump(dump, step)


def format_scores(scores: Scores) -> str:
    """The held-out table: per style and page type, P/R/F1 of each system."""
    head = f"{'style':14} {'page type':14} {'system':14} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6}"
    lines = [head]
    keys = sorted({(s, t) for s, t, _ in scores.table}, key=lambda k: (k[0], k[1] != "all", k[1]))
    for style, page_type in keys:
        for system in SYSTEMS:
            rows = scores.table.get((style, page_type, system))
            if not rows:
                continue
            p, r, f = (sum(x[i] for x in rows) / len(rows) for i in range(3))
            lines.append(
                f"{style:14} {page_type:14} {system:14} {len(rows):5d} {p:6.3f} {r:6.3f} {f:6.3f}"
            )
        lines.append("")
    return "\n".join(lines)


def train(
    datasets: Sequence[Path],
    *,
    out: Path | None = None,
    cache: Path | None = None,
    limit: int | None = None,
    seed: int = SEED,
    styles: Sequence[str] = STYLES,
    validate: bool = True,
) -> str:
    """Cross-validate by site, then fit the shipped model on every page; the report as text."""
    started = time.perf_counter()
    docs = collect(datasets, cache, limit, styles)
    out = out or Path(str(MODELS.joinpath(MODEL_FILE)))
    out.parent.mkdir(parents=True, exist_ok=True)
    report = [
        f"{len({(d.name, d.page_type) for d in docs})} pages, {len(docs)} dumps, "
        f"{sum(len(d.labels) for d in docs)} blocks, {FOLDS} folds by site, seed {seed}"
    ]
    if validate:
        scores = cross_validate(docs, seed, out.parent)
        report += ["", "held-out folds:", format_scores(scores)]
        for stale in out.parent.glob("*-[0-9].npz"):
            stale.unlink()
    fit(docs, FEATURES, seed, out)
    seconds = time.perf_counter() - started
    report.append(f"wrote {out} ({out.stat().st_size} bytes) in {seconds:.0f} s")
    return "\n".join(report)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("datasets", type=Path, nargs="+", help="WCXB-layout dataset directories")
    parser.add_argument("--out", type=Path, default=None, help="model file to write")
    parser.add_argument("--cache", type=Path, default=None, help="directory to keep dumps in")
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each dataset")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-validate", action="store_true", help="skip cross-validation")
    args = parser.parse_args(argv)
    for dataset in args.datasets:
        if not (dataset / "ground-truth").is_dir():
            print(f"train_text: not a WCXB-layout dataset: {dataset}", file=sys.stderr)
            return 2
    print(
        train(
            args.datasets,
            out=args.out,
            cache=args.cache,
            limit=args.limit,
            seed=args.seed,
            validate=not args.no_validate,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
