from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pariter.core.models import Municipality
from pariter.filings.kinds import ENTITY_KINDS, Action, DocKind, Kind, State
from pariter.filings.models import AccountsModel, ControlMethod, ControlOutcome, ControlScope
from pariter.registry import selectors as registry_selectors
from pariter.registry.models import CancellationCause, Section


class NewFilingForm(forms.Form):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    kind = forms.ChoiceField(label=_("Type of filing"), choices=[(k.value, k.label) for k in ENTITY_KINDS])
    section = forms.ModelChoiceField(
        label=_("Section"),
        queryset=Section.objects.all(),
        required=False,
        empty_label="—",
        help_text=_("For a registration, the section applied for; for a migration, the new section."),
    )
    pec = forms.EmailField(label=_("PEC"), required=False, help_text=_("Leave empty to use the one in the register."))
    representative_name = forms.CharField(label=_("Legal representative"), max_length=200, required=False)
    representative_tax_code = forms.CharField(
        label=_("Legal representative's codice fiscale"), max_length=16, required=False
    )
    financial_year = forms.IntegerField(label=_("Financial year"), min_value=2020, max_value=2100, required=False)
    accounts_model = forms.ChoiceField(
        label=_("Accounts model"), choices=[("", "—"), *AccountsModel.choices], required=False
    )
    income = forms.DecimalField(
        label=_("Total income (EUR)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    held_fundraising = forms.BooleanField(label=_("Public fundraising held in the year"), required=False)
    changed_on = forms.DateField(
        label=_("Date of the change"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    standard_statute = forms.BooleanField(
        label=_("The statute follows a standard model approved by the Ministry"),
        required=False,
        help_text=_("Registration only: the office then decides within 30 days instead of 60 (CTS art. 47 c.5)."),
    )
    prior_legal_personality = forms.BooleanField(
        label=_("Already a legal person under DPR 361/2000 (Prefettura or Regione)"),
        required=False,
        help_text=_("The office tells the Prefettura or Regione within 15 days of the decision (CTS art. 22 c.1-bis)."),
    )

    def service_fields(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("token", "kind") and v not in (None, "")}
        data.setdefault("held_fundraising", False)
        return data


class DraftForm(NewFilingForm):
    """The data of a draft, changed until it is submitted."""

    token = None  # type: ignore[assignment]
    kind = None  # type: ignore[assignment]
    deed_received_on = forms.DateField(
        label=_("Date the deed reached the notary"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def service_fields(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in ("token", "kind")}
        if data.get("deed_received_on") is None:
            data.pop("deed_received_on", None)  # only a notary's draft shows it; the others leave it as it is
        return data


class MunicipalityField(forms.CharField):
    """A municipality typed by name (the list has thousands): the current one with that name."""

    def clean(self, value: Any) -> Municipality | None:  # type: ignore[override]
        name = super().clean(value)
        if not name:
            return None
        found = Municipality.objects.filter(name__iexact=name.strip()).order_by("-valid_from").first()
        if found is None:
            raise forms.ValidationError(_("No municipality has this name: write it as in the ISTAT list."))
        return found


class _DeedForm(forms.Form):
    """The entity being constituted, as the notary knows it from the deed."""

    name = forms.CharField(label=_("Name of the entity"), max_length=300)
    tax_code = forms.CharField(label=_("Entity's codice fiscale"), max_length=16)
    municipality = MunicipalityField(label=_("Municipality of the registered office"), max_length=200)
    deed_received_on = forms.DateField(
        label=_("Date the deed reached you"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("You deposit it within 20 days (CTS art. 22 c.2; DM 106/2020 art. 16 c.1)."),
    )


class NotaryFilingForm(_DeedForm):
    token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    section = forms.ModelChoiceField(label=_("Section"), queryset=Section.objects.all(), empty_label="—")
    pec = forms.EmailField(label=_("Entity's PEC"))
    representative_name = forms.CharField(label=_("Legal representative"), max_length=200)
    representative_tax_code = forms.CharField(
        label=_("Legal representative's codice fiscale"), max_length=16, required=False
    )
    prior_legal_personality = NewFilingForm.base_fields["prior_legal_personality"]

    def service_fields(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "token" and v not in (None, "")}


class NotaryRefusalForm(_DeedForm):
    communicated_on = forms.DateField(
        label=_("Refusal communicated to the founders on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Within 30 days of receiving the deed (CTS art. 22 c.3)."),
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)


class NotaryEnableForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the notary's account"))
    full_name = forms.CharField(label=_("Notary"), max_length=200)
    tax_code = forms.CharField(
        label=_("Notary's codice fiscale"),
        max_length=16,
        help_text=_("The deeds the notary signs digitally are recognised by it."),
    )
    district = forms.CharField(label=_("Notarial district (collegio notarile)"), max_length=200)
    seat = forms.CharField(label=_("Seat"), max_length=200)


class AuthorityNoticeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Recipient and content of the notice"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[(k.value, k.label) for k in DocKind if k != DocKind.OFFICE_ACT]
    )
    file = forms.FileField(
        label=_("PDF file, or signed PDF (.pdf.p7m)"),
        help_text=_(
            "PDF/A preferred; no encryption, no JavaScript. A digitally signed file (CAdES, .pdf.p7m) is accepted: "
            "its signature is checked on upload."
        ),
    )


class CashStatementForm(forms.Form):
    opening_balance = forms.DecimalField(label=_("Opening cash and bank balance"), max_digits=14, decimal_places=2)
    receipts = forms.DecimalField(label=_("Total receipts"), min_value=0, max_digits=14, decimal_places=2)
    payments = forms.DecimalField(label=_("Total payments"), min_value=0, max_digits=14, decimal_places=2)
    closing_balance = forms.DecimalField(label=_("Closing cash and bank balance"), max_digits=14, decimal_places=2)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, required=False
    )


class ActForm(forms.Form):
    action = forms.ChoiceField(choices=Action.choices, widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Reasons or items"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )
    days = forms.IntegerField(label=_("Days given to the entity"), min_value=1, max_value=30, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("All")), *Kind.choices], required=False)
    state = forms.ChoiceField(
        label=_("State"),
        choices=[("", _("All"))]
        + [
            (s.value, s.label)
            for s in (
                State.SUBMITTED,
                State.IN_REVIEW,
                State.INTEGRATION_REQUESTED,
                State.REFUSAL_NOTICE,
                State.AWAITING_ENTITY,
            )
        ],
        required=False,
    )
    # The sections come from the register's cached reference list: the queue is read all day long.
    section = forms.TypedChoiceField(label=_("Section"), coerce=int, empty_value=None, required=False)
    municipality = forms.CharField(label=_("Municipality"), max_length=200, required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    # Controls only (CTS art. 93): choosing either shows the controls alone.
    control_scope = forms.ChoiceField(
        label=_("Control scope"), choices=[("", _("All")), *ControlScope.choices], required=False
    )
    control_method = forms.ChoiceField(
        label=_("Control method"),
        choices=[("", _("All")), *ControlMethod.choices],
        required=False,
    )

    def __init__(self, *args: Any, officers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [  # type: ignore[attr-defined]
            ("", _("All")),
            *[(s.pk, str(s)) for s in registry_selectors.sections()],
        ]
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            ("none", _("Nobody")),
            *[(str(u.pk), u.full_name) for u in officers],
        ]


class IdsField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return sorted({int(v) for v in value or []})[:500]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose filings from the list.")) from None


class BulkAssignForm(forms.Form):
    filings = IdsField(error_messages={"required": _("Select at least one filing.")})
    assignee = forms.ChoiceField(label=_("Assign the selected filings to"))

    def __init__(self, *args: Any, officers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("none", _("Nobody")), *[(str(u.pk), u.full_name) for u in officers]]
        self.fields["assignee"].choices = choices  # type: ignore[attr-defined]


class BulkTakeChargeForm(forms.Form):
    filings = IdsField(error_messages={"required": _("Select at least one filing.")})


class BulkWarnForm(forms.Form):
    entities = IdsField(error_messages={"required": _("Select at least one entity.")})


class StartProcedureForm(forms.Form):
    repertory_number = forms.IntegerField(label=_("Repertorio number"), min_value=1)
    kind = forms.ChoiceField(
        label=_("Procedure"),
        choices=[(k.value, k.label) for k in (Kind.WARNING, Kind.CANCELLATION, Kind.REVIEW)],
    )
    cause = forms.ChoiceField(
        label=_("Cancellation cause"), choices=[("", "—"), *CancellationCause.choices], required=False
    )
    days = forms.IntegerField(label=_("Days given (warning, at most 180)"), min_value=1, max_value=180, required=False)
    summary = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("They go in the communication sent to the entity's PEC."),
    )


class SizeDeclarationForm(forms.Form):
    """The applicant's size in its last two closed years (CTS art. 31 c.1), for the antimafia check (art. 48 c.6)."""

    closed_years = forms.TypedChoiceField(
        label=_("Financial years the entity has closed"),
        coerce=int,
        choices=[(0, _("None yet")), (1, _("One")), (2, _("Two or more"))],
    )
    last_year = forms.IntegerField(label=_("Last closed financial year"), min_value=2000, required=False)
    assets_last = forms.DecimalField(
        label=_("Total assets, last year (EUR)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    revenue_last = forms.DecimalField(
        label=_("Revenue and income of every kind, last year (EUR)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    employees_last = forms.DecimalField(
        label=_("Average employees, last year"), min_value=0, max_digits=7, decimal_places=2, required=False
    )
    assets_previous = forms.DecimalField(
        label=_("Total assets, year before (EUR)"), min_value=0, max_digits=14, decimal_places=2, required=False
    )
    revenue_previous = forms.DecimalField(
        label=_("Revenue and income of every kind, year before (EUR)"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        required=False,
    )
    employees_previous = forms.DecimalField(
        label=_("Average employees, year before"), min_value=0, max_digits=7, decimal_places=2, required=False
    )


class AntimafiaRequestForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    requested_on = forms.DateField(label=_("Requested on"), widget=forms.DateInput(attrs={"type": "date"}))
    protocol = forms.CharField(label=_("Protocol of the request"), max_length=40)
    prefecture = forms.CharField(label=_("Prefettura"), max_length=120, initial="Prefettura di Milano")


class AntimafiaOutcomeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("clear", _("Clear (liberatoria)")), ("adverse", _("Adverse (interdittiva)"))]
    )
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Reference of the information"), max_length=60, required=False)


class ControlStartForm(forms.Form):
    repertory_number = forms.IntegerField(label=_("Repertorio number"), min_value=1)
    scope = forms.ChoiceField(label=_("What the control verifies (CTS art. 93 c.1)"), choices=ControlScope.choices)
    method = forms.ChoiceField(label=_("How"), choices=ControlMethod.choices)
    on_report = forms.BooleanField(label=_("Started on a report"), required=False)
    summary = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_("Internal: the entity hears of the control only with its first formal act."),
    )


class ControlConcludeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    findings = forms.CharField(
        label=_("Findings"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=8000,
        help_text=_("They go in the findings letter sent to the entity's PEC."),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in ControlOutcome.choices if c[0]], widget=forms.RadioSelect
    )
    days = forms.IntegerField(label=_("Days given (warning, at most 180)"), min_value=1, max_value=180, required=False)


class ControlNoticeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(
        label=_("Communication to the entity"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "A request for documents, or the notice of a visit or inspection: the entity will then see the control."
        ),
    )
