"""Every string is translatable, and the Italian catalogues are complete and compiled.

The project catalogue lives in `pariter/locale`; an app may keep its own in `pariter/<app>/locale`, which
makemessages fills with the strings of that app's files.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "pariter"
LOCALE = SOURCE / "locale"


def _catalogues(root: Path, language: str = "it") -> dict[str, Path]:
    """Every catalogue under `root` for `language`, keyed by its locale directory relative to `root`."""
    return {
        str(po.relative_to(root).parents[2]): po
        for po in sorted(root.rglob(f"locale/{language}/LC_MESSAGES/django.po"))
        if "static" not in po.relative_to(root).parts
    }


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for every entry but the header: a small .po state machine."""
    entries: list[tuple[str, str, bool]] = []
    msgid = msgstr = None
    field = ""
    fuzzy = next_fuzzy = False

    def flush() -> None:
        if msgid:
            entries.append((msgid, msgstr or "", fuzzy))

    for line in po.read_text().splitlines():
        if line.startswith("#,") and "fuzzy" in line:
            next_fuzzy = True
        elif line.startswith("msgid "):
            flush()
            msgid, msgstr, field, fuzzy, next_fuzzy = "", None, "msgid", next_fuzzy, False
            msgid += re.match(r'msgid "(.*)"', line).group(1)
        elif line.startswith("msgid_plural"):
            field = "plural"
        elif line.startswith("msgstr"):
            field = "msgstr"
            msgstr = (msgstr or "") + re.match(r'msgstr(?:\[\d\])? "(.*)"', line).group(1)
        elif line.startswith('"'):
            text = line[1:-1]
            if field == "msgid":
                msgid += text
            elif field == "msgstr":
                msgstr = (msgstr or "") + text
    flush()
    return entries


def test_the_italian_catalogues_translate_every_string():
    catalogues = _catalogues(SOURCE)
    assert "locale" in catalogues
    assert len(_entries(LOCALE / "it" / "LC_MESSAGES" / "django.po")) > 200
    for where, po in catalogues.items():
        missing = [m for m, s, fuzzy in _entries(po) if fuzzy or not s.replace("|", "")]
        assert not missing, f"untranslated or fuzzy in Italian ({where}): {missing[:10]}"


def test_the_compiled_catalogues_are_up_to_date():
    for language in ("it", "en"):
        for where, po in _catalogues(SOURCE, language).items():
            mo = po.with_suffix(".mo")
            assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1, f"run `make messages` ({where})"


def test_the_catalogue_covers_every_template_string(tmp_path):
    """makemessages on the current sources adds no msgid the catalogue lacks."""
    if subprocess.run(["which", "xgettext"], capture_output=True).returncode:
        pytest.skip("gettext is not installed")
    import shutil

    from django.core.management import call_command

    source = Path(__file__).resolve().parents[2] / "pariter"
    work = tmp_path / "pariter"
    shutil.copytree(source, work, ignore=shutil.ignore_patterns("static", "__pycache__", "data"))
    import os

    cwd = os.getcwd()
    os.chdir(work)
    try:
        call_command("makemessages", locale=["it"], verbosity=0, no_obsolete=True)
    finally:
        os.chdir(cwd)
    known = _catalogues(SOURCE)
    for where, po in _catalogues(work).items():
        fresh = {m for m, _, _ in _entries(po)}
        assert where in known, f"run `make messages`: {where} has no Italian catalogue"
        lacking = fresh - {m for m, _, _ in _entries(known[where])}
        assert not lacking, f"run `make messages` and translate ({where}): {sorted(lacking)[:10]}"
