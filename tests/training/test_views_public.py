"""The public side: catalogue, calendar feeds, the enrollment form and the signed link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from pariter.training import links, selectors, services
from pariter.training.models import Enrollment, EnrollmentState, Question, QuestionKind
from tests.training.factories import enroll, make_edition

pytestmark = pytest.mark.django_db


def form_data(**extra):
    return {"full_name": "Giulia Bianchi", "email": "giulia@example.org", "gender": "F", "consent": "on", **extra}


def test_the_catalogue_lists_published_editions_in_constant_queries(client, django_assert_max_num_queries):
    for i in range(6):
        make_edition(title=f"Corso {i}")
    make_edition(title="Bozza nascosta", published=False)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("training:catalogue"))
    assert response.status_code == 200
    assert "Corso 5" in response.text and "Bozza nascosta" not in response.text


def test_an_unpublished_edition_is_not_found(client):
    draft = make_edition(published=False)
    assert client.get(reverse("training:edition", args=[draft.pk])).status_code == 404
    assert client.get(reverse("training:enroll", args=[draft.pk])).status_code == 404


def test_the_feeds_are_valid_icalendar(client):
    edition = make_edition(sessions=3)
    feed = Calendar.from_ical(client.get(reverse("training:edition_ics", args=[edition.pk])).content)
    events = feed.walk("VEVENT")
    assert len(events) == 3 and "Palazzo Isimbardi" in str(events[0]["location"])
    combined = Calendar.from_ical(client.get(reverse("training:calendar_ics")).content)
    assert len(combined.walk("VEVENT")) == 3


def test_upcoming_public_events_keeps_the_contract_with_the_website():
    edition = make_edition()
    make_edition(published=False)
    events = selectors.upcoming_public_events(limit=5)
    assert len(events) == 1
    event = events[0]
    assert event.title == str(edition) and event.starts_at.tzinfo is not None and event.ends_at > event.starts_at
    assert "Palazzo Isimbardi" in event.venue and event.get_absolute_url() == edition.get_absolute_url()


def test_a_citizen_enrolls_without_an_account_and_lands_on_the_signed_page(client, milano):
    edition = make_edition(capacity=5)
    response = client.post(reverse("training:enroll", args=[edition.pk]), form_data(municipality="Milano"))
    enrollment = Enrollment.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("training:enrollment_manage", args=[links.token_for(enrollment)])
    page = client.get(response.url)
    assert enrollment.checkin_code in page.text and "<svg" in page.text
    assert enrollment.municipality == milano and enrollment.state == EnrollmentState.CONFIRMED


def test_e_mails_are_written_in_the_language_of_the_form(client, mailoutbox):
    edition = make_edition(capacity=5)
    client.post(reverse("training:enroll", args=[edition.pk]), form_data(), HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "it"
    client.post(reverse("training:enroll", args=[edition.pk]), form_data(email="anna@example.org"))
    english, italian = mailoutbox[-2:]
    assert english.subject.startswith("Your enrollment") and "Dear Giulia" in english.body
    assert italian.subject.startswith("La tua iscrizione") and "Gentile" in italian.body
    assert Enrollment.objects.get(email="giulia@example.org").language == "en"


def test_conditional_questions_are_required_only_when_shown(client):
    edition = make_edition()
    parent = Question.objects.create(edition=edition, label="Lavori in un ente pubblico?", kind=QuestionKind.YES_NO)
    child = Question.objects.create(
        edition=edition, label="Quale ente?", depends_on=parent, depends_value="yes", required=True
    )
    url = reverse("training:enroll", args=[edition.pk])
    missing = client.post(url, form_data(**{f"q_{parent.pk}": "yes"}))
    assert missing.status_code == 200 and not Enrollment.objects.exists()
    assert "This question needs an answer" in missing.text or "risposta" in missing.text
    client.post(url, form_data(**{f"q_{parent.pk}": "no", f"q_{child.pk}": "ignored"}))
    assert Enrollment.objects.get().answers == {str(parent.pk): "no"}


def test_a_duplicate_enrollment_is_refused_with_a_clear_message(client):
    edition = make_edition()
    client.post(reverse("training:enroll", args=[edition.pk]), form_data())
    again = client.post(reverse("training:enroll", args=[edition.pk]), form_data(full_name="Altra persona"))
    assert again.status_code == 200 and Enrollment.objects.count() == 1
    assert "already enrolled" in again.text or "già iscritto" in again.text


def test_a_full_edition_puts_the_person_on_the_waiting_list_and_says_so(client):
    edition = make_edition(capacity=1)
    enroll(edition, "Prima")
    response = client.post(reverse("training:enroll", args=[edition.pk]), form_data(), follow=True)
    assert "waiting list" in response.text or "lista d" in response.text
    assert Enrollment.objects.get(email="giulia@example.org").state == EnrollmentState.WAITLISTED


def test_a_closed_edition_refuses_enrollment(client):
    # Sessions start at 9:30 on the day: a day back is in the past at any hour (an hour back is not, before 10:30).
    edition = make_edition(starts_in=timedelta(days=-1))
    response = client.post(reverse("training:enroll", args=[edition.pk]), form_data(), follow=True)
    assert not Enrollment.objects.exists()
    assert "closed" in response.text or "chiuse" in response.text


def test_a_tampered_link_changes_nothing(client):
    edition = make_edition()
    enrollment = enroll(edition, "Anna")
    token = links.token_for(enrollment)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.post(reverse("training:enrollment_manage", args=[tampered]), {"action": "withdraw"})
    assert response.status_code == 400
    enrollment.refresh_from_db()
    assert enrollment.state == EnrollmentState.CONFIRMED
    # A survey link cannot be used to manage the enrollment either.
    survey_token = links.token_for(enrollment, "survey")
    assert client.get(reverse("training:enrollment_manage", args=[survey_token])).status_code == 400


def test_withdrawing_from_the_link_offers_the_place_and_the_offer_can_be_accepted(client):
    edition = make_edition(capacity=1)
    first, second = enroll(edition, "Prima"), enroll(edition, "Seconda")
    client.post(reverse("training:enrollment_manage", args=[links.token_for(first)]), {"action": "withdraw"})
    second.refresh_from_db()
    assert second.state == EnrollmentState.OFFERED
    url = reverse("training:enrollment_manage", args=[links.token_for(second)])
    client.post(url, {"action": "accept"})
    second.refresh_from_db()
    assert second.state == EnrollmentState.CONFIRMED


def test_an_expired_offer_shows_a_clear_message(client):
    edition = make_edition(capacity=1, offer_hours=1)
    first, second = enroll(edition, "Prima"), enroll(edition, "Seconda")
    services.enrollment_withdraw(enrollment=first)
    Enrollment.objects.filter(pk=second.pk).update(offer_expires_at=second.created_at - timedelta(hours=1))
    response = client.post(
        reverse("training:enrollment_manage", args=[links.token_for(second)]), {"action": "accept"}, follow=True
    )
    assert "expired" in response.text or "scadut" in response.text
    second.refresh_from_db()
    assert second.state == EnrollmentState.OFFERED


def test_changing_details_from_the_link(client):
    enrollment = enroll(make_edition(), "Anna Rosa")
    url = reverse("training:enrollment_manage", args=[links.token_for(enrollment)])
    client.post(url, {"action": "change", "full_name": "Anna Maria Rosa", "phone": "02 1234"})
    enrollment.refresh_from_db()
    assert (enrollment.full_name, enrollment.phone) == ("Anna Maria Rosa", "02 1234")


def test_the_calendar_refuses_a_bad_month_politely(client):
    response = client.get(reverse("training:calendar"), {"mese": "2027-13"})
    assert response.status_code == 200
