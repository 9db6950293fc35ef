"""The editors' view of missing and out-of-date translations."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from pariter.website import selectors
from tests.website import factories


def states(source="it", target="en") -> dict[str, str]:
    return {row.page.title: row.state for row in selectors.translation_status(source=source, target=target)}


def test_it_tells_missing_outdated_and_current_translations_apart(site):
    rights = factories.section()
    guide = factories.guide(rights)
    factories.translate(rights, title="Rights")
    english = factories.translate(guide, title="Equal treatment at work")
    assert states()["Diritti"] == "current"
    assert states()[guide.title] == "current"
    news = factories.section("notizie", "Notizie")
    assert states()[news.title] == "missing"
    english.last_published_at = timezone.now() - dt.timedelta(days=2)
    english.save(update_fields=["last_published_at"])
    guide.summary = "Aggiornata."
    factories.publish(guide)
    assert states()[guide.title] == "outdated"


def test_editors_see_the_report_and_others_do_not(site, as_vera, as_charlie):
    factories.section("notizie", "Notizie")
    url = reverse("website_translations")
    response = as_vera.get(url)
    assert response.status_code == 200
    assert "Notizie" in response.text and "Mancante" in response.text
    assert as_charlie.get(url).status_code == 302  # not an editor: Wagtail sends them to sign in
