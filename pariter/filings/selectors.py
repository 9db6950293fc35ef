"""Reads of the filings, with what each page needs joined, so every list runs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet

from pariter.core.models import Organisation, User
from pariter.core.pagination import KeysetPage, keyset_page
from pariter.filings import deadlines
from pariter.filings.kinds import Kind, State
from pariter.filings.models import Filing, FilingDocument, FilingEvent, FilingNote

QUEUE_PAGE_SIZE = 50


@dataclass(frozen=True)
class QueueFilters:
    kind: str = ""
    state: str = ""
    section: int | None = None
    municipality: int | None = None
    assignee: int | None = None
    unassigned: bool = False


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
    if filters.unassigned:
        qs = qs.filter(assignee__isnull=True)
    elif filters.assignee:
        qs = qs.filter(assignee_id=filters.assignee)
    return keyset_page(_list_related(qs), order=["queue_key", "id"], cursor=cursor, size=size, scope="filings-queue")


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


def filing_detail(pk: int) -> Filing | None:
    return _list_related(Filing.objects.filter(pk=pk)).select_related("cash_statement").first()


def timeline(filing: Filing) -> list[FilingEvent]:
    return list(filing.events.select_related("actor", "document").order_by("at", "id"))


def documents(filing: Filing) -> list[FilingDocument]:
    return list(filing.documents.select_related("uploaded_by").order_by("uploaded_at", "id"))


def notes(filing: Filing) -> list[FilingNote]:
    return list(filing.notes.select_related("author").order_by("at", "id"))


def filings_of(organisation: Organisation) -> list[Filing]:
    """An entity's own filings, newest first (a few dozen at most)."""
    return list(_list_related(Filing.objects.filter(organisation=organisation)).order_by("-created_at", "-id")[:200])


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

    by_kind = dict(Filing.objects.filter(is_open=True).values_list("kind").annotate(n=Count("id")).order_by())
    soon = deadlines.add_days(today, 7)
    counts = Filing.objects.filter(is_open=True, due_on__isnull=False).aggregate(
        overdue=Count("id", filter=Q(due_on__lt=today)), soon=Count("id", filter=Q(due_on__gte=today, due_on__lte=soon))
    )
    return Summary(
        open_by_kind=[(Kind(k).label, by_kind[k]) for k in Kind if k in by_kind],
        overdue=counts["overdue"],
        due_soon=counts["soon"],
        missed=FilingEvent.objects.filter(code=EventCode.TERM_MISSED).count(),
    )
