"""The site's first pages: the home page and the footer pages, with the content core served until now.

The welcome page Wagtail creates on install is replaced by an Italian home page and its English translation;
the accessibility statement, privacy notice, legal notes and contacts are moved from core's templates
(pariter/templates/core/pages/<language>/) into CMS pages at the same addresses, so no link breaks and nothing
is lost. The templates stay as core's fallback. Tree paths are written by hand because historical models have
no treebeard methods.
"""

import json
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import migrations
from django.utils import timezone, translation
from django.utils.translation import gettext

LANGUAGES = ("it", "en")
FOOTER_PAGES = [  # (slug, template name, page model)
    ("accessibilita", "accessibility", "standardpage"),
    ("privacy", "privacy", "standardpage"),
    ("note-legali", "legal_notes", "standardpage"),
    ("contatti", "contacts", "contactspage"),
]
CORE_URLS = {
    "core:home": "/",
    "core:accessibility": "/accessibilita/",
    "core:privacy": "/privacy/",
    "core:legal_notes": "/note-legali/",
    "core:contacts": "/contatti/",
}
SERVICE = "Servizio formazione per il sociale, terzo settore e pari opportunità"
INSTITUTION = "Città metropolitana di Milano"


def _block(kind, value):
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


def legacy_page(language, name):
    """Title and body HTML of one of core's page templates."""
    path = Path(settings.BASE_DIR) / "pariter" / "templates" / "core" / "pages" / language / f"{name}.html"
    text = path.read_text(encoding="utf-8")
    title = re.search(r"{% block head_title %}(.*?){% endblock %}", text, re.S).group(1).strip()
    body = re.search(r"{% block content %}(.*){% endblock %}", text, re.S).group(1)
    body = re.sub(r"<nav [^>]*breadcrumb.*?</nav>", "", body, count=1, flags=re.S)
    body = re.sub(r"<h1>.*?</h1>", "", body, count=1, flags=re.S)
    body = re.sub(r"{% url '([\w:]+)' %}", lambda m: CORE_URLS[m.group(1)], body)
    if "{%" in body or "{{" in body:
        raise ValueError(f"{path} has template code the migration cannot carry over")
    return title, body.strip()


def home_content(language):
    with translation.override(language):
        title = gettext("Third sector, training and equal opportunities")
        lead = gettext(
            "Pariter is the information system of the %(service_name)s of %(institution_name)s: the register of "
            "third-sector entities of the metropolitan area, training on rights and equal opportunities, the "
            "network of municipalities and the third sector, funded projects and the anti-violence network."
        ) % {"service_name": SERVICE, "institution_name": INSTITUTION}
        cards = [
            {
                "title": gettext("Directory of organisations"),
                "text": gettext(
                    "Municipalities, cooperatives, volunteer organisations, other third-sector entities, public "
                    "agencies and anti-violence centres of the metropolitan area."
                ),
                "page": None,
                "url": "/organizzazioni/",
                "link_text": gettext("Browse the directory"),
            },
            {
                "title": gettext("Your personal area"),
                "text": gettext(
                    "Office staff, partner agencies and the representatives of third-sector entities sign in to "
                    "work on their files."
                ),
                "page": None,
                "url": "/area-personale/",
                "link_text": gettext("Go to your personal area"),
            },
            {
                "title": gettext("Help for women facing violence"),
                "text": gettext(
                    "Call 1522, the free national anti-violence and anti-stalking helpline, open 24 hours a day in "
                    "several languages. In an emergency call 112."
                ),
                "page": None,
                "url": "/contatti/",
                "link_text": gettext("Contacts of the office"),
            },
        ]
    body = [_block("cards", {"heading": "", "cards": cards})]
    return title, lead, body


def create_site(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Locale = apps.get_model("wagtailcore", "Locale")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("website", "HomePage")
    ContentVersion = apps.get_model("website", "ContentVersion")
    ContentVersion.objects.get_or_create(pk=1, defaults={"number": 1})
    if HomePage.objects.exists():
        return

    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
    page_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    # Wagtail's placeholder welcome page (its Site goes with it).
    Page.objects.filter(depth=2, content_type=page_type).delete()
    root = Page.objects.get(depth=1)
    now = timezone.now()
    keys = {slug: uuid.uuid4() for slug, _name, _model in [("home", "", ""), *FOOTER_PAGES]}
    homes = {}
    offset = Page.objects.filter(depth=2).count()
    for index, language in enumerate(LANGUAGES, start=offset + 1):
        title, lead, body = home_content(language)
        path = root.path + f"{index:04d}"
        slug = "home" if language == "it" else f"home-{language}"
        home = HomePage.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=ContentType.objects.get_for_model(HomePage),
            path=path,
            depth=2,
            numchild=len(FOOTER_PAGES),
            url_path=f"/{slug}/",
            locale=locales[language],
            translation_key=keys["home"],
            live=True,
            first_published_at=now,
            last_published_at=now,
            summary=lead,
            body=json.dumps(body),
        )
        homes[language] = home
        for child_index, (child_slug, name, model_name) in enumerate(FOOTER_PAGES, start=1):
            model = apps.get_model("website", model_name)
            child_title, html = legacy_page(language, name)
            model.objects.create(
                title=child_title,
                draft_title=child_title,
                slug=child_slug,
                content_type=ContentType.objects.get_for_model(model),
                path=path + f"{child_index:04d}",
                depth=3,
                numchild=0,
                url_path=f"/{slug}/{child_slug}/",
                locale=locales[language],
                translation_key=keys[child_slug],
                live=True,
                first_published_at=now,
                last_published_at=now,
                body=json.dumps([_block("paragraph", html)]),
            )
    site_root = urlsplit(settings.SITE_ROOT)
    default_port = 443 if site_root.scheme == "https" else 80
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": site_root.hostname or "localhost",
            "port": site_root.port or default_port,
            "site_name": "Welfare e pari opportunità", "root_page": homes["it"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("website", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_site, migrations.RunPython.noop)]
