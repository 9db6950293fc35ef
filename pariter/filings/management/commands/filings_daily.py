"""Queue the filings' daily jobs for the task worker; run it once a day (cron or a systemd timer).

    manage.py filings_daily [--now]

Every job is safe to run twice, so a retry after a failure or a second run the same day changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.tasks import Task

from pariter.filings import tasks

JOBS: list[Task[..., Any]] = [
    tasks.expire_terms,
    tasks.open_due_reviews,
    tasks.remind_annual_accounts,
    tasks.deadlines_digest,
    tasks.sync_entity_status,
]


class Command(BaseCommand):
    help = (
        "Queue the daily jobs: silence at term, reviews due, accounts reminders, deadlines digest, "
        "entries' status for open procedures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Run them here and now instead of queueing them.")

    def handle(self, *args: Any, **options: Any) -> None:
        for job in JOBS:
            if options["now"]:
                self.stdout.write(f"{job.name}: {job.call()}")
            else:
                job.enqueue()
                self.stdout.write(f"{job.name}: queued")
