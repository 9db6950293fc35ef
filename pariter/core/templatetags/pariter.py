"""Template helpers for Bootstrap Italia form markup and audit history."""

from __future__ import annotations

import functools
from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from pariter.core import formrender, selectors

register = template.Library()


@register.simple_tag
def bi_widget(field: BoundField) -> SafeString:
    """Render a field's widget with Bootstrap Italia classes and ARIA links to help and errors."""
    return formrender.render_widget(field, formrender.widget_attrs(field))


@register.simple_tag
def bi_field(field: BoundField) -> SafeString:
    """A whole field (label, widget, help text, errors) in Bootstrap Italia markup, written in Python."""
    return formrender.render_field(field)


@register.simple_tag
def municipality_datalist() -> SafeString:
    """The suggestions for municipality fields (`MunicipalityField` points its input at this list)."""
    return _datalist(tuple(selectors.metropolitan_municipality_names()))


@functools.lru_cache(maxsize=4)
def _datalist(names: tuple[str, ...]) -> SafeString:
    # Written once per list of names: 133 options through format_html cost a tenth of the register's search page.
    options = "".join(f'<option value="{escape(name)}">' for name in names)
    return mark_safe(f'<datalist id="municipality-options">{options}</datalist>')  # noqa: S308  (names escaped)


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
