"""Fixtures of the register tests: comuni for the Ministry import, and the real ANPR archive."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from pariter.core.management.commands.load_reference_data import ARCHIVE_FILE, read_archive
from pariter.core.models import Municipality
from pariter.registry.municipality_match import Place
from tests.conftest import make_municipality


@pytest.fixture(scope="session")
def anpr_places() -> list[Place]:
    """The shipped ANPR archive as Places, read from the CSV without a database (for pure matching tests)."""
    rows, _skipped = read_archive(ARCHIVE_FILE)
    return [
        Place(
            pk=pk,
            istat_code=istat,
            cadastral_code=values["cadastral_code"],
            name=values["name"],
            province=values["province_code"],
            valid_to=values["valid_to"],
        )
        for pk, ((istat, _valid_from), values) in enumerate(rows.items(), start=1)
    ]


@pytest.fixture(scope="class")
def anpr_archive(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The full ANPR archive in the database, once per test class, rolled back afterwards.

    The same approach as tests/core/conftest.py's `anpr`: a transaction opened around the class, so the tests (which
    also ask for `db`) run in savepoints and see the rows, and nothing is left behind on either engine.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("load_reference_data", stdout=out)
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield out.getvalue()
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


def ceased_municipality(istat: str, name: str, cadastral: str, *, ceased_on: dt.date, province: str) -> Municipality:
    municipality = make_municipality(istat, name, cadastral, province=province, metro=False)
    municipality.valid_to = ceased_on
    municipality.save(update_fields=["valid_to"])
    return municipality


@pytest.fixture
def comuni(milano: Municipality, sesto: Municipality) -> dict[str, Municipality]:
    """A few comuni with the cases the Ministry's file has: accents, a fusion, a name shared by two provinces."""
    return {
        "milano": milano,
        "sesto": sesto,
        "vermezzo": ceased_municipality("015235", "VERMEZZO", "L768", ceased_on=dt.date(2019, 2, 7), province="MI"),
        "zelo": ceased_municipality("015246", "ZELO SURRIGONE", "M160", ceased_on=dt.date(2019, 2, 7), province="MI"),
        "vermezzo_con_zelo": make_municipality("015251", "VERMEZZO CON ZELO", "M424"),
        "cantu": make_municipality("013041", "CANTÙ", "B639", province="CO", metro=False),
        "castro_bg": make_municipality("016065", "CASTRO", "C337", province="BG", metro=False),
        "castro_le": make_municipality("075096", "CASTRO", "M261", province="LE", metro=False),
    }
