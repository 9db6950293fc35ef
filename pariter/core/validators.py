"""Validators for Italian identifiers, wrapping python-stdnum."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
)
from stdnum.exceptions import (
    ValidationError as StdnumError,
)
from stdnum.it import codicefiscale, iva


def normalise_tax_code(value: str) -> str:
    return codicefiscale.compact(value or "")


def validate_tax_code(value: str) -> None:
    """A codice fiscale: 11 digits for bodies, 16 characters for persons."""
    compact = normalise_tax_code(value)
    if len(compact) not in (11, 16):
        raise ValidationError(
            _("A codice fiscale has 11 digits (organisations) or 16 characters (persons)."),
            code="tax_code_length",
        )
    if len(compact) == 11 and not compact.isdigit():
        raise ValidationError(_("An 11-character codice fiscale must contain digits only."), code="tax_code_format")
    try:
        codicefiscale.validate(compact)
    except InvalidChecksum:
        raise ValidationError(
            _("The check character of this codice fiscale is wrong."), code="tax_code_checksum"
        ) from None
    except (InvalidFormat, InvalidComponent, InvalidLength, StdnumError):
        raise ValidationError(_("This is not a valid codice fiscale."), code="tax_code_format") from None


def validate_vat_number(value: str) -> None:
    """A partita IVA: 11 digits with a Luhn-style check digit."""
    try:
        iva.validate(value)
    except InvalidChecksum:
        raise ValidationError(_("The check digit of this partita IVA is wrong."), code="vat_checksum") from None
    except StdnumError:
        raise ValidationError(_("A partita IVA has exactly 11 digits."), code="vat_format") from None
