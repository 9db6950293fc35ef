"""The public catalogue and its archive: current and upcoming editions by default, the past a keyset page at a time,
a fixed number of queries whatever the history, and never a count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from pariter.training import selectors
from pariter.training.models import Topic
from tests.training.factories import make_edition, move_to_past

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """These tests measure the pages' own work; the anonymous page cache has its own (test_views_page_cache.py)."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture
def history():
    """Thirty ended editions (more than a page), two running soon; each initiative with a topic."""
    past = []
    for i in range(selectors.CATALOGUE_PAGE + 6):
        edition = move_to_past(make_edition(title=f"Passato {i:02d}", sessions=1), days=i)
        edition.initiative.topics.add(Topic.objects.get_or_create(name="Pari opportunità")[0])
        past.append(edition)
    upcoming = [make_edition(title=f"Prossimo {i}", starts_in=timedelta(days=5 + i)) for i in range(2)]
    return past, upcoming


def test_it_shows_only_current_and_upcoming_editions(client, history):
    response = client.get(reverse("training:catalogue"))
    assert response.status_code == 200
    assert "Prossimo 0" in response.text and "Prossimo 1" in response.text
    assert "Passato" not in response.text
    assert reverse("training:archive") in response.text


def test_the_archive_pages_through_the_past_by_keyset_latest_first(client, history):
    past, _upcoming = history
    first = client.get(reverse("training:archive"))
    assert first.status_code == 200
    titles = [e.initiative.title for e in first.context["editions"]]
    assert len(titles) == selectors.CATALOGUE_PAGE
    assert titles[0] == "Passato 00" and "Prossimo 0" not in first.text
    assert "Pari opportunità" in first.text
    following = first.context["page"].next_cursor
    second = client.get(reverse("training:archive"), {"cursor": following})
    rest = [e.initiative.title for e in second.context["editions"]]
    assert len(rest) == len(past) - selectors.CATALOGUE_PAGE
    assert not set(rest) & set(titles)
    assert second.context["page"].next_cursor is None


def test_the_archive_keeps_its_filters_across_pages(client, history):
    response = client.get(reverse("training:archive"), {"pubblico": "social_operators"})
    cursor = response.context["page"].next_cursor
    assert f"pubblico=social_operators&amp;cursor={cursor}" in response.text.replace("%3A", ":")


def test_a_tampered_cursor_is_refused(client, history):
    response = client.get(reverse("training:archive"), {"cursor": "abc"})
    assert response.status_code == 404


def test_the_pages_run_a_fixed_number_of_queries_and_count_nothing(client, history):
    for name in ("training:catalogue", "training:archive"):
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name))
        assert response.status_code == 200
        # Editions with their first venue, then the topics of the page: nothing per card.
        assert len(queries) <= 3, [q["sql"] for q in queries]
        assert not any("COUNT(" in q["sql"].upper() for q in queries)


def test_a_past_edition_page_runs_a_fixed_number_of_queries(client, history, django_assert_max_num_queries):
    past, _upcoming = history
    # The edition with its initiative, its sessions, its topics' names, the places taken.
    with django_assert_max_num_queries(4):
        response = client.get(reverse("training:edition", args=[past[0].pk]))
    assert response.status_code == 200


def test_a_card_shows_the_link_date_venue_and_topics(client, history):
    _past, upcoming = history
    edition = upcoming[0]
    upcoming[0].initiative.topics.add(Topic.objects.get_or_create(name="Lavoro & famiglia")[0])
    response = client.get(reverse("training:catalogue"), HTTP_ACCEPT_LANGUAGE="it")
    starts = timezone.localtime(edition.starts_at)
    assert f'href="{edition.get_absolute_url()}"' in response.text
    assert f'<time datetime="{starts.isoformat()}">{date_format(starts, "DATE_FORMAT")}</time>' in response.text
    assert " · Sala Affreschi" in response.text or edition.sessions.first().venue in response.text
    assert "Lavoro &amp; famiglia" in response.text


def test_a_past_edition_page_shows_its_sessions_and_topics(client, history):
    past, _upcoming = history
    edition = past[0]
    session = edition.sessions.get()
    response = client.get(reverse("training:edition", args=[edition.pk]), HTTP_ACCEPT_LANGUAGE="it")
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    assert f'<time datetime="{starts.isoformat()}">{date_format(starts, "l j F Y")}</time>' in response.text
    assert f"{starts:%H:%M}–{ends:%H:%M}" in response.text
    assert "Pari opportunità" in response.text and session.where() in response.text
