"""The ``kind`` vocabulary of blocks and removals (the README's table in "How cleaning works").

A :class:`Kind` is a ``str``: ``Kind.LEGAL == "legal"``, and it lands in the warehouse as the
plain string.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    """What a block of a page is."""

    CAPTION = "caption"
    SIDEBAR = "sidebar"
    LEGAL = "legal"
    WIDGET = "widget"
    NAVIGATION = "navigation"
    #: Reader comments under an article.
    COMMENT = "comment"
    TITLE = "title"
    DUPLICATE_TITLE = "duplicate_title"
    MASTHEAD = "masthead"
    DATELINE = "dateline"
    CREDIT = "credit"
    BODY = "body"
    HEADING = "heading"


#: Removed outright.
REMOVED = (Kind.CAPTION, Kind.SIDEBAR, Kind.LEGAL, Kind.WIDGET, Kind.NAVIGATION, Kind.COMMENT)
#: Lifted into metadata (and also recorded as removals, so the audit trail is whole).
LIFTED = (Kind.TITLE, Kind.DUPLICATE_TITLE, Kind.MASTHEAD, Kind.DATELINE, Kind.CREDIT)
#: Kept in the body.
KEPT = (Kind.BODY, Kind.HEADING)
