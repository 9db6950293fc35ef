"""Officers edit and delete an edition's sessions: services session_update / session_delete, views session_edit /
session_delete. Attendance already recorded stays true; capacity never drops below the places held."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from pariter.core.models import AuditEntry
from pariter.training import services
from pariter.training.models import Attendance, TrainingSession
from tests.training.factories import enroll, make_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_tina(as_tina):
    """Tina reads the pages in English here (one test checks the Italian)."""
    as_tina.cookies["django_language"] = "en"
    return as_tina


def fields(session, **changes):
    data = {
        name: getattr(session, name)
        for name in ("title", "starts_at", "ends_at", "break_minutes", "venue", "online_url", "capacity")
    }
    data.update(changes)
    return data


def post_data(session, **changes):
    data = fields(session, **changes)
    for name in ("starts_at", "ends_at"):
        data[name] = timezone.localtime(data[name]).strftime("%Y-%m-%dT%H:%M")
    return {k: "" if v is None else v for k, v in data.items()}


def checked_in(session, person, tina, minutes_after_start=0):
    at = session.starts_at + timedelta(minutes=minutes_after_start)
    return services.check_in(session=session, code=person.checkin_code, actor=tina, now=at)


# --- session_update ----------------------------------------------------------------------


def test_it_changes_a_session_and_keeps_the_edition_dates_in_step():
    edition = make_edition(sessions=2)
    last = edition.sessions.last()
    later = last.starts_at + timedelta(days=3)
    services.session_update(
        session=last, **fields(last, starts_at=later, ends_at=later + timedelta(hours=2), venue="Sala Rossa")
    )
    edition.refresh_from_db()
    last.refresh_from_db()
    assert (last.venue, last.ends_at) == ("Sala Rossa", later + timedelta(hours=2))
    assert edition.ends_at == later + timedelta(hours=2)
    assert AuditEntry.objects.filter(action="training.trainingsession.changed", object_id=str(last.pk)).exists()


def test_it_refuses_room_capacity_below_the_places_held():
    edition = make_edition(capacity=5)
    for i in range(3):
        enroll(edition, f"P{i}")
    session = edition.sessions.first()
    with pytest.raises(ValidationError) as error:
        services.session_update(session=session, **fields(session, capacity=2))
    assert "3 people hold a place" in str(error.value.message_dict["capacity"])
    session.refresh_from_db()
    assert session.capacity is None
    services.session_update(session=session, **fields(session, capacity=3))
    session.refresh_from_db()
    assert session.capacity == 3


def test_after_check_ins_it_refuses_times_that_leave_an_entry_outside(tina):
    edition = make_edition()
    person = enroll(edition, "Anna Neri")
    session = edition.sessions.first()
    checked_in(session, person, tina, minutes_after_start=5)
    later = session.starts_at + timedelta(hours=1)
    with pytest.raises(ValidationError) as error:
        services.session_update(session=session, **fields(session, starts_at=later, ends_at=later + timedelta(hours=3)))
    assert "outside the new schedule" in str(error.value.message_dict["starts_at"])
    assert TrainingSession.objects.get(pk=session.pk).starts_at == session.starts_at


def test_after_check_ins_moving_the_start_recomputes_present_and_late(tina):
    edition = make_edition()
    person = enroll(edition, "Anna Neri")
    session = edition.sessions.first()
    checked_in(session, person, tina, minutes_after_start=15)
    assert Attendance.objects.get().status == "late"
    # The session really began ten minutes later than planned: a quarter of an hour after the old start is on time.
    start = session.starts_at + timedelta(minutes=10)
    services.session_update(session=session, **fields(session, starts_at=start))
    attendance = Attendance.objects.get()
    assert attendance.status == "present"
    assert AuditEntry.objects.filter(action="training.attendance.changed", object_id=str(attendance.pk)).exists()


def test_after_check_ins_other_details_change_freely(tina):
    edition = make_edition()
    person = enroll(edition, "Anna Neri")
    session = edition.sessions.first()
    checked_in(session, person, tina)
    services.session_update(session=session, **fields(session, venue="Aula 3", break_minutes=15))
    session.refresh_from_db()
    assert (session.venue, session.break_minutes) == ("Aula 3", 15)
    assert Attendance.objects.get().status == "present"


def test_it_refuses_an_end_before_the_start():
    session = make_edition().sessions.first()
    with pytest.raises(ValidationError) as error:
        services.session_update(session=session, **fields(session, ends_at=session.starts_at))
    assert "ends_at" in error.value.message_dict


# --- session_delete ----------------------------------------------------------------------


def test_it_deletes_a_session_without_attendance():
    edition = make_edition(sessions=2)
    last = edition.sessions.last()
    first = edition.sessions.first()
    services.session_delete(session=last)
    edition.refresh_from_db()
    assert list(edition.sessions.all()) == [first]
    assert edition.ends_at == first.ends_at
    assert AuditEntry.objects.filter(action="training.trainingsession.deleted", object_id=str(last.pk)).exists()


def test_it_refuses_to_delete_a_session_with_attendance(tina):
    edition = make_edition()
    person = enroll(edition, "Anna Neri")
    session = edition.sessions.first()
    services.attendance_set(session=session, enrollment=person, status="excused", actor=tina)
    with pytest.raises(ValidationError, match="cannot be deleted"):
        services.session_delete(session=session)
    assert TrainingSession.objects.filter(pk=session.pk).exists()


# --- the pages ---------------------------------------------------------------------------


def test_the_officer_edits_a_session_from_the_edition_page(as_tina):
    edition = make_edition()
    session = edition.sessions.first()
    page = as_tina.get(reverse("training:staff_edition", args=[edition.pk]))
    edit_url = reverse("training:session_edit", args=[session.pk])
    assert edit_url in page.text
    form = as_tina.get(edit_url)
    assert form.status_code == 200
    assert timezone.localtime(session.starts_at).strftime("%Y-%m-%dT%H:%M") in form.text
    response = as_tina.post(edit_url, post_data(session, venue="Sala Rossa", online_url="https://meet.example.org/x"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.venue, session.online_url) == ("Sala Rossa", "https://meet.example.org/x")


def test_bad_input_shows_the_form_again_and_changes_nothing(as_tina):
    edition = make_edition(capacity=5)
    enroll(edition, "Anna Neri")
    enroll(edition, "Bruno Neri")
    session = edition.sessions.first()
    url = reverse("training:session_edit", args=[session.pk])
    response = as_tina.post(url, post_data(session, capacity=1, venue="Altrove"))
    assert response.status_code == 422
    assert "2 people hold a place" in response.text
    session.refresh_from_db()
    assert session.venue != "Altrove" and session.capacity is None


def test_the_italian_page_explains_a_refused_capacity(as_tina):
    edition = make_edition(capacity=5)
    enroll(edition, "Anna Neri")
    enroll(edition, "Bruno Neri")
    session = edition.sessions.first()
    as_tina.cookies["django_language"] = "it"
    response = as_tina.post(reverse("training:session_edit", args=[session.pk]), post_data(session, capacity=1))
    assert response.status_code == 422
    assert "2 persone hanno un posto in questa edizione" in response.text


def test_the_officer_deletes_a_session_after_confirming(as_tina):
    edition = make_edition(sessions=2)
    session = edition.sessions.last()
    url = reverse("training:session_delete", args=[session.pk])
    confirm = as_tina.get(url)
    assert confirm.status_code == 200 and "btn-danger" in confirm.text
    assert TrainingSession.objects.filter(pk=session.pk).exists()
    response = as_tina.post(url)
    assert response.status_code == 302
    assert not TrainingSession.objects.filter(pk=session.pk).exists()


def test_deleting_a_session_with_attendance_is_refused_with_a_message(as_tina, tina):
    edition = make_edition()
    person = enroll(edition, "Anna Neri")
    session = edition.sessions.first()
    services.attendance_set(session=session, enrollment=person, status="present", actor=tina)
    url = reverse("training:session_delete", args=[session.pk])
    confirm = as_tina.get(url)
    assert "cannot be deleted" in confirm.text and "btn-danger" not in confirm.text
    response = as_tina.post(url, follow=True)
    assert "cannot be deleted" in response.text
    assert TrainingSession.objects.filter(pk=session.pk).exists()


def test_volunteers_and_outsiders_cannot_edit_or_delete(as_vera, client, tina):
    from tests.conftest import make_user, signed_in

    session = make_edition().sessions.first()
    outsider = signed_in(make_user("carlo@example.org", "Carlo"))
    for url in (
        reverse("training:session_edit", args=[session.pk]),
        reverse("training:session_delete", args=[session.pk]),
    ):
        assert as_vera.get(url).status_code == 403
        assert as_vera.post(url, {}).status_code == 403
        assert outsider.post(url, {}).status_code == 403
        assert client.post(url, {}).status_code == 302
    assert TrainingSession.objects.filter(pk=session.pk).exists()


def test_an_unknown_session_is_404(as_tina):
    assert as_tina.get(reverse("training:session_edit", args=[999999])).status_code == 404
