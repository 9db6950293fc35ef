"""The public organisation directory: list, filters, keyset pages, detail and history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pariter.core.models import Organisation, OrganisationKind
from tests.conftest import make_municipality

URL = reverse("core:directory")


@pytest.fixture
def many(milano, sesto):
    orgs = [
        Organisation(
            name=f"Associazione Numero {i:03d}",
            kind=OrganisationKind.VOLUNTEER_ORGANISATION if i % 2 else OrganisationKind.THIRD_SECTOR,
            tax_code=f"9{i:09d}",
            municipality=milano if i % 3 else sesto,
        )
        for i in range(60)
    ]
    # Tax codes here are not valid check digits: bulk_create skips validation on purpose (list speed only).
    Organisation.objects.bulk_create(orgs)
    return orgs


def test_it_lists_organisations_to_anonymous_visitors(client, airc):
    response = client.get(URL)
    assert response.status_code == 200
    assert "FONDAZIONE AIRC" in response.text


def test_it_filters_by_kind_and_municipality(client, many):
    response = client.get(URL, {"kind": "volunteer_organisation", "municipality": "Sesto San Giovanni"})
    names = [o.name for o in response.context["page"].items]
    assert names
    for org in response.context["page"].items:
        assert org.kind == "volunteer_organisation"
        assert org.municipality.name == "SESTO SAN GIOVANNI"


def test_it_finds_by_codice_fiscale(client, airc, many):
    response = client.get(URL, {"q": "80051890152"})
    assert [o.pk for o in response.context["page"].items] == [airc.pk]


def test_it_pages_by_keyset_forward_and_back(client, many):
    first = client.get(URL).context["page"]
    assert len(first.items) == 25 and first.next_cursor and not first.prev_cursor
    second = client.get(URL, {"cursor": first.next_cursor}).context["page"]
    assert second.items[0].name > first.items[-1].name
    back = client.get(URL, {"cursor": second.prev_cursor}).context["page"]
    assert [o.pk for o in back.items] == [o.pk for o in first.items]


def test_a_tampered_cursor_falls_back_to_the_first_page_with_a_message(client, many):
    response = client.get(URL, {"cursor": "not-a-real-cursor"})
    assert response.status_code == 200
    assert "no longer valid" in response.text or "non è più valido" in response.text


def test_an_unknown_municipality_filter_says_so(client, many):
    response = client.get(URL, {"municipality": "Atlantide"})
    assert response.status_code == 200
    assert response.context["form"].errors["municipality"]


def test_the_list_runs_a_constant_number_of_queries(client, many, django_assert_max_num_queries):
    # Session, page rows (with municipality joined), and the datalist of municipalities.
    with django_assert_max_num_queries(4):
        client.get(URL)


def test_history_is_shown_to_officers_only(client, as_oscar, airc):
    url = reverse("core:organisation_detail", args=[airc.pk])
    assert client.get(url).context["history"] is None
    response = as_oscar.get(url)
    assert response.context["history"] is not None
    assert "History of changes" in response.text or "Storico delle modifiche" in response.text


def test_an_unknown_organisation_is_404(client, db):
    assert client.get(reverse("core:organisation_detail", args=[999999])).status_code == 404


def test_a_homonym_outside_milan_is_not_confused(client, milano):
    make_municipality("012345", "CASTRO", "C329", metro=False, province="BG")
    make_municipality("075019", "CASTRO", "C336", metro=False, province="LE")
    response = client.get(URL, {"municipality": "Castro"})
    assert response.context["form"].errors["municipality"]


def test_municipality_suggestions_are_cached_until_the_reference_data_is_reloaded(
    milano, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from pariter.core import selectors
    from pariter.core.management.commands.load_reference_data import load

    names = selectors.metropolitan_municipality_names()
    assert milano.name in names
    with django_assert_num_queries(0):
        assert selectors.metropolitan_municipality_names() == names
    cache.set(selectors.METROPOLITAN_NAMES_KEY, ["stale"])
    with django_capture_on_commit_callbacks(execute=True):
        load()
    fresh = selectors.metropolitan_municipality_names()
    assert "stale" not in fresh
    assert len(fresh) >= 133  # the archive's 133, and the test's own Milano if its code differs
