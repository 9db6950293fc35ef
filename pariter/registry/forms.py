from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pariter.core.forms import MunicipalityField
from pariter.registry.models import Section
from pariter.registry.selectors import EntitySearch

MAX_QUERY = 200
TRISTATE = [("", _("Any")), ("1", _("Yes")), ("0", _("No"))]


class RegisterSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=MAX_QUERY,
        help_text=_("Words of the name, in any order; beginnings of words are enough."),
        error_messages={"max_length": _("Use at most %(limit_value)d characters (you typed %(show_value)d).")},
    )
    codice_fiscale = forms.CharField(label=_("Codice fiscale"), required=False, max_length=20)
    repertorio = forms.IntegerField(label=_("Repertorio number"), required=False, min_value=1, max_value=10**9)
    comune = MunicipalityField(label=_("Municipality"), required=False, help_text="")
    sezione = forms.ChoiceField(label=_("Section"), required=False)
    cinque_per_mille = forms.ChoiceField(label=_("Accredited to the 5x1000"), required=False, choices=TRISTATE)
    rete = forms.ChoiceField(label=_("Member of a rete associativa"), required=False, choices=TRISTATE)

    def __init__(self, *args: Any, sections: list[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        section_field: forms.ChoiceField = self.fields["sezione"]  # type: ignore[assignment]
        section_field.choices = [("", _("All sections")), *[(s.letter, str(s)) for s in sections]]
        self.fields["q"].widget.attrs.update({"type": "search", "maxlength": str(MAX_QUERY)})

    def clean_codice_fiscale(self) -> str:
        value = "".join(self.cleaned_data["codice_fiscale"].split()).upper()
        if value and (len(value) not in (11, 16) or not value.isalnum()):
            raise forms.ValidationError(_("A codice fiscale has 11 digits or 16 characters."))
        return value

    def to_filters(self) -> EntitySearch:
        data = self.cleaned_data
        tristate = {"1": True, "0": False}
        return EntitySearch(
            text=data.get("q") or "",
            tax_code=data.get("codice_fiscale") or "",
            repertory_number=data.get("repertorio"),
            municipality=data.get("comune"),
            section=data.get("sezione") or "",
            five_per_thousand=tristate.get(data.get("cinque_per_mille") or ""),
            in_network=tristate.get(data.get("rete") or ""),
        )


class AsOfForm(forms.Form):
    al = forms.DateField(label=_("As of"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
