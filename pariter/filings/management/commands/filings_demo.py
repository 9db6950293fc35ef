"""Synthetic filings in every state on the demo register (development only).

manage.py filings_demo [--count 80] [--seed 1]
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from pariter.core import audit
from pariter.filings import demo
from pariter.filings.models import Filing


class Command(BaseCommand):
    help = (
        "Create demo filings (registrations, accounts, migrations, warnings, cancellations, opinions) and a demo "
        "notary with notarial registrations."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=80, help="Filings on registered entities (default 80).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo filings do not belong in a live register: refusing to run with DEBUG off.")
        if options["count"] < 1:
            raise CommandError("--count must be at least 1.")
        if Filing.objects.exists():
            self.stdout.write("Filings are already there: nothing to add.")
            return
        try:
            with transaction.atomic(), audit.context(actor_label="filings_demo", reason="Demo data for development"):
                result = demo.generate(count=options["count"], seed=options["seed"])
        except demo.DemoError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"{result.filings} demo filings created."))
        self.stdout.write(
            f"Demo notary: {demo.DEMO_NOTARY_EMAIL} (the demo password), at /notaio/pratiche/; "
            "like office staff, a notary sets up an authenticator app (TOTP) at the first sign-in."
        )
