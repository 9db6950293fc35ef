"""Rich text keeps what the law and WCAG need: the editor's conversion must not drop language, abbreviations,
dates or addresses, and the legal pages are stored in the form the editor keeps."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

from pariter.website.blocks import RICH_TEXT_FEATURES, ContentBlocks
from pariter.website.models import ContactsPage, StandardPage

SAMPLE = (
    '<p class="lead">Il <span lang="en">Web Content Accessibility Guidelines</span> '
    '(<abbr title="Web Content Accessibility Guidelines">WCAG</abbr>), <a href="https://www.agid.gov.it/">'
    '<span lang="en">guidelines</span> AgID</a>, aggiornato il <time datetime="2026-11-26">26 novembre 2026</time>.</p>'
    "<address>Viale Piceno 60<br/>20129 Milano</address>"
    '<p><b>Fonte: <abbr title="Istituto nazionale di statistica">ISTAT</abbr></b></p>'
)
LEGACY = Path(settings.BASE_DIR) / "pariter" / "templates" / "core" / "pages"
FOOTER = {"accessibilita": "accessibility", "privacy": "privacy", "note-legali": "legal_notes", "contatti": "contacts"}


def marks(html: str) -> list[str]:
    """What must survive, in order: language spans, abbreviations with their expansion, dates, addresses, leads."""
    found = re.findall(r'<span lang="[^"]+">|<abbr title="[^"]+">|<time datetime="[^"]+">|<address|class="lead"', html)
    return found


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def open_and_save(html: str) -> str:
    """What Wagtail's editor does: the widget turns the HTML into Draftail's content, and the posted content back."""
    widget = ContentBlocks().child_blocks["paragraph"].field.widget
    contentstate = widget.format_value(html)
    return widget.value_from_datadict({"body": contentstate}, {}, "body")


def test_opening_and_saving_in_the_editor_keeps_language_abbreviations_dates_and_addresses():
    saved = open_and_save(SAMPLE)
    assert marks(saved) == marks(SAMPLE)
    assert text(saved) == text(SAMPLE)
    assert 'href="https://www.agid.gov.it/"' in saved  # a language span inside a link keeps both
    assert marks(open_and_save(saved)) == marks(SAMPLE)


def test_without_the_features_the_editor_would_drop_them():
    # The reason for rich_text.py: Wagtail's own features lose every one of these marks.
    plain = ContentstateConverter(["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    assert marks(plain.to_database_format(plain.from_database_format(SAMPLE))) == []


def test_a_date_that_is_not_iso_or_an_abbreviation_without_expansion_leaves_plain_text():
    converter = ContentstateConverter(RICH_TEXT_FEATURES)
    contentstate = json.loads(converter.from_database_format(SAMPLE))
    for entity in contentstate["entityMap"].values():
        if entity["type"] == "TIME":
            entity["data"]["datetime"] = '2026-11-26" onclick="alert(1)'
        if entity["type"] == "ABBR":
            entity["data"]["title"] = "  "
    html = converter.to_database_format(json.dumps(contentstate))
    assert "<time" not in html and "<abbr" not in html and "onclick" not in html
    assert "26 novembre 2026" in html and "WCAG" in html


@pytest.mark.parametrize("language", ["it", "en"])
@pytest.mark.parametrize("slug", FOOTER)
def test_the_legal_pages_keep_every_mark_of_the_originals_in_the_form_the_editor_keeps(site, slug, language):
    page = next(
        p
        for model in (StandardPage, ContactsPage)
        for p in model.objects.filter(slug=slug, locale__language_code=language)
    )
    _title, legacy = importlib.import_module("pariter.website.migrations.0002_initial_site").legacy_page(
        language, FOOTER[slug]
    )
    stored = "".join(
        block.value.source
        if block.block_type == "paragraph"
        else f"{block.value['title']} {block.value['text'].source}"
        for block in page.body
    )
    # Abbreviations in another language became an abbreviation inside a language span: same marks, one more span.
    expected = marks(re.sub(r'<abbr lang="([\w-]+)" (title="[^"]+")>', r'<span lang="\1"><abbr \2>', legacy))
    assert sorted(marks(stored)) == sorted(expected)
    assert text(stored) == text(legacy)
    for block in page.body:  # opening and saving any block changes nothing that matters
        if block.block_type == "paragraph":
            assert marks(open_and_save(block.value.source)) == marks(block.value.source)


def test_the_published_pages_carry_the_marks(client, site):
    html = client.get("/note-legali/").text
    assert '<span lang="en">European Union Public Licence</span>' in html
    assert re.search(r'<abbr title="European Union Public Licence"><span lang="en">EUPL</span></abbr>', html)
    client.cookies["django_language"] = "en"
    html = client.get("/contatti/").text
    assert '<abbr title="Posta elettronica certificata"><b><span lang="it">PEC</span></b></abbr>' in html
    assert "<address" in html
    assert 'class="callout note"' in html  # the emergency numbers' callout is a callout block now
    html = client.get("/accessibilita/").text
    assert '<time datetime="2026-11-26">' in html
