"""Training pages in Chromium with axe: registration, check-in, certificate download and verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pariter.core.roles import Role
from pariter.training import links, services
from pariter.training.models import Enrollment, Question, QuestionKind
from tests.browser.conftest import assert_accessible, sign_in_browser
from tests.conftest import make_user, signed_in
from tests.training.factories import enroll, make_edition, move_to_past

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_registration_with_a_conditional_question(page, live_server):
    edition = make_edition(capacity=1)
    parent = Question.objects.create(edition=edition, label="Lavori in un ente pubblico?", kind=QuestionKind.YES_NO)
    Question.objects.create(edition=edition, label="Quale ente?", depends_on=parent, depends_value="yes", required=True)
    page.goto(reverse("training:catalogue"))
    assert page.locator("h1").count() == 1
    assert_accessible(page, "training catalogue")
    page.goto(reverse("training:calendar"))
    assert_accessible(page, "training calendar")
    page.goto(reverse("training:edition", args=[edition.pk]))
    assert_accessible(page, "edition page")
    page.goto(reverse("training:enroll", args=[edition.pk]))
    assert_accessible(page, "enrollment form")
    child = page.locator(".training-question").nth(1)
    assert child.is_hidden()
    page.select_option(f"#id_q_{parent.pk}", "yes")
    assert child.is_visible()
    page.fill("#id_full_name", "Giulia Bianchi")
    page.fill("#id_email", "giulia@example.org")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger").count() >= 1
    assert_accessible(page, "enrollment form with errors")
    page.locator("label[for=id_consent]").click()
    page.fill(f"#id_q_{parent.pk + 1}", "Comune di Sesto San Giovanni")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/iscrizione/**")
    assert Enrollment.objects.get().state == "confirmed"
    assert page.locator(".training-qr svg").count() == 1
    assert_accessible(page, "enrollment page")


def test_check_in_by_typed_code(page, live_server, office):
    vera = make_user("vera@cittametropolitana.mi.it", "Vera", role=Role.CIVIL_SERVICE_VOLUNTEER, organisation=office)
    edition = make_edition()
    person = enroll(edition, "Anna Neri")
    session = edition.sessions.first()
    start = timezone.now() - timedelta(minutes=5)
    session.starts_at, session.ends_at = start, start + timedelta(hours=2)
    session.save(update_fields=["starts_at", "ends_at"])
    sign_in_browser(page, signed_in(vera), live_server.url)
    page.goto(reverse("training:staff_today"))
    assert_accessible(page, "today's sessions")
    page.goto(reverse("training:check_in", args=[session.pk]))
    assert_accessible(page, "check-in")
    page.fill("#id_code", person.checkin_code)
    page.locator("#checkin-form button[type=submit]").click()
    page.locator("#checkin-result.alert-success").wait_for()
    assert "Anna Neri" in page.locator("#checkin-result").inner_text()
    page.fill("#id_code", "ZZZZZZZZ")
    page.locator("#checkin-form button[type=submit]").click()
    page.locator("#checkin-result.alert-danger").wait_for()
    assert_accessible(page, "check-in with a message")


def test_certificate_download_and_verification(page, live_server, office):
    tina = make_user("tina@cittametropolitana.mi.it", "Tina", role=Role.TRAINING_OFFICER, organisation=office)
    edition = make_edition(capacity=2, sessions=1)
    person = enroll(edition, "Giulia Verdi")
    services.attendance_set(session=edition.sessions.first(), enrollment=person, status="present", actor=tina)
    move_to_past(edition)
    sign_in_browser(page, signed_in(tina), live_server.url)
    for url in (
        reverse("training:staff_editions") + "?tutte=1",
        reverse("training:dashboard"),
        reverse("training:staff_edition", args=[edition.pk]),
    ):
        page.goto(url)
        assert page.locator("h1").count() == 1
        assert_accessible(page, url)
    page.locator("form[action$='/attestati/'] button").click()
    page.wait_for_url("**/lotti/**")
    page.locator("#batch-progress a").wait_for()
    assert_accessible(page, "certificate batch")
    certificate = Enrollment.objects.get(pk=person.pk).certificate
    page.context.clear_cookies()
    page.goto(reverse("training:enrollment_manage", args=[links.token_for(person)]))
    with page.expect_download() as download:
        page.locator("a[href$='attestato.pdf']").click()
    assert download.value.suggested_filename.endswith(".pdf")
    page.goto(reverse("training:verify"))
    assert_accessible(page, "verification page")
    page.fill("#id_codice", certificate.verification_code)
    page.locator("main form button[type=submit]").click()
    page.locator(".alert-success").wait_for()
    assert "Giulia" not in page.locator("main").inner_text()
    assert_accessible(page, "verification result")
    page.fill("#id_codice", "AAAA-BBBB-CCCC-DDDD")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_codice-error").count() == 1
    assert_accessible(page, "verification of a code that does not exist")


def test_officer_forms(page, live_server, office):
    tina = make_user("tina@cittametropolitana.mi.it", "Tina", role=Role.TRAINING_OFFICER, organisation=office)
    edition = make_edition(capacity=2)
    sign_in_browser(page, signed_in(tina), live_server.url)
    for url in (
        reverse("training:initiative_create"),
        reverse("training:edition_create"),
        reverse("training:edition_edit", args=[edition.pk]),
    ):
        page.goto(url)
        assert page.locator("h1").count() == 1
        assert_accessible(page, url)
    page.goto(reverse("training:staff_edition", args=[edition.pk]))
    for summary in page.locator("main details > summary").all():
        summary.click()
    assert_accessible(page, "edition page with every form open")
    page.locator("form[action$='/sessioni/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("form[action$='/sessioni/'] .invalid-feedback").count() >= 1
    assert_accessible(page, "session form with errors")
