"""The file's comune name and province become today's ISTAT comune, or a reason why not."""

from __future__ import annotations

from datetime import date

import pytest

from pariter.registry.ministry import fold
from pariter.registry.municipality_match import (
    FUSION_ALIASES,
    TRUNCATION_LENGTH,
    MatchRule,
    MunicipalityIndex,
    MunicipalityNotFound,
    Place,
)

CEASED = date(2019, 2, 7)


def place(pk: int, istat: str, name: str, province: str, cadastral: str = "Z000", ceased: date | None = None) -> Place:
    return Place(pk, istat, cadastral, name, province, ceased)


@pytest.fixture
def index() -> MunicipalityIndex:
    return MunicipalityIndex(
        [
            place(1, "015146", "MILANO", "MI", "F205"),
            place(2, "015209", "SESTO SAN GIOVANNI", "MI", "I690"),
            place(3, "015235", "VERMEZZO", "MI", "L768", CEASED),
            place(4, "015246", "ZELO SURRIGONE", "MI", "M160", CEASED),
            place(5, "015251", "VERMEZZO CON ZELO", "MI", "M424"),
            place(6, "013041", "CANTÙ", "CO", "B639"),
            place(7, "028001", "ABANO", "PD", "A001", date(1924, 11, 13)),
            place(8, "028001", "ABANO TERME", "PD", "A001"),
            place(9, "021024", "CORTACCIA SULLA STRADA DEL VINO", "BZ", "D048"),
            place(10, "016065", "CASTRO", "BG", "C337"),
            place(11, "075096", "CASTRO", "LE", "M261"),
            place(12, "015245", "ZELO BUON PERSICO", "MI", "M158", date(1992, 4, 15)),
            place(13, "098061", "ZELO BUON PERSICO", "LO", "M158"),
            place(14, "021008", "BOLZANO", "BZ", "A952"),
            place(15, "012009", "BARDELLO", "VA", "A645", date(2022, 12, 31)),
            place(16, "012018", "BREGANO", "VA", "B131", date(2022, 12, 31)),
            place(17, "012144", "BARDELLO CON MALGESSO E BREGANO", "VA", "M425"),
            place(18, "099001", "SAN MARCO IN LAMIS ALTO DEL MONTE", "FG", "Z001"),
            place(19, "099002", "SAN MARCO IN LAMIS ALTO DEL MONTE DUE", "FG", "Z002"),
            place(20, "099003", "OLD", "XX", "ND", date(1950, 1, 1)),
            place(21, "099004", "NEW OLD TOWN", "XX", "Z004"),
            place(22, "099005", "OLD TOWN OF OLD", "XX", "Z005"),
        ]
    )


def matched(index: MunicipalityIndex, name: str, province: str = "") -> tuple[str, MatchRule]:
    found = index.match(name=name, province=province)
    return found.place.istat_code, found.rule


def test_an_exact_name_in_its_province(index):
    assert matched(index, "MILANO", "MI") == ("015146", MatchRule.EXACT)
    assert matched(index, " sesto  san giovanni ", "mi") == ("015209", MatchRule.EXACT)


def test_accents_and_apostrophes_do_not_matter(index):
    assert matched(index, "CANTU'", "CO") == ("013041", MatchRule.EXACT)
    assert matched(index, "Cantù", "CO") == ("013041", MatchRule.EXACT)


def test_a_name_cut_at_30_characters_is_the_comune_it_starts(index):
    assert matched(index, "CORTACCIA SULLA STRADA DEL VIN", "BZ") == ("021024", MatchRule.TRUNCATED)


def test_a_cut_name_shared_by_two_comuni_is_ambiguous(index):
    with pytest.raises(MunicipalityNotFound, match="ambiguous municipality"):
        index.match(name="SAN MARCO IN LAMIS ALTO DEL MON", province="FG")


def test_a_short_name_is_never_taken_for_a_cut_one(index):
    with pytest.raises(MunicipalityNotFound, match='unknown municipality "SESTO" \\(MI\\)'):
        index.match(name="SESTO", province="MI")


def test_a_renamed_comune_keeps_its_istat_code(index):
    assert matched(index, "ABANO", "PD") == ("028001", MatchRule.RENAMED)


def test_a_comune_that_changed_province_keeps_its_cadastral_code(index):
    assert matched(index, "ZELO BUON PERSICO", "MI") == ("098061", MatchRule.MOVED)


def test_a_merged_comune_goes_to_the_one_whose_name_contains_it(index):
    assert matched(index, "VERMEZZO", "MI") == ("015251", MatchRule.MERGED)
    assert matched(index, "BARDELLO", "VA") == ("012144", MatchRule.MERGED)
    assert matched(index, "BREGANO", "VA") == ("012144", MatchRule.MERGED)


def test_a_fusion_the_names_do_not_reveal_comes_from_the_alias_table(index):
    assert matched(index, "ZELO SURRIGONE", "MI") == ("015251", MatchRule.ALIAS)


def test_the_alias_table_works_even_without_the_ceased_row():
    index = MunicipalityIndex([place(1, "015251", "VERMEZZO CON ZELO", "MI")])
    assert matched(index, "ZELO SURRIGONE", "MI") == ("015251", MatchRule.ALIAS)
    assert matched(index, "ZELO SURRIGONE") == ("015251", MatchRule.ALIAS)


def test_two_current_names_containing_the_old_one_are_ambiguous(index):
    with pytest.raises(MunicipalityNotFound, match='ambiguous municipality "OLD"'):
        index.match(name="OLD", province="XX")


def test_without_a_province_a_name_unique_in_italy_is_accepted(index):
    assert matched(index, "MILANO") == ("015146", MatchRule.EXACT)
    assert matched(index, "VERMEZZO") == ("015251", MatchRule.MERGED)


def test_without_a_province_a_name_of_two_comuni_is_ambiguous(index):
    with pytest.raises(MunicipalityNotFound) as caught:
        index.match(name="CASTRO", province="")
    assert caught.value.reason == 'ambiguous municipality "CASTRO": CASTRO (BG, 016065), CASTRO (LE, 075096)'


def test_the_province_settles_a_shared_name(index):
    assert matched(index, "CASTRO", "LE") == ("075096", MatchRule.EXACT)


def test_an_unknown_province_sigla_is_treated_as_missing(index):
    assert matched(index, "MILANO", "ZZ") == ("015146", MatchRule.EXACT)


def test_a_known_province_is_not_second_guessed(index):
    with pytest.raises(MunicipalityNotFound, match='unknown municipality "MILANO" \\(CO\\)'):
        index.match(name="MILANO", province="CO")


def test_a_bilingual_name_is_tried_in_italian(index):
    assert matched(index, "BOLZANO/BOZEN", "BZ") == ("021008", MatchRule.EXACT)


def test_answers_are_remembered(index):
    first = index.match(name="VERMEZZO", province="MI")
    assert index.match(name="VERMEZZO", province="MI") is first
    with pytest.raises(MunicipalityNotFound) as one:
        index.match(name="NOWHERE", province="MI")
    with pytest.raises(MunicipalityNotFound) as two:
        index.match(name="NOWHERE", province="MI")
    assert one.value is two.value


# --- The real ANPR archive (read from the shipped CSV; no database) ------------------------------


@pytest.fixture(scope="module")
def anpr_index(anpr_places: list[Place]) -> MunicipalityIndex:
    return MunicipalityIndex(anpr_places)


@pytest.mark.parametrize(
    ("name", "province", "istat"),
    [
        ("VERMEZZO", "MI", "015251"),
        ("ZELO SURRIGONE", "MI", "015251"),
        ("CANTU'", "CO", "013041"),
        ("CORTACCIA SULLA STRADA DEL VIN", "BZ", "021024"),
        ("PINO SULLA SPONDA DEL LAGO MAG", "VA", "012142"),
        ("VAPRIO D'ADDA", "MI", "015230"),
        ("CASSINA DE PECCHI", "MI", "015060"),
        ("MILANO", "", "015146"),
        ("SANT'OMOBONO IMAGNA", "BG", "016252"),
        ("BIGARELLO", "MN", "020057"),
        ("ABANO", "PD", "028001"),
    ],
)
def test_real_names_of_the_file_find_todays_comune(anpr_index, name, province, istat):
    assert anpr_index.match(name=name, province=province).place.istat_code == istat


def test_every_alias_names_a_ceased_comune_and_todays_successor(anpr_places):
    ceased = {(fold(p.name), p.province) for p in anpr_places if p.valid_to is not None}
    current = {p.istat_code for p in anpr_places if p.valid_to is None}
    assert set(FUSION_ALIASES) <= ceased
    assert set(FUSION_ALIASES.values()) <= current


def test_every_current_comune_finds_itself_also_when_cut_at_30_characters(anpr_index, anpr_places):
    current = [p for p in anpr_places if p.valid_to is None]
    for p in current:
        assert anpr_index.match(name=p.name, province=p.province).place == p
        cut = p.name[:TRUNCATION_LENGTH].rstrip()
        assert anpr_index.match(name=cut, province=p.province).place == p, cut


def test_a_name_shared_by_two_provinces_needs_the_province(anpr_index):
    with pytest.raises(MunicipalityNotFound, match="ambiguous"):
        anpr_index.match(name="CASTRO", province="")
    assert anpr_index.match(name="CASTRO", province="BG").place.istat_code == "016065"


def test_the_index_loads_in_one_query(comuni, django_assert_num_queries):
    with django_assert_num_queries(1):
        index = MunicipalityIndex.from_database()
    assert index.match(name="ZELO SURRIGONE", province="MI").place.pk == comuni["vermezzo_con_zelo"].pk
    assert index.match(name="CANTU'", province="CO").place.pk == comuni["cantu"].pk
