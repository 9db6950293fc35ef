from __future__ import annotations

import contextlib

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from pariter.core.validators import validate_tax_code, validate_vat_number


@pytest.mark.parametrize(
    "value", ["80051890152", "08911820960", "RSSMRA85T10A562S", "rssmra85t10a562s", " 800 518 901 52 "]
)
def test_valid_codici_fiscali(value):
    validate_tax_code(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("80051890153", "tax_code_checksum"),
        ("RSSMRA85T10A562X", "tax_code_checksum"),
        ("1234", "tax_code_length"),
        ("8005189015A", "tax_code_format"),
        ("", "tax_code_length"),
    ],
)
def test_invalid_codici_fiscali_say_why(value, code):
    with pytest.raises(ValidationError) as error:
        validate_tax_code(value)
    assert error.value.code == code


@given(st.text(max_size=40))
def test_the_validator_never_crashes(value):
    with contextlib.suppress(ValidationError):
        validate_tax_code(value)


def test_vat_numbers():
    validate_vat_number("08911820960")
    with pytest.raises(ValidationError):
        validate_vat_number("08911820961")
