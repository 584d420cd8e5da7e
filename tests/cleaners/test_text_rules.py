"""Text rules on pages not in the seeds: variants that must go, hard negatives that stay."""

from __future__ import annotations

import datetime as dt

import pytest

from cleaners import clean_text
from cleaners.article import Removal
from cleaners.rules.dates import header_date
from tests.helpers.stories import P1, P2, P3

BODY = [P1, P2, P3]


def doc(*parts: str) -> str:
    return "\n\n".join(parts)


def removed_kinds(text: str) -> dict[str, str]:
    return {r.text: r.kind for r in clean_text(text).removed}


# ----------------------------------------------------------------------------- captions


@pytest.mark.parametrize(
    "caption",
    [
        "Workers unload crates at the old pier on Monday. (Reuters Photo/Ana Lima)",
        "A ferry leaves the harbour at dawn, March 3, 2024. (Jane Roe/AFP via Getty Images)",
        "Protesters gather outside city hall. REUTERS/Kevin Smith",
        "Photo: Maria Gonzalez / The Harbour Times",
        "Photograph by Li Wei for the Daily Courier",
        "The mayor speaks to reporters. Getty Images",
        "Demonstrators march through the old town. Getty Images/iStockphoto",
        "Fishing boats in the harbour at dusk | Dreamstime.com",
        "Credit: Shutterstock / Jane Roe",
        "![The old pier at sunset](https://cdn.example.org/img/pier.jpg)",
        "harbour-pier-0423 3f9a2c 1200x800 final",
        "GettyImages-1487766012.jpg",
    ],
)
def test_captions_and_credits_of_other_agencies_are_removed(caption: str) -> None:
    kinds = removed_kinds(doc(P1, caption, P2, P3))
    assert kinds.get(caption) == "caption"
    assert clean_text(doc(P1, caption, P2, P3)).paragraphs == BODY


def test_inline_markdown_image_is_cut_out_of_a_paragraph() -> None:
    article = clean_text(doc(P1, P2 + " ![pier](https://x.example/p.png)", P3))
    assert article.paragraphs == BODY
    assert [r.kind for r in article.removed] == ["caption"]


# ----------------------------------------------------------------------------- legal


@pytest.mark.parametrize(
    "line",
    [
        "© 2024 The Harbour Times. All rights reserved.",
        "Copyright 2019 Northern Media Group",
        "(c) 2023 Example Broadcasting Corporation",
        "All Rights Reserved.",
        "𝘾𝙤𝙥𝙮𝙧𝙞𝙜𝙝𝙩 © 𝟮𝟬𝟮𝟰 𝙀𝙭𝙖𝙢𝙥𝙡𝙚 𝙉𝙚𝙬𝙨",  # sans-serif bold italic
        "𝒞𝑜𝓅𝓎𝓇𝒾𝑔𝒽𝓉 2022 — 𝒜𝓁𝓁 𝓇𝒾𝑔𝒽𝓉𝓈 𝓇𝑒𝓈𝑒𝓇𝓋𝑒𝒹",  # script
        "ＣＯＰＹＲＩＧＨＴ ２０２１ ＥＸＡＭＰＬＥ",  # full width
        "This material may not be published, broadcast, rewritten or redistributed.",
    ],
)
def test_copyright_lines_in_other_styles_are_legal(line: str) -> None:
    assert removed_kinds(doc(*BODY, line)).get(line) == "legal"


def test_copyright_holder_becomes_site_and_styled_text_is_kept_as_written() -> None:
    line = "© 2024 The Harbour Times. All rights reserved."
    article = clean_text(doc("The Harbour Times", "Council expands harbour district", *BODY, line))
    assert article.site == "The Harbour Times"
    styled = "𝗕𝗿𝗲𝗮𝗸𝗶𝗻𝗴"
    kept = clean_text(doc(P1, f"{styled} news came late in the evening, officials said.", P2, P3))
    assert any(styled in p for p in kept.paragraphs)


def test_multiline_dmca_notice_in_footer_is_legal() -> None:
    notice = ["To report a DMCA violation,", "please write to our legal desk via the form"]
    kinds = removed_kinds(doc(*BODY, *notice))
    assert [kinds.get(x) for x in notice] == ["legal", "legal"]


# ----------------------------------------------------------------------------- widgets


@pytest.mark.parametrize(
    "line",
    [
        "Share this article",
        "Sign up for our daily newsletter",
        "Subscribe to The Morning Brief",
        "Leave a Reply",
        "12 Comments",
        "Advertisement",
        "Follow us on Twitter",
        "Tags: harbour, council, zoning",
        "Read the original article",
    ],
)
def test_widgets_are_removed_anywhere(line: str) -> None:
    kinds = removed_kinds(doc(P1, line, P2, P3))
    assert kinds.get(line) == "widget"


# ----------------------------------------------------------------------------- sidebars


def test_related_list_is_sidebar() -> None:
    related = ["Related:", "Ferry fares to rise in spring", "Council elections set for May"]
    article = clean_text(doc(P1, P2, *related, P3))
    assert article.paragraphs == BODY
    assert {r.kind for r in article.removed} == {"sidebar"}


def test_markdown_link_list_is_sidebar() -> None:
    links = [
        "- [Ferry fares to rise in spring](https://example.org/a)",
        "- [Council elections set for May](https://example.org/b)",
        "- [New bridge opens downtown](https://example.org/c)",
    ]
    article = clean_text(doc(*BODY, *links))
    assert article.paragraphs == BODY
    assert [r.kind for r in article.removed] == ["sidebar"] * 3


def test_trailing_headline_list_with_dates_is_sidebar() -> None:
    listing = [
        "Most popular",
        "Ferry fares to rise in spring",
        "March 3, 2024",
        "Council elections set for May",
        "March 2, 2024",
        "New bridge opens downtown",
        "February 28, 2024",
    ]
    article = clean_text("\n".join([doc(*BODY), *listing]))
    assert article.paragraphs == BODY
    assert {r.kind for r in article.removed} == {"sidebar"}


def test_trailing_list_with_truncated_teasers_is_sidebar() -> None:
    listing = [
        "Ferry fares",
        "Commuters will pay more from April as the operator passes on fuel costs to ...",
        "Bridge works",
        "The new span will close two lanes of the ring road for most of the summer...",
        "Election date",
        "Voters go to the polls in May after the council agreed a timetable …",
    ]
    article = clean_text(doc(*BODY, *listing))
    assert article.paragraphs == BODY


# ----------------------------------------------------------------------------- header


@pytest.mark.parametrize("masthead", ["The Northern Herald", "Daily Courier", "Capital Post"])
def test_other_mastheads_become_site(masthead: str) -> None:
    article = clean_text(doc(masthead, "Council expands harbour district", *BODY))
    assert article.site == masthead
    assert article.title == "Council expands harbour district"
    assert article.paragraphs == BODY


def test_masthead_found_through_url_domain() -> None:
    text = doc("Harbour Gazette", "Council expands harbour district", *BODY)
    article = clean_text(text, url="https://www.harbourgazette.example/2024/council")
    assert article.site == "Harbour Gazette"


@pytest.mark.parametrize("kicker", ["Politics", "Local News", "Home > Cities > Harbour"])
def test_section_kickers_and_breadcrumbs_are_navigation(kicker: str) -> None:
    kinds = removed_kinds(doc(kicker, "Council expands harbour district after long dispute", *BODY))
    assert kinds.get(kicker) in ("navigation", "masthead")
    assert kinds.get("Council expands harbour district after long dispute") == "title"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Published: 2024-03-05 14:02", dt.date(2024, 3, 5)),
        ("Updated 7 Mar, 2024", dt.date(2024, 3, 7)),
        ("Tuesday, March 5, 2024 at 4:12 p.m. ET", dt.date(2024, 3, 5)),
        ("05/03/2024 10:30", dt.date(2024, 5, 3)),
        ("3 hours ago", None),
    ],
)
def test_date_lines_are_lifted_and_parsed(line: str, expected: dt.date | None) -> None:
    article = clean_text(doc("Council expands harbour district", line, *BODY))
    assert [r.kind for r in article.removed] == ["title", "dateline"]
    assert article.published == expected


@pytest.mark.parametrize(
    ("paragraphs", "datelines", "expected"),
    [
        # above the first paragraph, after a short standfirst or straight after the title
        (["Short standfirst", P1, P2], [("Updated 7 Mar, 2024", 1)], dt.date(2024, 3, 7)),
        ([P1, P2], [("Published: 2024-03-05 14:02", 0)], dt.date(2024, 3, 5)),
        # the first one that parses wins
        ([P1], [("3 hours ago", 0), ("05/03/2024", 0)], dt.date(2024, 5, 3)),
        # under the first paragraph: a teaser's or a note's date, not the article's
        ([P1, P2, "Other story"], [("Tuesday, March 5, 2024", 3)], None),
        ([P1, P2], [("Last reviewed June 2, 2025", 2)], None),
    ],
)
def test_header_date_is_a_date_line_above_the_first_paragraph(
    paragraphs: list[str], datelines: list[tuple[str, int]], expected: dt.date | None
) -> None:
    removed = [Removal("title", "headline", "Council expands harbour district", 0)]
    removed += [Removal("dateline", "date_line", text, before) for text, before in datelines]
    assert header_date(paragraphs, removed) == expected


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("By Ana Lima, Reuters", ["Ana Lima", "Reuters"]),
        ("Reporting by Li Wei; Editing by Sam Park", ["Li Wei"]),
        ("— Pat Kim and Lee Chan contributed to this report", ["Pat Kim", "Lee Chan"]),
    ],
)
def test_bylines_and_contributor_lines_are_credits(line: str, authors: list[str]) -> None:
    article = clean_text(doc("Council expands harbour district", line, *BODY))
    assert article.authors == authors
    assert article.paragraphs == BODY


def test_repeated_headline_is_duplicate_title() -> None:
    title = "Council expands harbour district"
    article = clean_text(doc(title, P1, title, P2, P3))
    assert [r.kind for r in article.removed] == ["title", "duplicate_title"]
    assert article.paragraphs == BODY


def test_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = (
        "The city council voted on Tuesday to expand the harbour\n"
        "district, ending a two-year dispute over zoning that had\n"
        "pitted fishing cooperatives against property developers."
    )
    assert clean_text(doc(wrapped, P2, P3)).paragraphs == BODY


# ----------------------------------------------------------------------------- hard negatives


@pytest.mark.parametrize(
    "short",
    [
        "“That’s really how the council understands the deal,” he said.",
        "It did not.",
        "“We will appeal,” she said.",
    ],
)
def test_short_paragraph_between_long_ones_stays(short: str) -> None:
    article = clean_text(doc(P1, short, P2, P3))
    assert article.paragraphs == [P1, short, P2, P3]
    assert article.removed == []


@pytest.mark.parametrize(
    "prose",
    [
        "The lawsuit accuses the developer of copyright infringement over architectural "
        "drawings that were published without permission in 2021.",
        "Photos of the flooded streets were shared widely on social media, and several "
        "residents said the images showed the council had been warned.",
        "In comments to local radio, the mayor said the plan would be reviewed next year.",
        "Readers can subscribe to updates from the council, a spokesperson said, adding that "
        "the newsletter would be published weekly.",
        "All rights to the harbour land were reserved for the fishing cooperative until 1998, "
        "when the port authority sold them.",
        "The agency is hiring a UX/UI designer and two AR/VR developers for the harbour app.",
        "Cite the journal issue (volume/issue number) and the page when you quote the report.",
        "Shares of Getty Images rose 5% after its merger with Shutterstock was announced.",
        "The photographer said she had sold the picture of the pier to Alamy.",
        "Analysts valued the combined company, Getty Images and Shutterstock, at $3.7bn.",
    ],
)
def test_prose_mentioning_chrome_words_stays(prose: str) -> None:
    article = clean_text(doc(P1, prose, P2, P3))
    assert prose in article.paragraphs


def test_subheading_between_paragraphs_is_kept_as_heading() -> None:
    article = clean_text(doc(P1, "A long dispute", P2, P3))
    assert article.paragraphs == [P1, "A long dispute", P2, P3]
    assert article.headings == [1]


def test_markdown_heading_is_a_heading_and_links_keep_their_text() -> None:
    text = doc(
        P1, "## What comes next", "See the [council report](https://x.example/r) for details.", P3
    )
    article = clean_text(text)
    assert article.paragraphs == [P1, "What comes next", "See the council report for details.", P3]
    assert article.headings == [1]


def test_mojibake_and_invisible_characters_are_repaired() -> None:
    article = clean_text(
        doc("The councilâ€™s vote\u200b was â€œfinalâ€\u009d, officials said.", P2)
    )
    assert article.paragraphs[0] == "The council’s vote was “final”, officials said."


def test_document_without_header_has_no_title() -> None:
    article = clean_text(doc(*BODY))
    assert article.title is None
    assert article.paragraphs == BODY


@pytest.mark.parametrize("heading", ["By the numbers", "By any measure"])
def test_subheading_starting_with_by_is_not_a_byline(heading: str) -> None:
    article = clean_text(doc(P1, heading, P2, P3))
    assert article.paragraphs == [P1, heading, P2, P3]
    assert article.authors == []


@pytest.mark.parametrize(
    "paragraphs",
    [
        [
            "国务院今天发布了关于加强城市防洪工作的通知，要求各地做好准备工作。",
            "专家表示，这项措施非常重要，各地政府需要制定详细的计划，确保人民的生命财产安全。",
            "据报道，该通知将于下个月正式实施，相关部门将加强监督检查工作。",
        ],
        [
            "東京都は今日、新しい防災計画を発表した。専門家によると、地震への備えが重要だという。",
            "計画は来年から実施される予定であり、各区は避難所の整備を急いでいる。",
            "都の担当者は「住民の安全を第一に考えた」と話した。",
        ],
    ],
)
def test_articles_in_unspaced_scripts_keep_their_body(paragraphs: list[str]) -> None:
    article = clean_text(doc("防災の新計画", *paragraphs, "© 2024 Example"))
    assert article.paragraphs == paragraphs
    assert [r.kind for r in article.removed] == ["title", "legal"]
