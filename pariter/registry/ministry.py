"""The Ministry of Labour's open-data file "Enti iscritti (formato Excel)": its layout, reading, parsing and writing.

The layout (shared/reference/runts.md §3.1): one sheet, 11 columns, the first row holds bilingual IT/DE headers in one
cell ("Codice fiscale / Steuernummer"); column 11 is empty. Nothing here touches the database or needs Django set up,
so the reading can run in a separate process; the parsers are pure functions. The importer
(`pariter.registry.importer`) decides what a parsed row means for the register.
"""

from __future__ import annotations

import functools
import math
import pickle
import posixpath
import queue
import re
import threading
import unicodedata
import zipfile
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, NamedTuple
from xml.etree import ElementTree
from xml.parsers import expat

from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from stdnum import luhn

from pariter.core.validators import normalise_tax_code, validate_tax_code

CellValue = str | int | float | bool | date | None
# RegistrationRoute.TRANSMIGRATION. Not imported from the models: this module must load without Django's app
# registry, because the import reads the workbook in a separate process (dump_sheet) that never sets Django up.
TRANSMIGRATION = "transmigration"


# --- Columns and header recognition ------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    # The header as the Ministry writes it; write_ministry_xlsx uses it.
    header: str
    # Folded Italian words a header starts with; what follows (the German half, "(*)") may vary.
    italian: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("tax_code", "Codice fiscale / Steuernummer", ("codice fiscale",)),
    Column("repertory_number", "Repertorio / Repertoire", ("repertorio",)),
    Column("name", "Denominazione / Bezeichnung", ("denominazione",)),
    Column("section", "Sezione (*) / Sektion", ("sezione",)),
    Column(
        "legal_representative",
        "Cognome e nome legali rapp. / Name und Vorname d. gesetzl. Vertreters",
        ("cognome e nome",),
    ),
    Column("in_network", "Rete / Netzwerk", ("rete",)),
    Column("municipality", "Comune sede legale / Gemeinsame Rechtssitz", ("comune",)),
    Column("province", "Provincia sede legale / Provinz Rechtssitz", ("provincia",)),
    Column("five_per_thousand", "5x 1000", ("5x 1000", "5x1000", "5 x 1000", "cinque per mille")),
    Column("registered_on", "Data iscrizione / Anmeldedatum", ("data iscrizione", "data di iscrizione")),
)
HEADERS: tuple[str, ...] = tuple(column.header for column in COLUMNS)

ColumnMap = dict[str, int]


class HeaderError(ValueError):
    """The first row is not the Ministry's header row."""

    def __init__(self, *, missing: Sequence[str] = (), unknown: Sequence[str] = (), duplicate: Sequence[str] = ()):
        self.missing, self.unknown, self.duplicate = list(missing), list(unknown), list(duplicate)
        parts = []
        if missing:
            parts.append("missing columns: " + "; ".join(f'"{h}"' for h in missing))
        if unknown:
            parts.append("unknown columns: " + "; ".join(f'"{h}"' for h in unknown))
        if duplicate:
            parts.append("columns given twice: " + "; ".join(f'"{h}"' for h in duplicate))
        super().__init__("The header row is not the Ministry's Enti iscritti layout: " + "; ".join(parts) + ".")


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, accents and punctuation removed, spaces collapsed: "CANTU'" and "Cantù" both fold to "cantu".

    Cached: a file of 150,000 rows repeats a few dozen flags, labels and sentences.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def header_column(text: str) -> Column | None:
    """The column a header cell names: its folded text starts with the column's Italian words (runts.md §3.1)."""
    folded = fold(text)
    for column in COLUMNS:
        if any(folded == words or folded.startswith(words + " ") for words in column.italian):
            return column
    return None


def recognise_headers(cells: Sequence[CellValue]) -> ColumnMap:
    """Map each column key to its position, or raise HeaderError naming what is missing, unknown or repeated.

    Cells without text are ignored (the file's eleventh column has no header).
    """
    found: ColumnMap = {}
    unknown: list[str] = []
    duplicate: list[str] = []
    for position, cell in enumerate(cells):
        text = cell_text(cell)
        if not text:
            continue
        column = header_column(text)
        if column is None:
            unknown.append(text)
        elif column.key in found:
            duplicate.append(text)
        else:
            found[column.key] = position
    missing = [column.header for column in COLUMNS if column.key not in found]
    if missing or unknown or duplicate:
        raise HeaderError(missing=missing, unknown=unknown, duplicate=duplicate)
    return found


# --- Cells --------------------------------------------------------------------


def cell_text(value: CellValue) -> str:
    """A cell as text with runs of whitespace (line breaks included) collapsed to one space."""
    if type(value) is str:
        return " ".join(value.split())
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def is_blank(values: Sequence[CellValue]) -> bool:
    return all(cell_text(value) == "" for value in values)


class FieldError(ValueError):
    """One field of a row cannot be used; the message is the reason shown to the office."""

    @property
    def reason(self) -> str:
        return str(self.args[0])


class DateError(FieldError):
    """The registration date cannot be read or is impossible."""


# --- Codice fiscale and repertorio --------------------------------------------

TAX_CODE_REASONS = {
    "tax_code_checksum": "bad check digit",
    "tax_code_length": "codice fiscale must have 11 digits or 16 characters",
    "tax_code_format": "not a valid codice fiscale",
}
# Already compact: 11 digits or 16 upper-case letters and digits, as the Ministry writes nearly every code.
_COMPACT_TAX_CODE = re.compile(r"[0-9]{11}|[0-9A-Z]{16}", re.ASCII)
# The repertorio is stored in a PositiveIntegerField: a 32-bit integer on PostgreSQL.
MAX_REPERTORY_NUMBER = 2_147_483_647


def parse_tax_code(value: CellValue) -> str:
    """The normalised codice fiscale, validated like every other in Pariter (pariter.core.validators)."""
    if isinstance(value, bool):
        raise FieldError("not a valid codice fiscale")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        # A numeric cell has lost the leading zeros of an 11-digit code (runts.md §3.5: 00… codes exist).
        value = f"{value:011d}" if 0 <= value < 10**11 else str(value)
    text = value if isinstance(value, str) else cell_text(value)
    # Normalising costs as much as validating, and nearly every code of the file is already compact.
    code = text if _COMPACT_TAX_CODE.fullmatch(text) else normalise_tax_code(cell_text(text))
    if not code:
        raise FieldError("missing codice fiscale")
    try:
        validate_tax_code(code)
    except ValidationError as error:
        raise FieldError(TAX_CODE_REASONS.get(error.code or "", "not a valid codice fiscale")) from None
    return code


def parse_repertory_number(value: CellValue) -> int:
    """The repertorio: a positive integer (runts.md §3.1 column 2)."""
    if isinstance(value, bool):
        raise FieldError("repertorio must be a positive integer")
    if isinstance(value, float):
        if not value.is_integer():
            raise FieldError("repertorio must be a positive integer")
        value = int(value)
    if isinstance(value, str):
        text = cell_text(value)
        if not text:
            raise FieldError("missing repertorio")
        if not re.fullmatch(r"[0-9]+", text, re.ASCII):
            raise FieldError("repertorio must be a positive integer")
        value = int(text)
    if not isinstance(value, int) or value <= 0:
        raise FieldError("missing repertorio" if value is None else "repertorio must be a positive integer")
    if value > MAX_REPERTORY_NUMBER:
        raise FieldError("repertorio is too large")
    return value


# --- Sections and flags ---------------------------------------------------------

# The open-data file writes "-" for reti associative (runts.md §1.2).
DASHES = frozenset("-‐‑‒–—")


def section_key(label: str) -> str:
    text = cell_text(label)
    if text and set(text) <= DASHES:
        return "-"
    return fold(text)


def section_labels(sections: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """Folded label → letter, from (letter, open-data label, name) of each Section row.

    Sections are data (CTS art. 46 c.3), so the labels come from the Section table, not from this module.
    """
    labels: dict[str, str] = {}
    for letter, opendata_label, name in sections:
        for label in (opendata_label, name):
            if label:
                labels[section_key(label)] = letter
    return labels


def parse_section(value: CellValue, *, labels: Mapping[str, str]) -> str:
    """The section letter of a label of the file ("SOCIETA' DI MUTUO SOCCORSO" and "Società …" alike)."""
    text = cell_text(value)
    if not text:
        raise FieldError("missing section")
    try:
        return labels[section_key(text)]
    except KeyError:
        raise FieldError(f'unknown section "{text}"') from None


YES = frozenset({"si", "s", "yes", "true", "1", "x"})
NO = frozenset({"no", "n", "false", "0", ""})


def parse_flag(value: CellValue, *, label: str) -> bool:
    """A Si/No column. A blank cell reads as No: the file marks what holds, and a blank never means Si."""
    if isinstance(value, bool):
        return value
    folded = fold(cell_text(value))
    if folded in YES:
        return True
    if folded in NO:
        return False
    raise FieldError(f'{label} must be "Si" or "No", not "{cell_text(value)}"')


# --- Registration dates -----------------------------------------------------------


class RegistrationDate(NamedTuple):
    # A NamedTuple rather than a frozen dataclass: one is built per row, and a tuple is several times cheaper.
    day: date
    # A RegistrationRoute value when the file says how the entity was registered; None for a bare date.
    route: str | None = None
    # The sentence the national platform publishes instead of a date (model field `registration_note`).
    note: str = ""


EARLIEST_YEAR = 1900
NOTE_MAX_LENGTH = 300
_PLAIN_DATE = re.compile(r"([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})", re.ASCII)
_ISO_DATE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?", re.ASCII
)
_DATE_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?![0-9])", re.ASCII)
# Excel counts days from 30/12/1899 (with a phantom 29/02/1900, so serials below 61 are one day off).
_EXCEL_EPOCH = date(1899, 12, 30)


def checked_date(year: int, month: int, day: int, *, today: date) -> date:
    """A real calendar day between 1900 and today; anything else is refused with the reason."""
    try:
        result = date(year, month, day)
    except ValueError:
        raise DateError(f"impossible date {day:02d}/{month:02d}/{year:04d}") from None
    return checked_day(result, today=today)


def checked_day(day: date, *, today: date) -> date:
    if day.year < EARLIEST_YEAR:
        raise DateError(f"date before {EARLIEST_YEAR}: {day:%d/%m/%Y}")
    if day > today:
        raise DateError(f"date in the future: {day:%d/%m/%Y}")
    return day


def excel_serial_date(serial: float, *, today: date) -> date:
    """A date cell stored as an Excel serial number (the 1900 date system)."""
    if not math.isfinite(serial) or serial < 1 or serial > 2_958_465:  # 31/12/9999
        raise DateError("not a date")
    days = int(serial)
    if days < 61:
        days += 1
    return checked_day(_EXCEL_EPOCH + timedelta(days=days), today=today)


def parse_registration_date(value: CellValue, *, today: date) -> RegistrationDate:
    """The "Data iscrizione" column: `dd/mm/yyyy`, or a sentence holding one date.

    Sentences come from the trasmigrazione of 2021–22 (runts.md §1.6): "Iscritto tramite trasmigrazione per scadenza
    dei termini il 07/11/2022" is the date 07/11/2022, route transmigration, and the sentence is kept as the note.
    Raises DateError, and nothing else, for anything that is not one real day between 1900 and `today`.
    """
    if isinstance(value, bool):
        raise DateError("not a date")
    if isinstance(value, datetime):
        return RegistrationDate(checked_day(value.date(), today=today))
    if isinstance(value, date):
        return RegistrationDate(checked_day(value, today=today))
    if isinstance(value, int | float):
        return RegistrationDate(excel_serial_date(value, today=today))
    text = cell_text(value)
    if not text:
        raise DateError("missing registration date")
    if match := _PLAIN_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
        return RegistrationDate(checked_date(year, month, day, today=today))
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
        return RegistrationDate(checked_date(year, month, day, today=today))
    found = _DATE_IN_TEXT.findall(text)
    if not found:
        raise DateError(f'no date in "{text[:80]}"')
    if len(set(found)) > 1:
        raise DateError(f'more than one date in "{text[:80]}"')
    if len(text) > NOTE_MAX_LENGTH:
        raise DateError(f"the registration text is longer than {NOTE_MAX_LENGTH} characters")
    day, month, year = (int(part) for part in found[0])
    route = TRANSMIGRATION if "trasmigra" in fold(text) else None
    return RegistrationDate(checked_date(year, month, day, today=today), route=route, note=text)


# --- Rows -----------------------------------------------------------------------------

NAME_MAX_LENGTH = 400  # Entity.name
HOLDER_MAX_LENGTH = 200  # OfficeHolder.full_name
MUNICIPALITY_MAX_LENGTH = 200
_PROVINCE = re.compile(r"[A-Z]{2}", re.ASCII)


class MinistryRow(NamedTuple):
    """One data row of the file, typed and checked; the municipality is still the file's text.

    A NamedTuple: immutable, hashable and cheap to build 150,000 times.
    """

    row_number: int
    tax_code: str
    repertory_number: int
    name: str
    section: str
    legal_representative: str
    in_network: bool
    municipality_name: str
    province: str
    five_per_thousand: bool
    registered_on: date
    registration_route: str | None
    registration_note: str


class RowError(ValueError):
    """A row that cannot be imported, with every reason found."""

    def __init__(self, reasons: Sequence[str]):
        self.reasons = list(reasons)
        super().__init__("; ".join(self.reasons))


def _cell(values: Sequence[CellValue], columns: ColumnMap, key: str) -> CellValue:
    position = columns[key]
    return values[position] if position < len(values) else None


def raw_identity(values: Sequence[CellValue], columns: ColumnMap) -> tuple[str, str]:
    """The codice fiscale and name as written, to tell the office which row was refused."""
    return cell_text(_cell(values, columns, "tax_code")), cell_text(_cell(values, columns, "name"))


_KEY_NOISE = str.maketrans("", "", " -./")


def identity_keys(values: Sequence[CellValue], columns: ColumnMap) -> tuple[str, str]:
    """The codice fiscale and the repertorio of a row, reduced just enough to see the same one written twice.

    Nothing is validated here (parse_row does that): the keys are computed for every row of the file before any
    row is parsed, to find rows that contradict each other. A numeric cell gets its leading zeros back, case,
    spaces and separators are ignored ("920 344 501 52" is 92034450152), and "012" is repertorio 12.
    """
    tax_code = _cell(values, columns, "tax_code")
    if isinstance(tax_code, float) and tax_code.is_integer():
        tax_code = int(tax_code)
    if isinstance(tax_code, int) and not isinstance(tax_code, bool) and 0 <= tax_code < 10**11:
        tax_key = f"{tax_code:011d}"
    else:
        tax_key = cell_text(tax_code).translate(_KEY_NOISE).upper()
    repertory = cell_text(_cell(values, columns, "repertory_number"))
    repertory_key = str(int(repertory)) if repertory.isascii() and repertory.isdigit() else repertory
    return tax_key, repertory_key


def row_content(values: Sequence[CellValue]) -> tuple[str, ...]:
    """A row's cells as text without trailing empty cells: what "the same row twice" compares."""
    texts = [cell_text(value) for value in values]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def parse_row(
    values: Sequence[CellValue], *, row_number: int, columns: ColumnMap, labels: Mapping[str, str], today: date
) -> MinistryRow:
    """Check every field of a data row; raise RowError listing all that are wrong.

    Written out field by field, without helpers per field: it runs 150,000 times in a full import.
    """
    reasons: list[str] = []
    width = max(columns.values()) + 1
    cells = list(values) + [None] * (width - len(values)) if len(values) < width else values

    try:
        tax_code = parse_tax_code(cells[columns["tax_code"]])
    except FieldError as error:
        tax_code = ""
        reasons.append(error.reason)
    try:
        repertory_number = parse_repertory_number(cells[columns["repertory_number"]])
    except FieldError as error:
        repertory_number = 0
        reasons.append(error.reason)
    name = cell_text(cells[columns["name"]])
    if not name:
        reasons.append("missing name")
    elif len(name) > NAME_MAX_LENGTH:
        reasons.append(f"name longer than {NAME_MAX_LENGTH} characters")
    try:
        section = parse_section(cells[columns["section"]], labels=labels)
    except FieldError as error:
        section = ""
        reasons.append(error.reason)
    holder = cell_text(cells[columns["legal_representative"]])
    if len(holder) > HOLDER_MAX_LENGTH:
        reasons.append(f"legal representative longer than {HOLDER_MAX_LENGTH} characters")
    try:
        in_network = parse_flag(cells[columns["in_network"]], label="Rete")
    except FieldError as error:
        in_network = False
        reasons.append(error.reason)
    municipality = cell_text(cells[columns["municipality"]])
    if not municipality:
        reasons.append("missing municipality")
    elif len(municipality) > MUNICIPALITY_MAX_LENGTH:
        reasons.append("municipality name too long")
    province = cell_text(cells[columns["province"]]).upper()
    if province and not _PROVINCE.fullmatch(province):
        reasons.append(f'province must be a two-letter code, not "{province[:20]}"')
    try:
        five_per_thousand = parse_flag(cells[columns["five_per_thousand"]], label="5x1000")
    except FieldError as error:
        five_per_thousand = False
        reasons.append(error.reason)
    try:
        registered: RegistrationDate | None = parse_registration_date(cells[columns["registered_on"]], today=today)
    except DateError as error:
        registered = None
        reasons.append(error.reason)
    if reasons or registered is None:
        raise RowError(reasons)
    return MinistryRow(
        row_number=row_number,
        tax_code=tax_code,
        repertory_number=repertory_number,
        name=name,
        section=section,
        legal_representative=holder,
        in_network=in_network,
        municipality_name=municipality,
        province=province,
        five_per_thousand=five_per_thousand,
        registered_on=registered.day,
        registration_route=registered.route,
        registration_note=registered.note,
    )


# --- Reading the workbook -------------------------------------------------------------


class UnreadableFile(Exception):
    """Not an XLSX workbook this reader can open: not a zip, no sheet, malformed XML."""


_REL_TYPE_OFFICE_DOCUMENT = "/officeDocument"
_REL_TYPE_SHARED_STRINGS = "/sharedStrings"
_CHUNK = 1 << 20


def _local(tag: str) -> str:
    """The element or attribute name without namespace ("{ns}c", "x:c" → "c")."""
    return tag.rpartition("}")[2].rpartition(":")[2]


def _column_index(reference: str) -> int | None:
    """The zero-based column of a cell reference ("B7" → 1); None when it has no letters."""
    index = 0
    for ch in reference:
        if "A" <= ch <= "Z":
            index = index * 26 + (ord(ch) - 64)
        else:
            break
    return index - 1 if index else None


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(base, target))


def _xml(content: bytes) -> ElementTree.Element:
    # The CPython expat (2.6+) refuses entity-expansion bombs and ElementTree never fetches external entities; the
    # parts read this way are a few hundred bytes of package metadata.
    return ElementTree.fromstring(content)  # noqa: S314


def _relationships(archive: zipfile.ZipFile, path: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type, target) of one .rels part; empty when the part is absent."""
    try:
        root = _xml(archive.read(path))
    except KeyError:
        return {}
    return {
        rel.get("Id", ""): (rel.get("Type", ""), rel.get("Target", ""))
        for rel in root
        if _local(rel.tag) == "Relationship"
    }


def _first_sheet(archive: zipfile.ZipFile) -> tuple[str, str | None]:
    """The paths of the first worksheet and of the shared-strings table, as the package's relationships say."""
    workbook_path = "xl/workbook.xml"
    for rel_type, target in _relationships(archive, "_rels/.rels").values():
        if rel_type.endswith(_REL_TYPE_OFFICE_DOCUMENT):
            workbook_path = _resolve("", target)
    base = posixpath.dirname(workbook_path)
    workbook = _xml(archive.read(workbook_path))
    sheets = [element for element in workbook.iter() if _local(element.tag) == "sheet"]
    if not sheets:
        raise UnreadableFile("the workbook has no sheet")
    rel_id = next((value for key, value in sheets[0].attrib.items() if _local(key) == "id"), "")
    relationships = _relationships(archive, posixpath.join(base, "_rels", posixpath.basename(workbook_path) + ".rels"))
    if rel_id not in relationships:
        raise UnreadableFile("the workbook does not say where its first sheet is")
    sheet_path = _resolve(base, relationships[rel_id][1])
    shared = next((t for rel_type, t in relationships.values() if rel_type.endswith(_REL_TYPE_SHARED_STRINGS)), None)
    return sheet_path, _resolve(base, shared) if shared else None


def _shared_strings(archive: zipfile.ZipFile, path: str | None) -> list[str]:
    """The shared-strings table: each <si>'s text runs joined, phonetic hints (<rPh>) left out."""
    if path is None or path not in archive.namelist():
        return []
    strings: list[str] = []
    parts: list[str] = []
    state = {"text": False, "phonetic": 0}
    names: dict[str, str] = {}

    def start(name: str, attrs: object) -> None:
        local = names.get(name) or names.setdefault(name, _local(name))
        if local == "si":
            parts.clear()
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "t" and not state["phonetic"]:
            state["text"] = True

    def end(name: str) -> None:
        local = names.get(name) or names.setdefault(name, _local(name))
        if local == "t":
            state["text"] = False
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "si":
            strings.append("".join(parts))

    def text(data: str) -> None:
        if state["text"]:
            parts.append(data)

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    with archive.open(path) as stream:
        parser.ParseFile(stream)
    return strings


def _number(text: str) -> int | float | None:
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        return float(text)


def _sheet_rows(stream: Iterable[bytes], shared: list[str]) -> Iterator[tuple[int, list[CellValue]]]:
    """Stream (row number, values) out of a worksheet's XML with the C expat parser.

    Why not openpyxl's read-only mode: it took 45 s for 150,000 rows × 11 cells on this 2-core machine, most of the
    import budget; driving expat directly takes a quarter of that. Empty cells may be left out of the XML, so each
    value goes to the column its reference ("C7") names. Tags are compared as written, with the prefix the root
    element uses ("x:c" in files from the .NET SDK), because the handlers run for each of millions of elements.
    """
    done: list[tuple[int, list[CellValue]]] = []
    row: list[CellValue] = []
    parts: list[str] = []
    tag_c, tag_v, tag_t, tag_row, tag_rph = "c", "v", "t", "row", "rPh"
    root_seen = False
    row_number = column = phonetic = 0
    kind = "n"
    collecting = False

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal root_seen, tag_c, tag_v, tag_t, tag_row, tag_rph, row_number, column, kind, collecting, phonetic
        if name == tag_c:
            reference = attrs.get("r")
            if reference:
                found = _column_index(reference)
                if found is not None:
                    column = found
            kind = attrs.get("t", "n")
            parts.clear()
        elif name == tag_v or (name == tag_t and not phonetic):
            collecting = True
        elif name == tag_row:
            number = attrs.get("r")
            row_number = int(number) if number and number.isdigit() else row_number + 1
            column = 0
            row.clear()
        elif name == tag_rph:
            phonetic += 1
        elif not root_seen:
            root_seen = True
            prefix = name[: len(name) - len(_local(name))]
            tag_c, tag_v, tag_t, tag_row, tag_rph = (prefix + tag for tag in ("c", "v", "t", "row", "rPh"))

    def end(name: str) -> None:
        nonlocal column, collecting, phonetic
        if name == tag_c:
            text = "".join(parts)
            value: CellValue
            if kind == "s":
                value = shared[int(text)] if text else None
            elif kind in ("inlineStr", "str", "e", "d"):
                value = text
            elif kind == "b":
                value = text == "1" if text else None
            else:
                value = _number(text)
            if column >= len(row):
                row.extend([None] * (column + 1 - len(row)))
            row[column] = value
            column += 1
        elif name in (tag_v, tag_t):
            collecting = False
        elif name == tag_row:
            done.append((row_number, list(row)))
        elif name == tag_rph:
            phonetic -= 1

    def text(data: str) -> None:
        if collecting:
            parts.append(data)

    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    for chunk in stream:
        parser.Parse(chunk, False)
        yield from done
        done.clear()
    parser.Parse(b"", True)
    yield from done


def read_sheet(path: Path | str) -> Generator[tuple[int, list[CellValue]]]:
    """The rows of the workbook's first sheet as (spreadsheet row number, values by column position).

    Numbers come back as int or float (a date cell as its Excel serial), text as str, booleans as bool.
    Raises UnreadableFile when the file is not a workbook this reader understands.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            sheet_path, shared_path = _first_sheet(archive)
            shared = _shared_strings(archive, shared_path)
            with archive.open(sheet_path) as stream:
                yield from _sheet_rows(iter(lambda: stream.read(_CHUNK), b""), shared)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise UnreadableFile(f"not an XLSX workbook ({error})") from None
    except KeyError as error:
        raise UnreadableFile(f"the workbook lacks a part: {error}") from None
    except (expat.ExpatError, ElementTree.ParseError) as error:
        raise UnreadableFile(f"malformed XML in the workbook ({error})") from None
    except (IndexError, ValueError) as error:
        raise UnreadableFile(f"a cell of the workbook cannot be read ({error})") from None


def dump_sheet(path: str, stream: BinaryIO, *, chunk: int = 2000) -> None:
    """Write the first sheet's rows to `stream` as pickles: lists of `chunk` rows, then None (or the error).

    The body of the import's reading process (`importer.sheet_in_process`), which runs without Django set up. A
    second thread does the writing, so reading never waits for the importing process to take what was sent.
    """
    pending: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def send() -> None:
        while (data := pending.get()) is not None:
            stream.write(data)
        stream.flush()

    sender = threading.Thread(target=send, name="registry-import-send")
    sender.start()
    try:
        rows: list[tuple[int, list[CellValue]]] = []
        for item in read_sheet(path):
            rows.append(item)
            if len(rows) >= chunk:
                pending.put(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
                rows = []
        if rows:
            pending.put(pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL))
        pending.put(pickle.dumps(None))
    except UnreadableFile as error:
        pending.put(pickle.dumps(error))
    except Exception as error:  # noqa: BLE001 - reported by the importing process, which raises it
        pending.put(
            pickle.dumps(UnreadableFile(f"the workbook could not be read ({error.__class__.__name__}: {error})"))
        )
    finally:
        pending.put(None)
        sender.join()


# --- Writing (tests, benchmarks, fixtures) ------------------------------------------------


def write_ministry_xlsx(
    path: Path | str, rows: Iterable[Sequence[CellValue]], *, headers: Sequence[CellValue] = HEADERS
) -> int:
    """Write rows in the Ministry's layout: sheet "Foglio1", bilingual headers, an empty eleventh column.

    Each row holds the values in the order of COLUMNS (an eleventh value, if any, goes to the empty column). Text is
    always stored as text, so a name starting with "=" stays a name and never becomes a formula. Returns the number
    of data rows written.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Foglio1")

    def as_cells(values: Sequence[CellValue]) -> list[object]:
        cells: list[object] = []
        for value in values:
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # openpyxl would otherwise store a formula
                cells.append(cell)
            else:
                cells.append(value)
        return cells

    sheet.append(as_cells(list(headers)))
    count = 0
    for values in rows:
        sheet.append(as_cells(list(values)))
        count += 1
    workbook.save(path)
    return count


# Open-data labels of the seven sections (migration 0002), for synthetic files only.
SYNTHETIC_SECTIONS = (
    "ORGANIZZAZIONI DI VOLONTARIATO",
    "ASSOCIAZIONI DI PROMOZIONE SOCIALE",
    "ENTI FILANTROPICI",
    "IMPRESE SOCIALI",
    "-",
    "SOCIETA' DI MUTUO SOCCORSO",
    "ALTRI ENTI DEL TERZO SETTORE",
)
TRANSMIGRATION_TEXT = "Iscritto tramite trasmigrazione per scadenza dei termini il 07/11/2022"


def synthetic_tax_code(serial: int) -> str:
    """A valid 11-digit codice fiscale: 7-digit serial, office code 015 (Milano), Luhn check digit (runts.md §3.5)."""
    base = f"{9_000_000 + serial % 1_000_000:07d}015"
    return base + luhn.calc_check_digit(base)


def synthetic_rows(
    count: int, *, municipalities: Sequence[tuple[str, str]], first_repertory: int = 1, start: int = 0
) -> Iterator[list[CellValue]]:
    """`count` plausible rows (synthetic, not real entities) spread over (name, province) pairs."""
    for serial in range(start, start + count):
        municipality, province = municipalities[serial % len(municipalities)]
        section = SYNTHETIC_SECTIONS[serial % len(SYNTHETIC_SECTIONS)]
        registered = TRANSMIGRATION_TEXT if serial % 2 else f"{1 + serial % 28:02d}/{1 + serial % 12:02d}/2023"
        yield [
            synthetic_tax_code(serial),
            first_repertory + serial - start,
            f"ASSOCIAZIONE SINTETICA {serial} ETS",
            section,
            f"ROSSI MARIO {serial % 997}",
            "Si" if serial % 5 == 0 else "No",
            municipality,
            province,
            "Si" if serial % 2 == 0 else "No",
            registered,
            None,
        ]
