"""`seed_directory`: the home office, public agencies and the 5x1000 2022 list, added once and never overwritten."""

from __future__ import annotations

import csv
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pariter.core.management.commands.seed_directory import (
    FIVE_PER_THOUSAND_FILE,
    REFERENCE_ORGANISATIONS,
    clean_name,
    kind_from_name,
)
from pariter.core.models import AuditEntry, Municipality, Organisation, OrganisationKind, OrganisationSource
from pariter.core.validators import validate_tax_code

FIVE_PER_THOUSAND_ROWS = 2_687
SEEDED = "core.directory.seeded"
FILE_HEADER = "prog,codice_fiscale,denominazione,regione,pr,nome_comune,codice_comune,ets_e_onlus"


def run(*args: str) -> str:
    out = StringIO()
    call_command("seed_directory", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- Kind rules (pure) -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        # Anti-violence centres win over every other marker in their name.
        (
            "CASA DI ACCOGLIENZA DELLE DONNE MALTRATTATE ORGANIZZAZIONE DI VOLONTARIATO - CADMI ODV",
            "anti_violence_centre",
        ),
        ("S.V.S. DONNA AIUTA DONNA", "anti_violence_centre"),
        ("SVS Donna aiuta Donna", "anti_violence_centre"),
        ("TELEFONO DONNA ITALIA ODV", "anti_violence_centre"),
        ("CENTRO ANTIVIOLENZA DEL NORD MILANO", "anti_violence_centre"),
        ("RETE ANTI-VIOLENZA EST", "anti_violence_centre"),
        # Cooperatives and consortia, however abbreviated or split by the PDF extraction.
        ("LA ZOLLA SOCIETA' COOPERATIVA SOCIALE", "cooperative"),
        ("COOP. SOC. PROMOZIONE UMANA ONLUS", "cooperative"),
        ("LIBERA COMPAGNIA DI ARTI & MESTIERI SOC.COOP.SOCIALE A RL", "cooperative"),
        ("CASE PIONIERI SOCIETA' COOPERA TIVA SOCIALE ONLUS", "cooperative"),
        ("CONSORZIO CASCINA MOLINO S. GREGORIO", "cooperative"),
        ("CENTRO PROGETTI DONNA JEANNE DEROIN COOPERATIVA SOCIALE", "cooperative"),
        # Volunteer organisations.
        ("OIPA ITALIA ODV", "volunteer_organisation"),
        ("AILS - ASSOCIAZIONE ITALIANA LOTTA ALLA SCLERODERMIA O.D.V.", "volunteer_organisation"),
        ("SOCCORRITORI CINOFILI VOLONTARI O.D.V", "volunteer_organisation"),
        ("H & T O.D.V.", "volunteer_organisation"),
        ("ASSOCIAZIONE CASAMICA ORGANIZZAZIONE DI VOLONTARIATO", "volunteer_organisation"),
        ("NIDIA ORGANIZZAZIONE DI VOLONT ARIATO NIDIA", "volunteer_organisation"),
        ("Associazione Naga Odv", "volunteer_organisation"),
        # Everything else, including names that only look close.
        ("FONDAZIONE AIRC PER LA RICERCA SUL CANCRO ETS", "third_sector"),
        ("COOPERAZIONE INTERNAZIONALE", "third_sector"),
        ("ASSOCIAZIONE NAZIONALE VOLONTARI LOTTA CONTRO I TUMORI", "third_sector"),
        ("SALUTE DONNA", "third_sector"),
        ("GOODVIBES APS", "third_sector"),
        ("", "third_sector"),
    ],
)
def test_kind_from_name(name, kind):
    assert kind_from_name(name) == kind


def test_clean_name_only_collapses_whitespace():
    assert clean_name("  EMERGENCY  O.N.L.U S.\tIN BREVE\n EME RGENCY ") == "EMERGENCY O.N.L.U S. IN BREVE EME RGENCY"


def test_reference_organisations_have_valid_unique_tax_codes_and_one_home_office():
    for seed in REFERENCE_ORGANISATIONS:
        validate_tax_code(seed.tax_code)
    assert len({s.tax_code for s in REFERENCE_ORGANISATIONS}) == len(REFERENCE_ORGANISATIONS)
    assert [s.tax_code for s in REFERENCE_ORGANISATIONS if s.is_home_office] == ["08911820960"]


# --- Small cases, without the full archive -----------------------------------------------------------------------


def test_it_refuses_to_run_without_municipalities(db):
    with pytest.raises(CommandError, match="load_reference_data"):
        run()
    assert not Organisation.objects.exists()
    assert not AuditEntry.objects.filter(action=SEEDED).exists()


def test_it_names_the_municipalities_it_cannot_find(milano):
    with pytest.raises(CommandError, match="058091"):
        run()
    assert not Organisation.objects.exists()


def test_invalid_rows_are_skipped_and_reported(db, tmp_path: Path):
    for istat, name in (("015146", "MILANO"), ("058091", "ROMA")):
        Municipality.objects.create(
            istat_code=istat,
            cadastral_code="X000",
            name=name,
            province_code="XX",
            region_code="00",
            valid_from=dt.date(1861, 3, 17),
        )
    small = tmp_path / "small.csv"
    small.write_text(
        f"{FILE_HEADER}\n"
        "1,80051890152,FONDAZIONE  AIRC   PER LA RICERCA SUL CANCRO ETS,LOMBARDIA,MI,MILANO,015146,X\n"
        "2,80051890153,WRONG CHECK DIGIT ODV,LOMBARDIA,MI,MILANO,015146,X\n",
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()

    call_command("seed_directory", "--five-per-thousand", str(small), stdout=out, stderr=err)

    assert "80051890153" in err.getvalue()
    assert "5 created" in out.getvalue()
    assert "1 invalid" in out.getvalue()
    assert Organisation.objects.get(tax_code="80051890152").name == "FONDAZIONE AIRC PER LA RICERCA SUL CANCRO ETS"
    assert AuditEntry.objects.get(action=SEEDED).changes == {"created": 5, "skipped": 1}


# --- The shipped file, on the full archive -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("anpr")
class TestSeedDirectory:
    def test_it_creates_the_reference_bodies_and_every_row_of_the_list(self):
        output = run()

        total = len(REFERENCE_ORGANISATIONS) + FIVE_PER_THOUSAND_ROWS
        assert f"{total} created" in output
        assert Organisation.objects.count() == total
        assert Organisation.objects.filter(source=OrganisationSource.FIVE_PER_THOUSAND_2022).count() == 2_687
        assert Organisation.objects.filter(source=OrganisationSource.REFERENCE).count() == len(REFERENCE_ORGANISATIONS)
        assert set(Organisation.objects.filter(source=OrganisationSource.REFERENCE).values_list("kind", flat=True)) == {
            OrganisationKind.PUBLIC_AGENCY,
            OrganisationKind.MUNICIPALITY,
        }
        assert Organisation.objects.get(tax_code="01199250158").kind == OrganisationKind.MUNICIPALITY

    def test_the_home_office(self):
        run()

        office = Organisation.objects.get(is_home_office=True)
        assert office.name == "Città metropolitana di Milano"
        assert office.tax_code == "08911820960"
        assert office.kind == OrganisationKind.PUBLIC_AGENCY
        assert office.address == "Viale Piceno 60, 20129 Milano"
        assert office.source == OrganisationSource.REFERENCE
        assert office.municipality.istat_code == "015146"
        assert office.municipality.is_current

    def test_a_known_row_of_the_list(self):
        run()

        airc = Organisation.objects.select_related("municipality").get(tax_code="80051890152")
        assert airc.name == "FONDAZIONE AIRC PER LA RICERCA SUL CANCRO ETS"
        assert airc.kind == OrganisationKind.THIRD_SECTOR
        assert airc.source == OrganisationSource.FIVE_PER_THOUSAND_2022
        assert airc.municipality.name == "MILANO"
        assert airc.municipality.is_current
        assert Organisation.objects.get(tax_code="97086840150").kind == OrganisationKind.ANTI_VIOLENCE_CENTRE  # CADMI

    def test_every_codice_fiscale_is_valid_unique_and_matches_the_file(self):
        run()

        codes = list(Organisation.objects.values_list("tax_code", flat=True))
        assert len(codes) == len(set(codes))
        for code in codes:
            validate_tax_code(code)
        with FIVE_PER_THOUSAND_FILE.open(encoding="utf-8", newline="") as handle:
            in_file = {line["codice_fiscale"] for line in csv.DictReader(handle)}
        assert in_file <= set(codes)

    def test_every_listed_entity_sits_in_a_current_metropolitan_municipality(self):
        run()

        listed = Organisation.objects.filter(source=OrganisationSource.FIVE_PER_THOUSAND_2022)
        assert not listed.exclude(municipality__is_metropolitan=True).exists()
        assert not listed.filter(municipality__valid_to__isnull=False).exists()

    def test_running_twice_adds_nothing_and_records_one_summary_per_run(self):
        first = run()
        pks = sorted(Organisation.objects.values_list("pk", flat=True))
        second = run()

        assert "0 created" in second
        assert "2691 already in the directory" in second
        assert sorted(Organisation.objects.values_list("pk", flat=True)) == pks
        assert "2691 created" in first
        entries = list(AuditEntry.objects.filter(action=SEEDED).order_by("id"))
        assert [e.changes for e in entries] == [{"created": 2691, "skipped": 0}, {"created": 0, "skipped": 2691}]
        assert entries[0].actor_label == "manage.py seed_directory"
        assert entries[0].reason
        # Bulk inserts bypass the per-row audit signals: the summary is the only trace.
        assert not AuditEntry.objects.filter(action="core.organisation.created").exists()

    def test_an_organisation_entered_by_an_officer_is_left_alone(self):
        milano = Municipality.objects.get(istat_code="015146", valid_to__isnull=True)
        edited = Organisation.objects.create(
            name="Fondazione AIRC (edited by the office)",
            kind=OrganisationKind.VOLUNTEER_ORGANISATION,
            tax_code="80051890152",
            municipality=milano,
            phone="02 1234567",
            source=OrganisationSource.MANUAL,
        )

        output = run()

        edited.refresh_from_db()
        assert edited.name == "Fondazione AIRC (edited by the office)"
        assert edited.kind == OrganisationKind.VOLUNTEER_ORGANISATION
        assert edited.source == OrganisationSource.MANUAL
        assert edited.phone == "02 1234567"
        assert Organisation.objects.filter(tax_code="80051890152").count() == 1
        assert "2690 created" in output
        assert "1 already in the directory" in output

    def test_an_existing_unflagged_metropolitan_city_becomes_the_home_office(self):
        milano = Municipality.objects.get(istat_code="015146", valid_to__isnull=True)
        by_hand = Organisation.objects.create(
            name="CMM (entered by hand)",
            kind=OrganisationKind.PUBLIC_AGENCY,
            tax_code="08911820960",
            municipality=milano,
        )

        output = run()

        by_hand.refresh_from_db()
        assert by_hand.is_home_office
        assert by_hand.name == "CMM (entered by hand)"
        assert "designated existing" in output
        assert AuditEntry.objects.filter(action="core.organisation.changed", object_id=str(by_hand.pk)).exists()

    def test_another_home_office_is_respected(self):
        milano = Municipality.objects.get(istat_code="015146", valid_to__isnull=True)
        other = Organisation.objects.create(
            name="Another office",
            kind=OrganisationKind.PUBLIC_AGENCY,
            tax_code="01199250158",
            municipality=milano,
            is_home_office=True,
        )

        output = run()

        assert Organisation.objects.get(is_home_office=True) == other
        assert not Organisation.objects.get(tax_code="08911820960").is_home_office
        assert "left as Another office" in output
