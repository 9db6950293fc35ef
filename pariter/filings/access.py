"""Who may see and act on a filing: one helper per purpose, default deny.

Officers are the register officers and administrators of the home office. An entity's representative sees the
filings of the organisations they represent today and nothing else: any other filing answers 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from pariter.core.access import deny
from pariter.core.roles import Role
from pariter.filings.models import Filing, FilingDocument

View = Callable[..., HttpResponse]
OFFICER_ROLES = frozenset({Role.REGISTER_OFFICER, Role.ADMINISTRATOR})
OFFICER_PERMISSION = "filings.workbench"
PORTAL_PERMISSION = "filings.portal"


def is_register_officer(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and any(m.role in OFFICER_ROLES and m.organisation.is_home_office for m in user.active_memberships)
    )


def represented_organisation_ids(user: Any) -> set[int]:
    if not user.is_authenticated or not user.is_active:
        return set()
    return {m.organisation_id for m in user.active_memberships if m.role == Role.ENTITY_REPRESENTATIVE}


def _guard(check: Callable[[Any], bool], permission: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise deny(request, permission)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


require_officer = _guard(is_register_officer, OFFICER_PERMISSION)
require_representative = _guard(lambda user: bool(represented_organisation_ids(user)), PORTAL_PERMISSION)


def get_filing_for_officer(request: HttpRequest, pk: int) -> Filing:
    if not is_register_officer(request.user):
        raise deny(request, OFFICER_PERMISSION)
    filing = Filing.objects.select_related("organisation", "entity", "section", "assignee").filter(pk=pk).first()
    if filing is None:
        raise Http404
    return filing


def get_filing_for_representative(request: HttpRequest, pk: int) -> Filing:
    """The filing if the user represents its organisation today; 404 otherwise, whoever asks."""
    filing = (
        Filing.objects.select_related("organisation", "entity", "section")
        .filter(pk=pk, organisation_id__in=represented_organisation_ids(request.user))
        .first()
    )
    if filing is None:
        raise Http404
    return filing


def get_document_for_user(request: HttpRequest, filing_pk: int, pk: int) -> FilingDocument:
    document = FilingDocument.objects.select_related("filing").filter(pk=pk, filing_id=filing_pk).first()
    if document is None:
        raise Http404
    user = request.user
    if is_register_officer(user) or document.filing.organisation_id in represented_organisation_ids(user):
        return document
    raise Http404
