"""Site search: live public pages of the visitor's language only, and any input gives a clean page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.website import factories


@pytest.fixture
def pages(site):
    rights = factories.section()
    guide = factories.guide(rights)
    factories.translate(rights, title="Rights")
    factories.translate(
        guide, title="Equal treatment at work", what="<p>The ban on direct and indirect discrimination.</p>"
    )
    news = factories.section("notizie", "Notizie")
    factories.article(news, "congedo", "Il congedo di paternità", body="<p>Dieci giorni di congedo obbligatorio.</p>")
    factories.draft_article(news, "bozza", "Bozza sul congedo", "<p>congedo riservato</p>")
    return guide


def search(client, q):
    return client.get(reverse("website:search"), {"q": q})


def test_it_finds_published_pages_by_the_words_of_their_body(client, pages):
    response = search(client, "discriminazioni indirette")
    assert response.status_code == 200
    assert "Parità di trattamento sul lavoro" in response.text


def test_it_searches_the_visitors_language_only(client, pages):
    client.cookies["django_language"] = "en"
    response = search(client, "discrimination")
    assert "Equal treatment at work" in response.text
    assert "Parità di trattamento" not in response.text


def test_drafts_never_appear_in_results(client, pages):
    response = search(client, "congedo")
    assert "Il congedo di paternità" in response.text
    assert "Bozza sul congedo" not in response.text
    assert "Nessuna pagina contiene «riservato»" in search(client, "riservato").text


@pytest.mark.parametrize(
    "query", ["", "   ", "a" * 10_000, "\"'()*:&|!<>~^-+", "congedo' OR 1=1 --", "<script>alert(1)</script>"]
)
def test_any_query_gives_a_clean_page(client, pages, query):
    response = search(client, query)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert response.text.count("<h1") == 1


def test_the_query_is_bounded_before_it_reaches_the_engine():
    from pariter.website.selectors import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, clean_query

    assert clean_query("a" * 10_000) == "a" * SEARCH_MAX_CHARS
    assert len(clean_query("parola " * 100).split()) == SEARCH_MAX_WORDS
    assert clean_query('"congedo" AND (NOT x)*') == "congedo AND NOT x"


@pytest.mark.postgres
def test_on_postgresql_the_search_knows_italian_word_forms(client, pages):
    # "congedi" (plural) finds "congedo": Italian stems, from the "italian" text search configuration.
    assert "Il congedo di paternità" in search(client, "congedi").text
