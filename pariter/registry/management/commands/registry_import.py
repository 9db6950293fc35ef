"""`registry_import FILE`: import the Ministry's "Enti iscritti (formato Excel)" file into the register.

Exit status 0 whenever the file could be read, even when rows were rejected (they are listed, and can be written to a
CSV with --rejected-csv); a wrong header row or an unreadable file stops the command before anything is written.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper

from pariter.core.spreadsheets import safe_cell
from pariter.registry.importer import BATCH_SIZE, ImportReport, RejectedRow, import_ministry_file
from pariter.registry.ministry import HeaderError, UnreadableFile

BAR_WIDTH = 30


class ProgressBar:
    """A one-line text bar on stderr, redrawn after each batch."""

    def __init__(self, stream: OutputWrapper) -> None:
        self.stream = stream
        self.drawn = False

    def _write(self, text: str) -> None:
        # Plain text: stderr's default style would paint the bar as an error.
        self.stream.write(text, style_func=str, ending="")
        self.stream.flush()

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = round(BAR_WIDTH * share)
        self._write(f"\r[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%} {done:,}/{total:,} rows")
        self.drawn = True

    def finish(self) -> None:
        if self.drawn:
            self._write("\n")


def write_rejected_csv(path: Path, rejected: list[RejectedRow]) -> None:
    # The file is meant to be opened in a spreadsheet, and names come from the Ministry's file: no formulas.
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "codice_fiscale", "denominazione", "reason"])
        for row in rejected:
            writer.writerow([row.row_number, safe_cell(row.tax_code), safe_cell(row.name), safe_cell(row.reason)])


def describe(row: RejectedRow) -> str:
    who = ", ".join(part for part in (row.tax_code, row.name) if part) or "no codice fiscale or name"
    return f"  row {row.row_number} ({who}): {row.reason}"


class Command(BaseCommand):
    help = "Import the Ministry's 'Enti iscritti (formato Excel)' file (XLSX) into the register."
    # The system checks verify the project's configuration (about 2 s here), which migrate and the server already
    # do; a data import run daily does not need to repeat them, and the time counts against its one-minute budget.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the XLSX downloaded from servizi.lavoro.gov.it/runts")
        parser.add_argument("--rejected-csv", type=Path, help="also write the rejected rows, with reasons, to this CSV")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help=f"rows per transaction ({BATCH_SIZE})")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"File not found: {path}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        bar = ProgressBar(self.stderr)
        self.stderr.write(f"Reading {path.name}…", style_func=str)
        try:
            report = import_ministry_file(path, batch_size=options["batch_size"], progress=bar)
        except (HeaderError, UnreadableFile) as error:
            raise CommandError(f"{path.name}: {error} Nothing was imported.") from None
        finally:
            bar.finish()
        self._summary(report)
        if options["rejected_csv"]:
            write_rejected_csv(options["rejected_csv"], report.rejected)
            self.stdout.write(f"Rejected rows written to {options['rejected_csv']}.")

    def _summary(self, report: ImportReport) -> None:
        self.stdout.write(
            f"{report.filename}: {report.rows:,} rows read in {report.read_seconds:.1f}s; "
            f"{report.created:,} created, {report.updated:,} updated, {report.unchanged:,} unchanged, "
            f"{len(report.rejected):,} rejected ({report.seconds:.1f}s in all)."
        )
        if report.rejected:
            self.stdout.write("Rejected rows:")
            for row in report.rejected:
                self.stdout.write(describe(row))
