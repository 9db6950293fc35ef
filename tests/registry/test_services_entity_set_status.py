"""entity_set_status: a pending procedure on the entry, kept in its history; a cancelled entry stays cancelled."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from pariter.registry import services
from pariter.registry.models import CancellationCause, EntityStatus, EntityVersion
from pariter.registry.selectors import entry_as_of
from tests.registry.factories import register

pytestmark = pytest.mark.django_db


def test_it_changes_the_status_from_a_day_and_keeps_the_history(milano):
    entity = register("Alfa ODV", milano, sections="a")
    services.entity_set_status(entity=entity, status=EntityStatus.WARNED, effective_on=date(2026, 2, 1), reason="x")
    entity.refresh_from_db()
    assert entity.status == EntityStatus.WARNED
    assert entry_as_of(entity, date(2026, 1, 31))["status"] == EntityStatus.REGISTERED  # type: ignore[index]
    assert entry_as_of(entity, date(2026, 2, 1))["status"] == EntityStatus.WARNED  # type: ignore[index]
    latest = EntityVersion.objects.filter(entity=entity).order_by("-valid_from").first()
    assert latest is not None and latest.changed_fields == ["status"] and latest.reason == "x"


def test_the_same_status_again_changes_nothing(milano):
    entity = register("Alfa ODV", milano, sections="a")
    before = EntityVersion.objects.filter(entity=entity).count()
    services.entity_set_status(entity=entity, status=EntityStatus.REGISTERED, effective_on=date(2026, 2, 1))
    assert EntityVersion.objects.filter(entity=entity).count() == before


def test_a_cancelled_entry_is_refused(milano):
    entity = register("Alfa ODV", milano, sections="a")
    services.entity_cancel(entity=entity, cause=CancellationCause.REQUEST, effective_on=date(2026, 2, 1))
    with pytest.raises(ValidationError):
        services.entity_set_status(entity=entity, status=EntityStatus.REGISTERED, effective_on=date(2026, 3, 1))
    entity.refresh_from_db()
    assert entity.status == EntityStatus.CANCELLED


def test_cancelling_is_not_done_here(milano):
    entity = register("Alfa ODV", milano, sections="a")
    with pytest.raises(ValueError):
        services.entity_set_status(entity=entity, status=EntityStatus.CANCELLED, effective_on=date(2026, 3, 1))


def test_a_status_cannot_take_effect_before_the_last_change(milano):
    entity = register("Alfa ODV", milano, sections="a", registered_on=date(2026, 3, 1))
    with pytest.raises(ValidationError):
        services.entity_set_status(entity=entity, status=EntityStatus.MIGRATING, effective_on=date(2026, 2, 1))
    entity.refresh_from_db()
    assert entity.status == EntityStatus.REGISTERED
