"""The public page cache (pariter.core.pagecache), on the register's pages: who is served from it, and when a
write to the register makes the cached pages stale."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from pariter.core import pagecache
from pariter.core.models import CacheVersion
from pariter.registry import services
from tests.registry.factories import register

SEARCH = "/registro/"


@pytest.fixture
def ponte(milano):
    return register("Associazione Il Ponte APS", milano, registered_on=date(2022, 11, 7))


def entity_url(entity) -> str:
    return reverse("registry:entity", args=[entity.repertory_number])


def test_an_anonymous_visitor_gets_the_second_visit_from_the_cache(client, ponte):
    first = client.get(SEARCH, {"q": "ponte"})
    second = client.get(SEARCH, {"q": "ponte"})
    assert "X-Pariter-Cache" not in first
    assert second["X-Pariter-Cache"] == "hit"
    assert second.content.replace(b" ", b"").count(b"IlPonte") == first.content.replace(b" ", b"").count(b"IlPonte")


def test_each_query_string_and_language_has_its_own_page(client, ponte, milano):
    register("Cooperativa Sole", milano)
    assert "Il Ponte" in client.get(SEARCH, {"q": "ponte"}).text
    sole = client.get(SEARCH, {"q": "sole"})
    assert "X-Pariter-Cache" not in sole and "Cooperativa Sole" in sole.text
    english = client.get(SEARCH, {"q": "ponte"}, headers={"accept-language": "en"})
    assert "X-Pariter-Cache" not in english


def test_a_hit_costs_one_query_and_carries_this_visitors_nonce(client, ponte, django_assert_max_num_queries):
    client.get(entity_url(ponte))
    with django_assert_max_num_queries(1):
        hit = client.get(entity_url(ponte))
    assert hit["X-Pariter-Cache"] == "hit"
    nonce = hit["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in hit.text and "@@pariter-" not in hit.text


def test_signed_in_users_are_never_served_from_the_cache(ponte, as_oscar):
    as_oscar.get(entity_url(ponte))
    again = as_oscar.get(entity_url(ponte))
    assert "X-Pariter-Cache" not in again
    assert again.context["history"] is not None  # the officer still sees the change log


def test_a_change_to_the_register_makes_the_cached_pages_stale(client, ponte):
    client.get(entity_url(ponte))
    services.entity_update(entity=ponte, name="Associazione Il Ponte Nuovo APS", effective_on=date(2025, 1, 1))
    fresh = client.get(entity_url(ponte))
    assert "X-Pariter-Cache" not in fresh
    assert "Il Ponte Nuovo" in fresh.text


def test_an_office_holder_or_a_document_also_makes_them_stale(client, ponte):
    before = pagecache.version("registry")
    services.office_holder_appoint(
        entity=ponte,
        role="legal_representative",
        full_name="Giulia Verdi",
        tax_code="VRDGLI80A41F205X",
        starts_on=date(2022, 11, 7),
    )
    assert pagecache.version("registry") > before


def test_a_page_that_shows_a_message_is_not_kept(client, ponte):
    tampered = client.get(SEARCH, {"q": "ponte", "cursor": "not-a-cursor"})
    assert tampered.status_code == 200 and len(tampered.context["messages"]) == 1
    again = client.get(SEARCH, {"q": "ponte", "cursor": "not-a-cursor"})
    assert "X-Pariter-Cache" not in again and len(again.context["messages"]) == 1


def test_the_cache_can_be_turned_off(client, ponte, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(entity_url(ponte))
    assert "X-Pariter-Cache" not in client.get(entity_url(ponte))


def test_answers_that_set_cookies_or_fail_are_not_kept(db):
    calls = []

    @pagecache.public_page("test")
    def view(request, status=200, cookie=False):
        calls.append(1)
        response = HttpResponse("ok", status=status)
        if cookie:
            response.set_cookie("x", "y")
        return response

    factory = RequestFactory()
    for kwargs in ({"status": 404}, {"cookie": True}):
        for _ in range(2):
            request = factory.get("/x/")
            request._messages = CookieStorage(request)
            view(request, **kwargs)
    assert len(calls) == 4
    assert not CacheVersion.objects.filter(scope="test").exists()
