"""`load_reference_data`: the ANPR archive becomes Municipality rows, once, with the metropolitan flag."""

from __future__ import annotations

import csv
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pariter.core.management.commands.load_reference_data import ARCHIVE_FILE, METROPOLITAN_FILE
from pariter.core.models import Municipality

ARCHIVE_HEADER = (
    "ID,DATAISTITUZIONE,DATACESSAZIONE,CODISTAT,CODCATASTALE,DENOMINAZIONE_IT,DENOMTRASLITTERATA,ALTRADENOMINAZIONE,"
    "ALTRADENOMTRASLITTERATA,ID_PROVINCIA,IDPROVINCIAISTAT,IDREGIONE,IDPREFETTURA,STATO,SIGLAPROVINCIA,FONTE,"
    "DATAULTIMOAGG,COD_DENOM"
)
METROPOLITAN_HEADER = (
    "codice_istat,codice_catastale,denominazione,sigla_provincia,codice_provincia_istat,codice_regione_istat,"
    "data_istituzione"
)


def anpr_row(istat: str, name: str, start: str, end: str, status: str, cadastral: str = "F205") -> str:
    fields = [start, end, istat, cadastral, name, name, "", "", "15", "015", "03", "MI", status, "MI", "", "", ""]
    return "1," + ",".join(f'"{value}"' for value in fields)


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_reference_data", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def slice_files(tmp_path: Path) -> tuple[Path, Path]:
    """A small archive with a ceased, a current and a not-yet-established comune, written with a BOM like ANPR's."""
    archive = tmp_path / "archive.csv"
    archive.write_text(
        "\n".join(
            [
                ARCHIVE_HEADER,
                anpr_row("015235", "VERMEZZO", "1861-03-17", "2019-02-07", "C", "L768"),
                anpr_row("015251", "VERMEZZO CON ZELO", "2019-02-08", "9999-12-31", "A", "M424"),
                anpr_row("015146", "MILANO", "1924-01-01", "9999-12-31", "A", "F205"),
                anpr_row("099999", "COMUNE FUTURO", "2030-01-01", "9999-12-31", "D", "Z999"),
            ]
        )
        + "\n",
        encoding="utf-8-sig",
    )
    metropolitan = tmp_path / "metro.csv"
    metropolitan.write_text(f"{METROPOLITAN_HEADER}\n015251,M424,VERMEZZO CON ZELO,MI,015,03,2019-02-08\n")
    return archive, metropolitan


def test_it_loads_a_slice_skipping_rows_not_yet_established(db, slice_files):
    archive, metropolitan = slice_files
    output = run("--archive", str(archive), "--metropolitan", str(metropolitan))

    assert "4 rows read, 1 skipped (not yet established), 3 created" in output
    assert not Municipality.objects.filter(istat_code="099999").exists()
    ceased = Municipality.objects.get(istat_code="015235")
    assert ceased.valid_from == date(1861, 3, 17)
    assert ceased.valid_to == date(2019, 2, 7)
    assert not ceased.is_metropolitan
    current = Municipality.objects.get(istat_code="015251")
    assert current.valid_to is None
    assert current.is_current
    assert current.is_metropolitan
    assert (current.cadastral_code, current.province_code, current.region_code) == ("M424", "MI", "03")
    # In the archive but not in the metropolitan extract of this slice.
    assert not Municipality.objects.get(istat_code="015146").is_metropolitan


def test_a_second_run_changes_nothing_and_a_third_repairs_drift(db, slice_files):
    archive, metropolitan = slice_files
    run("--archive", str(archive), "--metropolitan", str(metropolitan))
    ids = sorted(Municipality.objects.values_list("pk", flat=True))

    assert "0 created, 0 updated, 3 unchanged" in run("--archive", str(archive), "--metropolitan", str(metropolitan))
    assert sorted(Municipality.objects.values_list("pk", flat=True)) == ids

    Municipality.objects.filter(istat_code="015251").update(name="RENAMED BY HAND", is_metropolitan=False)
    assert "0 created, 1 updated, 2 unchanged" in run("--archive", str(archive), "--metropolitan", str(metropolitan))
    repaired = Municipality.objects.get(istat_code="015251")
    assert (repaired.name, repaired.is_metropolitan) == ("VERMEZZO CON ZELO", True)
    assert sorted(Municipality.objects.values_list("pk", flat=True)) == ids


def test_a_comune_leaving_the_extract_loses_the_flag(db, slice_files, tmp_path):
    archive, metropolitan = slice_files
    run("--archive", str(archive), "--metropolitan", str(metropolitan))
    empty = tmp_path / "empty.csv"
    empty.write_text(f"{METROPOLITAN_HEADER}\n")

    run("--archive", str(archive), "--metropolitan", str(empty))

    assert not Municipality.objects.filter(is_metropolitan=True).exists()


def test_a_metropolitan_comune_without_a_current_row_is_an_error(db, slice_files, tmp_path):
    archive, _ = slice_files
    ceased_only = tmp_path / "metro.csv"
    ceased_only.write_text(f"{METROPOLITAN_HEADER}\n015235,L768,VERMEZZO,MI,015,03,1861-03-17\n")

    with pytest.raises(CommandError, match="015235"):
        run("--archive", str(archive), "--metropolitan", str(ceased_only))
    assert not Municipality.objects.exists()


def test_a_missing_file_is_an_error(db, tmp_path):
    with pytest.raises(CommandError, match="File not found"):
        run("--archive", str(tmp_path / "nope.csv"))


@pytest.mark.django_db
@pytest.mark.usefixtures("anpr")
class TestFullArchive:
    """The shipped files, loaded once for the class by the `anpr` fixture."""

    def test_every_row_except_the_ones_not_yet_established_is_loaded(self, anpr):
        with ARCHIVE_FILE.open(encoding="utf-8-sig", newline="") as handle:
            statuses = [line["STATO"] for line in csv.DictReader(handle)]
        expected = len(statuses) - statuses.count("D")

        assert len(statuses) == 19_352
        assert Municipality.objects.count() == expected
        assert f"{len(statuses)} rows read, {statuses.count('D')} skipped" in anpr
        assert f"{expected} created" in anpr

    def test_the_133_current_comuni_of_the_metropolitan_city_are_flagged(self):
        with METROPOLITAN_FILE.open(encoding="utf-8", newline="") as handle:
            codes = {line["codice_istat"] for line in csv.DictReader(handle)}

        flagged = Municipality.objects.filter(is_metropolitan=True)
        assert flagged.count() == 133
        assert set(flagged.values_list("istat_code", flat=True)) == codes
        assert not flagged.filter(valid_to__isnull=False).exists()

    def test_milano_today_and_a_ceased_comune(self):
        milano = Municipality.objects.get(istat_code="015146", valid_to__isnull=True)
        assert (milano.name, milano.cadastral_code, milano.province_code, milano.region_code) == (
            "MILANO",
            "F205",
            "MI",
            "03",
        )
        assert milano.is_metropolitan
        vermezzo = Municipality.objects.get(istat_code="015235")
        assert vermezzo.valid_to == date(2019, 2, 7)
        assert not vermezzo.is_metropolitan

    def test_running_again_adds_and_changes_nothing(self):
        before = Municipality.objects.count()

        output = run()

        assert "0 created, 0 updated" in output
        assert Municipality.objects.count() == before
