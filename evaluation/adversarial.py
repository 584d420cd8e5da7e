"""Adversarial lines and documents: inputs that regular expressions start on and cannot finish.

Shared by the worst-case benchmark (``bench/regex_worst_case.py``), which times every rule on
them, and by the linear-time tests, which check that cleaning finishes and loses nothing.
"""

from __future__ import annotations

import functools

PROSE = (
    "The city council voted on Tuesday to expand the harbour district, ending a two-year "
    "dispute over zoning that had pitted fishing cooperatives against property developers."
)
PROSE_2 = (
    "Opponents said they would challenge the decision in court, arguing that the council had "
    "ignored an environmental report that warned of flooding in the lower streets."
)


def in_body(line: str) -> str:
    """A document where ``line`` stands between two prose paragraphs, in the body zone."""
    return f"{PROSE}\n\n{line}\n\n{PROSE_2}"


#: Units repeated to fill a line: what rules start matching on and then cannot finish.
UNITS: dict[str, str] = {
    "(": "(",
    "©": "©",
    "![": "![",
    "Photo ": "Photo ",
    "[": "[",
    "http://": "http://",
    "digits": "2024",
    "By ": "By ",
    "— ": "— ",
    "spaces": " ",
    "#": "#",
    "*": "*",
    "[a](": "[a](",
    "![a](": "![a](",
    "[a](b ": '[a](b "',
    "|": "| ",
    ". )": ". )",
    "( ©": "( © ",
    "![ [": "![ [ ",
    "Photo (": "Photo: (",
    "By —": "By — ",
    "http://[": "http://[",
    "© 2024 ": "© 2024 ",
    "may 1 ": "May 1 ",
    "a/b (": "a/b (",
    "in and ": "in and , ",
    "> ": "Home > ",
}


@functools.cache
def adversarial_lines(size: int) -> dict[str, str]:
    """Each unit repeated to ``size`` characters, plus lines whose shape feeds one pattern."""
    lines = {name: (unit * (size // len(unit) + 1))[:size] for name, unit in UNITS.items()}
    half = size // 2
    lines["word spaces"] = "a" + " " * size + "x"
    lines["# heading spaces"] = "# a" + " " * size + "x"
    lines["# heading #s"] = "# a" + "#" * size + "x"
    lines["**bold"] = "**a" + "**" * half + "x"
    lines["copyright spaces"] = "Copyright" + " " * size + "x" * 100
    lines["by spaces"] = "By" + " " * size + "Jane Doe"
    lines["contributed"] = "— " + "Jane " * (size // 5) + "contributed"
    lines["words"] = ("council voted " * (size // 14 + 1))[:size]
    return lines


def wrapped_lines(count: int) -> str:
    """One paragraph hard-wrapped over ``count`` lines: each starts in lower case and none
    ends a sentence, so every line continues the one above."""
    return "\n".join(f"word{i} and more words of the wrapped line" for i in range(count))
