"""Background work of the register, run by django.tasks' db_worker.

`export_open_data` writes the open-data files every night and queues its own next run, at 02:30 Europe/Rome.
Queuing is idempotent: if a future run of the task is already waiting, none is added, so restarts, manual runs
and `registry_export --schedule` never pile up duplicates.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection
from django.tasks import TaskResultStatus, task, task_backends
from django.utils import timezone

from pariter.registry import opendata, search

logger = logging.getLogger(__name__)

RUN_AT = time(2, 30)
RUN_ZONE = ZoneInfo("Europe/Rome")


@dataclass(frozen=True)
class ScheduledRun:
    run_after: datetime
    created: bool  # False if a run was already waiting


@task()
def export_open_data() -> dict[str, Any]:
    """Write the open-data files into MEDIA_ROOT/opendata, then make sure tomorrow's run is queued.

    First, the nightly upkeep of the search: fresh planner statistics on PostgreSQL, and on SQLite the names'
    positions renumbered if the day's entries used up a gap. The next run is queued even if this export fails, so
    one bad night does not stop the daily files.
    """
    try:
        search.refresh_statistics(connection)
        datasets = opendata.export_all(opendata.default_directory())
    finally:
        scheduled = ensure_scheduled()
    return {
        "files": [
            {"filename": d.filename, "rows": d.rows, "bytes": d.bytes}
            for dataset in datasets
            for d in dataset.distributions
        ],
        "next_run": scheduled.run_after.isoformat() if scheduled else None,
    }


# The PostgreSQL advisory lock that serialises the "is a run queued?" check.
LOCK_KEY = zlib.crc32(export_open_data.module_path.encode())


def next_run_after(now: datetime | None = None) -> datetime:
    """The first 02:30 in Rome strictly after `now`, as an aware UTC datetime.

    On the spring-forward night 02:30 does not exist; zoneinfo reads it with the winter offset (03:30 summer time).
    """
    now = now or timezone.now()
    day = now.astimezone(RUN_ZONE).date()
    candidate = datetime.combine(day, RUN_AT, tzinfo=RUN_ZONE).astimezone(UTC)
    if candidate <= now:
        candidate = datetime.combine(day + timedelta(days=1), RUN_AT, tzinfo=RUN_ZONE).astimezone(UTC)
    return candidate


def _pending_run(now: datetime) -> datetime | None:
    """The earliest future run of the export waiting in django_tasks_db, if any."""
    from django_tasks_db.models import DBTaskResult, get_date_max

    run_after: datetime | None = (
        DBTaskResult.objects.filter(
            task_path=export_open_data.module_path,
            backend_name=export_open_data.backend,
            status=TaskResultStatus.READY,
            run_after__gt=now,
        )
        # A task queued without run_after is stored with the far-future sentinel: it is due now, not tomorrow.
        .exclude(run_after=get_date_max())
        .order_by("run_after")
        .values_list("run_after", flat=True)
        .first()
    )
    return run_after


@contextmanager
def _serialised() -> Iterator[None]:
    """A transaction in which only one process at a time checks and queues the next run.

    SQLite: an exclusive transaction (django_tasks_db's helper). PostgreSQL: a transaction-level advisory lock.
    """
    from django_tasks_db.utils import exclusive_transaction

    with exclusive_transaction():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        yield


def ensure_scheduled(now: datetime | None = None) -> ScheduledRun | None:
    """Make sure one future run of `export_open_data` is queued; None if the task backend cannot defer tasks."""
    from django_tasks_db.backend import DatabaseBackend

    backend = task_backends[export_open_data.backend]
    if not backend.supports_defer:
        # The immediate backend (tests, development) would run "tomorrow's" export now, and again, forever.
        logger.info("The task backend %r cannot defer tasks: the daily open-data export is not queued.", backend.alias)
        return None
    now = now or timezone.now()
    run_after = next_run_after(now)
    if not isinstance(backend, DatabaseBackend):
        logger.warning("Cannot look for queued runs on %r: queuing one without the duplicate check.", backend.alias)
        export_open_data.using(run_after=run_after).enqueue()
        return ScheduledRun(run_after=run_after, created=True)
    with _serialised():
        pending = _pending_run(now)
        if pending is not None:
            return ScheduledRun(run_after=pending, created=False)
        export_open_data.using(run_after=run_after).enqueue()
    logger.info("Open-data export queued for %s.", run_after.astimezone(RUN_ZONE).isoformat())
    return ScheduledRun(run_after=run_after, created=True)
