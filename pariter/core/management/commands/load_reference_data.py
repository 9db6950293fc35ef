"""Load the ANPR archive of comuni into Municipality and flag Città metropolitana di Milano.

The files live in pariter/core/data (see the README there for source and licence), so the command works offline
and never reads anything outside the product. It is idempotent: rows are keyed on (ISTAT code, established on),
the key the ANPR archive uses for one comune in one validity period, and compared in memory with what the database
holds, so a second run writes nothing. Only new and changed rows are written, in bulk, which keeps the full load
(about 19,000 rows) to seconds on SQLite as well as PostgreSQL.
"""

from __future__ import annotations

import csv
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from pariter.core.models import Municipality
from pariter.core.selectors import METROPOLITAN_NAMES_KEY

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
ARCHIVE_FILE = DATA_DIR / "ANPR_archivio_comuni.csv"
METROPOLITAN_FILE = DATA_DIR / "comuni_citta_metropolitana_milano.csv"

# ANPR writes this date for a period that has not ended; the model says "still valid" with NULL.
OPEN_ENDED = "9999-12-31"
# STATO "D" (da istituire) is a comune announced by law but not yet in existence: nobody can live or be seated there.
NOT_YET_ESTABLISHED = "D"
# Fields the loader owns; anything else on Municipality (the primary key) is left alone.
DATA_FIELDS = ("cadastral_code", "name", "province_code", "region_code", "valid_to", "is_metropolitan")
BATCH_SIZE = 1000

Key = tuple[str, date]


@dataclass(frozen=True)
class LoadResult:
    read: int
    skipped: int
    created: int
    updated: int
    unchanged: int
    metropolitan: int
    not_in_archive: int


def read_archive(path: Path) -> tuple[dict[Key, dict[str, Any]], int]:
    """Rows of the ANPR archive keyed by (ISTAT code, established on), and how many were skipped."""
    rows: dict[Key, dict[str, Any]] = {}
    skipped = 0
    # utf-8-sig drops the byte-order mark ANPR puts before the first header, which would otherwise
    # turn the first column name into "\ufeffID".
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for line in csv.DictReader(handle):
            if line["STATO"] == NOT_YET_ESTABLISHED:
                skipped += 1
                continue
            key = (line["CODISTAT"], date.fromisoformat(line["DATAISTITUZIONE"]))
            if key in rows:
                raise CommandError(f"The archive has two rows for ISTAT code {key[0]} established on {key[1]}.")
            ceased = line["DATACESSAZIONE"]
            rows[key] = {
                "cadastral_code": line["CODCATASTALE"],
                "name": line["DENOMINAZIONE_IT"],
                "province_code": line["SIGLAPROVINCIA"],
                "region_code": line["IDREGIONE"],
                "valid_to": None if ceased == OPEN_ENDED else date.fromisoformat(ceased),
                "is_metropolitan": False,
            }
    return rows, skipped


def read_metropolitan_codes(path: Path) -> set[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return {line["codice_istat"] for line in csv.DictReader(handle)}


def flag_metropolitan(rows: dict[Key, dict[str, Any]], codes: set[str]) -> int:
    """Mark the current period of each comune of the extract; ceased periods stay unflagged."""
    current = {istat: values for (istat, _), values in rows.items() if values["valid_to"] is None}
    missing = sorted(codes - current.keys())
    if missing:
        raise CommandError(
            "The metropolitan extract lists comuni with no current row in the archive: " + ", ".join(missing)
        )
    for istat in codes:
        current[istat]["is_metropolitan"] = True
    return len(codes)


@transaction.atomic
def load(archive: Path = ARCHIVE_FILE, metropolitan: Path = METROPOLITAN_FILE) -> LoadResult:
    rows, skipped = read_archive(archive)
    flagged = flag_metropolitan(rows, read_metropolitan_codes(metropolitan))

    existing: dict[Key, dict[str, Any]] = {}
    for stored in Municipality.objects.values("pk", "istat_code", "valid_from", *DATA_FIELDS).iterator():
        existing[(stored["istat_code"], stored["valid_from"])] = stored
    to_create: list[Municipality] = []
    to_update: list[Municipality] = []
    changed_fields: set[str] = set()
    for (istat, valid_from), values in rows.items():
        stored = existing.get((istat, valid_from))
        if stored is None:
            to_create.append(Municipality(istat_code=istat, valid_from=valid_from, **values))
            continue
        differing = {name for name in DATA_FIELDS if stored[name] != values[name]}
        if differing:
            changed_fields |= differing
            to_update.append(Municipality(pk=stored["pk"], istat_code=istat, valid_from=valid_from, **values))

    Municipality.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    if to_update:
        # Only the columns that actually differ somewhere: bulk_update writes one CASE per column.
        Municipality.objects.bulk_update(to_update, sorted(changed_fields), batch_size=BATCH_SIZE)
    transaction.on_commit(lambda: cache.delete(METROPOLITAN_NAMES_KEY))
    return LoadResult(
        read=len(rows) + skipped,
        skipped=skipped,
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(rows) - len(to_create) - len(to_update),
        metropolitan=flagged,
        not_in_archive=len(existing.keys() - rows.keys()),
    )


class Command(BaseCommand):
    help = "Load the ANPR archive of Italian comuni and flag the current comuni of Città metropolitana di Milano."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--archive", type=Path, default=ARCHIVE_FILE, help="ANPR archive CSV (default: shipped copy)"
        )
        parser.add_argument(
            "--metropolitan",
            type=Path,
            default=METROPOLITAN_FILE,
            help="Metropolitan extract CSV (default: shipped copy)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        for option in ("archive", "metropolitan"):
            if not options[option].is_file():
                raise CommandError(f"File not found: {options[option]}")
        result = load(options["archive"], options["metropolitan"])
        extra = (
            f", {result.not_in_archive} in the database but not in the archive (left alone)"
            if result.not_in_archive
            else ""
        )
        self.stdout.write(
            f"Municipalities: {result.read} rows read, {result.skipped} skipped (not yet established), "
            f"{result.created} created, {result.updated} updated, {result.unchanged} unchanged{extra}; "
            f"{result.metropolitan} current in Città metropolitana di Milano "
            f"({time.perf_counter() - started:.1f}s)."
        )
