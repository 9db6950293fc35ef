"""Two people never get the same last place: many enrollments at once, each in its own connection."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from pariter.training import services
from pariter.training.models import EnrollmentState
from tests.training.factories import make_edition

PEOPLE, PLACES = 200, 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_enrollments_fill_exactly_the_places_and_queue_the_rest_in_order():
    edition = make_edition(capacity=PLACES)
    start = threading.Barrier(20)
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            if i < 20:
                start.wait()  # the first twenty start together, the rest follow as threads free up
            services.enrollment_create(
                edition=edition, full_name=f"Persona {i:03d}", email=f"p{i:03d}@example.org", consent=True
            )
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(one, range(PEOPLE)))

    assert connection.vendor == "postgresql"
    assert errors == []
    enrollments = list(edition.enrollments.order_by("id"))
    states = [e.state for e in enrollments]
    assert states.count(EnrollmentState.CONFIRMED) == PLACES
    assert states.count(EnrollmentState.WAITLISTED) == PEOPLE - PLACES
    # Rows are written one at a time under the edition's lock, so the order of ids is the order of arrival:
    # the first fifty are confirmed, and the waiting list follows the same order.
    assert all(e.state == EnrollmentState.CONFIRMED for e in enrollments[:PLACES])
    # Enrollment times follow the same order: the clock is read under the lock (a bug once read it before).
    assert [e.created_at for e in enrollments] == sorted(e.created_at for e in enrollments)
    waiting = [e for e in enrollments if e.state == EnrollmentState.WAITLISTED]
    assert [e.pk for e in waiting] == [e.pk for e in sorted(waiting, key=lambda e: (e.waitlisted_at, e.pk))]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_withdrawals_and_an_expiry_at_once_never_offer_more_places_than_are_free():
    edition = make_edition(capacity=2)
    people = [
        services.enrollment_create(edition=edition, full_name=f"P{i}", email=f"q{i}@example.org", consent=True)
        for i in range(6)
    ]
    start = threading.Barrier(3)

    def act(i: int) -> None:
        try:
            start.wait()
            if i < 2:
                services.enrollment_withdraw(enrollment=people[i])
            else:
                services.offers_expire()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(act, range(3)))
    held = edition.enrollments.filter(state__in=[EnrollmentState.CONFIRMED, EnrollmentState.OFFERED]).count()
    assert held == 2
    assert edition.enrollments.filter(state=EnrollmentState.OFFERED).count() == 2
