"""`registry_import FILE`: the Ministry's file becomes register entries, once, and every bad row is reported."""

from __future__ import annotations

import contextlib
import csv
import io
import pickle
import threading
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pariter.core.models import AuditEntry, Organisation, OrganisationKind, OrganisationSource
from pariter.registry.entries import entry_snapshot, prefetch_for_snapshot
from pariter.registry.importer import (
    AUDIT_ACTION,
    IMPORT_REASON,
    SQLITE_BULK_PRAGMAS,
    bulk_write_settings,
    copy_text,
    drop_conflicts,
    import_ministry_file,
    run_ahead,
    sheet_in_process,
)
from pariter.registry.ministry import (
    COLUMNS,
    HEADERS,
    HeaderError,
    UnreadableFile,
    dump_sheet,
    synthetic_rows,
    synthetic_tax_code,
    write_ministry_xlsx,
)
from pariter.registry.models import (
    Entity,
    EntitySection,
    EntityStatus,
    EntityVersion,
    OfficeHolder,
    OfficeHolderRole,
    RegistrationRoute,
)
from tests.registry.factories import register

TRANSMIGRATION = "Iscritto tramite trasmigrazione per scadenza dei termini il 07/11/2022"


def ministry_row(serial: int, **changes: object) -> list[object]:
    """A good row of the file for a synthetic entity; `changes` overrides columns by key."""
    values: dict[str, object] = {
        "tax_code": synthetic_tax_code(serial),
        "repertory_number": 100 + serial,
        "name": f"ASSOCIAZIONE PROVA {serial} APS",
        "section": "ASSOCIAZIONI DI PROMOZIONE SOCIALE",
        "legal_representative": "ROSSI MARIO",
        "in_network": "No",
        "municipality": "MILANO",
        "province": "MI",
        "five_per_thousand": "No",
        "registered_on": "15/03/2023",
    }
    values.update(changes)
    return [values[column.key] for column in COLUMNS] + [None]


def write(path: Path, rows: list[list[object]], **kwargs: object) -> Path:
    write_ministry_xlsx(path, rows, **kwargs)  # type: ignore[arg-type]
    return path


def run(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("registry_import", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def table_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Entity, EntitySection, OfficeHolder, EntityVersion)
    }


@pytest.fixture
def clean_file(tmp_path: Path, comuni) -> Path:  # type: ignore[no-untyped-def]
    return write(
        tmp_path / "20261126_iscritti_v1.0.xlsx",
        [
            ministry_row(1, section="ORGANIZZAZIONI DI VOLONTARIATO", registered_on=TRANSMIGRATION, in_network="Si"),
            ministry_row(2, section="IMPRESE SOCIALI", municipality="SESTO SAN GIOVANNI", five_per_thousand="Si"),
            ministry_row(3, section="-", municipality="CANTU'", province="CO", legal_representative=""),
        ],
    )


def test_an_import_makes_the_cached_public_pages_stale(clean_file, comuni):
    from pariter.core import pagecache

    before = pagecache.version("registry")
    run(clean_file)
    after = pagecache.version("registry")
    assert after > before
    run(clean_file)  # nothing changed: the cached pages stay good
    assert pagecache.version("registry") == after


def test_an_import_brings_the_search_up_to_date(clean_file, comuni, monkeypatch):
    """After the rows are in, the planner's statistics (PostgreSQL) or the names' positions (SQLite) are renewed;
    on SQLite the names are then found in name order from the ordered index."""
    from pariter.registry import name_order, search
    from pariter.registry.selectors import EntitySearch, search_entities

    renewed = []
    refresh = search.refresh_statistics
    monkeypatch.setattr(search, "refresh_statistics", lambda conn: renewed.append(refresh(conn)))
    run(clean_file)
    assert len(renewed) == 1
    if connection.vendor == "sqlite":
        assert name_order.complete()
    names = [e.name for e in search_entities(EntitySearch(text="prova")).page.items]
    assert names == sorted(names) and len(names) == 3


def test_it_imports_a_clean_file(clean_file, comuni):
    out, err = run(clean_file)

    assert "3 rows read" in out
    assert "3 created, 0 updated, 0 unchanged, 0 rejected" in out
    assert "100% 3/3 rows" in err

    odv = Entity.objects.get(tax_code=synthetic_tax_code(1))
    assert odv.name == "ASSOCIAZIONE PROVA 1 APS"
    assert odv.sort_name == "ASSOCIAZIONE PROVA 1 APS"
    assert odv.repertory_number == 101
    assert odv.municipality == comuni["milano"]
    assert (odv.in_network, odv.five_per_thousand, odv.status) == (True, False, EntityStatus.REGISTERED)
    assert odv.registered_on == date(2022, 11, 7)
    assert odv.registration_route == RegistrationRoute.TRANSMIGRATION
    assert odv.registration_note == TRANSMIGRATION
    assert odv.organisation.kind == OrganisationKind.VOLUNTEER_ORGANISATION
    assert odv.organisation.tax_code == odv.tax_code
    assert odv.organisation.source == OrganisationSource.RUNTS_OPEN_DATA
    [period] = odv.section_periods.all()
    assert (period.section.letter, period.valid_from, period.valid_to) == ("a", date(2022, 11, 7), None)
    [holder] = odv.office_holders.all()
    assert (holder.role, holder.full_name, holder.starts_on) == (
        OfficeHolderRole.LEGAL_REPRESENTATIVE,
        "ROSSI MARIO",
        date(2022, 11, 7),
    )
    [version] = odv.versions.all()
    assert (version.valid_from, version.valid_to, version.reason) == (date(2022, 11, 7), None, IMPORT_REASON)

    social = Entity.objects.get(tax_code=synthetic_tax_code(2))
    assert social.organisation.kind == OrganisationKind.COOPERATIVE
    assert social.municipality == comuni["sesto"]
    assert social.registration_route == RegistrationRoute.ORDINARY
    assert social.registration_note == ""

    network = Entity.objects.get(tax_code=synthetic_tax_code(3))
    assert network.organisation.kind == OrganisationKind.THIRD_SECTOR
    assert network.municipality == comuni["cantu"]
    assert network.section_periods.get().section.letter == "e"
    assert not network.office_holders.exists()

    entry = AuditEntry.objects.get(action=AUDIT_ACTION)
    assert entry.reason == "20261126_iscritti_v1.0.xlsx"
    assert entry.changes == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "rejected": 0}


def test_the_versions_written_in_bulk_equal_entry_snapshot(clean_file):
    run(clean_file)
    for entity in prefetch_for_snapshot(Entity.objects.all()):
        version = entity.versions.get()
        assert version.data == entry_snapshot(entity, on=entity.registered_on)


def test_a_second_run_creates_nothing_and_changes_nothing(clean_file):
    run(clean_file)
    before = table_counts()
    stamps = dict(Entity.objects.values_list("pk", "updated_at"))
    versions = list(EntityVersion.objects.values_list("pk", "valid_from", "valid_to", "data"))

    out, _ = run(clean_file)

    assert "0 created, 0 updated, 3 unchanged, 0 rejected" in out
    assert table_counts() == before
    assert dict(Entity.objects.values_list("pk", "updated_at")) == stamps
    assert list(EntityVersion.objects.values_list("pk", "valid_from", "valid_to", "data")) == versions


def test_a_changed_row_updates_the_entry_and_records_a_version_from_today(tmp_path, comuni):
    first = write(tmp_path / "day1.xlsx", [ministry_row(1), ministry_row(2)])
    run(first)
    second = write(
        tmp_path / "day2.xlsx",
        [
            ministry_row(
                1, name="ASSOCIAZIONE PROVA UNO APS", five_per_thousand="Si", section="ALTRI ENTI DEL TERZO SETTORE"
            ),
            ministry_row(2),
        ],
    )
    today = timezone.localdate()

    out, _ = run(second)

    assert "0 created, 1 updated, 1 unchanged, 0 rejected" in out
    entity = Entity.objects.get(tax_code=synthetic_tax_code(1))
    assert (entity.name, entity.sort_name, entity.five_per_thousand) == (
        "ASSOCIAZIONE PROVA UNO APS",
        "ASSOCIAZIONE PROVA UNO APS",
        True,
    )
    periods = list(
        entity.section_periods.order_by("valid_from").values_list("section__letter", "valid_from", "valid_to")
    )
    assert periods == [("b", date(2023, 3, 15), today), ("g", today, None)]
    old, new = entity.versions.order_by("valid_from")
    assert (old.valid_from, old.valid_to) == (date(2023, 3, 15), today)
    assert (new.valid_from, new.valid_to, new.reason) == (today, None, IMPORT_REASON)
    assert {"name", "five_per_thousand", "sections"} <= set(new.changed_fields)
    assert new.data["name"] == "ASSOCIAZIONE PROVA UNO APS"
    # The FTS index followed the bulk update of the name.
    assert list(Entity.objects.filter(name__icontains="UNO")) == [entity]

    out, _ = run(second)
    assert "0 created, 0 updated, 2 unchanged" in out


def test_every_kind_of_dirty_row_is_reported_and_the_good_rows_imported(tmp_path, comuni):
    register("GIÀ NEL REGISTRO", comuni["milano"], tax_code=synthetic_tax_code(90), repertory_number=555)
    tomorrow = timezone.localdate() + timedelta(days=1)
    rows = [
        ministry_row(1),  # row 2: good
        ministry_row(2, tax_code="92034450153"),  # 3
        ministry_row(3, registered_on="31/02/2023"),  # 4
        ministry_row(4, registered_on="00/00/0000"),  # 5
        ministry_row(5, registered_on="12/05/1850"),  # 6
        ministry_row(6, registered_on=tomorrow.strftime("%d/%m/%Y")),  # 7
        ministry_row(7, registered_on="Iscritto tramite trasmigrazione"),  # 8
        ministry_row(8, section="ONLUS"),  # 9
        ministry_row(9, municipality="ATLANTIDE"),  # 10
        ministry_row(10, municipality="CASTRO", province=""),  # 11
        ministry_row(11, repertory_number=0),  # 12
        ministry_row(12, repertory_number="12bis"),  # 13
        ministry_row(13, in_network="Forse"),  # 14
        ministry_row(14),  # 15: good, and repeated identically on row 16
        ministry_row(14),  # 16
        ministry_row(15),  # 17: the same codice fiscale as row 18 with other data
        ministry_row(15, name="ALTRO NOME"),  # 18
        ministry_row(16, repertory_number=900),  # 19: one repertorio for two codici fiscali
        ministry_row(17, repertory_number=900),  # 20
        ministry_row(18, repertory_number=555),  # 21: the register gave 555 to another codice fiscale
        ministry_row(90, repertory_number=556),  # 22: the register gave this codice fiscale 555
        ministry_row(19, name=""),  # 23
        ministry_row(20, tax_code="123", registered_on="99/99/2023", section=""),  # 24: several reasons
        [None] * 11,  # 25: blank, skipped
        ministry_row(21, municipality="ZELO SURRIGONE"),  # 26: good, pre-fusion name
    ]
    path = write(tmp_path / "dirty.xlsx", rows)

    out, _ = run(path, "--rejected-csv", str(tmp_path / "rejected.csv"))

    assert "24 rows read" in out
    assert "3 created, 0 updated, 0 unchanged, 21 rejected" in out
    expected = {
        3: "bad check digit",
        4: "impossible date 31/02/2023",
        5: "impossible date 00/00/0000",
        6: "date before 1900: 12/05/1850",
        7: f"date in the future: {tomorrow:%d/%m/%Y}",
        8: 'no date in "Iscritto tramite trasmigrazione"',
        9: 'unknown section "ONLUS"',
        10: 'unknown municipality "ATLANTIDE" (MI)',
        11: 'ambiguous municipality "CASTRO": CASTRO (BG, 016065), CASTRO (LE, 075096)',
        12: "repertorio must be a positive integer",
        13: "repertorio must be a positive integer",
        14: 'Rete must be "Si" or "No", not "Forse"',
        16: "duplicate of row 15",
        17: "codice fiscale also on row 18 with different data",
        18: "codice fiscale also on row 17 with different data",
        19: f"repertorio 900 also on row 20 ({synthetic_tax_code(17)})",
        20: f"repertorio 900 also on row 19 ({synthetic_tax_code(16)})",
        21: f"repertorio 555 already belongs to codice fiscale {synthetic_tax_code(90)}",
        22: "the register gives this codice fiscale repertorio 555",
        23: "missing name",
        24: "codice fiscale must have 11 digits or 16 characters; missing section; impossible date 99/99/2023",
    }
    for row_number, reason in expected.items():
        assert f"  row {row_number} (" in out
        line = next(line for line in out.splitlines() if line.startswith(f"  row {row_number} ("))
        assert line.endswith(f": {reason}"), line
    with (tmp_path / "rejected.csv").open(encoding="utf-8") as handle:
        listed = {int(r["row"]): r["reason"] for r in csv.DictReader(handle)}
    assert listed == expected

    imported = set(Entity.objects.exclude(tax_code=synthetic_tax_code(90)).values_list("tax_code", flat=True))
    assert imported == {synthetic_tax_code(1), synthetic_tax_code(14), synthetic_tax_code(21)}
    assert Entity.objects.get(tax_code=synthetic_tax_code(21)).municipality == comuni["vermezzo_con_zelo"]
    assert Entity.objects.get(tax_code=synthetic_tax_code(90)).repertory_number == 555


@pytest.mark.parametrize(
    "headers",
    [
        [*HEADERS[:1], "Numero pratica", *HEADERS[2:]],
        list(HEADERS[:-1]),
        ["Codice fiscale", "Repertorio"],
    ],
)
def test_a_wrong_header_row_stops_before_anything_changes(tmp_path, clean_file, headers):
    run(clean_file)
    before = table_counts()
    audit_entries = AuditEntry.objects.count()
    path = write(tmp_path / "wrong.xlsx", [ministry_row(50), ministry_row(51)], headers=headers)

    with pytest.raises(CommandError, match="The header row is not the Ministry's Enti iscritti layout") as caught:
        run(path)

    assert "Nothing was imported" in str(caught.value)
    assert table_counts() == before
    assert AuditEntry.objects.count() == audit_entries


def test_a_file_that_is_not_a_workbook_or_is_missing_stops_the_command(tmp_path, db):
    text = tmp_path / "iscritti.xlsx"
    text.write_text("not a workbook")
    with pytest.raises(CommandError, match="not an XLSX workbook"):
        run(text)
    with pytest.raises(CommandError, match="File not found"):
        run(tmp_path / "absent.xlsx")
    assert not AuditEntry.objects.filter(action=AUDIT_ACTION).exists()


def test_a_name_starting_with_equals_is_stored_as_text_and_never_exported_as_a_formula(tmp_path, comuni):
    formula = '=HYPERLINK("http://example.org/x","premi qui")'
    path = write(tmp_path / "formula.xlsx", [ministry_row(1, name=formula), ministry_row(2, name="=1+1", section="?")])

    run(path, "--rejected-csv", str(tmp_path / "rejected.csv"))

    assert Entity.objects.get(tax_code=synthetic_tax_code(1)).name == formula
    with (tmp_path / "rejected.csv").open(encoding="utf-8") as handle:
        [rejected] = list(csv.DictReader(handle))
    assert rejected["denominazione"] == "'=1+1"


def test_an_organisation_already_in_the_directory_is_linked_not_duplicated(tmp_path, airc, comuni):
    path = write(tmp_path / "airc.xlsx", [ministry_row(1, tax_code=airc.tax_code, section="ENTI FILANTROPICI")])
    organisations = Organisation.objects.count()

    run(path)

    entity = Entity.objects.get(tax_code=airc.tax_code)
    assert entity.organisation == airc
    assert Organisation.objects.count() == organisations


def test_an_entry_entered_by_the_office_gets_its_repertorio_and_representative(tmp_path, comuni):
    entity = register("ASSOCIAZIONE PROVA 1 APS", comuni["milano"], tax_code=synthetic_tax_code(1))
    Entity.objects.filter(pk=entity.pk).update(repertory_number=None)
    path = write(tmp_path / "one.xlsx", [ministry_row(1, registered_on="01/03/2023")])

    out, _ = run(path)

    assert "0 created, 1 updated" in out
    entity.refresh_from_db()
    assert entity.repertory_number == 101
    holder = entity.office_holders.get()
    assert (holder.full_name, holder.starts_on) == ("ROSSI MARIO", date(2023, 3, 1))
    assert entity.versions.order_by("valid_from").last().data["legal_representatives"] == ["ROSSI MARIO"]
    # A representative the office recorded is never replaced by the file's.
    path = write(
        tmp_path / "other.xlsx", [ministry_row(1, registered_on="01/03/2023", legal_representative="BIANCHI ANNA")]
    )
    out, _ = run(path)
    assert "0 created, 0 updated, 1 unchanged" in out


def test_a_cancelled_entry_is_not_revived(tmp_path, comuni):
    entity = register("CANCELLATA", comuni["milano"], tax_code=synthetic_tax_code(1), repertory_number=101)
    Entity.objects.filter(pk=entity.pk).update(status=EntityStatus.CANCELLED, cancellation_cause="a")
    path = write(tmp_path / "one.xlsx", [ministry_row(1)])

    out, _ = run(path)

    assert "the entry is cancelled in the register" in out
    assert Entity.objects.get(pk=entity.pk).name == "CANCELLATA"


def test_queries_do_not_grow_with_the_rows(tmp_path, comuni):
    municipalities = [("MILANO", "MI"), ("SESTO SAN GIOVANNI", "MI")]
    small = write(tmp_path / "small.xlsx", list(synthetic_rows(5, municipalities=municipalities)))
    large = write(
        tmp_path / "large.xlsx", list(synthetic_rows(60, municipalities=municipalities, start=5, first_repertory=6))
    )
    # The first audit entry of a database creates the chain's head: warm up so both runs do the same work.
    import_ministry_file(write(tmp_path / "warm.xlsx", [ministry_row(500)]))
    with CaptureQueriesContext(connection) as few:
        import_ministry_file(small)
    with CaptureQueriesContext(connection) as many:
        import_ministry_file(large)
    assert Entity.objects.count() == 66
    assert len(many.captured_queries) == len(few.captured_queries)


def test_batches_commit_one_after_the_other(tmp_path, comuni):
    rows = list(synthetic_rows(7, municipalities=[("MILANO", "MI")]))
    seen: list[tuple[int, int]] = []

    report = import_ministry_file(
        write(tmp_path / "f.xlsx", rows), batch_size=3, progress=lambda d, t: seen.append((d, t))
    )

    assert (report.created, report.rows) == (7, 7)
    assert seen == [(3, 7), (6, 7), (7, 7)]


@pytest.mark.usefixtures("anpr_archive")
class TestWithTheRealArchive:
    """The comuni as the file writes them, against the whole ANPR archive loaded by load_reference_data."""

    def test_names_of_the_file_find_todays_comuni(self, db, tmp_path):
        rows = [
            ministry_row(1, municipality="CANTU'", province="CO"),
            ministry_row(2, municipality="CORTACCIA SULLA STRADA DEL VIN", province="BZ"),
            ministry_row(3, municipality="VERMEZZO", province="MI"),
            ministry_row(4, municipality="ZELO SURRIGONE", province="MI"),
            ministry_row(5, municipality="MILANO", province=""),
            ministry_row(6, municipality="CASTRO", province=""),
        ]
        out, _ = run(write(tmp_path / "real.xlsx", rows))

        assert "5 created, 0 updated, 0 unchanged, 1 rejected" in out
        assert "row 7 (" in out and 'ambiguous municipality "CASTRO"' in out
        found = dict(Entity.objects.values_list("tax_code", "municipality__istat_code"))
        assert found == {
            synthetic_tax_code(1): "013041",
            synthetic_tax_code(2): "021024",
            synthetic_tax_code(3): "015251",
            synthetic_tax_code(4): "015251",
            synthetic_tax_code(5): "015146",
        }
        assert not Entity.objects.filter(municipality__valid_to__isnull=False).exists()


# --- Conflicts within the file, and batches prepared ahead --------------------------------------------

COLUMN_MAP = {column.key: i for i, column in enumerate(COLUMNS)}


def test_conflicts_are_found_on_the_values_as_written_before_any_row_is_parsed():
    rows = [
        (2, ministry_row(1)),
        (3, ministry_row(1, tax_code=" ".join(synthetic_tax_code(1)[i : i + 3] for i in range(0, 11, 3)))),
        (4, ministry_row(2, repertory_number="0777")),
        (5, ministry_row(3, repertory_number=777)),
        (6, ministry_row(4, tax_code="", repertory_number="")),
        (7, ministry_row(5, tax_code="", repertory_number="")),
        (8, ministry_row(6, registered_on="31/02/2023")),
        (9, ministry_row(6)),
        (10, ministry_row(7)),
        (11, ministry_row(7)),
    ]

    kept, rejected = drop_conflicts(rows, columns=COLUMN_MAP)

    assert [number for number, _ in kept] == [6, 7, 10]
    assert {r.row_number: r.reason for r in rejected} == {
        2: "codice fiscale also on row 3 with different data",
        3: "codice fiscale also on row 2 with different data",
        4: f"repertorio 777 also on row 5 ({synthetic_tax_code(3)})",
        5: f"repertorio 777 also on row 4 ({synthetic_tax_code(2)})",
        8: "codice fiscale also on row 9 with different data",
        9: "codice fiscale also on row 8 with different data",
        11: "duplicate of row 10",
    }


def test_items_run_ahead_come_in_order():
    assert list(run_ahead(iter(range(7)), ahead=True)) == list(range(7))
    assert list(run_ahead(iter(range(7)), ahead=False)) == list(range(7))


def test_an_error_while_running_ahead_reaches_the_caller():
    def items():  # type: ignore[no-untyped-def]
        yield from range(3)
        raise ValueError("broken batch")

    with pytest.raises(ValueError, match="broken batch"):
        list(run_ahead(items(), ahead=True))


def test_the_helper_stops_when_the_caller_stops():
    produced: list[int] = []
    stop = threading.Event()

    def items():  # type: ignore[no-untyped-def]
        for n in range(100):
            if stop.is_set():
                return
            produced.append(n)
            yield n

    running = run_ahead(items(), ahead=True, stop=stop)
    next(running)
    running.close()
    assert stop.is_set()
    assert len(produced) < 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_parallel_import_reads_in_a_process_prepares_in_a_thread_and_imports_the_same(tmp_path, comuni):
    register("GIÀ NEL REGISTRO", comuni["milano"], tax_code=synthetic_tax_code(90), repertory_number=555)
    register("ANCHE QUESTA", comuni["milano"], tax_code=synthetic_tax_code(92), repertory_number=556)
    rows = [*synthetic_rows(25, municipalities=[("MILANO", "MI"), ("VERMEZZO", "MI")], first_repertory=1000)]
    rows += [ministry_row(90, repertory_number=555, five_per_thousand="Si"), ministry_row(91, repertory_number=556)]
    path = write(tmp_path / "ahead.xlsx", rows)

    report = import_ministry_file(path, batch_size=4, parallel=True)

    assert (report.created, report.updated, report.unchanged) == (25, 1, 0)
    assert [(r.row_number, r.reason) for r in report.rejected] == [
        (28, f"repertorio 556 already belongs to codice fiscale {synthetic_tax_code(92)}")
    ]
    assert Entity.objects.get(tax_code=synthetic_tax_code(90)).five_per_thousand
    for entity in prefetch_for_snapshot(Entity.objects.filter(repertory_number__gte=1000)):
        assert entity.versions.get().data == entry_snapshot(entity, on=entity.registered_on)

    again = import_ministry_file(path, batch_size=4, parallel=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 26)


def test_the_reading_process_streams_the_rows_and_reports_an_unreadable_file(tmp_path):
    path = write(tmp_path / "small.xlsx", [ministry_row(1), ministry_row(2)])
    rows = list(sheet_in_process(path))
    assert [number for number, _ in rows] == [1, 2, 3]
    assert rows[1][1][:2] == [synthetic_tax_code(1), 101]

    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    with pytest.raises(UnreadableFile, match="not an XLSX workbook"):
        list(sheet_in_process(broken))


def test_dump_sheet_sends_chunks_then_none_or_the_error(tmp_path):
    path = write(tmp_path / "small.xlsx", [ministry_row(n) for n in range(5)])
    stream = io.BytesIO()
    dump_sheet(str(path), stream, chunk=2)
    stream.seek(0)
    sent = []
    with contextlib.suppress(EOFError):
        while True:
            sent.append(pickle.load(stream))
    assert [len(chunk) for chunk in sent[:-1]] == [2, 2, 2]  # the header and five rows
    assert sent[-1] is None

    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    stream = io.BytesIO()
    dump_sheet(str(broken), stream)
    stream.seek(0)
    assert isinstance(pickle.load(stream), UnreadableFile)


def test_sqlite_bulk_settings_are_put_back(db):
    def pragmas() -> list[object]:
        with connection.cursor() as cursor:
            values = []
            for name in SQLITE_BULK_PRAGMAS:
                cursor.execute(f"PRAGMA {name}")
                values.append(cursor.fetchone()[0])
            return values

    if connection.vendor != "sqlite":
        with bulk_write_settings():
            return
    before = pragmas()
    with bulk_write_settings():
        assert pragmas() == list(SQLITE_BULK_PRAGMAS.values())
    assert pragmas() == before


def test_copy_text_follows_postgresqls_text_format():
    assert copy_text(None) == "\\N"
    assert copy_text(True) == "t"
    assert copy_text("A\\B\tC\nD\rE") == "A\\\\B\\tC\\nD\\rE"
    assert copy_text(date(2022, 11, 7)) == "2022-11-07"
    assert copy_text([]) == "[]"
    assert copy_text(12) == "12"


def test_backslashes_and_quotes_in_names_arrive_intact(tmp_path, comuni):
    name = 'ASSOCIAZIONE "A\\B" L\'ALTRA \\N'
    run(write(tmp_path / "odd.xlsx", [ministry_row(1, name=name, legal_representative="D'ALESSIO \\ ANNA")]))
    entity = Entity.objects.get(tax_code=synthetic_tax_code(1))
    assert entity.name == name
    assert entity.office_holders.get().full_name == "D'ALESSIO \\ ANNA"
    assert entity.versions.get().data["name"] == name


def test_a_wrong_header_stops_the_reading_process_too(tmp_path, db):
    path = write(tmp_path / "wrong.xlsx", [ministry_row(1)], headers=["Codice fiscale", "Repertorio"])
    with pytest.raises(HeaderError):
        import_ministry_file(path, parallel=True)
    assert not Entity.objects.exists()
    assert not AuditEntry.objects.filter(action=AUDIT_ACTION).exists()
