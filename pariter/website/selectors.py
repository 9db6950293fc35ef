"""Reads for the public website: only live, public pages in the visitor's language ever leave here."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache as django_cache
from django.db.models import Avg, Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from wagtail.models import Locale, Page
from wagtail.query import PageQuerySet

from pariter.core.pagination import KeysetPage, keyset_page

SECTION_PAGE_SIZE = 20
SEARCH_RESULTS = 20
# A query longer than this says nothing a shorter one would not; it is cut, never refused.
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 12


def visible_pages() -> PageQuerySet:
    """Pages an anonymous visitor may see: published, and without a view restriction."""
    return Page.objects.live().public()  # type: ignore[attr-defined,no-any-return]


def current_locale() -> Locale:
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return Locale.get_default()


def section_children(section: Page, *, cursor: str = "") -> KeysetPage[Any]:
    """The section's published children: editors' order, or newest first for news."""
    newest_first = bool(getattr(section, "newest_first", False))
    order = ("first_published_at", "id") if newest_first else ("path",)
    page = keyset_page(
        visible_pages().child_of(section),
        order=order,
        cursor=cursor or None,
        size=SECTION_PAGE_SIZE,
        scope=f"website.section.{section.pk}",
        descending=newest_first,
    )
    # One query per page type, not one per child.
    specific = {p.pk: p for p in Page.objects.filter(pk__in=[p.pk for p in page.items]).specific()}
    return KeysetPage(
        items=[specific[p.pk] for p in page.items],
        next_cursor=page.next_cursor,
        prev_cursor=page.prev_cursor,
    )


MENU_SECTIONS = 6
MENU_LINKS = 8  # per section; the section's own page lists the rest


@dataclass(frozen=True)
class MenuLink:
    title: str
    url: str


@dataclass(frozen=True)
class MenuSection:
    title: str
    url: str
    links: tuple[MenuLink, ...]


def menu(*, locale: Locale) -> list[MenuSection]:
    """The header's megamenu: the home page's sections marked "show in menus", each with its first visible pages
    (the newest first in a news section). Plain data, kept in the cache under the content version, which every
    publish, unpublish, move or delete bumps (signals.py), so every worker drops it at once. Building it takes
    the same number of queries whatever the number of sections and pages (tests/website/test_menu.py); reading
    it takes one (the version)."""
    from pariter.website import cache as page_cache

    key = f"website:menu:{page_cache.content_version()}:{locale.pk}"
    found = django_cache.get(key)
    if found is None:
        found = _build_menu(locale)
        django_cache.set(key, found, settings.WEBSITE_PAGE_CACHE_SECONDS or None)
    return found  # type: ignore[no-any-return]


def _build_menu(locale: Locale) -> list[MenuSection]:
    from pariter.website.models import SectionPage

    home = visible_pages().filter(locale=locale, depth=2).first()
    if home is None:
        return []
    sections = list(visible_pages().child_of(home).filter(show_in_menus=True).order_by("path")[:MENU_SECTIONS])
    news = set(
        SectionPage.objects.filter(pk__in=[s.pk for s in sections], newest_first=True).values_list("pk", flat=True)
    )
    children: dict[str, list[Any]] = {s.path: [] for s in sections}
    under_sections = reduce(operator.or_, (Q(path__startswith=s.path) for s in sections), Q(pk__in=[]))
    candidates = visible_pages().filter(under_sections, depth=home.depth + 2)
    for page in candidates.order_by("path").only("id", "title", "path", "url_path", "first_published_at"):
        children[page.path[: len(page.path) - Page.steplen]].append(page)
    result = []
    for section in sections:
        pages = children[section.path]
        if section.pk in news:
            pages = sorted(pages, key=lambda p: (p.first_published_at, p.pk), reverse=True)
        links = tuple(MenuLink(p.title, p.get_url()) for p in pages[:MENU_LINKS])
        result.append(MenuSection(section.title, section.get_url(), links))
    return result


def language_versions(pages: list[Any], *, request: Any = None) -> dict[Any, dict[str, str]]:
    """For each page's translation key, the full address of every visible language version, in the order of
    settings.LANGUAGES; keys with a single version are left out. One query, whatever the number of pages."""
    codes = [code for code, _name in settings.LANGUAGES]
    found: dict[Any, dict[str, str]] = {}
    versions = (
        visible_pages()
        .filter(translation_key__in={page.translation_key for page in pages})
        .select_related("locale")
        .only("id", "url_path", "translation_key", "locale__language_code")
    )
    for version in sorted(versions, key=lambda p: codes.index(p.locale.language_code)):
        found.setdefault(version.translation_key, {})[version.locale.language_code] = version.get_full_url(request)
    return {key: urls for key, urls in found.items() if len(urls) > 1}


def latest_articles(*, locale: Locale, limit: int) -> list[Any]:
    from pariter.website.models import ArticlePage

    return list(ArticlePage.objects.live().public().filter(locale=locale).order_by("-date", "-id")[:limit])


def rights_guides(*, locale: Locale, limit: int) -> list[Any]:
    from pariter.website.models import RightsGuidePage

    return list(RightsGuidePage.objects.live().public().filter(locale=locale).order_by("path")[:limit])


def clean_query(text: str) -> str:
    """The words of a visitor's query: bounded in length, with the search syntax of every engine made inert."""
    words = "".join(ch if ch.isalnum() else " " for ch in text[:SEARCH_MAX_CHARS]).split()
    return " ".join(words[:SEARCH_MAX_WORDS])


def search_pages(text: str, *, locale: Locale, limit: int = SEARCH_RESULTS) -> list[Any]:
    """Full-text search over the live, public pages of one language (Italian stems on PostgreSQL)."""
    query = clean_query(text)
    if not query:
        return []
    results = visible_pages().filter(locale=locale).search(query, operator="and")[:limit]
    pages = list(results)
    specific = {p.pk: p for p in Page.objects.filter(pk__in=[p.pk for p in pages]).specific()}
    return [specific[p.pk] for p in pages if p.pk in specific]


def events_enabled() -> bool:
    return apps.is_installed("pariter.training")


def upcoming_events(*, limit: int) -> list[Any]:
    """Public events from the training area, through its selectors; none while that area is not installed."""
    if not events_enabled():
        return []
    from pariter.training import selectors as training_selectors  # type: ignore[import-not-found,unused-ignore]

    return list(training_selectors.upcoming_public_events(limit=limit))


def register_search_url() -> str | None:
    if not apps.is_installed("pariter.registry"):
        return None
    try:
        return reverse("registry:search")
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class Catalogue:
    datasets: list[dict[str, Any]]
    generated_at: Any
    turtle_url: str
    jsonld_url: str
    licence_url: str


def open_data_catalogue(*, language: str) -> Catalogue | None:
    """The datasets Pariter publishes, from the register's DCAT-AP_IT manifest; None before the first export."""
    if not apps.is_installed("pariter.registry"):
        return None
    from pariter.registry import opendata

    manifest = opendata.read_manifest()
    if manifest is None:
        return None
    datasets = [
        {
            "anchor": d.info.slug,
            "identifier": d.identifier,
            "title": d.title(language),
            "description": d.description(language),
            "rows": d.rows,
            "modified": d.modified,
            "distributions": [
                {"format": f.format, "bytes": f.bytes, "url": reverse("opendata:download", args=[f.filename])}
                for f in d.distributions
            ],
        }
        for d in manifest.datasets
        if d.distributions
    ]
    return Catalogue(
        datasets=datasets,
        generated_at=manifest.generated_at,
        turtle_url=reverse("opendata:catalogue_ttl"),
        jsonld_url=reverse("opendata:catalogue_jsonld"),
        licence_url=opendata.LICENCE_URL,
    )


def feedback_summary() -> list[dict[str, Any]]:
    """Per page: how many answers, the mean rating, the latest answer. One grouped query."""
    from pariter.website.models import PageFeedback

    rows = (
        PageFeedback.objects.values("page_id", "page__title", "page__url_path")
        .annotate(answers=Count("id"), mean=Avg("rating"))
        .order_by("mean", "-answers", "page_id")[:200]
    )
    return [dict(row) for row in rows]


def feedback_for_page(page: Page, *, cursor: str = "") -> KeysetPage[Any]:
    from pariter.website.models import PageFeedback

    return keyset_page(
        PageFeedback.objects.filter(page=page),
        order=("created_at", "id"),
        cursor=cursor or None,
        size=50,
        scope=f"website.feedback.{page.pk}",
        descending=True,
    )


def active_language() -> str:
    return (translation.get_language() or "it")[:2]


@dataclass(frozen=True)
class TranslationStatus:
    page: Any
    translation: Any | None

    @property
    def state(self) -> str:
        """missing, draft (translated but not published), outdated (the original changed since), current."""
        if self.translation is None:
            return "missing"
        if not self.translation.live:
            return "draft"
        original, translated = self.page.last_published_at, self.translation.last_published_at
        if original and translated and original > translated:
            return "outdated"
        return "current"


def translation_status(*, source: str, target: str) -> list[TranslationStatus]:
    """Every page of the source language with its version in the target language, in tree order. Two queries."""
    originals = list(
        Page.objects.filter(locale__language_code=source, depth__gt=1)
        .order_by("path")
        .only("id", "title", "path", "depth", "live", "translation_key", "last_published_at", "locale_id")
    )
    translations = {
        p.translation_key: p
        for p in Page.objects.filter(
            locale__language_code=target, translation_key__in=[p.translation_key for p in originals]
        ).only("id", "title", "live", "translation_key", "last_published_at", "locale_id")
    }
    return [TranslationStatus(page=p, translation=translations.get(p.translation_key)) for p in originals]
