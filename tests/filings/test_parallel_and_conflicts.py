"""Filings the law lets run together do; two that conflict are refused with the reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pariter.filings import services
from pariter.filings.kinds import Action, DocKind, Kind, State
from pariter.registry.models import CancellationCause, EntitySection, EntityStatus
from tests.filings.conftest import upload

pytestmark = pytest.mark.django_db


def migration(entity, eve, sections, letter="b"):
    filing = services.filing_create(
        organisation=entity.organisation, kind=Kind.MIGRATION, actor=eve, section=sections[letter]
    )
    services.document_add(filing=filing, kind=DocKind.STATUTE, upload=upload(), actor=eve)
    return services.filing_submit(filing=filing, actor=eve, today=date(2026, 3, 2))


def accounts(entity, eve, *, year=2025, closing="1500.00"):
    filing = services.filing_create(
        organisation=entity.organisation,
        kind=Kind.ANNUAL_ACCOUNTS,
        actor=eve,
        financial_year=year,
        accounts_model="D",
        income=Decimal("40000"),
    )
    services.document_add(filing=filing, kind=DocKind.CASH_STATEMENT, upload=upload(), actor=eve)
    services.document_add(filing=filing, kind=DocKind.APPROVAL_MINUTES, upload=upload(), actor=eve)
    services.cash_statement_save(
        filing=filing,
        opening_balance=Decimal("1000.00"),
        receipts=Decimal("40000.00"),
        payments=Decimal("39500.00"),
        closing_balance=Decimal(closing),
    )
    return filing


def test_two_migrations_at_once_are_refused_with_the_reason(airc_entity, eve, sections):
    first = migration(airc_entity, eve, sections)
    with pytest.raises(ValidationError) as error:
        services.filing_create(
            organisation=airc_entity.organisation, kind=Kind.MIGRATION, actor=eve, section=sections["a"]
        )
    assert first.reference in str(error.value) and "DM 106/2020 art. 22" in str(error.value)


def test_accounts_are_deposited_while_a_migration_is_pending(airc_entity, eve, sections):
    migration(airc_entity, eve, sections)
    filing = accounts(airc_entity, eve)
    filing = services.filing_submit(filing=filing, actor=eve, today=date(2026, 6, 1))
    assert filing.state == State.SUBMITTED


def test_a_cash_statement_that_does_not_add_up_is_refused_with_the_difference(airc_entity, eve):
    filing = accounts(airc_entity, eve, closing="1600.00")
    with pytest.raises(ValidationError) as error:
        services.filing_submit(filing=filing, actor=eve)
    message = " ".join(error.value.messages)
    assert "1500.00" in message and "100.00" in message
    filing.refresh_from_db()
    assert filing.state == State.DRAFT and not filing.protocol


def test_model_d_is_refused_above_300000_euro(airc_entity, eve):
    filing = accounts(airc_entity, eve)
    filing.income = Decimal("300000.01")
    filing.save(update_fields=["income"])
    assert any("300,000" in p for p in services.submission_problems(filing))


def test_every_problem_is_reported_at_once(applicant, eve, sections):
    applicant.pec = ""
    applicant.save(update_fields=["pec"])
    filing = services.filing_create(organisation=applicant, kind=Kind.REGISTRATION, actor=eve)
    problems = services.submission_problems(filing)
    assert len(problems) == 6  # two documents, PEC, legal representative, section, size declaration


def test_a_migration_to_the_section_already_held_is_caught_before_submission(airc_entity, eve, sections):
    filing = services.filing_create(
        organisation=airc_entity.organisation, kind=Kind.MIGRATION, actor=eve, section=sections["g"]
    )
    assert any("already in this section" in p for p in services.submission_problems(filing))


def test_a_migration_moves_the_entity_in_one_step_with_no_gap(airc_entity, eve, oscar, sections):
    filing = migration(airc_entity, eve, sections)
    services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=filing.version)
    filing.refresh_from_db()
    services.filing_act(
        filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version, today=date(2026, 4, 1)
    )
    periods = list(EntitySection.objects.filter(entity=airc_entity).select_related("section").order_by("valid_from"))
    assert [(p.section.letter, p.valid_to) for p in periods] == [("g", date(2026, 4, 1)), ("b", None)]
    assert periods[0].valid_to == periods[1].valid_from
    airc_entity.refresh_from_db()
    assert airc_entity.status == EntityStatus.REGISTERED


def test_a_failed_registry_write_leaves_the_filing_as_it_was(airc_entity, eve, oscar, sections):
    from pariter.registry import services as registry_services

    filing = migration(airc_entity, eve, sections, letter="b")
    services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=filing.version)
    filing.refresh_from_db()
    # Meanwhile the entity got into section b some other way: the register refuses a second entry.
    registry_services.entity_migrate(entity=airc_entity, to_section=sections["b"], effective_on=date(2026, 3, 5))
    with pytest.raises(ValidationError):
        services.filing_act(filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version)
    filing.refresh_from_db()
    assert filing.state == State.IN_REVIEW and not filing.documents.filter(kind=DocKind.OFFICE_ACT).exists()


def test_cancellation_for_lacking_requirements_waits_30_days_for_observations(airc_entity, oscar):
    filing = services.filing_open_by_office(
        entity=airc_entity,
        kind=Kind.CANCELLATION,
        actor=oscar,
        summary="Mancano i requisiti",
        cause=CancellationCause.REQUIREMENTS,
        today=date(2026, 3, 2),
    )
    assert (filing.state, filing.reply_by, filing.due_on) == (State.AWAITING_ENTITY, date(2026, 4, 1), None)
    assert services.filing_expire(filing=filing, today=date(2026, 4, 2)) == "resumed"
    filing.refresh_from_db()
    assert filing.state == State.IN_REVIEW and filing.due_on == date(2026, 6, 1)  # 1 April + 60 = 31 May, a Sunday
    services.filing_act(
        filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version, today=date(2026, 5, 4)
    )
    airc_entity.refresh_from_db()
    assert airc_entity.status == EntityStatus.CANCELLED and airc_entity.cancellation_cause == "d"
    assert not EntitySection.objects.filter(entity=airc_entity, valid_to__isnull=True).exists()


def test_a_warning_gives_at_most_180_days(airc_entity, oscar):
    with pytest.raises(ValidationError):
        services.filing_open_by_office(entity=airc_entity, kind=Kind.WARNING, actor=oscar, summary="Bilancio", days=181)
    filing = services.filing_open_by_office(
        entity=airc_entity,
        kind=Kind.WARNING,
        actor=oscar,
        summary="Bilancio 2024 mancante",
        days=90,
        today=date(2026, 1, 5),
    )
    assert filing.reply_by == date(2026, 4, 7)  # 5 April is Easter, 6 April Easter Monday
    assert filing.documents.get().protocol


def test_no_review_for_a_social_enterprise(airc_entity, oscar, sections):
    from pariter.registry import services as registry_services

    registry_services.entity_migrate(entity=airc_entity, to_section=sections["d"], effective_on=date(2026, 1, 2))
    with pytest.raises(ValidationError, match="21"):
        services.filing_open_by_office(entity=airc_entity, kind=Kind.REVIEW, actor=oscar, summary="Revisione")
