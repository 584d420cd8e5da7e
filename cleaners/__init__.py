"""presswash cleaners: pure text and HTML cleaning and dedup (never imports prefect or duckdb)."""

from .article import Article, Block, Hints, Removal
from .html import clean_html
from .text import clean_blocks, clean_text, make_block

__all__ = [
    "Article",
    "Block",
    "Hints",
    "Removal",
    "clean_blocks",
    "clean_html",
    "clean_text",
    "make_block",
]
