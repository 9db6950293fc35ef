"""Who may do what: one place per protected object, default deny.

Views call these helpers; they either return what was asked for or refuse
with 404 (the object is none of your business) or 403 (you are known, but
not allowed), and every refusal to a signed-in user is logged.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from pariter.core import audit
from pariter.core.models import Organisation, User
from pariter.core.roles import Perm

View = Callable[..., HttpResponse]


def deny(request: HttpRequest, perm: str) -> PermissionDenied:
    audit.record("core.access.denied", changes={"path": request.path[:200], "permission": perm})
    return PermissionDenied(perm)


def require_perm(perm: str) -> Callable[[View], View]:
    """Anonymous visitors are sent to sign in; signed-in users without `perm` get 403."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_role_perm(perm):
                raise deny(request, perm)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require_login(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def can_view_history(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role_perm(Perm.VIEW_HISTORY))


def get_organisation_for_edit(request: HttpRequest, pk: int) -> Organisation:
    if not request.user.is_authenticated or not request.user.has_role_perm(Perm.MANAGE_ORGANISATIONS):
        raise deny(request, Perm.MANAGE_ORGANISATIONS)
    return get_object_or_404(Organisation, pk=pk)


def get_user_for_admin(request: HttpRequest, pk: int) -> User:
    if not request.user.is_authenticated or not request.user.has_role_perm(Perm.MANAGE_USERS):
        raise deny(request, Perm.MANAGE_USERS)
    return get_object_or_404(User, pk=pk)
