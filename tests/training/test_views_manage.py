"""The officer builds the catalogue: initiatives, editions, sessions, questions, questionnaire, scheduled messages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pariter.core.models import AuditEntry
from pariter.training.models import Edition, EnrollmentState, Initiative, Question, ScheduledMessage, Survey
from tests.training.factories import enroll, make_edition

pytestmark = pytest.mark.django_db


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_the_officer_creates_an_initiative_an_edition_and_a_session(as_tina):
    response = as_tina.post(
        reverse("training:initiative_create"),
        {
            "title": "Tutela volontaria",
            "kind": "guardian_path",
            "audience": "volunteer_guardians",
            "topics": "Minori, Tutela volontaria, Minori",
            "language": "it",
        },
    )
    initiative = Initiative.objects.get()
    assert response.url == reverse("training:edition_create") + f"?iniziativa={initiative.pk}"
    assert sorted(initiative.topics.values_list("name", flat=True)) == ["Minori", "Tutela volontaria"]
    response = as_tina.post(
        reverse("training:edition_create"),
        {
            "initiative": initiative.pk,
            "name": "Primavera",
            "capacity": 30,
            "enrollment_mode": "open",
            "offer_hours": 48,
            "organiser": "Città metropolitana di Milano",
            "certificate_rule": "all_sessions",
            "is_published": "on",
        },
    )
    edition = Edition.objects.get()
    assert response.url == reverse("training:staff_edition", args=[edition.pk])
    start = timezone.now() + timedelta(days=10)
    as_tina.post(
        reverse("training:session_create", args=[edition.pk]),
        {
            "title": "Modulo 1",
            "starts_at": local(start),
            "ends_at": local(start + timedelta(hours=3)),
            "break_minutes": 15,
            "venue": "Palazzo Isimbardi",
        },
    )
    edition.refresh_from_db()
    assert edition.sessions.count() == 1 and edition.starts_at is not None
    assert AuditEntry.objects.filter(action="training.edition.created").exists()


def test_a_session_that_ends_before_it_starts_is_refused_and_nothing_is_saved(as_tina):
    edition = make_edition(sessions=0)
    start = timezone.now() + timedelta(days=3)
    response = as_tina.post(
        reverse("training:session_create", args=[edition.pk]),
        {"starts_at": local(start), "ends_at": local(start - timedelta(hours=1)), "break_minutes": 0, "venue": "Sala"},
    )
    assert response.status_code == 422 and not edition.sessions.exists()
    assert "must end after it starts" in response.text or "deve finire" in response.text


def test_a_min_percent_rule_needs_its_percentage(as_tina):
    initiative = make_edition().initiative
    response = as_tina.post(
        reverse("training:edition_create"),
        {
            "initiative": initiative.pk,
            "name": "X",
            "capacity": 5,
            "enrollment_mode": "open",
            "offer_hours": 48,
            "organiser": "Ufficio",
            "certificate_rule": "min_percent",
        },
    )
    assert response.status_code == 200 and Edition.objects.count() == 1


def test_raising_the_places_offers_them_to_the_people_waiting(as_tina):
    edition = make_edition(capacity=1)
    enroll(edition, "Prima")
    waiting = enroll(edition, "Seconda")
    form = {
        "name": edition.name,
        "capacity": 2,
        "enrollment_mode": "open",
        "offer_hours": 24,
        "organiser": edition.organiser,
        "certificate_rule": "min_percent",
        "certificate_min_percent": 80,
        "is_published": "on",
    }
    as_tina.post(reverse("training:edition_edit", args=[edition.pk]), form)
    waiting.refresh_from_db()
    assert waiting.state == EnrollmentState.OFFERED


def test_places_cannot_drop_below_those_already_held(as_tina):
    edition = make_edition(capacity=2)
    enroll(edition, "A")
    enroll(edition, "B")
    form = {
        "name": edition.name,
        "capacity": 1,
        "enrollment_mode": "open",
        "offer_hours": 24,
        "organiser": edition.organiser,
        "certificate_rule": "min_percent",
        "certificate_min_percent": 80,
    }
    response = as_tina.post(reverse("training:edition_edit", args=[edition.pk]), form)
    assert response.status_code == 200
    edition.refresh_from_db()
    assert edition.capacity == 2


def test_conditional_questions_must_point_at_a_valid_answer(as_tina):
    edition = make_edition()
    url = reverse("training:question_create", args=[edition.pk])
    as_tina.post(url, {"label": "Lavori in un ente pubblico?", "kind": "yes_no"})
    parent = Question.objects.get()
    bad = as_tina.post(url, {"label": "Quale?", "kind": "text", "depends_on": parent.pk, "depends_value": "forse"})
    assert bad.status_code == 422 and Question.objects.count() == 1
    as_tina.post(
        url, {"label": "Quale?", "kind": "text", "depends_on": parent.pk, "depends_value": "yes", "required": "on"}
    )
    child = Question.objects.get(label="Quale?")
    assert child.depends_on == parent and child.required


def test_the_questionnaire_is_set_and_locked_once_answered(as_tina):
    edition = make_edition()
    url = reverse("training:survey_setup", args=[edition.pk])
    as_tina.post(url, {"statements": "Utile\nChiaro\n\n", "is_anonymous": "on"})
    survey = Survey.objects.get()
    assert survey.questions == ["Utile", "Chiaro"] and survey.is_anonymous
    survey.responses.create(ratings=[5, 5])
    response = as_tina.post(url, {"statements": "Altro"})
    assert response.status_code == 422
    survey.refresh_from_db()
    assert survey.questions == ["Utile", "Chiaro"]


def test_a_message_is_scheduled_from_the_page(as_tina):
    edition = make_edition()
    as_tina.post(
        reverse("training:message_schedule", args=[edition.pk]),
        {"kind": "reminder", "offset_hours": -48, "anchor": "start", "state": "confirmed", "attendance": ""},
    )
    message = ScheduledMessage.objects.get()
    assert message.due_at() == edition.starts_at - timedelta(hours=48)


def test_the_officer_pages_render(as_tina):
    edition = make_edition()
    for url in (
        reverse("training:initiative_create"),
        reverse("training:edition_create") + f"?iniziativa={edition.initiative_id}",
        reverse("training:edition_edit", args=[edition.pk]),
        reverse("training:staff_edition", args=[edition.pk]),
    ):
        assert as_tina.get(url).status_code == 200, url
