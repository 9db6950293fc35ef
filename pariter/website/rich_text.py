"""Rich-text features for language, abbreviations, dates, addresses and leads, so that they survive the editor.

Wagtail's editor (Draftail) keeps only the markup its features describe: anything else is dropped on the first
save. Each feature here says how its HTML becomes the editor's content and back:

- a passage in another language of the site, `<span lang="en">` (WCAG 3.1.2), is an inline style per language,
  so it can overlap a link or bold text (Draft.js allows one entity per character, but any number of styles);
- an abbreviation, `<abbr title="…">`, and a date, `<time datetime="…">`, are entities carrying their value;
- an address, `<address>`, and a lead paragraph, `<p class="lead">`, are block types.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from draftjs_exporter.dom import DOM
from wagtail.admin.rich_text.converters.html_to_contentstate import (
    BlockElementHandler,
    InlineEntityElementHandler,
    InlineStyleElementHandler,
)
from wagtail.admin.rich_text.editors.draftail import features as draftail_features
from wagtail.rich_text import FeatureRegistry

from pariter.website.blocks import language_feature

EDITOR_JS = ["website/draftail.js"]
EDITOR_CSS = {"all": ["website/draftail.css"]}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _AbbreviationHandler(InlineEntityElementHandler):
    mutability = "MUTABLE"

    def get_attribute_data(self, attrs: dict[str, str]) -> dict[str, str]:
        return {"title": attrs.get("title", "")}


class _DateHandler(InlineEntityElementHandler):
    mutability = "MUTABLE"

    def get_attribute_data(self, attrs: dict[str, str]) -> dict[str, str]:
        return {"datetime": attrs.get("datetime", "")}


def abbreviation(props: dict[str, Any]) -> Any:
    title = (props.get("title") or "").strip()
    if not title:  # an abbreviation without its expansion is only text
        return props["children"]
    return DOM.create_element("abbr", {"title": title}, props["children"])


def date(props: dict[str, Any]) -> Any:
    value = (props.get("datetime") or "").strip()
    if not ISO_DATE.match(value):  # a machine-readable date or nothing: never a made-up attribute value
        return props["children"]
    return DOM.create_element("time", {"datetime": value}, props["children"])


def register(features: FeatureRegistry) -> None:
    for code, name in settings.LANGUAGES:
        feature, style = language_feature(code), f"LANG_{code.upper()}"
        features.register_editor_plugin(
            "draftail",
            feature,
            draftail_features.InlineStyleFeature(
                {
                    "type": style,
                    "label": code.upper(),
                    "description": format_lazy(_("Passage in {language}"), language=name),
                    "style": {"textDecoration": "underline dotted"},
                },
                css=EDITOR_CSS,
            ),
        )
        features.register_converter_rule(
            "contentstate",
            feature,
            {
                "from_database_format": {f'span[lang="{code}"]': InlineStyleElementHandler(style)},
                "to_database_format": {"style_map": {style: {"element": "span", "props": {"lang": code}}}},
            },
        )

    features.register_editor_plugin(
        "draftail",
        "abbr",
        draftail_features.EntityFeature(
            {"type": "ABBR", "label": "abc.", "description": _("Abbreviation, with its expansion")},
            js=EDITOR_JS,
            css=EDITOR_CSS,
        ),
    )
    features.register_converter_rule(
        "contentstate",
        "abbr",
        {
            "from_database_format": {"abbr": _AbbreviationHandler("ABBR")},
            "to_database_format": {"entity_decorators": {"ABBR": abbreviation}},
        },
    )

    features.register_editor_plugin(
        "draftail",
        "time",
        draftail_features.EntityFeature(
            {"type": "TIME", "label": _("Date"), "description": _("Date, in machine-readable form")},
            js=EDITOR_JS,
            css=EDITOR_CSS,
        ),
    )
    features.register_converter_rule(
        "contentstate",
        "time",
        {
            "from_database_format": {"time": _DateHandler("TIME")},
            "to_database_format": {"entity_decorators": {"TIME": date}},
        },
    )

    features.register_editor_plugin(
        "draftail",
        "address",
        draftail_features.BlockFeature(
            {"type": "address", "label": _("Address"), "description": _("Postal address"), "element": "address"},
            css=EDITOR_CSS,
        ),
    )
    features.register_converter_rule(
        "contentstate",
        "address",
        {
            "from_database_format": {"address": BlockElementHandler("address")},
            "to_database_format": {"block_map": {"address": "address"}},
        },
    )

    features.register_editor_plugin(
        "draftail",
        "lead",
        draftail_features.BlockFeature(
            {"type": "lead", "label": _("Lead"), "description": _("Introductory paragraph")},
            css=EDITOR_CSS,
        ),
    )
    features.register_converter_rule(
        "contentstate",
        "lead",
        {
            "from_database_format": {'p[class="lead"]': BlockElementHandler("lead")},
            "to_database_format": {"block_map": {"lead": {"element": "p", "props": {"class": "lead"}}}},
        },
    )
