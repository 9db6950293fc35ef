from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from pariter.website import og_image


class Command(BaseCommand):
    help = "Draw the site's default sharing image (1200×630 PNG) into the static files."

    def add_arguments(self, parser: CommandParser) -> None:
        default = Path(settings.BASE_DIR) / "pariter" / "static" / og_image.STATIC_PATH
        parser.add_argument("--output", type=Path, default=default, help="Where to write the PNG.")

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        output.write_bytes(og_image.render())
        self.stdout.write(f"{output} ({output.stat().st_size} bytes)")
