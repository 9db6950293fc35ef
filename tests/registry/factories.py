"""Register entries for tests, made through the real service."""

from __future__ import annotations

import itertools
from datetime import date

from stdnum import luhn

from pariter.core.models import Municipality
from pariter.registry import services
from pariter.registry.models import Entity, Section

_serial = itertools.count(1)


def new_tax_code() -> str:
    # 7-digit serial, then a valid provincial office code (015, Milano), then the Luhn check digit.
    base = f"{next(_serial) + 9_400_000:07d}015"
    return base + luhn.calc_check_digit(base)


def ensure_reference_data() -> None:
    """Transactional tests (the browser ones) flush the tables that data migrations filled: refill them."""
    if not Section.objects.exists():
        import importlib

        from django.apps import apps

        importlib.import_module("pariter.registry.migrations.0002_reference_data").forwards(apps, None)


def register(
    name: str,
    municipality: Municipality,
    *,
    sections: str = "b",
    registered_on: date = date(2023, 3, 1),
    tax_code: str | None = None,
    **fields: object,
) -> Entity:
    ensure_reference_data()
    return services.entity_register(
        tax_code=tax_code or new_tax_code(),
        name=name,
        municipality=municipality,
        sections=[Section.objects.get(letter=letter) for letter in sections],
        registered_on=registered_on,
        **fields,
    )
