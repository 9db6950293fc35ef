"""Whole-page caching of published pages for anonymous visitors, invalidated by every publish.

A page is cached per host, language and path under the current content version; publishing, unpublishing,
moving or deleting any page bumps the version (one row in the database, so every worker sees it at once, even
with a per-process cache), and every cached page is stale from that moment. Pages also expire after
WEBSITE_PAGE_CACHE_SECONDS, which bounds the age of the dynamic sections (events, open data).

Storing and restoring a page (with its per-visitor CSP nonce and CSRF token) is `pariter.core.pagecache`'s.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.http import HttpRequest
from django.utils import translation

from pariter.core.pagecache import Frozen, freeze, get, is_anonymous, thaw
from pariter.core.pagecache import put as put_page

__all__ = ["Frozen", "bump", "content_version", "freeze", "get", "key_for", "put", "thaw"]


def content_version() -> int:
    """Asked on every anonymous request, so in plain SQL (the ORM's compiler would cost more than the query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM website_contentversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def bump() -> None:
    """Every cached page is stale from now on."""
    from pariter.website.models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def key_for(request: HttpRequest, path: str) -> str | None:
    """The cache key for this request, or None when the answer may depend on who is asking."""
    if not settings.WEBSITE_PAGE_CACHE_SECONDS or request.GET or not is_anonymous(request):
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"website:page:{content_version()}:{request.get_host()}:{language}:/{path}"


def put(key: str, frozen: Frozen) -> None:
    put_page(key, frozen, settings.WEBSITE_PAGE_CACHE_SECONDS)
