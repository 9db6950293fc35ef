"""Who may do what in training: one table of the area's permissions, and one access helper per object.

The table lives here rather than in core's `ROLE_PERMISSIONS` because core never names an area's work; it is read
from the same memberships (`User.roles`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import get_object_or_404

from pariter.core.access import deny
from pariter.core.roles import Role
from pariter.training.models import CertificateBatch, Edition, Question, TrainingSession


class TrainingPerm:
    MANAGE = "training.manage"
    # Civil-service volunteers at the door: they record check-ins and nothing else.
    CHECK_IN = "training.check_in"


TRAINING_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset({TrainingPerm.MANAGE, TrainingPerm.CHECK_IN}),
    Role.TRAINING_OFFICER: frozenset({TrainingPerm.MANAGE, TrainingPerm.CHECK_IN}),
    Role.CIVIL_SERVICE_VOLUNTEER: frozenset({TrainingPerm.CHECK_IN}),
}


def has_perm(user: Any, perm: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return any(perm in TRAINING_PERMISSIONS.get(role, frozenset()) for role in user.roles)


View = Callable[..., HttpResponseBase]


def require(perm: str) -> Callable[[View], View]:
    """Anonymous visitors are sent to sign in; signed-in users without `perm` get 403 (and a line in the log)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, perm):
                raise deny(request, perm)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def get_edition_for_manage(request: HttpRequest, pk: int) -> Edition:
    if not has_perm(request.user, TrainingPerm.MANAGE):
        raise deny(request, TrainingPerm.MANAGE)
    return get_object_or_404(Edition.objects.select_related("initiative"), pk=pk)


def get_session_for_check_in(request: HttpRequest, pk: int) -> TrainingSession:
    if not has_perm(request.user, TrainingPerm.CHECK_IN):
        raise deny(request, TrainingPerm.CHECK_IN)
    return get_object_or_404(TrainingSession.objects.select_related("edition__initiative"), pk=pk)


def get_session_for_manage(request: HttpRequest, pk: int) -> TrainingSession:
    if not has_perm(request.user, TrainingPerm.MANAGE):
        raise deny(request, TrainingPerm.MANAGE)
    return get_object_or_404(TrainingSession.objects.select_related("edition__initiative"), pk=pk)


def get_question_for_manage(request: HttpRequest, pk: int) -> Question:
    if not has_perm(request.user, TrainingPerm.MANAGE):
        raise deny(request, TrainingPerm.MANAGE)
    return get_object_or_404(Question.objects.select_related("edition__initiative", "depends_on"), pk=pk)


def get_batch_for_manage(request: HttpRequest, pk: int) -> CertificateBatch:
    if not has_perm(request.user, TrainingPerm.MANAGE):
        raise deny(request, TrainingPerm.MANAGE)
    return get_object_or_404(CertificateBatch.objects.select_related("edition__initiative"), pk=pk)


def get_public_edition(pk: int) -> Edition:
    return get_object_or_404(Edition.objects.select_related("initiative"), pk=pk, is_published=True)
