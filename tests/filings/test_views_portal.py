"""The entities' portal: start, check, submit, follow and answer; only one's own filings."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.urls import reverse

from pariter.core import services as core_services
from pariter.core.roles import Role
from pariter.filings import services
from pariter.filings.kinds import Action, Kind, State
from pariter.filings.models import Filing
from tests.filings.conftest import make_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def representative(eve, applicant):
    """Eve also represents the applicant association, and acts for it."""
    core_services.membership_add(user=eve, organisation=applicant, role=Role.ENTITY_REPRESENTATIVE)
    return eve


def test_a_double_post_of_the_new_filing_form_creates_one_draft(as_eve, airc_entity):
    token = str(uuid.uuid4())
    data = {
        "token": token,
        "kind": Kind.ANNUAL_ACCOUNTS,
        "financial_year": 2025,
        "accounts_model": "D",
        "income": "1000",
    }
    first = as_eve.post(reverse("filings:portal"), data)
    second = as_eve.post(reverse("filings:portal"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Filing.objects.count() == 1


def test_model_d_is_checked_and_every_problem_shown_at_once(as_eve, eve, airc_entity):
    filing = services.filing_create(
        organisation=airc_entity.organisation,
        kind=Kind.ANNUAL_ACCOUNTS,
        actor=eve,
        financial_year=2025,
        accounts_model="D",
        income=1000,
    )
    as_eve.post(
        reverse("filings:portal_figures", args=[filing.pk]),
        {"opening_balance": "100", "receipts": "1000", "payments": "900", "closing_balance": "250"},
    )
    response = as_eve.post(reverse("filings:portal_submit", args=[filing.pk]))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert len(problems) == 3  # two documents and the figures
    assert any("50.00" in p for p in problems)
    filing.refresh_from_db()
    assert filing.state == State.DRAFT


def test_a_renamed_file_is_refused_with_its_reason_and_nothing_is_stored(as_eve, eve, airc_entity):
    filing = services.filing_create(organisation=airc_entity.organisation, kind=Kind.DEED_UPDATE, actor=eve)
    response = as_eve.post(
        reverse("filings:portal_upload", args=[filing.pk]),
        {"kind": "changed_deed", "file": upload("verbale.pdf", b"\x89PNG\r\n fake")},
    )
    assert response.status_code == 400
    assert "non è un PDF" in response.text or "is not a PDF" in response.text
    assert not filing.documents.exists()
    response = as_eve.post(
        reverse("filings:portal_upload", args=[filing.pk]),
        {"kind": "changed_deed", "file": upload("verbale.pdf", make_pdf(pdfa=False))},
        follow=True,
    )
    assert filing.documents.count() == 1 and "PDF/A" in response.text


def test_submit_twice_is_idempotent(as_eve, eve, airc_entity):
    filing = services.filing_create(
        organisation=airc_entity.organisation, kind=Kind.DEED_UPDATE, actor=eve, changed_on="2026-01-10"
    )
    services.document_add(filing=filing, kind="changed_deed", upload=upload(), actor=eve)
    as_eve.post(reverse("filings:portal_submit", args=[filing.pk]))
    as_eve.post(reverse("filings:portal_submit", args=[filing.pk]))
    filing.refresh_from_db()
    assert filing.state == State.SUBMITTED and filing.events.filter(code="submitted").count() == 1


def test_the_entity_answers_a_request_for_integration(as_eve, representative, applicant, oscar, sections):
    from tests.filings.conftest import submitted_registration

    filing = submitted_registration(applicant, representative, sections, on=date.today())
    services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=filing.version)
    filing.refresh_from_db()
    services.filing_act(
        filing=filing, action=Action.REQUEST_INTEGRATION, actor=oscar, version=filing.version, note="Statuto"
    )
    page = as_eve.get(reverse("filings:portal_filing", args=[filing.pk]))
    assert "Statuto" in page.text and page.context["filing"].reply_by
    as_eve.post(reverse("filings:portal_reply", args=[filing.pk]), {"text": "Ecco lo statuto firmato"})
    filing.refresh_from_db()
    assert filing.state == State.IN_REVIEW and filing.due_on


def test_another_entitys_filing_is_not_found(as_eve, applicant, oscar, sections):
    from tests.conftest import make_user

    stranger = make_user("x@aurora.it", "X", role=Role.ENTITY_REPRESENTATIVE, organisation=applicant)
    filing = services.filing_create(organisation=applicant, kind=Kind.REGISTRATION, actor=stranger)
    document, _w = services.document_add(filing=filing, kind="statute", upload=upload(), actor=stranger)
    assert as_eve.get(reverse("filings:portal_filing", args=[filing.pk])).status_code == 404
    assert as_eve.post(reverse("filings:portal_submit", args=[filing.pk])).status_code == 404
    assert as_eve.post(reverse("filings:portal_withdraw", args=[filing.pk])).status_code == 404
    assert as_eve.get(reverse("filings:document", args=[filing.pk, document.pk])).status_code == 404


def test_citizens_and_officers_have_no_portal(as_charlie, as_oscar):
    assert as_charlie.get(reverse("filings:portal")).status_code == 403
    assert as_oscar.get(reverse("filings:portal")).status_code == 403


def test_the_data_of_a_draft_can_be_completed_and_bad_input_is_refused(as_eve, eve, airc_entity):
    filing = services.filing_create(organisation=airc_entity.organisation, kind=Kind.DEED_UPDATE, actor=eve)
    url = reverse("filings:portal_edit", args=[filing.pk])
    response = as_eve.post(url, {"representative_name": "Eve", "representative_tax_code": "NOTACODE"})
    assert response.status_code == 400
    filing.refresh_from_db()
    assert filing.representative_name == ""
    response = as_eve.post(
        url, {"representative_name": "Eve Rappresentante", "changed_on": "2026-01-10", "pec": "airc@pec.it"}
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert (filing.representative_name, filing.changed_on.isoformat()) == ("Eve Rappresentante", "2026-01-10")


def test_the_list_flags_a_reply_due_within_a_week_and_a_late_deposit(as_eve, eve, oscar, airc_entity):
    from datetime import timedelta

    today = date.today()
    late = services.filing_create(
        organisation=airc_entity.organisation,
        kind=Kind.DEED_UPDATE,
        actor=eve,
        changed_on=today - timedelta(days=45),
        pec="airc@pec.it",
    )
    services.document_add(filing=late, kind="changed_deed", upload=upload(), actor=eve)
    late = services.filing_submit(filing=late, actor=eve, today=today)
    late = services.filing_act(filing=late, action=Action.TAKE_CHARGE, actor=oscar, version=late.version)
    response = as_eve.get(reverse("filings:portal"))
    assert late.days_late() > 0
    assert f"{late.days_late()} giorni di ritardo" in response.text or f"{late.days_late()} days late" in response.text
    assert "bg-warning" not in response.text
    services.filing_act(
        filing=late, action=Action.REQUEST_INTEGRATION, actor=oscar, version=late.version, note="Verbale", days=5
    )
    response = as_eve.get(reverse("filings:portal"))
    assert response.text.count('class="badge bg-warning"') == 1
