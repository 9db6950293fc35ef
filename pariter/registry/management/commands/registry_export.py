"""Write the register's open-data files now, or make sure the nightly export is queued.

- `manage.py registry_export`: every file into MEDIA_ROOT/opendata;
- `manage.py registry_export --dir /tmp/od --format csv,json`: some formats, elsewhere;
- `manage.py registry_export --schedule`: no export, only queue the daily run (02:30 Europe/Rome) if none is waiting.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from pariter.registry import exports, opendata, tasks


class Command(BaseCommand):
    help = "Export the register's open data (CSV, XLSX, JSON and DCAT-AP_IT metadata), or queue the daily export."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", dest="directory", help="target directory (default: MEDIA_ROOT/opendata)")
        parser.add_argument(
            "--format",
            dest="formats",
            default=",".join(exports.FORMATS),
            help=f"comma-separated formats among {', '.join(exports.FORMATS)} (default: all)",
        )
        parser.add_argument(
            "--schedule", action="store_true", help="do not export: only make sure the daily run is queued"
        )

    def handle(self, *args: Any, directory: str | None, formats: str, schedule: bool, **options: Any) -> None:
        if schedule:
            self._schedule()
            return
        target = Path(directory) if directory else opendata.default_directory()
        requested = [f.strip().lower() for f in formats.split(",") if f.strip()]
        try:
            datasets = opendata.export_all(target, formats=requested)
        except ValueError as error:
            raise CommandError(str(error)) from error
        # Files of other formats kept from the last export are not reprinted.
        written = [d for dataset in datasets for d in dataset.distributions if d.format in requested]
        width = max([len("file"), *(len(d.filename) for d in written)])
        self.stdout.write(f"{'file':<{width}}  {'rows':>9}  {'bytes':>12}  {'seconds':>8}")
        for d in written:
            rows = "" if d.rows is None else f"{d.rows:,}"
            self.stdout.write(f"{d.filename:<{width}}  {rows:>9}  {d.bytes:>12,}  {d.seconds:>8.2f}")
        manifest = opendata.read_manifest(target)
        total = sum(d.bytes for d in manifest.files()) if manifest else 0
        self.stdout.write(self.style.SUCCESS(f"Open data written to {target} ({filesizeformat(total)} in all)."))

    def _schedule(self) -> None:
        scheduled = tasks.ensure_scheduled()
        if scheduled is None:
            raise CommandError(
                "The task backend cannot defer tasks (TASKS_BACKEND): the daily export cannot be queued."
            )
        when = scheduled.run_after.astimezone(tasks.RUN_ZONE).strftime("%Y-%m-%d %H:%M %Z")
        if scheduled.created:
            self.stdout.write(self.style.SUCCESS(f"Daily open-data export queued for {when}."))
        else:
            self.stdout.write(f"A daily open-data export is already queued for {when}; nothing added.")
