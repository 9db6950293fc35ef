"""A decision writes the filing, its event, its act, their audit entries and the act's job together, in few queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from pariter.core import audit
from pariter.core.models import AuditEntry
from pariter.filings import services
from pariter.filings.kinds import Action, Kind, State
from pariter.filings.models import Filing, FilingDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def deed_update(airc_entity, eve):  # type: ignore[no-untyped-def]
    """A deed update under examination: its refusal is an act with no register write."""
    return Filing.objects.create(
        organisation=airc_entity.organisation,
        entity=airc_entity,
        kind=Kind.DEED_UPDATE,
        state=State.IN_REVIEW,
        submitted_on=date(2026, 3, 2),
        protocol="CMM/2026/0000001",
        pec="airc@pec.it",
        term_rule="T1",
        term_started_on=date(2026, 3, 2),
        term_ends_on=date(2026, 5, 2),
        due_on=date(2026, 5, 2),
    )


@pytest.fixture
def queued(monkeypatch):  # type: ignore[no-untyped-def]
    """Work left for after the commit (the act's PDF and PEC) is kept aside, not run: it belongs to the task."""
    from django.db import transaction

    callbacks: list = []
    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: callbacks.append(func))
    return callbacks


def refuse(filing, oscar):  # type: ignore[no-untyped-def]
    return services.filing_act(
        filing=filing, action=Action.REFUSE, actor=oscar, version=filing.version, note="Atto non conforme"
    )


def test_a_refusal_logs_the_filing_its_event_and_its_act(deed_update, oscar, queued):
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with audit.context(actor_id=oscar.pk, actor_label=oscar.email, ip_address="10.0.0.7"):
        refuse(deed_update, oscar)
    entries = list(AuditEntry.objects.filter(id__gt=last).order_by("id"))
    assert [e.action for e in entries] == [
        "filings.filing.changed",
        "filings.filing.refused",
        "filings.filingdocument.created",
    ]
    changed, refused, created = entries
    assert changed.changes["state"] == [State.IN_REVIEW, State.REFUSED]
    assert changed.changes["decided_on"] == [None, date.today().isoformat()]
    assert changed.changes["due_on"] == ["2026-05-02", None]
    assert "version" not in changed.changes and "queue_key" not in changed.changes
    assert refused.changes == {"state": State.REFUSED, "due": None, "reply_by": None}
    act = FilingDocument.objects.get(filing=deed_update, action=Action.REFUSE)
    assert created.object_id == str(act.pk)
    assert created.changes["protocol"] == [None, act.protocol] and created.changes["body"][1] == "Atto non conforme"
    assert {(e.actor_id, e.ip_address) for e in entries} == {(oscar.pk, "10.0.0.7")}
    assert audit.verify().intact


def test_a_refusal_takes_a_fixed_handful_of_queries(deed_update, oscar, queued, django_assert_max_num_queries):
    # As in service: this year's protocol counter exists, the content types are cached.
    services.next_protocol(date.today())
    for model in (Filing, FilingDocument):
        ContentType.objects.get_for_model(model)
    # The test's savepoint (2), lock, filing, event, protocol (2), act, and the three audit entries written
    # together: the chain's head read and written once, one insert (3). Three entries one by one took 15.
    with django_assert_max_num_queries(11):
        refuse(deed_update, oscar)
    assert len(queued) == 1  # the PDF and the PEC are the task's


def test_the_second_change_in_one_service_is_logged_against_the_first(deed_update, oscar, queued):
    filing = services.filing_act(
        filing=deed_update,
        action=Action.REQUEST_INTEGRATION,
        actor=oscar,
        version=deed_update.version,
        note="Manca il verbale",
        days=10,
        today=date(2026, 3, 10),
    )
    entry = AuditEntry.objects.filter(action="filings.filing.changed").latest("id")
    assert entry.changes["state"] == [State.IN_REVIEW, State.INTEGRATION_REQUESTED]
    assert entry.changes["reply_by"][0] is None and entry.changes["due_on"] == ["2026-05-02", None]
    assert filing.reply_by is not None


def test_a_refused_action_leaves_no_entry(deed_update, oscar, queued):
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with pytest.raises(ValidationError):
        services.filing_act(filing=deed_update, action=Action.REFUSE, actor=oscar, version=deed_update.version)
    assert not AuditEntry.objects.filter(id__gt=last).exists()
    assert audit.verify().intact


def test_the_database_queue_gets_the_act_in_the_decision_transaction(deed_update, oscar, settings):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def decide_then_fail() -> None:
        with transaction.atomic():
            refuse(deed_update, oscar)
            assert DBTaskResult.objects.filter(task_path__endswith="render_and_send_act").count() == 1
            raise RuntimeError  # the decision fails after all: its act's job goes with it

    with pytest.raises(RuntimeError):
        decide_then_fail()
    assert not DBTaskResult.objects.exists()
    deed_update.refresh_from_db()
    refuse(deed_update, oscar)
    job = DBTaskResult.objects.get()
    act = FilingDocument.objects.get(filing=deed_update, action=Action.REFUSE)
    assert job.args_kwargs["kwargs"] == {"document_id": act.pk}
