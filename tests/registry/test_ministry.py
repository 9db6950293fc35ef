"""The Ministry's "Enti iscritti" layout: headers, cells, dates, rows, and the XLSX reader and writer (pure)."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from stdnum import luhn
from stdnum.it import codicefiscale

from pariter.registry.ministry import (
    COLUMNS,
    HEADERS,
    DateError,
    FieldError,
    HeaderError,
    RegistrationDate,
    RowError,
    UnreadableFile,
    cell_text,
    fold,
    parse_flag,
    parse_registration_date,
    parse_repertory_number,
    parse_row,
    parse_section,
    parse_tax_code,
    read_sheet,
    recognise_headers,
    section_labels,
    synthetic_rows,
    synthetic_tax_code,
    write_ministry_xlsx,
)
from pariter.registry.models import RegistrationRoute

TODAY = date(2026, 11, 26)
# Migration 0002's sections, as (letter, open-data label, name): the labels are data, not code (CTS art. 46 c.3).
SECTIONS = [
    ("a", "ORGANIZZAZIONI DI VOLONTARIATO", "Organizzazioni di volontariato"),
    ("b", "ASSOCIAZIONI DI PROMOZIONE SOCIALE", "Associazioni di promozione sociale"),
    ("c", "ENTI FILANTROPICI", "Enti filantropici"),
    ("d", "IMPRESE SOCIALI", "Imprese sociali, incluse le cooperative sociali"),
    ("e", "-", "Reti associative"),
    ("f", "SOCIETA' DI MUTUO SOCCORSO", "Società di mutuo soccorso"),
    ("g", "ALTRI ENTI DEL TERZO SETTORE", "Altri enti del Terzo settore"),
]
LABELS = section_labels(SECTIONS)
GOOD_CF = "92034450152"  # PROTEZIONE ANIMALI DI LEGNANO ODV (5x1000 2022, CC BY 4.0)


def leading_zero_tax_code() -> str:
    base = "0074311015"
    return base + luhn.calc_check_digit(base)


# --- Headers -------------------------------------------------------------------------------


def test_the_ministrys_bilingual_headers_are_recognised_in_order():
    assert recognise_headers([*HEADERS, None]) == {column.key: i for i, column in enumerate(COLUMNS)}


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Codice fiscale Steuernummer", "tax_code"),
        ("CODICE FISCALE\nSTEUERNUMMER", "tax_code"),
        ("  codice   fiscale /\r\n Steuernummer ", "tax_code"),
        ("Repertorio Repertoire", "repertory_number"),
        ("Sezione (*)\nSektion", "section"),
        ("SEZIONE", "section"),
        ("Cognome e nome legali rapp.\nName und Vorname d. gesetzl. Vertreters", "legal_representative"),
        ("Comune sede legale Gemeinsame Rechtssitz", "municipality"),
        ("Provincia sede legale / Provinz Rechtssitz", "province"),
        ("5X1000", "five_per_thousand"),
        ("5 x 1000", "five_per_thousand"),
        ("Data iscrizione\nAnmeldedatum", "registered_on"),
        ("Rete / Netzwerk", "in_network"),
    ],
)
def test_headers_match_whatever_the_case_spacing_and_punctuation(header, key):
    headers = list(HEADERS)
    position = next(i for i, column in enumerate(COLUMNS) if column.key == key)
    headers[position] = header
    assert recognise_headers(headers)[key] == position


def test_columns_may_come_in_another_order():
    shuffled = list(reversed(HEADERS))
    columns = recognise_headers(shuffled)
    assert columns["tax_code"] == len(HEADERS) - 1
    assert columns["registered_on"] == 0


def test_a_wrong_header_row_names_what_is_missing_and_what_is_unknown():
    headers = list(HEADERS)
    headers[1] = "Numero pratica"
    headers[8] = None
    with pytest.raises(HeaderError) as caught:
        recognise_headers(headers)
    assert caught.value.missing == ["Repertorio / Repertoire", "5x 1000"]
    assert caught.value.unknown == ["Numero pratica"]
    assert "missing columns" in str(caught.value)
    assert '"Numero pratica"' in str(caught.value)


def test_a_column_given_twice_is_refused():
    with pytest.raises(HeaderError) as caught:
        recognise_headers([*HEADERS, "Codice fiscale"])
    assert caught.value.duplicate == ["Codice fiscale"]


def test_an_empty_header_row_misses_every_column():
    with pytest.raises(HeaderError) as caught:
        recognise_headers([])
    assert len(caught.value.missing) == len(COLUMNS)


def test_fold_ignores_accents_apostrophes_and_case():
    assert fold("CANTU'") == fold("Cantù") == "cantu"
    assert fold("VAPRIO D'ADDA") == "vaprio d adda"
    assert fold("  Sezione (*)\n/ Sektion ") == "sezione sektion"


def test_cell_text_collapses_whitespace_and_integral_floats():
    assert cell_text("  ASSOCIAZIONE \n  XYZ\tAPS ") == "ASSOCIAZIONE XYZ APS"
    assert cell_text(12345.0) == "12345"
    assert cell_text(None) == ""


# --- Codice fiscale, repertorio, section, flags --------------------------------------------------


def test_codice_fiscale_is_normalised_and_validated():
    assert parse_tax_code(" 920 344 501 52 ") == GOOD_CF
    assert parse_tax_code("rssmra85t10a562s") == "RSSMRA85T10A562S"


def test_a_numeric_codice_fiscale_gets_its_leading_zeros_back():
    code = leading_zero_tax_code()
    assert parse_tax_code(int(code)) == code
    assert parse_tax_code(float(int(code))) == code


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("92034450153", "bad check digit"),
        ("RSSMRA85T10A562T", "bad check digit"),
        ("1234", "codice fiscale must have 11 digits or 16 characters"),
        ("", "missing codice fiscale"),
        (None, "missing codice fiscale"),
        (True, "not a valid codice fiscale"),
    ],
)
def test_a_wrong_codice_fiscale_says_why(value, reason):
    with pytest.raises(FieldError) as caught:
        parse_tax_code(value)
    assert caught.value.reason == reason


@pytest.mark.parametrize(("value", "expected"), [("12345", 12345), (12345, 12345), (12345.0, 12345), (" 7 ", 7)])
def test_repertorio_is_a_positive_integer(value, expected):
    assert parse_repertory_number(value) == expected


@pytest.mark.parametrize("value", ["0", 0, -3, "-3", "12a", 1.5, True, "1e3", 2**31])
def test_anything_else_is_not_a_repertorio(value):
    with pytest.raises(FieldError):
        parse_repertory_number(value)


def test_a_missing_repertorio_says_so():
    with pytest.raises(FieldError, match="missing repertorio"):
        parse_repertory_number(None)


@pytest.mark.parametrize(
    ("label", "letter"),
    [
        ("ORGANIZZAZIONI DI VOLONTARIATO", "a"),
        ("Associazioni di promozione sociale", "b"),
        ("IMPRESE SOCIALI", "d"),
        ("-", "e"),
        (" – ", "e"),
        ("SOCIETA' DI MUTUO SOCCORSO", "f"),
        ("SOCIETÀ DI MUTUO SOCCORSO", "f"),
        ("ALTRI ENTI DEL TERZO SETTORE", "g"),
    ],
)
def test_section_labels_of_the_open_data_map_to_letters(label, letter):
    assert parse_section(label, labels=LABELS) == letter


def test_an_unknown_or_missing_section_is_refused():
    with pytest.raises(FieldError, match='unknown section "ONLUS"'):
        parse_section("ONLUS", labels=LABELS)
    with pytest.raises(FieldError, match="missing section"):
        parse_section(None, labels=LABELS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("Si", True), ("SI", True), ("Sì", True), ("No", False), ("NO", False), ("", False), (None, False), (True, True)],
)
def test_si_and_no_flags(value, expected):
    assert parse_flag(value, label="Rete") is expected


def test_a_flag_that_is_neither_si_nor_no_is_refused():
    with pytest.raises(FieldError, match='Rete must be "Si" or "No", not "Forse"'):
        parse_flag("Forse", label="Rete")


# --- Registration dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("07/11/2022", date(2022, 11, 7)),
        ("7/1/2023", date(2023, 1, 7)),
        (" 07/11/2022 ", date(2022, 11, 7)),
        ("07.11.2022", date(2022, 11, 7)),
        ("2022-11-07", date(2022, 11, 7)),
        ("2022-11-07 00:00:00", date(2022, 11, 7)),
        (datetime(2022, 11, 7, 0, 0), date(2022, 11, 7)),
        (date(2022, 11, 7), date(2022, 11, 7)),
        (44872, date(2022, 11, 7)),  # an Excel date cell
        (44872.0, date(2022, 11, 7)),
    ],
)
def test_plain_dates_have_no_route_and_no_note(value, expected):
    assert parse_registration_date(value, today=TODAY) == RegistrationDate(expected)


def test_the_transmigration_sentence_gives_date_route_and_note():
    text = "Iscritto tramite trasmigrazione per scadenza dei termini il 07/11/2022"
    parsed = parse_registration_date(text, today=TODAY)
    assert parsed.day == date(2022, 11, 7)
    assert parsed.route == RegistrationRoute.TRANSMIGRATION
    assert parsed.note == text


def test_another_sentence_keeps_its_date_and_text_but_says_nothing_of_the_route():
    parsed = parse_registration_date("Iscritto con provvedimento del 03/05/2023", today=TODAY)
    assert parsed == RegistrationDate(date(2023, 5, 3), None, "Iscritto con provvedimento del 03/05/2023")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("31/02/2023", "impossible date 31/02/2023"),
        ("00/00/0000", "impossible date 00/00/0000"),
        ("29/02/2023", "impossible date 29/02/2023"),
        ("15/13/2022", "impossible date 15/13/2022"),
        ("31/12/1899", "date before 1900: 31/12/1899"),
        ("27/11/2026", "date in the future: 27/11/2026"),
        ("Iscritto tramite trasmigrazione il 31/02/2022", "impossible date 31/02/2022"),
        ("Iscritto tramite trasmigrazione", 'no date in "Iscritto tramite trasmigrazione"'),
        ("dal 01/02/2023 al 03/04/2023", 'more than one date in "dal 01/02/2023 al 03/04/2023"'),
        ("", "missing registration date"),
        (None, "missing registration date"),
        (True, "not a date"),
        (0, "not a date"),
        (-5, "not a date"),
        (float("nan"), "not a date"),
        (float("inf"), "not a date"),
        (10**12, "not a date"),
    ],
)
def test_impossible_dates_are_refused_with_the_reason(value, reason):
    with pytest.raises(DateError) as caught:
        parse_registration_date(value, today=TODAY)
    assert caught.value.reason == reason


def test_a_sentence_too_long_for_the_note_is_refused():
    with pytest.raises(DateError, match="longer than 300"):
        parse_registration_date("Iscritto il 07/11/2022 " + "x" * 300, today=TODAY)


any_cell = st.one_of(
    st.text(),
    st.from_regex(r"[0-9]{1,3}[/.-][0-9]{1,3}[/.-][0-9]{1,5}", fullmatch=True),
    st.builds(
        lambda a, b, c, d: f"{a} {b}/{c}/{d}",
        st.text(),
        st.integers(-5, 99),
        st.integers(-5, 99),
        st.integers(0, 99999),
    ),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
)


@given(any_cell)
def test_the_date_parser_never_raises_anything_but_its_own_error(value):
    try:
        parsed = parse_registration_date(value, today=TODAY)
    except DateError as error:
        reason = error.reason
        assert reason
        return
    assert date(1900, 1, 1) <= parsed.day <= TODAY
    assert parsed.route in (None, RegistrationRoute.TRANSMIGRATION)


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
def test_every_real_day_reads_back_as_written(day):
    assert parse_registration_date(day.strftime("%d/%m/%Y"), today=TODAY) == RegistrationDate(day)
    sentence = f"Iscritto tramite trasmigrazione per scadenza dei termini il {day:%d/%m/%Y}"
    assert parse_registration_date(sentence, today=TODAY).day == day


@given(st.dates(min_value=TODAY + timedelta(days=1)))
def test_no_future_day_is_accepted(day):
    with pytest.raises(DateError, match="future"):
        parse_registration_date(day.strftime("%d/%m/%Y"), today=TODAY)


# --- Rows --------------------------------------------------------------------------------------


def good_values(**changes: object) -> list[object]:
    values: dict[str, object] = {
        "tax_code": GOOD_CF,
        "repertory_number": "12345",
        "name": "PROTEZIONE ANIMALI DI LEGNANO ODV",
        "section": "ORGANIZZAZIONI DI VOLONTARIATO",
        "legal_representative": "ROSSI MARIO",
        "in_network": "No",
        "municipality": "LEGNANO",
        "province": "mi",
        "five_per_thousand": "Si",
        "registered_on": "Iscritto tramite trasmigrazione per scadenza dei termini il 07/11/2022",
    }
    values.update(changes)
    return [values[column.key] for column in COLUMNS] + [None]


COLUMN_MAP = {column.key: i for i, column in enumerate(COLUMNS)}


def test_a_good_row_becomes_a_typed_record():
    row = parse_row(good_values(), row_number=7, columns=COLUMN_MAP, labels=LABELS, today=TODAY)
    assert row.row_number == 7
    assert (row.tax_code, row.repertory_number, row.section) == (GOOD_CF, 12345, "a")
    assert (row.in_network, row.five_per_thousand) == (False, True)
    assert (row.municipality_name, row.province) == ("LEGNANO", "MI")
    assert row.registered_on == date(2022, 11, 7)
    assert row.registration_route == RegistrationRoute.TRANSMIGRATION
    assert row.legal_representative == "ROSSI MARIO"


def test_a_bad_row_lists_every_reason():
    values = good_values(tax_code="92034450153", registered_on="31/02/2023", section="ONLUS", province="Milano")
    with pytest.raises(RowError) as caught:
        parse_row(values, row_number=3, columns=COLUMN_MAP, labels=LABELS, today=TODAY)
    assert caught.value.reasons == [
        "bad check digit",
        'unknown section "ONLUS"',
        'province must be a two-letter code, not "MILANO"',
        "impossible date 31/02/2023",
    ]


def test_a_short_row_reads_missing_cells_as_empty():
    with pytest.raises(RowError) as caught:
        parse_row([GOOD_CF, 1], row_number=2, columns=COLUMN_MAP, labels=LABELS, today=TODAY)
    assert "missing name" in caught.value.reasons
    assert "missing municipality" in caught.value.reasons


def test_a_name_starting_with_equals_is_just_text():
    row = parse_row(
        good_values(name='=HYPERLINK("http://x")'), row_number=2, columns=COLUMN_MAP, labels=LABELS, today=TODAY
    )
    assert row.name == '=HYPERLINK("http://x")'


# --- Reading and writing the workbook --------------------------------------------------------------


def test_what_is_written_reads_back_the_same(tmp_path):
    path = tmp_path / "iscritti.xlsx"
    rows = [
        good_values(name="=SUM(A1:A3) & \"<b>\" 'quoted'"),
        good_values(tax_code=12345678903, repertory_number=7, registered_on="01/02/2023", name="A & B <C>"),
    ]
    assert write_ministry_xlsx(path, rows) == 2
    read = list(read_sheet(path))
    assert read[0] == (1, list(HEADERS))
    assert read[1] == (2, rows[0][:10])
    assert read[2] == (3, rows[1][:10])
    # openpyxl agrees, and sees text, not a formula.
    sheet = load_workbook(path, read_only=True).worksheets[0]
    assert next(sheet.iter_rows(min_row=2, values_only=True))[2] == rows[0][2]


def test_the_reader_handles_shared_strings_rich_text_gaps_and_types(tmp_path):
    path = tmp_path / "excel-like.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Foglio1"
    sheet["A1"] = "Codice fiscale /\nSteuernummer"
    sheet["C1"] = CellRichText([TextBlock(InlineFont(b=True), "Denomi"), "nazione"])
    sheet["A2"] = GOOD_CF
    sheet["B2"] = 12345
    sheet["D2"] = 1.5
    sheet["E2"] = True
    sheet["F2"] = datetime(2022, 11, 7)
    sheet["B4"] = "after an empty row"
    workbook.create_sheet("Altro")["A1"] = "not read"
    workbook.save(path)
    assert list(read_sheet(path)) == [
        (1, ["Codice fiscale /\nSteuernummer", None, "Denominazione"]),
        (2, [GOOD_CF, 12345, None, 1.5, True, 44872]),
        (4, [None, "after an empty row"]),
    ]


def test_a_file_that_is_not_a_workbook_is_unreadable(tmp_path):
    text = tmp_path / "iscritti.xlsx"
    text.write_text("Codice fiscale;Repertorio\n")
    with pytest.raises(UnreadableFile, match="not an XLSX workbook"):
        list(read_sheet(text))
    empty_zip = tmp_path / "empty.xlsx"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(UnreadableFile, match="lacks a part"):
        list(read_sheet(empty_zip))


def test_a_workbook_with_broken_xml_is_unreadable(tmp_path):
    good = tmp_path / "good.xlsx"
    write_ministry_xlsx(good, [good_values()])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.endswith("sheet1.xml"):
                content = content[: len(content) // 2]
            target.writestr(item, content)
    with pytest.raises(UnreadableFile, match="malformed XML"):
        list(read_sheet(broken))


def test_synthetic_rows_are_valid_and_distinct():
    rows = list(synthetic_rows(50, municipalities=[("MILANO", "MI"), ("SESTO SAN GIOVANNI", "MI")]))
    assert len({row[0] for row in rows}) == 50
    assert len({row[1] for row in rows}) == 50
    for number, values in enumerate(rows, start=2):
        parse_row(values, row_number=number, columns=COLUMN_MAP, labels=LABELS, today=TODAY)
    assert all(codicefiscale.is_valid(synthetic_tax_code(n)) for n in (0, 1, 149_999, 999_999))
