"""Stacked bar charts as plain geometry; a template draws them as inline SVG.

No JavaScript and no chart library: the report must open offline, under a Content Security
Policy that allows no scripts. Each bar segment carries a ``title`` (the browser's tooltip)
with its exact count.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: Tableau 10: distinguishable, and readable for the common colour-vision deficiencies.
PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
#: Colour of what falls outside the named series ("other sites", kinds not in the palette).
OTHER_COLOR = "#7f7f7f"

WIDTH, HEIGHT = 760, 260
_LEFT, _TOP, _BOTTOM, _LEGEND = 48, 12, 40, 190
_MAX_X_LABELS = 10
_MAX_BAR = 36.0


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True, slots=True)
class LegendItem:
    y: float
    color: str
    label: str


@dataclass(frozen=True, slots=True)
class BarChart:
    """A stacked bar chart laid out in a ``width`` x ``height`` box (SVG user units)."""

    title: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_bottom: float
    rects: list[Rect]
    x_labels: list[Label]
    y_ticks: list[Label]
    legend: list[LegendItem]
    legend_x: float


def stacked_bars(
    title: str,
    columns: Sequence[str],
    stacks: Sequence[Mapping[str, int]],
    colors: Mapping[str, str],
    *,
    column_titles: Sequence[str] | None = None,
) -> BarChart:
    """One bar per column, stacked by series in the order of ``colors``.

    ``columns`` label the x axis (thinned out when there are many), ``column_titles``
    (default: ``columns``) go in the tooltips; ``stacks[i]`` maps series to counts for
    column ``i``. Only series that occur get a legend entry.
    """
    column_titles = column_titles or columns
    right = WIDTH - _LEGEND
    bottom = HEIGHT - _BOTTOM
    top_value, step = axis_scale(max((sum(s.values()) for s in stacks), default=0))
    scale = (bottom - _TOP) / top_value
    slot = (right - _LEFT) / max(len(columns), 1)
    bar = min(slot * 0.7, _MAX_BAR)

    rects = []
    for i, stack in enumerate(stacks):
        x = _LEFT + i * slot + (slot - bar) / 2
        y = bottom
        for name in colors:
            n = stack.get(name, 0)
            if n:
                y -= n * scale
                rects.append(
                    Rect(x, y, bar, n * scale, colors[name], f"{column_titles[i]}: {name} {n}")
                )

    every = math.ceil(len(columns) / _MAX_X_LABELS) if columns else 1
    x_labels = [
        Label(_LEFT + i * slot + slot / 2, bottom + 16, text)
        for i, text in enumerate(columns)
        if i % every == 0
    ]
    y_ticks = [
        Label(_LEFT - 6, bottom - v * scale, f"{v:,}") for v in range(0, top_value + 1, step)
    ]
    present = [name for name in colors if any(s.get(name) for s in stacks)]
    legend = [LegendItem(_TOP + 18 * k, colors[name], name) for k, name in enumerate(present)]
    return BarChart(
        title, WIDTH, HEIGHT, _LEFT, right, bottom, rects, x_labels, y_ticks, legend, right + 16
    )


def axis_scale(largest: int) -> tuple[int, int]:
    """The top of a count axis and its tick step: a 1-2-5 step, four or five ticks."""
    if largest <= 0:
        return 1, 1
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return math.ceil(largest / step) * step, step


def series_colors(names: Sequence[str], fixed: Mapping[str, str] | None = None) -> dict[str, str]:
    """A colour per series: ``fixed`` ones first, the rest from :data:`PALETTE` in order."""
    fixed = fixed or {}
    spare = iter(c for c in PALETTE if c not in fixed.values())
    return {name: fixed.get(name) or next(spare, OTHER_COLOR) for name in names}


def keep_top(
    stacks: Sequence[Mapping[str, int]], keep: int, other: str
) -> tuple[list[str], list[dict[str, int]]]:
    """The ``keep`` largest series by total (ties by name), everything else summed as
    ``other``; returns the series names (largest first, ``other`` last) and new stacks."""
    totals: dict[str, int] = {}
    for stack in stacks:
        for name, n in stack.items():
            totals[name] = totals.get(name, 0) + n
    ranked = sorted(totals, key=lambda name: (-totals[name], name))
    kept = ranked[:keep]
    folded = []
    for stack in stacks:
        new = {name: stack[name] for name in kept if name in stack}
        rest = sum(n for name, n in stack.items() if name not in new)
        if rest:
            new[other] = rest
        folded.append(new)
    return kept + ([other] if len(ranked) > keep else []), folded
