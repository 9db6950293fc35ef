"""Bootstrap Italia form fields, written in Python.

Every public form (the register's search, the training catalogue's filters, registration forms) renders its
fields here. Through templates, a field cost one include, one widget template and two more includes per select
option: about 2 ms for the register's seven search fields, a fifth of the whole page. This module writes the
same markup directly. Widgets with a template of their own (radio lists, file inputs, anything customised) still
go through Django's renderer; the stock ones are written here, byte for byte as Django's templates write them
(tests/core/test_formrender.py compares the two).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "password", "date", "datetime", "time", "search", "tel")
) | {"django/forms/widgets/checkbox.html", "django/forms/widgets/hidden.html"}
_SELECT_TEMPLATE = "django/forms/widgets/select.html"
_OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's `attrs.html`: in order; True as a bare name, False left out, anything else as a string."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _select(widget: dict[str, Any]) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION_TEMPLATE:
                return None
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _written(widget: dict[str, Any]) -> str | None:
    """The widget's HTML for a stock template, or None for Django's renderer to do it."""
    template = widget["template_name"]
    if template in _INPUT_TEMPLATES:
        value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
        return (
            f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
            f"{value}{_attrs(widget['attrs'])}>"
        )
    if template == _SELECT_TEMPLATE:
        return _select(widget)
    if template == _TEXTAREA_TEMPLATE:
        value = conditional_escape(widget["value"]) if widget["value"] else ""
        return f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    return None


def render_widget(field: BoundField, attrs: dict[str, Any]) -> SafeString:
    """`field.as_widget(attrs=attrs)`, written directly when the widget uses a stock template."""
    widget = field.field.widget
    if field.field.localize:
        return field.as_widget(attrs=attrs)
    attrs = field.build_widget_attrs(attrs, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)
    html = _written(context["widget"])
    if html is None:
        return field.as_widget(attrs=attrs)
    return mark_safe(html)  # noqa: S308  (every value above went through conditional_escape)


def widget_attrs(field: BoundField) -> dict[str, Any]:
    """Bootstrap Italia classes, and ARIA links from the widget to its help text and its errors."""
    widget = field.field.widget
    attrs: dict[str, Any] = {}
    if isinstance(widget, forms.CheckboxInput):
        attrs["class"] = "form-check-input"
    elif isinstance(widget, forms.Select):
        attrs["class"] = "form-select"
    else:
        attrs["class"] = "form-control"
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-help")
    if field.errors:
        described.append(f"{field.auto_id}-error")
        attrs["aria-invalid"] = "true"
        attrs["class"] += " is-invalid"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return attrs


def render_field(field: BoundField) -> SafeString:
    """A whole field: label, widget, help text and errors, as `core/forms/field.html` used to write them."""
    if field.is_hidden:
        return mark_safe(str(field))  # noqa: S308  (a widget's own rendering, already escaped)
    widget = render_widget(field, widget_attrs(field))
    auto_id = conditional_escape(field.auto_id)
    label = conditional_escape(field.label)
    help_text = (
        f'\n  <small id="{auto_id}-help" class="form-text">{conditional_escape(field.help_text)}</small>'
        if field.help_text
        else "\n  "
    )
    errors = (
        f'\n  <div id="{auto_id}-error" class="invalid-feedback d-block" role="alert">'
        f"{' '.join(conditional_escape(str(e)) for e in field.errors)}</div>"
        if field.errors
        else "\n  "
    )
    if isinstance(field.field.widget, forms.CheckboxInput):
        html = (
            f'\n<div class="form-check mb-3">\n  {widget}\n  <label class="form-check-label" for="{auto_id}">{label}'
            f"</label>{help_text}{errors}\n</div>"
        )
    else:
        required = (
            f' <span aria-hidden="true">*</span><span class="visually-hidden">'
            f"{conditional_escape(gettext('(required)'))}</span>"
            if field.field.required
            else ""
        )
        html = (
            f'\n<div class="form-group mb-4">\n  <label for="{auto_id}" class="active">{label}{required}</label>\n'
            f"  {widget}{help_text}{errors}\n</div>"
        )
    return mark_safe(html)  # noqa: S308  (every value above went through conditional_escape)
