"""Reads of the training area: each list runs a fixed number of queries, whatever its length."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from pariter.core.pagination import KeysetPage, keyset_page
from pariter.training import rules
from pariter.training.models import (
    Attendance,
    AttendanceFilter,
    Audience,
    Certificate,
    Edition,
    Enrollment,
    EnrollmentState,
    Gender,
    Initiative,
    InitiativeKind,
    Question,
    ScheduledMessage,
    TrainingSession,
)

# Cards per page of the catalogue and of its archive: a page renders in constant time whatever the history.
CATALOGUE_PAGE = 24
CARD_FIELDS = (
    "name",
    "starts_at",
    "ends_at",
    "initiative__title",
    "initiative__kind",
    "initiative__audience",
)


def _public_editions() -> QuerySet[Edition]:
    return Edition.objects.filter(is_published=True).select_related("initiative")


def _catalogue_cards(qs: QuerySet[Edition], *, audience: str, kind: str) -> QuerySet[Edition]:
    if audience:
        qs = qs.filter(initiative__audience=audience)
    if kind:
        qs = qs.filter(initiative__kind=kind)
    first_venue = TrainingSession.objects.filter(edition=OuterRef("pk")).order_by("starts_at").values("venue")[:1]
    # Only what a card shows (the initiative's description and the edition's rules stay in the database).
    return qs.only(*CARD_FIELDS).annotate(first_venue=Subquery(first_venue))


def _with_topic_names(page: KeysetPage[Edition]) -> KeysetPage[Edition]:
    """Each card's topic names, read in one query as plain strings (a prefetch builds a manager per card), and its
    kind and audience labels, translated once per page rather than once per card (`get_FOO_display` rebuilds the
    choices and translates them on every call)."""
    kinds = {value: str(label) for value, label in InitiativeKind.choices}
    audiences = {value: str(label) for value, label in Audience.choices}
    names: dict[int, list[str]] = defaultdict(list)
    through = Initiative.topics.through
    rows = through.objects.filter(initiative_id__in={e.initiative_id for e in page.items}).order_by("topic__name")
    for initiative_id, name in rows.values_list("initiative_id", "topic__name"):
        names[initiative_id].append(name)
    for e in page.items:
        e.topic_names = names[e.initiative_id]  # type: ignore[attr-defined]
        e.kind_label = kinds.get(e.initiative.kind, "")  # type: ignore[attr-defined]
        e.audience_label = audiences.get(e.initiative.audience, "")  # type: ignore[attr-defined]
    return page


def catalogue(
    *, now: datetime | None = None, audience: str = "", kind: str = "", cursor: str | None = None
) -> KeysetPage[Edition]:
    """Published editions that have not ended, soonest first, one keyset page at a time.

    The filter on `ends_at` is served by the `training_edition_ends` index, so the past (any number of ended
    editions) is never read; no row is counted."""
    now = now or timezone.now()
    qs = _catalogue_cards(_public_editions().filter(ends_at__gte=now), audience=audience, kind=kind)
    return _with_topic_names(
        keyset_page(qs, order=("starts_at", "id"), cursor=cursor, size=CATALOGUE_PAGE, scope="training.catalogue")
    )


def archive(
    *, now: datetime | None = None, audience: str = "", kind: str = "", cursor: str | None = None
) -> KeysetPage[Edition]:
    """Published editions that have ended, the most recently ended first, one keyset page at a time: both engines
    walk `training_edition_ends` backwards from today and stop after a page."""
    now = now or timezone.now()
    qs = _catalogue_cards(_public_editions().filter(ends_at__lt=now), audience=audience, kind=kind)
    return _with_topic_names(
        keyset_page(
            qs, order=("ends_at", "id"), cursor=cursor, size=CATALOGUE_PAGE, scope="training.archive", descending=True
        )
    )


def edition_public(pk: int) -> Edition | None:
    """A published edition with `session_list` and `topic_names`: three plain queries (a prefetch builds managers
    and caches the page does not need)."""
    edition = _public_editions().filter(pk=pk).first()
    if edition is None:
        return None
    edition.session_list = list(TrainingSession.objects.filter(edition=edition))  # type: ignore[attr-defined]
    through = Initiative.topics.through
    rows = through.objects.filter(initiative_id=edition.initiative_id).order_by("topic__name")
    edition.topic_names = list(rows.values_list("topic__name", flat=True))  # type: ignore[attr-defined]
    return edition


def places_taken(edition: Edition) -> dict[str, int]:
    counts = dict(
        edition.enrollments.filter(
            state__in=[EnrollmentState.CONFIRMED, EnrollmentState.OFFERED, EnrollmentState.WAITLISTED]
        )
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    held = counts.get(EnrollmentState.CONFIRMED, 0) + counts.get(EnrollmentState.OFFERED, 0)
    return {"held": held, "free": max(edition.capacity - held, 0), "waiting": counts.get(EnrollmentState.WAITLISTED, 0)}


@dataclass(frozen=True)
class PublicEvent:
    """What the public website lists: the contract with issue 6."""

    title: str
    starts_at: datetime
    ends_at: datetime
    venue: str
    url: str

    def get_absolute_url(self) -> str:
        return self.url


def upcoming_public_events(*, limit: int) -> list[PublicEvent]:
    """The next published editions that have not ended, soonest first."""
    return [
        PublicEvent(
            title=str(e),
            starts_at=e.starts_at,
            ends_at=e.ends_at,
            venue=e.first_venue or "Online",  # type: ignore[attr-defined]
            url=e.get_absolute_url(),
        )
        for e in catalogue().items[: max(limit, 0)]
        if e.starts_at and e.ends_at
    ]


def calendar_sessions(*, start: datetime, end: datetime) -> list[TrainingSession]:
    return list(
        TrainingSession.objects.filter(edition__is_published=True, starts_at__gte=start, starts_at__lt=end)
        .select_related("edition__initiative")
        .order_by("starts_at", "id")
    )


def month_bounds(day: date) -> tuple[datetime, datetime]:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first, datetime.min.time(), tzinfo=tz),
        datetime.combine(following, datetime.min.time(), tzinfo=tz),
    )


# --- Attendance ---------------------------------------------------------------------


def _rows(sessions: list[TrainingSession], by_session: dict[int, Attendance]) -> list[rules.SessionAttendance]:
    rows = []
    for s in sessions:
        a = by_session.get(s.pk)
        rows.append(
            rules.SessionAttendance(
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                break_minutes=s.break_minutes,
                status=a.status if a else None,
                checked_in_at=a.checked_in_at if a else None,
                checked_out_at=a.checked_out_at if a else None,
            )
        )
    return rows


def enrollment_totals(enrollment: Enrollment, sessions: list[TrainingSession]) -> rules.Totals:
    by_session = {a.session_id: a for a in enrollment.attendances.all()}
    return rules.totals(_rows(sessions, by_session))


def message_recipients(message: ScheduledMessage) -> list[Enrollment]:
    """The participants a scheduled message goes to: its enrollment state, then its attendance filter."""
    qs = message.edition.enrollments.filter(state=message.state, anonymised_at__isnull=True)
    came = Attendance.objects.filter(enrollment=OuterRef("pk"), status__in=["present", "late"])
    if message.attendance == AttendanceFilter.ATTENDED:
        qs = qs.filter(Exists(came))
    elif message.attendance == AttendanceFilter.ABSENT:
        qs = qs.exclude(Exists(came))
    return list(qs.order_by("id"))


def has_attended(enrollment: Enrollment) -> bool:
    return enrollment.attendances.filter(status__in=["present", "late"]).exists()


@dataclass(frozen=True)
class ParticipantRow:
    enrollment: Enrollment
    attendance: list[Attendance | None]
    totals: rules.Totals
    certificate: Certificate | None

    @property
    def earns_credits(self) -> bool:
        return rules.earns_credits(self.totals)


def edition_register(edition: Edition) -> tuple[list[TrainingSession], list[ParticipantRow]]:
    """The attendance register of an edition: confirmed people × sessions, with totals. Four queries."""
    sessions = list(edition.sessions.all())
    enrollments = list(
        edition.enrollments.filter(state=EnrollmentState.CONFIRMED)
        .select_related("municipality", "certificate")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.all()))
        .order_by("full_name", "id")
    )
    rows = []
    for e in enrollments:
        by_session = {a.session_id: a for a in e.attendances.all()}
        rows.append(
            ParticipantRow(
                enrollment=e,
                attendance=[by_session.get(s.pk) for s in sessions],
                totals=rules.totals(_rows(sessions, by_session)),
                certificate=getattr(e, "certificate", None),
            )
        )
    return sessions, rows


def session_roster(session: TrainingSession) -> list[tuple[Enrollment, Attendance | None]]:
    enrollments = list(session.edition.enrollments.filter(state=EnrollmentState.CONFIRMED).order_by("full_name", "id"))
    by_enrollment = {a.enrollment_id: a for a in session.attendances.all()}
    return [(e, by_enrollment.get(e.pk)) for e in enrollments]


# --- Staff views -------------------------------------------------------------------------


def staff_editions(*, upcoming_only: bool = True, now: datetime | None = None) -> list[Edition]:
    """Editions with their fill rate and waiting list, in two queries."""
    now = now or timezone.now()
    qs = Edition.objects.select_related("initiative")
    if upcoming_only:
        qs = qs.filter(Q(ends_at__gte=now) | Q(ends_at__isnull=True))
    return list(
        qs.annotate(
            held=Count("enrollments", filter=Q(enrollments__state__in=["confirmed", "offered"])),
            waiting=Count("enrollments", filter=Q(enrollments__state="waitlisted")),
            pending=Count("enrollments", filter=Q(enrollments__state="pending_approval")),
        ).order_by("starts_at", "id")[:200]
    )


def sessions_on(day: date) -> list[TrainingSession]:
    start = datetime.combine(day, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    return list(
        TrainingSession.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1))
        .select_related("edition__initiative")
        .annotate(checked_in=Count("attendances", filter=Q(attendances__checked_in_at__isnull=False)))
        .order_by("starts_at", "id")
    )


def edition_enrollments(edition: Edition) -> list[Enrollment]:
    return list(
        edition.enrollments.select_related("municipality").order_by("state", "waitlisted_at", "created_at", "id")
    )


@dataclass(frozen=True)
class Dashboard:
    by_audience: list[tuple[str, int]]
    by_topic: list[tuple[str, int]]
    by_municipality: list[tuple[str, int]]
    by_gender: list[tuple[str, int]]
    total: int


def dashboard(*, year: int) -> Dashboard:
    """Confirmed participants of editions that started in `year`, by audience, topic, municipality and gender."""
    base = Enrollment.objects.filter(state=EnrollmentState.CONFIRMED, edition__starts_at__year=year)
    audience_names = dict(Audience.choices)
    by_audience = [
        (str(audience_names.get(r["edition__initiative__audience"], "")), r["n"])
        for r in base.values("edition__initiative__audience").annotate(n=Count("id")).order_by("-n")
    ]
    by_topic = [
        (r["edition__initiative__topics__name"] or "—", r["n"])
        for r in base.values("edition__initiative__topics__name").annotate(n=Count("id")).order_by("-n")[:15]
    ]
    by_municipality = [
        ((r["municipality__name"] or "—").title(), r["n"])
        for r in base.values("municipality__name").annotate(n=Count("id")).order_by("-n")[:15]
    ]
    genders = dict(Gender.choices)
    by_gender = [
        (str(genders.get(r["gender"], r["gender"])), r["n"])
        for r in base.values("gender").annotate(n=Count("id")).order_by("-n")
    ]
    return Dashboard(by_audience, by_topic, by_municipality, by_gender, sum(n for _, n in by_gender))


def survey_results(edition: Edition) -> tuple[list[tuple[str, float, Counter[int]]], list[str], int]:
    """Per statement: the average and the count of each rating; the comments; the number of responses."""
    survey = getattr(edition, "survey", None)
    if survey is None:
        return [], [], 0
    responses = list(survey.responses.all())
    per_question: dict[int, Counter[int]] = defaultdict(Counter)
    for r in responses:
        for i, rating in enumerate(r.ratings):
            per_question[i][rating] += 1
    results = []
    for i, statement in enumerate(survey.questions):
        counts = per_question[i]
        n = sum(counts.values())
        results.append((statement, (sum(k * v for k, v in counts.items()) / n) if n else 0.0, counts))
    return results, [r.comment for r in responses if r.comment], len(responses)


def question_answers(question: Question) -> list[str]:
    """The answers given to a question (anonymised enrollments have none left). Answers are encrypted at rest, so
    this reads the edition's enrollments: a few hundred at most, and only when an officer edits or removes it."""
    key = str(question.pk)
    found = []
    for e in Enrollment.objects.filter(edition_id=question.edition_id, anonymised_at__isnull=True).exclude(
        answers_encrypted=""
    ):
        value = e.answers.get(key, "")
        if value:
            found.append(value)
    return found


def initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.prefetch_related("topics").order_by("title")
