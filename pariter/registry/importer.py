"""Import the Ministry's "Enti iscritti" file into the register: one entry per codice fiscale, idempotently.

Order of work, so that a bad file changes nothing and a good file with a few bad rows imports the good ones:
1. the header row is checked before anything else (HeaderError: nothing is written);
2. every row is parsed and its comune matched, without a query; a refused row keeps its number and reasons;
3. once the last row is read, rows that contradict each other (one codice fiscale or one repertorio on two rows)
   are set aside, because the file does not say which is right;
4. the other rows go in batches. Comparing a batch with the database only reads (new entries, changed ones,
   unchanged ones, conflicts with the register); writing it is one transaction: new entries are inserted, changed
   ones updated with a new version from today;
5. one audit entry sums it up, because bulk writes bypass the signals that log single writes.

Batches rather than one transaction: on SQLite a transaction holds the write lock, and the web server and the task
worker must be able to write between two batches of a long import.

Speed (150,000 rows in under a minute on a 2-core machine). The database engine's own work (indexes, full-text
index, the JSON history) is about a third of a full import, parsing the XML a fifth, and the rest is Python that
holds the interpreter lock. So, outside a transaction (the command): a separate process reads the workbook
(`sheet_in_process`), a helper thread parses what has arrived and later compares batches (`ImportStages`,
`run_ahead`), and the main thread writes, while sqlite3 and psycopg release the lock during the engine's work.
Batches can be compared ahead of the writes because, once conflicts are set aside, no two rows share a codice
fiscale or a repertorio: writing one batch never changes what the next one reads. Inside a transaction still open
(the tests), a helper's own connection could not see uncommitted rows, so everything runs in turn on the caller's
connection. Rows are written with multi-row INSERTs (SQLite) or COPY (PostgreSQL) rather than bulk_create
(`RowInserter`).
"""

from __future__ import annotations

import functools
import json
import os
import pickle
import queue
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from django.db import connection, connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone

import pariter
from pariter.core import audit
from pariter.core.models import Organisation, OrganisationKind, OrganisationSource
from pariter.registry import search
from pariter.registry.entries import PUBLIC_FIELDS, _iso
from pariter.registry.ministry import (
    CellValue,
    MinistryRow,
    RowError,
    UnreadableFile,
    cell_text,
    identity_keys,
    is_blank,
    parse_row,
    raw_identity,
    read_sheet,
    recognise_headers,
    row_content,
    section_labels,
)
from pariter.registry.models import (
    Entity,
    EntitySection,
    EntityStatus,
    EntityVersion,
    OfficeHolder,
    OfficeHolderRole,
    RegistrationRoute,
    Section,
    sort_key,
)
from pariter.registry.municipality_match import MunicipalityIndex, MunicipalityNotFound, Place
from pariter.registry.services import SECTION_KINDS, record_version, register_changed

IMPORT_REASON = "Ministry open-data import"
AUDIT_ACTION = "registry.import.completed"
BATCH_SIZE = 2000
ORGANISATION_NAME_MAX_LENGTH = 300  # Organisation.name is shorter than Entity.name
# Directory rows created by the import say where they came from.
ORGANISATION_SOURCE = OrganisationSource.RUNTS_OPEN_DATA
LEGAL_REPRESENTATIVE = OfficeHolderRole.LEGAL_REPRESENTATIVE.value
# The fields of Entity the file speaks for, compared on every run.
COMPARED_FIELDS = (
    "name",
    "municipality_id",
    "in_network",
    "five_per_thousand",
    "registered_on",
    "registration_route",
    "registration_note",
)

RawRow = tuple[int, list[CellValue]]
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class RejectedRow:
    row_number: int
    tax_code: str
    name: str
    reason: str


@dataclass
class ImportReport:
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    read_seconds: float = 0.0
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }


class Candidate(NamedTuple):
    """A parsed row with the comune it names."""

    row: MinistryRow
    place: Place


def reject(row: MinistryRow, reason: str) -> RejectedRow:
    return RejectedRow(row.row_number, row.tax_code, row.name, reason)


# --- Reading ---------------------------------------------------------------------------------------


def data_rows(rows: Iterator[RawRow]) -> tuple[dict[str, int], Iterator[RawRow]]:
    """Check the header (the first non-blank row) and return the column map and the remaining rows.

    Raises HeaderError at once: nothing past the header has been read and nothing has been written.
    """
    for _number, values in rows:
        if not is_blank(values):
            return recognise_headers(values), rows
    return recognise_headers([]), rows


def drop_conflicts(rows: Sequence[RawRow], *, columns: Mapping[str, int]) -> tuple[list[RawRow], list[RejectedRow]]:
    """Set aside rows that contradict each other within the file.

    One identity per codice fiscale and one repertorio per entity (CTS art. 46; DM 106 All. A): when the same
    codice fiscale is on identical rows the first is kept; when its rows differ, or one repertorio is on rows of two
    codici fiscali, the file does not say which is right and every such row is refused. Rows without a codice
    fiscale or a repertorio are left to parse_row, which refuses them.
    """
    columns = dict(columns)
    keys = [identity_keys(values, columns) for _, values in rows]
    rejected: list[RejectedRow] = []

    def refuse(index: int, reason: str) -> None:
        number, values = rows[index]
        rejected.append(RejectedRow(number, *raw_identity(values, columns), reason))

    by_tax_code: dict[str, list[int]] = defaultdict(list)
    for index, (tax_key, _) in enumerate(keys):
        if tax_key:
            by_tax_code[tax_key].append(index)
    dropped: set[int] = set()
    for group in by_tax_code.values():
        if len(group) == 1:
            continue
        if len({row_content(rows[i][1]) for i in group}) == 1:
            first = rows[group[0]][0]
            for i in group[1:]:
                refuse(i, f"duplicate of row {first}")
        else:
            for i in group:
                others = ", ".join(str(rows[o][0]) for o in group if o != i)
                refuse(i, f"codice fiscale also on row {others} with different data")
            dropped.add(group[0])
        dropped.update(group[1:])

    by_repertory: dict[str, list[int]] = defaultdict(list)
    for index, (_, repertory_key) in enumerate(keys):
        if repertory_key and index not in dropped:
            by_repertory[repertory_key].append(index)
    for repertory, group in by_repertory.items():
        if len(group) == 1:
            continue
        for i in group:
            others = ", ".join(f"{rows[o][0]} ({keys[o][0]})" for o in group if o != i)
            refuse(i, f"repertorio {repertory} also on row {others}")
        dropped.update(group)
    return [row for index, row in enumerate(rows) if index not in dropped], rejected


# --- Preparing a batch: reads only -----------------------------------------------------------------


@functools.cache
def entity_defaults() -> dict[str, Any]:
    """The public fields of an Entity nobody has set yet (status, route, empty texts…), as a snapshot holds them."""
    blank = Entity()
    return {name: _iso(getattr(blank, name)) for name in PUBLIC_FIELDS}


def new_entry_snapshot(
    fields: Mapping[str, Any], *, place: Place, section: Section, holder: str, since: date
) -> dict[str, Any]:
    """What `entries.entry_snapshot(entity, on=since)` returns for an entry this import just created.

    `fields` are the entity's values that differ from the model's defaults. Built without a query or a model
    instance: the import knows the comune, the one section and the legal representative. The shape must stay
    identical to entry_snapshot's (the tests compare the two).
    """
    data = dict(entity_defaults())
    for name, value in fields.items():
        if name in data:
            data[name] = _iso(value)
    day = since.isoformat()
    data["municipality"] = {"name": place.name, "istat_code": place.istat_code, "province": place.province}
    data["sections"] = [{"letter": section.letter, "name": section.name, "acronym": section.acronym, "since": day}]
    data["activities"] = []
    data["networks"] = []
    holders = [{"role": LEGAL_REPRESENTATIVE, "full_name": holder, "powers": "", "since": day}] if holder else []
    data["office_holders"] = holders
    data["legal_representatives"] = [holder] if holder else []
    data["secondary_offices"] = []
    return data


def entity_values(row: MinistryRow, place: Place) -> dict[str, Any]:
    """The fields of Entity the file speaks for. The route only when the file states it (a bare date does not)."""
    values: dict[str, Any] = {
        "name": row.name,
        "municipality_id": place.pk,
        "in_network": row.in_network,
        "five_per_thousand": row.five_per_thousand,
        "registered_on": row.registered_on,
        "registration_note": row.registration_note,
    }
    if row.registration_route:
        values["registration_route"] = row.registration_route
    return values


class EntryFields(NamedTuple):
    """The fields of each row one new entry needs, by attname (None for ids the database will give)."""

    tax_code: str
    organisation: dict[str, Any] | None  # None: the directory already has it
    entity: dict[str, Any]
    section: dict[str, Any]
    holder: dict[str, Any] | None
    version: dict[str, Any]


@dataclass
class NewEntry:
    """SQLite: engine-ready value lists for one new entry; the writer fills in the ids the database returns."""

    tax_code: str
    organisation: list[Any] | None  # None: the directory already has it, and organisation_id is set
    entity: list[Any]
    section: list[Any]
    holder: list[Any] | None
    version: list[Any]


@dataclass
class Change:
    """What changes for an entry already in the register."""

    pk: int
    fields: dict[str, Any]
    close_sections: list[int]
    new_section: Section | None
    holder: MinistryRow | None


@dataclass
class PreparedBatch:
    """One batch compared with the database and ready to write; `size` counts every row of the file it covers."""

    size: int
    new: list[NewEntry] = field(default_factory=list)
    # PostgreSQL: the new entries as COPY payloads, table by table, ids included.
    copies: list[tuple[RowInserter, bytes]] = field(default_factory=list)
    copied: int = 0
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)


@dataclass
class ParsedBatch:
    """A batch of rows after parsing: the good ones with their comune, and the refused ones."""

    size: int
    candidates: list[Candidate] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)

    def without(self, rows: set[int]) -> ParsedBatch:
        """The batch less the rows set aside as conflicting (they are reported for that reason alone)."""
        if not rows:
            return self
        return ParsedBatch(
            size=self.size,
            candidates=[c for c in self.candidates if c.row.row_number not in rows],
            rejected=[r for r in self.rejected if r.row_number not in rows],
        )


class AnyOf(models.Lookup):  # type: ignore[type-arg]
    """`column = ANY(%s)` with the values as one array parameter (PostgreSQL).

    `__in` with 2,000 values makes psycopg's client-side binding split a statement of 2,000 placeholders in Python
    and the server parse 2,000 literals, for each of the few lookups of every batch.
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def one_of(field: str, values: Sequence[Any]) -> Q | AnyOf:
    """A filter "field is one of values": one array parameter on PostgreSQL, `__in` elsewhere."""
    if connection.vendor == "postgresql":
        return AnyOf(F(field), list(values))
    return Q(**{f"{field}__in": values})


class BatchPreparer:
    """Parses a batch of rows and compares it with the database, in a few queries per batch."""

    def __init__(
        self,
        *,
        columns: Mapping[str, int],
        labels: Mapping[str, str],
        municipalities: MunicipalityIndex,
        sections: Mapping[str, Section],
        tables: Tables,
        today: date,
    ) -> None:
        self.columns = dict(columns)
        self.labels = labels
        self.municipalities = municipalities
        self.sections = sections
        self.tables = tables
        self.today = today

    def compare(self, parsed: ParsedBatch) -> PreparedBatch:
        """Sort parsed rows into new entries, changes, unchanged entries and conflicts with the register."""
        batch = PreparedBatch(size=parsed.size, rejected=list(parsed.rejected))
        candidates = parsed.candidates
        # Plain values, not model instances: on a second run every row of the file is compared, and few change.
        existing = {
            stored["tax_code"]: stored
            for stored in Entity.objects.filter(one_of("tax_code", [c.row.tax_code for c in candidates])).values(
                "pk", "tax_code", "repertory_number", "status", *COMPARED_FIELDS
            )
        }
        repertory_owner = dict(
            Entity.objects.filter(one_of("repertory_number", [c.row.repertory_number for c in candidates])).values_list(
                "repertory_number", "tax_code"
            )
        )
        new: list[Candidate] = []
        known: list[tuple[Candidate, dict[str, Any]]] = []
        for candidate in candidates:
            row = candidate.row
            owner = repertory_owner.get(row.repertory_number)
            stored = existing.get(row.tax_code)
            if owner is not None and owner != row.tax_code:
                batch.rejected.append(
                    reject(row, f"repertorio {row.repertory_number} already belongs to codice fiscale {owner}")
                )
            elif stored is not None and stored["repertory_number"] not in (None, row.repertory_number):
                # Entity.clean: the repertorio is assigned once and never changes.
                batch.rejected.append(
                    reject(row, f"the register gives this codice fiscale repertorio {stored['repertory_number']}")
                )
            elif stored is not None and stored["status"] == EntityStatus.CANCELLED:
                batch.rejected.append(reject(row, "the entry is cancelled in the register"))
            elif stored is None:
                new.append(candidate)
            else:
                known.append((candidate, stored))
        self._new_entries(new, batch)
        self._changes(known, batch)
        return batch

    def parse(self, rows: Sequence[RawRow]) -> ParsedBatch:
        """Parse each row and match its comune; a refused row carries all its reasons. No query."""
        batch = ParsedBatch(size=len(rows))
        candidates = batch.candidates
        municipality_at, province_at = self.columns["municipality"], self.columns["province"]
        for number, values in rows:
            reasons: list[str] = []
            row: MinistryRow | None
            try:
                row = parse_row(values, row_number=number, columns=self.columns, labels=self.labels, today=self.today)
            except RowError as error:
                row, reasons = None, list(error.reasons)
            place = None
            name = cell_text(values[municipality_at]) if municipality_at < len(values) else ""
            if name:
                province = cell_text(values[province_at]) if province_at < len(values) else ""
                try:
                    place = self.municipalities.match(name=name, province=province).place
                except MunicipalityNotFound as error:
                    reasons.append(error.reason)
            if row is None or place is None:
                batch.rejected.append(RejectedRow(number, *raw_identity(values, self.columns), "; ".join(reasons)))
            else:
                candidates.append(Candidate(row, place))
        return batch

    def _new_entries(self, candidates: Sequence[Candidate], batch: PreparedBatch) -> None:
        if not candidates:
            return
        organisations = dict(
            Organisation.objects.filter(one_of("tax_code", [c.row.tax_code for c in candidates])).values_list(
                "tax_code", "pk"
            )
        )
        linked = set(
            Entity.objects.filter(one_of("organisation_id", list(organisations.values()))).values_list(
                "organisation_id", flat=True
            )
        )
        entries: list[EntryFields] = []
        for candidate in candidates:
            row, place = candidate
            organisation_id = organisations.get(row.tax_code)
            if organisation_id in linked:
                batch.rejected.append(
                    reject(row, "the directory's organisation with this codice fiscale has another entry")
                )
                continue
            entries.append(self._entry_fields(row, place, organisation_id))
        if connection.vendor == "postgresql":
            self._copy_payloads(entries, batch)
            return
        tables = self.tables
        # Value lists for all rows of a table at once; the ids are filled in by the writer.
        organisation_rows = iter(
            tables.organisations.values(
                [e.organisation for e in entries if e.organisation is not None],
                constants={"source": ORGANISATION_SOURCE.value},
            )
        )
        entity_rows = tables.entities.values([e.entity for e in entries])
        section_rows = tables.entity_sections.values([e.section for e in entries])
        holder_rows = iter(
            tables.office_holders.values(
                [e.holder for e in entries if e.holder is not None], constants={"role": LEGAL_REPRESENTATIVE}
            )
        )
        version_rows = tables.versions.values(
            [e.version for e in entries], constants={"reason": IMPORT_REASON}, ready=["data"]
        )
        for index, entry in enumerate(entries):
            batch.new.append(
                NewEntry(
                    tax_code=entry.tax_code,
                    organisation=next(organisation_rows) if entry.organisation is not None else None,
                    entity=entity_rows[index],
                    section=section_rows[index],
                    holder=next(holder_rows) if entry.holder is not None else None,
                    version=version_rows[index],
                )
            )

    def _copy_payloads(self, entries: Sequence[EntryFields], batch: PreparedBatch) -> None:
        """PostgreSQL: take the ids now and encode every row, so that writing is streaming bytes."""
        tables = self.tables
        needing = [e for e in entries if e.organisation is not None]
        organisation_ids = tables.organisations.reserve_ids(len(needing))
        entity_ids = tables.entities.reserve_ids(len(entries))
        for entry, organisation_id in zip(needing, organisation_ids, strict=True):
            entry.entity["organisation_id"] = organisation_id
        for entry, entity_id in zip(entries, entity_ids, strict=True):
            for rows in (entry.section, entry.holder, entry.version):
                if rows is not None:
                    rows["entity_id"] = entity_id
        holders = [(e.holder, pk) for e, pk in zip(entries, entity_ids, strict=True) if e.holder is not None]
        holder_ids = tables.office_holders.reserve_ids(len(holders))
        batch.copies = [
            (
                tables.organisations,
                tables.organisations.copy_payload(
                    [e.organisation for e in needing if e.organisation is not None],
                    ids=organisation_ids,
                    constants={"source": ORGANISATION_SOURCE.value},
                ),
            ),
            (tables.entities, tables.entities.copy_payload([e.entity for e in entries], ids=entity_ids)),
            (
                tables.entity_sections,
                tables.entity_sections.copy_payload(
                    [e.section for e in entries], ids=tables.entity_sections.reserve_ids(len(entries))
                ),
            ),
            (
                tables.office_holders,
                tables.office_holders.copy_payload(
                    [h for h, _ in holders], ids=holder_ids, constants={"role": LEGAL_REPRESENTATIVE}
                ),
            ),
            (
                tables.versions,
                tables.versions.copy_payload(
                    [e.version for e in entries],
                    ids=tables.versions.reserve_ids(len(entries)),
                    constants={"reason": IMPORT_REASON},
                ),
            ),
        ]
        batch.copied = len(entries)

    def _entry_fields(self, row: MinistryRow, place: Place, organisation_id: int | None) -> EntryFields:
        """The fields of the rows one new entry needs, by table."""
        section = self.sections[row.section]
        entity = {
            "organisation_id": organisation_id,
            "tax_code": row.tax_code,
            "sort_name": sort_key(row.name),
            "repertory_number": row.repertory_number,
            "registration_route": RegistrationRoute.ORDINARY.value,
            **entity_values(row, place),
        }
        holder = row.legal_representative
        snapshot = new_entry_snapshot(entity, place=place, section=section, holder=holder, since=row.registered_on)
        organisation = None
        if organisation_id is None:
            organisation = {
                "name": row.name[:ORGANISATION_NAME_MAX_LENGTH],
                "kind": SECTION_KINDS.get(row.section, OrganisationKind.THIRD_SECTOR).value,
                "tax_code": row.tax_code,
                "municipality_id": place.pk,
            }
        return EntryFields(
            tax_code=row.tax_code,
            organisation=organisation,
            entity=entity,
            section={"entity_id": None, "section_id": section.pk, "valid_from": row.registered_on},
            holder={"entity_id": None, "full_name": holder, "starts_on": row.registered_on} if holder else None,
            # The first version starts on the registration date, as services.entity_register records it. The JSON
            # is encoded here, in the preparing thread, rather than by the driver in the writing one.
            version={"entity_id": None, "valid_from": row.registered_on, "data": json.dumps(snapshot)},
        )

    def _changes(self, known: Sequence[tuple[Candidate, dict[str, Any]]], batch: PreparedBatch) -> None:
        if not known:
            return
        ids = [stored["pk"] for _, stored in known]
        current_sections: dict[int, list[tuple[int, str]]] = defaultdict(list)
        in_force = Q(valid_to__isnull=True) | Q(valid_to__gt=self.today)
        for pk, entity_id, letter in EntitySection.objects.filter(
            in_force, one_of("entity_id", ids), valid_from__lte=self.today
        ).values_list("pk", "entity_id", "section__letter"):
            current_sections[entity_id].append((pk, letter))
        # A legal representative is added only to an entry that never had one: the office keeps the history of
        # appointments, and a name from the file must not overlap a period it recorded.
        holders = OfficeHolder.objects.filter(one_of("entity_id", ids), role=LEGAL_REPRESENTATIVE)
        with_holder = set(holders.values_list("entity_id", flat=True))
        open_versions = EntityVersion.objects.filter(one_of("entity_id", ids), valid_to__isnull=True)
        last_change = dict(open_versions.values_list("entity_id", "valid_from"))
        for candidate, stored in known:
            row, pk = candidate.row, stored["pk"]
            values = entity_values(row, candidate.place)
            if stored["repertory_number"] is None:
                values["repertory_number"] = row.repertory_number
            differing = {name: value for name, value in values.items() if stored.get(name) != value}
            held = current_sections.get(pk, [])
            # The file names one section; a rete associativa may hold a second (CTS art. 46 c.2), which stays.
            section_moves = row.section not in {letter for _, letter in held}
            add_holder = bool(row.legal_representative) and pk not in with_holder
            if not (differing or section_moves or add_holder):
                batch.unchanged += 1
                continue
            since = last_change.get(pk)
            if since is not None and since > self.today:
                batch.rejected.append(reject(row, f"the entry has a change recorded from {since:%d/%m/%Y}"))
                continue
            batch.changes.append(
                Change(
                    pk=pk,
                    fields=differing,
                    # A migration between sections: the old period ends the day the new one begins (CTS art. 50 c.3).
                    close_sections=[period for period, _ in held] if section_moves else [],
                    new_section=self.sections[row.section] if section_moves else None,
                    holder=row if add_holder else None,
                )
            )


# --- Writing a batch --------------------------------------------------------------------------------


class RowInserter:
    """Writes checked rows of one model through the DB-API cursor: multi-row `INSERT … RETURNING` on SQLite, `COPY`
    on PostgreSQL (ids taken from the sequence first).

    Why not bulk_create: for 150,000 entries Django's SQL compiler prepares some 5 million values one at a time, which
    alone took more than the import's 60-second budget on this 2-core machine; with DEBUG on, every statement is
    also formatted for the query log. The column list, the defaults, the auto timestamps and the adaptation of dates
    and JSON to the engine still come from the model's fields, so the SQL follows the model. Bulk writes send no
    signals either way; the import writes its own audit entry.
    """

    # Values of these fields reach the driver as they are (ids for foreign keys); others are adapted by the field.
    PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BooleanField, models.ForeignKey)
    ROWS_PER_STATEMENT = 500

    def __init__(self, model: type[models.Model], *, returning: Sequence[str] = ()) -> None:
        now = timezone.now()
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        # One prepared row of defaults; each insert only overwrites the columns its rows give.
        self.template: list[Any] = []
        self.columns: dict[str, tuple[int, Callable[[Any], Any] | None]] = {}
        for index, f in enumerate(fields):
            adapt = None if isinstance(f, self.PLAIN) else _adapter(f)
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value = now
            else:
                value = f.get_default()
                self.columns[f.attname] = (index, adapt)
            self.template.append(value if adapt is None or value is None else adapt(value))
        quote = connection.ops.quote_name
        placeholder = "?" if connection.vendor == "sqlite" else "%s"
        self.row_sql = "(" + ", ".join([placeholder] * len(fields)) + ")"
        columns = ", ".join(quote(f.column or f.attname) for f in fields)
        # Identifiers come from the model's metadata, values travel as parameters.
        self.head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
        self.tail = f" RETURNING {', '.join(quote(name) for name in returning)}" if returning else ""
        limit = connection.features.max_query_params or self.ROWS_PER_STATEMENT * len(fields)
        self.per_statement = max(1, min(self.ROWS_PER_STATEMENT, limit // len(fields)))
        # PostgreSQL: COPY, with the ids taken from the table's sequence beforehand (COPY returns nothing).
        self.table = meta.db_table
        self.primary_key: str = (meta.pk.column if meta.pk else None) or "id"
        self.copy_sql = f"COPY {quote(meta.db_table)} ({quote(self.primary_key)}, {columns}) FROM STDIN"
        self.copy_template = [
            copy_text(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) else f.get_default())
            for f in fields
        ]

    def index(self, name: str) -> int:
        """The position of a field (by attname) in the value lists of `values`."""
        return self.columns[name][0]

    def values(
        self,
        rows: Sequence[Mapping[str, Any]],
        *,
        constants: Mapping[str, Any] | None = None,
        ready: Iterable[str] = (),
    ) -> list[list[Any]]:
        """One list of engine-ready values per row, in column order.

        Rows all give the same fields (by attname); `constants` are the same for every row; the fields named in
        `ready` are already in the engine's form (JSON text). Runs in the preparing thread, so the writing one only
        sends values.
        """
        if not rows:
            return []
        template = list(self.template)
        for name, value in (constants or {}).items():
            index, adapt = self.columns[name]
            template[index] = value if adapt is None or value is None else adapt(value)
        as_is = set(ready)
        setters = [(self.columns[name][0], name, None if name in as_is else self.columns[name][1]) for name in rows[0]]
        prepared: list[list[Any]] = []
        for row in rows:
            values = template.copy()
            for index, name, adapt in setters:
                value = row[name]
                values[index] = value if adapt is None or value is None else adapt(value)
            prepared.append(values)
        return prepared

    def insert(self, rows: Sequence[list[Any]]) -> list[tuple[Any, ...]]:
        """SQLite: insert value lists made by `values`; return the RETURNING columns of each row, in no promised
        order."""
        returned: list[tuple[Any, ...]] = []
        if not rows:
            return returned
        connection.ensure_connection()
        cursor = connection.connection.cursor()  # the driver's own cursor: no per-statement query logging
        try:
            for start in range(0, len(rows), self.per_statement):
                chunk = rows[start : start + self.per_statement]
                params = [value for values in chunk for value in values]
                cursor.execute(self.head + ", ".join([self.row_sql] * len(chunk)) + self.tail, params)
                if self.tail:
                    returned += [tuple(r) for r in cursor.fetchall()]
        finally:
            cursor.close()
        return returned

    def reserve_ids(self, count: int) -> list[int]:
        """PostgreSQL: `count` ids from the table's sequence, so rows can refer to each other before COPY.

        Sequences are not transactional: ids of a batch that fails stay unused, which leaves gaps and nothing else.
        """
        if not count:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [connection.ops.quote_name(self.table), self.primary_key, count],
            )
            return [pk for (pk,) in cursor.fetchall()]

    def copy_payload(
        self, rows: Sequence[Mapping[str, Any]], *, ids: Sequence[int], constants: Mapping[str, Any] | None = None
    ) -> bytes:
        """PostgreSQL: the rows in COPY's text format, id first. Built in the preparing thread, so the writing one
        only streams bytes (psycopg's client-side binding would parse a statement with thousands of placeholders
        in Python, and even COPY row by row keeps the writing thread busy while the server waits for data)."""
        if not rows:
            return b""
        template = list(self.copy_template)
        for name, value in (constants or {}).items():
            template[self.columns[name][0]] = copy_text(value)
        setters = [(self.columns[name][0], name) for name in rows[0]]
        lines = []
        for pk, row in zip(ids, rows, strict=True):
            values = template.copy()
            for index, name in setters:
                values[index] = copy_text(row[name])
            lines.append(f"{pk}\t" + "\t".join(values))
        return ("\n".join(lines) + "\n").encode()

    def copy(self, payload: bytes) -> None:
        """PostgreSQL: stream a payload made by `copy_payload`."""
        if not payload:
            return
        connection.ensure_connection()
        cursor = connection.connection.cursor()
        try:
            with cursor.copy(self.copy_sql) as copy:
                copy.write(payload)
        finally:
            cursor.close()


def _copy_escape(text: str) -> str:
    # Membership tests scan in C and are nearly free; str.translate with a table costs microseconds per JSON document.
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_text(value: Any) -> str:
    """A value in COPY's text format (PostgreSQL documentation, COPY, "Text Format")."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return _copy_escape(value)
    if isinstance(value, date):  # dates, and aware datetimes with their offset
        return value.isoformat()
    if isinstance(value, list | dict):
        return _copy_escape(json.dumps(value))
    return str(value)


@dataclass(frozen=True)
class Tables:
    """The inserters of the five tables an import fills; shared by the preparing and the writing thread."""

    organisations: RowInserter
    entities: RowInserter
    entity_sections: RowInserter
    office_holders: RowInserter
    versions: RowInserter

    @classmethod
    def create(cls) -> Tables:
        return cls(
            organisations=RowInserter(Organisation, returning=("id", "tax_code")),
            entities=RowInserter(Entity, returning=("id", "tax_code")),
            entity_sections=RowInserter(EntitySection),
            office_holders=RowInserter(OfficeHolder),
            versions=RowInserter(EntityVersion),
        )


def _adapter(f: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """The engine's form of a value of `f`: what Field.get_db_prep_save does, minus its per-call overhead."""
    if type(f) is models.DateField:
        return connection.ops.adapt_datefield_value
    if isinstance(f, models.JSONField):
        return functools.partial(connection.ops.adapt_json_value, encoder=f.encoder)
    return functools.partial(f.get_db_prep_save, connection=connection)


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0


class BatchWriter:
    """Writes one prepared batch in one transaction, on the caller's connection."""

    def __init__(self, *, tables: Tables, today: date) -> None:
        self.tables = tables
        self.today = today

    @transaction.atomic
    def write(self, batch: PreparedBatch) -> BatchResult:
        result = BatchResult()
        if connection.vendor == "postgresql":
            # Asynchronous commit for this transaction only: the commit does not wait for the WAL to reach the disk.
            # A server crash could lose the last batches, never corrupt anything (PostgreSQL docs, "Asynchronous
            # Commit"), and running the import again restores them, since it is idempotent.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        self._create(batch, result)
        self._change(batch.changes, result)
        return result

    def _create(self, batch: PreparedBatch, result: BatchResult) -> None:
        for inserter, payload in batch.copies:  # PostgreSQL
            inserter.copy(payload)
        result.created += batch.copied
        entries = batch.new  # SQLite
        if not entries:
            return
        tables = self.tables
        created = tables.organisations.insert([e.organisation for e in entries if e.organisation is not None])
        organisation_ids = {tax_code: pk for pk, tax_code in created}
        at = tables.entities.index("organisation_id")
        for entry in entries:
            if entry.organisation is not None:
                entry.entity[at] = organisation_ids[entry.tax_code]
        ids = {tax_code: pk for pk, tax_code in tables.entities.insert([e.entity for e in entries])}
        section_at = tables.entity_sections.index("entity_id")
        holder_at = tables.office_holders.index("entity_id")
        version_at = tables.versions.index("entity_id")
        for entry in entries:
            entity_id = ids[entry.tax_code]
            entry.section[section_at] = entity_id
            entry.version[version_at] = entity_id
            if entry.holder is not None:
                entry.holder[holder_at] = entity_id
        tables.entity_sections.insert([e.section for e in entries])
        tables.office_holders.insert([e.holder for e in entries if e.holder is not None])
        tables.versions.insert([e.version for e in entries])
        result.created += len(entries)

    def _change(self, changes: Sequence[Change], result: BatchResult) -> None:
        if not changes:
            return
        with_fields = {change.pk: change.fields for change in changes if change.fields}
        if with_fields:
            entities = Entity.objects.in_bulk(list(with_fields))
            now = timezone.now()
            for pk, differing in with_fields.items():
                entity = entities[pk]
                for name, value in differing.items():
                    setattr(entity, name, value)
                entity.sort_name, entity.updated_at = sort_key(entity.name), now
            names = {name for differing in with_fields.values() for name in differing}
            Entity.objects.bulk_update(list(entities.values()), sorted(names | {"sort_name", "updated_at"}))
        closing = [pk for change in changes for pk in change.close_sections]
        if closing:
            EntitySection.objects.filter(pk__in=closing).update(valid_to=self.today)
        EntitySection.objects.bulk_create(
            EntitySection(entity_id=change.pk, section=change.new_section, valid_from=self.today)
            for change in changes
            if change.new_section
        )
        OfficeHolder.objects.bulk_create(
            OfficeHolder(
                entity_id=change.pk,
                role=LEGAL_REPRESENTATIVE,
                full_name=change.holder.legal_representative,
                starts_on=change.holder.registered_on,
            )
            for change in changes
            if change.holder
        )
        for change in changes:
            record_version(Entity(pk=change.pk), effective_on=self.today, reason=IMPORT_REASON)
        result.updated += len(changes)


# --- The import ---------------------------------------------------------------------------------------

_DONE = object()
SWITCH_INTERVAL = 0.0005  # seconds; see run_ahead


def run_ahead[T](items: Iterator[T], *, ahead: bool, stop: threading.Event | None = None) -> Iterator[T]:
    """`items` in order; with `ahead`, a helper thread produces them, up to two in advance.

    `stop` is set when the caller stops early (an error while writing); a long-running `items` should watch it.
    """
    if not ahead:
        yield from items
        return
    stop = stop or threading.Event()
    results: queue.Queue[object] = queue.Queue(maxsize=2)

    def work() -> None:
        try:
            for item in items:
                if stop.is_set():
                    return
                results.put(item)
            results.put(_DONE)
        except BaseException as error:  # noqa: BLE001 - handed to the main thread, which raises it
            results.put(error)
        finally:
            connections.close_all()  # this thread's own connections

    helper = threading.Thread(target=work, name="registry-import-prepare", daemon=True)
    # The writing thread gives up the interpreter lock at every statement and needs it back as soon as the engine is
    # done; with the default 5 ms switch interval it waited behind the busy preparing thread for much of the run.
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)
    helper.start()
    try:
        while (item := results.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while helper.is_alive():  # unblock a helper waiting on a full queue
            try:
                results.get_nowait()
            except queue.Empty:
                helper.join(timeout=0.05)
        sys.setswitchinterval(switch_interval)


# The reading process: a fresh interpreter that imports only ministry.py. Not multiprocessing: its "spawn" re-runs
# the caller's main script in the child, and "fork" would copy this process, database connection included.
READER_CODE = "import sys; from pariter.registry.ministry import dump_sheet; dump_sheet(sys.argv[1], sys.stdout.buffer)"


def sheet_in_process(path: Path | str) -> Generator[RawRow]:
    """The sheet's rows, read by a separate process (ministry.dump_sheet).

    Parsing the XML is about a fifth of a full import and cannot share this process's interpreter lock with
    anything else, so it runs on the other core while this process parses the rows already received.
    """
    project = str(Path(pariter.__file__).resolve().parent.parent)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [project, os.getenv("PYTHONPATH")]))}
    # A fixed command: this interpreter, this module's code; the path is an argument, never shell text.
    reader = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", READER_CODE, str(path)], stdout=subprocess.PIPE, env=environment
    )
    assert reader.stdout is not None
    try:
        while True:
            try:
                # Pickles written by our own reading process, from our own code: nothing else writes to this pipe.
                item = pickle.load(reader.stdout)  # noqa: S301
            except EOFError:
                raise UnreadableFile("the reading process stopped before the end of the workbook") from None
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        if reader.poll() is None:
            reader.kill()
        reader.stdout.close()
        reader.wait()


class ImportStages:
    """Reading, parsing and comparing as one stream of prepared batches, which a helper thread can run ahead.

    Rows are parsed as they arrive; conflicts within the file are known only once the last row is read, so the
    first batch is compared (and written) after that, and the rows set aside are dropped from the parsed batches.
    """

    def __init__(
        self,
        *,
        rows: Iterator[RawRow],
        columns: Mapping[str, int],
        preparer: BatchPreparer,
        batch_size: int,
        report: ImportReport,
        started: float,
    ) -> None:
        self.rows = rows
        self.columns = columns
        self.preparer = preparer
        self.batch_size = batch_size
        self.report = report
        self.started = started
        self.stop = threading.Event()

    def prepared(self) -> Iterator[PreparedBatch]:
        every_row: list[RawRow] = []
        parsed: list[ParsedBatch] = []
        pending: list[RawRow] = []
        for number, values in self.rows:
            if is_blank(values):
                continue
            every_row.append((number, values))
            pending.append((number, values))
            if len(pending) >= self.batch_size:
                if self.stop.is_set():
                    return
                parsed.append(self.preparer.parse(pending))
                pending = []
        if pending:
            parsed.append(self.preparer.parse(pending))
        _, conflicts = drop_conflicts(every_row, columns=self.columns)
        # Set before the first batch is handed over, so the writing thread reads them complete.
        self.report.rows = len(every_row)
        self.report.rejected = conflicts
        self.report.read_seconds = time.perf_counter() - self.started
        del every_row
        aside = {r.row_number for r in conflicts}
        parsed.reverse()
        while parsed:
            yield self.preparer.compare(parsed.pop().without(aside))


# SQLite, for the import's connection only: a 64 MB page cache keeps the indexes being filled in memory, and a
# checkpoint every 32 MB of WAL rather than every 4 MB (after nearly every batch) copies each changed page once.
SQLITE_BULK_PRAGMAS = {"cache_size": -65536, "wal_autocheckpoint": 8192}


@contextmanager
def bulk_write_settings() -> Iterator[None]:
    """Engine settings for a long series of bulk writes on this connection, restored afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = {}
        for name, value in SQLITE_BULK_PRAGMAS.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")


def can_work_in_parallel() -> bool:
    """Whether the helper thread (with its own connection) may prepare batches ahead.

    Its connection sees committed rows only, so not inside a transaction still open (the tests), and an in-memory
    SQLite database not at all (shared-cache tables are locked while written).
    """
    if connection.in_atomic_block:
        return False
    is_in_memory = getattr(connection, "is_in_memory_db", None)
    return not (connection.vendor == "sqlite" and is_in_memory is not None and is_in_memory())


def import_ministry_file(
    path: Path | str,
    *,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    parallel: bool | None = None,
) -> ImportReport:
    """Import the Ministry's "Enti iscritti" XLSX; see the module docstring for the order of work.

    Raises HeaderError (wrong header row) or UnreadableFile (not a workbook) before writing anything. `parallel`
    (None: can_work_in_parallel) reads the workbook in a separate process and prepares batches in a helper thread.
    """
    started = time.perf_counter()
    today = today or timezone.localdate()
    parallel = can_work_in_parallel() if parallel is None else parallel
    report = ImportReport(filename=Path(path).name)
    sheet = sheet_in_process(path) if parallel else read_sheet(path)
    try:
        columns, rows = data_rows(sheet)
        sections = {s.letter: s for s in Section.objects.all()}
        tables = Tables.create()
        preparer = BatchPreparer(
            columns=columns,
            labels=section_labels((s.letter, s.opendata_label, s.name) for s in sections.values()),
            municipalities=MunicipalityIndex.from_database(),
            sections=sections,
            tables=tables,
            today=today,
        )
        writer = BatchWriter(tables=tables, today=today)
        stages = ImportStages(
            rows=rows, columns=columns, preparer=preparer, batch_size=batch_size, report=report, started=started
        )
        done = 0
        with bulk_write_settings():
            for batch in run_ahead(stages.prepared(), ahead=parallel, stop=stages.stop):
                result = writer.write(batch)
                report.created += result.created
                report.updated += result.updated
                report.unchanged += batch.unchanged
                report.rejected += batch.rejected
                done += batch.size
                if progress:
                    progress(done, report.rows)
    finally:
        sheet.close()
    report.rejected.sort(key=lambda r: r.row_number)
    audit.record(AUDIT_ACTION, changes=report.counts(), reason=report.filename)
    if report.created or report.updated:
        register_changed()  # the rows went in without model signals
        search.refresh_statistics(connection)  # the planner's statistics; SQLite's names in name order
    report.seconds = time.perf_counter() - started
    return report
