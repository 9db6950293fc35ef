"""Procedures the office starts, the missing accounts with a one-click warning, and the dashboard with its export."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pariter.filings.kinds import Kind, State
from pariter.filings.models import Filing
from tests.filings.conftest import submitted_registration
from tests.registry.factories import register

pytestmark = pytest.mark.django_db


def test_an_officer_starts_a_cancellation_with_its_cause(as_oscar, airc_entity):
    response = as_oscar.post(
        reverse("filings:start"),
        {
            "repertory_number": airc_entity.repertory_number,
            "kind": "cancellation",
            "cause": "d",
            "summary": "Requisiti",
        },
    )
    filing = Filing.objects.get()
    assert response.url == reverse("filings:detail", args=[filing.pk])
    assert (filing.kind, filing.state, filing.cancellation_cause) == (Kind.CANCELLATION, State.AWAITING_ENTITY, "d")


def test_starting_a_procedure_refuses_bad_input_with_reasons(as_oscar, airc_entity):
    response = as_oscar.post(reverse("filings:start"), {"repertory_number": 999999, "kind": "warning", "summary": "x"})
    assert response.status_code == 400 and "repertorio" in response.text
    response = as_oscar.post(
        reverse("filings:start"),
        {"repertory_number": airc_entity.repertory_number, "kind": "cancellation", "summary": "x"},
    )
    assert response.status_code == 400 and "23" in response.text
    assert not Filing.objects.exists()


def test_missing_accounts_lead_to_a_one_click_warning(as_oscar, airc_entity, milano):
    other = register("Associazione In Regola APS", milano, registered_on=date(2020, 1, 1))
    response = as_oscar.get(reverse("filings:missing_accounts"))
    names = [e.name for e in response.context["page"].items]
    assert airc_entity.name in names and other.name in names
    as_oscar.post(reverse("filings:warn", args=[airc_entity.pk]))
    warning = Filing.objects.get(kind=Kind.WARNING)
    assert warning.entity == airc_entity and warning.warning_days == 90 and warning.documents.get().rendered_at
    names = [e.name for e in as_oscar.get(reverse("filings:missing_accounts")).context["page"].items]
    assert airc_entity.name not in names
    # Twice: refused with the reason, no second warning.
    as_oscar.post(reverse("filings:warn", args=[airc_entity.pk]))
    assert Filing.objects.filter(kind=Kind.WARNING).count() == 1


def test_the_dashboard_counts_and_exports(
    as_oscar, applicant, eve, sections, airc_entity, django_assert_max_num_queries
):
    submitted_registration(applicant, eve, sections, on=date.today())
    with django_assert_max_num_queries(20):
        response = as_oscar.get(reverse("filings:dashboard"))
    data = response.context["data"]
    assert [f["pending"] for f in data.flows] == [1]
    assert sum(data.flows[0]["in"]) == 1
    assert ("g", "Altri enti del Terzo settore", 1) in [tuple(r) for r in data.by_section]
    export = as_oscar.get(reverse("filings:dashboard_xlsx"))
    book = load_workbook(io.BytesIO(export.content))
    assert len(book.sheetnames) == 5


def test_outsiders_are_refused(as_eve, as_charlie, airc_entity):
    for name in ("filings:start", "filings:missing_accounts", "filings:dashboard", "filings:dashboard_xlsx"):
        assert as_eve.get(reverse(name)).status_code == 403
        assert as_charlie.get(reverse(name)).status_code == 403
    assert as_eve.post(reverse("filings:warn", args=[airc_entity.pk])).status_code == 403
