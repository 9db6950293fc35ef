"""The Django admin sits behind allauth's login (and so MFA) and the administrator role."""

from __future__ import annotations

from types import MethodType

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from pariter.core import audit
from pariter.core.roles import Perm


def protect(site: AdminSite) -> None:
    def has_permission(self: AdminSite, request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        if not user.has_role_perm(Perm.DJANGO_ADMIN):
            audit.record("core.access.denied", changes={"path": request.path[:200], "permission": Perm.DJANGO_ADMIN})
            raise PermissionDenied(Perm.DJANGO_ADMIN)
        return True

    site.has_permission = MethodType(has_permission, site)  # type: ignore[method-assign]
    site.site_header = "Pariter"
    site.site_title = "Pariter"
