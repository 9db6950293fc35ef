"""T18: after registering or cancelling a legal person of DPR 361/2000 the office tells the Prefettura or Regione
within 15 days (CTS art. 22 c.1-bis; DM 106/2020 art. 25 c.4). The duty is tracked like a term until it is done.

Personas: eve represents the applicant, oscar is the register officer, charlie a citizen.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from pariter.filings import selectors, services, tasks
from pariter.filings.kinds import Action, Kind, State
from pariter.filings.models import Filing
from pariter.registry.models import CancellationCause, EntityStatus
from tests.conftest import signed_in
from tests.filings.conftest import submitted_registration

pytestmark = pytest.mark.django_db


def registered(applicant, eve, oscar, sections, *, prior: bool, on=date(2026, 12, 10)) -> Filing:  # type: ignore[no-untyped-def]
    filing = submitted_registration(applicant, eve, sections, on=date(2026, 11, 2), prior_legal_personality=prior)
    filing = services.filing_act(
        filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=filing.version, today=date(2026, 11, 3)
    )
    return services.filing_act(filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version, today=on)


def test_registering_a_legal_person_of_dpr_361_opens_the_duty_with_its_deadline(applicant, eve, oscar, sections):
    filing = registered(applicant, eve, oscar, sections, prior=True)
    filing.refresh_from_db()
    # Decided on 10 December 2026: 15 days end on 25 December, a holiday, then 26 and Sunday 27 → Monday 28.
    assert filing.state == State.ACCEPTED and filing.authority_notice_due_on == date(2026, 12, 28)
    assert filing.due_on == date(2026, 12, 28) and filing.is_open and filing.authority_notice_pending
    assert filing.entity is not None and filing.entity.has_legal_personality
    event = filing.events.get(code="authority_due")
    assert event.rule == "T18" and event.due_after == date(2026, 12, 28)
    # In the queue, by its deadline, and among the filings at risk of the daily digest.
    assert filing in selectors.queue(selectors.QueueFilters()).items
    assert filing in selectors.filings_at_risk(today=date(2026, 12, 22))
    assert filing not in selectors.filings_at_risk(today=date(2026, 12, 11))


def test_an_ordinary_registration_owes_no_notice(applicant, eve, oscar, sections):
    filing = registered(applicant, eve, oscar, sections, prior=False)
    filing.refresh_from_db()
    assert filing.authority_notice_due_on is None and not filing.is_open and filing.due_on is None


def test_the_officer_records_the_notice_and_a_letter_is_issued(applicant, eve, oscar, sections):
    filing = registered(applicant, eve, oscar, sections, prior=True)
    filing.refresh_from_db()
    client = signed_in(oscar)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert "Record the notice to the Prefettura or Regione" in page
    response = client.post(
        reverse("filings:authority_notice", args=[filing.pk]),
        {"version": filing.version, "note": "Prefettura di Milano, registro delle persone giuridiche n. 123"},
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.authority_notified_on is not None and not filing.is_open and filing.due_on is None
    assert filing.events.filter(code="authority_notified", rule="T18").exists()
    letter = filing.documents.get(action="authority_notice")
    assert letter.protocol and letter.rendered_at is not None and letter.file
    # Posting again: the duty is done, nothing more happens.
    again = client.post(reverse("filings:authority_notice", args=[filing.pk]), {"version": filing.version})
    assert again.status_code == 302
    assert filing.documents.filter(action="authority_notice").count() == 1


def test_a_stale_page_or_a_filing_without_the_duty_is_refused(applicant, eve, oscar, sections):
    filing = registered(applicant, eve, oscar, sections, prior=True)
    filing.refresh_from_db()
    with pytest.raises(services.FilingChanged):
        services.filing_record_authority_notice(filing=filing, actor=oscar, version=filing.version - 1)
    services.filing_record_authority_notice(
        filing=filing, actor=oscar, version=filing.version, today=date(2026, 12, 30)
    )
    filing.refresh_from_db()
    assert "2 days after the 15" in filing.events.get(code="authority_notified").note
    with pytest.raises(ValidationError):
        services.filing_record_authority_notice(filing=filing, actor=oscar, version=filing.version)


def test_cancelling_an_entity_registered_as_a_legal_person_of_dpr_361_owes_the_notice(applicant, eve, oscar, sections):
    registration = registered(applicant, eve, oscar, sections, prior=True, on=date(2026, 11, 10))
    registration.refresh_from_db()
    assert registration.entity is not None
    cancellation = services.filing_open_by_office(
        entity=registration.entity,
        kind=Kind.CANCELLATION,
        actor=oscar,
        summary="Istanza dell'ente",
        cause=CancellationCause.REQUEST,
        today=date(2026, 11, 20),
    )
    services.filing_act(
        filing=cancellation, action=Action.ACCEPT, actor=oscar, version=cancellation.version, today=date(2026, 12, 1)
    )
    cancellation.refresh_from_db()
    assert cancellation.entity is not None and cancellation.entity.status == EntityStatus.CANCELLED
    assert cancellation.authority_notice_due_on == date(2026, 12, 16)


def test_silence_that_registers_also_opens_the_duty(applicant, eve, sections):
    filing = submitted_registration(applicant, eve, sections, on=date(2026, 3, 2), prior_legal_personality=True)
    assert services.filing_expire(filing=filing, today=date(2026, 5, 5)) == "accepted_silence"
    filing.refresh_from_db()
    assert filing.authority_notice_due_on == date(2026, 5, 20) and filing.is_open
    # The next daily run leaves the decided filing alone, however late its notice.
    assert services.filing_expire(filing=filing, today=date(2026, 6, 1)) == ""


def test_the_digest_names_the_duty(applicant, eve, oscar, sections, office):
    filing = registered(applicant, eve, oscar, sections, prior=True)
    mail.outbox.clear()
    assert tasks.deadlines_digest.call(today="2026-12-22") == 1
    body = mail.outbox[-1].body
    assert filing.reference in body and "(T18)" in body


def test_outsiders_cannot_record_it(applicant, eve, oscar, sections, as_charlie):
    filing = registered(applicant, eve, oscar, sections, prior=True)
    assert as_charlie.post(reverse("filings:authority_notice", args=[filing.pk]), {"version": 1}).status_code == 403
    assert signed_in(eve).post(reverse("filings:authority_notice", args=[filing.pk]), {"version": 1}).status_code == 403
    filing.refresh_from_db()
    assert filing.authority_notice_pending
