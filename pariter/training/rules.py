"""Pure rules of attendance, certificates and credits: no database, tested exhaustively (with Hypothesis)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Checking in more than this after the start makes the attendance "late".
LATE_AFTER = timedelta(minutes=10)
# CNOAS regulation: credits only for attendance above 80% of the scheduled duration.
CREDITS_MIN_PERCENT = 80


@dataclass(frozen=True)
class SessionAttendance:
    """One person at one session, as the rules need it."""

    starts_at: datetime
    ends_at: datetime
    break_minutes: int
    status: str | None  # present, late, excused, absent; None if nothing was recorded
    checked_in_at: datetime | None = None
    checked_out_at: datetime | None = None

    @property
    def scheduled_minutes(self) -> int:
        gross = int((self.ends_at - self.starts_at).total_seconds() // 60)
        return max(gross - self.break_minutes, 0)


def attended_minutes(a: SessionAttendance) -> int:
    """Minutes attended net of breaks.

    Present or late: the part of the session between check-in and check-out (the whole session at either end that
    was not scanned), less the breaks in proportion to that part. Excused, absent or unrecorded: nothing.
    """
    if a.status not in ("present", "late"):
        return 0
    start = max(a.checked_in_at or a.starts_at, a.starts_at)
    end = min(a.checked_out_at or a.ends_at, a.ends_at)
    gross = int((a.ends_at - a.starts_at).total_seconds() // 60)
    if end <= start or gross <= 0:
        return 0
    present = int((end - start).total_seconds() // 60)
    return present * a.scheduled_minutes // gross


def status_for_check_in(starts_at: datetime, at: datetime) -> str:
    return "late" if at > starts_at + LATE_AFTER else "present"


@dataclass(frozen=True)
class Totals:
    attended: int
    scheduled: int
    sessions_attended: int
    sessions: int

    @property
    def percent(self) -> float:
        return 100.0 * self.attended / self.scheduled if self.scheduled else 0.0


def totals(rows: Iterable[SessionAttendance]) -> Totals:
    attended = scheduled = present = count = 0
    for row in rows:
        minutes = attended_minutes(row)
        attended += minutes
        scheduled += row.scheduled_minutes
        present += 1 if minutes > 0 else 0
        count += 1
    return Totals(attended, scheduled, present, count)


def qualifies_for_certificate(
    rule: str, t: Totals, *, min_sessions: int | None, min_percent: int | None, manual_grant: bool = False
) -> bool:
    """Whether the edition's certificate rule is met."""
    if rule == "all_sessions":
        return t.sessions > 0 and t.sessions_attended == t.sessions
    if rule == "min_sessions":
        return t.sessions_attended >= (min_sessions or t.sessions) and t.sessions_attended > 0
    if rule == "min_percent":
        return t.attended > 0 and t.percent >= (min_percent if min_percent is not None else 100)
    return manual_grant


def earns_credits(t: Totals) -> bool:
    """CNOAS: attendance strictly above 80% of the scheduled duration."""
    return t.scheduled > 0 and t.attended * 100 > CREDITS_MIN_PERCENT * t.scheduled
