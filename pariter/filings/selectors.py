"""Reads of the filings, with what each page needs joined, so every list runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from pariter.core.models import Organisation, User
from pariter.core.pagination import KeysetPage, keyset_page
from pariter.filings import deadlines
from pariter.filings.kinds import DocKind, Kind, State
from pariter.filings.models import Filing, FilingDocument, FilingEvent, FilingNote, Notary, NotaryRefusal
from pariter.registry.models import Entity

QUEUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilters:
    kind: str = ""
    state: str = ""
    section: int | None = None
    municipality: int | None = None
    assignee: int | None = None
    unassigned: bool = False
    control_scope: str = ""
    control_method: str = ""


def _list_related(qs: QuerySet[Filing]) -> QuerySet[Filing]:
    return qs.select_related("organisation__municipality", "entity", "section", "assignee")


def queue(filters: QueueFilters, *, cursor: str | None = None, size: int = QUEUE_PAGE_SIZE) -> KeysetPage[Filing]:
    """Open filings, most urgent legal deadline first (those without a term last)."""
    qs = Filing.objects.filter(is_open=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.section:
        qs = qs.filter(
            Q(section_id=filters.section)
            | Q(entity__section_periods__section_id=filters.section, entity__section_periods__valid_to__isnull=True)
        )
    if filters.municipality:
        qs = qs.filter(organisation__municipality_id=filters.municipality)
    if filters.control_scope:
        qs = qs.filter(kind=Kind.CONTROL, control__scope=filters.control_scope)
    if filters.control_method:
        qs = qs.filter(kind=Kind.CONTROL, control__method=filters.control_method)
    if filters.unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        qs = qs.filter(assignee_id=filters.assignee)
    # Only what a row shows: the queue reads no entity, section or term columns.
    qs = qs.select_related("organisation__municipality", "assignee").only(
        "kind",
        "state",
        "due_on",
        "reply_by",
        "is_open",
        "queue_key",
        "organisation__name",
        "organisation__municipality__name",
        "assignee__full_name",
    )
    return keyset_page(qs, order=["queue_key", "id"], cursor=cursor, size=size, scope="filings-queue")


def officers() -> QuerySet[User]:
    """Who can be assigned a filing: the office's register officers and administrators."""
    from pariter.core.roles import Role

    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__is_home_office=True,
            memberships__role__in=[Role.REGISTER_OFFICER, Role.ADMINISTRATOR],
            memberships__ends_on__isnull=True,
        )
        .distinct()
        .order_by("full_name", "id")
    )


def entity_by_repertory(repertory_number: int) -> Entity | None:
    """The register's entity with this repertorio, with its organisation (the office opens filings on it)."""
    return Entity.objects.select_related("organisation").filter(repertory_number=repertory_number).first()


def entity_by_pk(pk: int) -> Entity | None:
    return Entity.objects.select_related("organisation").filter(pk=pk).first()


def filing_detail(pk: int) -> Filing | None:
    return _list_related(Filing.objects.filter(pk=pk)).select_related("cash_statement").first()


def timeline(filing: Filing) -> list[FilingEvent]:
    return list(filing.events.select_related("actor", "document").order_by("at", "id"))


def documents(filing: Filing) -> list[FilingDocument]:
    return list(filing.documents.select_related("uploaded_by").order_by("uploaded_at", "id"))


def notes(filing: Filing) -> list[FilingNote]:
    return list(filing.notes.select_related("author").order_by("at", "id"))


def undisclosed_controls() -> Q:
    """Controls the entity has not been told of yet: no formal act of theirs has been sent (need to know)."""
    sent_act = FilingDocument.objects.filter(filing_id=OuterRef("pk"), kind=DocKind.OFFICE_ACT, sent_at__isnull=False)
    return Q(kind=Kind.CONTROL) & ~Q(Exists(sent_act))


def filings_of(organisation: Organisation) -> list[Filing]:
    """An entity's own filings, newest first (a few dozen at most); a control only once an act of it was sent."""
    qs = Filing.objects.filter(organisation=organisation).exclude(undisclosed_controls())
    return list(_list_related(qs).order_by("-created_at", "-id")[:200])


def filings_of_notary(notary: Notary) -> list[Filing]:
    """The filings a notary made, newest first (a notary deposits a few a month)."""
    return list(_list_related(Filing.objects.filter(notary=notary)).order_by("-created_at", "-id")[:200])


def refusals_of_notary(notary: Notary) -> list[NotaryRefusal]:
    return list(NotaryRefusal.objects.filter(notary=notary).select_related("organisation")[:200])


def refusals_for(organisation: Organisation) -> list[NotaryRefusal]:
    """The refusals notaries recorded for an entity being constituted: its founders' way to the office."""
    return list(NotaryRefusal.objects.filter(organisation=organisation).select_related("notary")[:20])


def notaries() -> list[Notary]:
    """Every notary the office has enabled, current or past (a few dozen)."""
    return list(Notary.objects.select_related("user", "enabled_by").order_by("full_name", "id"))


def filings_at_risk(*, today: date, days: int = 7) -> list[Filing]:
    """Open filings whose legal deadline has passed or falls within `days`."""
    limit = deadlines.add_days(today, days)
    return list(_list_related(Filing.objects.filter(is_open=True, due_on__lte=limit)).order_by("queue_key", "id")[:500])


def due_duties(organisation: Organisation, *, today: date) -> list[tuple[str, date]]:
    """What the entity must deposit next: last year's accounts by 30 June (CTS art. 48 c.3)."""
    from pariter.filings.kinds import Kind as K

    year = today.year - 1
    filed = Filing.objects.filter(organisation=organisation, kind=K.ANNUAL_ACCOUNTS, financial_year=year).exclude(
        state__in=[State.DRAFT, State.WITHDRAWN, State.REFUSED]
    )
    duties = []
    if not filed.exists():
        duties.append((str(year), deadlines.annual_accounts_due(year)))
    return duties


@dataclass(frozen=True)
class Summary:
    open_by_kind: list[tuple[Any, int]]
    overdue: int
    due_soon: int
    missed: int


def summary(*, today: date) -> Summary:
    """The figures at the top of the workbench: a handful of aggregate queries over indexed columns."""
    from pariter.filings.models import EventCode

    soon = deadlines.add_days(today, 7)
    # One pass over the open filings, read from the partial index on (kind, due_on): counting "kind" rather than
    # "id" keeps it an index-only scan.
    rows = (
        Filing.objects.filter(is_open=True)
        .values_list("kind")
        .annotate(
            n=Count("kind"),
            overdue=Count("kind", filter=Q(due_on__lt=today)),
            soon=Count("kind", filter=Q(due_on__gte=today, due_on__lte=soon)),
        )
        .order_by()
    )
    by_kind = {kind: (n, overdue, due_soon) for kind, n, overdue, due_soon in rows}
    return Summary(
        open_by_kind=[(Kind(k).label, by_kind[k][0]) for k in Kind if k in by_kind],
        overdue=sum(v[1] for v in by_kind.values()),
        due_soon=sum(v[2] for v in by_kind.values()),
        missed=FilingEvent.objects.filter(code=EventCode.TERM_MISSED).count(),
    )


def accounts_year_overdue(today: date) -> int:
    """The latest financial year whose accounts are already late (due 30 June of the next year)."""
    year = today.year - 1
    return year if today > deadlines.annual_accounts_due(year) else year - 1


def missing_accounts(
    *, year: int, cursor: str | None = None, size: int = 50, transmigrated: bool = False
) -> KeysetPage[Any]:
    """Registered entities without the accounts of `year` and without a pending warning: candidates for a diffida.

    `transmigrated`: the ODV and APS registered by transmigration still without their 2021 accounts (T22).
    """
    from pariter.registry.models import Entity, EntityStatus, RegistrationRoute

    if transmigrated:
        year = deadlines.TRANSMIGRATED_ACCOUNTS_YEAR

    filed = Filing.objects.filter(
        organisation=OuterRef("organisation"), kind=Kind.ANNUAL_ACCOUNTS, financial_year=year
    ).exclude(state__in=[State.DRAFT, State.WITHDRAWN, State.REFUSED])
    warned = Filing.objects.filter(organisation=OuterRef("organisation"), kind=Kind.WARNING, is_open=True)
    qs = (
        # A migrating entity still owes its accounts; a warned one is already warned, one under cancellation is past it.
        Entity.objects.filter(status__in=[EntityStatus.REGISTERED, EntityStatus.MIGRATING])
        .exclude(Exists(filed))
        .exclude(Exists(warned))
        .select_related("municipality")
    )
    if transmigrated:
        # Registered in 2022 by transmigration, they owe the accounts of 2021 all the same (T22).
        qs = qs.filter(registration_route=RegistrationRoute.TRANSMIGRATION)
    else:
        qs = qs.filter(registered_on__lte=date(year, 12, 31))
    scope = f"missing-accounts-{year}" + ("-t22" if transmigrated else "")
    return keyset_page(qs, order=["sort_name", "id"], cursor=cursor, size=size, scope=scope)


@dataclass(frozen=True)
class Dashboard:
    months: list[date]
    flows: list[dict[str, Any]]  # per kind: label, in (per month), out (per month), pending
    decision_days: list[tuple[Any, float, int]]  # kind label, average days, decisions
    missed: int
    overdue_now: int
    by_section: list[tuple[str, str, int]]
    by_municipality: list[tuple[str, int]]


def _month_starts(today: date, months: int) -> list[date]:
    first = today.replace(day=1)
    return [deadlines.add_months(first, -n) for n in range(months - 1, -1, -1)]


def dashboard(*, today: date, months: int = 12) -> Dashboard:
    """The office's figures over the last `months` months: a handful of grouped queries, whatever the volume."""
    from django.db.models.functions import TruncMonth

    from pariter.filings.models import EventCode
    from pariter.registry.models import Entity, EntitySection, EntityStatus

    starts = _month_starts(today, months)
    since = starts[0]
    index = {m: i for i, m in enumerate(starts)}

    def per_month(field: str) -> dict[str, list[int]]:
        rows = (
            Filing.objects.filter(**{f"{field}__gte": since})
            .annotate(month=TruncMonth(field))
            .values_list("kind", "month")
            .annotate(n=Count("id"))
            .order_by()
        )
        out: dict[str, list[int]] = {}
        for kind, month, n in rows:
            month = month.date() if hasattr(month, "date") and callable(month.date) else month
            if month in index:
                out.setdefault(kind, [0] * months)[index[month]] += n
        return out

    arrivals, decisions = per_month("submitted_on"), per_month("decided_on")
    pending = dict(Filing.objects.filter(is_open=True).values_list("kind").annotate(n=Count("id")).order_by())
    flows = [
        {
            "label": kind.label,
            "in": arrivals.get(kind, [0] * months),
            "out": decisions.get(kind, [0] * months),
            "pending": pending.get(kind, 0),
        }
        for kind in Kind
        if kind in arrivals or kind in decisions or kind in pending
    ]
    durations: dict[str, list[int]] = {}
    for kind, submitted, decided in Filing.objects.filter(
        decided_on__gte=since, submitted_on__isnull=False
    ).values_list("kind", "submitted_on", "decided_on"):
        if decided and submitted:
            durations.setdefault(kind, []).append((decided - submitted).days)
    decision_days = [(Kind(k).label, round(sum(v) / len(v), 1), len(v)) for k in Kind if (v := durations.get(k))]
    by_section = list(
        EntitySection.objects.filter(
            valid_to__isnull=True,
            entity__status__in=[
                EntityStatus.REGISTERED,
                EntityStatus.MIGRATING,
                EntityStatus.WARNED,
                EntityStatus.CANCELLING,
            ],
        )
        .values_list("section__letter", "section__name")
        .annotate(n=Count("id"))
        .order_by("section__letter")
    )
    by_municipality = list(
        Entity.objects.exclude(status=EntityStatus.CANCELLED)
        .values_list("municipality__name")
        .annotate(n=Count("id"))
        .order_by("-n", "municipality__name")[:20]
    )
    return Dashboard(
        months=starts,
        flows=flows,
        decision_days=decision_days,
        missed=FilingEvent.objects.filter(code=EventCode.TERM_MISSED, at__date__gte=since).count(),
        overdue_now=Filing.objects.filter(is_open=True, due_on__lt=today).count(),
        by_section=by_section,
        by_municipality=by_municipality,
    )


def reviews_due(*, today: date, limit: int = 20) -> list[Any]:
    """Registered entities whose three-yearly review is due (DM 106/2020 art. 21), the longest waiting first.

    Due means three years since registration with no review opened since then. Sections d) and f) are never
    reviewed; an entity also held in another section is reviewed for that one.
    """
    from django.db.models import Exists, OuterRef

    from pariter.registry.models import Entity, EntitySection, EntityStatus

    reviewed = Filing.objects.filter(
        organisation=OuterRef("organisation"), kind=Kind.REVIEW, submitted_on__gt=OuterRef("cutoff")
    ).exclude(state=State.WITHDRAWN)
    open_review = Filing.objects.filter(organisation=OuterRef("organisation"), kind=Kind.REVIEW, is_open=True)
    in_reviewed_section = EntitySection.objects.filter(entity=OuterRef("pk"), valid_to__isnull=True).exclude(
        section__letter__in=["d", "f"]
    )
    cutoff = deadlines.add_years(today, -3)
    from django.db.models import Value
    from django.db.models.fields import DateField

    return list(
        # An entity warned or under cancellation is reviewed when that procedure ends.
        Entity.objects.filter(status__in=[EntityStatus.REGISTERED, EntityStatus.MIGRATING], registered_on__lte=cutoff)
        .annotate(cutoff=Value(cutoff, output_field=DateField()))
        .filter(Exists(in_reviewed_section))
        .exclude(Exists(reviewed))
        .exclude(Exists(open_review))
        .select_related("organisation")
        .order_by("registered_on", "id")[:limit]
    )
