"""Remove participants' personal data once the retention period is over: `manage.py training_anonymise`.

Editions that ended more than TRAINING_RETENTION_DAYS ago keep their enrollments, attendance and certificates
(numbers and verification codes still verify), but names, e-mails, telephones and answers are erased, so the
dashboard's aggregate figures remain.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from pariter.training import services


class Command(BaseCommand):
    help = "Anonymise the participants of editions that ended before the retention period."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--days", type=int, default=None, help="Override TRAINING_RETENTION_DAYS.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.TRAINING_RETENTION_DAYS
        before = timezone.now() - timedelta(days=days)
        count = services.enrollments_anonymise(before=before)
        self.stdout.write(f"{count} enrollments anonymised (editions ended before {before:%Y-%m-%d}).")
