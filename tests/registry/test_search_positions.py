"""SQLite's names in name order: each entity's position, kept by triggers, and the full-text index keyed by it.

The search reads a common word's first page straight from that index (`search.in_name_order`), so the positions
must sort exactly as `sort_name, id` whatever was inserted, renamed or deleted; an entity that found no room gets
no position, and the search then falls back to the other plan until the positions are renumbered.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pariter.registry import search, services
from pariter.registry.models import Entity
from pariter.registry.selectors import EntitySearch, search_entities
from tests.registry.factories import register

pytestmark = pytest.mark.sqlite


def positions() -> list[tuple[int, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT entity_id, position FROM {search.POSITION_TABLE}")
        return list(cursor.fetchall())


def assert_positions_sort_as_names() -> None:
    """Every entity has a position, and ordering by position gives the register's order."""
    held = dict(positions())
    in_name_order = list(Entity.objects.order_by("sort_name", "id").values_list("pk", flat=True))
    assert sorted(held) == sorted(in_name_order)
    assert None not in held.values()
    assert sorted(held, key=held.__getitem__) == in_name_order


def indexed_names(word: str) -> list[str]:
    """The names the ordered full-text index finds for `word`, in its order."""
    qs = search.in_name_order(Entity.objects.all(), word)
    assert qs is not None
    return list(qs.order_by(search.NAME_POSITION).values_list("name", flat=True))


NAMES = [
    "Associazione Zeta",
    "Associazione Alfa",
    "Cooperativa Beta",
    "Associazione Alfa",  # the same name twice: the id breaks the tie
    "Associazione Kappa",
    "associazione minuscola",
    "Àncora Associazione",
]


def test_positions_follow_inserts_in_any_order(milano):
    for name in NAMES:
        register(name, milano)
    assert_positions_sort_as_names()
    expected = list(Entity.objects.filter(name__icontains="associazione").values_list("name", flat=True))
    assert indexed_names("associazione") == expected


def test_positions_follow_renames_and_deletions(milano):
    entities = [register(name, milano) for name in NAMES]
    services.entity_update(entity=entities[0], name="Abaco Associazione")
    services.entity_update(entity=entities[2], name="Zattera Cooperativa")
    entities[4].delete()
    assert_positions_sort_as_names()
    assert indexed_names("zeta") == []
    assert indexed_names("abaco") == ["Abaco Associazione"]
    assert indexed_names("cooperativa") == ["Zattera Cooperativa"]
    assert indexed_names("kappa") == []


def test_an_entity_without_room_waits_for_the_renumbering_and_is_found_meanwhile(milano):
    register("Associazione Alfa", milano)
    register("Associazione Delta", milano)
    search.renumber(connection, step=2)  # positions 2 and 4: room for one entity between them
    register("Associazione Beta", milano)  # takes 3
    register("Associazione Bravo", milano)  # between 3 and 4: no room
    assert sorted(p for _, p in positions() if p is not None) == [2, 3, 4]
    assert not search.positions_complete()

    expected = ["Associazione Alfa", "Associazione Beta", "Associazione Bravo", "Associazione Delta"]
    with CaptureQueriesContext(connection) as ctx:
        found = [e.name for e in search_entities(EntitySearch(text="associazione")).page.items]
    assert found == expected
    assert not any(search.BYNAME_TABLE in q["sql"] for q in ctx.captured_queries)  # the other plan

    search.refresh_statistics(connection)  # what bulk loads and the nightly run call
    assert search.positions_complete()
    assert_positions_sort_as_names()
    with CaptureQueriesContext(connection) as ctx:
        found = [e.name for e in search_entities(EntitySearch(text="associazione")).page.items]
    assert found == expected
    assert any(search.BYNAME_TABLE in q["sql"] for q in ctx.captured_queries)


def test_appending_after_the_last_name_leaves_room_for_more(milano):
    for i in range(40):  # in name order: each one goes after the last, a full step further
        register(f"Associazione {i:02d}", milano)
    assert search.positions_complete()
    assert_positions_sort_as_names()


def test_migrate_renumbers_when_a_trigger_was_lost(milano):
    """SQLite drops a table's triggers when Django rebuilds it: `ensure_schema` (after every migrate) recreates
    them and renumbers, so the entities written meanwhile get their positions."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER registry_entity_position_ai")
    register("Associazione Senza Posto", milano)
    assert dict(positions()) == {}
    search.ensure_schema(connection)
    assert_positions_sort_as_names()
    assert indexed_names("posto") == ["Associazione Senza Posto"]


def test_a_text_search_reads_the_ordered_index_and_counts_in_the_same_query(milano, django_assert_num_queries):
    for i in range(4):
        register(f"Associazione Numero {i}", milano)
    # Whether the positions are complete, the matches in name order (the count and the page's keys), the page by
    # key, its municipalities and its sections.
    with django_assert_num_queries(5), CaptureQueriesContext(connection) as ctx:
        results = search_entities(EntitySearch(text="numero"), size=2)
    ordered = ctx.captured_queries[1]["sql"]
    assert search.BYNAME_TABLE in ordered and f"ORDER BY ({search.BYNAME_TABLE}.rowid)" in ordered
    assert [e.name for e in results.page.items] == ["Associazione Numero 0", "Associazione Numero 1"]
    assert results.count.value == 4 and not results.count.exceeded

    following = search_entities(EntitySearch(text="numero"), size=2, cursor=results.page.next_cursor)
    assert [e.name for e in following.page.items] == ["Associazione Numero 2", "Associazione Numero 3"]
    back = search_entities(EntitySearch(text="numero"), size=2, cursor=following.page.prev_cursor)
    assert [e.name for e in back.page.items] == ["Associazione Numero 0", "Associazione Numero 1"]


def test_a_selective_filter_keeps_the_other_plan(milano):
    register("Associazione Numero 1", milano)
    with CaptureQueriesContext(connection) as ctx:
        names = [e.name for e in search_entities(EntitySearch(text="numero", municipality=milano)).page.items]
    assert names == ["Associazione Numero 1"]
    assert not any(search.BYNAME_TABLE in q["sql"] for q in ctx.captured_queries)
