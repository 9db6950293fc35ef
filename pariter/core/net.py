from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address; X-Forwarded-For only behind a trusted proxy."""
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[0].strip()
    try:
        validate_ipv46_address(candidate)
    except ValidationError:
        return None
    return candidate
