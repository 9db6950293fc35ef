"""The officers' workbench and the entities' portal: thin views over the filings' services and selectors."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import title
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pariter.core.access import require_login
from pariter.core.models import Municipality, Organisation
from pariter.core.pagination import InvalidCursor, query_without_cursor
from pariter.filings import access, deadlines, exports, selectors, services
from pariter.filings.forms import (
    ActForm,
    AntimafiaOutcomeForm,
    AntimafiaRequestForm,
    AuthorityNoticeForm,
    BulkAssignForm,
    BulkTakeChargeForm,
    BulkWarnForm,
    CashStatementForm,
    ControlConcludeForm,
    ControlNoticeForm,
    ControlStartForm,
    DraftForm,
    NewFilingForm,
    NotaryEnableForm,
    NotaryFilingForm,
    NotaryRefusalForm,
    NoteForm,
    QueueFilterForm,
    ReplyForm,
    SizeDeclarationForm,
    StartProcedureForm,
    UploadForm,
)
from pariter.filings.kinds import ENTITY_KINDS, Kind, State
from pariter.filings.models import AntimafiaCheck, Control, Filing, Notary, SizeDeclaration
from pariter.registry.models import Entity


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Officers' workbench -------------------------------------------------------------------------------------


def _queue_filters(form: QueueFilterForm) -> selectors.QueueFilters:
    if not form.is_valid():
        return selectors.QueueFilters()
    data = form.cleaned_data
    municipality = None
    if data["municipality"]:
        found = Municipality.objects.filter(name__iexact=data["municipality"].strip()).order_by("-valid_from").first()
        municipality = found.pk if found else -1
    assignee = data["assignee"]
    return selectors.QueueFilters(
        kind=data["kind"],
        state=data["state"],
        section=data["section"],
        municipality=municipality,
        assignee=int(assignee) if assignee and assignee.isdigit() else None,
        unassigned=assignee == "none",
        control_scope=data["control_scope"],
        control_method=data["control_method"],
    )


def _queue_rows(filings: list[Filing], *, today: date) -> list[dict[str, Any]]:
    """What each row shows, as flat strings worked out once per page.

    Labels, dates and links repeat across fifty rows, and the template engine reads a key of a dict at once
    where a dotted path through objects costs a failed lookup per step: the rows are plain dicts.
    """
    kinds = {k.value: str(k.label) for k in Kind}
    states = {s.value: str(s.label) for s in State}
    days: dict[date, str] = {}

    def short(day: date) -> str:
        if day not in days:
            days[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        return days[day]

    entity_by, select = _("entity by %(day)s"), _("Select %(reference)s")
    # Every row links to the same view: reverse once, then put each filing's number in.
    url = reverse("filings:detail", args=[0]).removesuffix("0/") + "%d/"
    rows = []
    for f in filings:
        if f.due_on:
            due_iso, due = f.due_on.isoformat(), short(f.due_on)
        else:
            due_iso, due = "", (entity_by % {"day": short(f.reply_by)}) if f.reply_by else ""
        municipality = f.organisation.municipality
        rows.append(
            {
                "filing": f,
                "pk": str(f.pk),
                "url": url % f.pk,
                "reference": f.reference,
                "kind": kinds.get(f.kind, f.kind),
                "state": states.get(f.state, f.state),
                "due_iso": due_iso,
                "due": due,
                "overdue": f.is_overdue(today),
                "soon": f.is_due_soon(today),
                "organisation": f.organisation.name,
                "municipality": title(municipality.name) if municipality else "",
                "assignee": f.assignee.full_name if f.assignee else "",
                "select_label": select % {"reference": f.reference},
            }
        )
    return rows


@access.require_officer
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    officers = list(selectors.officers())
    form = QueueFilterForm(request.GET or None, officers=officers)
    try:
        page = selectors.queue(_queue_filters(form), cursor=request.GET.get("cursor") or None)
    except InvalidCursor:
        raise Http404 from None
    today = timezone.localdate()
    return render(
        request,
        "filings/queue.html",
        {
            "form": form,
            "page": page,
            "rows": _queue_rows(page.items, today=today),
            "summary": selectors.summary(today=today),
            "officers": officers,
            "filter_query": query_without_cursor(request.GET),
            "today": today,
        },
    )


@access.require_officer
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    officers = list(selectors.officers())
    form = BulkAssignForm(request.POST, officers=officers)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("filings:queue")
    choice = form.cleaned_data["assignee"]
    assignee = next((u for u in officers if str(u.pk) == choice), None)
    filings = list(Filing.objects.filter(pk__in=form.cleaned_data["filings"]))
    count = services.filings_assign(filings=filings, assignee=assignee, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(n)d filings assigned.") % {"n": count})
    return redirect(request.POST.get("next", "") if _safe_next(request) else "filings:queue")


def _bulk_report(request: HttpRequest, outcomes: list[services.BulkOutcome], *, title: str, back: str) -> HttpResponse:
    """What a bulk action did to each item: done, already so, or refused and why."""
    return render(
        request,
        "filings/bulk_report.html",
        {
            "title": title,
            "outcomes": outcomes,
            "done": sum(o.result == services.DONE for o in outcomes),
            "already": sum(o.result == services.ALREADY for o in outcomes),
            "refused": sum(o.result == services.REFUSED for o in outcomes),
            "back": back,
        },
    )


@access.require_officer
@require_POST
def bulk_take_charge(request: HttpRequest) -> HttpResponse:
    form = BulkTakeChargeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select at least one filing."))
        return redirect("filings:queue")
    outcomes = services.filings_take_charge(
        filing_ids=form.cleaned_data["filings"],
        actor=request.user,  # type: ignore[arg-type]
    )
    back = request.POST.get("next", "") if _safe_next(request) else ""
    return _bulk_report(request, outcomes, title=_("Take charge of the selected filings"), back=back)


def _safe_next(request: HttpRequest) -> bool:
    target = request.POST.get("next", "")
    return target.startswith("/gestione/pratiche/") and "//" not in target


@access.require_officer
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_officer(request, pk)
    return render(request, "filings/detail.html", _detail_context(filing, request))


def _detail_context(filing: Filing, request: HttpRequest, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    documents = selectors.documents(filing)
    return {
        "filing": filing,
        "events": selectors.timeline(filing),
        "documents": documents,
        "any_signed": any(d.is_signed for d in documents),
        "notes": selectors.notes(filing),
        "actions": filing.allowed_actions(),
        "note_form": NoteForm(),
        "officers": list(selectors.officers()),
        "overdue": filing.is_overdue(today),
        "due_soon": filing.is_due_soon(today),
        "cash": getattr(filing, "cash_statement", None) if filing.kind == Kind.ANNUAL_ACCOUNTS else None,
        "authority_form": AuthorityNoticeForm(initial={"version": filing.version}),
        "refusals": selectors.refusals_for(filing.organisation) if filing.kind == Kind.AFTER_NOTARY_REFUSAL else [],
        **_antimafia_context(filing, today=today),
        **_control_context(filing),
        **extra,
    }


def _antimafia_context(filing: Filing, *, today: date) -> dict[str, Any]:
    if filing.kind not in services.ANTIMAFIA_KINDS:
        return {}
    declaration = SizeDeclaration.objects.filter(filing=filing).first()
    check = AntimafiaCheck.objects.filter(filing=filing).first()
    on = filing.submitted_on or today
    return {
        "antimafia": {
            "declaration": declaration,
            "limits": deadlines.size_limits_on(on),
            "years": [
                (y, deadlines.limits_exceeded(y, deadlines.size_limits_on(on)))
                for y in (declaration.years() if declaration else [])
            ],
            "required": services.antimafia_required(filing),
            "state": services.antimafia_state(filing, today=today),
            "block": services.antimafia_block(filing, today=today),
            "check": check,
        },
        "antimafia_request_form": AntimafiaRequestForm(
            initial={"version": filing.version, "requested_on": today, "prefecture": "Prefettura di Milano"}
        ),
        "antimafia_outcome_form": AntimafiaOutcomeForm(initial={"version": filing.version, "received_on": today}),
    }


def _control_context(filing: Filing) -> dict[str, Any]:
    if filing.kind != Kind.CONTROL:
        return {}
    control = Control.objects.select_related("follow_up").filter(filing=filing).first()
    return {
        "control": control,
        "control_form": ControlConcludeForm(initial={"version": filing.version}),
        "control_notice_form": ControlNoticeForm(initial={"version": filing.version}),
    }


def _antimafia_post(request: HttpRequest, pk: int, form_class: type, service: Any, done: str) -> HttpResponse:
    filing = access.get_filing_for_officer(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("filings:detail", pk=pk)
    try:
        service(filing=filing, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, done)
    return redirect("filings:detail", pk=pk)


@access.require_officer
@require_POST
def antimafia_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The office asked the Prefettura for the antimafia information (CTS art. 48 c.6; D.Lgs. 159/2011 art. 92)."""
    return _antimafia_post(
        request,
        pk,
        AntimafiaRequestForm,
        services.antimafia_request,
        _("Request recorded: the office's term is suspended while the Prefettura answers, for at most 30 days."),
    )


@access.require_officer
@require_POST
def antimafia_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    return _antimafia_post(request, pk, AntimafiaOutcomeForm, services.antimafia_record_outcome, _("Outcome recorded."))


@access.require_officer
def control_start(request: HttpRequest) -> HttpResponse:
    """An officer opens a control on a registered entity (CTS art. 93), from the workbench or the entity's page."""
    return _open_on_entity(
        request,
        ControlStartForm,
        "filings/control_start.html",
        lambda entity, data: services.control_open(
            entity=entity,
            actor=request.user,  # type: ignore[arg-type]
            scope=data["scope"],
            method=data["method"],
            on_report=data["on_report"],
            summary=data["summary"],
        ),
        _("Control opened. The entity is not told until a formal act is sent."),
    )


def _open_on_entity(
    request: HttpRequest,
    form_class: type,
    template: str,
    open_filing: Callable[[Entity, dict[str, Any]], Filing],
    done: str,
) -> HttpResponse:
    """An officer's form that opens a filing on the entity with the repertorio it names: the filing's page on
    success, else the form again with the errors (an unknown repertorio, or what the service refused)."""
    form = form_class(request.POST or None, initial={"repertory_number": request.GET.get("repertorio")})
    if request.method == "POST" and form.is_valid():
        entity = selectors.entity_by_repertory(form.cleaned_data["repertory_number"])
        if entity is None:
            form.add_error("repertory_number", _("No entity in the register has this repertorio number."))
        else:
            try:
                filing = open_filing(entity, form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("filings:detail", pk=filing.pk)
    return render(request, template, {"form": form}, status=400 if request.method == "POST" else 200)


def _control_post(request: HttpRequest, pk: int, form_class: type, service: Any, done: str, slot: str) -> HttpResponse:
    """An officer's form on a control's page: the service on success, else the page again with the form's errors."""
    filing = access.get_filing_for_officer(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(filing=filing, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("filings:detail", pk=pk)
    return render(request, "filings/detail.html", _detail_context(filing, request, **{slot: form}), status=400)


@access.require_officer
@require_POST
def control_notify(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("Communication sent: the entity now sees the control on its portal.")
    return _control_post(request, pk, ControlNoticeForm, services.control_notify, done, "control_notice_form")


@access.require_officer
@require_POST
def control_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("Findings recorded: the letter is on its way to the entity's PEC.")
    return _control_post(request, pk, ControlConcludeForm, services.control_conclude, done, "control_form")


@access.require_officer
@require_POST
def authority_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The office records that it told the Prefettura or Regione (CTS art. 22 c.1-bis; T18)."""
    filing = access.get_filing_for_officer(request, pk)
    form = AuthorityNoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read: reload the page and try again."))
        return redirect("filings:detail", pk=pk)
    try:
        services.filing_record_authority_notice(
            filing=filing,
            actor=request.user,  # type: ignore[arg-type]
            version=form.cleaned_data["version"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Notice recorded: its letter is being prepared with a protocol number."))
    return redirect("filings:detail", pk=pk)


@access.require_officer
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_officer(request, pk)
    form = ActForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The action could not be read: reload the page and try again."))
        return redirect("filings:detail", pk=pk)
    data = form.cleaned_data
    try:
        services.filing_act(
            filing=filing,
            action=data["action"],
            actor=request.user,  # type: ignore[arg-type]
            version=data["version"],
            note=data["note"],
            days=data["days"],
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Done. Any act is being prepared and sent to the entity's PEC."))
    return redirect("filings:detail", pk=pk)


@access.require_officer
@require_POST
def note(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_officer(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.note_add(filing=filing, author=request.user, text=form.cleaned_data["text"])  # type: ignore[arg-type]
        messages.success(request, _("Note added."))
    else:
        messages.error(request, _("Write the note."))
    return redirect("filings:detail", pk=pk)


@require_login
@require_GET
def document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """A document of a filing, shown in the browser (inline) to whoever may see the filing."""
    doc = access.get_document_for_user(request, pk, document_pk)
    if not doc.file:
        raise Http404
    # A signed upload is shown by the PDF it carries; its envelope is downloaded from document_signed.
    response = FileResponse(doc.file.open("rb"), content_type="application/pdf", filename=doc.pdf_name)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline")
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]  # a FileResponse streams, but is an HttpResponseBase all the same


@require_login
@require_GET
def document_signed(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """The signed original (CAdES .p7m) of a document, downloaded, to check it with the signer's own software."""
    doc = access.get_document_for_user(request, pk, document_pk)
    if not doc.envelope:
        raise Http404
    response = FileResponse(
        doc.envelope.open("rb"), content_type="application/pkcs7-mime", as_attachment=True, filename=doc.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response  # type: ignore[return-value]


# --- Entities' portal ----------------------------------------------------------------------------------------


def _organisations(request: HttpRequest) -> list[Organisation]:
    ids = access.represented_organisation_ids(request.user)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


@access.require_representative
def portal(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    organisation = organisations[0]
    chosen = request.session.get("acting_organisation_id")
    organisation = next((o for o in organisations if o.pk == chosen), organisation)
    form = NewFilingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.filing_create(
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                actor=request.user,  # type: ignore[arg-type]
                client_token=form.cleaned_data["token"],
                **form.service_fields(),
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            return redirect("filings:portal_filing", pk=filing.pk)
    today = timezone.localdate()
    return render(
        request,
        "filings/portal.html",
        {
            "organisation": organisation,
            "filings": selectors.filings_of(organisation),
            "duties": selectors.due_duties(organisation, today=today),
            "form": form,
            "kinds": ENTITY_KINDS,
        },
        status=400 if request.method == "POST" else 200,
    )


def _portal_context(request: HttpRequest, filing: Filing, **extra: Any) -> dict[str, Any]:
    documents = [d for d in selectors.documents(filing) if not d.is_office_act or d.rendered_at]
    notary = access.active_notary(request.user)
    as_notary = notary is not None and filing.notary_id == notary.pk
    return {
        "filing": filing,
        "as_notary": as_notary,
        "home_url": reverse("filings:notary_home" if as_notary else "filings:portal"),
        "refusals": selectors.refusals_for(filing.organisation) if filing.kind == Kind.AFTER_NOTARY_REFUSAL else [],
        "events": selectors.timeline(filing),
        "documents": documents,
        "any_signed": any(d.is_signed for d in documents),
        "upload_form": UploadForm(),
        "cash_form": CashStatementForm(
            initial={
                f: getattr(filing.cash_statement, f)
                for f in ("opening_balance", "receipts", "payments", "closing_balance")
            }
            if hasattr(filing, "cash_statement")
            else None
        ),
        "reply_form": ReplyForm(),
        "draft_form": DraftForm(
            initial={
                "section": filing.section_id,
                "pec": filing.pec,
                "representative_name": filing.representative_name,
                "representative_tax_code": filing.representative_tax_code,
                "financial_year": filing.financial_year,
                "accounts_model": filing.accounts_model,
                "income": filing.income,
                "held_fundraising": filing.held_fundraising,
                "changed_on": filing.changed_on,
                "summary": filing.summary,
                "standard_statute": filing.standard_statute,
                "prior_legal_personality": filing.prior_legal_personality,
                "deed_received_on": filing.deed_received_on,
            }
        ),
        "problems": services.submission_problems(filing) if filing.state == State.DRAFT else [],
        "editable": filing.state in services.ENTITY_EDITABLE_STATES,
        "needs_cash": filing.kind == Kind.ANNUAL_ACCOUNTS and filing.accounts_model == "D",
        "needs_size": filing.kind in services.ANTIMAFIA_KINDS,
        "size_form": _size_form(filing),
        **extra,
    }


def _size_form(filing: Filing) -> SizeDeclarationForm | None:
    if filing.kind not in services.ANTIMAFIA_KINDS:
        return None
    declaration = SizeDeclaration.objects.filter(filing=filing).first()
    if declaration is None:
        return SizeDeclarationForm()
    return SizeDeclarationForm(
        initial={f: getattr(declaration, f) for f in SizeDeclarationForm.base_fields}  # type: ignore[attr-defined]
    )


@access.require_filer
@require_GET
def portal_filing(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_representative(request, pk)
    return render(request, "filings/portal_filing.html", _portal_context(request, filing))


@access.require_filer
@require_POST
def portal_upload(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_representative(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            _doc, warnings = services.document_add(
                filing=filing,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Document added."))
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("filings:portal_filing", pk=pk)
        form = UploadForm()
    return render(request, "filings/portal_filing.html", _portal_context(request, filing, upload_form=form), status=400)


@access.require_filer
@require_POST
def portal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_representative(request, pk)
    form = DraftForm(request.POST)
    if form.is_valid():
        try:
            services.filing_update_draft(filing=filing, **form.service_fields())
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("filings:portal_filing", pk=pk)
    filing.refresh_from_db()
    return render(request, "filings/portal_filing.html", _portal_context(request, filing, draft_form=form), status=400)


@access.require_filer
@require_POST
def portal_size(request: HttpRequest, pk: int) -> HttpResponse:
    """The applicant declares its size in its last two years (CTS art. 31 c.1), for the antimafia check."""
    filing = access.get_filing_for_representative(request, pk)
    form = SizeDeclarationForm(request.POST)
    if form.is_valid():
        try:
            services.size_declaration_save(filing=filing, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Size declaration saved."))
            return redirect("filings:portal_filing", pk=pk)
    return render(request, "filings/portal_filing.html", _portal_context(request, filing, size_form=form), status=400)


@access.require_filer
@require_POST
def portal_figures(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_representative(request, pk)
    form = CashStatementForm(request.POST)
    if form.is_valid():
        try:
            statement = services.cash_statement_save(filing=filing, **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            if statement.difference():
                messages.warning(
                    request,
                    _("Saved, but the figures do not add up: the difference is %(diff)s.")
                    % {"diff": statement.difference()},
                )
            else:
                messages.success(request, _("Saved: the cash statement adds up."))
            return redirect("filings:portal_filing", pk=pk)
    return render(request, "filings/portal_filing.html", _portal_context(request, filing, cash_form=form), status=400)


@access.require_filer
@require_POST
def portal_submit(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_representative(request, pk)
    already = filing.state != State.DRAFT
    try:
        filing = services.filing_submit(filing=filing, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, _("The filing was not submitted: correct the problems listed below."))
        return render(
            request, "filings/portal_filing.html", _portal_context(request, filing, problems=error.messages), status=400
        )
    if already:
        messages.info(request, _("This filing had already been submitted."))
    else:
        messages.success(
            request,
            _("Submitted with protocol %(protocol)s: a receipt is on its way to your PEC.")
            % {"protocol": filing.protocol},
        )
    return redirect("filings:portal_filing", pk=pk)


@access.require_filer
@require_POST
def portal_reply(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_representative(request, pk)
    form = ReplyForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        if filing.state == State.INTEGRATION_REQUESTED:
            services.filing_answer_integration(filing=filing, actor=request.user, text=text)  # type: ignore[arg-type]
        else:
            services.filing_send_observations(filing=filing, actor=request.user, text=text)  # type: ignore[arg-type]
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Sent. The office's term runs again as the law says: see the new deadline."))
    return redirect("filings:portal_filing", pk=pk)


@access.require_filer
@require_POST
def portal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    filing = access.get_filing_for_representative(request, pk)
    try:
        services.filing_withdraw(filing=filing, actor=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The filing was withdrawn."))
    return redirect("filings:portal_filing", pk=pk)


# --- Notaries (CTS art. 22; DM 106/2020 artt. 16, 19) -------------------------------------------------------


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _notary_page(request: HttpRequest, notary: Notary, *, status: int = 200, **forms: Any) -> HttpResponse:
    return render(
        request,
        "filings/notary_home.html",
        {
            "notary": notary,
            "filings": selectors.filings_of_notary(notary),
            "refusals": selectors.refusals_of_notary(notary),
            "form": forms.get("form") or NotaryFilingForm(),
            "refusal_form": forms.get("refusal_form") or NotaryRefusalForm(),
        },
        status=status,
    )


@access.require_notary
def notary_home(request: HttpRequest) -> HttpResponse:
    """A notary's filings, and a new registration with legal personality for an entity being constituted."""
    notary = access.active_notary(request.user)
    assert notary is not None
    form = NotaryFilingForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.service_fields()
            try:
                filing = services.notary_filing_create(
                    notary=notary,
                    actor=request.user,  # type: ignore[arg-type]
                    client_token=form.cleaned_data["token"],
                    **data,
                )
            except ValidationError as error:
                _form_errors(form, error)
            else:
                late = filing.notary_days_late()
                if late:
                    messages.warning(
                        request,
                        _(
                            "The deed reached you more than 20 days ago (%(n)d days late): you can still file, and "
                            "the office will see the delay (CTS art. 22 c.2; DM 106/2020 art. 16 c.1)."
                        )
                        % {"n": late},
                    )
                return redirect("filings:portal_filing", pk=filing.pk)
        return _notary_page(request, notary, status=400, form=form)
    return _notary_page(request, notary)


@access.require_notary
@require_POST
def notary_refusal(request: HttpRequest) -> HttpResponse:
    """The notary records a refusal communicated to the founders (CTS art. 22 c.3; T9)."""
    notary = access.active_notary(request.user)
    assert notary is not None
    form = NotaryRefusalForm(request.POST)
    if form.is_valid():
        try:
            refusal = services.notary_refusal_record(notary=notary, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _("Refusal recorded. The founders may apply to the office until %(day)s (DM 106/2020 art. 19).")
                % {"day": formats.date_format(refusal.application_due(), "DATE_FORMAT")},
            )
            if refusal.days_late():
                messages.warning(
                    request,
                    _("Communicated %(n)d days after the 30 of CTS art. 22 c.3: the office will see it.")
                    % {"n": refusal.days_late()},
                )
            return redirect("filings:notary_home")
    return _notary_page(request, notary, status=400, refusal_form=form)


@access.require_officer
def notaries(request: HttpRequest) -> HttpResponse:
    """The notaries the office has enabled to file, and a form to enable one more."""
    form = NotaryEnableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            notary = services.notary_enable(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("%(name)s can now file as a notary.") % {"name": notary.full_name})
            return redirect("filings:notaries")
    return render(
        request,
        "filings/notaries.html",
        {"notaries": selectors.notaries(), "form": form, "today": timezone.localdate()},
        status=400 if request.method == "POST" else 200,
    )


@access.require_officer
@require_POST
def notary_end(request: HttpRequest, pk: int) -> HttpResponse:
    notary = get_object_or_404(Notary, pk=pk)
    services.notary_end(notary=notary, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("%(name)s can no longer file as a notary.") % {"name": notary.full_name})
    return redirect("filings:notaries")


@access.require_officer
@require_POST
def notary_tax_code(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the codice fiscale of a notary enabled without one."""
    notary = get_object_or_404(Notary, pk=pk)
    try:  # the service checks the value: required, well formed, a person's
        services.notary_set_tax_code(
            notary=notary,
            tax_code=request.POST.get("tax_code", ""),
            actor=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Codice fiscale recorded for %(name)s.") % {"name": notary.full_name})
    return redirect("filings:notaries")


# --- Procedures the office starts, and the office's figures --------------------------------------------------

# Office practice, within the law's 180 days (CTS art. 48 c.4): a one-click warning gives 90.
ONE_CLICK_WARNING_DAYS = 90


@access.require_officer
def start_procedure(request: HttpRequest) -> HttpResponse:
    return _open_on_entity(
        request,
        StartProcedureForm,
        "filings/start.html",
        lambda entity, data: services.filing_open_by_office(
            entity=entity,
            kind=data["kind"],
            actor=request.user,  # type: ignore[arg-type]
            summary=data["summary"],
            cause=data["cause"],
            days=data["days"],
        ),
        _("Procedure started: the communication is on its way to the entity's PEC."),
    )


T22_SOURCE = "t22"  # ?fonte=t22: the trasmigrated ODV/APS without their 2021 accounts (nota MLPS 5941/2022)


@access.require_officer
@require_GET
def missing_accounts(request: HttpRequest) -> HttpResponse:
    transmigrated = request.GET.get("fonte") == T22_SOURCE
    year = (
        deadlines.TRANSMIGRATED_ACCOUNTS_YEAR
        if transmigrated
        else selectors.accounts_year_overdue(timezone.localdate())
    )
    try:
        page = selectors.missing_accounts(
            year=year, cursor=request.GET.get("cursor") or None, transmigrated=transmigrated
        )
    except InvalidCursor:
        raise Http404 from None
    if transmigrated:
        for entity in page.items:
            entity.t22_due = (
                deadlines.transmigrated_accounts_due(entity.registered_on) if entity.registered_on else None
            )
    return render(
        request,
        "filings/missing_accounts.html",
        {
            "page": page,
            "year": year,
            "days": ONE_CLICK_WARNING_DAYS,
            "filter_query": query_without_cursor(request.GET),
            "transmigrated": transmigrated,
            "t22": deadlines.RULES["T22"],
        },
    )


def _back_to_missing(transmigrated: bool) -> HttpResponse:
    url = reverse("filings:missing_accounts")
    return redirect(f"{url}?fonte={T22_SOURCE}" if transmigrated else url)


@access.require_officer
@require_POST
def bulk_warn(request: HttpRequest) -> HttpResponse:
    transmigrated = request.POST.get("fonte") == T22_SOURCE
    form = BulkWarnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Select at least one entity."))
        return _back_to_missing(transmigrated)
    outcomes = services.entities_warn_missing_accounts(
        entity_ids=form.cleaned_data["entities"],
        actor=request.user,  # type: ignore[arg-type]
        year=selectors.accounts_year_overdue(timezone.localdate()),
        days=ONE_CLICK_WARNING_DAYS,
        transmigrated=transmigrated,
    )
    return _bulk_report(request, outcomes, title=_("Warnings for missing annual accounts"), back="")


@access.require_officer
@require_POST
def warn(request: HttpRequest, entity_pk: int) -> HttpResponse:
    entity = selectors.entity_by_pk(entity_pk)
    if entity is None:
        raise Http404
    transmigrated = request.POST.get("fonte") == T22_SOURCE
    outcomes = services.entities_warn_missing_accounts(
        entity_ids=[entity.pk],
        actor=request.user,  # type: ignore[arg-type]
        year=selectors.accounts_year_overdue(timezone.localdate()),
        days=ONE_CLICK_WARNING_DAYS,
        transmigrated=transmigrated,
    )
    outcome = outcomes[0]
    if outcome.result == services.DONE:
        messages.success(request, _("Warning sent to %(name)s.") % {"name": entity.name})
    else:
        messages.error(request, outcome.message)
    return _back_to_missing(transmigrated)


@access.require_officer
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    data = selectors.dashboard(today=timezone.localdate())
    empty = [0] * len(data.months)
    totals_in = [sum(col) for col in zip(*[f["in"] for f in data.flows], strict=True)] if data.flows else empty
    totals_out = [sum(col) for col in zip(*[f["out"] for f in data.flows], strict=True)] if data.flows else empty
    peak = max([1, *totals_in, *totals_out])
    # An SVG 640 units wide: the month at the left, two bars (in, decided) of at most 480 units, the figures after.
    chart = []
    for n, (month, arrived, decided) in enumerate(zip(data.months, totals_in, totals_out, strict=True)):
        top, width_in, width_out = 24 * n, round(480 * arrived / peak), round(480 * decided / peak)
        chart.append(
            {
                "month": month,
                "in": arrived,
                "out": decided,
                "text_y": top + 15,
                "in_y": top + 3,
                "out_y": top + 12,
                "in_width": width_in,
                "out_width": width_out,
                "label_x": 76 + max(width_in, width_out),
            }
        )
    section_peak = max([1, *[n for _l, _n, n in data.by_section]])
    return render(
        request,
        "filings/dashboard.html",
        {
            "data": data,
            "chart": chart,
            "chart_height": 24 * len(chart),
            "sections": [(letter, name, n, round(100 * n / section_peak)) for letter, name, n in data.by_section],
        },
    )


@access.require_officer
@require_GET
def dashboard_xlsx(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    content = exports.dashboard_xlsx(selectors.dashboard(today=today))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="runts-pratiche-{today.isoformat()}.xlsx"'
    return response
