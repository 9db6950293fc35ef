"""The officer's and the volunteer's pages: editions, check-in, manual list, exports, surveys."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pariter.training import links, services
from pariter.training.models import Attendance, Survey, SurveyResponse
from tests.training.factories import enroll, make_edition, move_to_past

pytestmark = pytest.mark.django_db


def running_now(session):
    """Move a session so that it started five minutes ago."""
    from datetime import timedelta

    start = timezone.now() - timedelta(minutes=5)
    session.starts_at, session.ends_at = start, start + timedelta(hours=2)
    session.save(update_fields=["starts_at", "ends_at"])
    return session


def test_the_editions_list_shows_fill_rate_in_constant_queries(as_tina, django_assert_max_num_queries):
    for i in range(5):
        edition = make_edition(capacity=2, title=f"Corso {i}")
        for j in range(3):
            enroll(edition, f"P{i}{j}")
    with django_assert_max_num_queries(12):
        response = as_tina.get(reverse("training:staff_editions"))
    assert response.status_code == 200
    assert "2 / 2" in response.text


def test_the_edition_page_runs_constant_queries(as_tina, tina, django_assert_max_num_queries):
    edition = make_edition(capacity=30)
    people = [enroll(edition, f"P{i}") for i in range(25)]
    for s in edition.sessions.all():
        for p in people:
            services.attendance_set(session=s, enrollment=p, status="present", actor=tina)
    with django_assert_max_num_queries(25):
        response = as_tina.get(reverse("training:staff_edition", args=[edition.pk]))
    assert response.status_code == 200


def test_a_volunteer_checks_in_by_code_with_a_json_answer(as_vera):
    edition = make_edition()
    person = enroll(edition, "Anna Neri")
    session = edition.sessions.first()
    running_now(session)
    url = reverse("training:check_in", args=[session.pk])
    response = as_vera.post(url, {"code": person.checkin_code, "mode": "in"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["ok"] and "Anna Neri" in response.json()["message"]
    assert Attendance.objects.get().status == "present"


def test_a_scan_runs_a_fixed_number_of_queries_and_is_audited(as_vera, vera):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pariter.core.models import AuditEntry

    edition = make_edition()
    first, second = enroll(edition, "Anna"), enroll(edition, "Bruno")
    session = running_now(edition.sessions.first())
    url = reverse("training:check_in", args=[session.pk])
    as_vera.post(url, {"code": first.checkin_code, "mode": "in"}, HTTP_ACCEPT="application/json")
    with CaptureQueriesContext(connection) as queries:
        response = as_vera.post(url, {"code": second.checkin_code, "mode": "in"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["ok"]
    sql = [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    # Session, user, memberships, second factor, the session scanned; the code with any attendance already there;
    # the attendance; the audit chain's head, entry and new head. The session itself is not saved on every request.
    assert len(sql) <= 10, sql
    assert not any("django_session" in q for q in sql[1:])
    entry = AuditEntry.objects.filter(action="training.attendance.created").latest("id")
    assert entry.actor == vera and entry.object_id == str(Attendance.objects.get(enrollment=second).pk)


def test_an_exit_scan_updates_the_entry_and_is_audited(as_vera):
    from pariter.core.models import AuditEntry

    edition = make_edition()
    person = enroll(edition, "Anna")
    session = running_now(edition.sessions.first())
    url = reverse("training:check_in", args=[session.pk])
    for mode in ("in", "in", "out"):
        response = as_vera.post(url, {"code": person.checkin_code, "mode": mode}, HTTP_ACCEPT="application/json")
        assert response.status_code == 200 and response.json()["ok"]
    assert "Anna" in response.json()["message"]
    attendance = Attendance.objects.get()
    assert attendance.checked_in_at is not None and attendance.checked_out_at is not None
    # The second entry scan changed nothing; the exit is one change.
    assert AuditEntry.objects.filter(action="training.attendance.changed", object_id=str(attendance.pk)).count() == 1


def test_a_code_of_another_edition_gets_a_clear_refusal(as_vera):
    edition, other = make_edition(), make_edition(title="Altro")
    stranger = enroll(other, "Estranea")
    session = edition.sessions.first()
    running_now(session)
    response = as_vera.post(
        reverse("training:check_in", args=[session.pk]),
        {"code": stranger.checkin_code, "mode": "in"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 422 and not response.json()["ok"]
    assert "another edition" in response.json()["message"] or "altra edizione" in response.json()["message"]
    assert not Attendance.objects.exists()


def test_a_check_in_outside_the_session_is_refused_by_the_page(as_vera):
    edition = make_edition()
    person = enroll(edition, "Anna")
    session = edition.sessions.first()
    response = as_vera.post(
        reverse("training:check_in", args=[session.pk]), {"code": person.checkin_code, "mode": "in"}, follow=True
    )
    assert response.status_code == 200 and not Attendance.objects.exists()


def test_a_volunteer_cannot_set_statuses_or_see_the_edition(as_vera):
    edition = make_edition()
    person = enroll(edition, "Anna")
    session = edition.sessions.first()
    url = reverse("training:attendance_set", args=[session.pk])
    assert as_vera.post(url, {"enrollment": person.pk, "status": "absent"}).status_code == 403
    assert as_vera.get(reverse("training:staff_edition", args=[edition.pk])).status_code == 403
    assert not Attendance.objects.exists()


def test_the_officer_sets_a_status_from_the_manual_list(as_tina):
    edition = make_edition()
    person = enroll(edition, "Anna")
    session = edition.sessions.first()
    as_tina.post(reverse("training:attendance_set", args=[session.pk]), {"enrollment": person.pk, "status": "excused"})
    assert Attendance.objects.get().status == "excused"


def test_an_outsider_and_the_anonymous_citizen_are_refused(client, as_charlie):
    edition = make_edition()
    url = reverse("training:staff_edition", args=[edition.pk])
    assert as_charlie.get(url).status_code == 403
    assert client.get(url).status_code == 302


def test_exports_use_the_chosen_columns_and_neutralise_formulas(as_tina):
    edition = make_edition()
    enroll(edition, '=HYPERLINK("http://evil")', email="evil@example.org")
    url = reverse("training:edition_export", args=[edition.pk])
    response = as_tina.get(url, {"dataset": "enrollments", "columns": ["full_name", "email"], "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows[0]) == 2 and rows[1][0].startswith("'=")
    response = as_tina.get(url, {"dataset": "attendance", "columns": ["full_name", "percent"], "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(2, 1).value.startswith("'=")


def test_an_export_with_a_column_of_another_dataset_is_refused(as_tina):
    edition = make_edition()
    url = reverse("training:edition_export", args=[edition.pk])
    response = as_tina.get(url, {"dataset": "enrollments", "columns": ["certificate"], "format": "csv"})
    assert response.status_code == 302


def test_the_survey_goes_only_to_attendees_and_cannot_be_answered_twice(client, tina, mailoutbox):
    edition = make_edition(sessions=1)
    came, stayed_home = enroll(edition, "Presente"), enroll(edition, "Assente")
    survey = Survey.objects.create(edition=edition, questions=["Utile", "Chiaro"], is_anonymous=True)
    services.attendance_set(session=edition.sessions.first(), enrollment=came, status="present", actor=tina)
    move_to_past(edition)
    from pariter.training import tasks

    mailoutbox.clear()
    assert tasks.send_edition_messages.call(edition_id=edition.pk, kind="survey", attended_only=True) == 1
    assert [m.to for m in mailoutbox] == [[came.email]]
    url = reverse("training:survey", args=[links.token_for(came, "survey")])
    client.post(url, {"r0": "5", "r1": "4", "comment": "Ottimo"})
    again = client.post(url, {"r0": "1", "r1": "1"})
    assert SurveyResponse.objects.count() == 1 and SurveyResponse.objects.get().enrollment is None
    assert again.status_code == 200 and ("already answered" in again.text or "già risposto" in again.text)
    assert client.get(reverse("training:survey", args=[links.token_for(stayed_home, "survey")])).status_code == 404
    del survey


def test_survey_results_are_exported_without_names(as_tina, tina):
    edition = make_edition(sessions=1)
    came = enroll(edition, "Presente Nome")
    survey = Survey.objects.create(edition=edition, questions=["Utile", "=Chiaro"], is_anonymous=False)
    services.attendance_set(session=edition.sessions.first(), enrollment=came, status="present", actor=tina)
    services.survey_answer(survey=survey, enrollment=came, ratings=[5, 3], comment="+molto bene")
    response = as_tina.get(reverse("training:survey_export", args=[edition.pk]), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:3] == ["Utile", "5.0", "0"] and rows[1][6] == "1"
    assert rows[2][0] == "'=Chiaro" and rows[3][1] == "1"
    assert rows[4][1] == "'+molto bene"
    assert "Presente Nome" not in response.content.decode("utf-8-sig")


def test_the_dashboard_counts_participants(as_tina, milano):
    edition = make_edition()
    enroll(edition, "Anna", municipality=milano, gender="F")
    year = timezone.localtime(edition.starts_at).year
    response = as_tina.get(reverse("training:dashboard"), {"anno": year})
    assert response.status_code == 200 and "Milano" in response.text


def test_today_lists_the_sessions_of_the_day(as_vera):
    response = as_vera.get(reverse("training:staff_today"))
    assert response.status_code == 200
