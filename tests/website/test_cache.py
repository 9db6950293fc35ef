"""Anonymous visitors get published pages from the cache; a publish makes every cached page stale."""

from __future__ import annotations

import re

from tests.conftest import signed_in
from tests.website import factories


def nonce_of(response) -> str:
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


def test_the_second_anonymous_visit_is_served_from_the_cache(client, site):
    first = client.get("/privacy/")
    second = client.get("/privacy/")
    assert "X-Pariter-Cache" not in first
    assert second["X-Pariter-Cache"] == "hit"
    assert second.status_code == 200


def test_a_cached_page_carries_this_visitors_nonce_and_csrf_token(client, site):
    client.get("/privacy/")
    hit = client.get("/privacy/")
    nonce = nonce_of(hit)
    assert f'nonce="{nonce}"' in hit.text
    assert "@@pariter-" not in hit.text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', hit.text).group(1)
    assert len(token) == 64


def test_a_cache_hit_costs_one_query(client, site, django_assert_max_num_queries):
    client.get("/privacy/")
    with django_assert_max_num_queries(1):
        assert client.get("/privacy/")["X-Pariter-Cache"] == "hit"


def test_publishing_a_change_invalidates_every_cached_page(client, site):
    privacy = site.get_children().get(slug="privacy").specific
    client.get("/")
    client.get("/privacy/")
    privacy.title = "Informativa aggiornata"
    factories.publish(privacy)
    response = client.get("/privacy/")
    assert "X-Pariter-Cache" not in response
    assert "Informativa aggiornata" in response.text


def test_unpublishing_invalidates_the_cache(client, site):
    news = factories.section("notizie", "Notizie")
    page = factories.article(news, "breve", "Notizia breve")
    client.get("/notizie/breve/")
    assert client.get("/notizie/breve/")["X-Pariter-Cache"] == "hit"
    page.unpublish()
    assert client.get("/notizie/breve/").status_code == 404


def test_each_language_has_its_own_cached_page(client, site):
    client.get("/privacy/")
    client.cookies["django_language"] = "en"
    response = client.get("/privacy/")
    assert "X-Pariter-Cache" not in response
    assert "Privacy notice" in response.text


def test_signed_in_users_and_query_strings_are_never_served_from_the_cache(client, site, charlie):
    client.get("/privacy/")
    assert "X-Pariter-Cache" not in client.get("/privacy/?x=1")
    assert "X-Pariter-Cache" not in signed_in(charlie).get("/privacy/")
