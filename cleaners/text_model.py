"""The learned line classifier of text dumps: content or chrome, for every block.

The text rules know the shapes of chrome that someone wrote down; a full-page dump (every
visible line of a page, a ``lynx -dump``, a page converted to markdown) is mostly chrome of
shapes nobody wrote down: menus, share bars, footers, teasers, comment threads. The model reads
features that hold across sites and languages rather than words of one language:

- the block's own shape: length, sentence ends, punctuation, capitals, digits and symbols,
  stop-word density (jusText's stop-lists, in the document's own language), link density
  (markdown links, ``[12]`` link numbers), markdown markers, form residue;
- where it stands: position, whether it is inside the densest run of prose and how far from it;
- its neighbours' shape, and the document's (how much of it is links, how many blocks);
- what the text rules decided about it (their verdicts are features, not the last word).

It reads them in two stages. The first gives every block a chrome probability from the features
above; the second reads the same features plus the first stage's verdicts around the block (its
neighbours', the share of content before and after it, the densest run of what the first stage
calls content). A menu line looks like a short heading on its own; beside twenty other short
lines the first stage already doubts, it does not.

It runs after the rules and decides every block that is not lifted into metadata: it may take
out a block the rules kept, or put back one they removed. Its removals carry the rule
``text_blocks@<version>``; the weights are trained by ``python -m evaluation.train_text``.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np

from .article import Block
from .kinds import LIFTED as LIFTED_KINDS
from .kinds import Kind
from .learned import MODELS, Model, read_model
from .words import UNSPACED, unspaced_words

MODEL_FILE = "text_blocks.npz"
#: Probability of chrome above which a model without a chosen threshold removes a block.
THRESHOLD = 0.5
#: Probability of chrome below which a block a rule removed is put back.
RESTORE = 0.05

_WORD = re.compile(r"\w+")
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*(?:\s\"[^\"]*\")?\)")
_LINK_NUMBER = re.compile(r"\[\d+\]")
_LIST_MARK = re.compile(r"^(?:[*+•·▪–-]|\d{1,3}[.)])[^\S\n]", re.MULTILINE)
_LINK_OPEN = re.compile(re.escape("]("))
_IMAGE = re.compile(r"!\[|\[IMG\]|\.(?:jpe?g|png|gif|webp|svg)\b", re.IGNORECASE)
#: A markdown image or a text browser's ``[IMG]``, whole; and an image file's extension.
_IMAGE_MARKUP = re.compile(r"!\[[^\[\]]*\]\([^()\s]*(?:\s\"[^\"]*\")?\)|\[IMG\]")
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg)\b", re.IGNORECASE)
#: Form residue of a text browser: a button, an input field, a checkbox or radio button.
_FORM = ("(BUTTON)", "______", "[ ]", "( )")
#: A clock time: one or two digits, a colon, two digits (starting at the colon, a literal the
#: regex engine scans for fast).
_TIME = re.compile(r":(?<=\b\d:)\d{2}\b|:(?<=\b\d\d:)\d{2}\b")
_URL = re.compile(r"https?://|www\.")
_SENTENCE_END = re.compile(r"[.!?…。！？](?:[\"'”’»)\]]*)(?=\s|$)")
_END = re.compile(r"[.!?…。！？:;][\"'”’»)\]]*$")
_PUNCT = frozenset(".,;:!?…。，、")
#: Tokens looked at to guess the document's language.
_LANGUAGE_SAMPLE = 400
#: A block with this many words and some stop-words counts as prose for the densest run.
_PROSE_WORDS = 10
#: Blocks on each side in the window means of a block's surroundings.
_WINDOW = 2
#: Cost of a non-prose block inside the densest run, in words.
_GAP_COST = 8.0

_OWN = (
    "log_words",
    "log_chars",
    "mean_word_chars",
    "ends_sentence",
    "ends_colon",
    "sentences_per_word",
    "punct_ratio",
    "digit_ratio",
    "upper_ratio",
    "capitalised_words",
    "symbol_ratio",
    "stopwords",
    "stopwords_any",
    "link_chars",
    "links_per_word",
    "link_numbers",
    "heading",
    "list_item",
    "image",
    "table_row",
    "emphasis",
    "form",
    "time",
    "url",
)
#: The labels the text rules give (only the model gives ``comment``); they are columns of the
#: model's input, so a change here needs a retrained model.
_RULE_LABELS = (
    Kind.BODY,
    Kind.HEADING,
    Kind.CAPTION,
    Kind.SIDEBAR,
    Kind.LEGAL,
    Kind.WIDGET,
    Kind.NAVIGATION,
)
_NEIGHBOUR = ("log_words", "ends_sentence", "stopwords", "link_chars", "list_item", "kept")
_PLACE = ("position", "in_run", "run_distance", "before_run", "after_run", "gap_before")
_DOCUMENT = ("doc_log_blocks", "doc_link_blocks", "doc_short_blocks", "doc_run_share")

FEATURES: tuple[str, ...] = (
    *_OWN,
    *(f"rule_{label}" for label in _RULE_LABELS),
    "kept",
    *(f"prev_{n}" for n in _NEIGHBOUR),
    *(f"next_{n}" for n in _NEIGHBOUR),
    *(f"window_{n}" for n in ("log_words", "stopwords", "link_chars")),
    *_PLACE,
    *_DOCUMENT,
)
_INDEX = {name: i for i, name in enumerate(FEATURES)}
#: The second stage's extra columns: the first stage's chrome probability of the block and
#: around it, and where the block stands against what the first stage calls content.
CONTEXT: tuple[str, ...] = (
    "chrome",
    "prev_chrome",
    "next_chrome",
    "prev2_chrome",
    "next2_chrome",
    "window3_chrome",
    "window8_chrome",
    "window5_content_words",
    "content_before",
    "content_after",
    "in_content_run",
    "content_run_distance",
    "doc_content_blocks",
)
#: The columns the second stage may read: :data:`FEATURES`, then :data:`CONTEXT`.
STACKED: tuple[str, ...] = (*FEATURES, *CONTEXT)


@functools.cache
def _stoplists() -> tuple[dict[str, tuple[int, ...]], tuple[frozenset[str], ...]]:
    """jusText's stop-lists: each word's languages, and each language's words."""
    import justext

    lists = tuple(justext.get_stoplist(name) for name in sorted(justext.get_stoplists()))
    languages: dict[str, list[int]] = {}
    for index, words in enumerate(lists):
        for word in words:
            languages.setdefault(word, []).append(index)
    return {w: tuple(ls) for w, ls in languages.items()}, lists


def _language(tokens: Sequence[str]) -> frozenset[str]:
    """The stop-list that covers most of the document's first tokens."""
    languages, lists = _stoplists()
    hits = [
        (found, times)
        for token, times in Counter(tokens[:_LANGUAGE_SAMPLE]).items()
        if (found := languages.get(token))
    ]
    if not hits:
        return frozenset()
    order = np.fromiter(chain.from_iterable(found for found, _ in hits), dtype=np.int64)
    weight = np.repeat([times for _, times in hits], [len(found) for found, _ in hits])
    counts = np.bincount(order, weights=weight, minlength=len(lists))
    # ties go to the language counted first, in the order of the document's words
    return lists[int(order[np.argmax(counts[order] == counts.max())])]


def features(blocks: Sequence[Block]) -> np.ndarray:
    """One row of :data:`FEATURES` per block (labels as the text rules left them)."""
    n = len(blocks)
    x = np.zeros((n, len(FEATURES)), dtype=np.float32)
    if not n:
        return x
    tokens = [_WORD.findall(b.key) for b in blocks]
    stop = _language([t for ts in tokens for t in ts])
    anywhere = _stoplists()[0]
    x[:, : len(_OWN)] = _own_features(blocks, tokens, stop, anywhere)
    rule_columns = {label: _INDEX[f"rule_{label}"] for label in _RULE_LABELS}
    for i, block in enumerate(blocks):
        if block.label in rule_columns:
            x[i, rule_columns[block.label]] = 1.0
    x[:, _INDEX["kept"]] = [b.label in ("body", "heading") for b in blocks]
    x[:, _INDEX["gap_before"]] = [b.gap_before for b in blocks]
    _neighbours(x)
    _place(x, n)
    return x


#: Character classes, one bit each, of every code point of the basic multilingual plane.
_ALPHA, _DIGIT, _UPPER, _SPACE, _ALNUM, _PUNCT_BIT = 1, 2, 4, 8, 16, 32


def _classes_of(char: str) -> int:
    return (
        _ALPHA * char.isalpha()
        | _DIGIT * char.isdigit()
        | _UPPER * char.isupper()
        | _SPACE * char.isspace()
        | _ALNUM * char.isalnum()
        | _PUNCT_BIT * (char in _PUNCT)
    )


@functools.cache
def _class_table() -> np.ndarray:
    return np.array([_classes_of(chr(c)) for c in range(0x10000)], dtype=np.uint8)


def _char_classes(text: str) -> np.ndarray:
    """The class bits of every character of ``text``."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    wide = codes > 0xFFFF
    bits = _class_table()[np.where(wide, 0, codes)]
    for i in np.flatnonzero(wide).tolist():  # outside the table: emoji, styled letters
        bits[i] = _classes_of(text[i])
    return bits


def _per_block(pattern: re.Pattern[str], joined: str, starts: np.ndarray, n: int) -> np.ndarray:
    """How many matches of ``pattern`` start in each block of ``joined``."""
    where = [m.start() for m in pattern.finditer(joined)]
    if not where:
        return np.zeros(n)
    return np.bincount(np.searchsorted(starts, where, side="right") - 1, minlength=n)[:n]


_MASKS = np.array([_ALPHA, _DIGIT, _UPPER, _SPACE, _ALNUM, _PUNCT_BIT], dtype=np.uint8)


def _own_features(
    blocks: Sequence[Block],
    tokens: list[list[str]],
    stop: frozenset[str],
    anywhere: dict[str, tuple[int, ...]],
) -> np.ndarray:
    """The :data:`_OWN` columns of every block, counted over the whole document at once.

    The blocks' texts are joined by newlines (a block holds none), so one regex pass or one
    table lookup serves every block, and counts go back to their block by its start offset.
    """
    n = len(blocks)
    texts = [b.text for b in blocks]
    plains = [_MD_LINK.sub(r"\1", t) if "](" in t else t for t in texts]
    joined, plain = "\n".join(texts), "\n".join(plains)
    starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    plain_starts = np.cumsum([0] + [len(t) + 1 for t in plains[:-1]])
    sizes = np.array([len(t) for t in plains], dtype=np.float64)
    size = np.maximum(sizes, 1)
    count = np.array([_word_count(b.key, w) for b, w in zip(blocks, tokens, strict=True)])
    per_word = 1.0 / np.maximum(count, 1)

    # Each block's characters and the newline after it (one more space, taken off below).
    bits = _char_classes(plain + "\n")
    space = (bits & _SPACE) > 0
    first = ~space & np.concatenate([[True], space[:-1]])  # a word's first character
    capital = first & ((bits & _UPPER) > 0)
    flags = np.concatenate([(bits[:, None] & _MASKS) > 0, capital[:, None]], axis=1)
    alpha, digit, upper, spaces, alnum, punct, capitalised = np.add.reduceat(
        flags.astype(np.int32), plain_starts, axis=0
    ).T
    spaces = spaces - 1
    linked = np.array(
        [sum(len(m.group(1)) for m in _MD_LINK.finditer(t)) if "](" in t else 0 for t in texts],
        dtype=np.float64,
    )
    link_numbers = _per_block(_LINK_NUMBER, joined, starts, n)
    ends = [p[-16:] for p in plains]
    out = np.zeros((n, len(_OWN)))
    out[:, 0] = np.log1p(count)
    out[:, 1] = np.log1p(sizes)
    out[:, 2] = [sum(map(len, w)) for w in tokens] * per_word
    colon = np.array([p.endswith(":") for p in plains])
    out[:, 3] = [bool(_END.search(e)) for e in ends] & ~colon
    out[:, 4] = colon
    out[:, 5] = _per_block(_SENTENCE_END, plain, plain_starts, n) * per_word
    out[:, 6] = punct / size
    out[:, 7] = digit / size
    out[:, 8] = upper / np.maximum(alpha, 1)
    out[:, 9] = capitalised * per_word
    out[:, 10] = (sizes - alnum - spaces - punct) / size
    out[:, 11] = [sum(map(stop.__contains__, w)) for w in tokens] * per_word
    out[:, 12] = [sum(map(anywhere.__contains__, w)) for w in tokens] * per_word
    out[:, 13] = linked / size
    out[:, 14] = (_per_block(_LINK_OPEN, joined, starts, n) + link_numbers) * per_word
    out[:, 15] = link_numbers > 0
    out[:, 16] = [b.heading for b in blocks]
    out[:, 17] = _per_block(_LIST_MARK, joined, starts, n) > 0
    # the share of the block that is image markup: an image line is one, a paragraph with an
    # inline image is mostly prose
    for i in np.flatnonzero(_per_block(_IMAGE, joined, starts, n)).tolist():
        out[i, 18] = _image_share(texts[i])
    out[:, 19] = [t.count("|") >= 2 for t in texts]
    out[:, 20] = ["**" in t or (t.startswith(("_", "*")) and t.endswith(("_", "*"))) for t in texts]
    if any(mark in joined for mark in _FORM):
        out[:, 21] = [any(mark in t for mark in _FORM) for t in texts]
    out[:, 22] = _per_block(_TIME, joined, starts, n) > 0
    out[:, 23] = _per_block(_URL, joined, starts, n) > 0
    return out


def _word_count(key: str, tokens: list[str]) -> float:
    """Words in a block: its tokens, but a run of Chinese or Japanese (a token of many words
    written without spaces) by its characters, so that such prose looks as long as it is."""
    unspaced = unspaced_words(key)
    if not unspaced:
        return float(len(tokens))
    return float(sum(1 for t in tokens if not UNSPACED.search(t)) + unspaced)


def _image_share(text: str) -> float:
    """The share of ``text`` that is image markup or image file names."""
    rest = _IMAGE_MARKUP.sub("", text)
    files = sum(len(token) for token in rest.split() if _IMAGE_FILE.search(token))
    return (len(text) - len(rest) + files) / max(len(text), 1)


def _neighbours(x: np.ndarray) -> None:
    own = [_INDEX[n] for n in _NEIGHBOUR]
    prev = [_INDEX[f"prev_{n}"] for n in _NEIGHBOUR]
    nxt = [_INDEX[f"next_{n}"] for n in _NEIGHBOUR]
    x[1:, prev] = x[:-1, own]
    x[:-1, nxt] = x[1:, own]
    n = len(x)
    low = np.maximum(np.arange(n) - _WINDOW, 0)
    high = np.minimum(np.arange(n) + _WINDOW + 1, n)
    for name in ("log_words", "stopwords", "link_chars"):
        sums = np.concatenate([[0.0], np.cumsum(x[:, _INDEX[name]], dtype=np.float64)])
        x[:, _INDEX[f"window_{name}"]] = (sums[high] - sums[low]) / (high - low)


def _place(x: np.ndarray, n: int) -> None:
    """Position, the densest run of prose (a maximum-sum segment) and the document's shape."""
    words = np.expm1(x[:, _INDEX["log_words"]])
    prose = (
        (words >= _PROSE_WORDS)
        & (x[:, _INDEX["stopwords"]] > 0)
        & (x[:, _INDEX["link_chars"]] < 0.5)
    )
    score = np.where(prose, words, -_GAP_COST)
    start, end = _max_segment(score)
    index = np.arange(n, dtype=np.float32)
    x[:, _INDEX["position"]] = index / max(n - 1, 1)
    inside = (index >= start) & (index <= end)
    x[:, _INDEX["in_run"]] = inside
    distance = np.where(index < start, start - index, np.where(index > end, index - end, 0))
    x[:, _INDEX["run_distance"]] = np.log1p(distance)
    x[:, _INDEX["before_run"]] = index < start
    x[:, _INDEX["after_run"]] = index > end
    x[:, _INDEX["doc_log_blocks"]] = math.log1p(n)
    x[:, _INDEX["doc_link_blocks"]] = float(np.mean(x[:, _INDEX["link_chars"]] > 0.5))
    x[:, _INDEX["doc_short_blocks"]] = float(np.mean(words < 5))
    total = float(words.sum()) or 1.0
    x[:, _INDEX["doc_run_share"]] = float(words[start : end + 1].sum()) / total


def context_features(rows: np.ndarray, chrome: np.ndarray) -> np.ndarray:
    """The :data:`CONTEXT` columns of every block, from its :func:`features` row and the first
    stage's chrome probability of every block of the document."""
    n = len(chrome)
    out = np.zeros((n, len(CONTEXT)), dtype=np.float32)
    if not n:
        return out
    chrome = chrome.astype(np.float64)
    words = np.expm1(rows[:, _INDEX["log_words"]].astype(np.float64))
    content = (1.0 - chrome) * words
    total = float(content.sum()) or 1.0
    running = np.concatenate([[0.0], np.cumsum(content)])
    index = np.arange(n)

    def shifted(by: int) -> np.ndarray:  # a missing neighbour counts as chrome
        moved = np.ones(n)
        if by > 0:
            moved[by:] = chrome[:-by]
        else:
            moved[:by] = chrome[-by:]
        return moved

    def window(values: np.ndarray, radius: int) -> tuple[np.ndarray, np.ndarray]:
        sums = np.concatenate([[0.0], np.cumsum(values)])
        low, high = np.maximum(index - radius, 0), np.minimum(index + radius + 1, n)
        return sums[high] - sums[low], (high - low).astype(np.float64)

    out[:, 0] = chrome
    out[:, 1], out[:, 2] = shifted(1), shifted(-1)
    out[:, 3], out[:, 4] = shifted(2), shifted(-2)
    for column, radius in ((5, 3), (6, 8)):  # the neighbours' mean, the block left out
        around, size = window(chrome, radius)
        out[:, column] = (around - chrome) / np.maximum(size - 1, 1)
    near_content, _ = window(content, 5)
    near_words, _ = window(words, 5)
    out[:, 7] = near_content / np.maximum(near_words, 1)
    out[:, 8] = running[:-1] / total
    out[:, 9] = (total - running[1:]) / total
    start, end = _max_segment(np.where(chrome < 0.5, words, -_GAP_COST))
    out[:, 10] = (index >= start) & (index <= end)
    out[:, 11] = np.log1p(np.where(index < start, start - index, np.maximum(index - end, 0)))
    out[:, 12] = float(np.mean(chrome < 0.5))
    return out


def _max_segment(score: np.ndarray) -> tuple[int, int]:
    """The contiguous segment of largest sum (Kadane); (0, -1) when every score is negative."""
    best, best_span = 0.0, (0, -1)
    running, start = 0.0, 0
    for i, value in enumerate(score.tolist()):
        if running <= 0:
            running, start = value, i
        else:
            running += value
        if running > best:
            best, best_span = running, (start, i)
    return best_span


@dataclass(frozen=True, slots=True)
class Classifier:
    """The exported stages and the chrome probability above which a block is removed (chosen on
    the training folds). Without a ``context`` stage the first stage decides alone."""

    model: Model
    threshold: float = THRESHOLD
    context: Model | None = None

    @property
    def rule(self) -> str:
        """The name its removals carry: the deciding stage's model and version."""
        return (self.context or self.model).rule

    def chrome(self, rows: np.ndarray) -> np.ndarray:
        """The probability that each block (a row of :func:`features`) is chrome."""
        first = chrome_probability(rows, self.model)
        if self.context is None:
            return first
        stacked = np.concatenate([rows, context_features(rows, first)], axis=1)
        return chrome_probability(stacked, self.context, STACKED)


#: Prefix of the second stage's arrays in the exported ``.npz``.
CONTEXT_PREFIX = "context_"


def read_classifier(arrays: dict[str, np.ndarray]) -> Classifier:
    """A classifier from the arrays of an exported ``.npz`` (``threshold`` and the second
    stage, under :data:`CONTEXT_PREFIX`, optional)."""
    first = {k: v for k, v in arrays.items() if not k.startswith(CONTEXT_PREFIX)}
    second = {k.removeprefix(CONTEXT_PREFIX): v for k, v in arrays.items() if k not in first}
    model = read_model(first)
    threshold = THRESHOLD if model.threshold is None else model.threshold
    return Classifier(model, threshold, read_model(second) if second else None)


@functools.cache
def shipped() -> Classifier | None:
    """The shipped classifier, or None when it is not installed (cleaning then uses rules
    only)."""
    path = MODELS.joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    with path.open("rb") as handle, np.load(handle) as data:
        return read_classifier(dict(data))


def chrome_probability(
    rows: np.ndarray, model: Model, columns: tuple[str, ...] = FEATURES
) -> np.ndarray:
    """The model's probability that each row (its values named by ``columns``) is chrome."""
    if model.features != columns:
        index = {name: i for i, name in enumerate(columns)}
        rows = rows[:, [index[name] for name in model.features]]
    return model.proba(rows)[:, list(model.classes).index("chrome")]


def relabel(blocks: list[Block], classifier: Classifier | None = None) -> None:
    """Let the classifier decide every block not lifted into metadata.

    A kept block it calls chrome is removed with a kind from where it stands (see
    :func:`chrome_kind`), and once a reader comment is seen after the article, the chrome
    after it is the comment thread. A block a rule removed is put back as body only when the
    model is nearly sure it is content (:data:`RESTORE`): a rule matched a shape someone
    named, which outweighs a doubt.
    """
    classifier = classifier or shipped()
    if classifier is None or not blocks:
        return
    rows = features(blocks)
    probability = classifier.chrome(rows)
    chrome = probability > classifier.threshold
    content = probability < RESTORE
    rule = classifier.rule
    thread = False
    for i, block in enumerate(blocks):
        if block.label in LIFTED_KINDS:
            continue
        kept = block.label in ("body", "heading")
        if kept and chrome[i]:
            kind = "comment" if thread else chrome_kind(rows[i])
            thread = kind == "comment"
            block.label, block.rule = kind, rule
        elif not kept and content[i]:
            block.label, block.rule = ("heading" if block.heading else "body"), ""


def chrome_kind(row: np.ndarray) -> str:
    """The kind of a block the model removes, from its features: a reader comment (after the
    article, with a time stamp or a ``said:`` colon), a caption (an image), navigation (before
    the article), a sidebar (links), or a widget."""
    after = row[_INDEX["after_run"]] > 0
    if after and (row[_INDEX["time"]] > 0 or row[_INDEX["ends_colon"]] > 0):
        return "comment"
    if row[_INDEX["image"]] > 0.5:
        return "caption"
    if row[_INDEX["before_run"]] > 0:
        return "navigation"
    if row[_INDEX["link_chars"]] > 0.5 or row[_INDEX["link_numbers"]] > 0:
        return "sidebar"
    return "widget"
