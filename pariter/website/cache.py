"""Whole-page caching of published pages for anonymous visitors, invalidated by every publish.

A page is cached per host, language and path under the current content version; publishing, unpublishing,
moving or deleting any page bumps the version (one row in the database, so every worker sees it at once, even
with a per-process cache), and every cached page is stale from that moment. Pages also expire after
WEBSITE_PAGE_CACHE_SECONDS, which bounds the age of the dynamic sections (events, open data).

A page holds two per-request values: the CSP nonce and the CSRF token of its forms. They are stored as
placeholders and filled in for each visitor, so the cached page is never shared with another's token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

NONCE_MARK = b"@@pariter-csp-nonce@@"
CSRF_MARK = b"@@pariter-csrf-token@@"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Link")


@dataclass(frozen=True)
class Frozen:
    status: int
    headers: dict[str, str]
    body: bytes


def content_version() -> int:
    from pariter.website.models import ContentVersion

    number = ContentVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return number or 0


def bump() -> None:
    """Every cached page is stale from now on."""
    from pariter.website.models import ContentVersion

    if not ContentVersion.objects.filter(pk=1).update(number=F("number") + 1):
        ContentVersion.objects.get_or_create(pk=1, defaults={"number": 1})


def key_for(request: HttpRequest, path: str) -> str | None:
    """The cache key for this request, or None when the answer may depend on who is asking."""
    if not settings.WEBSITE_PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD") or request.GET:
        return None
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"website:page:{content_version()}:{request.get_host()}:{language}:/{path}"


def freeze(request: HttpRequest, response: HttpResponse) -> Frozen:
    body = response.content
    nonce = getattr(request, "_csp_nonce", None)
    if nonce is not None and nonce:  # a LazyNonce is falsy until a template used it
        body = body.replace(str(nonce).encode(), NONCE_MARK)
    body = _CSRF_INPUT.sub(rb"\1" + CSRF_MARK + rb"\3", body)
    headers = {name: response[name] for name in _KEPT_HEADERS if name in response}
    return Frozen(status=response.status_code, headers=headers, body=body)


def thaw(request: HttpRequest, frozen: Frozen) -> HttpResponse:
    body = frozen.body
    if NONCE_MARK in body:
        body = body.replace(NONCE_MARK, str(request._csp_nonce).encode())  # type: ignore[attr-defined]
    if CSRF_MARK in body:
        body = body.replace(CSRF_MARK, get_token(request).encode())
    response = HttpResponse(body, status=frozen.status)
    for name, value in frozen.headers.items():
        response[name] = value
    response["X-Pariter-Cache"] = "hit"
    return response


def get(key: str) -> Frozen | None:
    value: Any = cache.get(key)
    return value if isinstance(value, Frozen) else None


def put(key: str, frozen: Frozen) -> None:
    cache.set(key, frozen, settings.WEBSITE_PAGE_CACHE_SECONDS)
