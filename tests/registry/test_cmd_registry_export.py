"""manage.py registry_export and the nightly export task, which queues its own next run without duplicates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from asgiref.local import Local
from django.core.management import CommandError, call_command
from django.db import connection
from django.tasks import TaskResultStatus, task_backends
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pariter.registry import opendata, tasks
from tests.registry.factories import register

ROME = ZoneInfo("Europe/Rome")


def _reset_task_backends() -> None:
    task_backends._settings = None
    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def db_tasks(settings, db):  # type: ignore[no-untyped-def]
    """The production task backend (django_tasks_db), instead of the tests' immediate one."""
    previous = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _reset_task_backends()
    yield
    settings.TASKS = previous
    _reset_task_backends()


@pytest.fixture
def entities(milano):  # type: ignore[no-untyped-def]
    register("Associazione Il Ponte APS", milano, registered_on=date(2022, 11, 7))
    register("Rete Sola", milano, sections="e")


def _queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path="pariter.registry.tasks.export_open_data"))


# --- The command ------------------------------------------------------------------------------------------------


def test_the_command_writes_every_file_and_reports_rows_bytes_and_time(entities, tmp_path):
    out = StringIO()
    call_command("registry_export", "--dir", str(tmp_path), stdout=out)
    text = out.getvalue()
    for name in ("runts-enti-iscritti.csv", "runts-enti-iscritti.xlsx", "runts-registro-enti.json"):
        assert (tmp_path / name).exists()
        line = next(line for line in text.splitlines() if line.startswith(name))
        rows, size, seconds = line.split()[1:]
        assert rows == "2" and int(size.replace(",", "")) == (tmp_path / name).stat().st_size
        assert float(seconds) >= 0
    assert "rows" in text and "bytes" in text and "seconds" in text
    assert opendata.read_manifest(tmp_path) is not None


def test_the_command_writes_into_media_root_by_default(entities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("registry_export", stdout=StringIO())
    assert (tmp_path / "opendata" / "manifest.json").exists()


def test_the_command_can_write_some_formats(entities, tmp_path):
    out = StringIO()
    call_command("registry_export", "--dir", str(tmp_path), "--format", "csv,json", stdout=out)
    assert (tmp_path / "runts-registro-enti.csv").exists() and (tmp_path / "runts-registro-enti.json").exists()
    assert not (tmp_path / "runts-registro-enti.xlsx").exists()
    assert ".xlsx" not in out.getvalue()


def test_the_command_refuses_unknown_formats(db, tmp_path):
    with pytest.raises(CommandError, match="pdf"):
        call_command("registry_export", "--dir", str(tmp_path), "--format", "csv,pdf", stdout=StringIO())


def test_schedule_needs_a_backend_that_defers(db, tmp_path):
    """The tests' immediate backend would run "tomorrow's" export at once: nothing is queued, and it says so."""
    with pytest.raises(CommandError, match="cannot defer"):
        call_command("registry_export", "--schedule", stdout=StringIO())


def test_schedule_queues_one_run_and_only_one(db_tasks, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    out = StringIO()
    call_command("registry_export", "--schedule", stdout=out)
    call_command("registry_export", "--schedule", stdout=out)
    queued = _queued()
    assert len(queued) == 1
    run = queued[0]
    assert run.status == TaskResultStatus.READY
    local = run.run_after.astimezone(ROME)
    assert (local.hour, local.minute) == (2, 30) and run.run_after > timezone.now()
    assert "queued for" in out.getvalue() and "already queued" in out.getvalue()
    assert not (tmp_path / "opendata").exists()  # --schedule does not export


# --- The task ---------------------------------------------------------------------------------------------------


def test_the_task_exports_into_media_root(entities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result = tasks.export_open_data.enqueue()  # the immediate backend runs it now
    assert result.status == TaskResultStatus.SUCCESSFUL
    files = {f["filename"]: f for f in result.return_value["files"]}
    assert files["runts-enti-iscritti.csv"]["rows"] == 2
    assert result.return_value["next_run"] is None  # nothing to queue on the immediate backend
    assert json.loads((tmp_path / "opendata" / "manifest.json").read_text())["datasets"]


def test_the_task_first_brings_the_search_up_to_date(entities, settings, tmp_path, monkeypatch):
    from pariter.registry import search

    settings.MEDIA_ROOT = tmp_path
    calls = []
    monkeypatch.setattr(search, "refresh_statistics", calls.append)
    tasks.export_open_data.enqueue()
    assert calls == [connection]


def test_the_task_queues_tomorrows_run_and_no_more(db_tasks, entities, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first = tasks.export_open_data.call()
    second = tasks.export_open_data.call()
    assert len(_queued()) == 1
    assert first["next_run"] == second["next_run"] == _queued()[0].run_after.isoformat()


def test_the_next_run_is_queued_even_if_the_export_fails(db_tasks, monkeypatch):
    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr(opendata, "export_all", broken)
    with pytest.raises(OSError):
        tasks.export_open_data.call()
    assert len(_queued()) == 1


def test_runs_that_are_not_future_runs_do_not_count(db_tasks):
    # A run queued without run_after (stored with the far-future sentinel), a late one, and a finished one.
    tasks.export_open_data.enqueue()
    tasks.export_open_data.using(run_after=timezone.now() - timedelta(hours=1)).enqueue()
    done = tasks.export_open_data.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    DBTaskResult.objects.filter(id=done.id).update(status=TaskResultStatus.SUCCESSFUL)
    scheduled = tasks.ensure_scheduled()
    assert scheduled is not None and scheduled.created
    assert DBTaskResult.objects.filter(run_after=scheduled.run_after, status=TaskResultStatus.READY).count() == 1


def test_a_waiting_run_at_another_time_is_kept(db_tasks):
    later = timezone.now() + timedelta(days=3)
    tasks.export_open_data.using(run_after=later).enqueue()
    scheduled = tasks.ensure_scheduled()
    assert scheduled is not None and not scheduled.created and scheduled.run_after == later
    assert len(_queued()) == 1


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Before 02:30 in Rome: the same night. Summer time is UTC+2.
        (datetime(2025, 6, 10, 1, 0, tzinfo=ROME), datetime(2025, 6, 10, 0, 30, tzinfo=UTC)),
        # At 02:30 exactly (the task itself running): tomorrow.
        (datetime(2025, 6, 10, 2, 30, tzinfo=ROME), datetime(2025, 6, 11, 0, 30, tzinfo=UTC)),
        # Late evening in winter (UTC+1): the next night.
        (datetime(2025, 1, 15, 23, 30, tzinfo=ROME), datetime(2025, 1, 16, 1, 30, tzinfo=UTC)),
        # Spring forward (29 March 2026): 02:30 does not exist; the run goes at 03:30 summer time.
        (datetime(2026, 3, 28, 12, 0, tzinfo=ROME), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # Fall back (26 October 2025): 02:30 happens twice; the first one (summer time).
        (datetime(2025, 10, 25, 12, 0, tzinfo=ROME), datetime(2025, 10, 26, 0, 30, tzinfo=UTC)),
    ],
)
def test_the_next_run_is_at_half_past_two_in_rome(now, expected):
    assert tasks.next_run_after(now) == expected
