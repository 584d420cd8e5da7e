"""Folds split by site, never by page."""

from __future__ import annotations

import pytest

from evaluation.folds import fold_of, site_of


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.example.com/a/b", "example.com"),
        ("https://news.bbc.co.uk/2/hi", "bbc.co.uk"),
        ("http://blog.example.org:8080/x", "example.org"),
        ("https://sub.domain.example.de/", "example.de"),
        ("https://localhost/x", "localhost"),
        (None, "fallback"),
    ],
)
def test_pages_are_grouped_by_registrable_domain(url: str | None, site: str) -> None:
    assert site_of(url, fallback="fallback") == site


def test_every_page_of_a_site_falls_in_one_fold() -> None:
    urls = [f"https://{host}.example.com/{i}" for host in ("www", "news", "m") for i in range(20)]
    assert len({fold_of(site_of(url), 5) for url in urls}) == 1


def test_sites_spread_over_all_folds() -> None:
    folds = {fold_of(f"site{i}.com", 5) for i in range(200)}
    assert folds == set(range(5))
