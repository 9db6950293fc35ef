"""Controls of the office under CTS art. 93: opened on a registered entity, hidden from it until a formal act is
sent, concluded with a findings letter and, where due, a warning or a cancellation procedure."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pariter.filings import selectors, services
from pariter.filings.kinds import Kind, State
from pariter.filings.models import Control, Filing
from pariter.registry.models import EntityStatus
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def open_control(entity, officer, **kw):  # type: ignore[no-untyped-def]
    return services.control_open(
        entity=entity,
        actor=officer,
        scope=kw.get("scope", "b"),
        method=kw.get("method", "visit"),
        summary="Segnalazione del comune",
        on_report=True,
    )


def test_a_control_is_opened_without_telling_the_entity(airc_entity, oscar):
    filing = open_control(airc_entity, oscar)
    assert filing.kind == Kind.CONTROL and filing.state == State.IN_REVIEW and filing.is_open
    assert not filing.documents.exists()  # no act, no PEC
    assert filing not in selectors.filings_of(airc_entity.organisation)
    assert filing.events.get().code == "opened"


def test_the_entity_cannot_reach_a_control_it_was_not_told_of(airc_entity, oscar, eve):
    filing = open_control(airc_entity, oscar)
    assert signed_in(eve).get(reverse("filings:portal_filing", args=[filing.pk])).status_code == 404


def test_a_control_runs_alongside_other_filings_but_not_alongside_another_control(airc_entity, oscar):
    services.filing_open_by_office(entity=airc_entity, kind=Kind.REVIEW, actor=oscar, summary="Revisione")
    open_control(airc_entity, oscar)
    with pytest.raises(ValidationError, match="still pending"):
        open_control(airc_entity, oscar)


def test_bad_input_is_refused_with_every_reason(airc_entity, oscar):
    with pytest.raises(ValidationError) as error:
        services.control_open(entity=airc_entity, actor=oscar, scope="z", method="x", summary=" ")
    assert set(error.value.message_dict) == {"scope", "method", "summary"}
    assert not Filing.objects.filter(kind=Kind.CONTROL).exists()


def test_no_issues_closes_it_with_a_findings_letter_the_entity_then_sees(airc_entity, oscar, eve):
    filing = open_control(airc_entity, oscar)
    filing = services.control_conclude(
        filing=filing, actor=oscar, version=filing.version, findings="Tutto regolare.", outcome="no_issues"
    )
    assert filing.state == State.CLOSED
    act = filing.documents.get(kind="office_act")
    assert act.action == "control_findings" and act.protocol.startswith("CMM/")
    act.refresh_from_db()
    assert act.sent_at is not None  # rendered and sent by PEC (tasks run at once in tests)
    assert filing in selectors.filings_of(airc_entity.organisation)
    assert signed_in(eve).get(reverse("filings:portal_filing", args=[filing.pk])).status_code == 200


def test_a_warning_outcome_opens_the_warning_through_its_own_path(airc_entity, oscar):
    filing = open_control(airc_entity, oscar, scope="c")
    services.control_conclude(
        filing=filing, actor=oscar, version=filing.version, findings="Bilancio mancante.", outcome="warning", days=60
    )
    control = Control.objects.get(filing=filing)
    assert control.follow_up is not None and control.follow_up.kind == Kind.WARNING
    assert control.follow_up.warning_days == 60
    airc_entity.refresh_from_db()
    assert airc_entity.status == EntityStatus.WARNED


def test_a_cancellation_outcome_opens_the_cancellation_for_lack_of_requirements(airc_entity, oscar):
    filing = open_control(airc_entity, oscar, scope="a")
    services.control_conclude(
        filing=filing, actor=oscar, version=filing.version, findings="Requisiti assenti.", outcome="cancellation"
    )
    follow_up = Control.objects.get(filing=filing).follow_up
    assert follow_up is not None and follow_up.kind == Kind.CANCELLATION and follow_up.cancellation_cause == "d"


def test_findings_are_required(airc_entity, oscar):
    filing = open_control(airc_entity, oscar)
    with pytest.raises(ValidationError) as error:
        services.control_conclude(filing=filing, actor=oscar, version=filing.version, findings="", outcome="?")
    assert set(error.value.message_dict) == {"findings", "outcome"}
    assert Filing.objects.get(pk=filing.pk).state == State.IN_REVIEW


def test_the_officer_opens_and_concludes_it_from_the_workbench(airc_entity, oscar):
    client = signed_in(oscar)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.get(reverse("filings:control_start")).status_code == 200
    response = client.post(
        reverse("filings:control_start"),
        {"repertory_number": airc_entity.repertory_number, "scope": "a", "method": "documentary", "summary": "Piano"},
    )
    filing = Filing.objects.get(kind=Kind.CONTROL)
    assert response.status_code == 302
    html = client.get(reverse("filings:detail", args=[filing.pk])).content.decode()
    assert "Record the findings" in html
    queue = client.get(reverse("filings:queue") + "?control_scope=a").content.decode()
    assert filing.reference in queue
    assert filing.reference not in client.get(reverse("filings:queue") + "?control_scope=b").content.decode()
    response = client.post(
        reverse("filings:control_conclude", args=[filing.pk]),
        {"version": filing.version, "findings": "Regolare", "outcome": "no_issues"},
    )
    assert response.status_code == 302
    assert Filing.objects.get(pk=filing.pk).state == State.CLOSED


def test_a_communication_during_the_control_is_a_formal_act_and_discloses_it(airc_entity, oscar, eve):
    filing = open_control(airc_entity, oscar, method="inspection")
    assert filing not in selectors.filings_of(airc_entity.organisation)
    filing = services.control_notify(
        filing=filing, actor=oscar, version=filing.version, text="Ispezione il 10 dicembre alle 10."
    )
    act = filing.documents.get(kind="office_act")
    assert act.action == "control_notice" and act.protocol
    assert filing.state == State.IN_REVIEW and filing.events.filter(code="control_notice").exists()
    assert filing in selectors.filings_of(airc_entity.organisation)
    assert signed_in(eve).get(reverse("filings:portal_filing", args=[filing.pk])).status_code == 200


def test_an_act_not_yet_sent_discloses_nothing(airc_entity, oscar, eve, monkeypatch):
    from types import SimpleNamespace

    from pariter.filings import tasks

    # The PEC has not gone out yet: the act is numbered, its job not run.
    monkeypatch.setattr(
        tasks, "render_and_send_act", SimpleNamespace(get_backend=lambda: None, enqueue=lambda **kw: None)
    )
    filing = open_control(airc_entity, oscar)
    services.control_notify(filing=filing, actor=oscar, version=filing.version, text="Richiesta documenti")
    act = filing.documents.get(kind="office_act")
    client = signed_in(eve)
    assert client.get(reverse("filings:portal_filing", args=[filing.pk])).status_code == 404
    assert client.get(reverse("filings:document", args=[filing.pk, act.pk])).status_code == 404


def test_the_generic_start_cannot_open_a_control_with_an_act(airc_entity, oscar):
    with pytest.raises(ValidationError):
        services.filing_open_by_office(entity=airc_entity, kind=Kind.CONTROL, actor=oscar, summary="x")


def test_the_entitys_page_offers_officers_a_control_and_the_public_nothing(client, airc_entity, oscar):
    url = reverse("registry:entity", args=[airc_entity.repertory_number])
    start = reverse("filings:control_start") + f"?repertorio={airc_entity.repertory_number}"
    assert start in signed_in(oscar).get(url).text
    assert start not in client.get(url).text
