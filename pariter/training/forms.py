from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pariter.core.forms import MunicipalityField
from pariter.training import exports
from pariter.training.models import (
    AttendanceFilter,
    AttendanceStatus,
    Audience,
    Edition,
    EnrollmentState,
    Gender,
    InitiativeKind,
    Language,
    MessageAnchor,
    MessageKind,
    Question,
    QuestionKind,
)


class EnrollmentForm(forms.Form):
    full_name = forms.CharField(label=_("Name and surname"), max_length=200)
    email = forms.EmailField(label=_("E-mail"), help_text=_("We send the confirmation and the links here."))
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)
    municipality = MunicipalityField(label=_("Municipality of residence"), required=False)
    gender = forms.ChoiceField(label=_("Gender"), choices=Gender.choices, initial=Gender.OTHER)
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree to the processing of my data for this training."),
        required=False,
    )

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        for q in questions:
            field: forms.Field
            # Required-ness is checked by the service, which knows which questions were shown.
            if q.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(choices=[("", "—"), *[(c, c) for c in q.choice_list()]], required=False)
            elif q.kind == QuestionKind.YES_NO:
                field = forms.ChoiceField(choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))], required=False)
            else:
                field = forms.CharField(max_length=2000, required=False)
            field.label = q.label + (" *" if q.required else "")
            if q.required:
                field.widget.attrs["aria-required"] = "true"
            if q.depends_on_id:
                parent = next((p for p in questions if p.pk == q.depends_on_id), None)
                if parent is not None:
                    field.help_text = _("Answer only if you answered “%(value)s” to “%(question)s”.") % {
                        "value": _("Yes")
                        if q.depends_value == "yes"
                        else _("No")
                        if q.depends_value == "no"
                        else q.depends_value,
                        "question": parent.label,
                    }
                    field.widget.attrs.update(
                        {"data-depends-on": f"id_q_{parent.pk}", "data-depends-value": q.depends_value}
                    )
            self.fields[f"q_{q.pk}"] = field

    def question_fields(self) -> list[forms.BoundField]:
        return [self[f"q_{q.pk}"] for q in self.questions]

    def answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(f"q_{q.pk}") or "" for q in self.questions}


class EnrollmentChangeForm(forms.Form):
    full_name = forms.CharField(label=_("Name and surname"), max_length=200)
    phone = forms.CharField(label=_("Telephone"), max_length=40, required=False)


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=64,
        help_text=_("Scan the QR code, or type the eight characters printed under it."),
    )
    mode = forms.ChoiceField(
        label=_("Recording"), choices=[("in", _("Entry")), ("out", _("Exit"))], initial="in", widget=forms.RadioSelect
    )


class AttendanceForm(forms.Form):
    enrollment = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=AttendanceStatus.choices)


class AccreditationForm(forms.Form):
    accrediting_body = forms.CharField(label=_("Accrediting body"), max_length=200, initial="CROAS Lombardia")
    cnoas_event_id = forms.CharField(label=_("CNOAS event identifier"), max_length=40)
    credits = forms.IntegerField(label=_("Credits"), min_value=1, max_value=60)
    ethics_credits = forms.BooleanField(label=_("Ethics (deontological) credits"), required=False)


class ExportForm(forms.Form):
    dataset = forms.ChoiceField(label=_("What"), choices=exports.DATASET_CHOICES)
    columns = forms.MultipleChoiceField(
        label=_("Columns"), choices=exports.COLUMN_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        dataset, columns = data.get("dataset"), data.get("columns") or []
        if dataset and columns:
            allowed = exports.COLUMNS_BY_DATASET[dataset]
            wrong = [c for c in columns if c not in allowed]
            if wrong:
                self.add_error(
                    "columns",
                    _("These columns are not available for this export: %(names)s.")
                    % {"names": ", ".join(str(exports.COLUMN_LABELS[c]) for c in wrong)},
                )
        return data


class VerifyForm(forms.Form):
    codice = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("As printed on the certificate, e.g. ABCD-EFGH-JKLM-NPQR."),
    )


class SurveyForm(forms.Form):
    comment = forms.CharField(label=_("Comments"), required=False, max_length=4000, widget=forms.Textarea)

    def __init__(self, *args: Any, statements: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scale = [(str(i), str(i)) for i in range(1, 6)]
        for i, statement in enumerate(statements):
            self.fields[f"r{i}"] = forms.TypedChoiceField(
                label=statement,
                choices=scale,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("1 = not at all, 5 = completely"),
            )
        self.order_fields([*(f"r{i}" for i in range(len(statements))), "comment"])

    def ratings(self) -> list[int]:
        return [self.cleaned_data[name] for name in self.fields if name.startswith("r")]


class InitiativeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=InitiativeKind.choices)
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    topics = forms.CharField(
        label=_("Topics"),
        max_length=500,
        required=False,
        help_text=_("Separated by commas, e.g. “Pari opportunità, Lavoro”."),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    accessibility_notes = forms.CharField(
        label=_("Accessibility of the venue"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_topics(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["topics"].split(",") if t.strip()]


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = [
            "name",
            "capacity",
            "enrollment_mode",
            "offer_hours",
            "enrollment_closes_at",
            "organiser",
            "certificate_rule",
            "certificate_min_sessions",
            "certificate_min_percent",
            "is_published",
        ]
        widgets = {
            "enrollment_closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["capacity"].widget.attrs["min"] = "1"
        self.fields["certificate_min_percent"].widget.attrs.update({"min": "1", "max": "100"})

    def clean_capacity(self) -> int:
        capacity: int = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError(_("An edition has at least one place."))
        return capacity


class EditionCreateForm(EditionForm):
    class Meta(EditionForm.Meta):
        fields = ["initiative", *EditionForm.Meta.fields]


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_at = forms.DateTimeField(
        label=_("Starts"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    break_minutes = forms.IntegerField(label=_("Breaks (minutes)"), min_value=0, max_value=600, initial=0)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(label=_("Room capacity"), min_value=1, required=False)


def session_initial(session: Any) -> dict[str, Any]:
    return {name: getattr(session, name) for name in SessionForm.base_fields}


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line.")
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    depends_on = forms.ModelChoiceField(
        label=_("Show only if the question"), queryset=Question.objects.none(), required=False
    )
    depends_value = forms.CharField(
        label=_("has the answer"), max_length=200, required=False, help_text=_("For yes/no questions: yes or no.")
    )

    def __init__(self, *args: Any, edition: Edition, question: Question | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["depends_on"]  # type: ignore[assignment]
        parents = edition.active_questions().exclude(kind=QuestionKind.TEXT)
        if question is not None:
            # The service refuses loops too; the list simply does not offer them.
            parents = parents.exclude(pk=question.pk).exclude(depends_on=question)
        field.queryset = parents
        field.empty_label = _("(always shown)")

    @classmethod
    def initial_for(cls, question: Question) -> dict[str, Any]:
        return {
            "label": question.label,
            "kind": question.kind,
            "choices": question.choices,
            "required": question.required,
            "depends_on": question.depends_on_id,
            "depends_value": question.depends_value,
        }


class SurveySetupForm(forms.Form):
    statements = forms.CharField(
        label=_("Statements to rate from 1 to 5"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    is_anonymous = forms.BooleanField(label=_("Anonymous answers"), required=False, initial=True)

    def clean_statements(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["statements"].splitlines() if line.strip()]


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Message"),
        choices=[(k, label) for k, label in MessageKind.choices if k != MessageKind.OFFER],
    )
    offset_hours = forms.IntegerField(
        label=_("Hours"),
        min_value=-24 * 60,
        max_value=24 * 60,
        help_text=_("Negative before, positive after: -48 is two days before."),
    )
    anchor = forms.ChoiceField(label=_("Relative to"), choices=MessageAnchor.choices)
    state = forms.ChoiceField(
        label=_("To people whose enrollment is"), choices=EnrollmentState.choices, initial=EnrollmentState.CONFIRMED
    )
    attendance = forms.ChoiceField(label=_("Attendance"), choices=AttendanceFilter.choices, required=False)
