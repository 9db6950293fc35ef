"""The register's open data, row by row: two layouts, three formats, flat memory.

Layouts:
- "ministry": the Ministry's "Enti iscritti" file (11 columns, bilingual IT/DE headers, `Si`/`No`, dd/mm/yyyy),
  so whoever reads the national file can read ours without changes;
- "rich": a clean layout with the public fields of an entry (CTS art. 48), ISO dates, codes and booleans.

Formats: CSV (UTF-8 without BOM, comma, RFC 4180 quoting and CRLF), XLSX (openpyxl in write-only mode, which
streams rows to disk) and JSON (one array, written object by object).

Memory stays flat whatever the size of the register: entities are read with `.iterator(chunk_size=...)` over
`values_list`, and their current sections and legal representatives come from two more streams ordered the same
way (by repertorio), merged as they go, so no query per row and no dictionary of the whole register.
Only public entries are exported (`selectors.public_entities`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.db.models import Q
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from pariter.core.spreadsheets import safe_cell, safe_text
from pariter.registry.models import EntitySection, OfficeHolder, OfficeHolderRole
from pariter.registry.selectors import public_entities

# Rows read per fetch from each of the three streams. The 150,000-row Ministry CSV, each in a fresh process on a quiet
# machine (`exports.write("ministry", "csv", devnull)`), seconds and peak RSS over a 136-137 MB baseline:
#   2,000: SQLite 5.64 s, +15 MB; PostgreSQL 5.69 s, +9 MB
#   1,000: SQLite 5.41 s, +11 MB; PostgreSQL 5.20 s, +3 MB
#     500: SQLite 6.34 s,  +9 MB; PostgreSQL 8.92 s, +0 MB (one server round trip per 500 rows and stream)
CHUNK_SIZE = 1000
LIST_SEPARATOR = ";"
FORMATS = ("csv", "xlsx", "json")
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# The Ministry's header cells, in its order (runts.md §3.1). The German words come from a third-party importer's
# normalised aliases, so the exact capitalisation and separator inside each cell are unverified against the
# Ministry's XLSX; the column order and the eleventh, empty column are verified.
MINISTRY_COLUMNS = (
    "Codice fiscale / Steuernummer",
    "Repertorio / Repertoire",
    "Denominazione / Bezeichnung",
    "Sezione (*) / Sektion",
    "Cognome e nome legali rapp. / Name und Vorname d. gesetzl. Vertreters",
    "Rete / Netzwerk",
    "Comune sede legale / Gemeinsame Rechtssitz",
    "Provincia sede legale / Provinz Rechtssitz",
    "5x 1000",
    "Data iscrizione / Anmeldedatum",
    "",
)

# JSON has no header row: the Ministry layout's objects use the column names its reusers already know
# (dataciviclab/terzo-settore's clean schema, runts.md §3.1) rather than the long bilingual headers, and leave out
# the always-empty eleventh column. Values are the same strings as in the CSV ("Si"/"No", dd/mm/yyyy).
MINISTRY_JSON_KEYS = (
    "codice_fiscale",
    "repertorio",
    "denominazione",
    "sezione",
    "rappresentante",
    "rete",
    "comune",
    "provincia",
    "flag_5x1000",
    "data_iscrizione",
)

RICH_COLUMNS = (
    "repertorio",
    "codice_fiscale",
    "partita_iva",
    "denominazione",
    "sezioni",
    "forma_giuridica",
    "comune",
    "codice_istat_comune",
    "provincia",
    "indirizzo",
    "cap",
    "pec",
    "sito_web",
    "data_costituzione",
    "personalita_giuridica",
    "cinque_per_mille",
    "rete_associativa",
    "data_iscrizione",
    "modalita_iscrizione",
    "rappresentanti_legali",
    "dato_sintetico",
)

ENTITY_FIELDS = (
    "repertory_number",
    "tax_code",
    "vat_number",
    "name",
    "legal_form",
    "municipality__name",
    "municipality__istat_code",
    "municipality__province_code",
    "address",
    "postcode",
    "pec",
    "website",
    "constituted_on",
    "has_legal_personality",
    "five_per_thousand",
    "in_network",
    "registered_on",
    "registration_note",
    "registration_route",
    "is_synthetic",
)

Row = tuple[Any, ...]


# --- Reading the register ---------------------------------------------------------------------------------------


class _Grouped:
    """A stream of (repertorio, value) pairs sorted by repertorio, handed out one repertorio at a time.

    The merge half of a merge join: `take(k)` must be called with increasing keys; pairs whose key never comes up
    (a row that changed between the queries) are skipped.
    """

    def __init__(self, pairs: Iterator[tuple[Any, ...]]) -> None:
        self._pairs = pairs
        self._head = next(self._pairs, None)

    def take(self, key: int) -> list[Any]:
        while self._head is not None and self._head[0] < key:
            self._head = next(self._pairs, None)
        values = []
        while self._head is not None and self._head[0] == key:
            values.append(self._head[1:] if len(self._head) > 2 else self._head[1])
            self._head = next(self._pairs, None)
        return values


def _in_force(on: date, start: str, end: str) -> Q:
    return Q(**{f"{start}__lte": on}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": on}))


def _sections(on: date) -> Iterator[tuple[Any, ...]]:
    """(repertorio, letter, Ministry label) of every section held on `on` by a public entry, by repertorio."""
    qs = (
        EntitySection.objects.filter(_in_force(on, "valid_from", "valid_to"), entity__in=public_entities())
        .order_by("entity__repertory_number", "section__position", "section__letter")
        .values_list("entity__repertory_number", "section__letter", "section__opendata_label")
    )
    return qs.iterator(chunk_size=CHUNK_SIZE)


def _representatives(on: date) -> Iterator[tuple[Any, ...]]:
    """(repertorio, name) of the legal representatives in office on `on`, by repertorio. Names only: the law makes
    them public (CTS art. 48 c.1); their codici fiscali are never exported."""
    qs = (
        OfficeHolder.objects.filter(
            _in_force(on, "starts_on", "ends_on"),
            role=OfficeHolderRole.LEGAL_REPRESENTATIVE,
            entity__in=public_entities(),
        )
        .order_by("entity__repertory_number", "starts_on", "id")
        .values_list("entity__repertory_number", "full_name")
    )
    return qs.iterator(chunk_size=CHUNK_SIZE)


def entries(on: date | None = None) -> Iterator[tuple[Any, list[tuple[str, str]], list[str]]]:
    """(entity row, sections, legal representatives) of every public entry, by repertorio, as of `on` (today).

    Three queries in all, each read in chunks: constant memory, and no query per row.
    """
    on = on or timezone.localdate()
    sections = _Grouped(_sections(on))
    representatives = _Grouped(_representatives(on))
    rows = public_entities().order_by("repertory_number").values_list(*ENTITY_FIELDS, named=True)
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        key = row.repertory_number
        yield row, sections.take(key), representatives.take(key)


# --- The two layouts ---------------------------------------------------------------------------------------------


def _dd_mm_yyyy(day: date) -> str:
    # What strftime("%d/%m/%Y") gives, at a tenth of its cost.
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _si_no(flag: bool) -> str:
    return "Si" if flag else "No"


def _ministry_section(sections: list[tuple[str, str]]) -> str:
    # A rete associativa shows "-" unless it also holds another section (CTS art. 46 c.2), which then shows.
    labels = [label for _letter, label in sections]
    standard = [label for label in labels if label != "-"]
    return ", ".join(standard) if standard else ("-" if labels else "")


def ministry_rows(on: date | None = None) -> Iterator[Row]:
    for e, sections, representatives in entries(on):
        yield (
            e.tax_code,
            e.repertory_number,
            e.name,
            _ministry_section(sections),
            # The Ministry writes names in capitals; we keep the order in which the name was recorded.
            ", ".join(name.upper() for name in representatives),
            _si_no(e.in_network),
            # Upper case as the Ministry's file, but never truncated to 30 characters as it is.
            e.municipality__name.upper(),
            e.municipality__province_code,
            _si_no(e.five_per_thousand),
            # The national platform sometimes has a sentence instead of a date ("Iscritto tramite trasmigrazione").
            _dd_mm_yyyy(e.registered_on) if e.registered_on else e.registration_note,
            "",
        )


def rich_rows(on: date | None = None) -> Iterator[Row]:
    for e, sections, representatives in entries(on):
        yield (
            e.repertory_number,
            e.tax_code,
            e.vat_number,
            e.name,
            [letter for letter, _label in sections],
            e.legal_form,
            e.municipality__name,
            e.municipality__istat_code,
            e.municipality__province_code,
            e.address,
            e.postcode,
            e.pec,
            e.website,
            e.constituted_on,
            e.has_legal_personality,
            e.five_per_thousand,
            e.in_network,
            e.registered_on,
            e.registration_route,
            list(representatives),
            e.is_synthetic,
        )


@dataclass(frozen=True)
class Layout:
    key: str
    columns: tuple[str, ...]
    rows: Callable[[date | None], Iterator[Row]]
    # The keys of a JSON object, column by column (a shorter list drops the last columns).
    json_keys: tuple[str, ...]


LAYOUTS: dict[str, Layout] = {
    "ministry": Layout("ministry", MINISTRY_COLUMNS, ministry_rows, MINISTRY_JSON_KEYS),
    "rich": Layout("rich", RICH_COLUMNS, rich_rows, RICH_COLUMNS),
}


def get_layout(layout: str | Layout) -> Layout:
    return layout if isinstance(layout, Layout) else LAYOUTS[layout]


# --- Cells, per format ------------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> Any:
    kind = value.__class__
    # Most cells are text: test for it first, by exact class (cheaper than isinstance, a million times over).
    if kind is str:
        return safe_text(value)
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if kind is list:
        return safe_text(LIST_SEPARATOR.join(value))
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    if isinstance(value, str):
        # XML cannot carry most control characters; openpyxl would refuse the whole file.
        # Empty text stays an (empty) cell, so the sheet keeps every column: the Ministry's eleventh is empty.
        return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def _json_value(value: Any) -> Any:
    # JSON keeps the raw text: formulas are a spreadsheet concern, and a JSON consumer must get the real name.
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- Writers ------------------------------------------------------------------------------------------------------


class _Counted:
    """An iterator that counts what it hands out."""

    def __init__(self, rows: Iterator[Row]) -> None:
        self._rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[Row]:
        for row in self._rows:
            self.count += 1
            yield row


def _csv_text(rows: Iterator[Row], columns: tuple[str, ...]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in columns])
    pending = 0
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
        pending += 1
        if pending == CHUNK_SIZE:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def _json_text(rows: Iterator[Row], keys: tuple[str, ...]) -> Iterator[str]:
    parts = ["["]
    first = True
    for row in rows:
        record = {key: _json_value(value) for key, value in zip(keys, row, strict=False)}
        parts.append(("\n" if first else ",\n") + json.dumps(record, ensure_ascii=False))
        first = False
        if len(parts) >= CHUNK_SIZE:
            yield "".join(parts)
            parts = []
    parts.append("\n]\n")
    yield "".join(parts)


def csv_chunks(layout: str | Layout, *, on: date | None = None) -> Iterator[str]:
    """The CSV text of a layout, a chunk of rows at a time (a generator: nothing is read until iterated)."""
    spec = get_layout(layout)
    yield from _csv_text(spec.rows(on), spec.columns)


def json_chunks(layout: str | Layout, *, on: date | None = None) -> Iterator[str]:
    """A JSON array of objects, one per entry, a chunk at a time (a generator)."""
    spec = get_layout(layout)
    yield from _json_text(spec.rows(on), spec.json_keys)


def write_csv(layout: str | Layout, out: IO[bytes], *, on: date | None = None) -> int:
    spec = get_layout(layout)
    rows = _Counted(spec.rows(on))
    for chunk in _csv_text(iter(rows), spec.columns):
        out.write(chunk.encode("utf-8"))
    return rows.count


def write_json(layout: str | Layout, out: IO[bytes], *, on: date | None = None) -> int:
    spec = get_layout(layout)
    rows = _Counted(spec.rows(on))
    for chunk in _json_text(iter(rows), spec.json_keys):
        out.write(chunk.encode("utf-8"))
    return rows.count


def write_xlsx(layout: str | Layout, out: IO[bytes], *, on: date | None = None) -> int:
    """One sheet; write-only mode keeps rows on disk, not in memory."""
    spec = get_layout(layout)
    workbook = Workbook(write_only=True)
    # The Ministry's file has one sheet, "Foglio1": readers that open it by name keep working.
    sheet = workbook.create_sheet(title="Foglio1" if spec.key == "ministry" else "Registro")
    sheet.append([_xlsx_cell(c) for c in spec.columns])
    count = 0
    for row in spec.rows(on):
        sheet.append([_xlsx_cell(v) for v in row])
        count += 1
    workbook.save(out)
    return count


WRITERS: dict[str, Callable[..., int]] = {"csv": write_csv, "xlsx": write_xlsx, "json": write_json}


def write(layout: str | Layout, fmt: str, out: IO[bytes], *, on: date | None = None) -> int:
    """Write `layout` in `fmt` to the binary file `out`; returns the number of entries written."""
    return WRITERS[fmt](layout, out, on=on)
