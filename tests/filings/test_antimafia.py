"""The antimafia check before a registration: declared size, the office's request and outcome, and the register
action it holds back (CTS artt. 31 c.1, 48 c.6; DM 106/2020 art. 9 c.1; D.Lgs. 159/2011 art. 92)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pariter.filings import services
from pariter.filings.kinds import Action, DocKind, Kind, State
from pariter.filings.models import AntimafiaCheck, Filing
from tests.conftest import signed_in
from tests.filings.conftest import upload

pytestmark = pytest.mark.django_db

BIG = {
    "closed_years": 2,
    "last_year": 2025,
    "assets_last": Decimal("2000000"),
    "revenue_last": Decimal("3500000"),
    "employees_last": Decimal("4"),
    "assets_previous": Decimal("1800000"),
    "revenue_previous": Decimal("3100000"),
    "employees_previous": Decimal("3"),
}


def submitted_registration(applicant, eve, sections, size: dict) -> Filing:  # type: ignore[no-untyped-def]
    """A registration with its documents and the declared `size`, submitted on 2 March 2026."""
    filing = services.filing_create(
        organisation=applicant, kind=Kind.REGISTRATION, actor=eve, section=sections["b"], representative_name="Anna"
    )
    for kind in (DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE):
        services.document_add(filing=filing, kind=kind, upload=upload(), actor=eve)
    services.size_declaration_save(filing=filing, today=date(2026, 3, 1), **size)
    return services.filing_submit(filing=filing, actor=eve, today=date(2026, 3, 2))


def big_registration(applicant, eve, oscar, sections) -> Filing:  # type: ignore[no-untyped-def]
    """A registration above the limits, taken in charge on 3 March 2026."""
    filing = submitted_registration(applicant, eve, sections, BIG)
    return services.filing_act(
        filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=filing.version, today=date(2026, 3, 3)
    )


def request_check(filing: Filing, officer, *, on: date = date(2026, 3, 12), protocol: str = "P1") -> Filing:  # type: ignore[no-untyped-def]
    services.antimafia_request(
        filing=filing, actor=officer, version=filing.version, requested_on=on, protocol=protocol, today=on
    )
    filing.refresh_from_db()
    return filing


def record_outcome(filing: Filing, officer, outcome: str, *, on: date) -> Filing:  # type: ignore[no-untyped-def]
    services.antimafia_record_outcome(
        filing=filing, actor=officer, version=filing.version, outcome=outcome, received_on=on, today=on
    )
    filing.refresh_from_db()
    return filing


@pytest.fixture
def requested(applicant, eve, oscar, sections) -> Filing:  # type: ignore[no-untyped-def]
    """A big registration whose antimafia check was requested on 12 March 2026."""
    return request_check(big_registration(applicant, eve, oscar, sections), oscar)


def test_a_registration_cannot_be_submitted_without_the_size_declaration(applicant, eve, sections):
    filing = services.filing_create(
        organisation=applicant, kind=Kind.REGISTRATION, actor=eve, section=sections["b"], representative_name="A"
    )
    assert any("size" in p for p in services.submission_problems(filing))


def test_the_declaration_is_validated_field_by_field_and_nothing_is_saved(applicant, eve, sections):
    filing = services.filing_create(organisation=applicant, kind=Kind.REGISTRATION, actor=eve)
    with pytest.raises(ValidationError) as error:
        services.size_declaration_save(
            filing=filing, closed_years=2, last_year=2019, assets_last=Decimal("-1"), today=date(2026, 3, 1)
        )
    assert {"last_year", "assets_last", "revenue_last", "employees_previous"} <= set(error.value.message_dict)
    assert not hasattr(Filing.objects.get(pk=filing.pk), "size_declaration")


def test_a_small_entity_needs_no_check_and_is_registered(applicant, eve, oscar, sections):
    small = {**BIG, "assets_last": Decimal("1500000"), "revenue_last": Decimal("3000000")}  # equal is not above
    filing = submitted_registration(applicant, eve, sections, small)
    assert not services.antimafia_required(filing)
    filing = services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=filing.version)
    filing = services.filing_act(filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version)
    assert filing.state == State.ACCEPTED


def test_register_is_refused_until_the_check_is_requested_and_clear(applicant, eve, oscar, sections):
    filing = big_registration(applicant, eve, oscar, sections)
    assert services.antimafia_state(filing, today=date(2026, 3, 5)) == "to_request"
    with pytest.raises(ValidationError, match="antimafia"):
        services.filing_act(
            filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version, today=date(2026, 3, 5)
        )
    filing = request_check(filing, oscar, protocol="PR-MI 123")
    # The term (due 1 May) stands still with its 50 days left; the queue sees no office deadline meanwhile.
    assert filing.suspended_on == date(2026, 3, 12) and filing.remaining_days == 50 and filing.due_on is None
    event = filing.events.get(code="antimafia_requested")
    assert event.rule == "T24" and "PR-MI 123" in event.note
    with pytest.raises(ValidationError, match="awaited"):
        services.filing_act(
            filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version, today=date(2026, 3, 15)
        )
    filing = record_outcome(filing, oscar, "clear", on=date(2026, 3, 20))
    # The 50 days left run from the arrival on 20 March: 9 May (a Saturday, a working day).
    assert filing.suspended_on is None and filing.due_on == date(2026, 5, 9)
    filing = services.filing_act(
        filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version, today=date(2026, 3, 21)
    )
    assert filing.state == State.ACCEPTED


def test_an_adverse_outcome_leads_to_refusal_after_the_10_bis_notice(requested, oscar):
    filing = record_outcome(requested, oscar, "adverse", on=date(2026, 3, 20))
    with pytest.raises(ValidationError, match="adverse"):
        services.filing_act(
            filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version, today=date(2026, 3, 21)
        )
    filing = services.filing_act(
        filing=filing,
        action=Action.NOTIFY_REFUSAL,
        actor=oscar,
        version=filing.version,
        note="Interdittiva",
        today=date(2026, 3, 21),
    )
    assert filing.state == State.REFUSAL_NOTICE


def test_after_the_prefetturas_30_days_the_term_runs_again_and_the_office_may_register(requested, oscar):
    filing = requested
    assert services.filing_expire(filing=filing, today=date(2026, 4, 11)) == ""  # the 30th day: still waiting
    assert services.filing_expire(filing=filing, today=date(2026, 4, 12)) == "antimafia_wait_ended"
    filing.refresh_from_db()
    assert filing.due_on == date(2026, 6, 1)  # 11 April + 50 days = 31 May, a Sunday
    filing = services.filing_act(
        filing=filing, action=Action.ACCEPT, actor=oscar, version=filing.version, today=date(2026, 4, 13)
    )
    assert "resolutive condition" in filing.events.get(code="accepted").note


def test_the_check_is_requested_once_and_only_when_required(requested, oscar):
    with pytest.raises(ValidationError):
        request_check(requested, oscar, on=date(2026, 3, 13), protocol="P2")
    assert AntimafiaCheck.objects.count() == 1


def test_the_officer_sees_the_requirement_and_records_the_request(client, applicant, eve, oscar, sections):
    filing = big_registration(applicant, eve, oscar, sections)
    officer = signed_in(oscar)
    officer.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    html = officer.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert "Antimafia check" in html and "Required." in html and "disabled" in html
    response = officer.post(
        reverse("filings:antimafia_request", args=[filing.pk]),
        {"version": filing.version, "requested_on": "2026-03-12", "protocol": "PR-MI 9", "prefecture": "Prefettura"},
    )
    assert response.status_code == 302
    assert AntimafiaCheck.objects.get(filing=filing).request_protocol == "PR-MI 9"


def test_the_applicant_declares_its_size_on_the_portal(applicant, eve, sections):
    from pariter.core import services as core_services
    from pariter.core.roles import Role

    core_services.membership_add(user=eve, organisation=applicant, role=Role.ENTITY_REPRESENTATIVE)
    filing = services.filing_create(organisation=applicant, kind=Kind.REGISTRATION, actor=eve)
    client = signed_in(eve)
    bad = client.post(reverse("filings:portal_size", args=[filing.pk]), {"closed_years": "2", "last_year": "2025"})
    assert bad.status_code == 400
    ok = client.post(reverse("filings:portal_size", args=[filing.pk]), {k: str(v) for k, v in BIG.items()})
    assert ok.status_code == 302
    assert Filing.objects.get(pk=filing.pk).size_declaration.assets_last == Decimal("2000000")


def test_no_integration_or_notice_while_the_prefettura_is_answering(requested, oscar):
    filing = requested
    for action in (Action.REQUEST_INTEGRATION, Action.NOTIFY_REFUSAL):
        with pytest.raises(ValidationError, match="Prefettura answers"):
            services.filing_act(
                filing=filing, action=action, actor=oscar, version=filing.version, note="x", today=date(2026, 3, 13)
            )
    assert Filing.objects.get(pk=filing.pk).state == State.IN_REVIEW
