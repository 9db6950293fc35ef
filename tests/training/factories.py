"""Training object graphs for tests, made through the real services."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from django.utils import timezone

from pariter.training import services
from pariter.training.models import Audience, Edition, Enrollment, Initiative, InitiativeKind

_n = itertools.count(1)


def make_edition(
    *,
    capacity: int = 20,
    starts_in: timedelta = timedelta(days=10),
    sessions: int = 3,
    hours: int = 3,
    break_minutes: int = 30,
    published: bool = True,
    title: str = "Pari opportunità nel lavoro",
    **fields: object,
) -> Edition:
    initiative = Initiative.objects.create(title=title, kind=InitiativeKind.COURSE, audience=Audience.SOCIAL_OPERATORS)
    edition = Edition.objects.create(
        initiative=initiative, name=f"Edizione {next(_n)}", capacity=capacity, is_published=published, **fields
    )
    moment = timezone.localtime(timezone.now() + starts_in).replace(second=0, microsecond=0)
    # Days away: the session starts at 9:30 that day. Hours away: exactly then, or "started an hour ago" would mean
    # 9:30 today, still to come when the tests run before dawn.
    first = moment.replace(hour=9, minute=30) if abs(starts_in) >= timedelta(days=1) else moment
    for i in range(sessions):
        start = first + timedelta(days=7 * i)
        services.session_add(
            edition=edition,
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            break_minutes=break_minutes,
            venue="Sala Affreschi, Palazzo Isimbardi, Corso Monforte 35, Milano",
            title=f"Modulo {i + 1}",
        )
    edition.refresh_from_db()
    return edition


def enroll(edition: Edition, name: str = "", *, now: datetime | None = None, **fields: object) -> Enrollment:
    name = name or f"Persona {next(_n)}"
    email = str(fields.pop("email", f"{name.lower().replace(' ', '.')}.{next(_n)}@example.org"))
    return services.enrollment_create(
        edition=edition,
        full_name=name,
        email=email,
        consent=True,
        now=now,
        **fields,  # type: ignore[arg-type]
    )


def move_to_past(edition: Edition, days: int = 30) -> Edition:
    """Shift an edition and its sessions into the past (certificates need an ended edition)."""
    shift = timedelta(days=days + 40)
    for s in edition.sessions.all():
        s.starts_at -= shift
        s.ends_at -= shift
        s.save(update_fields=["starts_at", "ends_at"])
    services.edition_refresh_dates(edition=edition)
    edition.refresh_from_db()
    return edition
