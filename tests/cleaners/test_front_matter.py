"""Front matter and reader headers are lifted into metadata, never left in the body."""

from __future__ import annotations

import datetime as dt

import pytest

from cleaners import clean_text
from cleaners.front_matter import lift_header

BODY = (
    "Die Stadtverwaltung hat am Montag neue Regeln für den Verkehr in der Innenstadt "
    "beschlossen, die ab dem kommenden Monat gelten sollen.\n\n"
    "Kritiker bemängeln, dass die Anwohner nicht gefragt worden seien und die Kosten zu "
    "hoch ausfielen."
)


def _lifted(text: str):
    article = clean_text(text, source="dump.md", model=False)
    body_words = article.text.split()
    return article, body_words


@pytest.mark.parametrize(
    "header",
    [
        # YAML scalars
        "---\ntitle: Neue Verkehrsregeln\nauthor: Anna Schmidt\ndate: 2024-03-05\n"
        "sitename: Stadtanzeiger\nurl: https://stadt.example.de/a/1\n---",
        # YAML lists, quoted date, other key names, closed by "..."
        "---\nheadline: 'Neue Verkehrsregeln'\nauthors:\n  - Anna Schmidt\n  - Jonas Weber\n"
        "published: '2024-03-05T08:00:00+01:00'\nsite: Stadtanzeiger\ntags: [verkehr, stadt]\n...",
        # TOML
        '+++\ntitle = "Neue Verkehrsregeln"\nauthors = ["Anna Schmidt"]\n'
        'date = 2024-03-05\npublisher = "Stadtanzeiger"\n+++',
    ],
)
def test_front_matter_fills_metadata_and_leaves_the_body(header: str) -> None:
    article, words = _lifted(f"{header}\n\n{BODY}\n")
    assert article.title == "Neue Verkehrsregeln"
    assert article.site == "Stadtanzeiger"
    assert article.published == dt.date(2024, 3, 5)
    assert article.authors[0] == "Anna Schmidt"
    assert article.paragraphs == BODY.split("\n\n")
    assert not {"title:", "---", "+++", "authors:", "Stadtanzeiger"} & set(words)
    lifted = [r for r in article.removed if r.rule.endswith("front_matter")]
    assert {r.kind for r in lifted} >= {"title", "dateline", "credit"}


@pytest.mark.parametrize(
    "header",
    [
        "Title: Neue Verkehrsregeln\n\nURL Source: https://stadt.example.de/a/1\n\n"
        "Published Time: 2024-03-05T08:00:00Z\n\nMarkdown Content:",
        # other order, no date, an extra field
        "URL Source: https://stadt.example.de/a/1\nDescription: Kurz gesagt\n"
        "Title: Neue Verkehrsregeln\nMarkdown Content:",
    ],
)
def test_reader_header_is_lifted_in_any_order(header: str) -> None:
    article, words = _lifted(f"{header}\n{BODY}\n")
    assert article.title == "Neue Verkehrsregeln"
    assert article.url == "https://stadt.example.de/a/1"
    assert article.paragraphs == BODY.split("\n\n")
    assert "Source:" not in words and "Content:" not in words
    assert all(r.rule == "reader_header" for r in article.removed[:2])


def test_reader_date_is_lifted_when_given() -> None:
    header = lift_header("Title: X\nPublished Time: 2023-11-30T10:00:00Z\nMarkdown Content:\nY")
    assert header.hints.published == dt.date(2023, 11, 30)
    assert header.body == "Y"


def test_a_url_given_by_the_caller_wins_over_the_header() -> None:
    text = f"Title: T\nURL Source: https://a.example/x\nMarkdown Content:\n{BODY}"
    assert clean_text(text, url="https://b.example/y", model=False).url == "https://b.example/y"


@pytest.mark.parametrize(
    "text",
    [
        # a horizontal rule above and below prose
        f"---\n{BODY}\n---\n\nMore text after the rule, which stays where it is.\n",
        # one "Note:" line between two rules is a sentence, not a header
        "---\nNote: the meeting moved to Tuesday.\n---\n\nThe council met anyway.\n",
        # an opening rule that never closes
        f"---\n\n{BODY}\n",
        # "Key: value" lines without the reader's content marker
        "Title: A Talk\nSpeaker: Jane Doe\n\nThe talk was about rivers.\n",
    ],
)
def test_text_that_only_looks_like_a_header_stays(text: str) -> None:
    header = lift_header(text)
    assert header.body == text
    assert header.removed == [] and header.hints.title is None


def test_missing_fields_leave_metadata_empty() -> None:
    header = lift_header("---\nlayout: post\ncategories: [city]\n---\nBody line.\n")
    assert header.body == "Body line.\n"
    assert header.hints.title is None and header.hints.published is None
    assert [r.kind for r in header.removed] == ["masthead", "masthead"]


def test_broken_yaml_is_not_a_header() -> None:
    text = "---\ntitle: [unclosed\nauthor: x\n---\nBody.\n"
    assert lift_header(text).body == text
