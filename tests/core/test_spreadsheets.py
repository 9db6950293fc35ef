"""safe_cell: text a spreadsheet would run as a formula comes out as plain text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pariter.core.spreadsheets import is_formula_like, safe_cell, safe_row, safe_text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","clic")', '\'=HYPERLINK("http://evil.example","clic")'),
        ("=1+1", "'=1+1"),
        ("+39 02 1234", "'+39 02 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"),
        ("\r=1+1", "'\r=1+1"),
        (" \t\r\n@x", "' \t\r\n@x"),
    ],
)
def test_formulas_get_a_leading_apostrophe(value, expected):
    assert safe_cell(value) == expected
    assert safe_text(value) == expected
    assert is_formula_like(value)


@pytest.mark.parametrize(
    "value",
    [
        "ASSOCIAZIONE IL PONTE APS",
        "Mario Rossi",
        "a=b",  # a sign later in the text is harmless
        "Via Roma 1 - Milano",
        "07/11/2022",
        "-",  # the Ministry's section label of reti associative: a lone sign is no formula
        "=",
        "",
        "'=already quoted",
        "\t",
    ],
)
def test_plain_text_is_unchanged(value):
    assert safe_cell(value) == value
    assert safe_text(value) == value


@pytest.mark.parametrize("value", [None, 12345, -5, 3.5, Decimal("-1.50"), True, False, date(2022, 11, 7)])
def test_values_that_are_not_text_pass_through(value):
    assert safe_cell(value) is value


def test_safe_row_neutralises_every_cell():
    assert safe_row(["=A1", 7, None, "ok"]) == ["'=A1", 7, None, "ok"]
