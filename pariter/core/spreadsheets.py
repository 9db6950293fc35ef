"""Helpers shared by every CSV and XLSX export of Pariter.

Spreadsheet programs read a cell that starts with `=`, `+`, `-` or `@` as a formula, so a name typed by anyone
(an entity, a participant) could run `=HYPERLINK(...)` or `=WEBSERVICE(...)` on the computer of whoever opens the
file (CSV/formula injection). Every text cell of an export goes through `safe_cell`, which turns such a value
into plain text with a leading apostrophe, the convention spreadsheet users know. JSON exports keep raw values.
"""

from __future__ import annotations

from typing import Any

# What makes a cell a formula, and what may hide it from a naive check: some programs trim leading
# whitespace (tab, CR, LF, space) before deciding, so "\t=1+1" counts as well.
FORMULA_TRIGGERS = frozenset("=+-@")
LEADING_BLANKS = " \t\r\n"
# The first characters that call for a closer look: text starting with anything else is safe as it is.
SUSPECT_STARTS = FORMULA_TRIGGERS | frozenset(LEADING_BLANKS)


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet could take `text` for a formula."""
    stripped = text.lstrip(LEADING_BLANKS)
    # A lone sign ("-", the Ministry's section of reti associative) is not a formula: nothing follows it.
    return len(stripped) > 1 and stripped[0] in FORMULA_TRIGGERS


def safe_cell[T](value: T) -> T | str:
    """`value` unchanged, unless it is text that a spreadsheet would run: then `'` + text.

    Only strings are touched; numbers, dates, booleans and None pass through, so typed cells stay typed.
    """
    if isinstance(value, str) and value and value[0] in SUSPECT_STARTS and is_formula_like(value):
        return "'" + value
    return value


def safe_text(text: str) -> str:
    """`safe_cell` for a value known to be text: the hot path of exports with millions of cells."""
    if text and text[0] in SUSPECT_STARTS and is_formula_like(text):
        return "'" + text
    return text


def safe_row(values: Any) -> list[Any]:
    """`safe_cell` over a row."""
    return [safe_cell(v) for v in values]
