"""Signing in: password, second factor, enrolment, rate limits, expiry and refusals."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.db import connection
from django.test import Client
from django.urls import reverse

from pariter.core import crypto
from pariter.core.models import AuditEntry
from tests.conftest import PASSWORD

LOGIN = reverse("account_login")


def current_code(user) -> str:
    auth = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = crypto.decrypt(auth.data["secret"])
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()


def test_an_enrolled_officer_signs_in_with_password_and_code(oscar):
    TOTP.activate(oscar, generate_totp_secret())
    client = Client()
    response = client.post(LOGIN, {"login": oscar.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    # Not signed in yet: the second factor is still due.
    assert client.get(reverse("core:staff_home")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(oscar)})
    assert response.status_code == 302
    assert client.get(reverse("core:staff_home")).status_code == 200
    assert AuditEntry.objects.filter(action="core.auth.login", actor=oscar).exists()


def test_a_wrong_code_is_refused_and_logged(oscar):
    TOTP.activate(oscar, generate_totp_secret())
    client = Client()
    client.post(LOGIN, {"login": oscar.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert client.get(reverse("core:staff_home")).status_code == 302
    assert AuditEntry.objects.filter(action="core.auth.mfa_failed", object_id=str(oscar.pk)).exists()


def test_the_totp_secret_is_encrypted_at_rest(oscar):
    secret = generate_totp_secret()
    TOTP.activate(oscar, secret)
    stored = Authenticator.objects.get(user=oscar).data["secret"]
    assert stored != secret and crypto.decrypt(stored) == secret


def test_an_officer_without_a_second_factor_is_walked_through_enrolment(oscar):
    client = Client()
    response = client.post(LOGIN, {"login": oscar.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    # Every other page sends them back until they enrol.
    assert client.get(reverse("core:directory")).url == reverse("mfa_activate_totp")
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    secret = client.session[SECRET_SESSION_KEY]
    counters = list(yield_hotp_counters_from_time())
    counter = counters[len(counters) // 2]
    response = client.post(reverse("mfa_activate_totp"), {"code": format_hotp_value(hotp_value(secret, counter))})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=oscar, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("core:staff_home")).status_code == 200
    # The authenticator app, and the recovery codes generated with it.
    entries = AuditEntry.objects.filter(action="mfa.authenticator.created", actor_id=oscar.pk)
    assert {e.changes["type"][1] for e in entries} == {"totp", "recovery_codes"}
    assert all("data" not in e.changes for e in entries)


def test_enrolment_is_announced_after_commit(oscar, django_capture_on_commit_callbacks):
    from allauth.mfa import signals

    secret = generate_totp_secret()
    with django_capture_on_commit_callbacks(execute=True):
        auth = TOTP.activate(oscar, secret).instance
        signals.authenticator_added.send(sender=Authenticator, request=None, user=oscar, authenticator=auth)
    assert AuditEntry.objects.filter(action="core.auth.mfa_enrolled", object_id=str(oscar.pk)).exists()


def test_staff_cannot_switch_the_second_factor_off(as_oscar, oscar):
    as_oscar.post(reverse("mfa_deactivate_totp"), {})
    assert Authenticator.objects.filter(user=oscar, type=Authenticator.Type.TOTP).exists()


def test_citizens_sign_in_without_a_second_factor(charlie):
    client = Client()
    response = client.post(LOGIN, {"login": charlie.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_failed_login_is_logged_without_the_password(charlie):
    Client().post(LOGIN, {"login": charlie.email, "password": "wrong-password-123"})
    entry = AuditEntry.objects.get(action="core.auth.login_failed")
    assert entry.changes == {"identifier": charlie.email}
    assert "wrong-password-123" not in str(entry.changes)


def test_failed_logins_are_rate_limited(charlie):
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"login": charlie.email, "password": "nope-nope-nope"})
    response = client.post(LOGIN, {"login": charlie.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert client.get(reverse("core:dashboard")).status_code == 302


def test_logout_is_logged(as_charlie, charlie):
    as_charlie.post(reverse("account_logout"))
    assert AuditEntry.objects.filter(action="core.auth.logout", actor=charlie).exists()


def test_an_expired_session_is_explained_and_logged(charlie, settings):
    client = Client()
    client.post(LOGIN, {"login": charlie.email, "password": PASSWORD})
    client.session.flush()  # what the expiry job does to an idle session
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
    response = client.get(reverse("core:dashboard"), follow=True)
    assert "/account/login/" in response.redirect_chain[0][0]
    assert AuditEntry.objects.filter(action="core.auth.session_expired").exists()
    assert "session expired" in response.text or "sessione è scaduta" in response.text


def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_REFRESH_SECONDS <= 60


def test_a_request_moves_the_expiry_on_at_most_once_a_refresh_interval(as_charlie, monkeypatch):
    from django.contrib.sessions.models import Session
    from django.test.utils import CaptureQueriesContext

    from pariter.core import middleware

    key = as_charlie.cookies["sessionid"].value
    as_charlie.get(reverse("core:dashboard"))
    first = Session.objects.get(session_key=key).expire_date
    with CaptureQueriesContext(connection) as queries:
        as_charlie.get(reverse("core:dashboard"))  # within the interval: the session is read, not written
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]
    assert Session.objects.get(session_key=key).expire_date == first
    later = time.time() + 61
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    as_charlie.get(reverse("core:dashboard"))
    assert Session.objects.get(session_key=key).expire_date > first


def test_an_anonymous_visitor_gets_no_session(client, db):
    response = client.get(reverse("core:home"))
    assert "sessionid" not in response.cookies


def test_an_ordinary_user_opening_the_admin_is_refused_and_logged(as_charlie):
    assert as_charlie.get("/admin/").status_code == 403
    entry = AuditEntry.objects.filter(action="core.access.denied").latest("id")
    assert entry.changes["path"] == "/admin/"


def test_an_officer_who_is_not_administrator_is_refused_by_the_admin(as_oscar):
    assert as_oscar.get("/admin/core/organisation/").status_code == 403


def test_the_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
