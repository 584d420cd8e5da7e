"""Properties of ``clean_text`` on generated input: it never raises, loses nothing, is
deterministic, and leaves clean text as it is.

**Nothing lost**, precisely: every non-whitespace character of the input ends up in a kept
paragraph or in the text of a removal (lifted blocks, the title, dateline, credits, masthead,
are recorded as removals too, so metadata needs no separate count), except for what the
documented normalizations take out. These are, in order:

1. the repair of :func:`cleaners.normalize.normalize_document`: ftfy (mojibake, HTML
   entities, terminal escapes, control characters, NFC) and the dropped invisible characters
   (zero-width, soft hyphen, BOM). The comparison starts from its output;
2. whitespace: runs are folded, lines stripped, so whitespace is not compared at all;
3. markdown markup: the ``#`` runs of an ATX heading line, the ``**``/``__`` around a whole
   line, and the ``[``, ``](target)`` of a link (its text stays).

So with ``expected`` the multiset of non-space characters after (1) and ``found`` that of the
output, the test asserts that ``found - expected`` is empty (nothing invented) and that
``expected - found`` is within the markup of (3), computed here by an independent reading of
the markdown.

Profiles: ``PRESSWASH_HYPOTHESIS=thorough`` searches 30x longer than the default, which keeps
this file to a few seconds for CI.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaners import Article, clean_text
from tests.helpers.invariants import assert_nothing_lost

settings.register_profile(
    "presswash-default",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "presswash-thorough", settings.get_profile("presswash-default"), max_examples=1200
)
PROFILE = settings.get_profile(f"presswash-{os.environ.get('PRESSWASH_HYPOTHESIS', 'default')}")

# ------------------------------------------------------------------------- the loss check

# ------------------------------------------------------------------------- strategies

#: Ordinary words and the words chrome is made of, which prose uses too.
_VOCABULARY = (
    "the council said on tuesday it would review a plan for harbour district after two years "
    "of dispute over zoning residents photo share comments source copyright by image related "
    "read more print email news may march updated published reporting and with from in at "
    "rights reserved subscribe newsletter follow report story article times post daily"
)
WORDS = _VOCABULARY.split()
#: Words a sentence or subheading opens with: none opens a call to action, byline or list lead.
STARTS = ("The", "Officials", "Residents", "A", "Its", "Council", "Several", "Two")

#: News prose speaks of third persons: a line addressing the reader ("your inbox") is how
#: calls to action and newsletter boxes read, so clean text has no "you".
SECOND_PERSON = frozenset(("you", "your", "yours"))
word = st.one_of(
    st.sampled_from(WORDS),
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=1).filter(lambda w: w not in SECOND_PERSON),
)
name = st.sampled_from(("Jane Doe", "Ana Lima", "Li Wei", "Pat Kim", "Sam Park", "Lee Chan"))
url = st.builds("https://{}.example/{}".format, st.sampled_from(("a", "cdn", "news")), word)


@st.composite
def sentence(draw: st.DrawFn, min_words: int = 6) -> str:
    words = draw(st.lists(word, min_size=min_words, max_size=22))
    stop = draw(st.sampled_from(".!?"))
    return f"{draw(st.sampled_from(STARTS))} {' '.join(words)}{stop}"


@st.composite
def prose(draw: st.DrawFn) -> str:
    """A paragraph of whole sentences, at least 20 words: prose wherever it stands."""
    sentences = draw(st.lists(sentence(), min_size=1, max_size=4))
    text = " ".join(sentences)
    while len(text.split()) < 20:
        text += " " + draw(sentence())
    return text


#: Words that date a line: a short line of them ("Last May", "A day ago") is a date line.
_DATING = (
    "jan january feb february mar march apr april may jun june jul july aug august sep sept "
    "september oct october nov november dec december today yesterday ago"
)
DATING = frozenset(_DATING.split())
#: A subheading opens like prose does (one that opens with "Subscribe", "Share this" or "By"
#: reads as a call to action or a byline, which is what those rules are for), and has no
#: dating word.
subheading = st.builds(
    lambda first, rest: " ".join([first, *rest]),
    st.sampled_from(STARTS),
    st.lists(word.filter(lambda w: w not in DATING), min_size=1, max_size=5),
)
short_line = st.builds(" ".join, st.lists(word, min_size=1, max_size=6))
chrome = st.one_of(
    st.builds("© 20{:02d} {} Times. All rights reserved.".format, st.integers(0, 30), name),
    st.builds("By {}".format, name),
    st.builds("By {} and {}".format, name, name),
    st.builds("Photo: {}/Getty Images".format, name),
    st.builds("![{}]({})".format, short_line, url),
    st.builds("- [{}]({})".format, short_line, url),
    st.builds("Home > {} > {}".format, word, word),
    st.builds("Updated March {}, 20{:02d}".format, st.integers(1, 28), st.integers(0, 30)),
    st.builds("## {}".format, subheading),
    st.builds("**{}**".format, subheading),
    st.builds("— {} contributed to this report".format, name),
    st.sampled_from(("Share this article", "Related:", "Leave a Reply", "Advertisement")),
)
marked_up_prose = st.builds(
    "{} [{}]({}) {} ![{}]({}) {}".format,
    sentence(),
    short_line,
    url,
    sentence(),
    word,
    url,
    prose(),
)
hostile_text = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"])),
    st.text(st.characters(categories=["Mn", "Me"])),  # combining marks
    st.text(st.characters(min_codepoint=0x0590, max_codepoint=0x06FF)),  # Hebrew, Arabic
    st.text(st.characters(min_codepoint=0x1D400, max_codepoint=0x1D7FF)),  # styled letters
    st.text(st.sampled_from("()[]!#*_—©|>/:.\"' \n\x00")),
)
line = st.one_of(prose(), sentence(), short_line, subheading, chrome, marked_up_prose, hostile_text)


@st.composite
def document(draw: st.DrawFn, lines: st.SearchStrategy[str] = line) -> str:
    """Document-like text: lines of several shapes, between blank lines or hard-wrapped."""
    parts = draw(st.lists(lines, min_size=1, max_size=12))
    seps = draw(
        st.lists(st.sampled_from(("\n\n", "\n", "\n\n\n", "\r\n\r\n")), min_size=len(parts))
    )
    return "".join(p + s for p, s in zip(parts, seps, strict=False))


@st.composite
def clean_document(draw: st.DrawFn) -> list[str]:
    """Clean text: what a good cleaner outputs, and what it must leave as it is.

    Prose paragraphs (whole sentences, at least 20 words each), with an optional subheading
    (a short line without end punctuation) between two of them. No header before the first
    paragraph, no chrome, no markup, and nothing repeated: a repeated line inside an article
    is chrome (``repeated_block``), so clean text has none.
    """
    parts = draw(
        st.lists(
            st.tuples(st.one_of(st.none(), subheading), prose()),
            min_size=1,
            max_size=8,
            unique_by=(lambda p: str(p[0]).casefold(), lambda p: p[1].casefold()),
        )
    )
    out = [parts[0][1]]
    for heading, paragraph in parts[1:]:
        out.extend([heading, paragraph] if heading else [paragraph])
    return out


# ------------------------------------------------------------------------- properties


P1 = "Officials said the harbour plan would be reviewed next year, after a long public vote."
P2 = "Residents said the council had ignored a report that warned of flooding in the streets."


@PROFILE
@given(st.one_of(hostile_text, document()))
@example(f"{P1}\n\n## Learn C#\n\n{P2}")  # a closing "#" needs a space before it
@example(f"{P1}\n\n### F# and C# ###\n\n{P2}")
@example(f'{P1} [a [b] c](https://x.example/(y)) [d](e "f")\n\n{P2}')
def test_never_raises_and_loses_nothing(text: str) -> None:
    assert_nothing_lost(text, clean_text(text))


@settings(PROFILE, max_examples=max(PROFILE.max_examples // 4, 5))
@given(st.text(min_size=1, max_size=6), st.integers(1_000, 20_000), st.sampled_from(("", " ")))
def test_huge_repeats_on_one_line_lose_nothing(unit: str, times: int, sep: str) -> None:
    text = sep.join([unit] * times)
    assert_nothing_lost(text, clean_text(text))


@settings(PROFILE, max_examples=max(PROFILE.max_examples // 4, 5))
@given(st.one_of(line, st.text(min_size=1, max_size=6)), st.integers(100, 1_000))
def test_many_repeated_lines_lose_nothing(unit: str, times: int) -> None:
    text = "\n".join([unit] * times)
    assert_nothing_lost(text, clean_text(text))


@PROFILE
@given(document())
def test_deterministic(text: str) -> None:
    assert clean_text(text, source="x") == clean_text(text, source="x")


@PROFILE
@given(clean_document())
@example([P1, "Copyright reform", P2])  # a subheading that opens with "Copyright"
@example([P1, "Subscription model", P2])
@example(  # prose about subscribing, in the third person
    [
        P1,
        "Officials urged residents to subscribe to the new flood alerts. The service sends a "
        "text message whenever the river rises above the warning mark.",
        P2,
    ]
)
def test_clean_text_is_kept_whole_and_cleaning_it_again_changes_nothing(
    paragraphs: list[str],
) -> None:
    article = clean_text("\n\n".join(paragraphs))
    assert article.paragraphs == paragraphs
    assert article.removed == []
    again = clean_text(article.text)
    assert (again.paragraphs, again.headings) == (article.paragraphs, article.headings)


def test_loss_check_catches_a_dropped_character() -> None:
    """The check itself can fail: a body missing one letter, or one with an extra letter."""
    text = "Officials said the plan would be reviewed next year, after the vote. [See](https://x.y)"
    good = Article(
        paragraphs=["Officials said the plan would be reviewed next year, after the vote. See"]
    )
    assert_nothing_lost(text, good)
    for wrong in (good.paragraphs[0][:-1], good.paragraphs[0] + "!"):
        try:
            assert_nothing_lost(text, Article(paragraphs=[wrong]))
        except AssertionError:
            continue
        raise AssertionError(f"the loss check accepted {wrong!r}")


# ------------------------------------------------------------------------- found by the properties


@pytest.mark.parametrize(
    "line",
    [
        "© 2024 The Harbour Times",
        "Copyright © Northern Media Group",
        "Copyright: Example Broadcasting",
        "Copyright 2019 Northern Media Group",
        "(c) 2023 Example Broadcasting Corporation",
    ],
)
def test_copyright_lines_still_go(line: str) -> None:
    assert [r.kind for r in clean_text(f"{P1}\n\n{P2}\n\n{line}").removed] == ["legal"]


@pytest.mark.parametrize(
    "line",
    [
        "The Morning Brief newsletter lands in your inbox every weekday",
        "Stories like this, straight to your inbox",
        "Manage your newsletter subscriptions",
    ],
)
def test_newsletter_boxes_addressing_the_reader_still_go(line: str) -> None:
    kinds = [r.kind for r in clean_text(f"{P1}\n\n{line}\n\n{P2}").removed]
    assert kinds == ["widget"]


@pytest.mark.parametrize(
    "line",
    [
        "Copyright law is changing faster than courts can follow",
        "(c) the council may review any zoning decision within two years",
        "Readers who subscribe to the paper's newsletter get the report a day early now",
    ],
)
def test_prose_opening_like_chrome_stays(line: str) -> None:
    assert clean_text(f"{P1}\n\n{line}.\n\n{P2}").paragraphs == [P1, f"{line}.", P2]
