"""Notaries: the office enables them, they file registrations with legal personality and record refusals.

Personas: oscar the register officer, nora a notary enabled by the office, nadia another notary, eve an entity's
representative, charlie a citizen with no role.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pariter.core.models import AuditEntry, Organisation
from pariter.filings import services
from pariter.filings.kinds import DocKind, Kind, State
from pariter.filings.models import Filing, NotaryRefusal
from tests.conftest import make_user
from tests.filings.conftest import upload

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 26)


@pytest.fixture
def nora(oscar):  # type: ignore[no-untyped-def]
    make_user("nora@notariato.it", "Nora Notaia")
    return services.notary_enable(
        email="NORA@notariato.it", full_name="Nora Notaia", district="Milano, Busto Arsizio, Lodi, Monza e Varese",
        seat="Milano", actor=oscar, today=date(2026, 1, 1),
    )  # fmt: skip


@pytest.fixture
def nadia(oscar):  # type: ignore[no-untyped-def]
    make_user("nadia@notariato.it", "Nadia Notaia")
    return services.notary_enable(
        email="nadia@notariato.it", full_name="Nadia Notaia", district="Milano", seat="Monza", actor=oscar
    )


def deed(nora, sections, milano, **extra):  # type: ignore[no-untyped-def]
    fields = {
        "notary": nora,
        "name": "Fondazione Nuova Luce ETS",
        "tax_code": "97000020152",
        "municipality": milano,
        "deed_received_on": date(2026, 3, 2),
        "actor": nora.user,
        "section": sections["g"],
        "pec": "luce@pec.it",
        "representative_name": "Luca Luce",
        "today": TODAY,
    }
    fields.update(extra)
    return services.notary_filing_create(**fields)


# --- The office enables notaries ------------------------------------------------------------------------------


def test_an_officer_enables_a_citizen_account_as_a_notary_and_the_audit_log_says_so(nora, oscar):
    assert nora.user.email == "nora@notariato.it"
    assert nora.is_active_on(date(2026, 1, 1)) and not nora.is_active_on(date(2025, 12, 31))
    assert AuditEntry.objects.filter(action="filings.notary.created", object_id=str(nora.pk)).exists()


def test_it_refuses_unknown_accounts_members_of_organisations_and_twice_the_same(oscar, eve, nora):
    with pytest.raises(ValidationError) as error:
        services.notary_enable(email="ghost@example.org", full_name="X", district="Y", seat="Z", actor=oscar)
    assert "signs up first" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.notary_enable(email=eve.email, full_name="Eve", district="Y", seat="Z", actor=oscar)
    assert "personal account" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.notary_enable(email=nora.user.email, full_name="Nora", district="Y", seat="Z", actor=oscar)
    assert "already enabled" in str(error.value)


def test_an_ended_notary_is_no_longer_one_and_can_be_enabled_again(nora, oscar):
    services.notary_end(notary=nora, actor=oscar, today=date(2026, 6, 1))
    nora.refresh_from_db()
    assert not nora.is_active_on(date(2026, 6, 1)) and nora.is_active_on(date(2026, 5, 31))
    again = services.notary_enable(
        email=nora.user.email, full_name="Nora Notaia", district="Milano", seat="Lodi", actor=oscar
    )
    assert again.pk == nora.pk and again.ended_on is None and again.seat == "Lodi"


# --- The notarial route (CTS art. 22; DM 106/2020 art. 16) -----------------------------------------------------


def test_a_notary_files_for_an_entity_being_constituted_and_it_is_registered_with_legal_personality(
    nora, oscar, sections, milano
):
    filing = deed(nora, sections, milano)
    assert filing.kind == Kind.NOTARIAL_REGISTRATION and filing.notary == nora
    assert Organisation.objects.get(tax_code="97000020152").name == "Fondazione Nuova Luce ETS"
    assert "Give the date" not in " ".join(services.submission_problems(filing))
    for kind in (DocKind.NOTARIAL_DEED, DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE):
        services.document_add(filing=filing, kind=kind, upload=upload(f"{kind}.pdf"), actor=nora.user)
    filing = services.filing_submit(filing=filing, actor=nora.user, today=date(2026, 3, 10))
    assert filing.term_rule == "T8" and filing.notary_days_late() == 0
    services.filing_act(
        filing=filing, action="take_charge", actor=oscar, version=filing.version, today=date(2026, 3, 11)
    )
    filing.refresh_from_db()
    services.filing_act(filing=filing, action="accept", actor=oscar, version=filing.version, today=date(2026, 4, 1))
    filing.refresh_from_db()
    assert filing.state == State.ACCEPTED and filing.entity is not None and filing.entity.has_legal_personality


def test_a_late_deposit_is_filed_and_shown_not_refused(nora, sections, milano):
    # Received on 2 March: the 20 days end on Sunday 22 March, so Monday 23 March is the last day (T7).
    filing = deed(nora, sections, milano)
    for kind in (DocKind.NOTARIAL_DEED, DocKind.STATUTE):
        services.document_add(filing=filing, kind=kind, upload=upload(), actor=nora.user)
    filing = services.filing_submit(filing=filing, actor=nora.user, today=date(2026, 3, 26))
    assert filing.state == State.SUBMITTED
    assert filing.notary_days_late() == 3
    assert "3 days after the notary's 20" in filing.events.get(code="submitted").note


def test_the_same_form_posted_twice_gives_one_draft(nora, sections, milano):
    import uuid

    token = uuid.uuid4()
    first = deed(nora, sections, milano, client_token=token)
    assert deed(nora, sections, milano, client_token=token).pk == first.pk
    assert Filing.objects.count() == 1


def test_bad_input_is_refused_with_every_reason_and_nothing_written(nora, sections, milano):
    with pytest.raises(ValidationError) as error:
        deed(nora, sections, milano, deed_received_on=TODAY + timedelta(days=1))
    assert "after today" in str(error.value)
    with pytest.raises(ValidationError) as error:
        deed(nora, sections, milano, name="", municipality=None)
    assert set(error.value.message_dict) == {"name", "municipality"}
    with pytest.raises(ValidationError):
        deed(nora, sections, milano, tax_code="NOTACODE")
    assert not Organisation.objects.filter(tax_code="97000020152").exists()
    assert not Filing.objects.exists()


def test_a_notary_cannot_file_for_an_entity_already_in_the_register(nora, airc_entity, sections, milano):
    with pytest.raises(ValidationError) as error:
        deed(nora, sections, milano, tax_code=airc_entity.organisation.tax_code)
    assert "already in the register" in str(error.value)


# --- The notary's refusal and the founders' way to the office (CTS art. 22 c.3; DM 106/2020 art. 19) ----------


def refuse(nora, milano, **extra):  # type: ignore[no-untyped-def]
    fields = {
        "notary": nora,
        "name": "Associazione Senza Requisiti",
        "tax_code": "97000030151",
        "municipality": milano,
        "deed_received_on": date(2026, 10, 1),
        "communicated_on": date(2026, 10, 20),
        "reasons": "Patrimonio minimo non raggiunto (CTS art. 22 c.4).",
        "today": TODAY,
    }
    fields.update(extra)
    return services.notary_refusal_record(**fields)


def test_a_recorded_refusal_lets_the_founders_apply_within_30_days(nora, milano, sections):
    refusal = refuse(nora, milano)
    assert refusal.days_late() == 0
    assert refusal.application_due() == date(2026, 11, 19)
    assert refusal.organisation.tax_code == "97000030151"  # the founders' organisation exists from now on
    # Within the 30 days the founders file (creation checks today's date), and the notary's letter is on record.
    today = timezone.localdate()
    recent = refuse(nora, milano, tax_code="97000040150", communicated_on=today - timedelta(days=2), today=today)
    founder = make_user("fondatore@example.org", "Franco Fondatore")
    draft = services.filing_create(
        organisation=recent.organisation,
        kind=Kind.AFTER_NOTARY_REFUSAL,
        actor=founder,
        section=sections["b"],
        representative_name="Franco Fondatore",
        pec="fondatori@pec.it",
    )
    problems = " ".join(services.submission_problems(draft))
    assert "Notary's communication" not in problems and "Statute" in problems


def test_after_30_days_the_founders_can_no_longer_apply(nora, milano, sections):
    refusal = refuse(nora, milano, communicated_on=date(2026, 9, 1), deed_received_on=date(2026, 8, 1))
    founder = make_user("fondatore@example.org", "Franco Fondatore")
    with pytest.raises(ValidationError) as error:
        services.filing_create(
            organisation=refusal.organisation, kind=Kind.AFTER_NOTARY_REFUSAL, actor=founder, section=sections["b"]
        )
    assert "DM 106/2020 art. 19" in str(error.value)


def test_a_late_refusal_is_recorded_with_its_delay(nora, milano):
    refusal = refuse(nora, milano, deed_received_on=date(2026, 9, 1), communicated_on=date(2026, 10, 20))
    assert refusal.days_late() == 19
    entry = AuditEntry.objects.get(action="filings.notary.refusal_recorded")
    assert entry.changes["days_late"] == 19


def test_a_refusal_needs_reasons_and_sensible_dates(nora, milano):
    with pytest.raises(ValidationError) as error:
        refuse(nora, milano, reasons=" ", communicated_on=date(2026, 9, 1))
    assert set(error.value.message_dict) == {"reasons", "communicated_on"}
    assert not NotaryRefusal.objects.exists()


def test_the_office_records_a_missing_codice_fiscale_once_well_formed(nora, oscar):
    with pytest.raises(ValidationError) as error:
        services.notary_set_tax_code(notary=nora, tax_code="97000020152", actor=oscar)
    assert "16 characters" in error.value.message_dict["tax_code"][0]
    with pytest.raises(ValidationError):
        services.notary_set_tax_code(notary=nora, tax_code=" ", actor=oscar)
    nora.refresh_from_db()
    assert nora.tax_code == ""
    services.notary_set_tax_code(notary=nora, tax_code="ntrnlt70a41f205y", actor=oscar)
    nora.refresh_from_db()
    assert nora.tax_code == "NTRNLT70A41F205Y"
    # The audit log records the change without the value, not even encrypted.
    entry = AuditEntry.objects.filter(object_id=str(nora.pk), changes__has_key="tax_code_token").latest("id")
    assert "NTRNLT70A41F205Y" not in str(entry.changes) and nora.tax_code_token not in str(entry.changes)
