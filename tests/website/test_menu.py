"""The header's megamenu: the sections marked for menus with their pages, from the cache until the next publish."""

from __future__ import annotations

import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from pariter.website import selectors
from tests.website import factories


def menu_html(html: str) -> str:
    start = html.index('id="main-nav"')
    return html[start : html.index("</nav>", start)]


def test_each_section_opens_a_panel_with_its_pages(client, site):
    rights = factories.section("diritti", "Diritti", show_in_menus=True)
    factories.guide(rights, "parita", "Parità di trattamento")
    factories.guide(rights, "maternita", "Maternità")
    factories.draft_article(factories.section("notizie", "Notizie", show_in_menus=True), "bozza", "Bozza", "<p>x</p>")
    html = menu_html(client.get("/privacy/").text)
    button = re.search(
        r'<button type="button" class="nav-link dropdown-toggle"\s+data-bs-toggle="dropdown" '
        r'aria-expanded="false" id="(megamenu-\d)" aria-controls="(megamenu-\d-panel)">\s*<span>Diritti',
        html,
    )
    assert button, html
    assert f'role="region" aria-labelledby="{button.group(1)}" id="{button.group(2)}"' in html
    assert re.findall(r'<a class="list-item dropdown-item[^"]*" href="(/diritti/[^"]*)"', html) == [
        "/diritti/",
        "/diritti/parita/",
        "/diritti/maternita/",
    ]
    assert "Bozza" not in html  # a draft is never in the menu


def test_a_news_section_lists_its_newest_pages_first(site):
    news = factories.section("notizie", "Notizie", show_in_menus=True, newest_first=True)
    for day in range(1, 11):
        factories.article(news, f"n{day}", f"Notizia {day}", date=dt.date(2026, 11, day))
    [section] = selectors.menu(locale=Locale.objects.get(language_code="it"))
    assert [link.title for link in section.links] == [f"Notizia {day}" for day in range(10, 2, -1)]


def test_the_menu_is_read_once_and_kept_until_the_next_publish(site, django_assert_num_queries):
    rights = factories.section("diritti", "Diritti", show_in_menus=True)
    italian = Locale.objects.get(language_code="it")
    selectors.menu(locale=italian)
    with django_assert_num_queries(1):  # the content version, nothing else
        [section] = selectors.menu(locale=italian)
    assert section.links == ()
    factories.guide(rights)  # publishing bumps the content version
    [section] = selectors.menu(locale=italian)
    assert [link.url for link in section.links] == ["/diritti/parita/"]


def queries_to_build(locale: Locale) -> int:
    selectors._build_menu(locale)  # Wagtail keeps the site's root paths in the cache after the first address
    with CaptureQueriesContext(connection) as captured:
        selectors._build_menu(locale)
    return len(captured)


def test_building_it_does_not_grow_with_the_number_of_sections_and_pages(site):
    italian = Locale.objects.get(language_code="it")
    factories.guide(factories.section("uno", "Uno", show_in_menus=True), "g", "Guida")
    few = queries_to_build(italian)
    for slug in ("due", "tre"):
        section = factories.section(slug, slug.title(), show_in_menus=True)
        for n in range(3):
            factories.guide(section, f"g{n}", f"Guida {n}")
    assert queries_to_build(italian) == few
    assert [len(section.links) for section in selectors.menu(locale=italian)] == [1, 3, 3]


def test_an_english_visitor_gets_the_english_menu(client, site):
    rights = factories.section("diritti", "Diritti", show_in_menus=True)
    factories.translate(rights, title="Rights")
    client.cookies["django_language"] = "en"
    html = menu_html(client.get("/privacy/").text)
    assert "<span>Rights</span>" in html and "Diritti" not in html
    assert "Rights: overview" in html
