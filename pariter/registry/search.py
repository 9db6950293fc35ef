"""One search function, two engines: PostgreSQL full text in production, SQLite FTS5 on the embedded default.

PostgreSQL keeps a generated `tsvector` column (Italian stems plus the words
as written, for prefixes) with a GIN index. SQLite keeps an external-content FTS5 table fed by triggers; it has no
Italian stemmer, so every term is matched as a prefix. On both, user text is
reduced to word tokens before it reaches the query language, so quotes, `*`,
`NEAR`, `-` and friends are just characters.

SQLite also keeps the names in a second, contentless FTS5 index whose rowid is the entity's *position* in name
order (a gapped number that sorts exactly as `sort_name, id`, kept in `registry_entity_position`). FTS5 hands out
matches in rowid order and stops at a LIMIT, so the first page of a common word, and its bounded count, come from
one short read instead of collecting every match and sorting it (see `in_name_order`).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
_WORD = re.compile(r"\w+", re.UNICODE)

FTS_TABLE = "registry_entity_fts"
POSITION_TABLE = "registry_entity_position"
BYNAME_TABLE = "registry_entity_byname"
# Positions are numbered POSITION_STEP apart, so that about 32 entities can be inserted between two neighbours
# (each takes the middle of the gap) before the gap is used up; an entity appended after the last takes the last
# position plus a step. An entity that finds no room gets no position until the next renumbering (`renumber`).
POSITION_STEP = 1 << 32
NAME_POSITION = "name_position"  # the alias `in_name_order` gives the position


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased, without query syntax; at most MAX_TERMS."""
    words = [w.lower()[:MAX_TERM_LENGTH] for w in _WORD.findall(text or "")]
    return [w for w in words if w.strip("_")][:MAX_TERMS]


def filter_by_name(
    queryset: QuerySet,  # type: ignore[type-arg]
    text: str,
    *,
    walk: bool = False,
    streamed: bool = False,
) -> QuerySet:  # type: ignore[type-arg]
    """`queryset` narrowed to the entities whose name has every word of `text` (as a stem or a prefix).

    On SQLite the caller may ask for a plan (PostgreSQL's planner keeps statistics and chooses its own):
    `walk`, for the first rows in name order of a result known to be big: the name index is walked and each row
    probed against the matches; `streamed`, for a few rows in any order when no other filter is selective: the
    full-text index is read as the outer loop and joined to the entities, so a common word's matches are not all
    collected first (52,000 for "associazione": 9 ms, against 1.3 ms streamed to the 1,001st).
    """
    words = terms(text)
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        # Each word matches its Italian stem ("associazioni" finds "associazione") or, as typed, the
        # beginning of a word ("cooperat" finds "cooperativa", whose stem "cooper" is shorter).
        per_word = "(to_tsquery('italian', %s) || to_tsquery('simple', %s))"
        condition = " && ".join([per_word] * len(words))
        params = [p for w in words for p in (f"{w}:*", f"{w}:*")]
        # Safe: `condition` is a fixed template; the words travel as parameters.
        return queryset.extra(where=[f"registry_entity.search_vector @@ ({condition})"], params=params)  # noqa: S610
    match = _fts_match(words)
    # Safe: the table name is a constant; the match expression is a parameter built from word tokens.
    matches = RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])  # noqa: S611
    if walk:
        return walk_in_name_order(queryset, matches)
    if streamed:
        # Safe: constant table name; the match expression is a parameter.
        return queryset.extra(  # noqa: S610
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = registry_entity.id", f"{FTS_TABLE} MATCH %s"],
            params=[match],
        )
    return queryset.filter(id__in=matches)


def _fts_match(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', "") + '"*' for w in words)


def in_name_order(queryset: QuerySet, text: str) -> QuerySet | None:  # type: ignore[type-arg]
    """SQLite: `queryset` narrowed to the names with every word of `text`, with the alias NAME_POSITION, which
    sorts the rows exactly as `sort_name, id` do. Ordered on it, FTS5 reads the matches in name order and stops at
    the LIMIT: 1,001 matches of "associazione" in name order in 5 ms, against 13 ms for listing them and then
    walking the name index. None where this does not apply: on PostgreSQL, without words, or while some entity
    waits for a position (the caller then searches as before, and the next renumbering catches up).
    """
    words = terms(text)
    if connection.vendor != "sqlite" or not words or not positions_complete():
        return None
    # Safe: constant table names; the match expression is a parameter built from word tokens.
    return queryset.extra(  # noqa: S610
        tables=[POSITION_TABLE, BYNAME_TABLE],
        where=[
            f"{POSITION_TABLE}.entity_id = registry_entity.id",
            f"{BYNAME_TABLE}.rowid = {POSITION_TABLE}.position",
            f"{BYNAME_TABLE} MATCH %s",
        ],
        params=[_fts_match(words)],
    ).alias(**{NAME_POSITION: RawSQL(f"{BYNAME_TABLE}.rowid", ())})  # noqa: S611  (a constant expression)


def positions_complete() -> bool:
    """Whether every entity has its position in name order (SQLite; one look-up in an index)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {POSITION_TABLE} WHERE position IS NULL)")
        return not cursor.fetchone()[0]


def walk_in_name_order(queryset: QuerySet, candidates: Any) -> QuerySet:  # type: ignore[type-arg]
    """`queryset` restricted to the ids in `candidates`, written so that SQLite walks the name index.

    SQLite's planner has no statistics on how many rows a subquery yields, so `id IN (…)` always fetches every
    candidate by primary key and sorts them. Comparing `id + 0` instead hides the key from the planner, which then
    reads the entities in name order and stops after a page. Only worth it when the candidates are many.
    """
    return queryset.alias(walk_id=F("id") + 0).filter(walk_id__in=candidates)


# --- Schema: created by migration 0003 and re-checked after every migrate ----

POSTGRES_SQL = [
    "ALTER TABLE registry_entity ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS "
    "(to_tsvector('italian', coalesce(name, '')) || to_tsvector('simple', coalesce(name, ''))) STORED",
    "CREATE INDEX IF NOT EXISTS registry_entity_search ON registry_entity USING GIN (search_vector)",
    # The default statistics target. Until the search read a bounded list of candidates first, the page query let
    # the planner walk the name index for a rare word it misjudged, and a target of 2,000 was set to stop that.
    # The candidates' query now reads the GIN index for rare words with the default too, while 2,000 made every
    # search's planning three times slower (0.7 against 0.2 ms, EXPLAIN ANALYZE on 150,000 entities).
    "ALTER TABLE registry_entity ALTER COLUMN search_vector SET STATISTICS -1",
]

SQLITE_TABLE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    "name, content='registry_entity', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS registry_entity_fts_ai AFTER INSERT ON registry_entity BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (new.id, new.name); END",
    f"CREATE TRIGGER IF NOT EXISTS registry_entity_fts_ad AFTER DELETE ON registry_entity BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name) VALUES ('delete', old.id, old.name); END",
    f"CREATE TRIGGER IF NOT EXISTS registry_entity_fts_au AFTER UPDATE OF name ON registry_entity BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, name) VALUES ('delete', old.id, old.name); "
    f"INSERT INTO {FTS_TABLE}(rowid, name) VALUES (new.id, new.name); END",
]


# The neighbours of the row `new` in name order, among the entities that have a position.
_NEIGHBOUR = (
    f"(SELECT p.position FROM registry_entity e JOIN {POSITION_TABLE} p ON p.entity_id = e.id "
    "WHERE (e.sort_name, e.id) {op} (new.sort_name, new.id) AND p.position IS NOT NULL "
    "ORDER BY e.sort_name {direction}, e.id {direction} LIMIT 1)"
)
_PLACE_NEW = (
    f"INSERT INTO {POSITION_TABLE}(entity_id, position) "
    f"SELECT new.id, CASE WHEN hi IS NULL THEN lo + {POSITION_STEP} WHEN hi - lo >= 2 THEN lo + (hi - lo) / 2 END "
    f"FROM (SELECT coalesce({_NEIGHBOUR.format(op='<', direction='DESC')}, 0) AS lo, "
    f"{_NEIGHBOUR.format(op='>', direction='ASC')} AS hi); "
    f"INSERT INTO {BYNAME_TABLE}(rowid, name) "
    f"SELECT position, new.name FROM {POSITION_TABLE} WHERE entity_id = new.id AND position IS NOT NULL;"
)
_FORGET_OLD = (
    f"INSERT INTO {BYNAME_TABLE}({BYNAME_TABLE}, rowid, name) "
    f"SELECT 'delete', position, old.name FROM {POSITION_TABLE} WHERE entity_id = old.id AND position IS NOT NULL; "
    f"DELETE FROM {POSITION_TABLE} WHERE entity_id = old.id;"
)
SQLITE_POSITION_TABLES = [
    f"CREATE TABLE IF NOT EXISTS {POSITION_TABLE} (entity_id INTEGER PRIMARY KEY, position INTEGER UNIQUE)",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {BYNAME_TABLE} USING fts5("
    "name, content='', tokenize='unicode61 remove_diacritics 2')",
]
SQLITE_POSITION_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS registry_entity_position_ai AFTER INSERT ON registry_entity BEGIN {_PLACE_NEW} END",
    f"CREATE TRIGGER IF NOT EXISTS registry_entity_position_ad AFTER DELETE ON registry_entity BEGIN {_FORGET_OLD} END",
    "CREATE TRIGGER IF NOT EXISTS registry_entity_position_au AFTER UPDATE OF name, sort_name ON registry_entity "
    f"BEGIN {_FORGET_OLD} {_PLACE_NEW} END",
]


def renumber(conn: BaseDatabaseWrapper, *, step: int = POSITION_STEP) -> None:
    """Give every entity its position in name order afresh, POSITION_STEP apart (SQLite; 150,000 entities in
    about a second). Run after bulk loads and every night, and whenever the structures are created."""
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {POSITION_TABLE}")
        cursor.execute(f"INSERT INTO {BYNAME_TABLE}({BYNAME_TABLE}) VALUES ('delete-all')")
        cursor.execute(
            f"INSERT INTO {POSITION_TABLE}(entity_id, position) "
            f"SELECT id, ROW_NUMBER() OVER (ORDER BY sort_name, id) * {int(step)} FROM registry_entity"
        )
        cursor.execute(
            f"INSERT INTO {BYNAME_TABLE}(rowid, name) SELECT p.position, e.name "
            f"FROM {POSITION_TABLE} p JOIN registry_entity e ON e.id = p.entity_id"
        )


def _count_triggers(cursor: Any, prefix: str) -> int:
    cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{prefix}%"])
    return cursor.fetchone()[0]


def ensure_schema(conn: BaseDatabaseWrapper) -> None:
    """Create the search structures if missing. SQLite drops triggers when Django rebuilds a table, so
    this runs after every migrate and rebuilds the index when a trigger had to be recreated."""
    positions_missing = False
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for sql in POSTGRES_SQL:
                cursor.execute(sql)
        elif conn.vendor == "sqlite":
            had_triggers = _count_triggers(cursor, "registry_entity_fts_") == len(SQLITE_TRIGGERS)
            cursor.execute(SQLITE_TABLE)
            for sql in SQLITE_TRIGGERS:
                cursor.execute(sql)
            if not had_triggers:
                cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")
            positions_missing = _count_triggers(cursor, "registry_entity_position_") != len(SQLITE_POSITION_TRIGGERS)
            for sql in SQLITE_POSITION_TABLES + SQLITE_POSITION_TRIGGERS:
                cursor.execute(sql)
    if positions_missing:
        renumber(conn)


def refresh_statistics(conn: BaseDatabaseWrapper) -> None:
    """Bring the search structures up to date after a bulk load, and every night: the planner's statistics on
    PostgreSQL; on SQLite, the positions in name order, renumbered if an entity found no room for one."""
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute("ANALYZE registry_entity, registry_entitysection, core_municipality")
        elif conn.vendor == "sqlite":
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {POSITION_TABLE} WHERE position IS NULL) "
                f"OR (SELECT count(*) FROM {POSITION_TABLE}) != (SELECT count(*) FROM registry_entity)"
            )
            if cursor.fetchone()[0]:
                renumber(conn)


def on_post_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    ensure_schema(connections[using])
