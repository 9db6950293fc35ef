"""Every string is translatable, and the Italian catalogue is complete and compiled."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "pariter" / "locale"


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


def test_the_italian_catalogue_translates_every_string():
    entries = _entries(LOCALE / "it" / "LC_MESSAGES" / "django.po")
    assert len(entries) > 200
    missing = [m for m, s, fuzzy in entries if fuzzy or not s.replace("|", "")]
    assert not missing, f"untranslated or fuzzy in Italian: {missing[:10]}"


def test_the_compiled_catalogues_are_up_to_date():
    for language in ("it", "en"):
        po = LOCALE / language / "LC_MESSAGES" / "django.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime - 1, f"run `make messages` ({language})"


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
    fresh = {m for m, _, _ in _entries(work / "locale" / "it" / "LC_MESSAGES" / "django.po")}
    known = {m for m, _, _ in _entries(LOCALE / "it" / "LC_MESSAGES" / "django.po")}
    assert not fresh - known, f"run `make messages` and translate: {sorted(fresh - known)[:10]}"
