"""Pariter's public, read-only API (django-ninja, OpenAPI 3.1 at /api/v1/openapi.json).

The interactive docs page is off (docs_url=None): ninja's Swagger UI loads its
assets from a CDN unless "ninja" is an installed app, and our Content Security
Policy allows only this host. The OpenAPI document is the reference.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI
from ninja.errors import Throttled
from ninja.throttling import AnonRateThrottle

from pariter.core.net import client_ip
from pariter.registry.api import router as registry_router

DEFAULT_RATE = "120/min"


class ClientRateThrottle(AnonRateThrottle):
    """Requests per client address, at the rate of settings.API_RATE_LIMIT (read on every request, so it can
    change in tests and at run time).

    The address is `core.net.client_ip`: X-Forwarded-For only behind a trusted proxy, so a client cannot escape
    the limit by inventing the header. ninja shares one throttle object between threads, so the state of a
    request lives in locals and the wait in a thread-local, not on the instance. Counts live in the default
    cache: per process with the local-memory cache, shared between workers with a shared one.
    """

    scope = "pariter_api"

    def __init__(self) -> None:
        super().__init__(rate=DEFAULT_RATE)
        self._local = threading.local()

    def get_ident(self, request: HttpRequest) -> str | None:
        return client_ip(request) or "unknown"

    def allow_request(self, request: HttpRequest) -> bool:
        self._local.wait = None
        num_requests, duration = self.parse_rate(getattr(settings, "API_RATE_LIMIT", DEFAULT_RATE))
        key = self.get_cache_key(request)
        if key is None or num_requests is None or duration is None:
            return True
        now = time.time()
        history = [moment for moment in self.cache.get(key, []) if moment > now - duration]
        if len(history) >= num_requests:
            self._local.wait = duration - (now - history[-1])
            return False
        self.cache.set(key, [now, *history], duration)
        return True

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


api = NinjaAPI(
    title="Pariter API",
    version="1.0.0",
    description="Read-only open API of Pariter, the information system of Città metropolitana di Milano "
    "for the third sector. Data under CC BY 4.0. Every call is rate-limited per client address "
    "(429 with Retry-After when exceeded); errors are JSON in the language of Accept-Language (it, en).",
    urls_namespace="api",
    docs_url=None,
    throttle=[ClientRateThrottle()],
)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    message = _("Too many requests: try again in a moment.")
    if exc.wait is not None:
        seconds = math.ceil(exc.wait)
        message = ngettext(
            "Too many requests: try again in %(seconds)d second.",
            "Too many requests: try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    return api.create_response(request, {"detail": message}, status=429)


api.add_router("/registro/", registry_router)
