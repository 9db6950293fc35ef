"""The training area's entry in the main menu, with its label translated from the area's own catalogue."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request: HttpRequest) -> dict[str, object]:
    return {"training_nav": {"url": reverse("training:catalogue"), "label": _("Training")}}
