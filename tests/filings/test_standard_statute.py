"""T6: a registration whose statute follows a Ministry's standard model is decided within 30 days (CTS art. 47 c.5).

Personas: eve represents the applicant, oscar is the register officer.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pariter.filings import deadlines, services
from pariter.filings.kinds import DocKind, Kind, State
from tests.conftest import signed_in
from tests.filings.conftest import submitted_registration, upload

pytestmark = pytest.mark.django_db


def registration(applicant, eve, sections, *, standard: bool, on=date(2026, 3, 2)):  # type: ignore[no-untyped-def]
    return submitted_registration(applicant, eve, sections, on=on, standard_statute=standard)


def test_the_office_has_30_days_and_the_timeline_says_why(applicant, eve, sections):
    filing = registration(applicant, eve, sections, standard=True)
    assert filing.term_rule == "T6" and filing.due_on == date(2026, 4, 1)
    event = filing.events.get(code="submitted")
    assert event.rule == "T6" and event.rule_source == "CTS art. 47 c.5"
    assert "standard model" in event.note


def test_without_a_standard_statute_the_term_stays_60_days(applicant, eve, sections):
    filing = registration(applicant, eve, sections, standard=False)
    assert filing.term_rule == "T1" and filing.due_on == deadlines.start("T1", date(2026, 3, 2)).due


def test_silence_at_the_end_of_the_30_days_registers_the_entity(applicant, eve, sections):
    filing = registration(applicant, eve, sections, standard=True)
    assert services.filing_expire(filing=filing, today=date(2026, 4, 1)) == ""
    assert services.filing_expire(filing=filing, today=date(2026, 4, 2)) == "accepted_silence"
    filing.refresh_from_db()
    assert filing.state == State.ACCEPTED_BY_SILENCE and filing.entity is not None


def test_only_a_registration_can_claim_the_standard_model_term(airc_entity, eve, sections):
    with pytest.raises(ValidationError) as error:
        services.filing_create(
            organisation=airc_entity.organisation,
            kind=Kind.MIGRATION,
            actor=eve,
            section=sections["b"],
            standard_statute=True,
        )
    assert "only to a registration" in str(error.value)


def test_the_representative_ticks_it_and_the_officer_sees_the_term_and_its_cause(applicant, eve, oscar, sections):
    from pariter.core import services as core_services
    from pariter.core.roles import Role

    core_services.membership_add(user=eve, organisation=applicant, role=Role.ENTITY_REPRESENTATIVE)
    client = signed_in(eve)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    session = client.session
    session["acting_organisation_id"] = applicant.pk
    session.save()
    response = client.post(
        reverse("filings:portal"),
        {
            "token": "0f5b0c8e-1f3a-4c61-9d9e-2a7b5c0d4e11",
            "kind": Kind.REGISTRATION,
            "section": sections["b"].pk,
            "representative_name": "Anna Aurora",
            "standard_statute": "on",
        },
    )
    assert response.status_code == 302
    filing = applicant.filings.get()
    assert filing.standard_statute
    for kind in (DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE):
        services.document_add(filing=filing, kind=kind, upload=upload(), actor=eve)
    services.size_declaration_save(filing=filing, closed_years=0)
    client.post(reverse("filings:portal_submit", args=[filing.pk]))
    filing.refresh_from_db()
    assert filing.term_rule == "T6"
    officer = signed_in(oscar)
    officer.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = officer.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert "(T6)" in page and "T6: CTS art. 47 c.5" in page and "standard model approved by the Ministry" in page
