"""The footer pages' HTML in the form the editor keeps (features of rich_text.py).

0002 copied core's templates as they were: `<abbr>`, `<time>`, `<span lang>`, `<address>`, `<p class="lead">`
and a callout written as `<div class="callout">`. The editor dropped all of that on the first save. Now that
the rich-text features exist, each text block is passed once through the editor's own conversion (HTML to
Draftail's content and back), so what is stored is exactly what an editor's save would store; the callout
becomes a callout block, and an abbreviation in another language becomes an abbreviation inside a language span.
The pages' revisions get the same treatment, so an editor who opens a page sees the markup too.
"""

import json
import re
import uuid

from django.db import migrations

PAGE_MODELS = ("standardpage", "contactspage")
CALLOUT = re.compile(
    r'<div class="callout">\s*<div class="callout-title">(?P<title>.*?)</div>(?P<text>.*?)</div>', re.S
)
FOREIGN_ABBR = re.compile(r'<abbr lang="(?P<lang>[\w-]+)" title="(?P<title>[^"]*)">(?P<text>.*?)</abbr>', re.S)
BREAK = re.compile(r"<br\s*>")


def _converter(features):
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

    return ContentstateConverter(features)


def _block(kind, value):
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def editor_form(html):
    """The HTML as the editor would save it (the site's text features, as in blocks.RICH_TEXT_FEATURES)."""
    from pariter.website.blocks import RICH_TEXT_FEATURES

    html = BREAK.sub("<br/>", html)  # the converter wants void elements closed
    html = FOREIGN_ABBR.sub(r'<span lang="\g<lang>"><abbr title="\g<title>">\g<text></abbr></span>', html)
    converter = _converter(RICH_TEXT_FEATURES)
    return converter.to_database_format(converter.from_database_format(html))


def convert_stream(blocks):
    """A body's blocks with every text block in editor form; a legacy callout becomes a callout block."""
    result = []
    for block in blocks:
        if block["type"] != "paragraph":
            result.append(block)
            continue
        html, start = block["value"], 0
        for match in CALLOUT.finditer(html):
            if html[start : match.start()].strip():
                result.append(_block("paragraph", editor_form(html[start : match.start()])))
            title = re.sub(r"<[^>]+>", "", match.group("title")).strip()
            result.append(_block("callout", {"kind": "note", "title": title, "text": editor_form(match.group("text"))}))
            start = match.end()
        if html[start:].strip():
            rest = editor_form(html[start:])
            result.append({**block, "value": rest} if start == 0 else _block("paragraph", rest))
    return result


def _loads(value):
    return json.loads(value) if isinstance(value, str) else value


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    for name in PAGE_MODELS:
        model = apps.get_model("website", name)
        for page in model.objects.all():
            raw = _loads(page.body.raw_data if hasattr(page.body, "raw_data") else page.body)
            page.body = json.dumps(convert_stream(list(raw)))
            page.save(update_fields=["body"])
        content_type = ContentType.objects.filter(app_label="website", model=name).first()
        if content_type is None:
            continue
        for revision in Revision.objects.filter(content_type=content_type):
            body = revision.content.get("body")
            if not body:
                continue
            converted = convert_stream(_loads(body))
            revision.content["body"] = json.dumps(converted) if isinstance(body, str) else converted
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0003_rich_text_features"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
