"""Fixtures of the core tests that are too slow to build for every test."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="class")
def anpr(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """The full ANPR archive, loaded once per test class; yields the command's output.

    Loading ~19,000 rows takes seconds, so it happens once, inside a transaction that is rolled back when the class
    is done (a rollback, not a DELETE, so nothing is left behind on either engine). Tests of the class also ask for
    `db`; each then runs in a savepoint inside this transaction and sees the loaded rows.
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
