from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_browses_the_directory_and_opens_an_organisation(page, airc, inps, sesto):
    page.goto("/organizzazioni/")
    assert_accessible(page, "directory")
    page.get_by_label("Nome o codice fiscale").fill("airc")
    page.get_by_role("button", name="Cerca").click()
    page.wait_for_load_state()
    rows = page.locator("table tbody tr")
    assert rows.count() == 1
    page.get_by_role("link", name=airc.name).click()
    page.wait_for_url(f"**/organizzazioni/{airc.pk}/")
    assert page.locator("h1").inner_text() == airc.name
    assert_accessible(page, "organisation page")
