"""Check-in at the door and the manual list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from pariter.training import selectors, services
from pariter.training.models import AttendanceStatus
from tests.training.factories import enroll, make_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition(capacity=2, sessions=2)


def test_a_scan_at_the_start_marks_present_and_a_later_one_late(edition, vera):
    a, b = enroll(edition, "Anna"), enroll(edition, "Bruno")
    session = edition.sessions.first()
    first = services.check_in(session=session, code=a.checkin_code, actor=vera, now=session.starts_at)
    second = services.check_in(
        session=session, code=b.checkin_code.lower(), actor=vera, now=session.starts_at + timedelta(minutes=25)
    )
    assert first.status == AttendanceStatus.PRESENT
    assert second.status == AttendanceStatus.LATE
    assert second.recorded_by == vera


def test_scanning_twice_changes_nothing(edition, vera):
    a = enroll(edition, "Anna")
    session = edition.sessions.first()
    first = services.check_in(session=session, code=a.checkin_code, actor=vera, now=session.starts_at)
    again = services.check_in(
        session=session, code=a.checkin_code, actor=vera, now=session.starts_at + timedelta(minutes=30)
    )
    assert again.pk == first.pk and again.checked_in_at == session.starts_at and again.status == "present"


def test_check_out_closes_the_stay_and_hours_follow(edition, vera):
    a = enroll(edition, "Anna")
    session = edition.sessions.first()
    services.check_in(session=session, code=a.checkin_code, actor=vera, now=session.starts_at)
    services.check_in(
        session=session, code=a.checkin_code, actor=vera, mode="out", now=session.starts_at + timedelta(minutes=90)
    )
    t = selectors.enrollment_totals(a, list(edition.sessions.all()))
    assert t.attended == 75  # 90 of 180 minutes, less half of the 30-minute break
    assert t.scheduled == 300


def test_a_code_from_another_edition_is_refused(edition, vera):
    other = make_edition(title="Altro corso")
    stranger = enroll(other, "Estranea")
    session = edition.sessions.first()
    with pytest.raises(ValidationError, match="another edition"):
        services.check_in(session=session, code=stranger.checkin_code, actor=vera, now=session.starts_at)
    assert not session.attendances.exists()


def test_an_unknown_code_is_refused(edition, vera):
    session = edition.sessions.first()
    with pytest.raises(ValidationError, match="does not belong"):
        services.check_in(session=session, code="ZZZZZZZZ", actor=vera, now=session.starts_at)


def test_a_check_in_outside_the_session_is_refused(edition, vera):
    a = enroll(edition, "Anna")
    session = edition.sessions.first()
    for when in (session.starts_at - timedelta(minutes=31), session.ends_at + timedelta(minutes=1)):
        with pytest.raises(ValidationError, match="half an hour before"):
            services.check_in(session=session, code=a.checkin_code, actor=vera, now=when)
    assert not session.attendances.exists()


def test_waitlisted_people_cannot_check_in(vera):
    edition = make_edition(capacity=1)
    enroll(edition, "Anna")
    waiting = enroll(edition, "Bruno")
    session = edition.sessions.first()
    with pytest.raises(ValidationError, match="not confirmed"):
        services.check_in(session=session, code=waiting.checkin_code, actor=vera, now=session.starts_at)


def test_check_out_without_check_in_is_refused(edition, vera):
    a = enroll(edition, "Anna")
    session = edition.sessions.first()
    with pytest.raises(ValidationError, match="not checked in"):
        services.check_in(session=session, code=a.checkin_code, actor=vera, mode="out", now=session.starts_at)


def test_the_manual_list_sets_statuses_and_excused_clears_the_scan(edition, tina):
    a = enroll(edition, "Anna")
    first, second = list(edition.sessions.all())
    services.check_in(session=first, code=a.checkin_code, actor=tina, now=first.starts_at)
    services.attendance_set(session=first, enrollment=a, status="excused", actor=tina)
    services.attendance_set(session=second, enrollment=a, status="present", actor=tina)
    t = selectors.enrollment_totals(a, [first, second])
    assert t.attended == 150 and t.sessions_attended == 1 and t.percent == 50.0
