"""Give register entries the status their open procedures imply (a one-off backfill, safe to run again).

    manage.py filings_sync_status

Entries whose migration, warning or cancellation was already open when the register began to show pending
procedures kept "registered". This sets "migration in progress", "warned" or "cancellation in progress" with the
precedence the filings use, in the entry's history from today. `filings_daily` runs it too, so a database restored
from an older backup heals itself; a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pariter.filings import services


class Command(BaseCommand):
    help = "Set the register status of entries with open migrations, warnings or cancellations (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = services.entities_sync_status()
        if not counts:
            self.stdout.write("filings_sync_status: every entry already shows its open procedures")
            return
        for status, n in sorted(counts.items()):
            self.stdout.write(f"filings_sync_status: {n} set to {status}")
