"""`registry_demo`: a synthetic register, flagged as such, whose history has exactly the shape the services write."""

from __future__ import annotations

from collections import Counter
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from pariter.core.models import AuditEntry, Municipality, Organisation, OrganisationKind, OrganisationSource
from pariter.core.validators import validate_tax_code
from pariter.registry import demo
from pariter.registry.entries import changed_fields, entry_snapshot, prefetch_for_snapshot
from pariter.registry.models import (
    DepositedDocument,
    Entity,
    EntitySection,
    EntityVersion,
    OfficeHolder,
    RegistrationRoute,
)
from pariter.registry.selectors import EntitySearch, search_entities
from tests.conftest import make_municipality
from tests.registry.factories import register

N = 60
# Parts of an entry that depend on the day: the rest of an old version differs only where a later change says so.
PERIOD_PARTS = ("sections", "office_holders", "legal_representatives", "secondary_offices")


@pytest.fixture
def places(milano: Municipality, sesto: Municipality) -> list[Municipality]:
    return [
        milano,
        sesto,
        make_municipality("058091", "ROMA", "H501", metro=False, province="RM"),
        make_municipality("013041", "CANTÙ", "B639", metro=False, province="CO"),
        # A province created after 2000: its ISTAT code (108) is no office code of a codice fiscale.
        make_municipality("108033", "MONZA", "F704", metro=False, province="MB"),
    ]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("registry_demo", *args, "--force", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fingerprint() -> list[tuple[Any, ...]]:
    """Everything generated, without database ids: two runs with the same seed give the same list."""
    rows: list[tuple[Any, ...]] = []
    for entity in Entity.objects.order_by("repertory_number"):
        rows.append(
            (
                entity.repertory_number, entity.tax_code, entity.name, entity.municipality.istat_code,
                entity.registered_on, entity.registration_route, entity.address, entity.pec, entity.patrimony,
                sorted(entity.activities.values_list("letter", flat=True)),
                [(v.valid_from, v.valid_to, v.data, v.changed_fields, v.reason) for v in entity.versions.all()],
                list(entity.documents.order_by("year", "kind").values_list("kind", "year", "deposited_on")),
                list(entity.office_holders.values_list("role", "full_name", "starts_on", "ends_on")),
            )
        )  # fmt: skip
    return rows


def generated_then_rolled_back(**kwargs: Any) -> list[tuple[Any, ...]]:
    with transaction.atomic():
        demo.generate(N, **kwargs)
        rows = fingerprint()
        transaction.set_rollback(True)
    return rows


# --- The register it writes --------------------------------------------------------------------------------------


def test_it_writes_a_synthetic_register(places):
    already = register("Associazione Già Iscritta APS", places[0])
    out, err = run("--entities", str(N), "--seed", "7", "--batch-size", "25")

    entities = list(Entity.objects.exclude(pk=already.pk).select_related("organisation"))
    assert len(entities) == N and f"{N} synthetic entities" in out
    assert all(e.is_synthetic for e in entities) and not Entity.objects.get(pk=already.pk).is_synthetic
    # Progress per batch, on stderr.
    assert err.count("registry_demo:") == 3 and f"{N}/{N} entities" in err

    # Valid, unique codici fiscali; one directory identity each, with the kind its section implies.
    for entity in entities:
        validate_tax_code(entity.tax_code)
        assert len(entity.tax_code) == 11 and entity.organisation.tax_code == entity.tax_code
        assert entity.organisation.source == OrganisationSource.SYNTHETIC
        current = {p.section.letter for p in entity.section_periods.all() if p.valid_to is None}
        assert current, entity
        letter = next((x for x in sorted(current) if x != "e"), "e")
        expected = {"a": OrganisationKind.VOLUNTEER_ORGANISATION, "d": OrganisationKind.COOPERATIVE}
        assert entity.organisation.kind == expected.get(letter, OrganisationKind.THIRD_SECTOR)
        assert len(current) == 1 or (len(current) == 2 and "e" in current)
    assert len({e.tax_code for e in entities}) == N

    # Repertorio numbers: unique, above the one already assigned, in the order of registration.
    numbers = [e.repertory_number for e in sorted(entities, key=lambda e: e.repertory_number)]
    assert numbers == list(range(already.repertory_number + 1, already.repertory_number + 1 + N))
    dates = [e.registered_on for e in sorted(entities, key=lambda e: e.repertory_number)]
    assert dates == sorted(dates)
    assert all(demo.RUNTS_OPENED <= d <= timezone.localdate() for d in dates)
    # The next officer's registration takes the next number.
    assert register("Dopo la demo ODV", places[1], sections="a").repertory_number == numbers[-1] + 1

    # Each entry has a history: an open version, and earlier ones for some.
    versions = Counter(EntityVersion.objects.filter(entity__in=entities).values_list("entity", flat=True))
    assert set(versions) == {e.pk for e in entities}
    assert min(versions.values()) >= 1 and max(versions.values()) <= 3
    assert sum(1 for count in versions.values() if count > 1) >= N // 5
    assert EntityVersion.objects.filter(entity__in=entities, valid_to__isnull=True).count() == N
    assert OfficeHolder.objects.filter(entity__in=entities, ends_on__isnull=False).exists()
    assert DepositedDocument.objects.filter(entity__in=entities, kind="statute").count() == N
    assert EntitySection.objects.filter(entity__in=entities, valid_to__isnull=False).exists() or any(
        "sections" in v.changed_fields for v in EntityVersion.objects.filter(entity__in=entities)
    )
    assert {e.registration_route for e in entities} >= {RegistrationRoute.TRANSMIGRATION, RegistrationRoute.ORDINARY}
    assert {e.municipality.is_metropolitan for e in entities} == {True, False}

    # One summary entry in the audit log instead of one per row.
    entry = AuditEntry.objects.get(action=demo.AUDIT_ACTION)
    assert entry.changes == {"entities": N, "synthetic": True}


def test_every_version_is_what_the_services_would_have_recorded(places):
    run("--entities", str(N), "--seed", "11")
    today = timezone.localdate()
    for entity in prefetch_for_snapshot(Entity.objects.all()):
        history = list(EntityVersion.objects.filter(entity=entity).order_by("valid_from"))
        # The open version is the entry as it stands, field for field.
        assert history[-1].valid_to is None
        assert history[-1].data == entry_snapshot(entity, on=today), entity
        assert history[0].valid_from == entity.registered_on and history[0].changed_fields == []
        changed_later: set[str] = set()
        for before, after in reversed(list(pairwise(history))):
            # Contiguous periods, each opened by a real change, listed as record_version lists it.
            assert before.valid_to == after.valid_from
            assert after.changed_fields and after.changed_fields == changed_fields(before.data, after.data)
            changed_later |= set(after.changed_fields)
            # What held on that day: sections, office holders and offices by their periods; the rest as today
            # except what changed afterwards.
            then = entry_snapshot(entity, on=before.valid_from)
            for key, value in then.items():
                if key in PERIOD_PARTS or key not in changed_later:
                    assert before.data[key] == value, (entity, key)


def test_nothing_the_snapshot_orders_ever_ties(places, monkeypatch):
    """entry_snapshot orders sections by start and holders by role and start only: on PostgreSQL, rows that tie come
    back in any order, and the open version would no longer equal the entry. The generator never writes ties."""
    monkeypatch.setattr(demo, "SECTION_WEIGHTS", {**dict.fromkeys("abcdfg", 0.0), "e": 1.0})
    demo.generate(N, seed=9)
    sections = Counter(EntitySection.objects.values_list("entity", "valid_from"))
    holders = Counter(OfficeHolder.objects.values_list("entity", "role", "starts_on"))
    assert max(sections.values()) == 1 and max(holders.values()) == 1
    # Reti that also hold another section joined the reti after registering, as a change of their own.
    combined = [e for e in Entity.objects.all() if e.section_periods.count() == 2]
    assert combined
    for entity in combined:
        first, second = entity.section_periods.order_by("valid_from")
        assert first.valid_from == entity.registered_on and second.section.letter == "e"
        assert "sections" in entity.versions.get(valid_from=second.valid_from).changed_fields
    today = timezone.localdate()
    for entity in prefetch_for_snapshot(Entity.objects.all()):
        assert entity.versions.get(valid_to__isnull=True).data == entry_snapshot(entity, on=today)


def test_the_same_seed_gives_the_same_register_in_one_process_or_two(places):
    serial = generated_then_rolled_back(seed=5, batch_size=16, parallel=False)
    assert serial == generated_then_rolled_back(seed=5, batch_size=16, parallel=False)
    # A forked child building the batches one ahead of the writer changes nothing.
    assert serial == generated_then_rolled_back(seed=5, batch_size=16, parallel=True)
    assert serial != generated_then_rolled_back(seed=6, batch_size=16, parallel=False)


def test_codici_fiscali_never_collide_with_the_directory(places):
    first = generated_then_rolled_back(seed=3)[0][1]
    Organisation.objects.create(
        name="Ente vero", kind=OrganisationKind.THIRD_SECTOR, tax_code=first, municipality=places[0]
    )
    demo.generate(N, seed=3)
    assert not Entity.objects.filter(tax_code=first).exists()
    assert Organisation.objects.get(tax_code=first).name == "Ente vero"
    assert Entity.objects.count() == N


def test_search_finds_generated_names(places):
    run("--entities", str(N), "--seed", "7")
    words = {e.pk: set(e.name.upper().split()) for e in Entity.objects.all()}
    common = {pk for pk, name in words.items() if demo.COMMON_TERM.upper() in name}
    assert common, "the common term should appear in about a third of the names"
    found = search_entities(EntitySearch(text=demo.COMMON_TERM), size=N)
    assert {e.pk for e in found.page.items} >= common
    assert all("ASSOCIAZION" in e.name for e in found.page.items)
    # Any generated entry is found by its own name.
    some = Entity.objects.order_by("repertory_number")[N // 2]
    assert some.pk in {e.pk for e in search_entities(EntitySearch(text=some.name), size=N).page.items}


# --- From the directory ----------------------------------------------------------------------------------------


def five_per_thousand(name: str, tax_code: str, kind: str, municipality: Municipality) -> Organisation:
    return Organisation.objects.create(
        name=name, kind=kind, tax_code=tax_code, municipality=municipality,
        source=OrganisationSource.FIVE_PER_THOUSAND_2022,
    )  # fmt: skip


def test_from_directory_registers_the_real_bodies_once(places):
    milano, sesto = places[0], places[1]
    odv = five_per_thousand("OIPA ITALIA ODV", "97147110155", OrganisationKind.VOLUNTEER_ORGANISATION, milano)
    coop = five_per_thousand("LA ZOLLA COOPERATIVA SOCIALE", "80051890152", OrganisationKind.COOPERATIVE, sesto)
    aps = five_per_thousand("GOODVIBES APS", "97473370159", OrganisationKind.THIRD_SECTOR, milano)
    registered = five_per_thousand("GIÀ NEL REGISTRO", "80078750587", OrganisationKind.THIRD_SECTOR, milano)
    register(registered.name, milano, tax_code=registered.tax_code)
    manual = Organisation.objects.create(
        name="Inserito a mano", kind=OrganisationKind.THIRD_SECTOR, tax_code="08911820960", municipality=milano
    )

    out, _err = run("--from-directory", "--seed", "1")
    assert "3 synthetic entities" in out
    by_org = {e.organisation_id: e for e in Entity.objects.filter(is_synthetic=True)}
    assert set(by_org) == {odv.pk, coop.pk, aps.pk} and manual.pk not in by_org
    for org in (odv, coop, aps):
        entity = by_org[org.pk]
        # The real identity, name and municipality; the entry itself is synthetic.
        assert (entity.tax_code, entity.name, entity.municipality_id) == (org.tax_code, org.name, org.municipality_id)
        assert entity.versions.exists() and entity.address == "" and entity.pec == ""
        org.refresh_from_db()
        assert org.source == OrganisationSource.FIVE_PER_THOUSAND_2022 and org.name == entity.name
    current = {
        e.organisation_id: {p.section.letter for p in e.section_periods.all() if p.valid_to is None}
        for e in by_org.values()
    }
    assert current[odv.pk] == {"a"} and current[coop.pk] == {"d"} and current[aps.pk] == {"b"}

    again, _err = run("--from-directory", "--seed", "2")
    assert "Nothing to add" in again
    assert Entity.objects.filter(is_synthetic=True).count() == 3
    assert AuditEntry.objects.filter(action=demo.AUDIT_ACTION).count() == 1


def test_from_directory_takes_at_most_the_number_asked(places):
    for serial in range(3):
        base = f"97{serial:05d}015"
        five_per_thousand(f"ENTE {serial}", base + demo.luhn.calc_check_digit(base), "third_sector", places[0])
    run("--from-directory", "--entities", "2")
    assert Entity.objects.count() == 2
    run("--from-directory")
    assert Entity.objects.count() == 3


# --- Refusals ----------------------------------------------------------------------------------------------------


def test_it_refuses_to_run_with_debug_off(places, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("registry_demo", "--entities", "3", stdout=StringIO(), stderr=StringIO())
    assert not Entity.objects.exists()
    settings.DEBUG = True
    call_command("registry_demo", "--entities", "3", stdout=StringIO(), stderr=StringIO())
    assert Entity.objects.count() == 3


def test_it_needs_a_number_and_municipalities(db):
    with pytest.raises(CommandError, match="--entities"):
        run()
    with pytest.raises(CommandError, match="load_reference_data"):
        run("--entities", "3")
