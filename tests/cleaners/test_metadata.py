"""Metadata clean-up that carries over: site names out of titles, people only as authors,
sites from the domain, year-less datelines dated from the same document. Each rule is
shown on several publishers' and languages' forms, none of which it names."""

from __future__ import annotations

import datetime as dt

import pytest

from cleaners import clean_html, clean_text
from cleaners.article import Removal
from cleaners.rules.dates import month_day, undated_day
from cleaners.rules.metadata import person_names, site_name, title_without_site


@pytest.mark.parametrize(
    ("title", "site", "url", "expected"),
    [
        ("Best games of the year - IGN", "IGN", "https://www.ign.com/a", "Best games of the year"),
        ("New e-bike rules | MoreBikes", None, "https://morebikes.co.uk/x", "New e-bike rules"),
        ("Tidal barrage approved – The Harbour Gazette", "Harbour Gazette", None,
         "Tidal barrage approved"),
        ("Le Monde : la réforme passe", "Le Monde", "https://www.lemonde.fr/x", "la réforme passe"),
        ("Wahl in Hessen | tagesschau.de", None, "https://www.tagesschau.de/x", "Wahl in Hessen"),
        ("Daily Planet: Council votes on budget", "Daily Planet", None, "Council votes on budget"),
        ("Cuộc họp kết thúc - VnExpress", "VnExpress", "https://vnexpress.net/a",
         "Cuộc họp kết thúc"),
        ("Storm hits coast - Weather - Example Times", "Example Times", None,
         "Storm hits coast - Weather"),
        ("Gym basics - Example Fitness | Open 24/7 in PA", "Example Fitness | Open 24/7 in PA",
         None, "Gym basics"),
    ],
)  # fmt: skip
def test_the_site_name_leaves_the_title(
    title: str, site: str | None, url: str | None, expected: str
) -> None:
    assert title_without_site(title, site, url) == expected


@pytest.mark.parametrize(
    ("title", "site", "url"),
    [
        ("Rust - a language for systems", "Example Times", "https://example.com/a"),
        ("Spiegel", "Spiegel", "https://www.spiegel.de/"),  # only the site's name: kept
        ("Paris: the strike goes on", "Le Monde", "https://www.lemonde.fr/x"),
        ("Q&A | What the vote means", "Example Post", None),
    ],
)
def test_titles_whose_parts_are_not_the_site_stay_whole(
    title: str, site: str, url: str | None
) -> None:
    assert title_without_site(title, site, url) == title


@pytest.mark.parametrize(
    "name",
    ["Cleveland com", "cleveland.com", "AP Auto Writer", "Associated Press Staff",
     "The Russian, Syrian defense ministries", "Sports Desk", "Redaktion Inland",
     "La Rédaction", "Agencia EFE", "REUTERS STAFF", "info@example.com",
     "https://example.com/authors/x", "Posted 3 hours ago", "Acme Media Group",
     "by the editors"],
)  # fmt: skip
def test_organisations_desks_and_junk_are_not_authors(name: str) -> None:
    assert person_names([name], "Cleveland.com", "https://www.cleveland.com/a") == []


@pytest.mark.parametrize(
    "name",
    ["Tom Krisher", "Jane van der Berg", "María José García", "Ludwig van Beethoven",
     "Jean-Luc Picard", "O'Neil Brown", "山田太郎", "Анна Петрова", "Siddharth Kumar Rao"],
)  # fmt: skip
def test_people_stay_authors(name: str) -> None:
    assert person_names([name], "Example Times", "https://example.com/a") == [name]


@pytest.mark.parametrize(
    ("name", "site", "url"),
    [
        ("Jane Doe", "Jane Doe", "https://janedoe.com/post"),  # a person's own site
        ("Gary Stone", "Stone on Tech", "https://garystone.substack.com/p/x"),
        ("LEONARDO GARCIA", "Example Eats", "https://exampleeats.com/x"),
    ],
)
def test_a_person_named_like_their_own_site_stays_an_author(name: str, site: str, url: str) -> None:
    assert person_names([name], site, url) == [name]


@pytest.mark.parametrize(
    ("name", "site", "url"),
    [("Examplenews", "Examplenews", "https://examplenews.org/x"), ("Nj", None, "https://nj.com/a")],
)
def test_the_publisher_as_a_one_word_byline_is_not_an_author(
    name: str, site: str | None, url: str
) -> None:
    assert person_names([name], site, url) == []


def test_the_copyright_holder_is_not_an_author() -> None:
    assert person_names(["Pemberton Holt", "Ann Lee"], None, None, "Pemberton Holt") == ["Ann Lee"]


@pytest.mark.parametrize(
    ("site", "url", "expected"),
    [
        ("nj", "https://www.nj.com/news/x", "nj.com"),
        ("wday_", "https://www.wday.com/x", "wday.com"),
        ("@examplenews", "https://examplenews.org/x", "examplenews.org"),
        (None, "https://www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("", "https://lemonde.fr/x", "lemonde.fr"),
        ("The Guardian", "https://www.theguardian.com/x", "The Guardian"),
        ("Reuters", "https://www.reuters.com/x", "Reuters"),
        ("heise online", "https://www.heise.de/x", "heise online"),
        ("techblog", "https://example.com/x", "Techblog"),
        (None, None, None),
    ],
)
def test_sites_from_the_domain(site: str | None, url: str | None, expected: str | None) -> None:
    assert site_name(site, url) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Tuesday, March 5", (3, 5)), ("5 March, 10:32", (3, 5)),
     ("Updated Aug. 26, 04:11 PM", (8, 26)), ("the 3rd of September", (9, 3)),
     ("10:32 GMT", None)],
)  # fmt: skip
def test_month_and_day_without_a_year(text: str, expected: tuple[int, int] | None) -> None:
    assert month_day(text) == expected


def _dateline(text: str) -> Removal:
    return Removal("dateline", "date_line", text)


@pytest.mark.parametrize(
    ("removed", "paragraphs", "url", "expected"),
    [
        # another full date in the removed lines (a caption) gives the year
        ([_dateline("March 5, 10:32"), Removal("caption", "photo_credit", "Taken Feb. 28, 2019")],
         [], None, dt.date(2019, 3, 5)),
        # a date late in the year with a reference early in the next: the year before
        ([_dateline("December 30"), Removal("legal", "x", "Updated January 2, 2024")], [], None,
         dt.date(2023, 12, 30)),
        # the URL's path
        ([_dateline("5 March")], [], "https://example.com/2022/03/05/story", dt.date(2022, 3, 5)),
        # a full date in the body
        ([_dateline("Friday, June 7")], ["The vote on June 6, 2018 was close."], None,
         dt.date(2018, 6, 7)),
        # only a copyright year
        ([_dateline("June 7"), Removal("legal", "copyright_line", "© 2017 Example Post")], [],
         None, dt.date(2017, 6, 7)),
        # nothing in the document gives a year: no guess
        ([_dateline("June 7")], ["No year anywhere here."], None, None),
    ],
)  # fmt: skip
def test_a_yearless_dateline_takes_the_year_of_the_same_document(
    removed: list[Removal], paragraphs: list[str], url: str | None, expected: dt.date | None
) -> None:
    assert undated_day(removed, paragraphs, url) == expected


DUMP = """Northfield Courier

Cup final ends in a draw - Northfield Courier

Saturday, May 18

By Sports Desk and Priya Natarajan

The cup final ended level after extra time on Saturday, and the replay is set for next week \
at the same ground, the league said.

Both sides had chances late in the second half, but neither keeper was beaten again.

© 2024 Northfield Courier
"""


def test_a_text_dump_gets_title_authors_and_date_cleaned() -> None:
    article = clean_text(DUMP, source="dump.txt")
    assert article.title == "Cup final ends in a draw"
    assert article.site == "Northfield Courier"
    assert article.authors == ["Priya Natarajan"]
    assert article.published == dt.date(2024, 5, 18)


PAGE = """<html><head><title>Bridge reopens after repairs | Harbourtown Post</title>
<meta property="og:site_name" content="harbourtownpost">
<meta name="author" content="Harbourtown Post Staff"></head>
<body><article><h1>Bridge reopens after repairs</h1>
<p>The harbour bridge reopened to traffic on Monday after eight months of repairs, the city's
transport office said in a statement on its website.</p>
<p>Engineers replaced cables and resurfaced the deck, work that cost more than expected and
took longer than the city had planned.</p></article></body></html>"""


def test_an_html_page_gets_title_site_and_authors_cleaned() -> None:
    article = clean_html(PAGE, url="https://www.harbourtownpost.com/2023/06/bridge")
    assert article.title == "Bridge reopens after repairs"
    assert article.site == "harbourtownpost.com"
    assert article.authors == []
