from __future__ import annotations

import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.reauthentication import get_authentication_records
from allauth.core import context
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Citizens may create an account; staff accounts are created by administrators."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return bool(getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True))

    def is_reauthentication_required(self, *, app: str, **kwargs: object) -> bool:
        # The mandatory first enrolment comes seconds after the password was
        # typed: asking for it again would only add friction. Any later change
        # to the second factor still requires re-authentication.
        if app == "allauth.mfa" and self._just_signed_in_without_factor():
            return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def _just_signed_in_without_factor(self) -> bool:
        request = context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if Authenticator.objects.filter(user=user).exists():
            return False
        records = get_authentication_records(request, user)
        return bool(records) and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT
