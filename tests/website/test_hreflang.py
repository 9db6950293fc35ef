"""Language versions: hreflang links, an address per language for search engines, a switch that leads to the
translated page, and the sitemap's alternates."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.website import factories

ROOT = settings.SITE_ROOT.rstrip("/")


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([\w-]+)" href="([^"]+)">', html))


def h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def switch_targets(html: str) -> dict[str, str]:
    """Where each button of the header's language switch leads."""
    forms = re.findall(r'<form action="/i18n/setlang/" method="post">(.*?)</form>', html, re.S)
    return {
        re.search(r'name="language" value="(\w+)"', form).group(1): re.search(
            r'name="next" value="([^"]*)"', form
        ).group(1)
        for form in forms
    }


def test_a_translated_page_links_each_language_and_x_default(client, site):
    html = client.get("/privacy/").text
    assert alternates(html) == {
        "it": f"{ROOT}/privacy/?lang=it",
        "en": f"{ROOT}/privacy/?lang=en",
        "x-default": f"{ROOT}/privacy/",
    }
    assert '<meta property="og:locale:alternate" content="en_GB">' in html


def test_a_page_in_one_language_only_has_no_alternates(client, site):
    factories.section()
    html = client.get("/diritti/").text
    assert alternates(html) == {}


def test_a_language_named_in_the_address_is_served_and_is_its_own_canonical(client, site):
    response = client.get("/privacy/?lang=en")
    assert response.status_code == 200
    assert '<html lang="en">' in response.text
    assert response["Content-Language"] == "en"
    assert f'<link rel="canonical" href="{ROOT}/privacy/?lang=en">' in response.text
    # The visitor's own choice is untouched, and the plain address is still Italian for them.
    assert "django_language" not in response.cookies
    plain = client.get("/privacy/")
    assert '<html lang="it">' in plain.text
    assert f'<link rel="canonical" href="{ROOT}/privacy/">' in plain.text


def test_an_unknown_language_in_the_address_is_ignored(client, site):
    response = client.get("/privacy/?lang=xx")
    assert response.status_code == 200
    assert '<html lang="it">' in response.text


def test_the_language_switch_leads_to_the_translation_even_at_another_address(client, site):
    rights = factories.section()
    factories.translate(rights, title="Rights")
    guide = factories.guide(rights)
    factories.translate(guide, title="Equal treatment at work", slug="equal-treatment")
    html = client.get("/diritti/parita/").text
    assert switch_targets(html) == {"it": "/diritti/parita/", "en": "/diritti/equal-treatment/"}
    response = client.post("/i18n/setlang/", {"language": "en", "next": switch_targets(html)["en"]})
    assert response.status_code == 302 and response["Location"] == "/diritti/equal-treatment/"
    english = client.get(response["Location"]).text
    assert h1(english) == "Equal treatment at work"
    assert switch_targets(english) == {"it": "/diritti/parita/", "en": "/diritti/equal-treatment/"}


def test_pages_outside_the_cms_keep_their_own_address_in_the_switch(client, site):
    html = client.get("/organizzazioni/?q=milano").text
    assert switch_targets(html) == {"it": "/organizzazioni/?q=milano", "en": "/organizzazioni/?q=milano"}


def test_the_sitemap_gives_each_translated_page_its_alternates(client, site):
    factories.section()  # Italian only
    xml = client.get("/sitemap.xml").text
    assert f'<xhtml:link rel="alternate" hreflang="en" href="{ROOT}/privacy/?lang=en"/>' in xml
    assert f'<xhtml:link rel="alternate" hreflang="x-default" href="{ROOT}/privacy/"/>' in xml
    diritti = re.search(r"<url>\s*<loc>[^<]*/diritti/</loc>.*?</url>", xml, re.S).group(0)
    assert "xhtml:link" not in diritti


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_the_sitemap_reads_the_translations_in_one_query(client, site):
    factories.translate(factories.section(), title="Rights")  # every page type of the test is there already
    client.get("/sitemap.xml")  # warm Wagtail's cached site root paths
    before = queries(client, "/sitemap.xml")
    for slug in ("uno", "due", "tre"):
        factories.translate(factories.section(slug, slug.title()), title=slug)
    client.get("/sitemap.xml")
    assert queries(client, "/sitemap.xml") == before
