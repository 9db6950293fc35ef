"""Bulk "take charge": each filing tried on its own, a report per item, audited, and twice changes nothing more."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pariter.core.models import AuditEntry
from pariter.filings import services
from pariter.filings.kinds import Kind, State
from pariter.filings.models import EventCode, Filing, FilingEvent
from tests.filings.test_views_queue import make_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(applicant, airc):  # type: ignore[no-untyped-def]
    return {
        "submitted": make_open(applicant, due_in=20, state=State.SUBMITTED),
        "submitted_too": make_open(airc, due_in=5, kind=Kind.DEED_UPDATE, state=State.SUBMITTED),
        "in_review": make_open(airc, due_in=9, kind=Kind.MIGRATION),
        "integration": make_open(airc, due_in=None, kind=Kind.ANNUAL_ACCOUNTS, state=State.INTEGRATION_REQUESTED),
        "accepted": make_open(applicant, due_in=1, kind=Kind.DEVOLUTION, state=State.ACCEPTED),
    }


def by_pk(outcomes):  # type: ignore[no-untyped-def]
    return {o.pk: o for o in outcomes}


def test_it_takes_charge_of_submitted_filings_and_says_why_the_others_were_left(mixed, oscar):
    ids = [f.pk for f in mixed.values()] + [999999]
    outcomes = by_pk(services.filings_take_charge(filing_ids=ids, actor=oscar))
    assert outcomes[mixed["submitted"].pk].result == services.DONE
    assert outcomes[mixed["submitted_too"].pk].result == services.DONE
    assert outcomes[mixed["in_review"].pk].result == services.ALREADY
    assert outcomes[mixed["integration"].pk].result == services.REFUSED
    assert "Integration requested" in outcomes[mixed["integration"].pk].message
    assert outcomes[mixed["accepted"].pk].result == services.REFUSED
    assert outcomes[999999].result == services.REFUSED
    for key in ("submitted", "submitted_too"):
        filing = Filing.objects.get(pk=mixed[key].pk)
        assert (filing.state, filing.assignee) == (State.IN_REVIEW, oscar)
        assert FilingEvent.objects.filter(filing=filing, code=EventCode.TAKEN_IN_CHARGE, actor=oscar).exists()
    assert Filing.objects.get(pk=mixed["integration"].pk).state == State.INTEGRATION_REQUESTED
    entry = AuditEntry.objects.get(action="filings.bulk.take_charge")
    assert sorted(entry.changes["done"]) == sorted([mixed["submitted"].pk, mixed["submitted_too"].pk])
    assert len(entry.changes["refused"]) == 3


def test_twice_changes_nothing_more(mixed, oscar, alice):
    ids = [mixed["submitted"].pk]
    services.filings_take_charge(filing_ids=ids, actor=oscar)
    again = services.filings_take_charge(filing_ids=ids, actor=alice)
    assert [o.result for o in again] == [services.ALREADY]
    filing = Filing.objects.get(pk=ids[0])
    assert filing.assignee == oscar
    assert FilingEvent.objects.filter(filing=filing, code=EventCode.TAKEN_IN_CHARGE).count() == 1


def test_an_assigned_filing_keeps_its_assignee(mixed, oscar, alice):
    Filing.objects.filter(pk=mixed["submitted"].pk).update(assignee=alice)
    services.filings_take_charge(filing_ids=[mixed["submitted"].pk], actor=oscar)
    assert Filing.objects.get(pk=mixed["submitted"].pk).assignee == alice


def test_the_page_reports_each_filing(as_oscar, mixed):
    response = as_oscar.post(
        reverse("filings:bulk_take_charge"),
        {"filings": [mixed["submitted"].pk, mixed["accepted"].pk], "next": "/gestione/pratiche/?kind=registration"},
    )
    assert response.status_code == 200
    assert mixed["submitted"].reference in response.text and mixed["accepted"].reference in response.text
    assert "Accolta" in response.text
    assert 'href="/gestione/pratiche/?kind=registration"' in response.text


def test_nothing_selected_is_refused_with_a_message(as_oscar, mixed):
    response = as_oscar.post(reverse("filings:bulk_take_charge"), {"filings": ["x"]}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("filings:queue")
    assert Filing.objects.filter(state=State.SUBMITTED).count() == 2


def test_outsiders_are_refused(as_eve, as_charlie, client, mixed):
    url = reverse("filings:bulk_take_charge")
    data = {"filings": [mixed["submitted"].pk]}
    assert as_eve.post(url, data).status_code == 403
    assert as_charlie.post(url, data).status_code == 403
    assert client.post(url, data).status_code == 302
    assert Filing.objects.get(pk=mixed["submitted"].pk).state == State.SUBMITTED
