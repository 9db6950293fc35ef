"""The officers' queue: most urgent legal deadline first, flags, filters, bulk assignment, a fixed query count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pariter.filings.kinds import Kind, State
from pariter.filings.models import Filing

pytestmark = pytest.mark.django_db


def make_open(organisation, *, due_in: int | None, kind=Kind.REGISTRATION, state=State.IN_REVIEW, section=None):
    today = timezone.localdate()
    return Filing.objects.create(
        organisation=organisation,
        kind=kind,
        state=state,
        section=section,
        submitted_on=today,
        protocol="CMM/2026/0000001",
        due_on=None if due_in is None else today + timedelta(days=due_in),
    )


@pytest.fixture
def open_filings(applicant, airc, sections):
    return [
        make_open(applicant, due_in=20, section=sections["b"]),
        make_open(airc, due_in=-1, kind=Kind.DEVOLUTION),
        make_open(applicant, due_in=3, kind=Kind.MIGRATION),
        make_open(airc, due_in=None, kind=Kind.ANNUAL_ACCOUNTS),
        make_open(airc, due_in=1, state=State.ACCEPTED),  # closed: not in the queue
    ]


def test_it_lists_open_filings_most_urgent_first_with_flags(as_oscar, open_filings):
    response = as_oscar.get(reverse("filings:queue"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["filing"].pk for r in rows] == [open_filings[i].pk for i in (1, 2, 0, 3)]
    assert [(r["overdue"], r["soon"]) for r in rows] == [(True, False), (False, True), (False, False), (False, False)]
    assert "scaduta" in response.text or "overdue" in response.text


def test_it_filters_by_type_section_and_assignee(as_oscar, oscar, open_filings, sections):
    url = reverse("filings:queue")
    assert [r["filing"].pk for r in as_oscar.get(url, {"kind": "migration"}).context["rows"]] == [open_filings[2].pk]
    assert [r["filing"].pk for r in as_oscar.get(url, {"section": sections["b"].pk}).context["rows"]] == [
        open_filings[0].pk
    ]
    assert as_oscar.get(url, {"assignee": str(oscar.pk)}).context["rows"] == []
    assert len(as_oscar.get(url, {"assignee": "none"}).context["rows"]) == 4


def test_bulk_assignment_touches_only_open_filings(as_oscar, oscar, open_filings):
    response = as_oscar.post(
        reverse("filings:bulk_assign"),
        {"filings": [f.pk for f in open_filings], "assignee": str(oscar.pk)},
    )
    assert response.status_code == 302
    assert Filing.objects.filter(assignee=oscar).count() == 4
    assert Filing.objects.get(pk=open_filings[4].pk).assignee is None


def test_the_query_count_does_not_grow_with_the_list(as_oscar, applicant, django_assert_max_num_queries):
    for i in range(3):
        make_open(applicant, due_in=i, kind=Kind.DEED_UPDATE)
    with django_assert_max_num_queries(14) as first:
        as_oscar.get(reverse("filings:queue"))
    for i in range(30):
        make_open(applicant, due_in=i, kind=Kind.DEED_UPDATE)
    with django_assert_max_num_queries(len(first.captured_queries)):
        as_oscar.get(reverse("filings:queue"))


def test_it_pages_with_a_signed_cursor(as_oscar, applicant):
    for i in range(55):
        make_open(applicant, due_in=i, kind=Kind.DEED_UPDATE)
    first = as_oscar.get(reverse("filings:queue")).context["page"]
    assert len(first.items) == 50 and first.next_cursor
    second = as_oscar.get(reverse("filings:queue"), {"cursor": first.next_cursor}).context["page"]
    assert len(second.items) == 5 and second.items[0].due_on > first.items[-1].due_on
    assert as_oscar.get(reverse("filings:queue"), {"cursor": "forged"}).status_code == 404


def test_outsiders_are_refused(as_charlie, as_eve, as_bianca, client):
    url = reverse("filings:queue")
    assert as_charlie.get(url).status_code == 403
    assert as_eve.get(url).status_code == 403
    assert as_bianca.get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_summary_counts_overdue_and_soon(as_oscar, open_filings):
    summary = as_oscar.get(reverse("filings:queue")).context["summary"]
    assert (summary.overdue, summary.due_soon) == (1, 1)
    assert date.today()  # the summary uses the local date, like the flags


def test_each_row_shows_the_deadline_the_link_and_the_entity(as_oscar, open_filings, applicant):
    waiting = make_open(applicant, due_in=None, kind=Kind.DEED_UPDATE, state=State.INTEGRATION_REQUESTED)
    waiting.reply_by = date(2031, 5, 4)
    waiting.save(update_fields=["reply_by"])
    html = as_oscar.get(reverse("filings:queue")).text
    overdue = open_filings[1]
    assert f'<a href="{reverse("filings:detail", args=[overdue.pk])}">{overdue.reference}</a>' in html
    assert f'<time datetime="{overdue.due_on.isoformat()}">{overdue.due_on.strftime("%d/%m/%Y")}</time>' in html
    assert "ente entro il 04/05/2031" in html
    assert f'aria-label="Seleziona {overdue.reference}"' in html
    assert "Associazione Nuova Aurora APS" in html and "Milano" in html


def test_the_filters_keep_the_chosen_values(as_oscar, open_filings, sections):
    html = as_oscar.get(reverse("filings:queue"), {"kind": "migration", "section": sections["b"].pk}).text
    assert '<option value="migration" selected>' in html
    assert f'<option value="{sections["b"].pk}" selected>' in html
    assert '<option value="registration">' in html
