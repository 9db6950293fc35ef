"""Organisation directory and shell pages: gunicorn (2 workers), concurrency 4, on the demo data."""

from __future__ import annotations

import os
import sys

from bench.harness import HEADER, ROOT, load, production_env, server


def _sample_paths() -> dict[str, list[str]]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pariter.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from pariter.core.models import Organisation
    from pariter.core.selectors import organisation_directory

    ids = list(Organisation.objects.order_by("?").values_list("pk", flat=True)[:50])
    # A cursor deep into the list: the 40th page, reached by walking.
    page = organisation_directory()
    for _ in range(40):
        if not page.next_cursor:
            break
        page = organisation_directory(cursor=page.next_cursor)
    from urllib.parse import quote

    return {
        "home page": ["/"],
        "directory, first page": ["/organizzazioni/"],
        "directory, page 40 (keyset cursor)": [f"/organizzazioni/?cursor={quote(page.next_cursor or '')}"],
        "directory, search 'cooperativa' + Milano": ["/organizzazioni/?q=cooperativa&municipality=Milano"],
        "organisation page (50 different)": [f"/organizzazioni/{pk}/" for pk in ids],
        "health": ["/health/"],
    }


def run() -> str:
    env = production_env()
    paths = _sample_paths()
    rows = [HEADER]
    with server(env) as port:
        for label, urls in paths.items():
            rows.append(load(port, label, urls, requests=400, concurrency=4).row())
    return "\n".join(rows)
