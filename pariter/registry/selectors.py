"""Reads of the register: the public search, entries as of a date, history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from pariter.core.models import Municipality
from pariter.core.pagination import BoundedCount, KeysetPage, bounded_count, keyset_page
from pariter.core.validators import normalise_tax_code
from pariter.registry import search
from pariter.registry.entries import entry_snapshot, prefetch_for_snapshot
from pariter.registry.models import PUBLIC_STATUSES, Entity, EntitySection, EntityVersion, Section

PAGE_SIZE = 25
COUNT_LIMIT = 1000


@dataclass(frozen=True)
class EntitySearch:
    """The filters of the public register, combinable."""

    text: str = ""
    tax_code: str = ""
    repertory_number: int | None = None
    municipality: Municipality | None = None
    section: str = ""
    five_per_thousand: bool | None = None
    in_network: bool | None = None

    @property
    def is_empty(self) -> bool:
        return not (
            self.text
            or self.tax_code
            or self.repertory_number
            or self.municipality
            or self.section
            or self.five_per_thousand is not None
            or self.in_network is not None
        )


@dataclass(frozen=True)
class SearchResults:
    page: KeysetPage[Any]
    count: BoundedCount | None = None
    filters: EntitySearch = field(default_factory=EntitySearch)


def public_entities() -> QuerySet[Entity]:
    return Entity.objects.filter(repertory_number__isnull=False, status__in=PUBLIC_STATUSES)


def _filtered(
    filters: EntitySearch, *, in_name_order: bool = False, counting: bool = False, common: bool | None = None
) -> QuerySet[Entity]:
    """The public entries that pass `filters`: `in_name_order` for a page, `counting` for the bounded count;
    `common` is `search.is_common(filters.text)` when already known."""
    qs = public_entities()
    if filters.tax_code:
        qs = qs.filter(tax_code=normalise_tax_code(filters.tax_code))
    if filters.repertory_number is not None:
        qs = qs.filter(repertory_number=filters.repertory_number)
    if filters.municipality is not None:
        qs = qs.filter(municipality=filters.municipality)
    if filters.section:
        current = EntitySection.objects.filter(section__letter=filters.section, valid_to__isnull=True)
        if in_name_order and search.is_dense(current):
            qs = search.walk_in_name_order(qs, current.values("entity_id"))
        else:
            qs = qs.filter(section_periods__section__letter=filters.section, section_periods__valid_to__isnull=True)
    if filters.five_per_thousand is not None:
        qs = qs.filter(five_per_thousand=filters.five_per_thousand)
    if filters.in_network is not None:
        qs = qs.filter(in_network=filters.in_network)
    # Streaming the full-text matches only pays when no other filter narrows the entities much.
    streamed = counting and not (
        filters.tax_code or filters.repertory_number or filters.municipality or filters.section
    )
    return search.filter_by_name(qs, filters.text, in_name_order=in_name_order, streamed=streamed, common=common)


def search_entities(
    filters: EntitySearch, *, cursor: str | None = None, size: int = PAGE_SIZE, with_count: bool = True
) -> SearchResults:
    """One page of public entries in a stable order (name, then id), and a count bounded at COUNT_LIMIT.

    The query count is constant: the page, its sections, and the bounded count.
    """
    current_sections = Prefetch(
        "section_periods",
        queryset=EntitySection.objects.filter(valid_to__isnull=True).select_related("section"),
        to_attr="current_sections",
    )
    common = search.is_common(filters.text)  # one bounded full-text count on SQLite, for both queries' plans
    page = keyset_page(
        _filtered(filters, in_name_order=True, common=common)
        .select_related("municipality")
        .prefetch_related(current_sections),
        order=("sort_name", "id"),
        cursor=cursor,
        size=size,
        scope="registry",
    )
    count = None
    if with_count and not filters.is_empty:
        count = bounded_count(_filtered(filters, counting=True, common=common), limit=COUNT_LIMIT)
    return SearchResults(page=page, count=count, filters=filters)


def entity_by_repertory(repertory_number: int) -> Entity | None:
    """A published entry (registered or cancelled), or None."""
    return (
        prefetch_for_snapshot(Entity.objects.filter(repertory_number=repertory_number))
        .prefetch_related("documents")
        .first()
    )


def entry_as_of(entity: Entity, day: date | None = None) -> dict[str, Any] | None:
    """What the register said about `entity` on `day` (today if None); None before its first version."""
    today = timezone.localdate()
    if day is None or day >= today:
        return entry_snapshot(entity, on=today)
    version = (
        EntityVersion.objects.filter(entity=entity, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .order_by("-valid_from", "-id")
        .first()
    )
    return version.data if version else None


def entity_versions(entity: Entity) -> list[EntityVersion]:
    return list(EntityVersion.objects.filter(entity=entity).order_by("-valid_from", "-id"))


SECTIONS_KEY = "registry:sections"


def sections() -> list[Section]:
    """The sections of the register: reference data read on every search page, so kept in the cache.

    Saving or deleting a section forgets the cached copy (`forget_sections`); otherwise it lasts five minutes.
    """
    cached = cache.get(SECTIONS_KEY)
    if cached is None:
        cached = list(Section.objects.all())
        cache.set(SECTIONS_KEY, cached, timeout=300)
    return cached


def forget_sections(**kwargs: Any) -> None:
    cache.delete(SECTIONS_KEY)
