from __future__ import annotations

import time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pariter.core import access, selectors, services
from pariter.core.forms import (
    ActingOrganisationForm,
    AuditFilterForm,
    DirectoryFilterForm,
    MembershipEndForm,
    MembershipForm,
    OrganisationForm,
    UserCreateForm,
    UserEditForm,
)
from pariter.core.models import Membership, Organisation
from pariter.core.pagination import InvalidCursor, query_without_cursor
from pariter.core.roles import Perm, Role


def _apply_errors(form, error: ValidationError) -> None:  # type: ignore[no-untyped-def]
    """Put a service's ValidationError on the form, field by field where possible."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Public pages -------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def static_page(name: str):  # type: ignore[no-untyped-def]
    """A page of long prose: one template per language, since a legal text is translated whole."""

    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        language = "en" if (request.LANGUAGE_CODE or "").startswith("en") else "it"
        return render(request, f"core/pages/{language}/{name}.html")

    view.__name__ = name
    return view


accessibility = static_page("accessibility")
privacy = static_page("privacy")
legal_notes = static_page("legal_notes")
contacts = static_page("contacts")


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer: the database answers, and the task queue is not stuck."""
    from django_tasks_db.models import DBTaskResult

    checks: dict[str, dict[str, object]] = {}
    started = time.monotonic()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {
            "status": "ok",
            "vendor": connection.vendor,
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
    except Exception as exc:  # noqa: BLE001 - a health check reports, never raises
        checks["database"] = {"status": "error", "error": exc.__class__.__name__}
    try:
        oldest = (
            DBTaskResult.objects.filter(status="READY")
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
        waiting = DBTaskResult.objects.filter(status="READY").order_by().values("pk")[:1001].count()
        from django.utils import timezone

        age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
        checks["tasks"] = {
            "status": "ok" if age < 600 else "degraded",
            "waiting": waiting if waiting <= 1000 else "1000+",
            "oldest_waiting_seconds": round(age),
        }
    except Exception as exc:  # noqa: BLE001
        checks["tasks"] = {"status": "error", "error": exc.__class__.__name__}
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


# --- Directory ----------------------------------------------------------------


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters: dict[str, object] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    try:
        page = selectors.organisation_directory(cursor=request.GET.get("cursor") or None, **filters)  # type: ignore[arg-type]
    except InvalidCursor:
        messages.error(request, _("That page link is no longer valid; here is the first page."))
        page = selectors.organisation_directory(**filters)  # type: ignore[arg-type]
    return render(
        request,
        "core/directory/list.html",
        {
            "form": form,
            "page": page,
            "filter_query": query_without_cursor(request.GET),
            "can_add": request.user.is_authenticated and request.user.has_role_perm(Perm.MANAGE_ORGANISATIONS),
        },
    )


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("municipality"), pk=pk)
    show_history = access.can_view_history(request.user)
    return render(
        request,
        "core/directory/detail.html",
        {
            "organisation": organisation,
            "history": selectors.object_history(organisation) if show_history else None,
            "can_edit": request.user.is_authenticated and request.user.has_role_perm(Perm.MANAGE_ORGANISATIONS),
        },
    )


@access.require_perm(Perm.MANAGE_ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(**form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The organisation was added to the directory."))
            return redirect(organisation)
    return render(
        request,
        "core/directory/form.html",
        {"form": form, "organisation": None},
    )


@access.require_perm(Perm.MANAGE_ORGANISATIONS)
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_organisation_for_edit(request, pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        fresh = Organisation.objects.get(pk=organisation.pk)
        try:
            services.organisation_update(organisation=fresh, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(fresh)
    return render(
        request,
        "core/directory/form.html",
        {"form": form, "organisation": organisation},
    )


# --- Personal area ------------------------------------------------------------


@access.require_login
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    from allauth.mfa.models import Authenticator

    assert request.user.is_authenticated  # by require_login
    return render(
        request,
        "core/dashboard.html",
        {
            "memberships": request.user.active_memberships,
            "acting_id": request.session.get("acting_organisation_id"),
            "has_totp": Authenticator.objects.filter(user=request.user, type=Authenticator.Type.TOTP).exists(),
        },
    )


@access.require_login
@require_POST
def acting_organisation(request: HttpRequest) -> HttpResponse:
    assert request.user.is_authenticated  # by require_login
    form = ActingOrganisationForm(request.POST, memberships=request.user.active_memberships)
    if form.is_valid():
        request.session["acting_organisation_id"] = form.cleaned_data["organisation"]
        messages.success(request, _("You are now acting on behalf of the chosen organisation."))
    else:
        messages.error(request, _("You do not belong to this organisation."))
    return redirect("core:dashboard")


# --- Staff area: users and roles ---------------------------------------------


@access.require_perm(Perm.STAFF_AREA)
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/staff/home.html")


@access.require_perm(Perm.MANAGE_USERS)
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    try:
        page = selectors.user_directory(q=q, role=role, cursor=request.GET.get("cursor") or None)
    except InvalidCursor:
        raise Http404 from None
    return render(
        request,
        "core/staff/user_list.html",
        {"page": page, "q": q, "role": role, "roles": Role.choices, "filter_query": query_without_cursor(request.GET)},
    )


@access.require_perm(Perm.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(**form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The account was created and an invitation e-mail is on its way."))
            return redirect("core:user_detail", pk=user.pk)
    return render(request, "core/staff/user_create.html", {"form": form})


@access.require_perm(Perm.MANAGE_USERS)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_user_for_admin(request, pk)
    form = UserEditForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        if person == request.user and not form.cleaned_data["is_active"]:
            form.add_error("is_active", _("You cannot deactivate your own account."))
        else:
            services.user_update(
                user=person,
                full_name=form.cleaned_data["full_name"],
                is_active=form.cleaned_data["is_active"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The changes were saved."))
            return redirect("core:user_detail", pk=person.pk)
    return render(
        request,
        "core/staff/user_detail.html",
        {
            "person": person,
            "form": form,
            "memberships": selectors.memberships_of(person),
            "membership_form": MembershipForm(),
            "history": selectors.object_history(person),
            "suggestions": selectors.membership_suggestions(),
        },
    )


@access.require_perm(Perm.MANAGE_USERS)
@require_POST
def membership_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_user_for_admin(request, pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.membership_add(
                user=person,
                organisation=data["organisation"],
                role=data["role"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The role was assigned."))
            return redirect("core:user_detail", pk=person.pk)
    return render(
        request,
        "core/staff/user_detail.html",
        {
            "person": person,
            "form": UserEditForm(instance=person),
            "memberships": selectors.memberships_of(person),
            "membership_form": form,
            "history": selectors.object_history(person),
            "suggestions": selectors.membership_suggestions(),
        },
        status=400,
    )


@access.require_perm(Perm.MANAGE_USERS)
@require_POST
def membership_end(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = access.get_user_for_admin(request, pk)
    membership = get_object_or_404(Membership, pk=membership_pk, user=person)
    form = MembershipEndForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.membership_end(membership=membership, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The membership was ended today."))
    return redirect("core:user_detail", pk=person.pk)


@access.require_perm(Perm.VIEW_AUDIT)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    try:
        page = selectors.audit_log(cursor=request.GET.get("cursor") or None, **filters)
    except InvalidCursor:
        raise Http404 from None
    return render(
        request,
        "core/staff/audit_log.html",
        {"form": form, "page": page, "filter_query": query_without_cursor(request.GET)},
    )
