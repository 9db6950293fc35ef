"""Per-page feedback: visitors rate a page; bad input and spam change nothing; officers see the results."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pariter.website.models import PageFeedback
from tests.website import factories


@pytest.fixture
def privacy(site):
    return site.get_children().get(slug="privacy").specific


def send(client, page, **data):
    return client.post(reverse("website:feedback", args=[page.pk]), data)


def test_a_visitor_rates_a_page_and_is_thanked(client, privacy):
    response = send(client, privacy, rating="4", comment="Chiara, ma manca il modulo.")
    assert response.status_code == 302 and response.url == "/privacy/"
    answer = PageFeedback.objects.get()
    assert (answer.page_id, answer.rating, answer.language) == (privacy.pk, 4, "it")
    assert answer.comment == "Chiara, ma manca il modulo."
    assert "manca il modulo" not in answer.comment_encrypted  # encrypted at rest
    assert "Grazie" in client.get("/privacy/").text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "6"}, "opzione valida"),
        ({"rating": "0"}, "opzione valida"),
        ({"rating": "abc"}, "opzione valida"),
        ({}, "Scegli quanto è stata chiara la pagina"),
        ({"rating": "3", "comment": "x" * 501}, "500"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_stored(client, privacy, data, message):
    response = send(client, privacy, **data)
    assert response.status_code == 400
    assert message in response.text
    assert response.text.count("<h1") == 1
    assert not PageFeedback.objects.exists()


def test_the_comment_is_escaped_wherever_it_is_shown(client, privacy, as_oscar):
    send(client, privacy, rating="2", comment='<script>alert("x")</script>')
    html = as_oscar.get(reverse("website:feedback_page", args=[privacy.pk])).text
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


def test_a_flood_of_answers_is_stopped(client, privacy, settings):
    settings.WEBSITE_FEEDBACK_RATE_LIMIT = "3/h"
    for _ in range(3):
        assert send(client, privacy, rating="5").status_code == 302
    response = send(client, privacy, rating="5")
    assert response.status_code == 429
    assert "molte risposte in poco tempo" in response.text
    assert PageFeedback.objects.count() == 3


def test_drafts_cannot_be_rated(client, site):
    news = factories.section("notizie", "Notizie")
    draft = factories.draft_article(news, "bozza", "Bozza", "<p>x</p>")
    assert send(client, draft, rating="5").status_code == 404
    assert not PageFeedback.objects.exists()


def test_officers_see_the_results_least_clear_first(client, privacy, site, as_oscar, django_assert_max_num_queries):
    contacts = site.get_children().get(slug="contatti").specific
    for rating in ("5", "4"):
        send(client, contacts, rating=rating)
    send(client, privacy, rating="1")
    with django_assert_max_num_queries(12):
        html = as_oscar.get(reverse("website:feedback_results")).text
    assert html.index(privacy.title) < html.index(contacts.title)
    assert "4,5" in html or "4.5" in html


def test_outsiders_and_volunteers_cannot_see_the_results(client, privacy, as_charlie, as_vera):
    url = reverse("website:feedback_results")
    assert client.get(url).status_code == 302
    assert as_charlie.get(url).status_code == 403
    assert as_vera.get(url).status_code == 403
    assert as_charlie.get(reverse("website:feedback_page", args=[privacy.pk])).status_code == 403
