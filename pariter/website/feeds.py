"""RSS and Atom feeds of the news, in the visitor's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from pariter.website import selectors

FEED_ITEMS = 20


class NewsFeed(Feed):
    def title(self) -> str:
        return _("News – Welfare and equal opportunities")

    def description(self) -> str:
        return _("News from the Servizio formazione per il sociale, terzo settore e pari opportunità.")

    def link(self) -> str:
        return "/"

    def items(self) -> list[Any]:
        return selectors.latest_articles(locale=selectors.current_locale(), limit=FEED_ITEMS)

    def item_title(self, item: Any) -> str:
        return item.title

    def item_description(self, item: Any) -> str:
        return item.summary

    def item_link(self, item: Any) -> str:
        return item.url

    def item_pubdate(self, item: Any) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(item.date, dt.time(9)))

    def item_updateddate(self, item: Any) -> dt.datetime | None:
        return item.last_published_at


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()
