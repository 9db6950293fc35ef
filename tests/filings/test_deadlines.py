"""The legal terms: worked examples from the law, and properties that hold for every date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from pariter.filings import deadlines as d

days = st.dates(min_value=date(2021, 11, 23), max_value=date(2040, 12, 31))


def test_it_lists_the_23_deadlines_and_the_antimafia_term_each_with_a_source():
    assert [r.code for r in d.RULES.values()] == [f"T{n}" for n in range(1, 25)]
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


# --- The antimafia check (CTS artt. 31 c.1, 48 c.6; D.Lgs. 159/2011 art. 92; L. 241/1990 art. 2 c.7; T24) ----------

NOW = d.size_limits_on(date(2026, 3, 2))  # EUR 1,500,000 assets, EUR 3,000,000 revenue, 20 employees
BEFORE_2024 = d.size_limits_on(date(2024, 8, 2))  # EUR 1,100,000, EUR 2,200,000, 12


def year(y, assets=0, revenue=0, employees=0):  # type: ignore[no-untyped-def]
    return d.YearFigures(y, assets, revenue, employees)


def test_the_limits_are_those_of_art_31_in_force_on_the_day():
    assert (NOW.total_assets, NOW.revenue, NOW.employees) == (1_500_000, 3_000_000, 20)
    assert (BEFORE_2024.total_assets, BEFORE_2024.revenue, BEFORE_2024.employees) == (1_100_000, 2_200_000, 12)
    assert d.size_limits_on(date(2024, 8, 3)) == NOW  # L. 104/2024 in force from 3 August 2024
    assert "104/2024" in NOW.source


@pytest.mark.parametrize(
    ("assets", "revenue", "employees", "exceeded"),
    [
        (1_500_000, 3_000_000, 20, 0),  # equal to every limit: none exceeded ("superino")
        (1_500_001, 3_000_000, 20, 1),
        (1_500_001, 3_000_001, 20, 2),
        (1_500_000, 3_000_001, 21, 2),
        (1_500_000.01, 0, 20.5, 2),  # cents and a fractional average count
        (1_500_001, 3_000_001, 21, 3),
        (0, 0, 0, 0),
    ],
)
def test_a_limit_is_exceeded_only_above_it(assets, revenue, employees, exceeded):
    assert d.limits_exceeded(year(2025, assets, revenue, employees), NOW) == exceeded


def test_two_limits_in_each_of_the_two_years_require_the_check():
    big = {"assets": 2_000_000, "revenue": 4_000_000}
    assert d.antimafia_required([year(2024, **big), year(2025, **big)], on=date(2026, 3, 2))
    # Different pairs of limits in the two years still make two of three in each year.
    assert d.antimafia_required(
        [year(2024, assets=2_000_000, employees=25), year(2025, revenue=4_000_000, employees=25)], on=date(2026, 3, 2)
    )


def test_one_year_below_or_a_single_year_does_not():
    big = {"assets": 2_000_000, "revenue": 4_000_000}
    assert not d.antimafia_required([year(2024, assets=2_000_000), year(2025, **big)], on=date(2026, 3, 2))
    assert not d.antimafia_required([year(2025, **big)], on=date(2026, 3, 2))
    assert not d.antimafia_required([], on=date(2026, 3, 2))


def test_the_old_limits_apply_to_an_application_before_august_2024():
    middling = {"assets": 1_200_000, "revenue": 2_500_000}  # above the old limits, below the new ones
    years = [year(2022, **middling), year(2023, **middling)]
    assert d.antimafia_required(years, on=date(2024, 5, 2))
    assert not d.antimafia_required(years, on=date(2024, 9, 2))


figure = st.integers(min_value=0, max_value=10_000_000)


@given(a=figure, r=figure, e=st.integers(min_value=0, max_value=100), a2=figure, r2=figure, e2=st.integers(0, 100))
def test_the_check_is_required_exactly_when_both_years_exceed_two_limits(a, r, e, a2, r2, e2):  # type: ignore[no-untyped-def]
    first, second = year(2024, a, r, e), year(2025, a2, r2, e2)
    expected = all(
        sum((y.total_assets > 1_500_000, y.revenue > 3_000_000, y.employees > 20)) >= 2 for y in (first, second)
    )
    assert d.antimafia_required([second, first], on=date(2026, 3, 2)) is expected


def test_the_request_suspends_the_term_and_the_information_resumes_it():
    # Application on 2 March 2026 (60 days: 1 May); request on 12 March with 50 days left.
    clock = d.start("T1", date(2026, 3, 2))
    suspended = d.suspend_for_antimafia(clock, requested_on=date(2026, 3, 12))
    assert not suspended.running and suspended.remaining == 50
    assert d.antimafia_wait_ends(date(2026, 3, 12)) == date(2026, 4, 11)
    # The clear information arrives on 20 March: the 50 days run from then, to 9 May.
    resumed = d.resume_after_antimafia(suspended, received_on=date(2026, 3, 20))
    assert resumed.running and resumed.ends == date(2026, 5, 9)
    # Without it, the term runs again at the end of the Prefettura's 30 days (D.Lgs. 159/2011 art. 92 c.3).
    late = d.resume_after_antimafia(suspended, received_on=None)
    assert late.ends == date(2026, 5, 31)
    assert d.resume_after_antimafia(suspended, received_on=date(2026, 6, 1)) == late


def test_the_antimafia_suspension_refuses_impossible_events():
    clock = d.start("T1", date(2026, 3, 2))
    with pytest.raises(d.ClockError):
        d.suspend_for_antimafia(clock, requested_on=date(2026, 3, 1))
    suspended = d.suspend_for_antimafia(clock, requested_on=date(2026, 3, 12))
    with pytest.raises(d.ClockError):
        d.suspend_for_antimafia(suspended, requested_on=date(2026, 3, 13))  # once only (L. 241/1990 art. 2 c.7)
    with pytest.raises(d.ClockError):
        d.resume_after_antimafia(suspended, received_on=date(2026, 3, 11))
    with pytest.raises(d.ClockError):
        d.resume_after_antimafia(clock, received_on=None)


@given(start=days, offset=st.integers(min_value=0, max_value=60), wait=st.integers(min_value=0, max_value=40))
def test_the_antimafia_suspension_never_shortens_the_term(start, offset, wait):  # type: ignore[no-untyped-def]
    clock = d.start("T1", start)
    requested = start + timedelta(days=offset)
    assume(requested <= clock.due)
    suspended = d.suspend_for_antimafia(clock, requested_on=requested)
    resumed = d.resume_after_antimafia(suspended, received_on=requested + timedelta(days=wait))
    assert resumed.ends >= clock.ends
    if requested <= clock.ends:  # (a request in the holiday roll-over has no day left to keep)
        assert (resumed.ends - clock.ends).days == min(wait, d.ANTIMAFIA_DAYS)
