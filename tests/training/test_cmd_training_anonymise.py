from __future__ import annotations

import pytest
from django.core.management import call_command

from pariter.training import selectors, services
from pariter.training.models import Certificate
from tests.training.factories import enroll, make_edition, move_to_past

pytestmark = pytest.mark.django_db


def test_it_erases_personal_data_of_old_editions_and_keeps_counts(tina, milano):
    old, recent = make_edition(sessions=1), make_edition(sessions=1)
    person = enroll(old, "Anna Bianchi", municipality=milano, gender="F", phone="02 123")
    keeper = enroll(recent, "Bruno Verdi")
    services.attendance_set(session=old.sessions.first(), enrollment=person, status="present", actor=tina)
    move_to_past(old, days=400)
    certificate = services.certificate_issue(enrollment=person)
    year = old.starts_at.year
    before = selectors.dashboard(year=year).total
    call_command("training_anonymise", "--days", "365")
    person.refresh_from_db()
    keeper.refresh_from_db()
    assert person.full_name == "—" and person.phone == "" and "anna" not in person.email
    assert person.anonymised_at is not None and keeper.full_name == "Bruno Verdi"
    assert Certificate.objects.get(pk=certificate.pk).holder_name == "—"
    assert selectors.dashboard(year=year).total == before
    # Running it again changes nothing.
    call_command("training_anonymise", "--days", "365")
