"""iCalendar feeds (RFC 5545): one per edition, and one for the whole public calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from pariter.training.models import Edition, TrainingSession

PRODID = "-//Città metropolitana di Milano//Pariter formazione//IT"
# The combined feed covers this much of the past, so calendars keep recent events without the whole archive.
PAST_WINDOW = timedelta(days=90)


def _calendar(name: str, sessions: Iterable[TrainingSession]) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    stamp = timezone.now()
    for s in sessions:
        event = Event()
        event.add("uid", f"pariter-training-session-{s.pk}@{settings.SITE_ROOT.split('://')[-1]}")
        event.add("dtstamp", stamp)
        event.add("dtstart", s.starts_at)
        event.add("dtend", s.ends_at)
        summary = str(s.edition)
        if s.title:
            summary += f" – {s.title}"
        event.add("summary", summary)
        if s.venue:
            event.add("location", s.venue)
        url = settings.SITE_ROOT + s.edition.get_absolute_url()
        event.add("url", url)
        event.add("description", f"{s.online_url}\n{url}".strip() if s.online_url else url)
        cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def feed_edition(edition: Edition) -> bytes:
    return _calendar(str(edition), edition.sessions.select_related("edition__initiative").order_by("starts_at"))


FEED_CACHE_SECONDS = 300


def feed_all() -> bytes:
    """The combined feed, cached for five minutes: calendar apps poll it, and it changes rarely."""
    from django.core.cache import cache

    feed = cache.get_or_set("training:calendar-feed", _feed_all, FEED_CACHE_SECONDS)
    return feed if isinstance(feed, bytes) else _feed_all()


def _feed_all() -> bytes:
    since = timezone.now() - PAST_WINDOW
    sessions = (
        TrainingSession.objects.filter(edition__is_published=True, starts_at__gte=since)
        .select_related("edition__initiative")
        .order_by("starts_at", "id")
    )
    return _calendar("Pariter – formazione e sensibilizzazione", sessions)
