"""SQLite's names in name order (`registry.name_order`): each entity's position, kept by triggers, and the
full-text index keyed by it.

The search reads a common word's first page straight from that index, so the positions must sort exactly as
`sort_name, id` whatever was inserted, renamed or deleted, and the index must hold exactly the public entries;
an entity that found no room gets no position, and the search then falls back to the other plan until the
positions are renumbered.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pariter.registry import name_order, search, services
from pariter.registry.models import Entity
from pariter.registry.selectors import EntitySearch, search_entities, sections
from tests.registry.factories import register

pytestmark = pytest.mark.sqlite


def positions() -> list[tuple[int, int | None]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT entity_id, position FROM {name_order.TABLE}")
        return list(cursor.fetchall())


def public_flags() -> dict[int, bool]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT entity_id, public FROM {name_order.TABLE}")
        return {entity_id: bool(public) for entity_id, public in cursor.fetchall()}


def assert_positions_sort_as_names() -> None:
    """Every entity has a position, and ordering by position gives the register's order."""
    held = dict(positions())
    in_name_order = list(Entity.objects.order_by("sort_name", "id").values_list("pk", flat=True))
    assert sorted(held) == sorted(in_name_order)
    assert None not in held.values()
    assert sorted(held, key=held.__getitem__) == in_name_order


def indexed_names(word: str, **flags: bool) -> list[str]:
    """The public names the ordered full-text index finds for `word`, in its order."""
    ids = name_order.public_ids(search.fts_match(search.terms(word)), limit=100, **flags)
    names = dict(Entity.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[pk] for pk in ids]


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
    name_order.renumber(connection, step=2)  # positions 2 and 4: room for one entity between them
    register("Associazione Beta", milano)  # takes 3
    register("Associazione Bravo", milano)  # between 3 and 4: no room
    assert sorted(p for _, p in positions() if p is not None) == [2, 3, 4]
    assert not name_order.complete()

    expected = ["Associazione Alfa", "Associazione Beta", "Associazione Bravo", "Associazione Delta"]
    with CaptureQueriesContext(connection) as ctx:
        found = [e.name for e in search_entities(EntitySearch(text="associazione")).page.items]
    assert found == expected
    assert not any(name_order.INDEX in q["sql"] for q in ctx.captured_queries)  # the other plan

    search.refresh_statistics(connection)  # what bulk loads and the nightly run call
    assert name_order.complete()
    assert_positions_sort_as_names()
    with CaptureQueriesContext(connection) as ctx:
        found = [e.name for e in search_entities(EntitySearch(text="associazione")).page.items]
    assert found == expected
    assert any(name_order.INDEX in q["sql"] for q in ctx.captured_queries)


def test_appending_after_the_last_name_leaves_room_for_more(milano):
    for i in range(40):  # in name order: each one goes after the last, a full step further
        register(f"Associazione {i:02d}", milano)
    assert name_order.complete()
    assert_positions_sort_as_names()


def test_migrate_renumbers_when_a_trigger_was_lost(milano):
    """SQLite drops a table's triggers when Django rebuilds it: `ensure_schema` (after every migrate) recreates
    them and renumbers, so the entities written meanwhile get their positions."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER registry_entity_position_ai")
    register("Associazione Senza Posto", milano)
    assert dict(positions()) == {}
    name_order.install(connection)
    assert_positions_sort_as_names()
    assert indexed_names("posto") == ["Associazione Senza Posto"]


def test_a_text_search_reads_the_ordered_index_and_counts_in_the_same_query(milano, django_assert_num_queries):
    for i in range(4):
        register(f"Associazione Numero {i}", milano)
    sections()  # reference data, cached
    # Whether the positions are complete, the matches in name order (the count and the page's keys), the page by
    # key with its municipalities, and its sections.
    with django_assert_num_queries(4), CaptureQueriesContext(connection) as ctx:
        results = search_entities(EntitySearch(text="numero"), size=2)
    ordered = ctx.captured_queries[1]["sql"]
    assert f"FROM {name_order.INDEX} f" in ordered and "ORDER BY f.rowid ASC" in ordered
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
    assert not any(name_order.INDEX in q["sql"] for q in ctx.captured_queries)


def test_only_public_entries_are_found_and_a_change_of_status_follows(milano):
    kept = register("Associazione Pubblica", milano)
    gone = register("Associazione Cancellata", milano)
    assert indexed_names("associazione") == ["Associazione Cancellata", "Associazione Pubblica"]

    Entity.objects.filter(pk=gone.pk).update(status="cancelled")
    assert indexed_names("associazione") == ["Associazione Pubblica"]
    assert public_flags() == {kept.pk: True, gone.pk: False}
    Entity.objects.filter(pk=gone.pk).update(status="registered")
    assert indexed_names("associazione") == ["Associazione Cancellata", "Associazione Pubblica"]
    Entity.objects.filter(pk=kept.pk).update(repertory_number=None)  # not (or no longer) in the register
    assert indexed_names("associazione") == ["Associazione Cancellata"]
    name_order.renumber(connection)
    assert public_flags() == {kept.pk: False, gone.pk: True}


def test_the_5x1000_and_network_flags_filter_the_ordered_matches(milano):
    register("Associazione Uno", milano, five_per_thousand=True)
    register("Associazione Due", milano, in_network=True)
    register("Associazione Tre", milano, five_per_thousand=True, in_network=True)
    assert indexed_names("associazione", five_per_thousand=True) == ["Associazione Tre", "Associazione Uno"]
    assert indexed_names("associazione", in_network=True) == ["Associazione Due", "Associazione Tre"]
    assert indexed_names("associazione", five_per_thousand=True, in_network=False) == ["Associazione Uno"]
    found = search_entities(EntitySearch(text="associazione", five_per_thousand=False)).page.items
    assert [e.name for e in found] == ["Associazione Due"]


def test_a_cursor_whose_entity_was_renamed_or_deleted_still_gives_the_next_rows(milano):
    entities = [register(f"Associazione Numero {i}", milano) for i in range(6)]
    first = search_entities(EntitySearch(text="associazione"), size=2)
    assert [e.name for e in first.page.items] == ["Associazione Numero 0", "Associazione Numero 1"]
    services.entity_update(entity=entities[1], name="Zeta Associazione")  # the cursor's entity moves to the end
    following = search_entities(EntitySearch(text="associazione"), size=2, cursor=first.page.next_cursor)
    assert [e.name for e in following.page.items] == ["Associazione Numero 2", "Associazione Numero 3"]
    Entity.objects.filter(pk=entities[3].pk).delete()  # the next cursor's entity is gone
    last = search_entities(EntitySearch(text="associazione"), size=2, cursor=following.page.next_cursor)
    assert [e.name for e in last.page.items] == ["Associazione Numero 4", "Associazione Numero 5"]
