from __future__ import annotations

import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from pariter.core import audit
from pariter.core.net import client_ip

Handler = Callable[[HttpRequest], HttpResponse]


def acting_organisation_id(request: HttpRequest) -> int | None:
    """The organisation the user acts for: chosen in the session, else the first."""
    user = request.user
    if not user.is_authenticated:
        return None
    ids = [m.organisation_id for m in user.active_memberships]
    chosen = request.session.get("acting_organisation_id")
    if chosen in ids:
        return chosen
    return ids[0] if ids else None


class AuditContextMiddleware:
    """Tells the audit log who acts, for which organisation, from where."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        values: dict[str, object] = {"ip_address": client_ip(request)}
        if user.is_authenticated:
            values.update(
                actor_id=user.pk,
                actor_label=user.email,
                organisation_id=acting_organisation_id(request),
            )
        with audit.context(**values):
            return self.get_response(request)


class SessionRefreshMiddleware:
    """A signed-in session lives SESSION_COOKIE_AGE after its last request, give or take SESSION_REFRESH_SECONDS.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session (a database transaction) on every page view; here the
    expiry moves forward only when the last move is older than the refresh interval, so reading pages writes
    nothing most of the time and the idle timeout stays the same within that interval.
    """

    key = "_refreshed_at"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # A visitor without a session cookie whose request never looked at the session has none to refresh, and
        # looking now would add "Vary: Cookie" to a page kept for everyone.
        if session is None or not (session.accessed or settings.SESSION_COOKIE_NAME in request.COOKIES):
            return response
        last = session.get(self.key, 0)  # loads the session: a cookie for a session that is gone leaves no key
        if session.session_key is not None and time.time() - last >= settings.SESSION_REFRESH_SECONDS:
            session[self.key] = int(time.time())  # modified: SessionMiddleware saves it with a new expiry
        return response


class SessionExpiryMiddleware:
    """A request carrying a session cookie that no longer exists: say so, and log it."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        expired = cookie is not None and not request.user.is_authenticated and not request.session.exists(cookie)
        if expired:
            audit.record("core.auth.session_expired", changes={"path": request.path[:200]})
            messages.info(request, _("Your session expired after a period of inactivity. Please sign in again."))
        return self.get_response(request)


class StaffMFAMiddleware:
    """Accounts that act for an institution cannot do anything before enrolling a second factor."""

    allowed_prefixes = ("/account/", "/static/", "/media/", "/i18n/", "/health/")

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.requires_mfa
            and not request.path.startswith(self.allowed_prefixes)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request,
                _("Your account gives access to protected data: set up an authenticator app to continue."),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
