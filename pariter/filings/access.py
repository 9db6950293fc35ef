"""Who may see and act on a filing: one helper per purpose, default deny.

Officers are the register officers and administrators of the home office. An entity's representative sees the
filings of the organisations they represent today and nothing else: any other filing answers 404. A notary enabled
by the office sees the filings they filed, and nothing else, through the same pages ("filers" are both).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from pariter.core.access import deny
from pariter.core.roles import Role
from pariter.filings.kinds import Kind
from pariter.filings.models import Filing, FilingDocument, Notary

View = Callable[..., HttpResponse]
OFFICER_ROLES = frozenset({Role.REGISTER_OFFICER, Role.ADMINISTRATOR})
OFFICER_PERMISSION = "filings.workbench"
PORTAL_PERMISSION = "filings.portal"
NOTARY_PERMISSION = "filings.notary"


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


def active_notary(user: Any) -> Notary | None:
    """The user's notary record if the office has enabled it and it has not ended; None for everyone else."""
    if not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, "_active_notary"):
        notary = Notary.objects.filter(user=user).first()
        user._active_notary = notary if notary and notary.is_active_on(timezone.localdate()) else None
    return user._active_notary  # type: ignore[no-any-return]


def is_active_notary(user: Any) -> bool:
    return active_notary(user) is not None


def is_filer(user: Any) -> bool:
    return bool(represented_organisation_ids(user)) or active_notary(user) is not None


def _filer_scope(user: Any) -> Q:
    notary = active_notary(user)
    scope = Q(organisation_id__in=represented_organisation_ids(user))
    return scope | Q(notary=notary) if notary is not None else scope


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
require_notary = _guard(lambda user: active_notary(user) is not None, NOTARY_PERMISSION)
require_filer = _guard(is_filer, PORTAL_PERMISSION)


def get_filing_for_officer(request: HttpRequest, pk: int) -> Filing:
    if not is_register_officer(request.user):
        raise deny(request, OFFICER_PERMISSION)
    filing = Filing.objects.select_related("organisation", "entity", "section", "assignee").filter(pk=pk).first()
    if filing is None:
        raise Http404
    return filing


def get_filing_for_representative(request: HttpRequest, pk: int) -> Filing:
    """The filing if the user represents its organisation today, or filed it as a notary; 404 otherwise."""
    from pariter.filings.selectors import undisclosed_controls

    filing = (
        Filing.objects.select_related("organisation", "entity", "section", "notary")
        .filter(_filer_scope(request.user), pk=pk)
        .exclude(undisclosed_controls())
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
    if is_register_officer(user):
        return document
    if document.filing.kind == Kind.CONTROL and not document.sent_at:
        raise Http404  # a control's papers reach the entity with its formal acts, and only those (need to know)
    if document.filing.organisation_id in represented_organisation_ids(user):
        return document
    notary = active_notary(user)
    if notary is not None and document.filing.notary_id == notary.pk:
        return document
    raise Http404
