"""Migration between sections and cancellation: the history stays right, with no gap and no overlap."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from pariter.registry import selectors, services
from pariter.registry.models import EntitySection, EntityStatus, Section
from tests.registry.factories import register

pytestmark = pytest.mark.django_db


def test_a_migration_ends_the_old_section_the_day_the_new_one_starts(milano):
    entity = register("Associazione Migrante", milano, sections="a", registered_on=date(2023, 1, 10))
    services.entity_migrate(entity=entity, to_section=Section.objects.get(letter="b"), effective_on=date(2026, 4, 1))
    periods = [(p.section.letter, p.valid_from, p.valid_to) for p in EntitySection.objects.filter(entity=entity)]
    assert periods == [("a", date(2023, 1, 10), date(2026, 4, 1)), ("b", date(2026, 4, 1), None)]
    assert [s["letter"] for s in selectors.entry_as_of(entity, date(2026, 3, 31))["sections"]] == ["a"]
    assert [s["letter"] for s in selectors.entry_as_of(entity, date(2026, 4, 1))["sections"]] == ["b"]


def test_a_rete_associativa_keeps_its_combinable_section(milano):
    entity = register("Rete Migrante", milano, sections="ea", registered_on=date(2023, 1, 10))
    services.entity_migrate(entity=entity, to_section=Section.objects.get(letter="b"), effective_on=date(2026, 4, 1))
    current = EntitySection.objects.filter(entity=entity, valid_to__isnull=True).values_list(
        "section__letter", flat=True
    )
    assert sorted(current) == ["b", "e"]


def test_a_migration_to_a_section_already_held_is_refused(milano):
    entity = register("Associazione Ferma", milano, sections="a")
    with pytest.raises(ValidationError):
        services.entity_migrate(
            entity=entity, to_section=Section.objects.get(letter="a"), effective_on=date(2026, 4, 1)
        )


def test_cancellation_closes_the_sections_and_keeps_the_history(milano):
    entity = register("Associazione Cessata", milano, sections="b", registered_on=date(2023, 1, 10))
    services.entity_cancel(entity=entity, cause="e", effective_on=date(2026, 5, 4))
    entity.refresh_from_db()
    assert (entity.status, entity.cancellation_cause, entity.cancelled_on) == (
        EntityStatus.CANCELLED,
        "e",
        date(2026, 5, 4),
    )
    assert not EntitySection.objects.filter(entity=entity, valid_to__isnull=True).exists()
    assert selectors.entry_as_of(entity, date(2026, 5, 3))["status"] == "registered"
    with pytest.raises(ValidationError):
        services.entity_cancel(entity=entity, cause="e", effective_on=date(2026, 5, 5))
