"""The public register page /registro/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.registry.factories import register

URL = reverse("registry:search")


@pytest.fixture
def entries(milano, sesto):
    return [register(f"Associazione Numero {i:02d}", milano if i % 2 else sesto) for i in range(30)]


def test_anyone_searches_the_register(client, entries):
    response = client.get(URL, {"q": "numero 07"})
    assert response.status_code == 200
    assert [e.name for e in response.context["results"].page.items] == ["Associazione Numero 07"]


def test_the_page_runs_a_constant_number_of_queries(client, entries, milano, settings, django_assert_max_num_queries):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the page's own work, not the anonymous page cache's
    # sections, page rows, their current sections, the bounded count, the datalist of municipalities, the session
    with django_assert_max_num_queries(7):
        client.get(URL, {"q": "associazione", "comune": "Milano"})
    for i in range(30, 60):
        register(f"Associazione Numero {i:02d}", milano)
    with django_assert_max_num_queries(7):
        client.get(URL, {"q": "associazione", "comune": "Milano"})


def test_keyset_pages_walk_the_whole_result(client, entries):
    seen, cursor = [], None
    while True:
        response = client.get(URL, {"q": "associazione", **({"cursor": cursor} if cursor else {})})
        page = response.context["results"].page
        seen += [e.pk for e in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert sorted(seen) == sorted(e.pk for e in entries) and len(seen) == len(set(seen))


def test_an_exact_count_below_the_limit(client, entries):
    response = client.get(URL, {"q": "associazione"})
    assert response.context["results"].count.value == 30
    assert not response.context["results"].count.exceeded


def test_a_ten_thousand_character_search_gets_a_clear_message(client, entries):
    response = client.get(URL, {"q": "a" * 10_000})
    assert response.status_code == 200
    assert response.context["results"] is None
    assert "200" in response.context["form"].errors["q"][0]


@pytest.mark.parametrize("text", ['"', "*", "NEAR", "-", "NEAR(x y)", 'coop" OR "x'])
def test_query_syntax_returns_a_clean_page(client, entries, text):
    assert client.get(URL, {"q": text}).status_code == 200


def test_a_malformed_codice_fiscale_gets_a_message(client, entries):
    response = client.get(URL, {"codice_fiscale": "12AB"})
    assert response.context["form"].errors["codice_fiscale"]


def test_a_tampered_cursor_falls_back_to_the_first_page(client, entries):
    response = client.get(URL, {"q": "associazione", "cursor": "tampered"})
    assert response.status_code == 200
    assert response.context["results"].page.items


def test_the_page_is_in_italian_by_default(client, entries):
    assert "Registro" in client.get(URL).text
