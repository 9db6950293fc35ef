"""axe-core on every page of the foundation, as the visitor who can see it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import assert_accessible, sign_in_browser
from tests.conftest import signed_in
from tests.registry.factories import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC = [
    "core:home",
    "core:accessibility",
    "core:privacy",
    "core:legal_notes",
    "core:contacts",
    "core:directory",
    "account_login",
    "account_signup",
    "account_reset_password",
]
STAFF = [
    "core:dashboard",
    "core:staff_home",
    "core:user_list",
    "core:user_create",
    "core:audit_log",
    "core:organisation_create",
    "mfa_index",
    "account_change_password",
]


@pytest.mark.parametrize("language", ["it", "en"])
def test_public_pages(page, live_server, airc, language):
    if language == "en":
        page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    for name in PUBLIC:
        page.goto(reverse(name))
        assert page.locator("h1").count() == 1, name
        assert page.locator("main#main").count() == 1, name
        assert page.locator("html").get_attribute("lang") == language
        assert_accessible(page, f"{name} ({language})")
    page.goto(reverse("core:organisation_detail", args=[airc.pk]))
    assert_accessible(page, "organisation detail")
    entity = register("Associazione Accessibile APS", airc.municipality, pec="a@pec.it", website="https://example.org")
    page.goto(reverse("registry:search") + "?q=accessibile")
    assert page.locator("table tbody tr").count() == 1
    assert_accessible(page, "register search results")
    page.goto(reverse("registry:search") + "?q=" + "x" * 300)
    assert_accessible(page, "register search with an error")
    page.goto(reverse("registry:entity", args=[entity.repertory_number]))
    assert_accessible(page, "register entry")
    page.goto("/this-page-does-not-exist/")
    assert_accessible(page, "404")


def test_staff_pages(page, live_server, alice, airc, charlie):
    sign_in_browser(page, signed_in(alice), live_server.url)
    for name in STAFF:
        page.goto(reverse(name))
        assert page.locator("h1").count() == 1, name
        assert_accessible(page, name)
    for url in [
        reverse("core:user_detail", args=[charlie.pk]),
        reverse("core:organisation_edit", args=[airc.pk]),
        reverse("core:organisation_detail", args=[airc.pk]),
    ]:
        page.goto(url)
        assert_accessible(page, url)


def test_forms_with_errors(page, live_server, alice):
    sign_in_browser(page, signed_in(alice), live_server.url)
    page.goto(reverse("core:organisation_create"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[aria-invalid=true]").count() >= 3
    assert_accessible(page, "organisation form with errors")


def test_the_403_page(page, live_server, charlie):
    sign_in_browser(page, signed_in(charlie), live_server.url)
    response = page.goto(reverse("core:staff_home"))
    assert response.status == 403
    assert_accessible(page, "403")
