"""Fill the register with synthetic entries for demonstrations and benchmarks (development only).

    manage.py registry_demo --entities 150000 [--seed 42]
    manage.py registry_demo --from-directory [--entities 500]

Every entry is flagged is_synthetic. See pariter/registry/demo.py for what is generated and how.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from pariter.registry import demo, search
from pariter.registry.services import register_changed


class Command(BaseCommand):
    help = "Generate a synthetic register (entities, sections, office holders, documents, history)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--entities",
            type=int,
            default=None,
            help="How many entities to generate; with --from-directory, the most to register (default: all).",
        )
        parser.add_argument("--seed", type=int, default=None, help="Seed of the generator, for a reproducible run.")
        parser.add_argument(
            "--from-directory",
            action="store_true",
            help="Register the real bodies of the 5x1000 2022 list already in the directory, with synthetic entries.",
        )
        parser.add_argument("--batch-size", type=int, default=demo.BATCH_SIZE, help="Entities written per batch.")
        parser.add_argument(
            "--no-parallel",
            action="store_true",
            help="Build and write in this process only (by default a forked child builds the next batch).",
        )
        parser.add_argument("--force", action="store_true", help="Allow running with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Synthetic entries do not belong in a live register: refusing to run with DEBUG off.")
        count: int | None = options["entities"]
        from_directory: bool = options["from_directory"]
        if count is None and not from_directory:
            raise CommandError("Say how many entities to generate: --entities N (or use --from-directory).")
        if count is not None and count < 0:
            raise CommandError("--entities must be zero or more.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            result = demo.generate(
                count,
                seed=options["seed"],
                from_directory=from_directory,
                batch_size=options["batch_size"],
                parallel=False if options["no_parallel"] else None,
                progress=lambda message: self.stderr.write(f"registry_demo: {message}"),
            )
        except demo.DemoError as error:
            raise CommandError(str(error)) from None
        search.refresh_statistics(connection)
        register_changed()  # the rows went in without model signals
        if result.entities == 0:
            self.stdout.write(
                "Nothing to add: every body of the directory is already in the register."
                if from_directory
                else "Nothing to add."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.entities:,} synthetic entities with {result.versions:,} versions, repertorio "
                f"{result.first_repertory}–{result.last_repertory} ({result.seconds:.1f}s)."
            )
        )
