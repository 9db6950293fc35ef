from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pariter.core import access, pagecache
from pariter.core import selectors as core_selectors
from pariter.core.pagination import InvalidCursor, query_without_cursor
from pariter.registry import selectors
from pariter.registry.forms import AsOfForm, RegisterSearchForm
from pariter.registry.models import PUBLIC_STATUSES, Entity, EntityStatus
from pariter.registry.services import PAGE_CACHE_SCOPE as CACHE_SCOPE  # anonymous pages, until the register changes


@require_GET
@pagecache.public_page(CACHE_SCOPE)
def search(request: HttpRequest) -> HttpResponse:
    sections = selectors.sections()
    form = RegisterSearchForm(request.GET or None, sections=sections)
    filters = form.to_filters() if form.is_bound and form.is_valid() else selectors.EntitySearch()
    if form.is_bound and not form.is_valid():
        results = None
    else:
        try:
            results = selectors.search_entities(filters, cursor=request.GET.get("cursor") or None)
        except InvalidCursor:
            messages.error(request, _("That page link is no longer valid; here is the first page."))
            results = selectors.search_entities(filters)
    return render(
        request,
        "registry/search.html",
        {
            "form": form,
            "results": results,
            "filter_query": query_without_cursor(request.GET),
        },
    )


def _published(repertory_number: int) -> Entity:
    entity = selectors.entity_by_repertory(repertory_number)
    if entity is None or (entity.status not in PUBLIC_STATUSES and entity.status != EntityStatus.CANCELLED):
        raise Http404
    return entity


def _as_of(request: HttpRequest) -> tuple[AsOfForm, date | None]:
    form = AsOfForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["al"]
    return form, None


def jsonld(entity: Entity, entry: dict[str, Any], url: str) -> str:
    """schema.org description of the entry, for search engines and linked-data consumers."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NGO",
        "@id": url,
        "url": url,
        "name": entry["name"],
        "taxID": entry["tax_code"],
        "identifier": {"@type": "PropertyValue", "propertyID": "RUNTS repertorio", "value": entry["repertory_number"]},
        "address": {
            "@type": "PostalAddress",
            "streetAddress": entry.get("address") or None,
            "postalCode": entry.get("postcode") or None,
            "addressLocality": entry["municipality"]["name"],
            "addressRegion": entry["municipality"]["province"],
            "addressCountry": "IT",
        },
    }
    if entry.get("vat_number"):
        data["vatID"] = entry["vat_number"]
    if entry.get("constituted_on"):
        data["foundingDate"] = entry["constituted_on"]
    if entry.get("website"):
        data["sameAs"] = entry["website"]
    if entry.get("pec"):
        data["email"] = entry["pec"]
    # Escape "<" so the block can never close the <script> element early.
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


@require_GET
@pagecache.public_page(CACHE_SCOPE)
def entity(request: HttpRequest, repertory_number: int) -> HttpResponse:
    entity = _published(repertory_number)
    form, day = _as_of(request)
    entry = selectors.entry_as_of(entity, day)
    if entry is None:
        messages.warning(request, _("On that date this entity was not yet in the register; here is today's entry."))
        day, entry = None, selectors.entry_as_of(entity)
    assert entry is not None  # today's entry always exists
    url = request.build_absolute_uri(reverse("registry:entity", args=[repertory_number]))
    officer = access.can_view_history(request.user)
    return render(
        request,
        "registry/entity.html",
        {
            "entity": entity,
            "entry": entry,
            "as_of": day,
            "today": timezone.localdate(),
            "form": form,
            "documents": selectors.entity_documents(entity) if day is None else [],
            "jsonld": jsonld(entity, entry, url),
            "versions": selectors.entity_versions(entity) if officer else None,
            "history": core_selectors.object_history(entity) if officer else None,
        },
    )


@require_GET
@pagecache.public_page(CACHE_SCOPE)
def entity_json(request: HttpRequest, repertory_number: int) -> JsonResponse:
    entity = _published(repertory_number)
    _form, day = _as_of(request)
    entry = selectors.entry_as_of(entity, day)
    if entry is None:
        raise Http404
    payload = {
        "source": "Pariter – Città metropolitana di Milano",
        "licence": "CC BY 4.0",
        "as_of": (day or timezone.localdate()).isoformat(),
        "synthetic": entity.is_synthetic,
        "entry": entry,
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="runts-{repertory_number}.json"'
    return response
