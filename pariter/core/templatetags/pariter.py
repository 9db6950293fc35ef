"""Template helpers for Bootstrap Italia form markup and audit history."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def bi_widget(field: BoundField) -> SafeString:
    """Render a field's widget with Bootstrap Italia classes and ARIA links to help and errors."""
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
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field: BoundField) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def change_pairs(changes: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Audit `changes` as (field, old, new) rows; other shapes as (key, '', value)."""
    rows = []
    for key, value in (changes or {}).items():
        if isinstance(value, list) and len(value) == 2:
            rows.append((key, value[0], value[1]))
        else:
            rows.append((key, "", value))
    return rows
