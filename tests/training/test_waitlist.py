"""The waiting list: places confirmed in order, offers with deadlines, expiry passing the place on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from pariter.training import services
from pariter.training.models import EnrollmentMode, EnrollmentState, SentMessage
from tests.training.factories import enroll, make_edition

pytestmark = pytest.mark.django_db


def test_it_confirms_while_places_last_then_waitlists_in_order():
    edition = make_edition(capacity=2)
    people = [enroll(edition, f"Persona {i}") for i in range(4)]
    assert [p.state for p in people] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert people[2].waitlisted_at <= people[3].waitlisted_at


def test_it_sends_a_confirmation_and_records_it():
    edition = make_edition(capacity=1)
    person = enroll(edition, "Giulia Bianchi", email="giulia@example.org")
    assert mail.outbox[-1].to == ["giulia@example.org"]
    assert "/formazione/iscrizione/" in mail.outbox[-1].body
    assert SentMessage.objects.filter(enrollment=person, kind="confirmation").count() == 1


def test_it_refuses_a_duplicate_enrollment_and_changes_nothing():
    edition = make_edition()
    enroll(edition, "Anna", email="anna@example.org")
    with pytest.raises(ValidationError) as error:
        enroll(edition, "Anna di nuovo", email="ANNA@example.org ")
    assert "already enrolled" in str(error.value)
    assert edition.enrollments.count() == 1


def test_a_withdrawn_person_may_enroll_again():
    edition = make_edition()
    first = enroll(edition, "Anna", email="anna@example.org")
    services.enrollment_withdraw(enrollment=first)
    again = enroll(edition, "Anna", email="anna@example.org")
    assert again.state == EnrollmentState.CONFIRMED


def test_it_refuses_enrollment_after_the_start_or_when_unpublished():
    # Sessions start at 9:30 on the day: a day back is in the past at any hour (an hour back is not, before 10:30).
    started = make_edition(starts_in=timedelta(days=-1))
    with pytest.raises(ValidationError, match="closed"):
        enroll(started)
    draft = make_edition(published=False)
    with pytest.raises(ValidationError, match="closed"):
        enroll(draft)


def test_it_requires_consent():
    edition = make_edition()
    with pytest.raises(ValidationError) as error:
        services.enrollment_create(edition=edition, full_name="X", email="x@example.org", consent=False)
    assert "consent" in error.value.error_dict
    assert not edition.enrollments.exists()


def test_a_freed_place_is_offered_to_the_first_on_the_list_with_a_deadline():
    edition = make_edition(capacity=1, offer_hours=24)
    first = enroll(edition, "Prima")
    second, third = enroll(edition, "Seconda"), enroll(edition, "Terza")
    now = timezone.now()
    services.enrollment_withdraw(enrollment=first, now=now)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.state == EnrollmentState.OFFERED
    assert second.offer_expires_at == now + timedelta(hours=24)
    assert third.state == EnrollmentState.WAITLISTED
    assert "A place is free for you" in mail.outbox[-1].subject or "posto" in mail.outbox[-1].subject


def test_an_offer_accepted_in_time_confirms_the_place():
    edition = make_edition(capacity=1)
    first, second = enroll(edition, "Prima"), enroll(edition, "Seconda")
    services.enrollment_withdraw(enrollment=first)
    services.offer_accept(enrollment=second)
    second.refresh_from_db()
    assert second.state == EnrollmentState.CONFIRMED


def test_an_expired_offer_moves_to_the_next_person_and_cannot_be_accepted():
    edition = make_edition(capacity=1, offer_hours=48)
    first, second, third = enroll(edition, "Prima"), enroll(edition, "Seconda"), enroll(edition, "Terza")
    now = timezone.now()
    services.enrollment_withdraw(enrollment=first, now=now)
    later = now + timedelta(hours=49)
    assert services.offers_expire(now=later) == 1
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.state == EnrollmentState.WITHDRAWN
    assert third.state == EnrollmentState.OFFERED
    with pytest.raises(ValidationError, match="expired"):
        services.offer_accept(enrollment=second, now=later)
    # Running the expiry again changes nothing.
    assert services.offers_expire(now=later) == 0


def test_an_offer_past_its_deadline_cannot_be_accepted_even_before_the_sweep():
    edition = make_edition(capacity=1, offer_hours=1)
    first, second = enroll(edition, "Prima"), enroll(edition, "Seconda")
    now = timezone.now()
    services.enrollment_withdraw(enrollment=first, now=now)
    with pytest.raises(ValidationError, match="expired"):
        services.offer_accept(enrollment=second, now=now + timedelta(hours=2))
    second.refresh_from_db()
    assert second.state == EnrollmentState.OFFERED


def test_approval_mode_waits_for_the_officer_and_then_respects_capacity():
    edition = make_edition(capacity=1, enrollment_mode=EnrollmentMode.APPROVAL)
    a, b, c = enroll(edition, "A"), enroll(edition, "B"), enroll(edition, "C")
    assert {a.state, b.state, c.state} == {EnrollmentState.PENDING_APPROVAL}
    assert services.enrollment_decide(enrollment=a, approve=True).state == EnrollmentState.CONFIRMED
    assert services.enrollment_decide(enrollment=b, approve=True).state == EnrollmentState.WAITLISTED
    assert services.enrollment_decide(enrollment=c, approve=False).state == EnrollmentState.REFUSED
    with pytest.raises(ValidationError):
        services.enrollment_decide(enrollment=c, approve=True)
