"""A synthetic register for demonstrations and benchmarks: `manage.py registry_demo`.

Every entry it writes is flagged `is_synthetic` (the entity page says so). Two modes:

- invented entities: Italian-looking names built from word lists, valid codici fiscali that collide with nothing in
  the database, a municipality (about 40% in Città metropolitana di Milano), sections, registration dates and routes,
  office holders, deposited documents and 1–3 versions of history each;
- `from_directory`: the real bodies of the 5x1000 2022 list already in the directory (source "5x1000_2022") get a
  synthetic entry with their real name, codice fiscale and municipality; everything else about the entry is invented.
  Bodies already in the register are skipped, so running it twice adds nothing.

Speed matters more than elegance here (the benchmarks build 150,000 entries): nothing goes through the services or
the ORM's per-row machinery. Rows are built as tuples in batches and written with plain INSERTs (executemany on
SQLite, COPY on PostgreSQL; see `insert_rows`); each version's `data` is built directly with exactly the shape of
`entries.entry_snapshot` for its period (a test compares the two, version by version). A forked child builds the next
batch while the current one is written. Bulk writes fire no signals, so the run is recorded as one summary audit
entry, and the FTS5 index on SQLite is fed by its triggers as usual.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import random
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from stdnum import luhn

from pariter.core import audit
from pariter.core.models import Municipality, Organisation, OrganisationKind, OrganisationSource
from pariter.registry.entries import changed_fields
from pariter.registry.models import (
    DepositedDocument,
    DocumentKind,
    Entity,
    EntitySection,
    EntityStatus,
    EntityVersion,
    GeneralInterestActivity,
    OfficeHolder,
    OfficeHolderRole,
    RegistrationRoute,
    RepertorySequence,
    SecondaryOffice,
    Section,
    sort_key,
)
from pariter.registry.services import SECTION_KINDS

BATCH_SIZE = 5_000
AUDIT_ACTION = "registry.demo.generated"
AUDIT_ACTOR_LABEL = "manage.py registry_demo"
# Directory rows the demo invents say so, as their entities do (is_synthetic).
ORGANISATION_SOURCE = OrganisationSource.SYNTHETIC

# For the benchmarks: about a third of invented names contain the common term; the rare ones appear in a handful.
COMMON_TERM = "associazione"
RARE_TERMS = ("zampognari", "speleologico", "filatelico")
RARE_NAME_SHARE = 0.0003

RUNTS_OPENED = date(2021, 11, 23)
TRANSMIGRATION_FROM = date(2022, 2, 22)
TRANSMIGRATION_TO = date(2022, 11, 7)
MILANO_ISTAT = "015146"
METROPOLITAN_SHARE = 0.40
MILANO_SHARE_OF_METROPOLITAN = 0.45
# Large cities get more entities than a village: a rough weight, since Municipality has no population.
LARGE_CITIES = {
    "058091": 60, "063049": 30, "001272": 30, "082053": 25, "010025": 20, "037006": 20, "048017": 20,
    "072006": 15, "087015": 12, "027042": 10, "023091": 10, "083048": 8, "092009": 8, "016024": 6, "017029": 6,
}  # fmt: skip

# Section weights (a–g); about 2% reti associative, half of which also hold another section (CTS art. 46 c.2).
SECTION_WEIGHTS = {"a": 28.0, "b": 40.0, "c": 1.0, "d": 14.0, "e": 2.0, "f": 1.0, "g": 14.0}
TRANSMIGRATION_SHARE_OF_ODV_APS = 0.735  # ≈ 50% of all entries, since ODV and APS are ≈ 68%
NAME_SUFFIX = {"a": "ODV", "b": "APS", "g": "ETS"}
PREFERRED_ACTIVITIES = {
    "a": "abcuy", "b": "idtwl", "c": "uhdn", "d": "acpdq", "e": "mwi", "f": "bc", "g": "aiuwe",
}  # fmt: skip
LEGAL_FORMS = {
    "a": "Associazione non riconosciuta", "b": "Associazione non riconosciuta", "c": "Fondazione",
    "d": "Società cooperativa sociale", "e": "Associazione non riconosciuta", "f": "Società di mutuo soccorso",
    "g": "Associazione non riconosciuta",
}  # fmt: skip

# --- Word lists ------------------------------------------------------------------------------------------------------

MOTTOS = (
    "IL SORRISO", "L'ARCOBALENO", "IL GIRASOLE", "LA FENICE", "IL PONTE", "ORIZZONTI", "NUOVI PERCORSI",
    "MANI AMICHE", "IL FARO", "LA BUSSOLA", "LA QUERCIA", "IL MELOGRANO", "LA GOCCIA", "IL SEME", "INSIEME",
    "L'ALBERO DELLA VITA", "ALTRI SGUARDI", "PASSO DOPO PASSO", "LA LANTERNA", "IL GABBIANO", "IL CAMMINO",
    "STELLA POLARE", "LA TENDA", "CASA APERTA", "FILO D'ARIANNA", "SOTTOSOPRA", "TERRA NUOVA", "L'APPRODO",
    "IL CERCHIO", "ALI SPIEGATE", "IL MOSAICO", "LA SORGENTE", "IL VOLO", "CUORE APERTO", "LA RONDINE",
    "IL GERMOGLIO", "LA CORDATA", "NOI CON VOI", "LIBERAMENTE", "IL QUADRIFOGLIO", "LA BOTTEGA", "IL TORRIONE",
    "FUORI CLASSE", "IL CANTIERE", "LA LOCOMOTIVA", "SPAZIO APERTO", "IL TRENINO", "LA CASA DEL SOLE", "AURORA",
    "IL PORTICO", "IL GRANAIO", "LA MERIDIANA", "L'OFFICINA", "LA CARICA", "IL TAMBURO", "L'ALVEARE", "MAPPAMONDO",
)  # fmt: skip
NOUNS = (
    "IL PONTE", "LA STRADA", "IL SENTIERO", "LA CASA", "IL GIARDINO", "LA PIAZZA", "IL NIDO", "LA VELA", "IL PORTO",
    "IL FILO", "LA CORTE", "IL CORTILE", "LA FINESTRA", "IL FUTURO", "LA STELLA", "IL SOLE", "LA LUNA", "IL VENTO",
    "LA SCUOLA", "IL LABORATORIO", "LA FABBRICA", "IL TEATRO", "LA VOCE", "IL CORO", "LA MANO", "IL CUORE",
    "LA TERRA", "IL MARE", "LA MONTAGNA", "IL BOSCO", "LA FONTE", "IL PANE", "LA TAVOLA", "IL TETTO", "LA PORTA",
    "IL VIAGGIO", "LA MAPPA", "IL SEGNO", "LA TRACCIA", "LO SPAZIO", "L'ORTO", "L'ISOLA", "IL SASSO", "LA BARCA",
)  # fmt: skip
COMPLEMENTS = (
    "DI TUTTI", "DELLA SPERANZA", "DEI RAGAZZI", "DEL SORRISO", "DELLA SOLIDARIETÀ", "DEL QUARTIERE", "DEI BAMBINI",
    "DELLE DONNE", "DEGLI AMICI", "DELLA PACE", "DEL DIALOGO", "DELLA MEMORIA", "DEI SOGNI", "DEI COLORI",
    "DELLE IDEE", "DEL FUTURO", "DELL'ACCOGLIENZA", "DELLA SALUTE", "DEL VOLONTARIATO", "DEI NONNI",
    "DELLE FAMIGLIE", "DEL MONDO", "SOLIDALE", "COMUNE", "INSIEME", "PER TUTTI", "SENZA CONFINI", "SENZA BARRIERE",
    "IN CAMMINO", "IN FESTA", "DI QUARTIERE", "DEI MESTIERI", "DELLE STAGIONI", "DEL BUON VICINATO",
)  # fmt: skip
MILANO_DISTRICTS = (
    "BAGGIO", "NIGUARDA", "LORETO", "ISOLA", "BICOCCA", "CORVETTO", "GIAMBELLINO", "QUARTO OGGIARO", "CITTÀ STUDI",
    "PORTA VENEZIA", "GRATOSOGLIO", "LAMBRATE", "BOVISA", "BRERA", "NAVIGLI", "TICINESE", "GORLA", "GRECO",
    "AFFORI", "BRUZZANO", "CHIARAVALLE", "PONTE LAMBRO", "SAN SIRO", "QT8", "GALLARATESE", "DERGANO", "CRESCENZAGO",
    "ROGOREDO", "SANTA GIULIA", "ORTICA", "VIGENTINO", "BARONA", "LORENTEGGIO", "DE ANGELI", "PORTELLO", "VILLAPIZZONE",
)  # fmt: skip
PLACES = (
    "LOMBARDIA", "BRIANZA", "NAVIGLI", "MARTESANA", "ALTO MILANESE", "SUD MILANO", "VALLE OLONA", "TICINO",
    "ADDA", "LAMBRO", "SEVESO", "PARCO NORD", "NORD OVEST", "MAGENTINO", "ABBIATENSE", "VIMERCATESE", "ALTO LARIO",
    "VALTELLINA", "OLTREPÒ", "LOMELLINA", "CASTANESE", "LEGNANESE", "RHODENSE", "GARBAGNATESE", "MELEGNANESE",
    "SUD-EST MILANO", "ALTA BRIANZA", "VALLE DEL SEVESO", "GROANE", "BASSA PAVESE", "PIANURA PADANA", "ITALIA",
)  # fmt: skip
SAINTS = (
    "SAN GIORGIO", "SAN MARTINO", "SAN FRANCESCO", "SANT'AMBROGIO", "SAN CARLO", "SANTA RITA", "SAN VINCENZO",
    "SANTA CHIARA", "SAN GIUSEPPE", "SAN LORENZO", "SANT'ANNA", "SAN ROCCO", "SANTA LUCIA", "SAN BIAGIO",
    "SAN MICHELE", "SAN GIOVANNI BOSCO", "SAN BERNARDO", "SANTA CATERINA", "SAN PIO X", "SANTA MARIA ASSUNTA",
    "SAN SEBASTIANO", "SAN MAURIZIO", "SAN PAOLO", "SAN LUIGI GONZAGA", "SANTA GIULIA", "SAN DONATO",
    "SAN PIETRO", "SANT'ANTONIO", "SAN GIOVANNI BATTISTA", "SANTO STEFANO",
)  # fmt: skip
CAUSES = (
    "AMICI DEL CUORE", "DONATORI DI SANGUE", "GENITORI INSIEME", "PER LA RICERCA SUL CANCRO",
    "CONTRO LA VIOLENZA SULLE DONNE", "PER I DIRITTI DELL'INFANZIA", "PER L'INCLUSIONE SOCIALE",
    "PER LA SALUTE MENTALE", "PER L'AUTISMO", "PER LA TUTELA DEGLI ANIMALI", "PER L'AMBIENTE", "PER LA TERZA ETÀ",
    "DI MUTUO AIUTO", "PER L'INTEGRAZIONE", "PER IL COMMERCIO EQUO E SOLIDALE", "PER LA LEGALITÀ", "PER LA PACE",
    "DIABETICI", "TRAPIANTATI", "PER LA DISABILITÀ", "PER LE CURE PALLIATIVE", "PER LA MEMORIA",
    "PER LA MONTAGNA", "PER LA LETTURA", "PER IL SOSTEGNO A DISTANZA", "CONTRO LA FAME", "DEGLI ANZIANI",
    "DEI GIOVANI", "PER L'ALZHEIMER", "PER LA VITA INDIPENDENTE", "DEI FAMILIARI", "PER IL DIRITTO ALLA CASA",
)  # fmt: skip
PURPOSES = (
    "CULTURALE", "MUSICALE", "TEATRALE", "SPORTIVA DILETTANTISTICA", "RICREATIVA", "CORALE", "AMBIENTALISTA",
    "ESCURSIONISTICA", "FOTOGRAFICA", "GENITORI", "ANZIANI", "GIOVANILE", "DI QUARTIERE",
)  # fmt: skip
COLOURS = ("VERDE", "AZZURRA", "BIANCA", "ROSA", "D'ORO", "BLU")
FIRST_NAMES = (
    "GIUSEPPE", "MARIA", "GIOVANNI", "ANNA", "ANTONIO", "GIULIA", "FRANCESCO", "FRANCESCA", "LUCA", "CHIARA",
    "MARCO", "SARA", "ALESSANDRO", "LAURA", "ANDREA", "PAOLA", "MATTEO", "ELENA", "LORENZO", "SILVIA", "STEFANO",
    "VALENTINA", "ROBERTO", "FEDERICA", "PAOLO", "ALESSANDRA", "DAVIDE", "MARTINA", "SIMONE", "ELISA", "FABIO",
    "ROBERTA", "MASSIMO", "CRISTINA", "GIORGIO", "MONICA", "RICCARDO", "BARBARA", "DANIELE", "MARTA", "PIETRO",
    "BEATRICE", "EMANUELE", "GIORGIA", "CARLO", "SERENA", "ALBERTO", "ILARIA", "MICHELE", "CLAUDIA", "NICOLA",
    "ANGELA", "ENRICO", "RITA", "VITTORIO", "LUCIA", "TOMMASO", "TERESA", "GABRIELE", "CATERINA",
)  # fmt: skip
SURNAMES = (
    "ROSSI", "RUSSO", "FERRARI", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI", "MARINO", "GRECO", "BRUNO",
    "GALLO", "CONTI", "DE LUCA", "MANCINI", "COSTA", "GIORDANO", "RIZZO", "LOMBARDI", "MORETTI", "BARBIERI",
    "FONTANA", "SANTORO", "MARIANI", "RINALDI", "CARUSO", "FERRARA", "GALLI", "MARTINI", "LEONE", "LONGO",
    "GENTILE", "MARTINELLI", "VITALE", "SERRA", "COPPOLA", "DE SANTIS", "D'ANGELO", "MARCHETTI", "PARISI", "VILLA",
    "CONTE", "FERRARO", "FABBRI", "BIANCO", "MARINI", "GRASSO", "VALENTINI", "MESSINA", "SALA", "DE ANGELIS",
    "GATTI", "PELLEGRINI", "PALUMBO", "SANNA", "FARINA", "RIZZI", "MONTI", "CATTANEO", "MORELLI", "AMATO",
    "SILVESTRI", "MAZZA", "TESTA", "BARONE", "GUERRA", "PALMIERI", "BERNARDI", "FIORE", "DE ROSA", "FERRETTI",
    "BELLINI", "BASILE", "RIVA", "DONATI", "PIRAS", "SARTORI", "NERI", "MILANI", "PAGANO", "ORLANDO", "NEGRI",
    "BRAMBILLA", "GALBIATI", "CAZZANIGA", "MAURI", "REDAELLI", "VERGANI", "CRIPPA", "BRIVIO", "PEREGO",
)  # fmt: skip
STREETS = (
    "Via Roma", "Via Garibaldi", "Via Mazzini", "Via Dante", "Via Manzoni", "Via Verdi", "Corso Italia",
    "Via Cavour", "Via Matteotti", "Via XX Settembre", "Via IV Novembre", "Via Vittorio Emanuele II",
    "Piazza della Repubblica", "Via Marconi", "Via Gramsci", "Via Leopardi", "Via Carducci", "Via Volta",
    "Viale Monza", "Via Padova", "Via Don Minzoni", "Via dei Mille", "Via Kennedy", "Via Papa Giovanni XXIII",
    "Via San Francesco", "Piazza del Popolo", "Via Trieste", "Via Trento", "Via Milano", "Via Torino",
    "Via Bergamo", "Viale Lombardia", "Via Cesare Battisti", "Via Pascoli", "Via De Gasperi", "Via Aldo Moro",
    "Largo Augusto", "Via Solferino", "Corso Buenos Aires", "Via Washington", "Via dei Giardini", "Via Mameli",
    "Via Buonarroti", "Via Colombo", "Piazza San Giorgio", "Via Fratelli Cervi", "Via Montello", "Via Piave",
)  # fmt: skip
RARE_NAMES = (
    "GRUPPO ZAMPOGNARI {place}", "GRUPPO SPELEOLOGICO {place}", "CIRCOLO FILATELICO {town}",
)  # fmt: skip


# --- Results and errors ----------------------------------------------------------------------------------------------


class DemoError(Exception):
    """The database is not ready for the generator (e.g. no municipalities)."""


@dataclass(frozen=True)
class DemoResult:
    entities: int
    versions: int
    seconds: float
    first_repertory: int | None = None
    last_repertory: int | None = None


ProgressCallback = Callable[[str], None]


# --- In-memory shapes ------------------------------------------------------------------------------------------------


class _Random(random.Random):
    """The standard generator with cheaper integer picks (`randint` and `choice` go through `getrandbits` rejection
    sampling, several times slower): the generator makes millions of them. Demo data, not secrets."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: Any) -> Any:
        return seq[int(self.random() * len(seq))]


class _Municipality:
    __slots__ = ("id", "istat_code", "metropolitan", "office", "snapshot", "title", "upper")

    def __init__(self, row: tuple[int, str, str, str, bool]) -> None:
        self.id, name, self.istat_code, province, self.metropolitan = row
        self.snapshot = {"name": name, "istat_code": self.istat_code, "province": province}
        self.upper = name.upper()
        self.title = name.title()
        # The three digits before a body's check digit are the office of the Agenzia delle Entrate: the historical
        # province code, which stdnum accepts from 001 to 100.
        office = self.istat_code[:3]
        self.office = office if "001" <= office <= "100" else ""


class _Rete:
    """A rete associativa members can be linked to: one written before this run, or one of this run."""

    __slots__ = ("name", "pk", "repertory_number", "sort_name")

    def __init__(self, name: str, sort_name: str, repertory_number: int | None, pk: int | None = None) -> None:
        self.name, self.sort_name, self.repertory_number, self.pk = name, sort_name, repertory_number, pk


class _Head:
    """What is decided for every entry before the batches: it fixes the order of the repertorio numbers."""

    __slots__ = ("legal_personality", "letters", "note", "organisation", "registered_on", "route")

    def __init__(
        self, letters: tuple[str, ...], legal_personality: bool, route: str, registered_on: date, note: str,
        organisation: Organisation | None,
    ) -> None:  # fmt: skip
        self.letters, self.legal_personality, self.route = letters, legal_personality, route
        self.registered_on, self.note, self.organisation = registered_on, note, organisation


class _Plan:
    """One entry as rows to write: the entity and its organisation as tuples in the column order of ENTITY_COLUMNS
    and ORGANISATION_COLUMNS, its related rows without the entity id (known once the entity is written)."""

    __slots__ = ("activities", "documents", "entity", "entity_id", "holders", "is_rete", "networks", "offices",
                 "organisation", "organisation_id", "repertory_number", "sections", "tax_code", "versions")  # fmt: skip

    def __init__(
        self, tax_code: str, repertory_number: int, entity: tuple[Any, ...], organisation: tuple[Any, ...] | None
    ) -> None:
        self.tax_code, self.repertory_number, self.entity, self.organisation = (
            tax_code, repertory_number, entity, organisation
        )  # fmt: skip
        self.is_rete = False
        self.organisation_id: int | None = None
        self.entity_id: int | None = None
        # Dates as ISO strings, JSON as text (see insert_rows).
        self.sections: list[tuple[int, str, str | None]] = []
        self.activities: list[int] = []
        # (id, repertorio) of each rete: the id of a rete written by this run is known once it is written.
        self.networks: list[tuple[int | None, int | None]] = []
        self.holders: list[tuple[str, str, str, str, str, str | None]] = []
        self.offices: list[tuple[int, str, str]] = []
        self.documents: list[tuple[str, int, str, str]] = []
        self.versions: list[tuple[str, str | None, str, str, str]] = []


# --- The generator ---------------------------------------------------------------------------------------------------


class Generator:
    def __init__(self, *, seed: int | None, from_directory: bool) -> None:
        self.rng = _Random(seed)
        self.from_directory = from_directory
        self.today = timezone.localdate()
        self.sections = {s.letter: s for s in Section.objects.all()}
        missing = set(SECTION_WEIGHTS) - self.sections.keys()
        if missing:
            raise DemoError(f"Sections {sorted(missing)} are missing: run `manage.py migrate` first.")
        self.section_ids = {letter: s.pk for letter, s in self.sections.items()}
        self.section_snapshot = {
            letter: {"letter": s.letter, "name": s.name, "acronym": s.acronym} for letter, s in self.sections.items()
        }
        self.activities = list(GeneralInterestActivity.objects.order_by("position"))
        self.activity_by_letter = {a.letter: a for a in self.activities}
        self.municipalities: dict[int, _Municipality] = {}
        self._load_municipalities()
        self.retes = [
            _Rete(name, sort_name, number, pk)
            for pk, name, sort_name, number in Entity.objects.filter(
                section_periods__section__letter="e", section_periods__valid_to__isnull=True
            )
            .order_by("id")
            .values_list("id", "name", "sort_name", "repertory_number")[:1000]
        ]
        self.taken_tax_codes: set[str] = set()
        # Filing references continue after the documents already deposited.
        self.filing_counter = DepositedDocument.objects.aggregate(highest=Max("id"))["highest"] or 0
        self.section_letters = list(SECTION_WEIGHTS)
        self.section_cum = _cumulative(SECTION_WEIGHTS.values())

    # -- reference data

    def _load_municipalities(self) -> None:
        rows = Municipality.objects.filter(valid_to__isnull=True).values_list(
            "id", "name", "istat_code", "province_code", "is_metropolitan"
        )
        metro: list[_Municipality] = []
        national: list[_Municipality] = []
        for row in rows.order_by("id"):
            item = _Municipality(row)
            self.municipalities[item.id] = item
            (metro if item.metropolitan else national).append(item)
        if not self.municipalities and not self.from_directory:
            raise DemoError("No municipalities in the database: run `manage.py load_reference_data` first.")
        self.metro, self.national = metro, national
        # Within the metropolitan city, Milano itself holds almost half of the entities.
        others = max(len(metro) - 1, 1)
        self.metro_cum = _cumulative(
            MILANO_SHARE_OF_METROPOLITAN * others / (1 - MILANO_SHARE_OF_METROPOLITAN) if m.istat_code == MILANO_ISTAT
            else 1.0
            for m in metro
        )  # fmt: skip
        self.national_cum = _cumulative(float(LARGE_CITIES.get(m.istat_code, 1)) for m in national)

    def _municipality(self) -> _Municipality:
        rng = self.rng
        pool, cum = (self.metro, self.metro_cum)
        if not self.metro or (self.national and rng.random() >= METROPOLITAN_SHARE):
            pool, cum = self.national, self.national_cum
        return rng.choices(pool, cum_weights=cum)[0]

    # -- identities

    def _tax_code(self, municipality: _Municipality, primary: str) -> str:
        """A body's codice fiscale: 7 digits, the office, a Luhn check digit; never one already used."""
        rng = self.rng
        while True:
            office_code = municipality.office or f"{rng.randint(1, 100):03d}"
            if primary == "d":
                # Cooperatives have a partita IVA as codice fiscale.
                head = f"{rng.choice('01')}{rng.randint(1, 999_999):06d}"
            else:
                head = f"9{rng.choice('0123457')}{rng.randint(0, 99_999):05d}"
            base = head + office_code
            code = base + luhn.calc_check_digit(base)
            if code not in self.taken_tax_codes:
                self.taken_tax_codes.add(code)
                return code

    def _vat_number(self) -> str:
        base = f"0{self.rng.randint(1, 999_999):06d}{self.rng.randint(1, 100):03d}"
        return base + luhn.calc_check_digit(base)

    def _person(self) -> str:
        rng = self.rng
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"

    def _address(self, municipality: _Municipality) -> tuple[str, str]:
        rng = self.rng
        number = rng.randint(1, 180)
        address = f"{rng.choice(STREETS)} {number}{'/A' if rng.random() < 0.08 else ''}"
        if municipality.istat_code == MILANO_ISTAT:
            postcode = f"201{rng.randint(21, 62)}"
        elif municipality.metropolitan:
            postcode = f"20{rng.randint(10, 99)}{rng.randint(0, 9)}"
        else:
            postcode = f"{rng.randint(10, 98)}{rng.randint(0, 999):03d}"
        return address, postcode

    def _motto(self, municipality: _Municipality) -> str:
        """The distinctive part of a name: a motto, a phrase, a saint or a person, often with a place."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.20:
            motto = rng.choice(MOTTOS)
            if rng.random() < 0.5:
                motto = f"{motto} {self._where(municipality)}"
        elif roll < 0.55:
            motto = f"{rng.choice(NOUNS)} {rng.choice(COMPLEMENTS)}"
            if rng.random() < 0.3:
                motto = f"{motto} {self._where(municipality)}"
        elif roll < 0.70:
            motto = f"{rng.choice(SAINTS)} {self._town(municipality)}"
        elif roll < 0.82:
            motto = f"{rng.choice(('', '', 'AMICI DI ', 'IN RICORDO DI '))}{self._person()}"
        else:
            motto = f"{rng.choice(MOTTOS)} {self._town(municipality)}"
        return motto

    def _cause(self, municipality: _Municipality) -> str:
        return f"{self.rng.choice(CAUSES)} {self._where(municipality)}"

    def _where(self, municipality: _Municipality) -> str:
        return self.rng.choice(PLACES) if self.rng.random() < 0.4 else self._town(municipality)

    def _town(self, municipality: _Municipality) -> str:
        """The place a local body names itself after: the town, or a district of Milano."""
        if municipality.istat_code == MILANO_ISTAT:
            return f"MILANO {self.rng.choice(MILANO_DISTRICTS)}" if self.rng.random() < 0.5 else self.rng.choice(
                MILANO_DISTRICTS
            )  # fmt: skip
        return municipality.upper

    def _name(self, letters: tuple[str, ...], municipality: _Municipality) -> str:
        rng = self.rng
        town = self._town(municipality)
        primary = next((letter for letter in letters if letter != "e"), "e")
        suffix = NAME_SUFFIX.get(primary, "")
        if rng.random() < RARE_NAME_SHARE:
            name = rng.choice(RARE_NAMES).format(place=rng.choice(PLACES), town=town)
            return f"{name} {suffix}".strip()
        if "e" in letters:
            name = rng.choice((
                f"RETE {rng.choice(CAUSES)} {rng.choice(PLACES)}",
                f"FEDERAZIONE {rng.choice(PURPOSES)} {rng.choice(PLACES)}",
                f"COORDINAMENTO ASSOCIAZIONI {rng.choice(CAUSES)}",
                f"UNIONE {rng.choice(PURPOSES)} {rng.choice(PLACES)}",
                f"CONFEDERAZIONE {rng.choice(CAUSES)}",
                f"FORUM {rng.choice(PLACES)} {rng.choice(CAUSES)}",
            ))  # fmt: skip
            return f"{name} {suffix or 'RETE ASSOCIATIVA'}"
        roll = rng.random()
        motto = self._motto(municipality)
        if primary == "a":
            if roll < 0.42:
                name = f"ASSOCIAZIONE {motto if rng.random() < 0.6 else self._cause(municipality)}"
            elif roll < 0.55:
                name = f"GRUPPO VOLONTARI {town if rng.random() < 0.5 else f'{rng.choice(SAINTS)} {town}'}"
            elif roll < 0.65:
                name = f"CROCE {rng.choice(COLOURS)} {town}"
            elif roll < 0.72:
                name = f"PROTEZIONE CIVILE {town}"
            elif roll < 0.80:
                name = f"DONATORI DI SANGUE {town}"
            elif roll < 0.86:
                return f"ORGANIZZAZIONE DI VOLONTARIATO {motto}"
            else:
                name = f"{motto} {rng.choice(CAUSES)}" if rng.random() < 0.3 else motto
        elif primary == "b":
            if roll < 0.30:
                name = f"ASSOCIAZIONE {motto}"
            elif roll < 0.45:
                name = f"ASSOCIAZIONE {rng.choice(PURPOSES)} {motto}"
            elif roll < 0.58:
                name = f"CIRCOLO {rng.choice((motto, town))}"
            elif roll < 0.64:
                name = f"ORATORIO {rng.choice(SAINTS)} {town}"
            elif roll < 0.71:
                name = f"POLISPORTIVA {town}"
            elif roll < 0.77:
                name = f"PRO LOCO {town}"
            elif roll < 0.83:
                name = f"{rng.choice(('CORO', 'TEATRO', 'BANDA MUSICALE', 'COMPAGNIA'))} {motto}"
            else:
                name = motto
        elif primary == "c":
            name = (
                f"FONDAZIONE {self._person()}" if roll < 0.45
                else f"FONDAZIONE DI COMUNITÀ {rng.choice(PLACES)}" if roll < 0.6
                else f"FONDAZIONE {motto}"
            )  # fmt: skip
            return f"{name} ETS"
        elif primary == "d":
            return rng.choice((
                f"{motto} SOCIETÀ COOPERATIVA SOCIALE",
                f"SOCIETA' COOPERATIVA SOCIALE {motto} ONLUS",
                f"COOPERATIVA SOCIALE {motto}",
                f"{motto} COOPERATIVA SOCIALE A R.L.",
                f"CONSORZIO {motto} SOCIETÀ COOPERATIVA SOCIALE",
                f"{motto} IMPRESA SOCIALE S.R.L.",
            ))  # fmt: skip
        elif primary == "f":
            return rng.choice((
                f"SOCIETÀ DI MUTUO SOCCORSO {town}",
                f"SOCIETÀ OPERAIA DI MUTUO SOCCORSO {rng.choice(SAINTS)}",
                f"MUTUA {motto} ETS",
            ))  # fmt: skip
        else:  # g
            if roll < 0.36:
                name = f"ASSOCIAZIONE {motto if rng.random() < 0.6 else self._cause(municipality)}"
            elif roll < 0.52:
                name = f"COMITATO {motto if rng.random() < 0.6 else self._cause(municipality)}"
            elif roll < 0.66:
                name = f"FONDAZIONE {rng.choice((motto, self._person()))}"
            elif roll < 0.74:
                name = f"ENTE {motto}"
            else:
                name = motto
        return f"{name} {suffix}"

    # -- registration

    def _random_day(self, start: date, end: date) -> date:
        if end <= start:
            return start
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def _head(self, letters: tuple[str, ...], organisation: Organisation | None) -> _Head:
        rng = self.rng
        primary = next((letter for letter in letters if letter != "e"), "e")
        legal_personality = primary == "c" or (primary != "d" and rng.random() < 0.165)
        note = ""
        if primary in "ab" and rng.random() < TRANSMIGRATION_SHARE_OF_ODV_APS and self.today >= TRANSMIGRATION_FROM:
            route = RegistrationRoute.TRANSMIGRATION
            registered_on = self._random_day(TRANSMIGRATION_FROM, min(TRANSMIGRATION_TO, self.today))
            if rng.random() < 0.3:
                note = f"Iscritto tramite trasmigrazione per scadenza dei termini il {registered_on:%d/%m/%Y}"
        else:
            # A rete holding another section joins the reti at least a day after registering (see plan()).
            registered_on = self._random_day(RUNTS_OPENED, self.today - timedelta(days=len(letters) - 1))
            roll = rng.random()
            if legal_personality and roll < 0.8:
                route = RegistrationRoute.NOTARIAL
            elif roll < 0.96:
                route = RegistrationRoute.ORDINARY
            else:
                route = RegistrationRoute.SILENCE
        return _Head(letters, legal_personality, route.value, registered_on, note, organisation)

    def invented_heads(self, count: int) -> list[_Head]:
        heads = []
        for _ in range(count):
            letter = self.rng.choices(self.section_letters, cum_weights=self.section_cum)[0]
            letters: tuple[str, ...] = (letter,)
            if letter == "e" and self.rng.random() < 0.5:
                letters = tuple(sorted(("e", self.rng.choice("abg"))))
            heads.append(self._head(letters, None))
        return heads

    def directory_heads(self, organisations: Sequence[Organisation]) -> list[_Head]:
        return [self._head(self._letters_for(org), org) for org in organisations]

    def _letters_for(self, organisation: Organisation) -> tuple[str, ...]:
        """A plausible section for a real body of the directory, from its kind and name."""
        rng = self.rng
        name = f" {organisation.name.upper()} "
        if organisation.kind == OrganisationKind.COOPERATIVE:
            return ("d",)
        if organisation.kind == OrganisationKind.VOLUNTEER_ORGANISATION:
            return ("a",)
        if " APS " in name or "PROMOZIONE SOCIALE" in name:
            return ("b",)
        if "FEDERAZIONE" in name or "COORDINAMENTO" in name:
            return ("b", "e")
        if "FONDAZIONE" in name:
            return ("c",) if rng.random() < 0.4 else ("g",)
        roll = rng.random()
        return ("b",) if roll < 0.45 else ("g",) if roll < 0.85 else ("a",)

    # -- one entry

    def plan(self, head: _Head, repertory_number: int) -> _Plan:
        rng, today = self.rng, self.today
        letters = head.letters
        primary = next((letter for letter in letters if letter != "e"), "e")
        registered_on = head.registered_on
        org = head.organisation
        if org is None:
            municipality = self._municipality()
            tax_code = self._tax_code(municipality, primary)
            name = self._name(letters, municipality)
            address, postcode = self._address(municipality)
            slug = _slug(name)
            pec = f"{slug}@pec.example.org" if rng.random() < 0.9 else ""
            phone = (
                ("02 " if municipality.metropolitan else f"0{rng.randint(10, 99)} ")
                + f"{rng.randint(0, 9_999_999):07d}"
                if rng.random() < 0.7
                else ""
            )
            website = f"https://www.{slug}.example.org" if rng.random() < 0.45 else ""
            vat_number = tax_code if primary == "d" else self._vat_number() if rng.random() < 0.08 else ""
        else:
            # A real body: its identity and what the directory knows; the rest of the entry is invented.
            municipality = self.municipalities[org.municipality_id]
            tax_code, name, vat_number = org.tax_code, org.name, org.vat_number
            address, postcode = org.address, ""
            pec, phone, website = org.pec, org.phone, org.website

        # Constituted before registering; bodies transmigrated in 2022 already existed in the old registers.
        latest = min(registered_on - timedelta(days=30), date(2021, 6, 30)) if head.route == "transmigration" else (
            registered_on - timedelta(days=30)
        )  # fmt: skip
        years_back = int(rng.random() ** 2 * 45)
        constituted_on = max(date(1950, 1, 1), latest - timedelta(days=years_back * 365 + rng.randint(0, 364)))
        patrimony = None
        if head.legal_personality:
            minimum = 30_000 if primary == "c" else 15_000
            extra = 5_000 * rng.randint(0, 40) * (21 if rng.random() < 0.1 else 1)
            patrimony = Decimal(minimum + extra).quantize(Decimal("0.01"))
        five_per_thousand = rng.random() < 0.5
        legal_form = LEGAL_FORMS[primary]
        if head.legal_personality and primary in "abeg":
            legal_form = "Associazione riconosciuta"
        in_network = rng.random() < 0.2
        sort_name = sort_key(name)
        constituted_iso, registered_iso = constituted_on.isoformat(), registered_on.isoformat()
        patrimony_text = str(patrimony) if patrimony is not None else None
        entity = (
            tax_code, vat_number, name, sort_name, legal_form, "", municipality.id, address, postcode, pec, phone,
            website, constituted_iso, head.legal_personality, patrimony_text, five_per_thousand, in_network,
            repertory_number, registered_iso, head.route, head.note, EntityStatus.REGISTERED.value, "", None, True,
        )  # fmt: skip
        new_org = None
        if org is None:
            new_org = (
                name[:300], SECTION_KINDS.get(primary, OrganisationKind.THIRD_SECTOR).value, tax_code, vat_number,
                municipality.id, f"{address}, {postcode} {municipality.title}", pec, phone, website,
                ORGANISATION_SOURCE.value,
            )  # fmt: skip
        plan = _Plan(tax_code, repertory_number, entity, new_org)
        if org is not None:
            plan.organisation_id = org.pk

        # Sections, from registration (a rete's own section may start later: see the history below).
        section_periods: list[list[Any]] = [[letter, registered_on, None, registered_iso] for letter in letters]

        # Activities of general interest: 1–3, mostly the ones the section usually carries.
        wanted = rng.randint(1, 3)
        chosen: set[str] = set()
        while len(chosen) < wanted:
            preferred = PREFERRED_ACTIVITIES[primary]
            letter = rng.choice(preferred) if rng.random() < 0.7 else rng.choice(self.activities).letter
            if letter in self.activity_by_letter:
                chosen.add(letter)
        activities = sorted((self.activity_by_letter[letter] for letter in chosen), key=lambda a: a.position)
        plan.activities = [a.pk for a in activities]
        activity_data = [{"letter": a.letter, "description": a.description} for a in activities]

        # Reti associative the entity belongs to (ordered as Entity.Meta.ordering: sort name).
        if in_network and self.retes:
            first = rng.choice(self.retes)
            networks = [first]
            if rng.random() < 0.1:
                second = rng.choice(self.retes)
                # Different first letters, so the order is the same under any collation.
                if second.sort_name[:1] != first.sort_name[:1] and second.sort_name[:1].isalpha():
                    networks.append(second)
            networks.sort(key=lambda r: r.sort_name)
            plan.networks = [(r.pk, r.repertory_number) for r in networks]
        else:
            networks = []
        network_data = [{"name": r.name, "repertory_number": r.repertory_number} for r in networks]

        # Office holders: [role, name, powers, starts_on, ends_on]. Starts of one role never share a day.
        holders: list[list[Any]] = []
        used_starts: set[tuple[str, date]] = set()

        def appoint(role: str, person: str, powers: str, starts_on: date, ends_on: date | None = None) -> list[Any]:
            while (role, starts_on) in used_starts:
                starts_on -= timedelta(days=1)
            used_starts.add((role, starts_on))
            holder = [role, person, powers, starts_on, ends_on, starts_on.isoformat()]
            holders.append(holder)
            return holder

        board_from = max(constituted_on, registered_on - timedelta(days=6 * 365))
        representative = self._person()
        lr_start = self._random_day(board_from, registered_on)
        if rng.random() < 0.2 and lr_start > constituted_on + timedelta(days=400):
            # A former president, who left before registration: history without a version.
            former = self._person()
            former_start = self._random_day(constituted_on, lr_start - timedelta(days=365))
            appoint(LEGAL_REPRESENTATIVE, former, LR_POWERS, former_start, lr_start)
            appoint(PRESIDENT, former, "", former_start, lr_start)
        appoint(LEGAL_REPRESENTATIVE, representative, LR_POWERS, lr_start)
        others = rng.randint(1, 4)
        roles = [PRESIDENT, *rng.sample(OTHER_ROLES, others - 1)]
        for role in roles:
            if role == PRESIDENT:
                person = representative if rng.random() < 0.85 else self._person()
                appoint(role, person, "", lr_start)
            else:
                appoint(role, self._person(), "", self._random_day(board_from, registered_on))

        # Secondary offices (~5%), open since before registration.
        offices: list[tuple[_Municipality, str, date]] = []
        if rng.random() < 0.05:
            for _ in range(1 if rng.random() < 0.85 else 2):
                where = rng.choices(self.metro, cum_weights=self.metro_cum)[0] if self.metro else municipality
                starts_on = self._random_day(constituted_on, registered_on)
                if all(starts_on != o[2] for o in offices):
                    offices.append((where, self._address(where)[0], starts_on))
            offices.sort(key=lambda o: o[2])
        plan.offices = [(o[0].id, o[1], o[2].isoformat()) for o in offices]
        office_data = [
            {"address": o[1], "municipality": o[0].snapshot["name"], "istat_code": o[0].istat_code} for o in offices
        ]

        # History: 0–2 changes after registration, each on its own day, each a new version. A rete associativa
        # holding another section joined the reti later: two periods starting on one day would have no stable order
        # in entry_snapshot (EntitySection is ordered by valid_from alone), so the register could not repeat itself.
        combined = len(letters) == 2
        field_changes: list[tuple[date, dict[str, Any]]] = []
        wanted_events = rng.choices((0, 1, 2), cum_weights=(45, 80, 100))[0]
        if combined:
            wanted_events = max(wanted_events, 1)
        span = (today - registered_on).days
        wanted_events = min(wanted_events, span)
        reasons: dict[date, str] = {}
        if wanted_events:
            offsets = {rng.randint(1, span)}
            while len(offsets) < wanted_events:
                offsets.add(rng.randint(1, span))
            days = [registered_on + timedelta(days=d) for d in sorted(offsets)]
            invented, contacts = org is None, bool(website or pec)
            if combined:
                kinds = ["rete", *self._events(wanted_events - 1, letters, invented, contacts, holders)]
            else:
                kinds = self._events(wanted_events, letters, invented, contacts, holders)
            for day, kind in zip(days, kinds, strict=True):
                reasons[day] = EVENT_REASONS[kind]
                if kind == "rete":
                    for period in section_periods:
                        if period[0] == "e":
                            period[1], period[3] = day, day.isoformat()
                    section_periods.sort(key=lambda period: period[1])
                elif kind == "address":
                    old_address, old_postcode = self._address(municipality)
                    field_changes.append((day, {"address": old_address, "postcode": old_postcode}))
                elif kind == "contacts":
                    field_changes.append((day, {"website": ""} if website else {"pec": f"{_slug(name)}@example.org"}))
                elif kind == "representative":
                    person = self._person()
                    for holder in list(holders):
                        if holder[4] is None and holder[1] == representative and holder[0] in LEADERSHIP:
                            holder[4] = day
                            appoint(holder[0], person, holder[2], day)
                    representative = person
                elif kind == "board":
                    candidates = [h for h in holders if h[4] is None and h[0] in OTHER_ROLES]
                    leaving = rng.choice(candidates)
                    leaving[4] = day
                    appoint(leaving[0], self._person(), "", day)
                elif kind == "section":
                    current = section_periods[0][0]
                    old = rng.choice([letter for letter in "abg" if letter != current])
                    section_periods = [[old, registered_on, day, registered_iso], [current, day, None, day.isoformat()]]
                    suffix = f" {NAME_SUFFIX[current]}"
                    if org is None and name.endswith(suffix):
                        field_changes.append((day, {"name": name[: -len(suffix)] + f" {NAME_SUFFIX[old]}"}))
        holders.sort(key=lambda h: (h[0], h[3]))
        plan.holders = [(h[0], h[1], "", h[2], h[5], _iso(h[4])) for h in holders]
        plan.sections = [(self.section_ids[p[0]], p[3], _iso(p[2])) for p in section_periods]

        # The versions, exactly as entry_snapshot would build them on each day the entry changed.
        base: dict[str, Any] = {
            "repertory_number": repertory_number, "tax_code": tax_code, "vat_number": vat_number, "name": name,
            "legal_form": legal_form, "legal_nature": "", "address": address,
            "postcode": postcode, "pec": pec, "phone": phone, "website": website,
            "constituted_on": constituted_iso, "has_legal_personality": head.legal_personality,
            "patrimony": patrimony_text,
            "five_per_thousand": five_per_thousand, "in_network": in_network,
            "registered_on": registered_iso, "registration_route": head.route,
            "registration_note": head.note, "status": EntityStatus.REGISTERED.value, "cancellation_cause": "",
            "cancelled_on": None,
        }  # fmt: skip
        boundaries = [registered_on, *sorted(reasons)]
        previous: dict[str, Any] | None = None
        for index, day in enumerate(boundaries):
            data = dict(base)
            for change_day, old_values in field_changes:
                if day < change_day:
                    data.update(old_values)
            data["municipality"] = municipality.snapshot
            data["sections"] = [
                {**self.section_snapshot[letter], "since": since}
                for letter, start, end, since in section_periods
                if start <= day and (end is None or day < end)
            ]
            data["activities"] = activity_data
            data["networks"] = network_data
            in_office = [
                {"role": h[0], "full_name": h[1], "powers": h[2], "since": h[5]}
                for h in holders
                if h[3] <= day and (h[4] is None or day < h[4])
            ]
            data["office_holders"] = in_office
            data["legal_representatives"] = [h["full_name"] for h in in_office if h["role"] == LEGAL_REPRESENTATIVE]
            data["secondary_offices"] = office_data
            valid_to = boundaries[index + 1].isoformat() if index + 1 < len(boundaries) else None
            if previous is None:
                changed, reason = [], REGISTRATION_REASONS[head.route]
            else:
                changed, reason = changed_fields(previous, data), reasons[day]
            plan.versions.append((day.isoformat(), valid_to, _json(data), _json(changed), reason))
            previous = data
        plan.documents = self._documents(primary, head, constituted_on, registered_on)
        if "e" in letters:
            plan.is_rete = True
            self.retes.append(_Rete(name, sort_name, repertory_number))
        return plan

    def _events(
        self, count: int, letters: tuple[str, ...], invented: bool, contacts: bool, holders: list[list[Any]]
    ) -> list[str]:
        rng = self.rng
        possible = {"representative": 35.0}
        if invented:
            # Addresses and contacts of real bodies are not invented, so neither is their history.
            possible["address"] = 20.0
            if contacts:
                possible["contacts"] = 12.0
        if len(letters) == 1 and letters[0] in "abg":
            possible["section"] = 15.0
        if any(h[0] in OTHER_ROLES for h in holders):
            possible["board"] = 18.0
        chosen: list[str] = []
        while len(chosen) < count and possible:
            kind = rng.choices(list(possible), weights=list(possible.values()))[0]
            chosen.append(kind)
            del possible[kind]
        while len(chosen) < count:
            chosen.append("representative")
        return chosen

    def _documents(self, primary: str, head: _Head, constituted_on: date, registered_on: date) -> list[Any]:
        rng, today = self.rng, self.today
        registered_iso = registered_on.isoformat()
        number = self.filing_counter
        at_registration = f"{registered_on.year}/"
        statute_year = max(constituted_on.year, min(registered_on.year, rng.randint(2019, 2021)))
        documents = [(STATUTE, statute_year, registered_iso, f"{at_registration}{number + 1:07d}")]
        number += 1
        if constituted_on.year >= 2017 or rng.random() < 0.2:
            number += 1
            documents.append((DEED, constituted_on.year, registered_iso, f"{at_registration}{number:07d}"))
        accounts = CASH_STATEMENT if primary not in "cd" and not head.legal_personality and rng.random() < 0.55 else (
            ANNUAL_ACCOUNTS
        )  # fmt: skip
        social_report = primary == "d" or rng.random() < 0.08
        # The accounts of the last three closed years (deposited by 30 June of the next year, CTS art. 48 c.3).
        for year in range(max(registered_on.year - 1, constituted_on.year, today.year - 3), today.year):
            if rng.random() < 0.07:
                continue  # not every entity deposits on time
            deposited_on = max(date(year + 1, 5, 1) + timedelta(days=rng.randint(0, 75)), registered_on)
            if deposited_on > today:
                continue
            deposited_iso = deposited_on.isoformat()
            number += 1
            documents.append((accounts, year, deposited_iso, f"{year + 1}/{number:07d}"))
            if social_report:
                number += 1
                documents.append((SOCIAL_REPORT, year, deposited_iso, f"{year + 1}/{number:07d}"))
        self.filing_counter = number
        return documents


LR_POWERS = "Rappresentanza legale e firma sociale"
# Plain strings (the choices' values), compared and sorted millions of times.
LEGAL_REPRESENTATIVE = OfficeHolderRole.LEGAL_REPRESENTATIVE.value
PRESIDENT = OfficeHolderRole.PRESIDENT.value
LEADERSHIP = {LEGAL_REPRESENTATIVE, PRESIDENT}
OTHER_ROLES = [
    OfficeHolderRole.VICE_PRESIDENT.value, OfficeHolderRole.BOARD_MEMBER.value, OfficeHolderRole.BOARD_MEMBER.value,
    OfficeHolderRole.AUDITOR.value,
]  # fmt: skip
STATUTE = DocumentKind.STATUTE.value
DEED = DocumentKind.DEED_OF_INCORPORATION.value
ANNUAL_ACCOUNTS = DocumentKind.ANNUAL_ACCOUNTS.value
CASH_STATEMENT = DocumentKind.CASH_STATEMENT.value
SOCIAL_REPORT = DocumentKind.SOCIAL_REPORT.value
EVENT_REASONS = {
    "address": "Trasferimento della sede legale (dati sintetici)",
    "contacts": "Aggiornamento dei recapiti (dati sintetici)",
    "representative": "Nuovo rappresentante legale (dati sintetici)",
    "board": "Variazione delle cariche sociali (dati sintetici)",
    "section": "Migrazione di sezione, art. 50 c.3 CTS (dati sintetici)",
    "rete": "Iscrizione anche nella sezione Reti associative, art. 46 c.2 CTS (dati sintetici)",
}
REGISTRATION_REASONS = {
    RegistrationRoute.ORDINARY.value: "Iscrizione (dati sintetici)",
    RegistrationRoute.NOTARIAL.value: "Iscrizione tramite notaio (dati sintetici)",
    RegistrationRoute.SILENCE.value: "Iscrizione per silenzio-assenso (dati sintetici)",
    RegistrationRoute.TRANSMIGRATION.value: "Iscrizione per trasmigrazione (dati sintetici)",
}


# --- Writing ---------------------------------------------------------------------------------------------------------


def _cumulative(weights: Any) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


# Rows carry dates as ISO strings and JSON as text, which both engines take for date and JSON columns: it spares a
# Python adapter call per value on SQLite. The JSON is compact and keeps accents as they are.
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode

_SLUG_TABLE = str.maketrans(dict.fromkeys("'’.,;:-–&/()\"«»!?+", " "))


def _slug(name: str) -> str:
    """A plausible mailbox or host name from the first words of a name: ASCII letters and digits."""
    words = [w for w in name.lower().translate(_SLUG_TABLE).split() if w.isascii() and w.isalnum()]
    return "".join(words[:4])[:40] or "ente"


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *, multi_row: bool = False) -> None:
    """Plain INSERTs of many rows, bypassing the ORM and DEBUG's query log: the engine-specific path of the writer.

    - PostgreSQL: COPY, which streams the rows and parses them on the server (ISO dates and JSON text included).
    - SQLite: executemany runs one prepared statement per row in C, the fastest way in, except into a table with an
      FTS5 trigger (`multi_row`): FTS5 flushes its pending terms at the end of every statement, so one statement of a
      thousand rows is several times faster there.
    - Anything else: multi-row VALUES.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # the driver's cursor: no debug wrapper formatting every statement
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        head = f"INSERT INTO {quote(table)} ({names}) VALUES "  # noqa: S608 (names from the models)
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        if connection.vendor == "sqlite" and not multi_row:
            cursor.executemany(head + one, rows)
            return
        per_statement = max(1, min(1000, (connection.features.max_query_params or 999) // len(columns)))
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row])


ORGANISATION_COLUMNS = (
    "name", "kind", "tax_code", "vat_number", "municipality_id", "address", "pec", "phone", "website", "source",
)  # fmt: skip
ENTITY_COLUMNS = (
    "tax_code", "vat_number", "name", "sort_name", "legal_form", "legal_nature", "municipality_id", "address",
    "postcode", "pec", "phone", "website", "constituted_on", "has_legal_personality", "patrimony", "five_per_thousand",
    "in_network", "repertory_number", "registered_on", "registration_route", "registration_note", "status",
    "cancellation_cause", "cancelled_on", "is_synthetic",
)  # fmt: skip


class _Table:
    """A model's table for plain INSERTs: the columns the generator fills, then every other concrete column with its
    default (timestamps set to now), so a column added to the model later does not break the generator."""

    def __init__(self, model: Any, columns: Sequence[str], now: Any) -> None:
        self.name: str = model._meta.db_table
        extra, values = [], []
        for field in model._meta.concrete_fields:
            if field.primary_key or field.column in columns:
                continue
            extra.append(field.column)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                values.append(now)
            else:
                values.append(field.get_db_prep_save(field.get_default(), connection))
        self.columns = (*columns, *extra)
        self.defaults = tuple(values)

    def insert(self, rows: list[tuple[Any, ...]], *, multi_row: bool = False) -> None:
        defaults = self.defaults
        insert_rows(
            self.name, self.columns, [row + defaults for row in rows] if defaults else rows, multi_row=multi_row
        )


def _highest_id(model: Any) -> int:
    return int(model.objects.aggregate(highest=Max("id"))["highest"] or 0)


def _ids_by_tax_code(model: Any, after: int) -> dict[str, int]:
    """Codice fiscale → id of the rows written since `after` (the highest id before the insert): one range scan on
    the primary key. A row someone else wrote meanwhile has a codice fiscale the batch does not use."""
    return dict(model.objects.filter(id__gt=after).values_list("tax_code", "id"))


def _write(plans: list[_Plan], retes: dict[int, int]) -> int:
    """Write one batch; returns the number of versions. Ids of new rows are read back by codice fiscale (unique in
    both tables), which works on every engine and with COPY, without relying on the order of RETURNING rows."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    new_organisations = [p for p in plans if p.organisation is not None]
    if new_organisations:
        highest_organisation = _highest_id(Organisation)
        _Table(Organisation, ORGANISATION_COLUMNS, now).insert(
            [p.organisation for p in new_organisations if p.organisation]
        )
        ids = _ids_by_tax_code(Organisation, highest_organisation)
        for plan in new_organisations:
            plan.organisation_id = ids[plan.tax_code]
    highest_entity = _highest_id(Entity)
    _Table(Entity, (*ENTITY_COLUMNS, "organisation_id"), now).insert(
        [(*p.entity, p.organisation_id) for p in plans], multi_row=True
    )
    ids = _ids_by_tax_code(Entity, highest_entity)
    for plan in plans:
        plan.entity_id = ids[plan.tax_code]
        if plan.is_rete:
            retes[plan.repertory_number] = plan.entity_id

    Rows = list[tuple[Any, ...]]
    sections: Rows = []
    activities: Rows = []
    networks: Rows = []
    holders: Rows = []
    offices: Rows = []
    documents: Rows = []
    versions: Rows = []
    for plan in plans:
        entity_id = plan.entity_id
        sections.extend((entity_id, section_id, start, end) for section_id, start, end in plan.sections)
        activities.extend((entity_id, activity_id) for activity_id in plan.activities)
        networks.extend((entity_id, pk if pk is not None else retes[cast(int, number)]) for pk, number in plan.networks)
        holders.extend((entity_id, *holder) for holder in plan.holders)
        offices.extend((entity_id, muni_id, address, start, None) for muni_id, address, start in plan.offices)
        documents.extend((entity_id, kind, year, "", day, ref) for kind, year, day, ref in plan.documents)
        versions.extend((entity_id, *version) for version in plan.versions)

    _Table(EntitySection, ("entity_id", "section_id", "valid_from", "valid_to"), now).insert(sections)
    _Table(Entity.activities.through, ("entity_id", "generalinterestactivity_id"), now).insert(activities)
    _Table(Entity.networks.through, ("from_entity_id", "to_entity_id"), now).insert(networks)
    _Table(OfficeHolder, ("entity_id", "role", "full_name", "tax_code", "powers", "starts_on", "ends_on"), now).insert(
        holders
    )
    _Table(SecondaryOffice, ("entity_id", "municipality_id", "address", "starts_on", "ends_on"), now).insert(offices)
    _Table(DepositedDocument, ("entity_id", "kind", "year", "file", "deposited_on", "filing_reference"), now).insert(
        documents
    )
    _Table(EntityVersion, ("entity_id", "valid_from", "valid_to", "data", "changed_fields", "reason"), now).insert(
        versions
    )
    return len(versions)


def _reserve_repertory(count: int) -> int:
    """The first of `count` consecutive repertorio numbers, above every number assigned, reserved in the sequence so
    that an officer registering an entity meanwhile takes the next free one."""
    with transaction.atomic():
        sequence, _ = RepertorySequence.objects.select_for_update().get_or_create(pk=1, defaults={"next_number": 1})
        highest = Entity.objects.aggregate(highest=Max("repertory_number"))["highest"] or 0
        first = max(sequence.next_number, highest + 1)
        sequence.next_number = first + count
        sequence.save(update_fields=["next_number"])
    return first


def analyze() -> None:
    """Fresh planner statistics after a bulk load."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for model in (Organisation, Entity, EntitySection, OfficeHolder, SecondaryOffice, DepositedDocument,
                          EntityVersion, Entity.activities.through, Entity.networks.through):  # fmt: skip
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")


def _plan_batch(generator: Generator, heads: list[_Head], first: int, start: int, size: int) -> list[_Plan]:
    return [generator.plan(head, first + start + i) for i, head in enumerate(heads[start : start + size])]


def _planned_batches(
    generator: Generator, heads: list[_Head], first: int, batch_size: int, *, parallel: bool
) -> Iterator[list[_Plan]]:
    """The batches of plans, in order: built here, or by a forked child one batch ahead of the writer."""
    starts = range(0, len(heads), batch_size)
    if not parallel:
        for start in starts:
            yield _plan_batch(generator, heads, first, start, batch_size)
        return
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    worker = context.Process(
        target=_plan_in_child, args=(generator, heads, first, batch_size, writer), name="registry_demo", daemon=True
    )
    worker.start()
    writer.close()  # the child holds the only writing end: if it dies, recv() raises EOFError instead of waiting
    try:
        for _ in starts:
            try:
                message = reader.recv()
            except EOFError:
                raise DemoError("The process building the entries stopped unexpectedly.") from None
            if isinstance(message, str):
                raise DemoError(f"The process building the entries failed:\n{message}")
            yield message
    finally:
        reader.close()
        if worker.is_alive():
            worker.terminate()
        worker.join()


def _plan_in_child(generator: Generator, heads: list[_Head], first: int, batch_size: int, writer: Any) -> None:
    """The forked child: build every batch and send it (sending blocks until the writer takes it). No queries here:
    everything the generator needs was read before the fork."""
    try:
        for start in range(0, len(heads), batch_size):
            writer.send(_plan_batch(generator, heads, first, start, batch_size))
    except BaseException:  # noqa: BLE001 (handed to the parent, which raises it)
        writer.send(traceback.format_exc())
    finally:
        writer.close()


@contextmanager
def _bulk_load() -> Iterator[None]:
    """Settings for the length of a bulk load, restored afterwards.

    The cyclic garbage collector is paused: the run allocates millions of small objects and no cycles, and full
    collections over a growing heap would cost more than the generation itself. On SQLite the page cache of this
    connection is raised to 256 MiB, since every index of a growing table takes inserts at random places.
    """
    collecting = gc.isenabled()
    gc.disable()
    cache_size = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache_size = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA cache_size = -262144")
    try:
        yield
    finally:
        if cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {cache_size:d}")
        if collecting:
            gc.enable()


def directory_candidates(limit: int | None = None) -> list[Organisation]:
    """Bodies of the 5x1000 2022 list not in the register yet (by link or by codice fiscale), oldest first."""
    qs = (
        Organisation.objects.filter(source=OrganisationSource.FIVE_PER_THOUSAND_2022, registry_entity__isnull=True)
        .exclude(tax_code__in=Entity.objects.values("tax_code"))
        .order_by("id")
    )
    return list(qs[:limit] if limit is not None else qs)


def generate(
    count: int | None,
    *,
    seed: int | None = None,
    from_directory: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: ProgressCallback | None = None,
    parallel: bool | None = None,
) -> DemoResult:
    """Write `count` synthetic entries (or, from the directory, up to `count` real bodies; all when None).

    With `parallel` (the default for more than one batch where processes can fork), a child process builds the next
    batch while this one writes the current one: building and writing cost about the same, so the run takes about
    half as long. The child only computes; every query runs here. The output is the same either way.
    """
    started = time.perf_counter()
    generator = Generator(seed=seed, from_directory=from_directory)
    if from_directory:
        organisations = directory_candidates(count)
        known = set(generator.municipalities)
        extra = {o.municipality_id for o in organisations} - known
        for row in Municipality.objects.filter(pk__in=extra).values_list(
            "id", "name", "istat_code", "province_code", "is_metropolitan"
        ):
            generator.municipalities[row[0]] = _Municipality(row)
        heads = generator.directory_heads(organisations)
    else:
        if count is None or count < 0:
            raise DemoError("Say how many entities to generate.")
        generator.taken_tax_codes.update(Organisation.objects.values_list("tax_code", flat=True))
        generator.taken_tax_codes.update(Entity.objects.values_list("tax_code", flat=True))
        heads = generator.invented_heads(count)
    total = len(heads)
    if total == 0:
        return DemoResult(entities=0, versions=0, seconds=time.perf_counter() - started)
    # Repertorio numbers follow the registration dates, as they would have been assigned.
    heads.sort(key=lambda h: h.registered_on)
    first = _reserve_repertory(total)
    if parallel is None:
        parallel = total > batch_size and "fork" in multiprocessing.get_all_start_methods()
    versions = done = 0
    retes: dict[int, int] = {}
    with _bulk_load():
        for plans in _planned_batches(generator, heads, first, batch_size, parallel=parallel):
            with transaction.atomic():
                versions += _write(plans, retes)
            done += len(plans)
            if progress is not None:
                progress(f"{done:,}/{total:,} entities, {versions:,} versions ({time.perf_counter() - started:.1f}s)")
    analyze()
    with audit.context(actor_id=None, actor_label=AUDIT_ACTOR_LABEL):
        audit.record(
            AUDIT_ACTION,
            changes={"entities": total, "synthetic": True},
            reason=(
                "Synthetic register entries for demonstration "
                + ("for real bodies of the 5x1000 2022 list" if from_directory else "with invented bodies")
                + (f", seed {seed}" if seed is not None else "")
                + " (bulk insert: no per-entry audit entries)."
            ),
        )
    return DemoResult(
        entities=total,
        versions=versions,
        seconds=time.perf_counter() - started,
        first_repertory=first,
        last_repertory=first + total - 1,
    )
