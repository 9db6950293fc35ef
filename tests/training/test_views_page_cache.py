"""Anonymous visitors get the catalogue and edition pages from the page cache; any training write makes them stale,
so the places left are never behind an enrolment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from pariter.core import pagecache
from pariter.training import services
from tests.conftest import signed_in
from tests.training.factories import enroll, make_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return make_edition(title="Diritti al lavoro", starts_in=timedelta(days=10))


def test_the_second_anonymous_visit_is_a_hit(client, edition):
    for url in (reverse("training:catalogue"), reverse("training:edition", args=[edition.pk])):
        assert "X-Pariter-Cache" not in client.get(url)
        assert client.get(url)["X-Pariter-Cache"] == "hit"


def test_an_enrolment_makes_the_edition_page_fresh(client, edition):
    url = reverse("training:edition", args=[edition.pk])
    before = client.get(url)
    enroll(edition, "Anna Bianchi")
    after = client.get(url)
    assert "X-Pariter-Cache" not in after
    assert after.context["places"] != before.context["places"]


def test_an_edited_edition_makes_the_catalogue_fresh(client, edition):
    url = reverse("training:catalogue")
    client.get(url)
    version = pagecache.version(services.PAGE_CACHE_SCOPE)
    edition.initiative.title = "Diritti e doveri al lavoro"
    edition.initiative.save()
    assert pagecache.version(services.PAGE_CACHE_SCOPE) > version
    assert "Diritti e doveri al lavoro" in client.get(url).text


def test_staff_see_live_pages(edition, oscar):
    staff = signed_in(oscar)
    url = reverse("training:catalogue")
    staff.get(url)
    assert "X-Pariter-Cache" not in staff.get(url)


def test_pages_are_kept_a_minute_at_most(client, edition, settings, monkeypatch):
    from pariter.core import pagecache as module

    kept = []
    monkeypatch.setattr(module, "put", lambda key, frozen, seconds: kept.append(seconds))
    client.get(reverse("training:catalogue"))
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    client.get(reverse("training:archive"))
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get(reverse("training:catalogue"))
    assert kept == [60, 30]
