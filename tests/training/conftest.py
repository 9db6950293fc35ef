"""Training personas, besides the shared ones: tina, the office's training officer; vera, a civil-service volunteer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from pariter.core.models import Organisation, User
from pariter.core.roles import Role
from tests.conftest import make_user, signed_in


@pytest.fixture
def tina(office: Organisation) -> User:
    return make_user(
        "tina@cittametropolitana.mi.it", "Tina Formazione", role=Role.TRAINING_OFFICER, organisation=office
    )


@pytest.fixture
def vera(office: Organisation) -> User:
    return make_user(
        "vera@cittametropolitana.mi.it", "Vera Volontaria", role=Role.CIVIL_SERVICE_VOLUNTEER, organisation=office
    )


@pytest.fixture
def as_tina(tina: User) -> Client:
    return signed_in(tina)


@pytest.fixture
def as_vera(vera: User) -> Client:
    return signed_in(vera)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def _on_commit_now(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Tests run inside one transaction that never commits: run on-commit work (e-mails, tasks) at once."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Service tests match the English msgids; pages keep following the visitor's language."""
    from django.utils import translation

    with translation.override("en"):
        yield
