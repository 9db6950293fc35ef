"""Register writes keep the history: the register answers "what did it say on date X"."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from pariter.core.models import AuditEntry, Organisation
from pariter.registry import services
from pariter.registry.models import Entity, EntityVersion, OfficeHolderRole, Section
from pariter.registry.selectors import entry_as_of
from tests.registry.factories import register


def test_registration_links_one_identity_per_codice_fiscale(milano, airc):
    entity = register("Fondazione AIRC", milano, tax_code=airc.tax_code, sections="c")
    assert entity.organisation == airc
    assert Organisation.objects.filter(tax_code=airc.tax_code).count() == 1
    with pytest.raises(ValidationError):
        register("Doppione", milano, tax_code=airc.tax_code)


def test_registration_assigns_a_repertorio_once(milano):
    a = register("Uno", milano)
    b = register("Due", milano)
    assert b.repertory_number == a.repertory_number + 1
    a.repertory_number = 999
    with pytest.raises(ValidationError):
        a.full_clean(exclude=["organisation"])


def test_only_a_rete_associativa_holds_two_sections(milano):
    register("Rete", milano, sections="eb")
    with pytest.raises(ValidationError):
        register("Due sezioni", milano, sections="ab")


def test_the_register_answers_as_of_any_date(milano, sesto):
    entity = register("Associazione Prima", milano, registered_on=date(2022, 11, 7))
    services.entity_update(
        entity=entity, name="Associazione Seconda", municipality=sesto, effective_on=date(2024, 5, 1)
    )
    services.office_holder_appoint(
        entity=entity, role=OfficeHolderRole.LEGAL_REPRESENTATIVE, full_name="Maria Rossi", starts_on=date(2025, 1, 10)
    )
    assert entry_as_of(entity, date(2022, 11, 6)) is None
    assert entry_as_of(entity, date(2023, 1, 1))["name"] == "Associazione Prima"
    assert entry_as_of(entity, date(2024, 4, 30))["municipality"]["name"] == "MILANO"
    as_2024 = entry_as_of(entity, date(2024, 5, 1))
    assert as_2024["name"] == "Associazione Seconda" and as_2024["legal_representatives"] == []
    assert entry_as_of(entity, date(2025, 2, 1))["legal_representatives"] == ["Maria Rossi"]
    assert entry_as_of(Entity.objects.get(pk=entity.pk))["name"] == "Associazione Seconda"
    versions = list(EntityVersion.objects.filter(entity=entity).order_by("valid_from"))
    assert [v.valid_to for v in versions] == [date(2024, 5, 1), date(2025, 1, 10), None]
    assert set(versions[1].changed_fields) >= {"name", "municipality"}


def test_a_change_cannot_be_backdated_before_the_last_one(milano):
    entity = register("Associazione", milano, registered_on=date(2024, 1, 1))
    services.entity_update(entity=entity, phone="02 1", effective_on=date(2024, 6, 1))
    with pytest.raises(ValidationError):
        services.entity_update(entity=entity, phone="02 2", effective_on=date(2024, 3, 1))
    entity.refresh_from_db()
    assert entity.phone == "02 1"


def test_no_version_when_nothing_public_changes(milano):
    entity = register("Associazione", milano, registered_on=date(2024, 1, 1))
    services.entity_update(entity=entity, phone="", effective_on=date(2024, 6, 1))
    assert EntityVersion.objects.filter(entity=entity).count() == 1


def test_changes_are_audited_and_personal_tax_codes_masked(milano):
    entity = register("Associazione", milano)
    services.office_holder_appoint(
        entity=entity,
        role="president",
        full_name="Mario Bianchi",
        tax_code="BNCMRA80A01F205X",
        starts_on=date(2024, 1, 1),
    )
    entry = AuditEntry.objects.get(action="registry.officeholder.created")
    assert "BNCMRA80A01F205X" not in str(entry.changes)
    assert AuditEntry.objects.filter(action="registry.entity.created", object_id=str(entity.pk)).exists()


def test_office_holders_never_reach_the_public_content_with_their_codice_fiscale(milano):
    entity = register("Associazione", milano)
    services.office_holder_appoint(
        entity=entity,
        role="president",
        full_name="Mario Bianchi",
        tax_code="BNCMRA80A01F205X",
        starts_on=date(2024, 1, 1),
    )
    assert "BNCMRA80A01F205X" not in str(entry_as_of(Entity.objects.get(pk=entity.pk)))


def test_sections_are_reference_data(db):
    assert Section.objects.count() == 7
    assert Section.objects.get(letter="e").combinable
    assert not Section.objects.get(letter="d").reviewed_every_three_years
