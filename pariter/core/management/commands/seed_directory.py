"""Seed the organisation directory: the home office, a few public agencies and the 5x1000 2022 list.

The codice fiscale is an organisation's identity, so the command only ever adds organisations whose codice fiscale
is not in the directory yet. It never changes an existing one: whatever an officer entered or edited stays as it is,
and running the command again adds nothing. Rows are inserted with bulk_create, which does not fire the signals the
audit log listens to, so the run is recorded as one summary audit entry instead of ~2,700 per-row entries.
"""

from __future__ import annotations

import csv
import re
import time
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from pariter.core import audit
from pariter.core.models import Municipality, Organisation, OrganisationKind, OrganisationSource
from pariter.core.validators import normalise_tax_code, validate_tax_code

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
FIVE_PER_THOUSAND_FILE = DATA_DIR / "5x1000_2022_ets_onlus_citta_metropolitana_milano.csv"
BATCH_SIZE = 500
NAME_MAX_LENGTH: int = Organisation._meta.get_field("name").max_length or 300
AUDIT_ACTION = "core.directory.seeded"
AUDIT_ACTOR_LABEL = "manage.py seed_directory"

MILANO = "015146"
ROMA = "058091"
HOME_OFFICE_TAX_CODE = "08911820960"


@dataclass(frozen=True)
class Seed:
    name: str
    tax_code: str
    kind: str
    istat_code: str
    source: str
    address: str = ""
    is_home_office: bool = False


# Public bodies the office works with. Every codice fiscale passes validate_tax_code (a test checks it) and was
# looked up in documents the bodies published. The Tribunale per i minorenni di Milano is deliberately missing: its
# codice fiscale could not be confirmed, and a wrong identity in the directory is worse than a missing one (an
# officer can add it by hand).
REFERENCE_ORGANISATIONS: tuple[Seed, ...] = (
    Seed(
        name="Città metropolitana di Milano",
        tax_code=HOME_OFFICE_TAX_CODE,
        kind=OrganisationKind.PUBLIC_AGENCY,
        istat_code=MILANO,
        source=OrganisationSource.REFERENCE,
        address="Viale Piceno 60, 20129 Milano",
        is_home_office=True,
    ),
    Seed(
        name="Comune di Milano",
        tax_code="01199250158",
        kind=OrganisationKind.MUNICIPALITY,
        istat_code=MILANO,
        source=OrganisationSource.REFERENCE,
        address="Piazza della Scala 2, 20121 Milano",
    ),
    Seed(
        name="ATS della Città Metropolitana di Milano",
        tax_code="09320520969",
        kind=OrganisationKind.PUBLIC_AGENCY,
        istat_code=MILANO,
        source=OrganisationSource.REFERENCE,
        address="Corso Italia 52, 20122 Milano",
    ),
    Seed(
        name="INPS - Istituto Nazionale della Previdenza Sociale",
        tax_code="80078750587",
        kind=OrganisationKind.PUBLIC_AGENCY,
        istat_code=ROMA,
        source=OrganisationSource.REFERENCE,
        address="Via Ciro il Grande 21, 00144 Roma",
    ),
)


# --- Kind from name ----------------------------------------------------------------------------------------------
#
# The 5x1000 list says nothing about legal form, so the kind is guessed from the name. Rules, first match wins:
#
# 1. anti_violence_centre: well-known anti-violence centres of the territory: CADMI (Casa di accoglienza delle
#    donne maltrattate), "DONNE MALTRATTATE", "ANTIVIOLENZA"/"ANTI-VIOLENZA", "SVS DONNA AIUTA DONNA" (the
#    Mangiagalli centre), "TELEFONO DONNA". Checked first because these centres are often ODVs too.
# 2. cooperative: "COOPERATIVA"/"COOPERATIVE", "CONSORZIO" (consortia of social cooperatives, the managing
#    bodies), or the word "COOP" (covers "COOP. SOCIALE", "SOC. COOP.", "COOP. SOC.").
# 3. volunteer_organisation: the word "ODV" (also written "O.D.V.") or "VOLONTARIATO".
# 4. third_sector: everything else.
#
# Matching is on an upper-cased key where dotted acronyms are joined ("O.D.V." -> "ODV", "S.V.S." -> "SVS") and
# other punctuation separates words. Short markers (CADMI, COOP, ODV) must be whole words, so "COOPERAZIONE" is not
# a cooperative. Long markers are searched with spaces removed, because the PDF extraction split some words
# ("COOPERA TIVA", "VOLONT ARIATO"); they are long enough not to occur by accident across word boundaries.
# The guess can be wrong (e.g. an ODV whose name does not say so stays third_sector); officers correct the kind.

_DOTTED_ACRONYM = re.compile(r"\b[A-Z](?:\.[A-Z])+\.?(?![A-Z0-9])")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Z0-9]+")


@dataclass(frozen=True)
class KindRule:
    kind: OrganisationKind
    words: tuple[str, ...]
    fragments: tuple[str, ...]


KIND_RULES: tuple[KindRule, ...] = (
    KindRule(
        OrganisationKind.ANTI_VIOLENCE_CENTRE,
        words=("CADMI",),
        fragments=("DONNE MALTRATTATE", "ANTIVIOLENZA", "ANTI VIOLENZA", "SVS DONNA AIUTA DONNA", "TELEFONO DONNA"),
    ),
    KindRule(OrganisationKind.COOPERATIVE, words=("COOP",), fragments=("COOPERATIVA", "COOPERATIVE", "CONSORZIO")),
    KindRule(OrganisationKind.VOLUNTEER_ORGANISATION, words=("ODV",), fragments=("VOLONTARIATO",)),
)


def kind_from_name(name: str) -> OrganisationKind:
    """The organisation kind suggested by a third-sector entity's name (rules above)."""
    upper = _DOTTED_ACRONYM.sub(lambda match: match.group(0).replace(".", ""), name.upper())
    words = _NOT_ALPHANUMERIC.sub(" ", upper).split()
    word_set = set(words)
    compact = "".join(words)
    for rule in KIND_RULES:
        if word_set.intersection(rule.words) or any(f.replace(" ", "") in compact for f in rule.fragments):
            return rule.kind
    return OrganisationKind.THIRD_SECTOR


def clean_name(raw: str) -> str:
    """Collapse runs of whitespace. Nothing else: guessing at split words could corrupt real names."""
    return " ".join(raw.split())


# --- Seeding -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    created: int
    already_present: int
    invalid: list[str]
    kinds: dict[str, int]
    home_office: str


def read_five_per_thousand(path: Path) -> list[Seed]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Seed(
                name=clean_name(line["denominazione"]),
                tax_code=line["codice_fiscale"].strip(),
                kind=kind_from_name(line["denominazione"]),
                istat_code=line["codice_comune"].strip(),
                source=OrganisationSource.FIVE_PER_THOUSAND_2022,
            )
            for line in csv.DictReader(handle)
        ]


def _problem(seed: Seed) -> str | None:
    try:
        validate_tax_code(seed.tax_code)
    except ValidationError:
        return f"{seed.tax_code} ({seed.name}): invalid codice fiscale"
    if not seed.name or len(seed.name) > NAME_MAX_LENGTH:
        return f"{seed.tax_code}: name empty or longer than {NAME_MAX_LENGTH} characters"
    return None


def _current_municipalities(codes: set[str]) -> dict[str, Municipality]:
    if not Municipality.objects.exists():
        raise CommandError("No municipalities in the database: run `manage.py load_reference_data` first.")
    found = {m.istat_code: m for m in Municipality.objects.filter(istat_code__in=codes, valid_to__isnull=True)}
    missing = sorted(codes - found.keys())
    if missing:
        raise CommandError(
            "No current municipality for ISTAT code(s) "
            + ", ".join(missing)
            + ": run `manage.py load_reference_data` to bring the municipalities up to date."
        )
    return found


def _settle_home_office(seeds: list[Seed], existing: set[str]) -> tuple[list[Seed], str]:
    """Decide what happens to the home-office flag, which only one organisation may carry."""
    flagged = Organisation.objects.filter(is_home_office=True).first()
    if flagged is not None:
        if flagged.tax_code == HOME_OFFICE_TAX_CODE:
            return seeds, "already set"
        # Someone chose another office on purpose: respect it and add Città metropolitana as a plain agency.
        unflagged = [replace(s, is_home_office=False) for s in seeds]
        return unflagged, f"left as {flagged.name} ({flagged.tax_code})"
    if HOME_OFFICE_TAX_CODE in existing:
        # Already in the directory (entered by hand) but nobody is the home office: designate it. save() goes
        # through the audit signals, so this one change gets its own entry.
        office = Organisation.objects.get(tax_code=HOME_OFFICE_TAX_CODE)
        office.is_home_office = True
        with audit.context(reason="Designated as the office running Pariter by seed_directory."):
            office.save(update_fields=["is_home_office", "updated_at"])
        return seeds, f"designated existing {office.name}"
    return seeds, "created"


@transaction.atomic
def seed(five_per_thousand: Path = FIVE_PER_THOUSAND_FILE) -> SeedResult:
    seeds = [*REFERENCE_ORGANISATIONS, *read_five_per_thousand(five_per_thousand)]
    municipalities = _current_municipalities({s.istat_code for s in seeds})

    existing = {normalise_tax_code(code) for code in Organisation.objects.values_list("tax_code", flat=True)}
    seeds, home_office = _settle_home_office(seeds, existing)

    invalid: list[str] = []
    already_present = 0
    seen: set[str] = set()
    new: list[Organisation] = []
    for item in seeds:
        tax_code = normalise_tax_code(item.tax_code)
        if tax_code in existing or tax_code in seen:
            # Reference rows come first, so a public body also present in the 5x1000 list keeps its reference data.
            already_present += 1
            continue
        problem = _problem(item)
        if problem:
            invalid.append(problem)
            continue
        seen.add(tax_code)
        new.append(
            Organisation(
                name=item.name,
                kind=item.kind,
                tax_code=tax_code,
                municipality=municipalities[item.istat_code],
                address=item.address,
                is_home_office=item.is_home_office,
                source=item.source,
            )
        )
    Organisation.objects.bulk_create(new, batch_size=BATCH_SIZE)

    skipped = already_present + len(invalid)
    with audit.context(actor_id=None, actor_label=AUDIT_ACTOR_LABEL):
        audit.record(
            AUDIT_ACTION,
            changes={"created": len(new), "skipped": skipped},
            reason=(
                "Organisation directory seeded from reference data and the 5x1000 2022 list "
                "(bulk insert: no per-organisation audit entries). Existing organisations were not changed."
            ),
        )
    return SeedResult(
        created=len(new),
        already_present=already_present,
        invalid=invalid,
        kinds=dict(Counter(str(o.kind) for o in new)),
        home_office=home_office,
    )


class Command(BaseCommand):
    help = "Seed the organisation directory with the home office, public agencies and the 5x1000 2022 list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--five-per-thousand",
            type=Path,
            default=FIVE_PER_THOUSAND_FILE,
            help="5x1000 2022 CSV (default: shipped copy)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        path: Path = options["five_per_thousand"]
        if not path.is_file():
            raise CommandError(f"File not found: {path}")
        result = seed(path)
        for problem in result.invalid:
            self.stderr.write(f"Skipped: {problem}")
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(result.kinds.items())) or "none"
        self.stdout.write(
            f"Organisations: {result.created} created ({kinds}), {result.already_present} already in the directory, "
            f"{len(result.invalid)} invalid; home office: {result.home_office} "
            f"({time.perf_counter() - started:.1f}s)."
        )
