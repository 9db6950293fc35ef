"""Pages for the website's tests, made through Wagtail's own API (add_child, revisions, publish)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

from django.apps import apps
from wagtail.models import Locale, Page

from pariter.website import demo
from pariter.website.models import ArticlePage, HomePage, RightsGuidePage, SectionPage


def ensure_site() -> HomePage:
    """The home pages the data migration creates; transactional (browser) tests flush them, so refill."""
    home = HomePage.objects.filter(locale__language_code="it").first()
    if home is not None:
        return home
    it, _ = Locale.objects.get_or_create(language_code="it")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(instance=Page(title="Root", slug="root", locale=it))
    importlib.import_module("pariter.website.migrations.0002_initial_site").create_site(apps, None)
    importlib.import_module("pariter.website.migrations.0004_legal_pages_rich_text").forwards(apps, None)
    return HomePage.objects.get(locale__language_code="it")


def home(language: str = "it") -> HomePage:
    ensure_site()
    return HomePage.objects.get(locale__language_code=language)


def locale(language: str) -> Locale:
    return Locale.objects.get(language_code=language)


def publish(page: Page, user: Any = None) -> Page:
    page.save_revision(user=user).publish(user=user)
    page.refresh_from_db()
    return page


def section(slug: str = "diritti", title: str = "Diritti", *, parent: Page | None = None, **fields: Any) -> SectionPage:
    page = SectionPage(title=title, slug=slug, **fields)
    (parent or home()).add_child(instance=page)
    return publish(page)  # type: ignore[return-value]


def article(parent: Page, slug: str, title: str, *, body: str = "<p>Testo.</p>", **fields: Any) -> ArticlePage:
    fields.setdefault("date", dt.date(2026, 11, 1))
    page = ArticlePage(title=title, slug=slug, body=[demo.paragraph(body)], **fields)
    parent.add_child(instance=page)
    return publish(page)  # type: ignore[return-value]


def draft_article(parent: Page, slug: str, title: str, body: str) -> ArticlePage:
    """A page that was never published: a draft only its editors see."""
    page = ArticlePage(title=title, slug=slug, body=[demo.paragraph(body)], live=False, date=dt.date(2026, 11, 2))
    parent.add_child(instance=page)
    page.save_revision()
    return page


def guide(parent: Page, slug: str = "parita", title: str = "Parità di trattamento sul lavoro") -> RightsGuidePage:
    page = RightsGuidePage(
        title=title,
        slug=slug,
        summary="Nessuno può essere discriminato.",
        who_for="<p>Chi lavora.</p>",
        what="<p>Il divieto di discriminazioni dirette e indirette.</p>",
        how_to_claim=[demo.paragraph("<p>Rivolgiti alla consigliera di parità.</p>")],
        sources=[demo.source("D.lgs. 11 aprile 2006, n. 198, art. 25", "decreto.legislativo:2006-04-11;198")],
        last_checked=dt.date(2026, 11, 20),
    )
    parent.add_child(instance=page)
    return publish(page)  # type: ignore[return-value]


def translate(page: Page, language: str = "en", **fields: Any) -> Page:
    translated = page.specific.copy_for_translation(locale(language))
    for name, value in fields.items():
        setattr(translated, name, value)
    return publish(translated)
