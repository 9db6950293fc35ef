from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pariter.core import audit


class Command(BaseCommand):
    help = "Walk the audit log's hash chain and report the first broken link, or that it is intact."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit.verify()
        if report.intact:
            self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {report.checked} entries verified."))
            return
        raise CommandError(
            f"Audit chain BROKEN at entry #{report.broken_at}: {report.problem} "
            f"({report.checked} entries verified before it)."
        )
