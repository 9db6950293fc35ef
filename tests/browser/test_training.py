"""Training pages in Chromium with axe: registration, check-in, certificate download and verification."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from pariter.core.roles import Role
from pariter.training import links, services
from pariter.training.models import Attendance, Enrollment, Question, QuestionKind
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


def test_officer_edits_sessions_and_questions(page, live_server, office):
    tina = make_user("tina@cittametropolitana.mi.it", "Tina", role=Role.TRAINING_OFFICER, organisation=office)
    edition = make_edition(sessions=2)
    question = Question.objects.create(edition=edition, label="Ente di appartenenza?", position=1)
    Question.objects.create(edition=edition, label="Esigenze di accessibilità?", position=2)
    session = edition.sessions.last()
    sign_in_browser(page, signed_in(tina), live_server.url)
    page.goto(reverse("training:staff_edition", args=[edition.pk]))
    page.locator(f"a[href='{reverse('training:session_edit', args=[session.pk])}']").click()
    page.wait_for_url("**/modifica/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, "session edit form")
    page.fill("#id_venue", "Sala Rossa, Palazzo Isimbardi")
    page.fill("#id_capacity", "")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{reverse('training:staff_edition', args=[edition.pk])}**")
    session.refresh_from_db()
    assert session.venue == "Sala Rossa, Palazzo Isimbardi"
    assert_accessible(page, "edition page with session and question controls")
    page.goto(reverse("training:session_edit", args=[session.pk]))
    page.fill("#id_break_minutes", "9999")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".invalid-feedback").count() >= 1
    assert_accessible(page, "session edit form with errors")
    page.goto(reverse("training:session_delete", args=[session.pk]))
    assert_accessible(page, "session delete confirmation")
    page.goto(reverse("training:question_edit", args=[question.pk]))
    assert_accessible(page, "question edit form")
    page.goto(reverse("training:question_remove", args=[question.pk]))
    assert_accessible(page, "question removal confirmation")
    page.locator("main form button.btn-danger").click()
    page.wait_for_url(f"**{reverse('training:staff_edition', args=[edition.pk])}**")
    assert not Question.objects.filter(pk=question.pk).exists()


def test_the_catalogue_archive(page, live_server):
    move_to_past(make_edition(title="Corso concluso", sessions=1))
    make_edition(title="Corso in programma")
    page.goto(reverse("training:catalogue"))
    assert "Corso concluso" not in page.locator("main").inner_text()
    page.locator(f"main a[href='{reverse('training:archive')}']").click()
    page.wait_for_url("**/archivio/")
    assert "Corso concluso" in page.locator("main").inner_text()
    assert_accessible(page, "catalogue archive")


# Headless Chromium on Linux has neither a camera nor BarcodeDetector (shape detection ships on macOS, ChromeOS and
# Android). These stand in for both, before the page's scripts run: a canvas stream plays the part of the camera,
# and the detector "sees" the QR code of a known check-in code in every frame it is given, as a phone held still
# in front of a participant's code would.
CAMERA_STUB = """
(() => {
  window.__detections = 0;
  window.BarcodeDetector = class {
    constructor(options) { window.__formats = options.formats; }
    detect(source) {
      if (!(source instanceof HTMLVideoElement) || !source.srcObject) return Promise.resolve([]);
      window.__detections += 1;
      return Promise.resolve([{ format: "qr_code", rawValue: window.__qrPayload }]);
    }
  };
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    window.__constraints = constraints;
    const canvas = document.createElement("canvas");
    canvas.width = 320; canvas.height = 240;
    const ctx = canvas.getContext("2d");
    setInterval(() => { ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 320, 240); }, 50);
    return canvas.captureStream(20);
  };
})();
"""


def test_check_in_with_the_camera(page, live_server, office):
    vera = make_user("vera@cittametropolitana.mi.it", "Vera", role=Role.CIVIL_SERVICE_VOLUNTEER, organisation=office)
    edition = make_edition()
    person = enroll(edition, "Anna Neri")
    session = edition.sessions.first()
    start = timezone.now() - timedelta(minutes=5)
    session.starts_at, session.ends_at = start, start + timedelta(hours=2)
    session.save(update_fields=["starts_at", "ends_at"])
    page.add_init_script(CAMERA_STUB)
    page.add_init_script(f"window.__qrPayload = {person.checkin_code!r};")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    sign_in_browser(page, signed_in(vera), live_server.url)
    page.goto(reverse("training:check_in", args=[session.pk]))
    assert page.locator("#scanner").is_visible()
    page.locator("#scanner-start").click()
    page.locator("#checkin-result.alert-success").wait_for()
    assert "Anna Neri" in page.locator("#checkin-result").inner_text()
    attendance = Attendance.objects.get(session=session, enrollment=person)
    assert attendance.status == "present" and attendance.checked_in_at is not None and attendance.recorded_by == vera
    assert page.evaluate("window.__formats") == ["qr_code"]
    assert page.evaluate("window.__constraints.video.facingMode") == "environment"
    # The code stays in front of the camera: it is read again and again, but sent once (no flood of requests).
    # (Polled from here: the page's CSP forbids the eval behind wait_for_function.)
    for _ in range(100):
        if page.evaluate("window.__detections") >= 6:
            break
        page.wait_for_timeout(100)
    assert page.evaluate("window.__detections") >= 6
    assert len(posts) == 1
    assert_accessible(page, "check-in with the camera running")
