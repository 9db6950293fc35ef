"""The fields written in Python match, byte for byte, what Django's templates wrote for the same fields."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django import forms
from django.template import engines

from pariter.core import formrender
from pariter.core.forms import MunicipalityField

# core/forms/field.html as it was when fields went through templates (kept beside this file), with the widget
# passed in as `widget`, rendered by Django's own widget templates.
REFERENCE = (Path(__file__).parent / "formrender_reference.html").read_text().rstrip("\n")


class Everything(forms.Form):
    name = forms.CharField(label='Nome <e> "cognome"', max_length=5, help_text="Come & dove")
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search", "maxlength": "200"}))
    email = forms.EmailField(label="PEC")
    website = forms.URLField(required=False)
    count = forms.IntegerField(min_value=1, max_value=9, required=False)
    amount = forms.DecimalField(max_digits=6, decimal_places=2, required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    secret = forms.CharField(widget=forms.PasswordInput, required=False)
    kind = forms.ChoiceField(choices=[("", "Tutti"), ("a", "A & <b>"), ("b", 'B "quoted"')], required=False)
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Nord", [("mi", "Milano"), ("bg", "Bergamo")]), ("Sud", [("na", "Napoli")])]
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    consent = forms.BooleanField(label="Acconsento", help_text="Informativa")
    optional_flag = forms.BooleanField(required=False)
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    municipality = MunicipalityField(label="Comune", required=False)
    locked = forms.CharField(disabled=True, required=False, initial="fisso")
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y")], required=False)
    radio = forms.ChoiceField(choices=[("1", "Uno"), ("2", "Due")], widget=forms.RadioSelect, required=False)


def _pairs(form: forms.Form) -> list[tuple[str, str, str]]:
    template = engines["django"].from_string(REFERENCE)
    out = []
    for field in form:
        widget = field.as_widget(attrs=formrender.widget_attrs(field))
        is_checkbox = isinstance(field.field.widget, forms.CheckboxInput)
        expected = template.render({"field": field, "widget": widget, "is_checkbox": is_checkbox})
        out.append((field.name, expected, formrender.render_field(field)))
    return out


DATA = {
    "name": "<script>troppo lungo</script>",
    "search": 'a "b" & c',
    "email": "not-an-email",
    "website": "javascript:alert(1)",
    "count": "12",
    "amount": "1.234",
    "day": "2026-02-30",
    "secret": "x",
    "kind": "a",
    "grouped": "bg",
    "notes": 'riga 1\n<riga 2> & "3"',
    "token": "t<0>",
    "municipality": "Milano",
    "many": ["x", "y"],
    "radio": "2",
}


@pytest.mark.parametrize(
    "form",
    [
        Everything(),
        Everything(initial={"day": datetime.date(2024, 2, 29), "kind": "b", "notes": "iniziale", "count": 3}),
        Everything(DATA),
        Everything({}),
    ],
    ids=["unbound", "initial", "bound-invalid", "bound-empty"],
)
def test_every_field_matches_the_templates(form: forms.Form, db: None) -> None:
    form.is_valid() if form.is_bound else None
    for name, expected, written in _pairs(form):
        assert written == expected, name


def test_values_and_labels_are_escaped(db: None) -> None:
    form = Everything(DATA)
    form.is_valid()
    html = str(formrender.render_field(form["notes"])) + str(formrender.render_field(form["name"]))
    assert "<riga 2>" not in html and "&lt;riga 2&gt;" in html
    assert "<script>" not in html and "Nome &lt;e&gt; &quot;cognome&quot;" in html
    select = str(formrender.render_field(form["kind"]))
    assert '<option value="a" selected>A &amp; &lt;b&gt;</option>' in select


def test_a_widget_with_its_own_template_goes_through_django(db: None) -> None:
    form = Everything({"radio": "2"})
    form.is_valid()
    html = str(formrender.render_field(form["radio"]))
    assert 'type="radio"' in html and 'value="2"' in html and "checked" in html
