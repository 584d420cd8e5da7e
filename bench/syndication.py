"""A syndication corpus for the dedup benchmarks: scraped dumps of originals, their copies on
other sites, and unrelated articles, all with site chrome around the body.

Bodies are the ``ground_truth.main_content`` of a WCXB-style dataset (``ground-truth/*.json``);
chrome lines are drawn from the same files' ``without`` snippets (text the dataset marks as
not part of the article: menus, calls to action, footers), so every site gets realistic
chrome of its own. A copy always lands on another site, so it carries other chrome on top of
its own change:

* ``chrome``: the same headline and body;
* ``headline``: a rewritten headline;
* ``trim``: the last 20% of the body's words cut, with a "continue reading" line;
* ``edit3`` / ``edit8`` / ``edit15``: 3% / 8% / 15% of body words substituted, deleted or
  inserted;
* ``reorder``: every third pair of paragraphs swapped;
* ``half`` / ``quarter``: only the first half / quarter of the body's words kept (an outlet
  running the top of a wire story); a quarter copy is made only of a body whose first quarter
  still spans :data:`MIN_QUARTER_PARAGRAPHS` paragraphs.

Bodies are split in two halves by site (``evaluation.folds``): parameters are chosen on
``tune`` and reported on ``test``.

Everything is driven by one seeded RNG, so a corpus is reproducible from its seed.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dedup.shingles import shingles, words
from evaluation.folds import fold_of, site_of

VARIANTS = ("chrome", "headline", "trim", "edit3", "edit8", "edit15", "reorder", "half", "quarter")
TRIM_FRACTION = 0.2
EDIT_RATES = {"edit3": 0.03, "edit8": 0.08, "edit15": 0.15}
KEPT_FRACTIONS = {"half": 0.5, "quarter": 0.25}
MIN_QUARTER_PARAGRAPHS = 3
HALVES = ("tune", "test")
MAX_CHROME_WORDS = 12


@dataclass(frozen=True, slots=True)
class Body:
    """One article body from the dataset."""

    source: str
    title: str
    paragraphs: list[str]
    url: str = ""

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


@dataclass(frozen=True, slots=True)
class Doc:
    """One scraped dump. ``origin`` names the original it derives from (itself for an
    original or an unrelated article); ``variant`` is ``original``, ``unrelated`` or one of
    :data:`VARIANTS`."""

    doc_id: str
    site: str
    text: str
    origin: str
    variant: str


@dataclass(frozen=True, slots=True)
class Site:
    name: str
    header: list[str]
    footer: list[str]


def load_bodies(
    dataset_dir: Path, min_words: int = 80, half: str | None = None
) -> tuple[list[Body], int, list[str]]:
    """Bodies with at least ``min_words`` words (of the sites in ``half``, one of
    :data:`HALVES`, or of all sites), how many were skipped as shorter, and the chrome
    snippets (``without`` lines of at most :data:`MAX_CHROME_WORDS` words, from every
    file: chrome is not what parameters are tuned on)."""
    bodies: list[Body] = []
    chrome: set[str] = set()
    skipped = 0
    for path in sorted((dataset_dir / "ground-truth").glob("*.json")):
        page = json.loads(path.read_text(encoding="utf-8"))
        truth = page["ground_truth"]
        chrome.update(
            line.strip()
            for line in truth.get("without") or []
            if 0 < len(line.split()) <= MAX_CHROME_WORDS
        )
        paragraphs = [p.strip() for p in (truth.get("main_content") or "").split("\n") if p.strip()]
        url = page.get("url") or ""
        body = Body(path.stem, (truth.get("title") or "").strip(), paragraphs, url)
        if half is not None and HALVES[fold_of(site_of(url, path.stem), 2)] != half:
            continue
        if body.word_count < min_words:
            skipped += 1
        else:
            bodies.append(body)
    return bodies, skipped, sorted(chrome)


def drop_duplicate_bodies(bodies: list[Body], containment: float = 0.5) -> list[Body]:
    """The bodies without those that mostly repeat an earlier one (a dataset can hold one page
    under two URLs), so that the only duplicates in a corpus are the generated copies.

    Exact: 5-word shingle sets and an inverted index, counting shared shingles per pair.
    """
    postings: dict[bytes, list[int]] = defaultdict(list)
    sizes: list[int] = []
    kept = []
    for body in bodies:
        grams = set(shingles(words("\n".join(body.paragraphs)), 5))
        shared = Counter(i for gram in grams for i in postings.get(gram, ()))
        if not any(n >= containment * min(len(grams), sizes[i]) for i, n in shared.items()):
            kept.append(body)
        for gram in grams:
            postings[gram].append(len(sizes))
        sizes.append(len(grams))
    return kept


def make_sites(chrome: list[str], count: int, rng: random.Random) -> list[Site]:
    """``count`` sites, each with its own header (name, menu) and footer lines."""
    sites = []
    for i in range(count):
        name = " ".join(rng.sample(chrome, 2)).title()
        menu = " | ".join(rng.sample(chrome, rng.randint(4, 7)))
        header = [name, menu, *rng.sample(chrome, rng.randint(0, 2))]
        footer = [*rng.sample(chrome, rng.randint(2, 5)), f"© {2015 + i % 10} {name}."]
        sites.append(Site(f"site{i:03d}", header, footer))
    return sites


def render(
    site: Site, title: str, paragraphs: list[str], rng: random.Random, related: list[str]
) -> str:
    """A scraped dump: site header, a date line, headline, body, related headlines, footer."""
    when = dt.datetime(2024, 1, 1) + dt.timedelta(minutes=rng.randrange(60 * 24 * 365))
    lines = [
        *site.header,
        when.strftime("%B %d, %Y %H:%M"),
        title,
        *paragraphs,
        "Related stories",
        *related,
        *site.footer,
    ]
    return "\n\n".join(lines)


def trim(paragraphs: list[str], fraction: float) -> list[str]:
    """Cut the last ``fraction`` of the words, keeping paragraph breaks before the cut."""
    keep = round(sum(len(p.split()) for p in paragraphs) * (1 - fraction))
    out = []
    for paragraph in paragraphs:
        words = paragraph.split()
        if keep <= 0:
            break
        out.append(" ".join(words[:keep]))
        keep -= len(words)
    return out


def reorder(paragraphs: list[str]) -> list[str]:
    """Every third pair of paragraphs swapped: the first and second, the fourth and fifth..."""
    out = list(paragraphs)
    for i in range(0, len(out) - 1, 3):
        out[i], out[i + 1] = out[i + 1], out[i]
    return out


def edit(
    paragraphs: list[str], rate: float, vocabulary: list[str], rng: random.Random
) -> list[str]:
    """Edit about ``rate`` of the words: half substituted, a quarter deleted, a quarter
    followed by an inserted word (words drawn from ``vocabulary``)."""
    out = []
    for paragraph in paragraphs:
        words: list[str] = []
        for word in paragraph.split():
            roll = rng.random()
            if roll >= rate:
                words.append(word)
            elif roll < rate / 2:
                words.append(rng.choice(vocabulary))
            elif roll < rate * 3 / 4:
                continue
            else:
                words += [word, rng.choice(vocabulary)]
        out.append(" ".join(words))
    return out


def rewrite_headline(title: str, vocabulary: list[str], rng: random.Random) -> str:
    """An editor's rewrite: about half the headline's words kept, the rest new."""
    kept = [w for w in title.split() if rng.random() < 0.5]
    new = rng.sample(vocabulary, max(3, len(title.split()) - len(kept)))
    words = kept + new
    rng.shuffle(words)
    return " ".join(words).capitalize()


def corpus(
    bodies: list[Body],
    chrome: list[str],
    seed: int = 0,
    copied_share: float = 0.5,
    sites: int = 40,
) -> list[Doc]:
    """Originals (with one copy per variant each) and unrelated articles, in landing order.

    A share ``copied_share`` of the bodies become originals; the rest are unrelated articles
    on the same sites (same chrome), the hard negatives. The landing order is shuffled, so a
    copy may land before its original.
    """
    rng = random.Random(seed)
    site_list = make_sites(chrome, sites, rng)
    vocabulary = sorted({w for body in bodies for p in body.paragraphs for w in p.split()})
    titles = [body.title for body in bodies if body.title]
    order = list(bodies)
    rng.shuffle(order)
    n_copied = round(len(order) * copied_share)
    docs: list[Doc] = []
    for index, body in enumerate(order):
        home = rng.randrange(len(site_list))
        variant = "original" if index < n_copied else "unrelated"
        text = render(site_list[home], body.title, body.paragraphs, rng, rng.sample(titles, 2))
        docs.append(Doc(body.source, site_list[home].name, text, body.source, variant))
        if variant == "unrelated":
            continue
        for name in VARIANTS:
            other = rng.choice([s for i, s in enumerate(site_list) if i != home])
            title, paragraphs = body.title, body.paragraphs
            if name == "headline":
                title = rewrite_headline(title, vocabulary, rng)
            elif name == "trim":
                paragraphs = [*trim(paragraphs, TRIM_FRACTION), "Continue reading the full story"]
            elif name in EDIT_RATES:
                paragraphs = edit(paragraphs, EDIT_RATES[name], vocabulary, rng)
            elif name == "reorder":
                paragraphs = reorder(paragraphs)
            elif name in KEPT_FRACTIONS:
                paragraphs = trim(paragraphs, 1 - KEPT_FRACTIONS[name])
                if name == "quarter" and len(paragraphs) < MIN_QUARTER_PARAGRAPHS:
                    continue
            text = render(other, title, paragraphs, rng, rng.sample(titles, 2))
            docs.append(Doc(f"{body.source}-{name}", other.name, text, body.source, name))
    rng.shuffle(docs)
    return docs


def synthetic_texts(
    bodies: list[Body], count: int, seed: int = 0, words: tuple[int, int] = (300, 700)
) -> Iterator[str]:
    """``count`` unrelated texts of random length in ``words``, drawn from the bodies' word
    frequencies (a unigram model: realistic vocabulary, no real near-duplicates)."""
    rng = random.Random(seed)
    pool = [w for body in bodies for p in body.paragraphs for w in p.split()]
    for _ in range(count):
        yield " ".join(rng.choices(pool, k=rng.randint(*words)))
