"""Serving CMS pages: the site's look, both languages, the PA conventions, and nothing unpublished."""

from __future__ import annotations

import re

import pytest

from pariter.website.models import HomePage
from tests.website import factories


def h1(html: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1).strip()


def test_it_serves_the_home_page_from_the_cms_in_both_languages(client, site):
    assert isinstance(site, HomePage)
    response = client.get("/")
    assert response.status_code == 200
    assert h1(response.text) == "Terzo settore, formazione e pari opportunità"
    assert response.text.count("<h1") == 1
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert h1(response.text) == "Third sector, training and equal opportunities"
    assert '<html lang="en">' in response.text


def test_it_moved_the_footer_pages_into_the_cms_without_losing_their_content(client, site):
    page = site.get_children().get(slug="accessibilita").specific
    html = client.get("/accessibilita/").text
    assert h1(html) == page.title == "Dichiarazione di accessibilità"
    assert "Meccanismo di feedback e informazioni di contatto" in html
    assert 'href="/contatti/"' in html  # core's {% url %} became the page's address
    client.cookies["django_language"] = "en"
    assert "Accessibility statement" in client.get("/accessibilita/").text


def test_a_rights_guide_shows_every_part_with_its_sources(client, site):
    rights = factories.section()
    factories.guide(rights)
    html = client.get("/diritti/parita/").text
    for heading in [
        "A chi si rivolge",
        "In che cosa consiste",
        "Come si ottiene",
        "Fonti normative",
        "Ultima verifica il",
    ]:
        assert heading in html, heading
    assert "D.lgs. 11 aprile 2006, n. 198, art. 25" in html
    assert 'href="https://www.normattiva.it/uri-res/N2Ls?urn:nir:stato:decreto.legislativo:2006-04-11;198"' in html
    assert '<time datetime="2026-11-20">' in html
    assert 'aria-label="Percorso di navigazione"' in html or "breadcrumb" in html


def test_every_page_has_a_canonical_url_and_open_graph_metadata(client, site):
    news = factories.section("notizie", "Notizie")
    factories.article(news, "prima", "Prima notizia", summary="In breve.")
    html = client.get("/notizie/prima/").text
    assert '<link rel="canonical" href="http://testserver/notizie/prima/">' in html or re.search(
        r'<link rel="canonical" href="https?://[^"]+/notizie/prima/">', html
    )
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Prima notizia">' in html
    assert '<meta property="og:description" content="In breve.">' in html
    assert '<meta property="og:locale" content="it_IT">' in html


def test_a_page_without_an_english_version_is_shown_in_italian_and_says_so(client, site):
    rights = factories.section()
    factories.translate(rights, title="Rights")
    factories.guide(rights)
    client.cookies["django_language"] = "en"
    html = client.get("/diritti/parita/").text
    assert h1(html) == "Parità di trattamento sul lavoro"
    assert 'lang="it"' in html  # the article's language is marked for screen readers
    assert "not available in your language yet" in html


def test_a_draft_is_never_served_to_anonymous_visitors(client, site):
    news = factories.section("notizie", "Notizie")
    factories.draft_article(news, "bozza", "Bozza riservata", "<p>Testo segreto</p>")
    response = client.get("/notizie/bozza/")
    assert response.status_code == 404
    assert "Testo segreto" not in response.text
    assert "Bozza riservata" not in client.get("/notizie/").text


def test_an_unpublished_page_disappears(client, site):
    news = factories.section("notizie", "Notizie")
    page = factories.article(news, "ritirata", "Notizia ritirata")
    assert client.get("/notizie/ritirata/").status_code == 200
    page.unpublish()
    assert client.get("/notizie/ritirata/").status_code == 404


def test_the_404_page_is_in_the_site_look(client, site, settings):
    settings.DEBUG = False
    response = client.get("/pagina-che-non-esiste/")
    assert response.status_code == 404
    assert '<main id="main"' in response.text
    assert 'data-element="accessibility-link"' in response.text


def test_the_500_page_is_in_the_site_look(client, site, settings, monkeypatch):
    from pariter.website.models import StandardPage

    settings.DEBUG = False
    client.raise_request_exception = False

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(StandardPage, "get_context", broken)
    response = client.get("/privacy/")
    assert response.status_code == 500
    assert '<main id="main"' in response.text


def test_the_page_shows_the_feedback_box_with_the_validator_hooks(client, site):
    html = client.get("/privacy/").text
    for hook in [
        'data-element="feedback"',
        'data-element="feedback-rate-1"',
        'data-element="feedback-rate-5"',
        'data-element="feedback-input-text"',
        'data-element="feedback-rating-question"',
    ]:
        assert hook in html, hook
    assert "Quanto sono chiare le informazioni su questa pagina?" in html


@pytest.mark.parametrize("path", ["/", "/privacy/", "/contatti/"])
def test_pages_load_no_asset_from_another_host(client, site, path, settings):
    html = client.get(path).text
    for match in re.finditer(r'<(?:script|link|img|iframe)\b([^>]*?)(?:src|href)="([^"]+)"', html):
        attributes, url = match.groups()
        if 'rel="canonical"' in attributes or "hreflang=" in attributes:  # the page's own addresses, in full
            assert url.startswith(settings.SITE_ROOT), url
            continue
        assert url.startswith("/"), url


def test_the_home_pages_sections_marked_for_menus_are_in_the_main_menu(client, site):
    factories.section("diritti", "Diritti", show_in_menus=True)
    factories.section("archivio", "Archivio")
    html = client.get("/privacy/").text
    menu = html[html.index('id="main-nav"') : html.index("</nav>", html.index('id="main-nav"'))]
    assert 'href="/diritti/"' in menu
    assert "Archivio" not in menu
    assert 'aria-current="page"' in client.get("/diritti/").text
