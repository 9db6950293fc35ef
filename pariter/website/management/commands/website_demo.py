"""Load the website's demo content (sections, three rights guides, news, FAQ, in Italian and English).

    manage.py website_demo

Idempotent: pages that already exist are left alone. The search index is refreshed afterwards.
"""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from pariter.website import demo


class Command(BaseCommand):
    help = "Create the public website's demo pages in Italian and English, and index them for search."

    def handle(self, *args: Any, **options: Any) -> None:
        created = demo.build()
        call_command("update_index", verbosity=0)
        self.stdout.write(f"Website demo: {created['pages']} new Italian pages (with their English versions).")
