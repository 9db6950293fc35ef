"""Work for bench_training, run in a subprocess against the training benchmark database (DATABASE_URL).

`python -m bench.training_work build`     5,000 past editions (15,000 sessions) and 20 upcoming ones, once
`python -m bench.training_work opening`   an edition about to open, with 50 places, for the registration rush
`python -m bench.training_work checkin`   301 scans at the door through the view (Django test client): the
                                          first one's queries, the other 300's p50/p95
`python -m bench.training_work batch`     300 certificates issued and zipped by the background task, seconds
`python -m bench.training_work count ID`  the states of an edition's enrollments, in order of arrival
`python -m bench.training_work pages`     the catalogue, its archive and 50 past edition pages in-process (Django
                                          test client, one thread, the settings of the environment): queries, p50/p95

Each prints one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pariter.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from pariter.core import audit  # noqa: E402
from pariter.training import services  # noqa: E402
from pariter.training.models import (  # noqa: E402
    Attendance,
    Audience,
    Edition,
    Enrollment,
    EnrollmentState,
    Initiative,
    InitiativeKind,
    TrainingSession,
)

PAST = 5000


def build() -> dict:
    if Edition.objects.filter(initiative__title__startswith="Bench ").count() >= PAST:
        return {"built": False}
    now = timezone.now()
    with transaction.atomic(), audit.reason("benchmark data"):
        initiatives = Initiative.objects.bulk_create(
            Initiative(
                title=f"Bench corso {i:02d} sulle pari opportunità",
                kind=InitiativeKind.COURSE,
                audience=list(Audience.values)[i % 4],
            )
            for i in range(50)
        )
        editions = Edition.objects.bulk_create(
            Edition(
                initiative=initiatives[i % 50],
                name=f"Edizione {i}",
                is_published=True,
                capacity=30,
                starts_at=now - timedelta(days=30 + i),
                ends_at=now - timedelta(days=16 + i),
            )
            for i in range(PAST)
        )
        sessions = []
        for edition in editions:
            for k in range(3):
                start = edition.starts_at + timedelta(days=7 * k)  # type: ignore[operator]
                sessions.append(
                    TrainingSession(
                        edition=edition, starts_at=start, ends_at=start + timedelta(hours=3), venue="Palazzo Isimbardi"
                    )
                )
        TrainingSession.objects.bulk_create(sessions, batch_size=2000)
    for i in range(20):
        edition = Edition.objects.create(
            initiative=initiatives[i], name=f"Prossima {i}", is_published=True, capacity=30
        )
        start = now + timedelta(days=5 + i)
        services.session_add(
            edition=edition, starts_at=start, ends_at=start + timedelta(hours=3), venue="Sala Affreschi"
        )
    return {"built": True, "editions": Edition.objects.count()}


def _edition(name: str, capacity: int, starts_in: timedelta) -> Edition:
    initiative = Initiative.objects.filter(title__startswith="Bench ").first() or Initiative.objects.create(
        title="Bench", kind=InitiativeKind.COURSE, audience=Audience.CITIZENS
    )
    edition = Edition.objects.create(initiative=initiative, name=name, is_published=True, capacity=capacity)
    start = timezone.now() + starts_in
    services.session_add(edition=edition, starts_at=start, ends_at=start + timedelta(hours=3), venue="Sala")
    edition.refresh_from_db()
    return edition


def opening() -> dict:
    edition = _edition(f"Apertura {time.time():.0f}", 50, timedelta(days=30))
    past = list(Edition.objects.filter(ends_at__lt=timezone.now()).order_by("?").values_list("pk", flat=True)[:50])
    return {"edition": edition.pk, "past": past}


def count(edition_id: int) -> dict:
    rows = list(Enrollment.objects.filter(edition_id=edition_id).order_by("id").values_list("state", "waitlisted_at"))
    states = [s for s, _ in rows]
    waiting = [w for s, w in rows if s == EnrollmentState.WAITLISTED]
    return {
        "confirmed": states.count(EnrollmentState.CONFIRMED),
        "waitlisted": states.count(EnrollmentState.WAITLISTED),
        "first_50_confirmed": all(s == EnrollmentState.CONFIRMED for s in states[:50]),
        "waitlist_in_arrival_order": waiting == sorted(waiting),
        "total": len(states),
    }


def _people(edition: Edition, n: int) -> list[Enrollment]:
    return [
        services.enrollment_create(
            edition=edition, full_name=f"Persona {i}", email=f"b{i}.{edition.pk}@example.org", consent=True
        )
        for i in range(n)
    ]


def checkin() -> dict:
    from django.test import Client

    from pariter.core.models import Organisation
    from pariter.core.roles import Role
    from pariter.core.services import membership_add

    edition = _edition(f"Porta {time.time():.0f}", 301, timedelta(hours=1))
    people = _people(edition, 301)  # the first to count queries, 300 timed
    session = edition.sessions.get()
    start = timezone.now() - timedelta(minutes=5)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=start, ends_at=start + timedelta(hours=3))
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from pariter.core.models import User

    user = User.objects.filter(email="bench-volunteer@example.org").first()
    if user is None:
        user = User.objects.create_user("bench-volunteer@example.org", "x" * 20, full_name="Bench")
        office = Organisation.objects.filter(is_home_office=True).first()
        membership_add(user=user, organisation=office, role=Role.CIVIL_SERVICE_VOLUNTEER)
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    client = Client()
    client.force_login(user)
    url = f"/formazione/gestione/sessioni/{session.pk}/presenze/"
    client.get(url)
    from django.db import connection

    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    # The first scan's statements are counted (transaction control aside); it is not timed.
    first, *people = people
    with connection.execute_wrapper(count):
        client.post(url, {"code": first.checkin_code, "mode": "in"}, HTTP_ACCEPT="application/json")
    timings = []
    for p in people:
        started = time.perf_counter()
        response = client.post(url, {"code": p.checkin_code, "mode": "in"}, HTTP_ACCEPT="application/json")
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (response.status_code, response.get("Location"), response.content[:200])
    timings.sort()
    return {
        "scans": len(timings),
        "queries": len(queries),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "recorded": Attendance.objects.filter(session=session).count(),
    }


def batch() -> dict:
    from pariter.training import tasks
    from pariter.training.models import CertificateBatch

    edition = _edition(f"Attestati {time.time():.0f}", 300, timedelta(days=1))
    people = _people(edition, 300)
    session = edition.sessions.get()
    Attendance.objects.bulk_create(Attendance(enrollment=p, session=session, status="present") for p in people)
    end = timezone.now() - timedelta(hours=1)
    TrainingSession.objects.filter(pk=session.pk).update(starts_at=end - timedelta(hours=3), ends_at=end)
    services.edition_refresh_dates(edition=edition)
    b = CertificateBatch.objects.create(edition=edition)
    started = time.perf_counter()
    tasks.issue_certificates.call(batch_id=b.pk)
    seconds = time.perf_counter() - started
    b.refresh_from_db()
    size = (tasks.batch_directory() / b.archive).stat().st_size
    return {
        "certificates": edition.enrollments.filter(certificate__isnull=False).count(),
        "seconds": round(seconds, 1),
        "zip_mb": round(size / 1e6, 1),
        "status": b.status,
    }


def _timed(client: object, paths: list[str], requests: int) -> dict:
    from django.db import connection

    get = client.get  # type: ignore[attr-defined]
    for path in paths[:10]:
        get(path)
    queries: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        queries.append(sql)
        return execute(sql, params, many, context)

    # A wrapper, not CaptureQueriesContext: it survives the connection being checked between requests.
    with connection.execute_wrapper(count):
        response = get(paths[0])
    assert response.status_code == 200, (paths[0], response.status_code)
    timings, cpu = [], []
    for i in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = get(paths[i % len(paths)])
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (paths[i % len(paths)], response.status_code)
    timings.sort()
    cpu.sort()
    # Wall time includes waiting for a busy machine; this process's CPU time (which, on SQLite, includes the
    # database's work, and on PostgreSQL excludes the server's) is what the code itself costs.
    return {
        "queries": len(queries),
        "bytes": len(response.content),
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
        "cpu_p50_ms": round(statistics.median(cpu), 1),
        "cpu_p95_ms": round(cpu[int(len(cpu) * 0.95) - 1], 1),
    }


def pages() -> dict:
    """What a page costs inside the process, without HTTP or concurrency: the part the code can change."""
    from django.test import Client

    requests = int(os.environ.get("BENCH_PAGE_REQUESTS", "300"))
    past = list(
        Edition.objects.filter(is_published=True, ends_at__lt=timezone.now())
        .order_by("-ends_at", "-id")
        .values_list("pk", flat=True)[:5000:100]
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="it")
    result = {
        "catalogue": _timed(client, ["/formazione/"], requests),
        "past_editions": _timed(client, [f"/formazione/edizioni/{pk}/" for pk in past], requests),
    }
    archive = client.get("/formazione/archivio/")
    if archive.status_code == 200:
        result["archive"] = _timed(client, ["/formazione/archivio/"], requests)
    return result


if __name__ == "__main__":
    what = sys.argv[1]
    result = {"build": build, "opening": opening, "checkin": checkin, "batch": batch, "pages": pages}.get(what)
    print(json.dumps(result() if result else count(int(sys.argv[2]))))
