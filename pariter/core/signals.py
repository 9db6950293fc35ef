"""Authentication events written to the audit log."""

from __future__ import annotations

from typing import Any

from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver
from django.http import HttpRequest

from pariter.core import audit
from pariter.core.net import client_ip


@receiver(auth_signals.user_logged_in, dispatch_uid="audit-login")
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    with audit.context(ip_address=client_ip(request) if request else None):
        audit.record("core.auth.login", obj=user, actor=user)


@receiver(auth_signals.user_logged_out, dispatch_uid="audit-logout")
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None:
        return
    with audit.context(ip_address=client_ip(request) if request else None):
        audit.record("core.auth.logout", obj=user, actor=user)


@receiver(auth_signals.user_login_failed, dispatch_uid="audit-login-failed")
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the identifier tried is kept: never the password.
    tried = str(credentials.get("email") or credentials.get("username") or "")[:254]
    with audit.context(ip_address=client_ip(request) if request else None, actor_id=None, actor_label=""):
        audit.record("core.auth.login_failed", changes={"identifier": tried})


@receiver(mfa_signals.authentication_failed, dispatch_uid="audit-mfa-failed")
def on_mfa_failed(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    with audit.context(ip_address=client_ip(request) if request else None):
        audit.record("core.auth.mfa_failed", obj=user, actor=user)


@receiver(mfa_signals.authenticator_added, dispatch_uid="audit-mfa-added")
def on_authenticator_added(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    with audit.context(ip_address=client_ip(request) if request else None):
        audit.record("core.auth.mfa_enrolled", obj=user, actor=user, changes={"type": authenticator.type})


@receiver(mfa_signals.authenticator_removed, dispatch_uid="audit-mfa-removed")
def on_authenticator_removed(
    sender: Any, request: HttpRequest | None, user: Any, authenticator: Any, **kwargs: Any
) -> None:
    with audit.context(ip_address=client_ip(request) if request else None):
        audit.record("core.auth.mfa_removed", obj=user, actor=user, changes={"type": authenticator.type})
