from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pariter.core import selectors
from pariter.core.models import Membership, Municipality, Organisation, OrganisationKind, User
from pariter.core.roles import Role
from pariter.core.validators import normalise_tax_code, validate_tax_code


class MunicipalityField(forms.CharField):
    """A municipality typed by name, ISTAT code or cadastral code, checked against reference data."""

    default_error_messages = {
        "unknown": _(
            "“%(value)s” is not a current Italian municipality. Type its name as ISTAT lists it, or its ISTAT code."
        ),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 120)
        kwargs.setdefault("help_text", _("Name (for example “Sesto San Giovanni”) or six-digit ISTAT code."))
        super().__init__(**kwargs)
        self.widget.attrs.update({"list": "municipality-options", "autocomplete": "off"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Municipality):
            return value.name
        if isinstance(value, int):
            municipality = Municipality.objects.filter(pk=value).first()
            return municipality.name if municipality else ""
        return value

    def clean(self, value: Any) -> Municipality | None:
        text = super().clean(value)
        if not text:
            return None
        municipality = selectors.municipality_lookup(text)
        if municipality is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": text})
        return municipality


class OrganisationForm(forms.ModelForm):
    municipality = MunicipalityField(label=_("Municipality"))

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "tax_code",
            "vat_number",
            "municipality",
            "address",
            "email",
            "pec",
            "phone",
            "website",
        ]

    def clean_tax_code(self) -> str:
        value = normalise_tax_code(self.cleaned_data["tax_code"])
        validate_tax_code(value)
        return value

    def _post_clean(self) -> None:
        # Uniqueness and the rest are checked by the service, with a message
        # naming the organisation that already holds the codice fiscale.
        pass


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or codice fiscale"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=[("", _("All types")), *OrganisationKind.choices])
    municipality = MunicipalityField(label=_("Municipality"), required=False, help_text="")


class UserCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))


class UserEditForm(forms.ModelForm):
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=500)

    class Meta:
        model = User
        fields = ["full_name", "is_active"]
        labels = {"is_active": _("Account active (can sign in)")}


class OrganisationByTaxCodeField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        return super().to_python(normalise_tax_code(value) if isinstance(value, str) else value)


MEMBERSHIP_ROLES = [(value, label) for value, label in Role.choices if value != Role.CITIZEN]


class MembershipForm(forms.Form):
    # Typed as a codice fiscale: the directory holds thousands of bodies, too many for a list.
    organisation = OrganisationByTaxCodeField(
        label=_("Organisation (codice fiscale)"),
        queryset=Organisation.objects.all(),
        to_field_name="tax_code",
        widget=forms.TextInput(attrs={"list": "organisation-options", "autocomplete": "off"}),
        help_text=_("Type the organisation's codice fiscale; the office and partner agencies are suggested."),
        error_messages={"invalid_choice": _("No organisation with this codice fiscale is in the directory.")},
    )
    role = forms.ChoiceField(label=_("Role"), choices=MEMBERSHIP_ROLES)
    starts_on = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The first day on which the role no longer applies. Leave empty for an open-ended role."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date comes before the start date."))
        return data


class MembershipEndForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action code starts with"), required=False, max_length=100)
    actor = forms.CharField(label=_("Who"), required=False, max_length=254)


class ActingOrganisationForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allowed = {m.organisation_id for m in memberships}

    def clean_organisation(self) -> int:
        value = self.cleaned_data["organisation"]
        if value not in self.allowed:
            raise forms.ValidationError(_("You do not belong to this organisation."))
        return value


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form for citizens."""

    full_name = forms.CharField(label=_("Full name"), max_length=200)

    def signup(self, request: Any, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])
