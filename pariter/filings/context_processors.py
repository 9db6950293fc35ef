from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pariter.filings import access


def filings_nav(request: HttpRequest) -> dict[str, Any]:
    """Which filings link the menu shows: the workbench to officers, the portal to entities' representatives."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"filings_nav": ""}
    if access.is_register_officer(user):
        return {"filings_nav": "officer"}
    if access.represented_organisation_ids(user):
        return {"filings_nav": "representative"}
    return {"filings_nav": "notary" if access.active_notary(user) is not None else ""}
