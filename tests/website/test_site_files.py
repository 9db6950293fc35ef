"""Feeds, sitemap.xml and robots.txt: only published pages, ever."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.website import factories


@pytest.fixture
def news(site):
    section = factories.section("notizie", "Notizie", newest_first=True)
    factories.article(section, "pubblicata", "Notizia pubblicata", summary="Sintesi pubblica.")
    factories.draft_article(section, "bozza", "Bozza segreta", "<p>x</p>")
    return section


@pytest.mark.parametrize("name", ["website:feed_rss", "website:feed_atom"])
def test_the_news_feeds_list_published_articles_only(client, news, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert "Notizia pubblicata" in response.text and "Sintesi pubblica." in response.text
    assert "Bozza segreta" not in response.text


def test_the_sitemap_lists_published_pages_only(client, news):
    xml = client.get("/sitemap.xml").text
    assert "/notizie/pubblicata/</loc>" in xml
    assert "/privacy/</loc>" in xml
    assert "bozza" not in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_areas(client, db, settings):
    text = client.get("/robots.txt").text
    assert f"Sitemap: {settings.SITE_ROOT}/sitemap.xml" in text
    for prefix in ("/cms/", "/admin/", "/account/", "/gestione/"):
        assert f"Disallow: {prefix}" in text


def test_news_sections_list_the_newest_first(client, news):
    factories.article(news, "recente", "Notizia recente", date=__import__("datetime").date(2026, 11, 25))
    html = client.get("/notizie/").text
    assert html.index("Notizia recente") < html.index("Notizia pubblicata")
    assert "Bozza segreta" not in html


def test_a_section_lists_its_children_in_constant_queries(client, news, django_assert_max_num_queries):
    for index in range(8):
        factories.article(news, f"n{index}", f"Notizia {index}")
    client.get("/notizie/?x=warm")
    with django_assert_max_num_queries(20):
        response = client.get("/notizie/?x=1")
    assert response.text.count('<h2 class="h4 mb-1">') == 9
