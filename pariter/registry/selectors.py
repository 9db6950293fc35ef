"""Reads of the register: the public search, entries as of a date, history."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from pariter.core.models import Municipality
from pariter.core.pagination import (
    BoundedCount,
    InvalidCursor,
    KeysetPage,
    decode_cursor,
    keyset_page,
    page_of_rows,
)
from pariter.core.validators import normalise_tax_code
from pariter.registry import name_order, search
from pariter.registry.entries import documents_of, entities_with_rows, entry_snapshot
from pariter.registry.models import PUBLIC_STATUSES, DepositedDocument, Entity, EntitySection, EntityVersion, Section

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


def _selective(filters: EntitySearch) -> bool:
    """Whether a filter other than the words narrows the entities much."""
    return bool(filters.tax_code or filters.repertory_number or filters.municipality or filters.section)


def _narrowed(filters: EntitySearch, *, walk: bool = False) -> QuerySet[Entity]:
    """The public entries that pass every filter but the words of the name.

    `walk` says the caller wants the first rows in name order from a result known to be big, so on SQLite the
    filters are written to walk the name index, each row tested by key. Otherwise they are written for
    reading a few matches in any order: the bounded candidate list of `search_entities`.
    """
    qs = public_entities()
    if filters.tax_code:
        qs = qs.filter(tax_code=normalise_tax_code(filters.tax_code))
    if filters.repertory_number is not None:
        qs = qs.filter(repertory_number=filters.repertory_number)
    if filters.municipality is not None:
        qs = qs.filter(municipality=filters.municipality)
    if filters.section:
        # By the section's id (reference data, cached) rather than a join on its letter: PostgreSQL then plans on the
        # statistics of that one section, and merges the entities and their current sections in id order (6 ms for
        # 1,001 candidates of section b, against 15 ms through a bitmap of every period of every section).
        section_id = next((s.pk for s in sections() if s.letter == filters.section), None)
        if section_id is None:
            return qs.none()
        if walk and connection.vendor == "sqlite":
            # Walking the name index, each row is probed by key: a correlated EXISTS. `IN (subquery)` would first
            # list the 60,000 current members of the section (10 ms) whatever the page needs.
            held = EntitySection.objects.filter(entity=OuterRef("pk"), section_id=section_id, valid_to__isnull=True)
            qs = qs.filter(Exists(held))
        else:
            qs = qs.filter(section_periods__section_id=section_id, section_periods__valid_to__isnull=True)
    if filters.five_per_thousand is not None:
        qs = qs.filter(five_per_thousand=filters.five_per_thousand)
    if filters.in_network is not None:
        qs = qs.filter(in_network=filters.in_network)
    return qs


def _filtered(filters: EntitySearch, *, walk: bool = False) -> QuerySet[Entity]:
    """The public entries that pass `filters` (see `_narrowed` for `walk`)."""
    # Streaming the full-text matches only pays when no other filter narrows the entities much.
    return search.filter_by_name(
        _narrowed(filters, walk=walk), filters.text, walk=walk, streamed=not walk and not _selective(filters)
    )


_UNINDEXED_NAME = "registry_entity.sort_name || ''"  # the same value and collation as sort_name, without its index
ORDER = ("sort_name", "id")
SCOPE = "registry"


def search_entities(
    filters: EntitySearch, *, cursor: str | None = None, size: int = PAGE_SIZE, with_count: bool = True
) -> SearchResults:
    """One page of public entries in a stable order (name, then id), and a count bounded at COUNT_LIMIT.

    On SQLite, words without a selective filter are read in name order from the index of `name_order`: one query
    gives the bounded count and the first page's keys.

    Otherwise, with filters, the first query lists at most COUNT_LIMIT + 1 matching ids in any order: it gives the
    bounded count, and it chooses the page's plan. Up to COUNT_LIMIT matches, the page is read by primary key and
    sorted (cheap, and immune to a planner that would walk the name index looking for a rare word); beyond, the
    matches are common enough for walking the name index to find a page after a few rows. Without filters, the
    index is walked and nothing is counted. Either way four queries: the candidates, the page, its municipalities
    and its sections.
    """
    words = search.terms(filters.text)
    if words and not _selective(filters) and connection.vendor == "sqlite" and name_order.complete():
        return _search_in_name_order(words, filters, cursor=cursor, size=size, with_count=with_count)
    count = None
    order = ORDER
    if filters.is_empty:
        qs = public_entities()
    else:
        ids = list(_filtered(filters).order_by().values_list("pk", flat=True)[: COUNT_LIMIT + 1])
        count = BoundedCount(min(len(ids), COUNT_LIMIT), len(ids) > COUNT_LIMIT)
        if count.exceeded:
            qs = _filtered(filters, walk=True)
        else:
            # Sorted on an expression no index provides, so the planner fetches the few rows by key: given 700 ids
            # and `ORDER BY sort_name`, PostgreSQL walked the name index through the whole table (95 ms).
            unindexed_name = RawSQL(_UNINDEXED_NAME, ())  # noqa: S611  (a constant expression, no parameter)
            qs = public_entities().filter(pk__in=ids).annotate(unindexed_name=unindexed_name)
            order = ("unindexed_name", "id")
    page = keyset_page(
        # The municipalities come in a query of their own, for the page's rows only: joined before the sort, they
        # made PostgreSQL hash the whole table of 19,000 municipalities for a few hundred matches.
        qs.only(*SUMMARY_FIELDS).prefetch_related(Prefetch("municipality", Municipality.objects.only(*_PLACE))),
        order=order,
        cursor=cursor,
        size=size,
        scope=SCOPE,
    )
    _attach_current_sections(page.items)
    return SearchResults(page=page, count=count if with_count else None, filters=filters)


def _search_in_name_order(
    words: list[str], filters: EntitySearch, *, cursor: str | None, size: int, with_count: bool
) -> SearchResults:
    """`search_entities` on SQLite's names in name order: the matches come as ids in the page's order."""
    matching = functools.partial(
        name_order.public_ids,
        search.fts_match(words),
        five_per_thousand=filters.five_per_thousand,
        in_network=filters.in_network,
    )
    ids = matching(limit=max(COUNT_LIMIT, size) + 1)
    count = BoundedCount(min(len(ids), COUNT_LIMIT), len(ids) > COUNT_LIMIT)
    direction = "n"
    if cursor:
        key, direction = decode_cursor(cursor, SCOPE)
        if len(key) != len(ORDER):
            raise InvalidCursor(cursor)
        forward = direction == "n"
        ids = matching(limit=size + 1, after=key if forward else None, before=None if forward else key)
    # A page by key: here the municipalities can be joined (see `search_entities` for why not in general).
    page_rows = public_entities().filter(pk__in=ids[: size + 1]).select_related("municipality")
    rows = page_rows.only(*SUMMARY_FIELDS, *(f"municipality__{f}" for f in _PLACE)).in_bulk()
    in_order = [rows[pk] for pk in ids[: size + 1] if pk in rows]
    page = page_of_rows(in_order, size=size, direction=direction, from_cursor=bool(cursor), order=ORDER, scope=SCOPE)
    _attach_current_sections(page.items)
    return SearchResults(page=page, count=count if with_count else None, filters=filters)


# What a result row shows, on the page and in the API: reading only these keeps a page of 25 rows cheap.
SUMMARY_FIELDS = (
    "id",
    "repertory_number",
    "tax_code",
    "name",
    "sort_name",
    "municipality_id",
    "five_per_thousand",
    "in_network",
    "registered_on",
    "is_synthetic",
)
_PLACE = ("id", "name", "istat_code", "province_code")


def _attach_current_sections(entities: list[Entity]) -> None:
    """Set `current_sections` on each entity: its current sections, in the register's order, in one query.

    The query reads pairs of ids; the sections themselves come from the cached reference list (`sections`).
    """
    held: dict[int, list[Section]] = {}
    if entities:
        known = {s.pk: s for s in sections()}
        periods = EntitySection.objects.filter(entity_id__in=[e.pk for e in entities], valid_to__isnull=True)
        pairs = list(periods.values_list("entity_id", "section_id"))
        if any(section_id not in known for _, section_id in pairs):  # a section added since the list was cached
            forget_sections()
            known = {s.pk: s for s in sections()}
        for entity_id, section_id in pairs:
            held.setdefault(entity_id, []).append(known[section_id])
    for entity in entities:
        entity.current_sections = sorted(  # type: ignore[attr-defined]
            held.get(entity.pk, []), key=lambda s: (s.position, s.letter)
        )


def entity_by_repertory(repertory_number: int) -> Entity | None:
    """The entity with this repertorio number, its entry's rows and its documents, in one query; or None."""
    return entities_with_rows().filter(repertory_number=repertory_number).first()


def entity_documents(entity: Entity) -> list[DepositedDocument]:
    return documents_of(entity)


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
