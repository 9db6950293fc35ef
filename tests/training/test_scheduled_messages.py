"""Scheduled messages: sent once when due, to the participants the filters choose, and recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from pariter.training import services
from pariter.training.models import SentMessage, Survey
from tests.training.factories import enroll, make_edition, move_to_past

pytestmark = pytest.mark.django_db


def test_a_reminder_goes_to_confirmed_people_only_when_due_and_only_once(mailoutbox):
    edition = make_edition(capacity=1)
    confirmed, waiting = enroll(edition, "Anna"), enroll(edition, "Bruno")
    message = services.message_schedule(
        edition=edition, kind="reminder", anchor="start", offset_hours=-24, state="confirmed"
    )
    mailoutbox.clear()
    assert services.scheduled_messages_send_due(now=edition.starts_at - timedelta(hours=25)) == 0
    assert services.scheduled_messages_send_due(now=edition.starts_at - timedelta(hours=23)) == 1
    assert [m.to for m in mailoutbox] == [[confirmed.email]]
    assert services.scheduled_messages_send_due(now=edition.starts_at) == 0
    message.refresh_from_db()
    assert message.sent_at is not None and message.recipients == 1
    assert SentMessage.objects.filter(enrollment=confirmed, kind="reminder").count() == 1
    assert not SentMessage.objects.filter(enrollment=waiting, kind="reminder").exists()


def test_a_survey_after_the_end_goes_only_to_people_who_attended(mailoutbox, tina):
    edition = make_edition(capacity=3, sessions=1)
    came, absent = enroll(edition, "Presente"), enroll(edition, "Assente")
    Survey.objects.create(edition=edition, questions=["Utile"])
    services.attendance_set(session=edition.sessions.first(), enrollment=came, status="present", actor=tina)
    services.attendance_set(session=edition.sessions.first(), enrollment=absent, status="absent", actor=tina)
    services.message_schedule(
        edition=edition, kind="survey", anchor="end", offset_hours=2, state="confirmed", attendance="attended"
    )
    move_to_past(edition)
    mailoutbox.clear()
    assert services.scheduled_messages_send_due() == 1
    assert [m.to for m in mailoutbox] == [[came.email]]
    assert "/formazione/questionario/" in mailoutbox[0].body


def test_a_survey_message_needs_a_questionnaire():
    edition = make_edition()
    with pytest.raises(ValidationError):
        services.message_schedule(edition=edition, kind="survey", anchor="end", offset_hours=1, state="confirmed")


def test_certificates_are_issued_automatically_after_the_end_and_announced(mailoutbox, tina):
    from pariter.training import tasks

    edition = make_edition(capacity=2, sessions=1)
    person = enroll(edition, "Anna")
    services.attendance_set(session=edition.sessions.first(), enrollment=person, status="present", actor=tina)
    assert tasks.issue_certificates_at_end.call(edition_id=edition.pk) is None  # not ended yet
    move_to_past(edition)
    mailoutbox.clear()
    assert tasks.issue_certificates_at_end.call(edition_id=edition.pk) == 1
    person.refresh_from_db()
    assert person.certificate is not None
    assert SentMessage.objects.filter(enrollment=person, kind="certificate_ready").count() == 1
    # A second run does nothing.
    assert tasks.issue_certificates_at_end.call(edition_id=edition.pk) is None
