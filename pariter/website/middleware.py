from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pariter.website import editors

Handler = Callable[[HttpRequest], HttpResponse]


class EditorGroupsMiddleware:
    """On the editor's pages only, match the user's Wagtail groups to today's roles (a role may have ended)."""

    prefix = "/cms/"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(self.prefix) and request.user.is_authenticated:
            editors.sync_groups(request.user)
        return self.get_response(request)
