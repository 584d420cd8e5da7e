"""Folds by site: pages of one site never fall on both sides of a split.

Cleaning must carry over to sites nobody tuned it on, so every choice (a feature, a threshold,
a rule kept or dropped) is made on training folds and read on held-out folds, and the unit of
splitting is the site, not the page: two pages of one site share templates, and a page-level
split would let a rule learn a site's chrome on one page and be graded on its sibling.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

#: Second-level labels under which a registrable domain takes three labels (bbc.co.uk).
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "go"})


def site_of(url: str | None, fallback: str = "") -> str:
    """The registrable domain of ``url`` (``news.bbc.co.uk`` -> ``bbc.co.uk``), lower case;
    ``fallback`` when there is no host."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = [label for label in host.lower().split(".") if label]
    if len(labels) < 2:
        return host or fallback
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2 else 2
    return ".".join(labels[-keep:])


def fold_of(site: str, folds: int) -> int:
    """The fold of a site, by a stable hash: the same site is in the same fold on every run."""
    return hashlib.blake2b(site.encode(), digest_size=4).digest()[0] % folds
