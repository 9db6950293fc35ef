"""Whole-page caching of public pages for anonymous visitors, under a version that every relevant write bumps.

A cached page is stored per scope ("registry", …), version, host, language and full path (query string included).
Any write to the data behind a scope bumps its version: one row in the database, so every worker sees it at once
even with a per-process cache, and every page cached before is stale from that moment. Pages also expire after
`seconds`, which bounds their age should a write ever bypass the bump.

Only anonymous requests are served from the cache or stored in it: no session cookie and no pending messages. A
page holds two per-request values, the CSP nonce and the CSRF token of its forms: they are stored as placeholders
and filled in for each visitor, so a cached page never carries another visitor's token.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.utils import translation

NONCE_MARK = b"@@pariter-csp-nonce@@"
CSRF_MARK = b"@@pariter-csrf-token@@"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")([^"]+)(")')
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "Content-Disposition")


@dataclass(frozen=True)
class Frozen:
    status: int
    headers: dict[str, str]
    body: bytes


def version(scope: str) -> int:
    """The scope's current version: asked on every anonymous request, so in plain SQL (the ORM's compiler
    would cost more than the query)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM core_cacheversion WHERE scope = %s", [scope])
        row = cursor.fetchone()
    return row[0] if row else 0


def bump(scope: str) -> None:
    """Every page cached under `scope` is stale from now on."""
    from pariter.core.models import CacheVersion

    if not CacheVersion.objects.filter(scope=scope).update(number=F("number") + 1):
        CacheVersion.objects.get_or_create(scope=scope, defaults={"number": 1})


def is_anonymous(request: HttpRequest) -> bool:
    """Whether the answer can be shared: a GET or HEAD with no session and no messages waiting for the visitor."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


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


def put(key: str, frozen: Frozen, seconds: int) -> None:
    cache.set(key, frozen, seconds)


def key_for(request: HttpRequest, scope: str) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    # The path can be long (a 10,000-character search): the key holds its digest.
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{scope}:{version(scope)}:{request.get_host()}:{language}:{digest}"


def _shareable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        response.status_code == 200
        and isinstance(response, HttpResponse)
        and not response.streaming
        and not response.cookies
        and len(messages.get_messages(request)) == 0  # a message shown once is for this visitor only
    )


def public_page[**P](scope: str, *, seconds: int | None = None) -> Callable[[Callable[P, Any]], Callable[P, Any]]:
    """Cache the view's 200 answers to anonymous visitors under `scope` (see the module's notes).

    Pages are kept settings.PUBLIC_PAGE_CACHE_SECONDS (0 turns the cache off), or `seconds` if shorter.
    """

    def decorate(view: Callable[P, Any]) -> Callable[P, Any]:
        @functools.wraps(view)
        def wrapped(*args: P.args, **kwargs: P.kwargs) -> Any:
            request = args[0]
            assert isinstance(request, HttpRequest)
            ttl = (
                settings.PUBLIC_PAGE_CACHE_SECONDS
                if seconds is None
                else min(seconds, settings.PUBLIC_PAGE_CACHE_SECONDS)
            )
            if not ttl or not is_anonymous(request):
                return view(*args, **kwargs)
            key = key_for(request, scope)
            frozen = get(key)
            if frozen is not None:
                return thaw(request, frozen)
            response = view(*args, **kwargs)
            if _shareable(request, response):
                put(key, freeze(request, response), ttl)
            return response

        return wrapped

    return decorate
