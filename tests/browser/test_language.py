from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_switches_between_italian_and_english(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "it"
    assert page.get_by_role("link", name="Accedi").count() >= 1
    page.locator("button[name=language][value=en]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Sign in").count() >= 1
    assert page.url.endswith("/")
    page.locator("button[name=language][value=it]").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "it"
