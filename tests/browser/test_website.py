"""The public website in Chromium: axe on every kind of page, in both languages, and no third-party request."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest

from pariter.website import demo
from pariter.website.models import SectionPage
from tests.browser.conftest import assert_accessible, sign_in_browser
from tests.conftest import signed_in
from tests.website.factories import ensure_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("/", "home"),
    ("/diritti/", "section index"),
    ("/diritti/maternita-e-paternita/", "rights guide"),
    ("/diritti/sostegno-alle-vittime-di-violenza/", "rights guide with callout"),
    ("/diritti/parita-di-trattamento-sul-lavoro/", "rights guide with timeline"),
    ("/notizie/", "news index"),
    ("/notizie/congedo-di-paternita-dieci-giorni/", "article"),
    ("/domande-frequenti/", "FAQ"),
    ("/cerca-nel-registro/", "register search"),
    ("/catalogo-dati-aperti/", "open-data catalogue"),
    ("/accessibilita/", "accessibility statement"),
    ("/privacy/", "privacy notice"),
    ("/contatti/", "contacts"),
    ("/cerca/?q=congedo", "search results"),
    ("/cerca/?q=nessunrisultato", "search without results"),
]


@pytest.fixture
def website(db):  # type: ignore[no-untyped-def]
    ensure_site()
    demo.build()
    from django.core.management import call_command

    call_command("update_index", verbosity=0)


@pytest.mark.parametrize("language", ["it", "en"])
def test_every_kind_of_public_page_passes_axe(page, live_server, website, language):
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    for path, label in PAGES:
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1, path
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, f"{label} ({language})")


def test_the_feedback_form_passes_axe_before_and_after_an_error(page, live_server, website):
    page.goto("/privacy/")
    assert_accessible(page, "page with the feedback form")
    page.locator("[data-element=feedback] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#feedback-rating-error").count() == 1
    assert_accessible(page, "feedback form with an error")
    page.locator("label[for=feedback-rate-4]").click()
    page.locator("[data-element=feedback-input-text]").fill("Chiara.")
    page.locator("[data-element=feedback] button[type=submit]").click()
    page.wait_for_load_state()
    assert "Grazie" in page.locator(".messages").inner_text()
    assert_accessible(page, "page after the feedback was sent")


def test_a_published_page_makes_no_request_to_another_host(page, live_server, website):
    own = urlsplit(live_server.url).netloc
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    for path in ("/", "/diritti/maternita-e-paternita/", "/notizie/congedo-di-paternita-dieci-giorni/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    others = [url for url in requested if urlsplit(url).netloc not in (own, "") and not url.startswith("data:")]
    assert requested and not others, others


def test_the_editors_page_create_flow(page, live_server, website, alice):
    """Wagtail's editor is not our markup: this records that its create form has no serious axe finding."""
    sign_in_browser(page, signed_in(alice), live_server.url)
    news = SectionPage.objects.get(slug="notizie", locale__language_code="it")
    response = page.goto(f"/cms/pages/add/website/articlepage/{news.pk}/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert_accessible(page, "Wagtail: new article form")


def test_the_officers_ratings_pages_pass_axe(page, live_server, website, oscar):
    from pariter.website import services
    from pariter.website.models import StandardPage

    privacy = StandardPage.objects.get(slug="privacy", locale__language_code="it")
    services.feedback_submit(page=privacy, rating=2, comment="Troppo lunga.", language="it")
    sign_in_browser(page, signed_in(oscar), live_server.url)
    page.goto("/gestione/sito/valutazioni/")
    assert_accessible(page, "ratings per page")
    page.goto(f"/gestione/sito/valutazioni/{privacy.pk}/")
    assert page.get_by_text("Troppo lunga.").count() == 1
    assert_accessible(page, "ratings of one page")


def test_saving_a_legal_page_in_the_editor_keeps_languages_and_abbreviations(page, live_server, website, alice):
    """The real editor: open the legal notes, save a draft without touching them, and nothing is lost."""
    from pariter.website.models import StandardPage

    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    notes = StandardPage.objects.get(slug="note-legali", locale__language_code="it")
    sign_in_browser(page, signed_in(alice), live_server.url)
    page.goto(f"/cms/pages/{notes.pk}/edit/")
    page.locator(".Draftail-Editor").first.wait_for()
    assert page.locator(".website-draftail-abbr").count() >= 5  # the abbreviations are marked in the editor
    page.locator("button.action-save").first.click()
    page.wait_for_load_state("networkidle")
    notes.refresh_from_db()
    saved = str(notes.get_latest_revision_as_object().body)
    assert notes.latest_revision is not None
    assert saved.count("<abbr title=") == 5
    assert '<span lang="en">European Union Public Licence</span>' in saved
    assert not errors, errors
    _leave_the_editor(page, alice)


def _leave_the_editor(page, user) -> None:  # type: ignore[no-untyped-def]
    """Close the editor and wait until Wagtail has released its editing session.

    The editor pings the live server and, when it unloads, sends a release beacon; the live server answers on its
    own thread over the test's shared SQLite connection, so a request still running when the test database is
    flushed makes the flush fail ("cannot start a transaction within a transaction").
    """
    from wagtail.admin.models import EditingSession

    page.goto("about:blank")
    deadline = time.monotonic() + 5
    while EditingSession.objects.filter(user=user).exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_the_megamenu_works_from_the_keyboard_and_passes_axe_open(page, live_server, website):
    page.set_viewport_size({"width": 1280, "height": 900})  # the menu bar of a desktop, not the burger
    page.goto("/privacy/")
    button = page.locator("#main-nav .megamenu > button", has_text="Diritti")
    panel = page.locator(f"#{button.get_attribute('aria-controls')}")
    assert button.get_attribute("aria-expanded") == "false" and not panel.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and panel.is_visible()
    assert panel.locator("a.dropdown-item").count() >= 4  # the overview and the three guides
    assert_accessible(page, "megamenu open")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused and focused.startswith("/diritti/")
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not panel.is_visible()
    assert page.evaluate("document.activeElement.id") == button.get_attribute("id")
    page.keyboard.press("Enter")
    assert panel.is_visible()
    page.keyboard.press("ArrowDown")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # follows the focused link
    assert page.url.endswith("/diritti/")
