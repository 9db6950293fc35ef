"""A registration from draft to decision: the states, the term, the timeline, the acts and the register."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from pariter.filings import services
from pariter.filings.kinds import Action, DocKind, Kind, State
from pariter.filings.models import EventCode
from pariter.registry.models import Entity, EntityVersion, OfficeHolder, RegistrationRoute
from tests.filings.conftest import submitted_registration

pytestmark = pytest.mark.django_db


def act(filing, action, user, today, **kw):
    filing.refresh_from_db()
    return services.filing_act(filing=filing, action=action, actor=user, version=filing.version, today=today, **kw)


def test_it_submits_with_a_protocol_number_a_receipt_and_a_60_day_term(applicant, eve, sections):
    filing = submitted_registration(applicant, eve, sections)
    assert filing.state == State.SUBMITTED
    assert filing.protocol.startswith("CMM/2026/")
    assert filing.due_on == date(2026, 5, 2)  # 1 May is a holiday
    assert len(mail.outbox) == 1 and filing.reference in mail.outbox[0].subject
    assert mail.outbox[0].to == ["aurora@pec.it"]


def test_a_second_submit_changes_nothing(applicant, eve, sections):
    filing = submitted_registration(applicant, eve, sections)
    again = services.filing_submit(filing=filing, actor=eve, today=date(2026, 3, 9))
    assert (again.protocol, again.due_on, again.version) == (filing.protocol, filing.due_on, filing.version)
    assert filing.events.filter(code=EventCode.SUBMITTED).count() == 1


def test_the_full_path_with_integration_notice_and_registration(applicant, eve, oscar, sections):
    filing = submitted_registration(applicant, eve, sections)
    act(filing, Action.TAKE_CHARGE, oscar, date(2026, 3, 3))
    filing = act(filing, Action.REQUEST_INTEGRATION, oscar, date(2026, 3, 20), note="Statuto non firmato", days=30)
    assert (filing.state, filing.reply_by, filing.due_on) == (State.INTEGRATION_REQUESTED, date(2026, 4, 20), None)
    services.document_add(filing=filing, kind=DocKind.INTEGRATION, upload=_pdf(), actor=eve)
    filing = services.filing_answer_integration(
        filing=filing, actor=eve, text="Statuto firmato", today=date(2026, 4, 5)
    )
    assert (filing.state, filing.due_on) == (State.IN_REVIEW, date(2026, 6, 4))  # T3: 60 days from receipt
    filing = act(filing, Action.NOTIFY_REFUSAL, oscar, date(2026, 5, 25), note="Attività non di interesse generale")
    assert filing.state == State.REFUSAL_NOTICE and filing.remaining_days == 10 and filing.due_on is None
    filing = services.filing_send_observations(filing=filing, actor=eve, text="Vedi art. 5", today=date(2026, 5, 28))
    assert filing.due_on == date(2026, 6, 17)  # resumes 7 June, 10 days left
    filing = act(filing, Action.ACCEPT, oscar, date(2026, 6, 10), note="")
    assert filing.state == State.ACCEPTED

    entity = Entity.objects.get(organisation=applicant)
    assert entity.repertory_number and entity.registered_on == date(2026, 6, 10)
    assert entity.registration_route == RegistrationRoute.ORDINARY
    assert filing.entity == entity
    assert EntityVersion.objects.filter(entity=entity, valid_from=date(2026, 6, 10)).exists()
    holder = OfficeHolder.objects.get(entity=entity)
    assert holder.full_name == "Anna Aurora" and holder.tax_code == "RRANNA80A41F205C"

    codes = list(filing.events.values_list("code", "rule"))
    assert codes == [
        ("created", ""),
        ("submitted", "T1"),
        ("taken", ""),
        ("integration_requested", "T2"),
        ("document", ""),
        ("integration_received", "T3"),
        ("refusal_notice", "T5"),
        ("observations", "T5"),
        ("accepted", ""),
    ]
    changes = [(e.due_before, e.due_after) for e in filing.events.all() if e.deadline_changed]
    # The request stops the office's term while the entity has until 20 April; the answer starts a new one (T3).
    assert (date(2026, 5, 2), None) in changes and (None, date(2026, 6, 4)) in changes
    requested = filing.events.get(code="integration_requested")
    assert requested.reply_by == date(2026, 4, 20)
    # Three acts, each numbered, rendered as PDF and sent by PEC.
    acts = list(filing.documents.filter(kind=DocKind.OFFICE_ACT))
    assert [a.action for a in acts] == ["request_integration", "notify_refusal", "accept"]
    assert len({a.protocol for a in acts}) == 3
    for document in acts:
        assert document.rendered_at and document.sent_at
        with document.file.open("rb") as f:
            assert f.read(5) == b"%PDF-"
    assert sum(1 for m in mail.outbox if m.attachments) == 3


def test_refusal_needs_a_notice_first_and_states_reasons(applicant, eve, oscar, sections):
    filing = submitted_registration(applicant, eve, sections)
    act(filing, Action.TAKE_CHARGE, oscar, date(2026, 3, 3))
    with pytest.raises(ValidationError, match="10-bis"):
        act(filing, Action.REFUSE, oscar, date(2026, 3, 4), note="No")
    act(filing, Action.NOTIFY_REFUSAL, oscar, date(2026, 3, 4), note="Motivi")
    filing = services.filing_expire(filing=filing, today=date(2026, 3, 20)) and filing
    filing.refresh_from_db()
    assert filing.state == State.IN_REVIEW
    with pytest.raises(ValidationError):
        act(filing, Action.REFUSE, oscar, date(2026, 3, 21), note="  ")
    filing = act(filing, Action.REFUSE, oscar, date(2026, 3, 21), note="Finalità non civiche")
    assert filing.state == State.REFUSED
    assert not Entity.objects.filter(organisation=applicant).exists()


def test_an_action_not_allowed_in_the_state_is_refused_and_changes_nothing(applicant, eve, oscar, sections):
    filing = submitted_registration(applicant, eve, sections)
    with pytest.raises(ValidationError, match=r"not possible|non è possibile"):
        act(filing, Action.ACCEPT, oscar, date(2026, 3, 3))
    filing.refresh_from_db()
    assert filing.state == State.SUBMITTED and filing.events.count() == 2


def test_an_action_on_a_stale_page_is_refused(applicant, eve, oscar, alice, sections):
    filing = submitted_registration(applicant, eve, sections)
    stale = filing.version
    services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=alice, version=stale)
    with pytest.raises(services.FilingChanged):
        services.filing_act(filing=filing, action=Action.TAKE_CHARGE, actor=oscar, version=stale)
    filing.refresh_from_db()
    assert filing.assignee == alice


def test_withdrawal(applicant, eve, sections):
    filing = submitted_registration(applicant, eve, sections)
    filing = services.filing_withdraw(filing=filing, actor=eve)
    assert filing.state == State.WITHDRAWN and not filing.is_open
    with pytest.raises(ValidationError):
        services.filing_withdraw(filing=filing, actor=eve)


def test_a_registered_entity_cannot_apply_again(airc_entity, eve):
    with pytest.raises(ValidationError, match=r"already in the register|già nel registro"):
        services.filing_create(organisation=airc_entity.organisation, kind=Kind.REGISTRATION, actor=eve)


def _pdf():
    from tests.filings.conftest import upload

    return upload("integrazione.pdf")
