"""Template helpers for Bootstrap Italia form markup and audit history."""

from __future__ import annotations

import functools
from typing import Any

from django import forms, template
from django.conf import settings
from django.forms.boundfield import BoundField
from django.template import Context
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

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


@register.simple_tag(takes_context=True)
def language_forms(context: Context, links: list[tuple[str, str]] | None = None) -> SafeString:
    """The header's language switch: one small form per language, each saying where to go next.

    By default the same address (one address serves both languages); a page that knows its translations passes
    `links`, a list of (code, address), so the switch leads to the translated page even when its address differs.
    Written here rather than in a template: it is on every page, and through a template it cost as much as the
    rest of the header.
    """
    request = context.get("request")
    targets = dict(links or context.get("links") or ())
    here = request.get_full_path() if request is not None else ""
    token = context.get("csrf_token")
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token) if token else ""
    current = translation.get_language()
    action = reverse("set_language")
    forms_html = []
    for code, _name in settings.LANGUAGES:
        chosen = code == current
        forms_html.append(
            format_html(
                '\n  <form action="{}" method="post">{}<input type="hidden" name="next" value="{}">'
                '<button type="submit" name="language" value="{}" lang="{}" class="btn btn-link text-white p-1{}"{}>'
                '{}<span class="visually-hidden"> – {}</span></button></form>',
                action,
                csrf,
                targets.get(code, here),
                code,
                code,
                " fw-bold text-decoration-underline" if chosen else "",
                mark_safe(' aria-current="true"') if chosen else "",
                code.upper(),
                translation.get_language_info(code)["name_local"],
            )
        )
    return format_html(
        '<div class="d-flex align-items-center me-3" role="group" aria-label="{}">{}\n</div>',
        gettext("Language"),
        mark_safe("".join(forms_html)),  # noqa: S308  (each form built by format_html)
    )


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
