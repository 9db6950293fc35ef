"""Attendance and certificate rules, exhaustively and with Hypothesis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pariter.training import rules
from pariter.training.rules import SessionAttendance, Totals

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def session(status: str | None, *, hours: int = 3, brk: int = 30, **times: datetime | None) -> SessionAttendance:
    return SessionAttendance(START, START + timedelta(hours=hours), brk, status, **times)


def test_a_whole_session_counts_net_of_breaks():
    assert rules.attended_minutes(session("present")) == 150


def test_excused_absent_and_unrecorded_count_nothing():
    for status in ("excused", "absent", None):
        assert rules.attended_minutes(session(status)) == 0


def test_arriving_late_counts_the_part_attended_less_its_share_of_breaks():
    late = session("late", checked_in_at=START + timedelta(minutes=90))
    # Half the session, so half the break: 90 - 15.
    assert rules.attended_minutes(late) == 75


def test_leaving_early_counts_until_check_out():
    early = session("present", checked_out_at=START + timedelta(minutes=60))
    assert rules.attended_minutes(early) == 50


def test_scans_outside_the_session_are_clipped_to_it():
    a = session("present", checked_in_at=START - timedelta(minutes=20), checked_out_at=START + timedelta(hours=5))
    assert rules.attended_minutes(a) == 150


def test_check_out_before_check_in_counts_nothing():
    a = session("present", checked_in_at=START + timedelta(hours=2), checked_out_at=START + timedelta(hours=1))
    assert rules.attended_minutes(a) == 0


def test_late_starts_ten_minutes_after_the_start():
    assert rules.status_for_check_in(START, START + timedelta(minutes=10)) == "present"
    assert rules.status_for_check_in(START, START + timedelta(minutes=11)) == "late"


@given(
    hours=st.integers(min_value=1, max_value=8),
    brk=st.integers(min_value=0, max_value=59),
    into=st.integers(min_value=-120, max_value=600),
    out=st.integers(min_value=-120, max_value=600),
    status=st.sampled_from(["present", "late", "excused", "absent", None]),
)
def test_attended_minutes_never_exceed_the_scheduled_ones_and_are_never_negative(hours, brk, into, out, status):
    a = session(
        status,
        hours=hours,
        brk=brk,
        checked_in_at=START + timedelta(minutes=into),
        checked_out_at=START + timedelta(minutes=out),
    )
    minutes = rules.attended_minutes(a)
    assert 0 <= minutes <= a.scheduled_minutes


@given(
    into=st.integers(min_value=0, max_value=179),
    later=st.integers(min_value=1, max_value=60),
)
def test_arriving_later_never_counts_more(into, later):
    earlier = rules.attended_minutes(session("late", checked_in_at=START + timedelta(minutes=into)))
    after = rules.attended_minutes(session("late", checked_in_at=START + timedelta(minutes=into + later)))
    assert after <= earlier


def totals(attended: int, scheduled: int, present: int, count: int) -> Totals:
    return Totals(attended, scheduled, present, count)


def test_all_sessions_rule():
    assert rules.qualifies_for_certificate("all_sessions", totals(400, 450, 3, 3), min_sessions=None, min_percent=None)
    assert not rules.qualifies_for_certificate(
        "all_sessions", totals(300, 450, 2, 3), min_sessions=None, min_percent=None
    )
    assert not rules.qualifies_for_certificate("all_sessions", totals(0, 0, 0, 0), min_sessions=None, min_percent=None)


def test_min_sessions_rule():
    assert rules.qualifies_for_certificate("min_sessions", totals(300, 450, 2, 3), min_sessions=2, min_percent=None)
    assert not rules.qualifies_for_certificate("min_sessions", totals(150, 450, 1, 3), min_sessions=2, min_percent=None)


def test_min_percent_rule_includes_the_threshold():
    assert rules.qualifies_for_certificate("min_percent", totals(80, 100, 1, 1), min_sessions=None, min_percent=80)
    assert not rules.qualifies_for_certificate("min_percent", totals(79, 100, 1, 1), min_sessions=None, min_percent=80)


def test_manual_rule_follows_the_officer():
    t = totals(0, 100, 0, 1)
    assert rules.qualifies_for_certificate("manual", t, min_sessions=None, min_percent=None, manual_grant=True)
    assert not rules.qualifies_for_certificate("manual", totals(100, 100, 1, 1), min_sessions=None, min_percent=None)


def test_credits_need_more_than_eighty_percent():
    assert not rules.earns_credits(totals(80, 100, 1, 1))
    assert rules.earns_credits(totals(81, 100, 1, 1))
    assert not rules.earns_credits(totals(0, 0, 0, 0))


@given(attended=st.integers(min_value=0, max_value=10_000), scheduled=st.integers(min_value=1, max_value=10_000))
def test_credits_agree_with_the_percentage(attended, scheduled):
    t = totals(min(attended, scheduled), scheduled, 1, 1)
    assert rules.earns_credits(t) == (t.percent > 80)


@given(
    attended=st.integers(min_value=0, max_value=1000),
    threshold=st.integers(min_value=1, max_value=100),
)
def test_min_percent_is_monotonic(attended, threshold):
    low = totals(attended, 1000, 1, 1)
    high = totals(min(attended + 50, 1000), 1000, 1, 1)
    if rules.qualifies_for_certificate("min_percent", low, min_sessions=None, min_percent=threshold):
        assert rules.qualifies_for_certificate("min_percent", high, min_sessions=None, min_percent=threshold)
