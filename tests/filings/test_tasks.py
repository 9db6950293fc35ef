"""The scheduled jobs: silence at term, expired entity terms, reminders and the digest, each safe to run twice."""

from __future__ import annotations

from datetime import date
from unittest import mock

import pytest
from django.core import mail

from pariter.filings import services, tasks
from pariter.filings.kinds import Action, Kind, State
from pariter.filings.models import EventCode, Reminder
from pariter.registry.models import Entity, RegistrationRoute
from tests.filings.conftest import submitted_registration

pytestmark = pytest.mark.django_db


def test_silence_registers_the_entity_when_the_term_runs_out(applicant, eve, sections):
    filing = submitted_registration(applicant, eve, sections)  # due 2 May 2026
    assert tasks.expire_terms.call(today="2026-05-02") == {}
    assert tasks.expire_terms.call(today="2026-05-03") == {"accepted_silence": 1}
    filing.refresh_from_db()
    assert filing.state == State.ACCEPTED_BY_SILENCE and filing.decided_on == date(2026, 5, 3)
    entity = Entity.objects.get(organisation=applicant)
    assert entity.registration_route == RegistrationRoute.SILENCE and entity.repertory_number
    assert filing.events.filter(code=EventCode.ACCEPTED_BY_SILENCE, rule="T4").count() == 1
    # Twice: nothing more happens.
    assert tasks.expire_terms.call(today="2026-05-04") == {}
    assert Entity.objects.filter(organisation=applicant).count() == 1


def test_silence_denies_after_a_notarys_refusal(applicant, eve, sections):
    filing = submitted_registration(applicant, eve, sections, kind=Kind.AFTER_NOTARY_REFUSAL)
    assert tasks.expire_terms.call(today="2026-05-04") == {"refused_silence": 1}
    filing.refresh_from_db()
    assert filing.state == State.REFUSED_BY_SILENCE
    assert not Entity.objects.filter(organisation=applicant).exists()


def test_a_term_without_a_silence_rule_is_recorded_as_missed_once(applicant, eve, sections):
    filing = submitted_registration(applicant, eve, sections, kind=Kind.NOTARIAL_REGISTRATION)
    assert tasks.expire_terms.call(today="2026-06-01") == {"term_missed": 1}
    with mock.patch.object(services, "filing_expire", wraps=services.filing_expire) as expire:
        assert tasks.expire_terms.call(today="2026-06-02") == {}
    assert expire.call_count == 0  # the next runs leave it alone, without even locking it
    filing.refresh_from_db()
    assert filing.state == State.SUBMITTED and filing.is_overdue(date(2026, 6, 2))


def test_an_unanswered_integration_restarts_the_term_from_its_end(applicant, eve, oscar, sections):
    filing = submitted_registration(applicant, eve, sections)
    services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=filing.version)
    filing.refresh_from_db()
    services.filing_act(
        filing=filing,
        action=Action.REQUEST_INTEGRATION,
        actor=oscar,
        version=filing.version,
        note="Manca il verbale",
        days=10,
        today=date(2026, 3, 10),
    )
    assert tasks.expire_terms.call(today="2026-03-20") == {}  # reply by 20 March: still in time
    assert tasks.expire_terms.call(today="2026-03-21") == {"integration_expired": 1}
    assert tasks.expire_terms.call(today="2026-03-21") == {}
    filing.refresh_from_db()
    assert (filing.state, filing.due_on) == (State.IN_REVIEW, date(2026, 5, 19))  # 20 March + 60


def test_reminders_of_annual_accounts_go_once_in_june(airc_entity):
    assert tasks.remind_annual_accounts.call(today="2026-05-31") == 0
    assert tasks.remind_annual_accounts.call(today="2026-06-01") == 1
    assert tasks.remind_annual_accounts.call(today="2026-06-02") == 0
    assert mail.outbox[0].to == ["airc@pec.it"] and "2025" in mail.outbox[0].subject
    assert Reminder.objects.filter(code="accounts-2025").count() == 1


def test_the_digest_lists_deadlines_at_risk_once_a_day(applicant, eve, oscar, sections):
    filing = submitted_registration(applicant, eve, sections)
    mail.outbox.clear()
    assert tasks.deadlines_digest.call(today="2026-04-20") == 0  # due 2 May: not yet at risk
    assert tasks.deadlines_digest.call(today="2026-04-27") == 1
    assert tasks.deadlines_digest.call(today="2026-04-27") == 0
    assert mail.outbox[0].to == [oscar.email] and filing.reference in mail.outbox[0].body


def test_reviews_fall_due_three_years_after_registration_and_open_once(airc_entity, milano, sections):
    from tests.registry.factories import register

    social_enterprise = register("Cooperativa Sociale Demo", milano, sections="d", registered_on=date(2020, 1, 1))
    assert tasks.open_due_reviews.call(today="2026-02-28") == 0  # registered 1 March 2023
    assert tasks.open_due_reviews.call(today="2026-03-01") == 1
    assert tasks.open_due_reviews.call(today="2026-03-02") == 0
    review = airc_entity.filings.get(kind=Kind.REVIEW)
    assert review.state == State.IN_REVIEW and review.documents.get().rendered_at
    assert not social_enterprise.filings.exists()
