"""Near-duplicate articles and passages, site chrome by repetition, signature storage."""

from __future__ import annotations

import multiprocessing
import operator
import os
import random
import re
import shutil
import socket
import subprocess
import time
import unicodedata
import uuid

import numpy as np
import pytest
import xxhash
from datasketch import MinHash
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.index import RedisConfig
from dedup.matching import (
    ARTICLE_POLICY,
    CONTAINED_IN,
    CONTAINS,
    EDITED,
    NEAR_IDENTICAL,
    ArticleIndex,
    ArticlePolicy,
    PassageIndex,
    passage_signatures,
)
from dedup.shingles import shingle_hashes, shingles, words
from dedup.signatures import (
    Signature,
    SignatureSpec,
    SpecMismatch,
    signatures,
    signatures_with_parts,
)
from dedup.site_repetition import RepetitionRow, SiteRepetition, passage_hash, passage_hashes

SEEDS = [1, 2, 3]


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(rng.choices(letters, k=rng.randint(2, 9))) for _ in range(size)]


def _paragraphs(rng: random.Random, count: int, vocabulary: list[str]) -> list[str]:
    """Sentences of invented words (no real text to overfit to), 30-70 words a paragraph."""
    out = []
    for _ in range(count):
        sentence = " ".join(rng.choices(vocabulary, k=rng.randint(30, 70)))
        out.append(sentence.capitalize() + ".")
    return out


def _dump(header: list[str], title: str, body: list[str], footer: list[str]) -> str:
    return "\n\n".join([*header, title, *body, *footer])


def _chrome(rng: random.Random, vocabulary: list[str]) -> tuple[list[str], list[str]]:
    """A site's header (name, menu) and footer lines."""

    def line(n: int) -> str:
        return " ".join(rng.choices(vocabulary, k=n)).title()

    return [line(2), " | ".join(line(1) for _ in range(6))], [line(8), f"© 2024 {line(2)}"]


def _edit(
    paragraphs: list[str], rate: float, rng: random.Random, vocabulary: list[str]
) -> list[str]:
    """Substitute about ``rate`` of the words."""
    return [
        " ".join(rng.choice(vocabulary) if rng.random() < rate else w for w in p.split())
        for p in paragraphs
    ]


def _trim(paragraphs: list[str], fraction: float) -> list[str]:
    all_words = " ".join(paragraphs).split()
    return [" ".join(all_words[: round(len(all_words) * (1 - fraction))])]


@pytest.fixture(params=SEEDS)
def story(request):
    """An original dump, the pieces it is made of, and what variants need."""
    rng = random.Random(request.param)
    vocabulary = _vocabulary(rng)
    header, footer = _chrome(rng, vocabulary)
    title = " ".join(rng.choices(vocabulary, k=8)).title()
    body = _paragraphs(rng, 8, vocabulary)
    return rng, vocabulary, header, footer, title, body


def _link_pair(original: str, copy: str) -> tuple[dict[str, str], ArticleIndex]:
    index = ArticleIndex()
    sig_a, sig_b = signatures([original, copy])
    links = index.link([("a", "site-a", sig_a), ("b", "site-b", sig_b)])
    return links, index


def test_exact_copy_is_near_identical(story):
    _, _, header, footer, title, body = story
    text = _dump(header, title, body, footer)
    index = ArticleIndex()
    (sig,) = signatures([text])
    index.add("a", "site-a", sig)
    (match,) = index.query(signatures([text])[0])
    assert (match.article_id, match.tier, match.score, match.original_id) == (
        "a",
        NEAR_IDENTICAL,
        1.0,
        "a",
    )


def test_copy_under_other_chrome_is_linked(story):
    rng, vocabulary, header, footer, title, body = story
    other_header, other_footer = _chrome(rng, vocabulary)
    links, _ = _link_pair(
        _dump(header, title, body, footer), _dump(other_header, title, body, other_footer)
    )
    assert links == {"b": "a"}


def test_copy_with_new_headline_is_linked(story):
    rng, vocabulary, header, footer, title, body = story
    new_title = " ".join(rng.choices(vocabulary, k=9)).title()
    links, _ = _link_pair(
        _dump(header, title, body, footer), _dump(header, new_title, body, footer)
    )
    assert links == {"b": "a"}


def test_trimmed_copy_is_linked(story):
    rng, vocabulary, header, footer, title, body = story
    original = _dump(header, title, body, footer)
    trimmed = _dump(*_chrome(rng, vocabulary)[:1], title, _trim(body, 0.2), [])
    links, _ = _link_pair(original, trimmed)
    assert links == {"b": "a"}


@pytest.mark.parametrize("rate", [0.03, 0.05])
def test_copy_with_edited_words_is_linked(story, rate):
    rng, vocabulary, header, footer, title, body = story
    edited = _edit(body, rate, rng, vocabulary)
    assert edited != body
    links, _ = _link_pair(_dump(header, title, body, footer), _dump(header, title, edited, footer))
    assert links == {"b": "a"}


def test_trim_is_tiered_edited_not_near_identical(story):
    _, _, header, footer, title, body = story
    index = ArticleIndex()
    index.add("a", "site-a", signatures([_dump(header, title, body, footer)])[0])
    (match,) = index.query(signatures([_dump([], title, _trim(body, 0.4), [])])[0])
    assert match.tier == EDITED
    assert 0.5 <= match.score <= 1.0


def test_unrelated_articles_with_the_same_chrome_are_not_linked(story):
    rng, vocabulary, header, footer, title, body = story
    texts = [_dump(header, title, body, footer)]
    texts += [
        _dump(header, f"Story {i}", _paragraphs(rng, 2, vocabulary), footer) for i in range(20)
    ]
    index = ArticleIndex()
    links = index.link((f"a{i}", "site", sig) for i, sig in enumerate(signatures(texts)))
    assert links == {}


def _link_stories(
    docs: list[tuple[str, list[str]]], policy: ArticlePolicy = ARTICLE_POLICY
) -> tuple[dict[str, str], dict[str, str], ArticleIndex]:
    """Land ``(article_id, paragraphs)`` in one batch as the dedup stage does: article bands,
    then passages, then passage evidence. Returns article links, passage links, the index."""
    articles, passages = ArticleIndex(policy), PassageIndex()
    signed = signatures_with_parts(
        [paragraphs for _, paragraphs in docs], policy.spec, passages.policy.spec,
        lambda text: len(text.split()) >= passages.policy.min_words,
    )  # fmt: skip
    wholes = [whole for whole, _ in signed]
    links = articles.link((aid, None, whole) for (aid, _), whole in zip(docs, wholes, strict=True))
    parts = [
        (aid, [(f"{aid}:{i}", sig) for i, sig in enumerate(sigs) if sig is not None])
        for (aid, _), (_, sigs) in zip(docs, signed, strict=True)
    ]
    passage_links, met = passages.link_and_meet(
        (pid, aid, sig) for aid, sigs in parts for pid, sig in sigs
    )
    batch = [(aid, [(pid, sig.size) for pid, sig in sigs]) for aid, sigs in parts]
    links.update(articles.link_by_passages(batch, passage_links, met))
    return links, passage_links, articles


@pytest.mark.parametrize("share", [0.5, 0.3])
def test_first_part_of_a_story_is_linked_whichever_lands_first(story, share):
    """A brief running the top of a story is ``contained_in`` it; the full story landing
    after its top ``contains`` it. Chrome differs, as on another site."""
    rng, vocabulary, header, footer, title, _ = story
    body = _paragraphs(rng, 12, vocabulary)
    top = body[: round(len(body) * share)]
    other_header, other_footer = _chrome(rng, vocabulary)
    full = [*header, title, *body, *footer]
    brief = [*other_header, title, *top, *other_footer]
    links, _, index = _link_stories([("a", full), ("b", brief)])
    assert links == {"b": "a"}
    assert index.relation("b") == CONTAINED_IN
    links, _, index = _link_stories([("b", brief), ("a", full)])
    assert links == {"a": "b"}
    assert index.relation("a") == CONTAINS


def test_article_quoting_a_few_paragraphs_of_another_keeps_its_identity(story):
    """Two or three quoted paragraphs, lightly edited, inside an article of its own: the
    passages link, the articles do not."""
    rng, vocabulary, header, footer, title, body = story
    quoted = rng.sample(range(len(body)), rng.randint(2, 3))
    own = _paragraphs(rng, 7, vocabulary)
    for n, i in enumerate(sorted(quoted)):
        words = body[i].split()
        words[rng.randrange(len(words))] = rng.choice(vocabulary)
        own.insert(2 + 2 * n, " ".join(words))
    links, passage_links, index = _link_stories(
        [("a", [*header, title, *body, *footer]), ("b", [*header, "Another", *own, *footer])]
    )
    assert links == {}
    assert index.relation("b") is None
    assert sorted(passage_links.values()) == sorted(f"a:{len(header) + 1 + i}" for i in quoted)


def test_reprint_linked_by_passages_takes_its_batch_followers_along(story):
    """A quarter reprint landing first becomes an original; a later copy of it in the same
    batch, and the reprint itself once its passages reach the full story, end on the story."""
    rng, vocabulary, *_ = story
    body = _paragraphs(rng, 16, vocabulary)
    quarter = body[:4]
    links, _, index = _link_stories([("full", body), ("q1", quarter), ("q2", list(quarter))])
    assert links == {"q1": "full", "q2": "full"}
    assert index.original("q2") == "full"


def test_chains_resolve_to_the_first_landed_article(story):
    rng, vocabulary, header, footer, title, body = story
    first = _dump(header, title, body, footer)
    second = _dump(header, title, _edit(body, 0.03, rng, vocabulary), footer)
    third = _dump([], title, _trim(_edit(body, 0.03, rng, vocabulary), 0.2), [])
    sigs = signatures([first, second, third])
    index = ArticleIndex()
    assert index.link([("a", "s1", sigs[0]), ("b", "s2", sigs[1])]) == {"b": "a"}
    assert index.link([("c", "s3", sigs[2]), ("b", "s2", sigs[1])]) == {"c": "a"}
    assert index.original("c") == "a"


def test_restored_link_is_followed():
    """An index rebuilt from stored signatures keeps earlier runs' links."""
    rng = random.Random(7)
    vocabulary = _vocabulary(rng)
    text = " ".join(_paragraphs(rng, 5, vocabulary))
    (sig,) = signatures([text])
    index = ArticleIndex()
    index.add("orig", "s1", sig)
    index.add("copy", "s2", sig, duplicate_of="orig")
    assert index.link([("new", "s3", sig)]) == {"new": "orig"}


def test_empty_text_matches_nothing():
    empty, blank = signatures(["", " ... "])
    assert empty.empty and blank.empty
    index = ArticleIndex()
    assert index.link([("a", None, empty), ("b", None, blank)]) == {}


def test_passage_repeated_in_another_article_is_linked():
    rng = random.Random(11)
    vocabulary = _vocabulary(rng)
    wire = _paragraphs(rng, 1, vocabulary)[0]
    first = [*_paragraphs(rng, 3, vocabulary), wire]
    second = ["Short line.", *_paragraphs(rng, 2, vocabulary), wire.upper().replace(" ", "  ")]
    index = PassageIndex()
    assert index.link(passage_signatures([("a1", first)])) == {}
    assert index.link(passage_signatures([("a2", second)])) == {"a2:3": "a1:3"}


def test_passage_repeats_within_one_article_and_short_passages_are_not_linked():
    rng = random.Random(12)
    vocabulary = _vocabulary(rng)
    paragraph = _paragraphs(rng, 1, vocabulary)[0]
    short = " ".join(paragraph.split()[:20])
    signed = passage_signatures([("a1", [paragraph, paragraph, short]), ("a2", [short])])
    assert [pid for pid, _, _ in signed] == ["a1:0", "a1:1"]
    index = PassageIndex()
    assert index.link(signed) == {}
    assert index.link(passage_signatures([("a3", [paragraph])])) == {"a3:0": "a1:0"}


def test_passage_index_rebuilt_from_stored_signatures_keeps_links():
    rng = random.Random(13)
    paragraph = _paragraphs(rng, 1, _vocabulary(rng))[0]
    ((_, _, sig),) = passage_signatures([("a1", [paragraph])])
    stored = Signature.from_bytes(sig.spec, sig.to_bytes(), sig.size)
    index = PassageIndex()
    index.add("a1:0", "a1", stored)
    index.add("a2:5", "a2", stored, duplicate_of="a1:0")
    assert index.link(passage_signatures([("a3", ["x", paragraph])])) == {"a3:1": "a1:0"}


@pytest.mark.parametrize("min_articles", [2, 3, 5])
def test_site_chrome_flagged_once_seen_in_enough_articles(min_articles):
    rng = random.Random(min_articles)
    vocabulary = _vocabulary(rng)
    chrome = "Sign up for the morning briefing, delivered 7 days a week"
    repetition = SiteRepetition(min_articles=min_articles)
    for i in range(min_articles):
        assert repetition.flag([("site", passage_hashes([chrome]))]) == [[False]]
        day = chrome.replace("7", str(i + 2)).upper()
        repetition.observe(
            [("site", f"a{i}", passage_hashes([*_paragraphs(rng, 3, vocabulary), day, day]))]
        )
    again = "  sign up for the morning BRIEFING, delivered 30 days a week "
    article = [*_paragraphs(rng, 2, vocabulary), again]
    assert repetition.flag(
        [("site", passage_hashes(article)), ("other-site", passage_hashes(article))]
    ) == [[False, False, True], [False, False, False]]


def test_wire_copy_across_sites_is_not_chrome():
    rng = random.Random(5)
    vocabulary = _vocabulary(rng)
    wire = _paragraphs(rng, 1, vocabulary)[0]
    repetition = SiteRepetition()
    repetition.observe(
        (f"site{i}", f"a{i}", passage_hashes([wire, *_paragraphs(rng, 2, vocabulary)]))
        for i in range(10)
    )
    pages = [(f"site{i}", passage_hashes([wire])) for i in range(10)]
    assert repetition.flag(pages) == [[False]] * 10


def test_site_repetition_state_round_trips_as_rows():
    repetition = SiteRepetition()
    for i, body in enumerate(["first story", "second story", "third story"]):
        repetition.observe([("site", f"a{i}", passage_hashes(["Follow us", body]))])
    rows = repetition.changes()
    assert len(rows) == 4 and repetition.changes() == []
    assert RepetitionRow("site", passage_hash("follow US"), 3, "a0") in rows
    resumed = SiteRepetition(rows=rows)
    pages = [("site", passage_hashes(["Follow us", "second story"]))]
    assert resumed.flag(pages) == [[True, False]]
    resumed.observe([("site", f"a{i}", passage_hashes(["second story"])) for i in (3, 4)])
    assert resumed.flag([("site", passage_hashes(["second story"]))]) == [[True]]


def test_a_batch_observed_at_once_counts_as_its_articles_one_by_one():
    rng = random.Random(8)
    vocabulary = _vocabulary(rng)
    shared = _paragraphs(rng, 2, vocabulary)
    articles = [
        (f"site{i % 2}", f"a{i}", passage_hashes([*shared, *_paragraphs(rng, 2, vocabulary)]))
        for i in range(7)
    ]
    one_by_one, at_once = SiteRepetition(), SiteRepetition()
    for article in articles:
        one_by_one.observe([article])
    at_once.observe(articles)
    assert at_once.changes() == one_by_one.changes()
    pages = [(site, digests) for site, _, digests in articles]
    assert at_once.flag(pages) == one_by_one.flag(pages)
    assert at_once.flag(pages)[0] == [True, True, False, False]


def test_blank_paragraphs_are_never_site_chrome():
    repetition = SiteRepetition(min_articles=2)
    repetition.observe(("site", f"a{i}", passage_hashes(["", "  ", "Follow us"])) for i in range(3))
    assert passage_hashes([" \n"]) == [None]
    assert repetition.flag([("site", passage_hashes(["", "Follow us"]))]) == [[False, True]]


@given(st.text(st.characters(codec="utf-8"), max_size=40))
def test_passage_hash_is_the_stored_definition(text):
    """The key is stored between runs: NFKC, case-folded, digit runs as 0, whitespace folded."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    key = re.sub(r"\s+", " ", re.sub(r"\d+", "0", folded)).strip()
    assert passage_hash(text) == xxhash.xxh3_64_intdigest(key.encode())


def test_detection_words_ignore_case_width_and_punctuation_but_keep_digits():
    assert words("“Kabul” — 13 U.S. troops") == words("KABUL 13 u s troops")
    assert words("𝗞𝗮𝗯𝘂𝗹 １３") == words("kabul 13")
    assert words("13 troops") != words("31 troops")
    assert shingles(words("a b c d"), 3) == [b"a b c", b"b c d"]
    assert shingles(words("a b"), 3) == [b"a b"]


def _reference_words(text: str) -> list[bytes]:
    """The detection words by their definition: one regular expression over the whole key."""
    key = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[^\w\s]+", " ", key).encode().split()


_SCRIPTS = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("“”’—–…«»¿¡。、・"),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(_SCRIPTS)
def test_detection_words_equal_their_definition(text):
    assert words(text) == _reference_words(text)


def test_detection_words_of_text_in_many_scripts_equal_their_definition():
    # More than a few dozen distinct non-ASCII characters take the other code path.
    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 80)) + "，「引用」—“quote” ok"
    assert words(text) == _reference_words(text)


def test_bulk_signatures_equal_a_per_shingle_update_loop():
    """The spec by its parts: xxh32 of each detection word, shingle hashes combined from them,
    fed one by one to datasketch's ``MinHash.update``. Bulk signing (whole arrays handed to
    datasketch, long texts folded in chunks) must give the same values."""
    long_text = " ".join(f"w{i % 70_001}" for i in range(70_003))
    texts = ["“Kabul” — 13 U.S. troops left, officials said.", "two words", "", long_text]
    for text, sig in zip(texts, signatures(texts), strict=True):
        word_hashes = np.array([xxhash.xxh32_intdigest(w) for w in words(text)], np.uint32)
        plain = MinHash(num_perm=128, seed=1, hashfunc=operator.index, scheme="affine32")
        for value in shingle_hashes(word_hashes, 3).tolist():
            plain.update(value)
        assert np.array_equal(sig.hashvalues, plain.hashvalues)
        exact = len(set(shingles(words(text), 3)))
        # Sizes count distinct 32-bit hashes: among 70,000 shingles about one pair collides.
        assert 0 <= exact - sig.size <= (3 if text is long_text else 0)


def test_shingle_hashes_depend_on_word_order_and_cover_short_texts():
    h = np.array([11, 22, 33, 44], dtype=np.uint32)
    three = shingle_hashes(h, 3)
    assert len(three) == 2 and three[0] != shingle_hashes(h[[2, 1, 0]], 3)[0]
    assert three[1] == shingle_hashes(h[1:], 3)[0]  # a shingle's hash is its words' alone
    assert len(shingle_hashes(h[:2], 3)) == 1  # a short text is one shingle
    assert shingle_hashes(h[:2], 3)[0] != shingle_hashes(h[:1], 3)[0]
    assert len(shingle_hashes(h[:0], 3)) == 0


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=0, max_size=300))
def test_signature_round_trips_through_bytes_and_lists(text):
    (sig,) = signatures([text])
    from_blob = Signature.from_bytes(sig.spec, sig.to_bytes(), sig.size)
    from_list = Signature.from_values(
        SignatureSpec.parse(sig.spec.id), sig.hashvalues.tolist(), sig.size
    )
    assert from_blob == sig and from_list == sig
    assert len(sig.to_bytes()) == 4 * sig.spec.num_perm


def test_rebuilt_signature_queries_like_the_original(story):
    _, _, header, footer, title, body = story
    (sig,) = signatures([_dump(header, title, body, footer)])
    rebuilt = Signature.from_bytes(SignatureSpec.parse(sig.spec.id), sig.to_bytes(), sig.size)
    assert rebuilt.hashvalues.dtype == np.uint32
    index = ArticleIndex()
    index.add("a", None, rebuilt)
    assert [m.article_id for m in index.query(sig)] == ["a"]


def test_signatures_of_another_spec_are_refused():
    text = "one two three four five six seven eight"
    (w3,) = signatures([text])
    (w5,) = signatures([text], SignatureSpec(shingle_size=5))
    assert w3.spec.id == "w3-p128-wxxh32-affine32" and w5.spec.id == "w5-p128-wxxh32-affine32"
    index = ArticleIndex()
    with pytest.raises(SpecMismatch):
        index.add("a", None, w5)
    with pytest.raises(SpecMismatch):
        index.query(w5)
    with pytest.raises(SpecMismatch):
        w3.jaccard(w5)
    with pytest.raises(SpecMismatch):
        Signature.from_bytes(SignatureSpec(num_perm=64), w3.to_bytes(), w3.size)
    with pytest.raises(ValueError):
        SignatureSpec.parse("w3-p128-wxxh64-affine32")


# --- Two processes sharing one index through Redis ---------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_config():
    server = shutil.which("redis-server")
    if server is None:
        message = "redis-server is not on PATH (install the redis-server package to run it)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it: a skip there would hide a broken set-up
        pytest.skip(message)
    process, port = _start_redis(server)
    try:
        yield RedisConfig(port=port, prefix=f"test-{uuid.uuid4().hex[:8]}")
    finally:
        process.terminate()
        process.wait(timeout=10)


def _start_redis(server: str, attempts: int = 5) -> tuple[subprocess.Popen, int]:
    """A redis-server on a free port; retried on a new port when another process took the
    one picked (the port is free when chosen, not necessarily when the server binds it)."""
    for _ in range(attempts):
        port = _free_port()
        process = subprocess.Popen(
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while process.poll() is None and time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return process, port
            except OSError:
                time.sleep(0.05)
        process.kill()
        process.wait()
    raise RuntimeError(f"redis-server did not start in {attempts} attempts")


def _worker(config: RedisConfig, batch: list[tuple[str, str, str]], results) -> None:
    """One worker process: its own index object over the shared Redis storage."""
    index = ArticleIndex(redis_config=config)
    sigs = signatures([text for _, _, text in batch])
    results.put(
        index.link(
            (article_id, site, sig) for (article_id, site, _), sig in zip(batch, sigs, strict=True)
        )
    )


def _run_worker(config: RedisConfig, batch: list[tuple[str, str, str]]) -> dict[str, str]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(target=_worker, args=(config, batch, results))
    process.start()
    links = results.get(timeout=60)
    process.join(timeout=60)
    assert process.exitcode == 0
    return links


def test_two_worker_processes_share_one_index_through_redis(redis_config):
    rng = random.Random(21)
    vocabulary = _vocabulary(rng)
    header, footer = _chrome(rng, vocabulary)
    title, body = "A Headline", _paragraphs(rng, 8, vocabulary)
    original = _dump(header, title, body, footer)
    unrelated = _dump(header, "Other", _paragraphs(rng, 6, vocabulary), footer)
    copy = _dump(
        *_chrome(rng, vocabulary)[:1], title, _edit(_trim(body, 0.2), 0.03, rng, vocabulary), footer
    )
    assert (
        _run_worker(redis_config, [("A1", "site-a", original), ("A2", "site-a", unrelated)]) == {}
    )
    assert _run_worker(redis_config, [("B1", "site-b", copy)]) == {"B1": "A1"}
    # A third process sees B's copy and its root as well.
    assert _run_worker(redis_config, [("C1", "site-c", copy)]) == {"C1": "A1"}


def _racer(config: RedisConfig, name: str, texts: list[str], barrier) -> None:
    """Adds one copy of each story, after waiting at ``barrier`` for the other worker."""
    index = ArticleIndex(redis_config=config)
    for i, sig in enumerate(signatures(texts)):
        barrier.wait(timeout=30)
        index.link([(f"{name}{i}", name, sig)])


def test_two_workers_adding_copies_of_one_story_at_once_agree_on_one_original(redis_config):
    """Two processes add a copy each of the same story at the same instant, story after
    story: every story ends as one cluster with one original, whichever worker won."""
    rng = random.Random(5)
    vocabulary = _vocabulary(rng)
    stories = [_paragraphs(rng, 6, vocabulary) for _ in range(25)]
    copies = {
        name: [
            _dump(_chrome(rng, vocabulary)[0], "Headline", _edit(body, 0.02, rng, vocabulary), [])
            for body in stories
        ]
        for name in ("A", "B")
    }
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_racer, args=(redis_config, name, texts, barrier))
        for name, texts in copies.items()
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    index = ArticleIndex(redis_config=redis_config)
    for i in range(len(stories)):
        a, b = f"A{i}", f"B{i}"
        assert index.original(a) == index.original(b) in {a, b}, i
