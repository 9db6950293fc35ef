"""The Django admin for training data: attendance and certificates never disappear with what they belong to."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from pariter.training import services
from pariter.training.models import Attendance, Enrollment, TrainingSession
from tests.training.factories import enroll, make_edition, move_to_past

pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The fields of the admin's change form as a browser would post them (checked boxes only)."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value") or ("on" if a.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][0] += data


def _change_form(client, url: str) -> dict[str, list[str]]:
    parser = _Form()
    parser.feed(client.get(url).text)
    return parser.data


@pytest.fixture
def recorded(tina):
    """An edition whose first session has one attendance; its second has none."""
    edition = make_edition(sessions=2)
    person = enroll(edition, "Anna")
    first = edition.sessions.first()
    services.attendance_set(session=first, enrollment=person, status="present", actor=tina)
    return edition, person, first


def test_the_model_layer_refuses_to_delete_a_session_or_enrollment_with_attendance(recorded):
    _edition, person, session = recorded
    with pytest.raises(ProtectedError):
        session.delete()
    with pytest.raises(ProtectedError):
        Enrollment.objects.filter(pk=person.pk).delete()
    assert Attendance.objects.count() == 1


def test_the_admin_keeps_a_session_with_attendance_and_says_why(as_alice, recorded):
    edition, _person, session = recorded
    url = reverse("admin:training_edition_change", args=[edition.pk])
    data = _change_form(as_alice, url)
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == [str(session.pk)])
    data[f"sessions-{index}-DELETE"] = ["on"]
    response = as_alice.post(url, data)
    assert response.status_code == 200  # the form again, with the reason
    assert "protected" in response.text or "protett" in response.text
    assert TrainingSession.objects.filter(pk=session.pk).exists() and Attendance.objects.count() == 1


def test_the_admin_still_deletes_a_session_without_attendance(as_alice, recorded):
    edition, _person, first = recorded
    second = edition.sessions.exclude(pk=first.pk).get()
    url = reverse("admin:training_edition_change", args=[edition.pk])
    data = _change_form(as_alice, url)
    index = next(k.split("-")[1] for k, v in data.items() if k.endswith("-id") and v == [str(second.pk)])
    data[f"sessions-{index}-DELETE"] = ["on"]
    assert as_alice.post(url, data).status_code == 302
    assert not TrainingSession.objects.filter(pk=second.pk).exists()


def test_the_admin_refuses_to_delete_an_enrollment_with_attendance(as_alice, recorded):
    _edition, person, _session = recorded
    url = reverse("admin:training_enrollment_delete", args=[person.pk])
    page = as_alice.get(url)
    assert "protected" in page.text or "protett" in page.text
    as_alice.post(url, {"post": "yes"})
    assert Enrollment.objects.filter(pk=person.pk).exists() and Attendance.objects.count() == 1


def test_an_issued_certificate_keeps_its_enrollment_in_the_admin(as_alice, tina):
    edition = make_edition(sessions=1)
    person = enroll(edition, "Anna")
    services.attendance_set(session=edition.sessions.get(), enrollment=person, status="present", actor=tina)
    move_to_past(edition)
    assert services.certificate_issue(enrollment=person) is not None
    url = reverse("admin:training_enrollment_delete", args=[person.pk])
    as_alice.post(url, {"post": "yes"})
    assert Enrollment.objects.filter(pk=person.pk, certificate__isnull=False).exists()
