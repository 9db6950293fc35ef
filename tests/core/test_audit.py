"""The audit log: writes are captured, the chain is verifiable, tampering is caught."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from pariter.core import audit, services
from pariter.core.models import AuditEntry


def test_it_logs_creation_with_actor_organisation_and_ip(alice, office, milano):
    with audit.context(actor_id=alice.pk, actor_label=alice.email, organisation_id=office.pk, ip_address="10.1.2.3"):
        org = services.organisation_create(
            name="Cooperativa Sociale Esempio", kind="cooperative", tax_code="80051890152", municipality=milano
        )
    entry = AuditEntry.objects.filter(action="core.organisation.created", object_id=str(org.pk)).get()
    assert entry.actor_id == alice.pk
    assert entry.organisation_id == office.pk
    assert entry.ip_address == "10.1.2.3"
    assert entry.changes["tax_code"] == [None, "80051890152"]


def test_it_logs_changed_fields_only_with_reason(oscar, airc):
    with audit.context(actor_id=oscar.pk, actor_label=oscar.email):
        services.organisation_update(organisation=airc, phone="02 1234567", reason="Phone confirmed by e-mail")
    entry = AuditEntry.objects.filter(action="core.organisation.changed").latest("id")
    assert entry.changes == {"phone": ["", "02 1234567"]}
    assert entry.reason == "Phone confirmed by e-mail"


def test_it_logs_deletion(airc):
    pk = airc.pk
    airc.delete()
    assert AuditEntry.objects.filter(action="core.organisation.deleted", object_id=str(pk)).exists()


def test_it_never_records_passwords(charlie):
    charlie.set_password("a-new-secret-password")
    charlie.save()
    for entry in AuditEntry.objects.all():
        assert "password" not in entry.changes


def test_entries_refuse_update_and_delete_through_the_orm(alice):
    entry = AuditEntry.objects.first()
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()


def test_the_database_refuses_updates(alice):
    entry = AuditEntry.objects.first()
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")


def test_verify_reports_an_intact_chain(alice, oscar, capsys):
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "intact" in out
    assert str(AuditEntry.objects.count()) in out


def _tamper(sql: str, params: list) -> None:
    """Change a row the way a DBA with direct access would: around the trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditentry DISABLE TRIGGER core_auditentry_append_only")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditentry ENABLE TRIGGER core_auditentry_append_only")
        else:
            cursor.execute("DROP TRIGGER core_auditentry_append_only")
            cursor.execute(sql, params)


def test_verify_catches_a_tampered_row(alice, oscar, bianca):
    victim = AuditEntry.objects.order_by("id")[2]
    _tamper("UPDATE core_auditentry SET reason = %s WHERE id = %s", ["nothing happened here", victim.pk])
    report = audit.verify()
    assert not report.intact
    assert report.broken_at == victim.pk
    with pytest.raises(CommandError, match=f"#{victim.pk}"):
        call_command("audit_verify")


def test_verify_catches_a_removed_row(alice, oscar):
    victim = AuditEntry.objects.order_by("id")[1]
    successor = AuditEntry.objects.filter(pk__gt=victim.pk).order_by("id").first()
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [victim.pk])
    report = audit.verify()
    assert report.broken_at == successor.pk


def test_verify_catches_a_removed_tail(alice, oscar):
    last = AuditEntry.objects.order_by("-id").first()
    _tamper("DELETE FROM core_auditentry WHERE id = %s", [last.pk])
    assert not audit.verify().intact


def test_a_batch_writes_its_entries_in_order_at_its_end(airc):
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    with CaptureQueriesContext(connection) as queries, audit.batch():
        audit.record("core.test.first", obj=airc, changes={"n": 1})
        audit.record("core.test.second", obj=airc, changes={"n": 2})
        with audit.batch():  # a nested batch joins the outer one
            audit.record("core.test.third", changes={"n": 3}, reason="why")
        assert not AuditEntry.objects.filter(id__gt=last).exists()
    audit_sql = [q["sql"] for q in queries.captured_queries if "core_audit" in q["sql"]]
    # The chain's head locked and moved on once, and one insert for the three, after the check above.
    assert len(audit_sql) == 4 and sum(sql.startswith("INSERT") for sql in audit_sql) == 1
    entries = list(AuditEntry.objects.filter(id__gt=last).order_by("id"))
    assert [e.action for e in entries] == ["core.test.first", "core.test.second", "core.test.third"]
    assert entries[1].prev_hash == entries[0].hash and entries[2].prev_hash == entries[1].hash
    assert entries[2].reason == "why" and entries[0].object_id == str(airc.pk)
    assert audit.verify().intact


def test_an_error_in_a_batch_writes_no_entry(airc):
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def change_then_fail() -> None:
        with transaction.atomic(), audit.batch():
            services.organisation_update(organisation=airc, phone="02 7654321")
            raise ValueError

    with pytest.raises(ValueError):
        change_then_fail()
    assert not AuditEntry.objects.filter(id__gt=last).exists()
    airc.refresh_from_db()
    assert airc.phone != "02 7654321"
    audit.record("core.test.after")  # the chain goes on from where it was
    assert audit.verify().intact


def test_a_remembered_row_is_compared_without_reading_it_again(airc, django_assert_num_queries):
    from pariter.core.models import Organisation

    with transaction.atomic():
        org = Organisation.objects.select_for_update().get(pk=airc.pk)
        audit.remember(org)
        org.phone = "02 1111111"
        with django_assert_num_queries(4):  # the update, then the entry: head, insert, head
            org.save(update_fields=["phone", "updated_at"])
        org.phone, org.pec = "02 2222222", "nuova@pec.it"
        org.save(update_fields=["phone"])  # the PEC changed in memory only: not saved, not logged as saved
        org.save(update_fields=["pec"])
    first, second, third = AuditEntry.objects.filter(action="core.organisation.changed").order_by("-id")[:3][::-1]
    assert first.changes == {"phone": [airc.phone, "02 1111111"]}
    assert second.changes["phone"] == ["02 1111111", "02 2222222"]
    assert third.changes == {"pec": [airc.pec, "nuova@pec.it"]}
