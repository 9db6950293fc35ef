from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pariter.core import audit, pagecache
from pariter.core.pagination import InvalidCursor, query_without_cursor
from pariter.training import access, calendar, certificates, exports, links, selectors, services, tasks
from pariter.training.access import TrainingPerm
from pariter.training.forms import (
    AccreditationForm,
    AttendanceForm,
    CheckInForm,
    EditionCreateForm,
    EditionForm,
    EnrollmentChangeForm,
    EnrollmentForm,
    ExportForm,
    InitiativeForm,
    QuestionForm,
    ScheduleForm,
    SessionForm,
    SurveyForm,
    SurveySetupForm,
    VerifyForm,
    session_initial,
)
from pariter.training.models import (
    Audience,
    Certificate,
    CertificateBatch,
    Edition,
    Enrollment,
    EnrollmentState,
    InitiativeKind,
    MessageKind,
    Survey,
)


def _errors(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


def _form_errors(form: Any) -> list[str]:
    return [str(m) for errs in form.errors.values() for m in errs]


def _apply(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errs in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error)


# Anonymous visitors get the catalogue and edition pages from the page cache until a training record changes
# (services.catalogue_changed). They show whether enrolment is open, which also turns with the clock: a minute.
PAGE_CACHE_SCOPE = services.PAGE_CACHE_SCOPE
PUBLIC_PAGE_SECONDS = 60


# --- Public catalogue ---------------------------------------------------------------


def _catalogue_page(request: HttpRequest, *, past: bool) -> HttpResponse:
    audience = request.GET.get("pubblico", "")
    kind = request.GET.get("tipo", "")
    audience = audience if audience in Audience.values else ""
    kind = kind if kind in InitiativeKind.values else ""
    read = selectors.archive if past else selectors.catalogue
    try:
        page = read(audience=audience, kind=kind, cursor=request.GET.get("cursor") or None)
    except InvalidCursor:
        raise Http404 from None
    return render(
        request,
        "training/catalogue.html",
        {
            "page": page,
            "editions": page.items,
            "cards": _cards(page.items),
            "query": query_without_cursor(request.GET),
            "past": past,
            "trail": [(reverse("training:catalogue"), _("Training and awareness"))] if past else [],
            "audiences": Audience.choices,
            "kinds": InitiativeKind.choices,
            "audience": audience,
            "kind": kind,
            "can_manage": access.has_perm(request.user, TrainingPerm.MANAGE),
            "can_check_in": access.has_perm(request.user, TrainingPerm.CHECK_IN),
        },
    )


def _cards(editions: list[Edition]) -> list[dict[str, str]]:
    """The catalogue's cards as plain strings, worked out once per page: a template reads a dict faster than it
    calls methods and filters, and the edition link is reversed once, not once per card."""
    link = reverse("training:edition", args=[0]).removesuffix("0/") + "%d/"
    cards = []
    for e in editions:
        starts = timezone.localtime(e.starts_at) if e.starts_at else None
        cards.append(
            {
                "url": link % e.pk,
                "title": e.initiative.title,
                "name": e.name,
                "kind": e.kind_label,  # type: ignore[attr-defined]
                "audience": e.audience_label,  # type: ignore[attr-defined]
                "iso": starts.isoformat() if starts else "",
                "date": date_format(starts, "DATE_FORMAT") if starts else "",
                "venue": e.first_venue or "",  # type: ignore[attr-defined]
                "topics": ", ".join(e.topic_names),  # type: ignore[attr-defined]
            }
        )
    return cards


@require_GET
@pagecache.public_page(PAGE_CACHE_SCOPE, seconds=PUBLIC_PAGE_SECONDS)
def catalogue(request: HttpRequest) -> HttpResponse:
    return _catalogue_page(request, past=False)


@require_GET
@pagecache.public_page(PAGE_CACHE_SCOPE, seconds=PUBLIC_PAGE_SECONDS)
def archive(request: HttpRequest) -> HttpResponse:
    return _catalogue_page(request, past=True)


@require_GET
@pagecache.public_page(PAGE_CACHE_SCOPE, seconds=PUBLIC_PAGE_SECONDS)
def edition(request: HttpRequest, pk: int) -> HttpResponse:
    e = selectors.edition_public(pk)
    if e is None:
        raise Http404
    return render(
        request,
        "training/edition.html",
        {
            "edition": e,
            "sessions": [_session_row(s) for s in e.session_list],  # type: ignore[attr-defined]
            "places": selectors.places_taken(e),
            "open": e.is_enrollment_open(),
            "trail": [(reverse("training:catalogue"), _("Training and awareness"))],
        },
    )


def _session_row(session: Any) -> dict[str, str]:
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    return {
        "iso": starts.isoformat(),
        "day": date_format(starts, "l j F Y"),
        "times": f"{starts:%H:%M}–{ends:%H:%M}",
        "title": session.title or "—",
        "where": session.where(),
    }


@require_GET
def calendar_month(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        month = datetime.strptime(request.GET.get("mese", ""), "%Y-%m").date() if request.GET.get("mese") else today
    except ValueError:
        messages.error(request, _("That month is not valid; here is the current one."))
        month = today
    start, end = selectors.month_bounds(month)
    sessions = selectors.calendar_sessions(start=start, end=end)
    previous = (month.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    following = (month.replace(day=28) + timedelta(days=7)).strftime("%Y-%m")
    return render(
        request,
        "training/calendar.html",
        {"sessions": sessions, "month": month.replace(day=1), "previous": previous, "following": following},
    )


@require_GET
def calendar_ics(request: HttpRequest) -> HttpResponse:
    return HttpResponse(calendar.feed_all(), content_type="text/calendar; charset=utf-8")


@require_GET
def edition_ics(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_public_edition(pk)
    response = HttpResponse(calendar.feed_edition(e), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="edizione-{e.pk}.ics"'
    return response


# --- Enrollment ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def enroll(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_public_edition(pk)
    questions = list(e.active_questions())
    initial = {}
    if request.user.is_authenticated:
        initial = {"full_name": request.user.full_name, "email": request.user.email}  # type: ignore[union-attr]
    form = EnrollmentForm(request.POST or None, questions=questions, initial=initial)
    if not e.is_enrollment_open():
        messages.error(request, _("Enrollment for this edition is closed."))
        return redirect(e)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrollment = services.enrollment_create(
                edition=e,
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                municipality=data["municipality"],
                gender=data["gender"],
                consent=data["consent"],
                answers=form.answers(),
                user=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
                language=translation.get_language() or "it",
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _state_message(enrollment))
            return redirect("training:enrollment_manage", token=links.token_for(enrollment))
    return render(request, "training/enroll.html", {"edition": e, "form": form})


def _state_message(enrollment: Enrollment) -> str:
    return {
        EnrollmentState.CONFIRMED: _("Your place is confirmed. We have sent you an e-mail with these details."),
        EnrollmentState.WAITLISTED: _(
            "The edition is full: you are on the waiting list. If a place frees up we will offer it to you by e-mail."
        ),
        EnrollmentState.PENDING_APPROVAL: _("Your request was received: the office will confirm it by e-mail."),
    }.get(enrollment.state, _("Saved."))  # type: ignore[call-overload]


def bad_link(request: HttpRequest) -> HttpResponse:
    return render(request, "training/bad_link.html", status=400)


@require_http_methods(["GET", "POST"])
def enrollment_manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        enrollment = links.enrollment_from(token)
    except links.BadLink:
        return bad_link(request)
    change_form = EnrollmentChangeForm(
        request.POST if request.POST.get("action") == "change" else None,
        initial={"full_name": enrollment.full_name, "phone": enrollment.phone},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept":
                services.offer_accept(enrollment=enrollment)
                messages.success(request, _("Your place is confirmed."))
                return redirect(request.path)
            if action == "withdraw":
                services.enrollment_withdraw(enrollment=enrollment)
                messages.success(request, _("Your enrollment was withdrawn. Thank you for letting us know."))
                return redirect(request.path)
            if action == "change" and change_form.is_valid():
                services.enrollment_change(enrollment=enrollment, **change_form.cleaned_data)
                messages.success(request, _("The changes were saved."))
                return redirect(request.path)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
            return redirect(request.path)
        enrollment.refresh_from_db()
    certificate = Certificate.objects.filter(enrollment=enrollment).first()
    qr = None
    if enrollment.state == EnrollmentState.CONFIRMED:
        qr = mark_safe(certificates.qr_svg(enrollment.checkin_code))  # our own SVG  # noqa: S308
    return render(
        request,
        "training/enrollment.html",
        {
            "enrollment": enrollment,
            "edition": enrollment.edition,
            "sessions": enrollment.edition.sessions.all(),
            "change_form": change_form,
            "qr": qr,
            "certificate": certificate,
            "token": token,
            "now": timezone.now(),
        },
    )


@require_GET
def certificate_pdf(request: HttpRequest, token: str) -> HttpResponse:
    try:
        enrollment = links.enrollment_from(token)
    except links.BadLink:
        return bad_link(request)
    certificate = get_object_or_404(Certificate, enrollment=enrollment)
    response = HttpResponse(certificates.render_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificates.filename(certificate)}"'
    return response


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    certificate = None
    if form.is_bound and form.is_valid():
        code = "".join(ch for ch in form.cleaned_data["codice"].upper() if ch.isalnum())
        code = "-".join(code[i : i + 4] for i in range(0, len(code), 4))
        certificate = Certificate.objects.filter(verification_code=code).first()
        if certificate is None:
            form.add_error(
                "codice",
                _(
                    "No certificate has this code. Check it against the certificate: "
                    "if it is typed correctly, the certificate is not genuine."
                ),
            )
    return render(request, "training/verify.html", {"form": form, "certificate": certificate})


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        enrollment = links.enrollment_from(token, "survey")
    except links.BadLink:
        return bad_link(request)
    the_survey = getattr(enrollment.edition, "survey", None)
    if the_survey is None or not selectors.has_attended(enrollment):
        raise Http404
    form = SurveyForm(request.POST or None, statements=the_survey.questions)
    answered = the_survey.receipts.filter(enrollment=enrollment).exists()
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(
                survey=the_survey, enrollment=enrollment, ratings=form.ratings(), comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("Thank you: your answers were recorded."))
            return redirect(request.path)
    return render(
        request,
        "training/survey.html",
        {"form": form, "survey": the_survey, "edition": enrollment.edition, "answered": answered},
    )


# --- Staff ------------------------------------------------------------------------------


@access.require(TrainingPerm.MANAGE)
@require_GET
def staff_editions(request: HttpRequest) -> HttpResponse:
    past = request.GET.get("tutte") == "1"
    return render(
        request,
        "training/staff/editions.html",
        {"editions": selectors.staff_editions(upcoming_only=not past), "past": past},
    )


@access.require(TrainingPerm.CHECK_IN)
@require_GET
def staff_today(request: HttpRequest) -> HttpResponse:
    return render(request, "training/staff/today.html", {"sessions": selectors.sessions_on(timezone.localdate())})


@access.require(TrainingPerm.MANAGE)
@require_GET
def staff_edition(request: HttpRequest, pk: int) -> HttpResponse:
    return _edition_page(request, access.get_edition_for_manage(request, pk))


def _edition_page(request: HttpRequest, e: Edition, status: int = 200, **forms: Any) -> HttpResponse:
    sessions, register = selectors.edition_register(e)
    results, comments, responses = selectors.survey_results(e)
    survey = Survey.objects.filter(edition=e).first()
    survey_initial = {"statements": "\n".join(survey.questions), "is_anonymous": survey.is_anonymous} if survey else {}
    return render(
        request,
        "training/staff/edition.html",
        {
            "session_form": forms.get("session_form") or SessionForm(),
            "question_form": forms.get("question_form") or QuestionForm(edition=e),
            "survey_form": forms.get("survey_form") or SurveySetupForm(initial=survey_initial),
            "schedule_form": forms.get("schedule_form") or ScheduleForm(),
            "questions": e.active_questions().select_related("depends_on"),
            "archived_questions": e.questions.filter(archived_at__isnull=False),
            "scheduled": e.scheduled_messages.all(),
            "edition": e,
            "places": selectors.places_taken(e),
            "enrollments": selectors.edition_enrollments(e),
            "sessions": sessions,
            "register": register,
            "accreditation_form": AccreditationForm(),
            "export_form": ExportForm(
                initial={"dataset": "attendance", "columns": ["full_name", "email", "hours", "percent"]}
            ),
            "batch": e.certificate_batches.first(),
            "survey_results": results,
            "survey_comments": comments,
            "survey_responses": responses,
            "has_ended": e.ends_at is not None and e.ends_at <= timezone.now(),
        },
        status=status,
    )


def _edition_form_post(
    request: HttpRequest, e: Edition, form: Any, write: Callable[..., Any], success: str, form_key: str
) -> HttpResponse:
    """One of the edition page's forms, posted: run its service, or show the page again with the errors (422)."""
    if form.is_valid():
        try:
            write(edition=e, **form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, success)
            return redirect("training:staff_edition", pk=e.pk)
    return _edition_page(request, e, status=422, **{form_key: form})


@access.require(TrainingPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def initiative_create(request: HttpRequest) -> HttpResponse:
    form = InitiativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_create(**form.cleaned_data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The initiative was created. Now add its first edition."))
            return redirect(reverse("training:edition_create") + f"?iniziativa={initiative.pk}")
    return render(request, "training/staff/form.html", {"form": form, "title": _("New initiative")})


@access.require(TrainingPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def edition_create(request: HttpRequest) -> HttpResponse:
    initial = {"initiative": request.GET.get("iniziativa")} if request.GET.get("iniziativa", "").isdigit() else {}
    form = EditionCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            edition = services.edition_create(initiative=data.pop("initiative"), **data)
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The edition was created. Add its sessions below."))
            return redirect("training:staff_edition", pk=edition.pk)
    return render(request, "training/staff/form.html", {"form": form, "title": _("New edition")})


@access.require(TrainingPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def edition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    form = EditionForm(request.POST or None, instance=Edition.objects.get(pk=e.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.edition_update(edition=e, **{name: form.cleaned_data[name] for name in form.changed_data})
        except ValidationError as error:
            _apply(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("training:staff_edition", pk=e.pk)
    return render(request, "training/staff/form.html", {"form": form, "title": _("Edit %(edition)s") % {"edition": e}})


@access.require(TrainingPerm.MANAGE)
@require_POST
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    return _edition_form_post(
        request, e, SessionForm(request.POST), services.session_add, _("The session was added."), "session_form"
    )


@access.require(TrainingPerm.MANAGE)
@require_POST
def question_create(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    return _edition_form_post(
        request,
        e,
        QuestionForm(request.POST, edition=e),
        services.question_add,
        _("The question was added to the enrollment form."),
        "question_form",
    )


def _staff_trail(e: Edition) -> list[tuple[str, str]]:
    return [
        (reverse("training:staff_editions"), _("Editions")),
        (reverse("training:staff_edition", args=[e.pk]), str(e)),
    ]


def _back(e: Edition, anchor: str) -> HttpResponse:
    return redirect(reverse("training:staff_edition", args=[e.pk]) + f"#{anchor}")


def _item_page(
    request: HttpRequest,
    e: Edition,
    form: Any,
    write: Callable[..., Any],
    *,
    saved: str,
    anchor: str,
    page: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """One item of an edition (a session, a question) on its own page: a valid post runs `write` and goes back to the
    edition; otherwise the form is shown, again with the errors (422), with what `page()` adds to it."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                write(**form.cleaned_data)
            except ValidationError as error:
                _apply(form, error)
            else:
                messages.success(request, saved)
                return _back(e, anchor)
        status = 422
    context = {"form": form, "edition": e, "trail": _staff_trail(e), **page()}
    return render(request, "training/staff/item.html", context, status=status)


@access.require(TrainingPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_manage(request, pk)
    return _item_page(
        request,
        session.edition,
        SessionForm(request.POST or None, initial=session_initial(session)),
        functools.partial(services.session_update, session=session),
        saved=_("The session was saved."),
        anchor="sessions-title",
        page=lambda: {
            "title": _("Edit the session of %(when)s") % {"when": _when(session)},
            "attendance": session.attendances.count(),
            "delete_url": reverse("training:session_delete", args=[session.pk]),
            "delete_label": _("Delete this session"),
        },
    )


def _when(session: Any) -> str:
    return timezone.localtime(session.starts_at).strftime("%d/%m/%Y %H:%M")


@access.require(TrainingPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_manage(request, pk)
    e = session.edition
    if request.method == "POST":
        try:
            services.session_delete(session=session)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
            return redirect("training:session_edit", pk=session.pk)
        messages.success(request, _("The session of %(when)s was deleted.") % {"when": _when(session)})
        return _back(e, "sessions-title")
    recorded = session.attendances.count()
    return render(
        request,
        "training/staff/confirm.html",
        {
            "edition": e,
            "title": _("Delete the session of %(when)s") % {"when": _when(session)},
            "trail": _staff_trail(e),
            "refusal": _(
                "Attendance is recorded for %(n)d people at this session, so it cannot be deleted: "
                "it counts for their hours and certificates. Correct its details instead."
            )
            % {"n": recorded}
            if recorded
            else "",
            "consequence": _("The session disappears from the public page, the calendar and the iCalendar feeds."),
            "button": _("Delete the session"),
            "cancel_url": reverse("training:session_edit", args=[session.pk]),
        },
    )


@access.require(TrainingPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.get_question_for_manage(request, pk)
    e = question.edition
    if question.archived_at is not None:
        messages.error(request, _("This question is archived: it can no longer change."))
        return _back(e, "questions-title")
    return _item_page(
        request,
        e,
        QuestionForm(request.POST or None, edition=e, question=question, initial=QuestionForm.initial_for(question)),
        functools.partial(services.question_update, question=question),
        saved=_("The question was saved."),
        anchor="questions-title",
        page=lambda: {
            "title": _("Edit the question “%(label)s”") % {"label": question.label},
            "answers": len(selectors.question_answers(question)),
            "delete_url": reverse("training:question_remove", args=[question.pk]),
            "delete_label": _("Remove this question"),
        },
    )


@access.require(TrainingPerm.MANAGE)
@require_http_methods(["GET", "POST"])
def question_remove(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.get_question_for_manage(request, pk)
    e = question.edition
    if request.method == "POST":
        try:
            outcome = services.question_remove(question=question)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
            return _back(e, "questions-title")
        if outcome == services.QuestionRemoval.ARCHIVED:
            messages.success(
                request,
                _(
                    "People had answered this question, so it was archived instead of deleted: it is no longer "
                    "on the form, and their answers keep their question."
                ),
            )
        else:
            messages.success(request, _("The question was deleted."))
        return _back(e, "questions-title")
    answered = len(selectors.question_answers(question)) if question.archived_at is None else 0
    dependants = list(question.dependants.filter(archived_at__isnull=True).values_list("label", flat=True))
    refusal = ""
    if question.archived_at is not None:
        refusal = _("This question is already archived.")
    elif dependants:
        refusal = _("These questions are shown depending on this one: change or remove them first: %(questions)s.") % {
            "questions": "; ".join(f"“{label}”" for label in dependants)
        }
    return render(
        request,
        "training/staff/confirm.html",
        {
            "edition": e,
            "title": _("Remove the question “%(label)s”") % {"label": question.label},
            "trail": _staff_trail(e),
            "refusal": refusal,
            "consequence": _(
                "%(n)d people have answered it: it will be archived, not deleted. It leaves the form, and their "
                "answers keep their question."
            )
            % {"n": answered}
            if answered
            else _("Nobody has answered it yet: it will be deleted."),
            "button": _("Archive the question") if answered else _("Delete the question"),
            "cancel_url": reverse("training:staff_edition", args=[e.pk]) + "#questions-title",
        },
    )


@access.require(TrainingPerm.MANAGE)
@require_POST
def question_move(request: HttpRequest, pk: int) -> HttpResponse:
    question = access.get_question_for_manage(request, pk)
    try:
        services.question_move(question=question, up=request.POST.get("direction") == "up")
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    return _back(question.edition, "questions-title")


@access.require(TrainingPerm.MANAGE)
@require_POST
def survey_setup(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    return _edition_form_post(
        request, e, SurveySetupForm(request.POST), services.survey_set, _("The questionnaire was saved."), "survey_form"
    )


@access.require(TrainingPerm.MANAGE)
@require_POST
def message_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    return _edition_form_post(
        request,
        e,
        ScheduleForm(request.POST),
        services.message_schedule,
        _("The message was scheduled."),
        "schedule_form",
    )


@access.require(TrainingPerm.MANAGE)
@require_POST
def enrollment_decide(request: HttpRequest, pk: int, enrollment_pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    enrollment = get_object_or_404(Enrollment, pk=enrollment_pk, edition=e)
    try:
        services.enrollment_decide(enrollment=enrollment, approve=request.POST.get("decision") == "approve")
    except ValidationError as error:
        for message in _errors(error):
            messages.error(request, message)
    else:
        messages.success(request, _("The decision was recorded and the person informed by e-mail."))
    return redirect("training:staff_edition", pk=e.pk)


@access.require(TrainingPerm.MANAGE)
@require_POST
def edition_accredit(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    form = AccreditationForm(request.POST)
    if form.is_valid():
        try:
            services.edition_accredit(edition=e, **form.cleaned_data)
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("The accreditation was recorded."))
    else:
        for message in _form_errors(form):
            messages.error(request, message)
    return redirect("training:staff_edition", pk=e.pk)


@access.require(TrainingPerm.MANAGE)
@require_GET
def edition_export(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    form = ExportForm(request.GET)
    if not form.is_valid():
        for message in _form_errors(form):
            messages.error(request, message)
        return redirect("training:staff_edition", pk=e.pk)
    data = form.cleaned_data
    audit.record("training.edition.exported", obj=e, changes={"dataset": data["dataset"], "columns": data["columns"]})
    content = exports.export(e, dataset=data["dataset"], columns=data["columns"], fmt=data["format"])
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[data["format"]])
    response["Content-Disposition"] = f'attachment; filename="edizione-{e.pk}-{data["dataset"]}.{data["format"]}"'
    return response


@access.require(TrainingPerm.MANAGE)
@require_GET
def survey_export(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    if not Survey.objects.filter(edition=e).exists():
        raise Http404
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    response = HttpResponse(exports.survey_export(e, fmt=fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="edizione-{e.pk}-questionario.{fmt}"'
    return response


@access.require(TrainingPerm.MANAGE)
@require_POST
def edition_send(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    kind = request.POST.get("kind")
    if kind not in (MessageKind.REMINDER, MessageKind.SURVEY):
        messages.error(request, _("Choose which message to send."))
    elif kind == MessageKind.SURVEY and not hasattr(e, "survey"):
        messages.error(request, _("This edition has no questionnaire."))
    else:
        tasks.send_edition_messages.enqueue(edition_id=e.pk, kind=kind, attended_only=kind == MessageKind.SURVEY)
        messages.success(request, _("The messages are being sent."))
    return redirect("training:staff_edition", pk=e.pk)


@access.require(TrainingPerm.MANAGE)
@require_POST
def batch_start(request: HttpRequest, pk: int) -> HttpResponse:
    e = access.get_edition_for_manage(request, pk)
    if e.ends_at is None or e.ends_at > timezone.now():
        messages.error(request, _("Certificates are issued when the edition has ended."))
        return redirect("training:staff_edition", pk=e.pk)
    batch = CertificateBatch.objects.create(edition=e, requested_by=request.user)  # type: ignore[misc]
    tasks.issue_certificates.enqueue(batch_id=batch.pk)
    return redirect("training:batch", pk=batch.pk)


@access.require(TrainingPerm.MANAGE)
@require_GET
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    b = access.get_batch_for_manage(request, pk)
    template = "training/staff/batch.html#progress" if request.htmx else "training/staff/batch.html"  # type: ignore[attr-defined]
    return render(request, template, {"batch": b, "edition": b.edition})


@access.require(TrainingPerm.MANAGE)
@require_GET
def batch_download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    b = access.get_batch_for_manage(request, pk)
    path = tasks.batch_directory() / b.archive
    if not b.archive or not path.is_file():
        raise Http404
    audit.record("training.certificates.downloaded", obj=b.edition, changes={"batch": b.pk})
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type="application/zip")


@access.require(TrainingPerm.CHECK_IN)
@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_check_in(request, pk)
    form = CheckInForm(request.POST or None)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if request.method == "POST":
        ok, text = False, ""
        if form.is_valid():
            try:
                attendance = services.check_in(
                    session=session,
                    code=form.cleaned_data["code"],
                    actor=request.user,  # type: ignore[arg-type]
                    mode=form.cleaned_data["mode"],  # type: ignore[arg-type]
                )
            except ValidationError as error:
                text = " ".join(_errors(error))
            else:
                ok = True
                name = attendance.enrollment.full_name
                text = (
                    _("Exit recorded: %(name)s.") % {"name": name}
                    if form.cleaned_data["mode"] == "out"
                    else _("%(name)s: %(status)s.") % {"name": name, "status": attendance.get_status_display()}
                )
        else:
            text = " ".join(_form_errors(form))
        if wants_json:
            return JsonResponse({"ok": ok, "message": text}, status=200 if ok else 422)
        (messages.success if ok else messages.error)(request, text)
        return redirect("training:check_in", pk=session.pk)
    return render(
        request,
        "training/staff/check_in.html",
        {
            "session": session,
            "form": CheckInForm(),
            "roster": selectors.session_roster(session),
            "can_manage": access.has_perm(request.user, TrainingPerm.MANAGE),
            "attendance_form": AttendanceForm(),
        },
    )


@access.require(TrainingPerm.MANAGE)
@require_POST
def attendance_set(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_session_for_check_in(request, pk)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        enrollment = get_object_or_404(Enrollment, pk=form.cleaned_data["enrollment"], edition=session.edition_id)
        try:
            services.attendance_set(
                session=session,
                enrollment=enrollment,
                status=form.cleaned_data["status"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            for message in _errors(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Attendance saved for %(name)s.") % {"name": enrollment.full_name})
    else:
        messages.error(request, _("Choose present, late, excused or absent."))
    return redirect("training:check_in", pk=session.pk)


@access.require(TrainingPerm.MANAGE)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("anno") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), 2100)
    data = selectors.dashboard(year=year)
    charts = [
        (_("By audience"), data.by_audience),
        (_("By topic"), data.by_topic),
        (_("By municipality of residence"), data.by_municipality),
        (_("By gender"), data.by_gender),
    ]
    return render(request, "training/staff/dashboard.html", {"year": year, "data": data, "charts": charts})
