"""The legal terms: worked examples from the law, and properties that hold for every date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pariter.filings import deadlines as d

days = st.dates(min_value=date(2021, 11, 23), max_value=date(2040, 12, 31))


def test_it_lists_the_23_deadlines_each_with_a_source():
    assert [r.code for r in d.RULES.values()] == [f"T{n}" for n in range(1, 24)]
    assert all(r.source and r.summary for r in d.RULES.values())


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2026, 4, 5), True),  # Easter Sunday
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2025, 4, 21), True),  # Easter Monday
        (date(2026, 4, 7), False),
        (date(2026, 12, 7), True),  # Sant'Ambrogio
        (date(2026, 12, 8), True),
        (date(2026, 6, 2), True),
        (date(2026, 6, 27), False),  # a Saturday is a working day
        (date(2026, 6, 28), True),  # a Sunday
    ],
)
def test_it_knows_the_holidays(day, holiday):
    assert d.is_holiday(day) is holiday


def test_it_computes_easter():
    assert [d.easter_sunday(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31),
        date(2025, 4, 20),
        date(2026, 4, 5),
        date(2027, 3, 28),
    ]


def test_it_does_not_count_the_first_day():
    # 60 days from 1 March 2026 end on 30 April 2026 (art. 2963 c.2 c.c.).
    assert d.start("T1", date(2026, 3, 1)).due == date(2026, 4, 30)


def test_a_term_ending_on_a_holiday_moves_to_the_next_working_day():
    # 60 days from 26 October 2026 end on Christmas: moved past Santo Stefano and the Sunday after it.
    clock = d.start("T1", date(2026, 10, 26))
    assert clock.ends == date(2026, 12, 25)
    assert clock.due == date(2026, 12, 28)


def test_a_term_across_29_february_and_the_year_end():
    # 2027-12-20 + 60 days crosses the year end and lands on 18 February 2028.
    assert d.start("T1", date(2027, 12, 20)).due == date(2028, 2, 18)
    # 1 January 2028 + 60 days: February 2028 has 29 days, so 1 March.
    assert d.start("T1", date(2028, 1, 1)).ends == date(2028, 3, 1)
    assert d.start("T1", date(2027, 1, 1)).ends == date(2027, 3, 2)


def test_the_three_yearly_review_of_an_entity_registered_on_29_february():
    # The month of expiry has no 29th: the term ends on its last day (art. 2963 c.5 c.c.); a Sunday, so Monday.
    assert d.add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert d.review_due(date(2024, 2, 29)) == date(2027, 3, 1)
    assert d.add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_annual_accounts_are_due_on_30_june_of_the_next_year():
    assert d.annual_accounts_due(2025) == date(2026, 6, 30)  # a Tuesday
    assert d.annual_accounts_due(2023) == date(2024, 7, 1)  # 30 June 2024 was a Sunday


def test_changes_are_deposited_within_30_days():
    assert d.change_deposit_due(date(2026, 1, 10)) == date(2026, 2, 9)


def test_no_review_for_social_enterprises_and_mutual_aid_societies():
    assert [letter for letter in "abcdefg" if d.section_is_reviewed(letter)] == ["a", "b", "c", "e", "g"]


def test_model_d_only_without_legal_personality_and_up_to_300000_euro():
    assert d.cash_statement_allowed(has_legal_personality=False, income=300_000)
    assert not d.cash_statement_allowed(has_legal_personality=False, income=300_001)
    assert not d.cash_statement_allowed(has_legal_personality=True, income=10)
    assert d.social_report_required(income=1_000_001)
    assert not d.social_report_required(income=1_000_000)


def test_worked_example_of_an_integration_received_early():
    # Application 2 March; request on 20 March with 30 days; documents arrive 5 April: a new 60-day term from 5 April.
    clock = d.start("T1", date(2026, 3, 2))
    term_end = d.integration_term_end(date(2026, 3, 20), 30)
    assert term_end == date(2026, 4, 20)  # 19 April is a Sunday
    clock = d.restart_after_integration(
        clock, requested_on=date(2026, 3, 20), term_end=term_end, received_on=date(2026, 4, 5)
    )
    assert (clock.started, clock.ends, clock.rule) == (date(2026, 4, 5), date(2026, 6, 4), "T3")


def test_worked_example_of_an_integration_never_received():
    clock = d.start("T1", date(2026, 3, 2))
    clock = d.restart_after_integration(
        clock, requested_on=date(2026, 3, 20), term_end=date(2026, 4, 20), received_on=None
    )
    assert clock.ends == date(2026, 6, 19)


def test_worked_example_of_a_notice_of_intended_refusal():
    # 60 days from 2 March end on 1 May (a holiday: due 2 May). Notice on 21 April: 10 days were left.
    clock = d.start("T1", date(2026, 3, 2))
    suspended = d.suspend(clock, notice_on=date(2026, 4, 21))
    assert (suspended.remaining, suspended.running) == (10, False)
    # Observations on 28 April: the term runs again from 8 May, and ends 10 days later.
    resumed = d.resume(suspended, observations_on=date(2026, 4, 28))
    assert resumed.ends == date(2026, 5, 18)
    # Without observations it runs again from 1 May, the end of the 10 days.
    assert d.resume(suspended, observations_on=None).ends == date(2026, 5, 11)


def test_it_refuses_impossible_events():
    clock = d.start("T1", date(2026, 3, 2))
    with pytest.raises(d.ClockError):
        d.integration_term_end(date(2026, 3, 3), 31)
    with pytest.raises(d.ClockError):
        d.restart_after_integration(
            clock, requested_on=date(2026, 3, 10), term_end=date(2026, 3, 20), received_on=date(2026, 3, 9)
        )
    with pytest.raises(d.ClockError):
        d.suspend(clock, notice_on=date(2026, 6, 1))
    with pytest.raises(d.ClockError):
        d.resume(clock, observations_on=None)
    with pytest.raises(d.ClockError):
        d.suspend(d.suspend(clock, notice_on=date(2026, 3, 5)), notice_on=date(2026, 3, 6))
    with pytest.raises(d.ClockError):
        d.start_days(date(2026, 1, 1), 181, rule_code="T14")


# --- Properties ----------------------------------------------------------------------------------------------


@given(days)
def test_a_due_date_is_never_a_holiday_and_never_more_than_4_days_late(day):
    due = d.next_working_day(day)
    assert not d.is_holiday(due)
    assert timedelta(0) <= due - day <= timedelta(days=4)


@given(days, st.integers(0, 59), st.integers(1, 30), st.integers(0, 40))
def test_a_deadline_never_moves_earlier_after_an_integration(submitted, request_after, given_days, answer_after):
    clock = d.start("T1", submitted)
    requested = submitted + timedelta(days=request_after)
    term_end = d.integration_term_end(requested, given_days)
    received = requested + timedelta(days=answer_after) if answer_after <= 35 else None
    after = d.restart_after_integration(clock, requested_on=requested, term_end=term_end, received_on=received)
    assert after.ends >= clock.ends
    assert after.due >= clock.due
    assert after.ends - after.started >= timedelta(days=60)


@given(days, st.integers(0, 59), st.one_of(st.none(), st.integers(0, 10)))
def test_a_suspension_never_shortens_the_total_term(submitted, notice_after, observations_after):
    clock = d.start("T1", submitted)
    notice = submitted + timedelta(days=notice_after)
    suspended = d.suspend(clock, notice_on=notice)
    observations = None if observations_after is None else notice + timedelta(days=observations_after)
    resumed = d.resume(suspended, observations_on=observations)
    assert resumed.ends >= clock.ends + timedelta(days=d.OBSERVATION_DAYS)
    assert resumed.total_days() >= clock.total_days()
    # The days left when the notice came are all still there after the pause.
    resume_on = (observations or notice) + timedelta(days=d.OBSERVATION_DAYS)
    assert resumed.ends - resume_on == clock.ends - notice
    # While suspended, the projected end is never later than the real one.
    assert suspended.ends <= resumed.ends


@given(days, st.integers(0, 59), st.integers(0, 59), st.integers(1, 30))
def test_suspensions_and_integrations_compose_without_losing_days(submitted, a, b, given_days):
    clock = d.start("T1", submitted)
    notice = submitted + timedelta(days=a)
    clock2 = d.resume(d.suspend(clock, notice_on=notice), observations_on=None)
    requested = notice + timedelta(days=d.OBSERVATION_DAYS + min(b, (clock2.ends - notice).days - 10))
    assume(requested <= clock2.due)
    after = d.restart_after_integration(
        clock2, requested_on=requested, term_end=d.integration_term_end(requested, given_days), received_on=None
    )
    assert after.ends >= clock2.ends >= clock.ends


@given(days, st.integers(0, 40))
def test_months_and_years_land_in_the_right_month(start_day, months):
    end = d.add_months(start_day, months)
    assert (end.year * 12 + end.month) - (start_day.year * 12 + start_day.month) == months
    assert end.day <= start_day.day


# --- T6: a statute on a Ministry's standard model (CTS art. 47 c.5) --------------------------------------------


def test_a_standard_statute_gives_the_office_30_days_instead_of_60():
    assert d.registration_rule(standard_statute=True) == "T6"
    assert d.registration_rule(standard_statute=False) == "T1"
    # Submitted on Monday 2 March 2026: 30 days end on Wednesday 1 April, 60 on Friday 1 May (a holiday) → Saturday 2.
    assert d.start("T6", date(2026, 3, 2)).due == date(2026, 4, 1)
    assert d.start("T1", date(2026, 3, 2)).due == date(2026, 5, 2)


@given(days, st.booleans())
def test_the_standard_model_term_is_30_days_and_never_later_than_the_ordinary_one(submitted, standard):
    rule = d.registration_rule(standard_statute=standard)
    clock = d.start(rule, submitted)
    assert clock.total_days() == (30 if standard else 60)
    assert d.start("T6", submitted).due <= d.start("T1", submitted).due
    assert not d.is_holiday(clock.due)


@given(days, st.integers(0, 29), st.integers(1, 30), st.one_of(st.none(), st.integers(0, 30)))
def test_after_an_integration_a_standard_statute_gets_the_new_60_days_and_never_loses_any(
    submitted, request_after, given_days, answer_after
):
    clock = d.start("T6", submitted)
    requested = submitted + timedelta(days=request_after)
    term_end = d.integration_term_end(requested, given_days)
    received = None if answer_after is None else requested + timedelta(days=answer_after)
    after = d.restart_after_integration(clock, requested_on=requested, term_end=term_end, received_on=received)
    assert after.rule == "T3" and after.total_days() >= 60 and after.ends >= clock.ends


# --- T7, T9, T10, T18: the notary's terms and the office's notice ---------------------------------------------


def test_the_notarys_terms_and_the_founders_and_the_notice():
    # Deed received on 2 March 2026: 20 days end on Sunday 22 March → Monday 23 (T7); 30 days on 1 April (T9).
    assert d.notary_deposit_due(date(2026, 3, 2)) == date(2026, 3, 23)
    assert d.notary_refusal_due(date(2026, 3, 2)) == date(2026, 4, 1)
    # Refusal communicated on 20 October 2026: founders apply by 19 November (T10).
    assert d.founders_application_due(date(2026, 10, 20)) == date(2026, 11, 19)
    # Decision on 10 December 2026: 15 days end on Friday 25 December → Monday 28 (T18; 26 is a holiday, 27 Sunday).
    assert d.authority_notice_due(date(2026, 12, 10)) == date(2026, 12, 28)
    assert d.days_late(date(2026, 3, 26), date(2026, 3, 23)) == 3
    assert d.days_late(date(2026, 3, 20), date(2026, 3, 23)) == 0


@given(days)
def test_late_is_never_negative_and_the_duties_fall_on_working_days(day):
    for due in (d.notary_deposit_due(day), d.notary_refusal_due(day), d.authority_notice_due(day)):
        assert due > day and not d.is_holiday(due)
        assert d.days_late(day, due) == 0
        assert d.days_late(due + timedelta(days=1), due) == 1
