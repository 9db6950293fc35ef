"""While a migration, a warning or a cancellation is pending the register says so, and "as of" dates keep it."""

from __future__ import annotations

from datetime import date

import pytest

from pariter.filings import services
from pariter.filings.kinds import Action, DocKind, Kind, State
from pariter.registry.models import EntityStatus
from pariter.registry.selectors import entry_as_of
from tests.filings.conftest import upload

pytestmark = pytest.mark.django_db


def status(entity) -> str:  # type: ignore[no-untyped-def]
    entity.refresh_from_db()
    return entity.status


def status_on(entity, day: date) -> str:  # type: ignore[no-untyped-def]
    entry = entry_as_of(entity, day)
    assert entry is not None
    return entry["status"]


def migration(entity, eve, sections, *, on=date(2026, 3, 2)):  # type: ignore[no-untyped-def]
    filing = services.filing_create(
        organisation=entity.organisation, kind=Kind.MIGRATION, actor=eve, section=sections["b"]
    )
    services.document_add(filing=filing, kind=DocKind.STATUTE, upload=upload(), actor=eve)
    return services.filing_submit(filing=filing, actor=eve, today=on)


def act(filing, action, user, today, **kw):  # type: ignore[no-untyped-def]
    filing.refresh_from_db()
    return services.filing_act(filing=filing, action=action, actor=user, version=filing.version, today=today, **kw)


def test_a_submitted_migration_shows_migration_in_progress_until_it_is_accepted(airc_entity, eve, oscar, sections):
    filing = migration(airc_entity, eve, sections)
    assert status(airc_entity) == EntityStatus.MIGRATING
    act(filing, Action.TAKE_CHARGE, oscar, date(2026, 3, 3))
    act(filing, Action.ACCEPT, oscar, date(2026, 4, 1))
    assert status(airc_entity) == EntityStatus.REGISTERED
    assert status_on(airc_entity, date(2026, 3, 1)) == EntityStatus.REGISTERED
    assert status_on(airc_entity, date(2026, 3, 2)) == EntityStatus.MIGRATING
    assert status_on(airc_entity, date(2026, 3, 31)) == EntityStatus.MIGRATING
    on_decision = entry_as_of(airc_entity, date(2026, 4, 1))
    assert on_decision is not None
    # The new section and the end of the migration are one version, from the same day.
    assert on_decision["status"] == EntityStatus.REGISTERED
    assert [s["letter"] for s in on_decision["sections"]] == ["b"]


def test_a_draft_migration_is_nothing_pending_yet(airc_entity, eve, sections):
    services.filing_create(organisation=airc_entity.organisation, kind=Kind.MIGRATION, actor=eve, section=sections["b"])
    assert status(airc_entity) == EntityStatus.REGISTERED


def test_a_refused_migration_gives_back_the_registered_status(airc_entity, eve, oscar, sections):
    filing = migration(airc_entity, eve, sections)
    act(filing, Action.TAKE_CHARGE, oscar, date(2026, 3, 3))
    act(filing, Action.NOTIFY_REFUSAL, oscar, date(2026, 3, 10), note="Statuto non conforme")
    assert status(airc_entity) == EntityStatus.MIGRATING
    services.filing_expire(filing=filing, today=date(2026, 3, 25))
    act(filing, Action.REFUSE, oscar, date(2026, 4, 10), note="Statuto non conforme")
    assert status(airc_entity) == EntityStatus.REGISTERED
    assert status_on(airc_entity, date(2026, 4, 9)) == EntityStatus.MIGRATING
    assert [s["letter"] for s in entry_as_of(airc_entity, date(2026, 4, 10))["sections"]] == ["g"]  # type: ignore[index]


def test_a_withdrawn_migration_gives_back_the_registered_status(airc_entity, eve, sections):
    filing = migration(airc_entity, eve, sections)
    services.filing_withdraw(filing=filing, actor=eve, today=date(2026, 3, 20))
    assert status(airc_entity) == EntityStatus.REGISTERED
    assert status_on(airc_entity, date(2026, 3, 19)) == EntityStatus.MIGRATING
    assert status_on(airc_entity, date(2026, 3, 20)) == EntityStatus.REGISTERED


def test_a_migration_accepted_by_silence_ends_the_migration(airc_entity, eve, sections):
    filing = migration(airc_entity, eve, sections)
    filing.refresh_from_db()
    assert filing.due_on is not None
    day_after = date.fromordinal(filing.due_on.toordinal() + 1)
    assert services.filing_expire(filing=filing, today=day_after) == "accepted_silence"
    assert status(airc_entity) == EntityStatus.REGISTERED
    assert status_on(airc_entity, date.fromordinal(day_after.toordinal() - 1)) == EntityStatus.MIGRATING


def test_a_warning_marks_the_entity_warned_until_it_is_complied_with(airc_entity, oscar):
    filing = services.filing_open_by_office(
        entity=airc_entity, kind=Kind.WARNING, actor=oscar, summary="Bilancio 2025", days=60, today=date(2026, 7, 10)
    )
    assert status(airc_entity) == EntityStatus.WARNED
    filing.refresh_from_db()
    assert filing.state == State.AWAITING_ENTITY
    act(filing, Action.CONCLUDE, oscar, date(2026, 8, 1))
    assert status(airc_entity) == EntityStatus.REGISTERED
    assert status_on(airc_entity, date(2026, 7, 9)) == EntityStatus.REGISTERED
    assert status_on(airc_entity, date(2026, 7, 31)) == EntityStatus.WARNED
    assert status_on(airc_entity, date(2026, 8, 1)) == EntityStatus.REGISTERED


def test_a_cancellation_marks_the_entity_under_cancellation_then_cancelled(airc_entity, oscar):
    filing = services.filing_open_by_office(
        entity=airc_entity, kind=Kind.CANCELLATION, actor=oscar, summary="Istanza", cause="a", today=date(2026, 5, 4)
    )
    assert status(airc_entity) == EntityStatus.CANCELLING
    act(filing, Action.ACCEPT, oscar, date(2026, 6, 1))
    assert status(airc_entity) == EntityStatus.CANCELLED
    assert status_on(airc_entity, date(2026, 5, 31)) == EntityStatus.CANCELLING
    assert status_on(airc_entity, date(2026, 6, 1)) == EntityStatus.CANCELLED


def test_a_cancellation_closed_after_the_observations_gives_back_the_registered_status(airc_entity, eve, oscar):
    filing = services.filing_open_by_office(
        entity=airc_entity, kind=Kind.CANCELLATION, actor=oscar, summary="Requisiti", cause="d", today=date(2026, 5, 4)
    )
    assert status(airc_entity) == EntityStatus.CANCELLING
    services.filing_send_observations(filing=filing, actor=eve, text="Requisiti presenti", today=date(2026, 5, 20))
    act(filing, Action.CONCLUDE, oscar, date(2026, 6, 15))
    assert status(airc_entity) == EntityStatus.REGISTERED
    assert status_on(airc_entity, date(2026, 6, 14)) == EntityStatus.CANCELLING


def test_a_migration_asked_during_a_cancellation_shows_first_and_the_cancellation_comes_back(
    airc_entity, eve, oscar, sections
):
    services.filing_open_by_office(
        entity=airc_entity, kind=Kind.CANCELLATION, actor=oscar, summary="Requisiti", cause="d", today=date(2026, 3, 1)
    )
    # DM 106/2020 art. 24 c.5: within the 30 days the entity may ask to migrate instead.
    filing = migration(airc_entity, eve, sections, on=date(2026, 3, 10))
    assert status(airc_entity) == EntityStatus.MIGRATING
    services.filing_withdraw(filing=filing, actor=eve, today=date(2026, 3, 20))
    assert status(airc_entity) == EntityStatus.CANCELLING
    assert status_on(airc_entity, date(2026, 3, 5)) == EntityStatus.CANCELLING
    assert status_on(airc_entity, date(2026, 3, 15)) == EntityStatus.MIGRATING
    assert status_on(airc_entity, date(2026, 3, 20)) == EntityStatus.CANCELLING


def test_a_failed_decision_leaves_the_status_as_it_was(airc_entity, eve, oscar, sections):
    from django.core.exceptions import ValidationError

    from pariter.registry import services as registry_services

    filing = migration(airc_entity, eve, sections)
    act(filing, Action.TAKE_CHARGE, oscar, date(2026, 3, 3))
    registry_services.entity_migrate(entity=airc_entity, to_section=sections["b"], effective_on=date(2026, 3, 5))
    with pytest.raises(ValidationError):
        act(filing, Action.ACCEPT, oscar, date(2026, 4, 1))
    assert status(airc_entity) == EntityStatus.MIGRATING


def test_a_migrating_entity_still_owes_its_accounts(airc_entity, eve, sections):
    from pariter.filings.selectors import missing_accounts

    migration(airc_entity, eve, sections)
    assert status(airc_entity) == EntityStatus.MIGRATING
    assert [e.pk for e in missing_accounts(year=2025).items] == [airc_entity.pk]
