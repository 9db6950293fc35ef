"""The backfill gives entries with procedures opened before the status rule the status those procedures imply."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from pariter.core.models import AuditEntry
from pariter.filings import services
from pariter.filings.kinds import DocKind, Kind
from pariter.registry.models import CancellationCause, Entity, EntityStatus
from pariter.registry.selectors import entry_as_of
from tests.filings.conftest import upload
from tests.registry.factories import register

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def before_the_rule(monkeypatch):  # type: ignore[no-untyped-def]
    """What a database from before the rule holds: procedures opened while no status followed them.

    Each test builds its procedures with the rule off, then `rule_in_force()` turns it back on.
    """
    original = services._sync_entity_status
    monkeypatch.setattr(services, "_sync_entity_status", lambda *args, **kwargs: None)
    return lambda: monkeypatch.setattr(services, "_sync_entity_status", original)


def open_migration(entity, eve, sections):  # type: ignore[no-untyped-def]
    filing = services.filing_create(
        organisation=entity.organisation, kind=Kind.MIGRATION, actor=eve, section=sections["b"]
    )
    services.document_add(filing=filing, kind=DocKind.STATUTE, upload=upload(), actor=eve)
    return services.filing_submit(filing=filing, actor=eve)


def run() -> str:
    out = StringIO()
    call_command("filings_sync_status", stdout=out)
    return out.getvalue()


def test_it_sets_migrating_warned_and_cancelling_with_history(
    airc_entity, eve, oscar, sections, milano, before_the_rule
):
    open_migration(airc_entity, eve, sections)
    warned = register("Associazione Diffidata APS", milano, sections="b")
    services.filing_open_by_office(entity=warned, kind=Kind.WARNING, actor=oscar, summary="Bilancio 2025", days=90)
    cancelling = register("Associazione In Cancellazione", milano, sections="g")
    services.filing_open_by_office(
        entity=cancelling,
        kind=Kind.CANCELLATION,
        actor=oscar,
        summary="Requisiti",
        cause=CancellationCause.REQUIREMENTS,
    )
    assert Entity.objects.filter(status=EntityStatus.REGISTERED).count() == 3
    before_the_rule()

    out = run()

    assert "1 set to migrating" in out and "1 set to warned" in out and "1 set to cancelling" in out
    statuses = {e.pk: e.status for e in Entity.objects.filter(pk__in=[airc_entity.pk, warned.pk, cancelling.pk])}
    assert statuses == {
        airc_entity.pk: EntityStatus.MIGRATING,
        warned.pk: EntityStatus.WARNED,
        cancelling.pk: EntityStatus.CANCELLING,
    }
    # In the history, from the day of the backfill, as entity_set_status records it; the audit log has the change.
    today = timezone.localdate()
    assert airc_entity.versions.get(valid_from=today).data["status"] == EntityStatus.MIGRATING
    yesterday = entry_as_of(airc_entity, today - timedelta(days=1))
    assert yesterday is not None and yesterday["status"] == EntityStatus.REGISTERED
    assert AuditEntry.objects.filter(object_id=str(airc_entity.pk), changes__has_key="status").exists()


def test_a_migration_outranks_a_warning_as_the_rule_says(airc_entity, eve, oscar, sections, before_the_rule):
    services.filing_open_by_office(entity=airc_entity, kind=Kind.WARNING, actor=oscar, summary="Bilancio", days=90)
    open_migration(airc_entity, eve, sections)
    before_the_rule()
    run()
    airc_entity.refresh_from_db()
    assert airc_entity.status == EntityStatus.MIGRATING


def test_a_second_run_changes_nothing(airc_entity, eve, sections, before_the_rule):
    open_migration(airc_entity, eve, sections)
    before_the_rule()
    run()
    versions = airc_entity.versions.count()
    assert "already" in run()
    assert airc_entity.versions.count() == versions


def test_entries_without_open_procedures_and_cancelled_ones_are_left_alone(airc_entity, milano, before_the_rule):
    before_the_rule()
    cancelled = register("Associazione Cancellata", milano, sections="g")
    Entity.objects.filter(pk=cancelled.pk).update(status=EntityStatus.CANCELLED)
    assert "already" in run()
    airc_entity.refresh_from_db()
    assert airc_entity.status == EntityStatus.REGISTERED


def test_the_daily_job_runs_it(airc_entity, eve, sections, before_the_rule):
    open_migration(airc_entity, eve, sections)
    before_the_rule()
    out = StringIO()
    call_command("filings_daily", "--now", stdout=out)
    assert "sync_entity_status" in out.getvalue()
    airc_entity.refresh_from_db()
    assert airc_entity.status == EntityStatus.MIGRATING
