"""The register search: one function, two engines (PostgreSQL full text, SQLite FTS5)."""

from __future__ import annotations

import pytest
from django.db import connection

from pariter.registry import search
from pariter.registry.selectors import EntitySearch, search_entities
from tests.registry.factories import register


@pytest.fixture
def register_of_milan(milano, sesto):
    return {
        "coop": register("Cooperativa Sociale Il Sole", milano, sections="d", five_per_thousand=True),
        "aps": register("Associazione Culturale Città Aperta APS", milano, sections="b"),
        "odv": register("Volontari per la Città ODV", sesto, sections="a", in_network=True),
        "rete": register("Rete delle Associazioni Lombarde", milano, sections="eb"),
    }


def names(filters: EntitySearch) -> list[str]:
    return [e.name for e in search_entities(filters).page.items]


def test_the_engine_in_use_is_the_expected_one(db):
    assert connection.vendor in ("sqlite", "postgresql")


def test_it_finds_by_words_of_the_name_in_any_order(register_of_milan):
    assert names(EntitySearch(text="sole cooperativa")) == ["Cooperativa Sociale Il Sole"]


def test_beginnings_of_words_are_enough(register_of_milan):
    assert names(EntitySearch(text="cooperat")) == ["Cooperativa Sociale Il Sole"]


def test_accents_do_not_matter(register_of_milan):
    assert set(names(EntitySearch(text="citta"))) == {
        "Associazione Culturale Città Aperta APS",
        "Volontari per la Città ODV",
    }


@pytest.mark.postgres
def test_postgres_stems_italian_words(register_of_milan):
    # "associazioni" and "associazione" share the Italian stem.
    assert "Associazione Culturale Città Aperta APS" in names(EntitySearch(text="associazioni"))


def test_filters_combine(register_of_milan, sesto):
    assert names(EntitySearch(municipality=sesto)) == ["Volontari per la Città ODV"]
    assert names(EntitySearch(section="d", five_per_thousand=True)) == ["Cooperativa Sociale Il Sole"]
    assert names(EntitySearch(in_network=True, text="volontari")) == ["Volontari per la Città ODV"]
    assert names(EntitySearch(section="e")) == ["Rete delle Associazioni Lombarde"]
    assert names(EntitySearch(section="b")) == [
        "Associazione Culturale Città Aperta APS",
        "Rete delle Associazioni Lombarde",
    ]


def test_by_codice_fiscale_and_repertorio(register_of_milan):
    coop = register_of_milan["coop"]
    assert names(EntitySearch(tax_code=coop.tax_code)) == [coop.name]
    assert names(EntitySearch(repertory_number=coop.repertory_number)) == [coop.name]


@pytest.mark.parametrize(
    "text", ['"', "*", "NEAR", "-", 'cooperativa"', "coop*", "NEAR(a b)", "a OR b", "'; DROP TABLE x", "(((", "^", ":"]
)
def test_query_syntax_characters_are_harmless(register_of_milan, text):
    search_entities(EntitySearch(text=text))


def test_terms_strip_syntax_and_cap_length():
    assert search.terms('"coop*" NEAR -sole') == ["coop", "near", "sole"]
    assert len(search.terms("parola " * 100)) == search.MAX_TERMS


def test_results_are_in_a_stable_order_with_ties_broken_by_id(milano):
    first = register("Associazione Uguale", milano)
    second = register("Associazione Uguale", milano)
    assert [e.pk for e in search_entities(EntitySearch(text="uguale")).page.items] == [first.pk, second.pk]


def test_cancelled_and_unnumbered_entries_are_not_public(register_of_milan):
    from pariter.registry.models import Entity

    Entity.objects.filter(pk=register_of_milan["aps"].pk).update(status="cancelled", cancellation_cause="a")
    assert "Associazione Culturale Città Aperta APS" not in names(EntitySearch())


def test_the_count_is_bounded(milano, monkeypatch):
    from pariter.registry import selectors

    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    for i in range(4):
        register(f"Associazione Numero {i}", milano)
    results = search_entities(EntitySearch(text="associazione"))
    assert results.count.exceeded and results.count.value == 2


def test_the_fts_index_follows_renames(register_of_milan):
    from pariter.registry import services

    services.entity_update(entity=register_of_milan["coop"], name="Cooperativa Luna Nuova")
    assert names(EntitySearch(text="sole")) == []
    assert names(EntitySearch(text="luna")) == ["Cooperativa Luna Nuova"]


def test_common_words_and_big_sections_give_the_same_pages_walked_in_name_order(register_of_milan, milano, monkeypatch):
    """Beyond COUNT_LIMIT matches the page walks the name index instead of sorting the matches: same rows, same
    order, across pages; the candidates' list still gives the bounded count."""
    from pariter.registry import selectors

    for i in range(6):
        register(f"Associazione Numero {i}", milano, sections="b")
    queries = [
        EntitySearch(text="associazione"),
        EntitySearch(section="b"),
        EntitySearch(section="b", text="associazione numero"),
        EntitySearch(section="b", five_per_thousand=False),
        EntitySearch(text="associazione", municipality=milano),
    ]
    sorted_pages = {q: names(q) for q in queries}
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    for query in queries:
        first = search_entities(query, size=3)
        rest = search_entities(query, size=3, cursor=first.page.next_cursor)
        assert first.count.exceeded and first.count.value == 2
        walked = [e.name for e in first.page.items + rest.page.items]
        assert walked == sorted_pages[query][: len(walked)]
        assert len(walked) == min(6, len(sorted_pages[query]))


def test_only_sqlite_is_told_to_walk_the_name_index(register_of_milan, milano, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    from pariter.registry import selectors

    for i in range(3):
        register(f"Associazione Numero {i}", milano)
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    with CaptureQueriesContext(connection) as ctx:
        # With a selective filter: words alone read SQLite's ordered index instead (test_search_positions.py).
        search_entities(EntitySearch(text="associazione", municipality=milano))
    page_query = ctx.captured_queries[1]["sql"]
    assert ("+ 0" in page_query) is (connection.vendor == "sqlite")


def test_a_big_section_is_probed_by_key_on_sqlite_and_never_joined_by_letter(register_of_milan, milano, monkeypatch):
    """Walking the name index, SQLite probes each row's current sections by key (EXISTS) instead of first listing
    every member of the section; both engines filter on the section's id, so no query joins the sections table."""
    from django.test.utils import CaptureQueriesContext

    from pariter.registry import selectors

    for i in range(3):
        register(f"Associazione Numero {i}", milano, sections="b")
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 2)
    with CaptureQueriesContext(connection) as ctx:
        results = search_entities(EntitySearch(section="b"))
    candidates, page_query = [q["sql"] for q in ctx.captured_queries if 'FROM "registry_entity"' in q["sql"]]
    assert '"registry_section"' not in candidates and '"registry_section"' not in page_query
    assert ("EXISTS" in page_query) is (connection.vendor == "sqlite")
    assert len(results.page.items) == 5 and results.count.exceeded  # the three, the APS and the rete (e and b)


def test_an_unknown_section_finds_nothing(register_of_milan):
    assert names(EntitySearch(section="z")) == []
    assert names(EntitySearch(section="z", text="associazione")) == []


def test_a_few_matches_are_read_by_key_whatever_the_engine(register_of_milan, django_assert_num_queries):
    from pariter.registry.selectors import sections

    sections()  # the sections are reference data, cached (the search page reads them for its form anyway)
    # PostgreSQL: the candidates, the page by their keys, its municipalities and its sections. SQLite: whether every
    # entity has its position in name order, the matches in name order, the page by key with its municipalities,
    # and its sections.
    with django_assert_num_queries(4):
        results = search_entities(EntitySearch(text="sole"))
    assert [e.name for e in results.page.items] == ["Cooperativa Sociale Il Sole"]
    assert results.count.value == 1 and not results.count.exceeded


@pytest.mark.postgres
def test_postgres_plans_the_search_with_the_default_statistics(db):
    # A target of 2,000 tripled every search's planning time; migrate resets a database that still has it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'registry_entity'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone()[0] in (-1, None)  # -1 up to PostgreSQL 16, NULL from 17


def test_sections_are_cached_and_forgotten_when_one_changes(db, django_assert_num_queries):
    from pariter.registry.models import Section
    from pariter.registry.selectors import sections
    from tests.registry.factories import ensure_reference_data

    ensure_reference_data()
    first = sections()
    with django_assert_num_queries(0):
        assert [s.letter for s in sections()] == [s.letter for s in first]
    Section.objects.create(letter="h", name="Sezione di prova", acronym="TEST", opendata_label="Prova", position=99)
    assert "h" in [s.letter for s in sections()]


def test_a_section_added_after_the_list_was_cached_shows_on_the_results(register_of_milan):
    """A page's sections come from the cached list of sections; one added without a save signal (a data migration)
    is read afresh rather than missing."""
    from datetime import date

    from pariter.registry.models import EntitySection, Section
    from pariter.registry.selectors import sections

    sections()
    added = Section.objects.bulk_create([Section(letter="h", name="Nuova sezione", acronym="NS", position=9)])[0]
    EntitySection.objects.create(entity=register_of_milan["coop"], section=added, valid_from=date(2024, 1, 1))
    [coop] = search_entities(EntitySearch(text="sole")).page.items
    assert [s.acronym for s in coop.current_sections] == ["IS", "NS"]
