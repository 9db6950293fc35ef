"""Writes of the public website."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page

from pariter.core import crypto
from pariter.website.models import PageFeedback, Rating

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _parse_rate(rate: str) -> tuple[int, int]:
    count, _slash, period = rate.partition("/")
    return int(count), _UNITS[period[-1]] * int(period[:-1] or 1)


def feedback_quota_consume(*, client: str) -> bool:
    """One more answer from this client address within the rate of WEBSITE_FEEDBACK_RATE_LIMIT, or False."""
    limit, seconds = _parse_rate(settings.WEBSITE_FEEDBACK_RATE_LIMIT)
    window = int(time.time() // seconds)
    key = f"website:feedback:{client}:{window}"
    cache.add(key, 0, seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, seconds)
        used = 1
    return used <= limit


def _clean_comment(text: str) -> str:
    # Control characters have no place in a comment (and would garble the officers' view).
    return "".join(ch for ch in text if ch.isprintable() or ch in "\n\t").strip()


@transaction.atomic
def feedback_submit(*, page: Page, rating: int, comment: str, language: str) -> PageFeedback:
    """Store one visitor's answer. The comment is encrypted at rest: visitors sometimes write about themselves."""
    errors: dict[str, str] = {}
    if rating not in Rating.values:
        errors["rating"] = _("Choose how clear the page was, from 1 to 5.")
    comment = _clean_comment(comment)
    if len(comment) > PageFeedback.COMMENT_MAX_LENGTH:
        errors["comment"] = _("The comment may be at most %(limit)d characters long.") % {
            "limit": PageFeedback.COMMENT_MAX_LENGTH
        }
    if not page.live:
        errors["page"] = _("This page is not published.")
    if errors:
        raise ValidationError(errors)
    return PageFeedback.objects.create(
        page=page,
        rating=rating,
        comment_encrypted=crypto.encrypt(comment) if comment else "",
        language=language[:8],
    )
