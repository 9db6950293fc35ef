"""The legal terms of the register's procedures, as data and pure functions.

Nothing here touches the database: a `Clock` is the running term of one
procedure, and each function returns a new clock for a legal event. The
numbers T1–T23 are those of the reference table of deadlines; T24 (the
antimafia information) is ours, added to them (`docs/glossary.md` maps each
Italian term to its source).

Day counting follows the civil code, which the office applies to every
administrative term:
- the first day is not counted (art. 2963 c.2 c.c.): 60 days from 1 March end on 30 April;
- a term in months or years ends on the same day of the final month, or on its last day when that month is
  shorter (art. 2963 cc.4–5 c.c.): three years from 29 February 2024 end on 28 February 2027;
- a term ending on a Sunday or a public holiday moves to the next working day (art. 2963 c.3 c.c.; art. 155
  cc.4–5 c.p.c. says the same for Saturday only for court acts, so Saturday stays a working day here).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum


@dataclass(frozen=True)
class Rule:
    code: str
    days: int | None
    source: str
    summary: str


# The 23 deadlines of the register (reference table §1.5) and the antimafia check (T24).
# `days` is None for fixed dates or periodic duties.
RULES: dict[str, Rule] = {
    r.code: r
    for r in [
        Rule("T1", 60, "CTS art. 47 c.3; DM 106/2020 art. 9 c.2", "decision on a complete registration"),
        Rule("T2", 30, "DM 106/2020 art. 9 c.3", "at most 30 days for the entity to integrate"),
        Rule("T3", 60, "DM 106/2020 art. 9 c.3", "new 60-day term after the integration or its term"),
        Rule("T4", 60, "CTS art. 47 c.4", "silence registers the entity when the term runs out"),
        Rule("T5", 10, "L. 241/1990 art. 10-bis; DM 106/2020 art. 9 c.3", "10 days for observations; term suspended"),
        Rule("T6", 30, "CTS art. 47 c.5", "registration within 30 days with a standard statute"),
        Rule("T7", 20, "CTS art. 22 c.2; DM 106/2020 art. 16 c.1", "20 days for the notary to deposit the deed"),
        Rule("T8", 60, "DM 106/2020 art. 16 c.3", "60 days for the formal check of a notarial registration"),
        Rule("T9", 30, "CTS art. 22 c.3", "30 days for the notary to communicate a refusal"),
        Rule("T10", 60, "DM 106/2020 art. 19", "after a notary's refusal: 60 days to decide, silence denies"),
        Rule("T11", None, "CTS art. 22 c.4", "minimum assets: EUR 15,000 associations, EUR 30,000 foundations"),
        Rule("T12", None, "CTS art. 48 c.3", "annual accounts deposited by 30 June of the following year"),
        Rule("T13", 30, "CTS art. 48 c.3", "changed deeds and data deposited within 30 days"),
        Rule("T14", 180, "CTS art. 48 c.4", "a warning gives at most 180 days, then cancellation"),
        Rule("T15", None, "DM 106/2020 art. 21 c.1", "review every three years (not sections d and f)"),
        Rule("T16", 30, "DM 106/2020 art. 24 cc.4-5", "30 days for observations or a request to migrate"),
        Rule("T17", 60, "DM 106/2020 art. 24 c.6", "cancellation concluded within 60 days"),
        Rule("T18", 15, "CTS art. 22 c.1-bis; DM 106/2020 art. 25 c.4", "15 days to notify Prefettura/Regione"),
        Rule("T19", 30, "CTS art. 9 c.1", "opinion on the devolution of assets: 30 days, silence is favourable"),
        Rule("T20", 180, "CTS art. 54; DM 106/2020 art. 31", "transmigration: 180-day verification (closed 2022)"),
        Rule("T21", 60, "DM 106/2020 art. 31 c.4", "transmigration: 60 days to integrate, term suspended"),
        Rule("T22", 90, "nota MLPS 5941/2022", "transmigrated entities: 90 days to integrate data and accounts"),
        Rule("T23", None, "DL 84/2025 art. 8; DM 106/2020 art. 34", "ONLUS: application by 31 March 2026"),
        Rule(
            "T24",
            30,
            "CTS art. 48 c.6; D.Lgs. 159/2011 art. 92 cc.2-3; L. 241/1990 art. 2 c.7",
            "antimafia information: the Prefettura has 30 days; the term is suspended meanwhile, once",
        ),
    ]
}

ONLUS_APPLICATION_DEADLINE = date(2026, 3, 31)  # T23
MAX_INTEGRATION_DAYS = 30  # T2
OBSERVATION_DAYS = 10  # T5
MAX_WARNING_DAYS = 180  # T14
FOUNDERS_APPLICATION_DAYS = 30  # T10: founders apply within 30 days of the notary's refusal (DM 106/2020 art. 19)


# --- The calendar --------------------------------------------------------------------------------------------

# National public holidays (L. 260/1949 as amended; L. 54/1977): (month, day).
NATIONAL_HOLIDAYS = {(1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26)}
# The patron saint of Milano (Sant'Ambrogio): the office is closed, so a term ending then moves on too.
LOCAL_HOLIDAYS = {(12, 7)}


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def is_holiday(day: date) -> bool:
    """Sunday, a national holiday, Easter Monday or Milano's patron saint."""
    if day.weekday() == 6 or (day.month, day.day) in NATIONAL_HOLIDAYS | LOCAL_HOLIDAYS:
        return True
    return day == easter_sunday(day.year) + timedelta(days=1)


def next_working_day(day: date) -> date:
    """The day itself, or the first day after it that is not a holiday (art. 2963 c.3 c.c.)."""
    while is_holiday(day):
        day += timedelta(days=1)
    return day


def add_days(start: date, days: int) -> date:
    """The last day of a term of `days` days starting on `start`, the first day not counted (art. 2963 c.2 c.c.)."""
    return start + timedelta(days=days)


def add_months(start: date, months: int) -> date:
    """Same day of the final month, or its last day if the month is shorter (art. 2963 cc.4-5 c.c.)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def add_years(start: date, years: int) -> date:
    return add_months(start, 12 * years)


def due_date(last_day: date) -> date:
    """When a term that counts to `last_day` really ends."""
    return next_working_day(last_day)


# --- Fixed and periodic duties -------------------------------------------------------------------------------


def annual_accounts_due(financial_year: int) -> date:
    """30 June of the next year, also for non-calendar financial years (CTS art. 48 c.3; T12)."""
    return due_date(date(financial_year + 1, 6, 30))


def change_deposit_due(changed_on: date) -> date:
    """Changed deeds and data are deposited within 30 days of the change (CTS art. 48 c.3; T13)."""
    return due_date(add_days(changed_on, 30))


def review_due(last_review_or_registration: date) -> date:
    """The three-yearly review (DM 106/2020 art. 21 c.1; T15)."""
    return due_date(add_years(last_review_or_registration, 3))


def section_is_reviewed(letter: str) -> bool:
    """No three-yearly review for imprese sociali (d) and società di mutuo soccorso (f) (DM 106/2020 art. 21)."""
    return letter not in {"d", "f"}


def notary_deposit_due(deed_received_on: date) -> date:
    """The notary deposits the deed within 20 days of receiving it (CTS art. 22 c.2; DM 106/2020 art. 16 c.1; T7)."""
    return due_date(add_days(deed_received_on, RULES["T7"].days or 0))


def notary_refusal_due(deed_received_on: date) -> date:
    """A notary who finds the conditions unmet tells the founders within 30 days (CTS art. 22 c.3; T9)."""
    return due_date(add_days(deed_received_on, RULES["T9"].days or 0))


def founders_application_due(refusal_communicated_on: date) -> date:
    """After a notary's refusal the founders apply to the office within 30 days (DM 106/2020 art. 19; T10)."""
    return due_date(add_days(refusal_communicated_on, FOUNDERS_APPLICATION_DAYS))


def days_late(done_on: date, due: date) -> int:
    """Days after `due` that something was done; 0 when on time."""
    return max((done_on - due).days, 0)


TRANSMIGRATED_ACCOUNTS_YEAR = 2021  # T22: the accounts trasmigrated ODV and APS had to deposit


def transmigrated_accounts_due(registered_on: date) -> date:
    """A trasmigrated ODV or APS completes its data and deposits the 2021 accounts within 90 days of its
    registration (nota MLPS 5941/2022; T22). Not peremptory (nota 17146/2022): past it the office warns."""
    return due_date(add_days(registered_on, RULES["T22"].days or 0))


def registration_rule(*, standard_statute: bool) -> str:
    """A statute on a Ministry's standard model is registered within 30 days (CTS art. 47 c.5; T6), else 60 (T1)."""
    return "T6" if standard_statute else "T1"


def authority_notice_due(decided_on: date) -> date:
    """The Prefettura or Regione hears of the registration or cancellation of a legal person of DPR 361/2000 within
    15 days (CTS art. 22 c.1-bis; DM 106/2020 art. 25 c.4; T18)."""
    return due_date(add_days(decided_on, RULES["T18"].days or 0))


MODEL_D_INCOME_LIMIT = 300_000  # CTS art. 13 c.2, as amended by L. 104/2024
SOCIAL_REPORT_INCOME_THRESHOLD = 1_000_000  # CTS art. 14 c.1


def cash_statement_allowed(*, has_legal_personality: bool, income: int | float | object) -> bool:
    """Model D (rendiconto per cassa) only without legal personality and with income up to EUR 300,000."""
    return not has_legal_personality and income <= MODEL_D_INCOME_LIMIT  # type: ignore[operator]


def social_report_required(*, income: int | float | object) -> bool:
    """A bilancio sociale is deposited above EUR 1M of income (CTS art. 14 c.1)."""
    return income > SOCIAL_REPORT_INCOME_THRESHOLD  # type: ignore[operator]


# --- The antimafia check before a registration (CTS art. 48 c.6; DM 106/2020 art. 9 c.1) ------------------------


@dataclass(frozen=True)
class SizeLimits:
    """The three size limits of CTS art. 31 c.1 (statutory audit), in force from a day."""

    in_force_from: date
    total_assets: int  # a) totale dell'attivo dello stato patrimoniale, EUR
    revenue: int  # b) ricavi, rendite, proventi, entrate comunque denominate, EUR
    employees: int  # c) dipendenti occupati in media durante l'esercizio
    source: str


# CTS art. 31 c.1 as first enacted (D.Lgs. 117/2017, in force 3 August 2017), then as amended by L. 4 luglio 2024,
# n. 104, art. 4 c.1 lett. f (GU 19 July 2024, in force 3 August 2024). Sources: e-glossa and brocardi texts of art. 31.
SIZE_LIMITS = (
    SizeLimits(date(2017, 8, 3), 1_100_000, 2_200_000, 12, "CTS art. 31 c.1 (D.Lgs. 117/2017)"),
    SizeLimits(date(2024, 8, 3), 1_500_000, 3_000_000, 20, "CTS art. 31 c.1, as amended by L. 104/2024 art. 4"),
)


@dataclass(frozen=True)
class YearFigures:
    """An entity's size in one financial year, as declared in its application."""

    year: int
    total_assets: int | float | object
    revenue: int | float | object
    employees: int | float | object


def size_limits_on(day: date) -> SizeLimits:
    """The limits of CTS art. 31 c.1 in force on `day` (the day the application was submitted)."""
    in_force = [limits for limits in SIZE_LIMITS if limits.in_force_from <= day]
    return in_force[-1] if in_force else SIZE_LIMITS[0]


def limits_exceeded(figures: YearFigures, limits: SizeLimits) -> int:
    """How many of the three limits the year exceeds ("superino": a figure equal to the limit does not exceed it)."""
    return sum(
        (
            figures.total_assets > limits.total_assets,  # type: ignore[operator]
            figures.revenue > limits.revenue,  # type: ignore[operator]
            figures.employees > limits.employees,  # type: ignore[operator]
        )
    )


def antimafia_required(years: list[YearFigures], *, on: date) -> bool:
    """The office obtains the antimafia information before registering an entity that exceeded two of the three
    limits of CTS art. 31 c.1 in each of the two financial years before the application (CTS art. 48 c.6;
    DM 106/2020 art. 9 c.1). Fewer than two closed years: not required."""
    limits = size_limits_on(on)
    last_two = sorted(years, key=lambda y: y.year)[-2:]
    return len(last_two) == 2 and all(limits_exceeded(y, limits) >= 2 for y in last_two)


ANTIMAFIA_DAYS = 30  # T24: D.Lgs. 159/2011 art. 92 c.2 (the Prefettura's 30 days); L. 241/1990 art. 2 c.7 (≤ 30 days)


def antimafia_wait_ends(requested_on: date) -> date:
    """The last day the office waits for the Prefettura: afterwards it may proceed without the information, under a
    resolutive condition (D.Lgs. 159/2011 art. 92 c.3; T24)."""
    return add_days(requested_on, ANTIMAFIA_DAYS)


# --- The running term of a procedure -------------------------------------------------------------------------


class ClockError(ValueError):
    """An event that cannot happen to this term (a date before the term began, a suspension of a suspended term)."""


@dataclass(frozen=True)
class Clock:
    """The office's term to decide.

    `ends` is the last day as counted (before the holiday roll-over). While the term is suspended
    (`suspended_on` set), `remaining` holds the days left, and `ends` the earliest day the term can end:
    resumed as soon as the law allows, plus the days left.
    """

    started: date
    ends: date
    suspended_on: date | None = None
    remaining: int | None = None
    rule: str = "T1"

    @property
    def running(self) -> bool:
        return self.suspended_on is None

    @property
    def due(self) -> date:
        return due_date(self.ends)

    def total_days(self) -> int:
        return (self.ends - self.started).days


def start(rule_code: str, on: date) -> Clock:
    """A term of the rule's days from `on` (T1: 60 days from the application; T8, T10, T16, T17, T19 likewise)."""
    rule = RULES[rule_code]
    if rule.days is None:
        raise ClockError(f"{rule_code} is not a term in days")
    return Clock(started=on, ends=add_days(on, rule.days), rule=rule_code)


def start_days(on: date, days: int, *, rule_code: str) -> Clock:
    """A term of `days` set by the office within the rule's limit (T14: a warning of at most 180 days)."""
    limit = RULES[rule_code].days
    if days < 1 or (limit is not None and days > limit):
        raise ClockError(f"{rule_code} allows 1 to {limit} days")
    return Clock(started=on, ends=add_days(on, days), rule=rule_code)


def integration_term_end(requested_on: date, days: int) -> date:
    """The entity's term to integrate: at most 30 days (DM 106/2020 art. 9 c.3; T2)."""
    if not 1 <= days <= MAX_INTEGRATION_DAYS:
        raise ClockError(f"T2 allows 1 to {MAX_INTEGRATION_DAYS} days")
    return due_date(add_days(requested_on, days))


def restart_after_integration(clock: Clock, *, requested_on: date, term_end: date, received_on: date | None) -> Clock:
    """A new 60-day term from the receipt of the integration, or from the end of the term given (T3).

    The request must come within the running term; the new term never ends before the old one, since it
    starts no earlier than the request, which came no earlier than the start of the old term.
    """
    if not clock.running:
        raise ClockError("the term is suspended")
    if not clock.started <= requested_on <= clock.due:
        raise ClockError("an integration is requested within the term")
    if term_end < requested_on:
        raise ClockError("the term given ends before the request")
    if received_on is not None and received_on < requested_on:
        raise ClockError("an integration cannot arrive before it was requested")
    restart_on = min(received_on, term_end) if received_on is not None else term_end
    new = Clock(started=restart_on, ends=add_days(restart_on, RULES["T3"].days or 0), rule="T3")
    # After a suspension the old term may reach past the new one (a request dated just after the term resumed):
    # asking for documents must never cost the entity days it already had, so the later end holds.
    return new if new.ends >= clock.ends else replace(new, ends=clock.ends)


def suspend(clock: Clock, *, notice_on: date) -> Clock:
    """A notice of intended refusal suspends the term (L. 241/1990 art. 10-bis; T5)."""
    if not clock.running:
        raise ClockError("the term is already suspended")
    if not clock.started <= notice_on <= clock.due:
        raise ClockError("the notice is sent within the term")
    remaining = max((clock.ends - notice_on).days, 0)
    earliest = add_days(add_days(notice_on, OBSERVATION_DAYS), remaining)
    return replace(clock, suspended_on=notice_on, remaining=remaining, ends=earliest)


def observations_term_end(notice_on: date) -> date:
    """The entity has 10 days for its observations (L. 241/1990 art. 10-bis)."""
    return due_date(add_days(notice_on, OBSERVATION_DAYS))


def resume(clock: Clock, *, observations_on: date | None) -> Clock:
    """The term runs again 10 days after the observations, or from the end of the 10 days without them (T5)."""
    if clock.suspended_on is None or clock.remaining is None:
        raise ClockError("the term is not suspended")
    if observations_on is not None:
        if not clock.suspended_on <= observations_on <= observations_term_end(clock.suspended_on):
            raise ClockError("observations arrive within their 10 days")
        resume_on = add_days(observations_on, OBSERVATION_DAYS)
    else:
        resume_on = add_days(clock.suspended_on, OBSERVATION_DAYS)
    return replace(clock, suspended_on=None, remaining=None, ends=add_days(resume_on, clock.remaining))


def suspend_for_antimafia(clock: Clock, *, requested_on: date) -> Clock:
    """Asking the Prefettura for the antimafia information suspends the term once, for at most 30 days: it is a
    certification the office cannot acquire by itself (L. 241/1990 art. 2 c.7; D.Lgs. 159/2011 art. 92; T24)."""
    if not clock.running:
        raise ClockError("the term is already suspended")
    if not clock.started <= requested_on <= clock.due:
        raise ClockError("the request is sent within the term")
    remaining = max((clock.ends - requested_on).days, 0)
    latest = add_days(antimafia_wait_ends(requested_on), remaining)
    return replace(clock, suspended_on=requested_on, remaining=remaining, ends=latest)


def resume_after_antimafia(clock: Clock, *, received_on: date | None) -> Clock:
    """The term runs again, with the days it had left, from the information's arrival or, without it, from the end
    of the Prefettura's 30 days, whichever comes first (T24)."""
    if clock.suspended_on is None or clock.remaining is None:
        raise ClockError("the term is not suspended")
    wait_ends = antimafia_wait_ends(clock.suspended_on)
    if received_on is not None and received_on < clock.suspended_on:
        raise ClockError("the information cannot arrive before it was requested")
    resume_on = min(received_on, wait_ends) if received_on is not None else wait_ends
    return replace(clock, suspended_on=None, remaining=None, ends=add_days(resume_on, clock.remaining))


class Silence(StrEnum):
    """What the law makes of the office's silence when its term runs out."""

    REGISTERS = "registers"  # CTS art. 47 c.4 (T4): silenzio-assenso
    DENIES = "denies"  # DM 106/2020 art. 19 (T10): after a notary's refusal
    APPROVES = "approves"  # CTS art. 9 c.1 (T19): favourable opinion on devolution
    NOTHING = "nothing"  # no effect in law: the term is missed, and shown as missed
