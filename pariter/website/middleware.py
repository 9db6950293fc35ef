from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP

from pariter.website import editors

Handler = Callable[[HttpRequest], HttpResponse]

# Wagtail's editor still writes a few inline scripts and style attributes, and shows the preview in a frame of
# its own pages: inside /cms/ only, the policy allows inline code (a nonce would disable 'unsafe-inline') and
# same-origin frames. Every other source stays this host only; the public site keeps the strict policy.
EDITOR_CSP = {
    **settings.SECURE_CSP,
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "frame-ancestors": [CSP.SELF],
    "frame-src": [CSP.SELF],
}


class EditorAreaMiddleware:
    """The editor's pages (/cms/): groups that match today's roles, and the policy Wagtail's admin needs."""

    prefix = "/cms/"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.prefix):
            return self.get_response(request)
        if request.user.is_authenticated:
            editors.sync_groups(request.user)  # a role may have ended since the last visit
        response = self.get_response(request)
        response._csp_config = EDITOR_CSP  # type: ignore[attr-defined]
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response
