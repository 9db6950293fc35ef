from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pariter.core.roles import Perm


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs on every page."""
    user = getattr(request, "user", None)
    is_staff_user = bool(user and user.is_authenticated and user.has_role_perm(Perm.STAFF_AREA))
    return {
        "institution_name": "Città metropolitana di Milano",
        "service_name": "Servizio formazione per il sociale, terzo settore e pari opportunità",
        "show_staff_nav": is_staff_user,
        "can_manage_users": bool(user and user.is_authenticated and user.has_role_perm(Perm.MANAGE_USERS)),
        "can_view_audit": bool(user and user.is_authenticated and user.has_role_perm(Perm.VIEW_AUDIT)),
    }
