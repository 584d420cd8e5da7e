"""Rules that recognize boilerplate, one module per kind, all in one registry (``.registry``).

Importing this package registers every rule. Block rules are tried in registration order,
so the import order below is their priority: captions, legal lines, related-list leads,
credits, date lines, widgets.
"""

from . import captions, legal, sidebars, credits, dates, widgets  # noqa: I001 (priority order)
from . import footer, header, html_elements, site

__all__ = [
    "captions",
    "credits",
    "dates",
    "footer",
    "header",
    "html_elements",
    "legal",
    "sidebars",
    "site",
    "widgets",
]
