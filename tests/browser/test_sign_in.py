"""An officer signs in with password and authenticator code, in a real browser."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

from tests.browser.conftest import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_an_officer_signs_in_with_mfa(page, oscar):
    secret = generate_totp_secret()
    TOTP.activate(oscar, secret)
    page.goto("/account/login/")
    assert_accessible(page, "login")
    page.locator("input[name=login]").fill(oscar.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/account/2fa/authenticate/")
    assert_accessible(page, "second factor")
    page.locator("input[name=code]").fill(_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/area-personale/")
    assert oscar.get_short_name() in page.locator("h1").inner_text()
    assert_accessible(page, "personal area")


def test_a_new_officer_is_walked_through_enrolment(page, oscar):
    page.goto("/account/login/")
    page.locator("input[name=login]").fill(oscar.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/account/2fa/totp/activate/")
    assert_accessible(page, "TOTP enrolment")
    assert page.locator("svg, img").count() >= 1  # the QR code to scan
