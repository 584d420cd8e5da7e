"""Rows as a table for people: a ``rich`` table on a terminal, aligned plain text elsewhere.

Plain text keeps one row per line (line breaks in values shown as ``↵``) so the output
stays greppable; the terminal table cuts long values to fit the screen instead.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Sequence
from typing import Any, TextIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

_GAP = "  "


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], stream: TextIO) -> None:
    """Print ``rows`` under ``columns`` to ``stream``; numeric columns align right."""
    cells = [[cell(value) for value in row] for row in rows]
    numeric = [_is_numeric([row[i] for row in rows]) for i in range(len(columns))]
    if stream.isatty():
        _print_rich(columns, cells, numeric, stream)
    else:
        _print_plain(columns, cells, numeric, stream)


def cell(value: Any) -> str:
    """One value as text, the way DuckDB shows it (``NULL``, ``[a, b]``, ``{k: v}``)."""
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return value.replace("\r\n", "↵").replace("\n", "↵")
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cell(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{cell(k)}: {cell(v)}" for k, v in value.items()) + "}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _is_numeric(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(
        isinstance(v, int | float | decimal.Decimal) and not isinstance(v, bool) for v in present
    )


def _print_plain(
    columns: Sequence[str], cells: list[list[str]], numeric: list[bool], stream: TextIO
) -> None:
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        padded = (
            v.rjust(w) if right else v.ljust(w)
            for v, w, right in zip(values, widths, numeric, strict=True)
        )
        return _GAP.join(padded).rstrip()

    print(line(columns), file=stream)
    print(_GAP.join("-" * w for w in widths), file=stream)
    for row in cells:
        print(line(row), file=stream)


def _print_rich(
    columns: Sequence[str], cells: list[list[str]], numeric: list[bool], stream: TextIO
) -> None:
    table = Table(box=box.SIMPLE_HEAD, caption=f"{len(cells)} rows", caption_justify="left")
    for name, right in zip(columns, numeric, strict=True):
        table.add_column(
            Text(name), justify="right" if right else "left", overflow="ellipsis", no_wrap=True
        )
    for row in cells:  # Text, not str: values are data, never rich markup
        table.add_row(*(Text(c) for c in row))
    Console(file=stream, highlight=False).print(table)
