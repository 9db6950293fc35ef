"""The filing page: timeline, documents, notes, and only the actions the state allows."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from pariter.filings.kinds import State
from pariter.filings.models import EventCode, FilingNote
from tests.filings.conftest import submitted_registration

pytestmark = pytest.mark.django_db


@pytest.fixture
def filing(applicant, eve, sections):
    return submitted_registration(applicant, eve, sections, on=date.today())


def test_it_shows_the_filing_with_only_the_allowed_actions(as_oscar, filing):
    response = as_oscar.get(reverse("filings:detail", args=[filing.pk]))
    assert response.status_code == 200
    assert [a.value for a in response.context["actions"]] == ["take_charge"]
    assert 'value="take_charge"' in response.text and 'value="accept"' not in response.text
    assert len(response.context["events"]) == 2


def test_an_officer_takes_charge_and_requests_integration(as_oscar, oscar, filing):
    url = reverse("filings:act", args=[filing.pk])
    as_oscar.post(url, {"action": "take_charge", "version": filing.version})
    filing.refresh_from_db()
    assert filing.state == State.IN_REVIEW and filing.assignee == oscar
    response = as_oscar.post(
        url, {"action": "request_integration", "version": filing.version, "note": "Verbale mancante", "days": 15}
    )
    assert response.status_code == 302
    filing.refresh_from_db()
    assert filing.state == State.INTEGRATION_REQUESTED
    assert filing.documents.filter(action="request_integration").get().rendered_at


def test_a_second_officer_on_a_stale_page_is_told_plainly(as_oscar, as_alice, filing):
    url = reverse("filings:act", args=[filing.pk])
    stale = filing.version
    as_alice.post(url, {"action": "take_charge", "version": stale})
    response = as_oscar.post(url, {"action": "take_charge", "version": stale}, follow=True)
    text = response.text
    assert "modificata da qualcun altro" in text or "changed by someone else" in text
    assert filing.events.filter(code=EventCode.TAKEN_IN_CHARGE).count() == 1


def test_a_forged_action_not_allowed_in_the_state_changes_nothing(as_oscar, filing):
    response = as_oscar.post(
        reverse("filings:act", args=[filing.pk]), {"action": "accept", "version": filing.version}, follow=True
    )
    filing.refresh_from_db()
    assert filing.state == State.SUBMITTED
    assert response.status_code == 200 and len(list(response.context["messages"])) == 1


def test_notes_are_for_the_office_only(as_oscar, as_eve, oscar, filing):
    as_oscar.post(reverse("filings:note", args=[filing.pk]), {"text": "Chiamare il presidente"})
    assert FilingNote.objects.get().author == oscar
    assert "Chiamare il presidente" not in as_eve.get(reverse("filings:portal_filing", args=[filing.pk])).text


def test_outsiders_are_refused(as_charlie, as_eve, filing):
    assert as_charlie.get(reverse("filings:detail", args=[filing.pk])).status_code == 403
    assert as_eve.get(reverse("filings:detail", args=[filing.pk])).status_code == 403
    assert as_charlie.post(reverse("filings:act", args=[filing.pk]), {"action": "take_charge"}).status_code == 403


def test_a_late_deposit_of_changes_is_flagged(as_oscar, airc_entity, eve):
    from pariter.filings import services
    from tests.filings.conftest import upload

    filing = services.filing_create(
        organisation=airc_entity.organisation, kind="deed_update", actor=eve, changed_on=date(2026, 1, 10)
    )
    services.document_add(filing=filing, kind="changed_deed", upload=upload(), actor=eve)
    filing = services.filing_submit(filing=filing, actor=eve, today=date(2026, 2, 12))
    assert filing.days_late() == 3  # due 9 February
    response = as_oscar.get(reverse("filings:detail", args=[filing.pk]))
    assert "3" in response.text and "48 c.3" in response.text
