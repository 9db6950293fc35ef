"""Which of today's comuni the Ministry's file means by a municipality name and a province sigla.

The file writes the comune of the registered office as upper-case text, at most 30 characters, sometimes with the
name the comune had before a fusion, and sometimes without a province (runts.md §3.1, column 7 and 8). Pariter keeps
the ANPR archive (`Municipality`, one row per comune per validity period; `valid_to` NULL is today's comune). The
archive has no "successor" column, so a ceased comune is followed to today's by the rules of `MunicipalityIndex.match`.

The whole archive (about 19,000 rows) is loaded once into dictionaries; a file of 150,000 rows then needs no query,
and each distinct (name, province) pair is worked out once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pariter.core.models import Municipality
from pariter.registry.ministry import fold

# The national platform cuts names to 30 characters ("CORTACCIA SULLA STRADA DEL VIN"); a cut after a space
# leaves 29 once the trailing space is trimmed.
TRUNCATION_LENGTH = 30
# A Belfiore (cadastral) code; ANPR writes "ND" where a very old row has none.
_BELFIORE = re.compile(r"[A-Z][0-9]{3}")

# Fusions and incorporations in Lombardy since 2003 that the archive cannot link by itself: the old comune's ISTAT
# and cadastral codes are not current, and today's name does not contain the old one. Key: (folded old name,
# province of the old row); value: the ISTAT code of today's comune. Built from the ANPR archive (ceased rows of
# region 03 whose successor was established the day after they ceased) and checked one by one, because on days with
# several fusions in one province the date alone is ambiguous; incorporations into an existing comune (Vendrogno,
# Menarola, Prestine, Cavallasca, Ca' d'Andrea) have no new row at all. Names the rules already resolve (VERMEZZO →
# VERMEZZO CON ZELO, BIGARELLO → SAN GIORGIO BIGARELLO, …) are not repeated here.
FUSION_ALIASES: dict[tuple[str, str], str] = {
    # Bergamo
    ("gerosa", "BG"): "016253",  # → VAL BREMBILLA (2014)
    ("valsecca", "BG"): "016252",  # → SANT'OMOBONO TERME (2014)
    ("sant omobono imagna", "BG"): "016252",  # renamed SANT'OMOBONO TERME (2004), then merged (2014)
    # Brescia
    ("prestine", "BS"): "017018",  # → BIENNO (2016)
    # Como
    ("cavallasca", "CO"): "013206",  # → SAN FERMO DELLA BATTAGLIA (2017)
    ("civenna", "CO"): "013250",  # → BELLAGIO (2014)
    ("drezzo", "CO"): "013251",  # → COLVERDE (2014)
    ("gironico", "CO"): "013251",
    ("pare", "CO"): "013251",
    ("lenno", "CO"): "013252",  # → TREMEZZINA (2014)
    ("mezzegra", "CO"): "013252",
    ("ossuccio", "CO"): "013252",
    ("tremezzo", "CO"): "013252",
    ("consiglio di rumo", "CO"): "013249",  # → GRAVEDONA ED UNITI (2011)
    ("germasino", "CO"): "013249",
    ("santa maria rezzonico", "CO"): "013248",  # → SAN SIRO (2003)
    ("sant abbondio", "CO"): "013248",
    ("lanzo d intelvi", "CO"): "013253",  # → ALTA VALLE INTELVI (2017)
    ("pellio intelvi", "CO"): "013253",
    ("ramponio verna", "CO"): "013253",
    ("casasco d intelvi", "CO"): "013254",  # → CENTRO VALLE INTELVI (2018)
    ("castiglione d intelvi", "CO"): "013254",
    ("san fedele intelvi", "CO"): "013254",
    # Cremona
    ("ca d andrea", "CR"): "019107",  # → TORRE DE' PICENARDI (2019)
    # Lecco
    ("introzzo", "LC"): "097093",  # → VALVARRONE (2018)
    ("tremenico", "LC"): "097093",
    ("vestreno", "LC"): "097093",
    ("perego", "LC"): "097092",  # → LA VALLETTA BRIANZA (2015)
    ("rovagnate", "LC"): "097092",
    ("verderio inferiore", "LC"): "097091",  # → VERDERIO (2014)
    ("verderio superiore", "LC"): "097091",
    ("vendrogno", "LC"): "097008",  # → BELLANO (2020)
    # Lodi
    ("camairago", "LO"): "098062",  # → CASTELGERUNDO (2018)
    ("cavacurta", "LO"): "098062",
    # Mantova
    ("borgoforte", "MN"): "020071",  # → BORGO VIRGILIO (2014)
    ("pieve di coriano", "MN"): "020072",  # → BORGO MANTOVANO (2018)
    ("revere", "MN"): "020072",
    ("villa poma", "MN"): "020072",
    ("borgofranco sul po", "MN"): "020073",  # → BORGOCARBONARA (2019)
    ("carbonara di po", "MN"): "020073",
    # Milano
    ("zelo surrigone", "MI"): "015251",  # → VERMEZZO CON ZELO (2019)
    # Pavia
    ("bastida de dossi", "PV"): "018191",  # → CORNALE E BASTIDA (2014)
    ("canevino", "PV"): "018193",  # → COLLI VERDI (2019)
    ("ruino", "PV"): "018193",
    ("valverde", "PV"): "018193",
    # Sondrio
    ("menarola", "SO"): "014032",  # → GORDONA (2015)
    # Varese
    ("pino sulla sponda del lago maggiore", "VA"): "012142",  # → MACCAGNO CON PINO E VEDDASCA (2014)
}


@dataclass(frozen=True, slots=True)
class Place:
    """One Municipality row, as much of it as matching and the entry snapshot need."""

    pk: int
    istat_code: str
    cadastral_code: str
    name: str
    province: str
    valid_to: date | None = None

    def __str__(self) -> str:
        return f"{self.name} ({self.province or '-'}, {self.istat_code})"


class MatchRule(StrEnum):
    EXACT = "exact name"
    TRUNCATED = "name cut at 30 characters"
    RENAMED = "renamed (same ISTAT code)"
    MOVED = "changed province (same cadastral code)"
    ALIAS = "merged (alias table)"
    MERGED = "merged (today's name contains the old one)"


@dataclass(frozen=True, slots=True)
class Match:
    place: Place
    rule: MatchRule


class MunicipalityNotFound(ValueError):
    """No comune, or more than one, fits the name; the message is the reason shown to the office."""

    @property
    def reason(self) -> str:
        return str(self.args[0])


Names = dict[str, list[Place]]


def _contains_words(haystack: str, needle: str) -> bool:
    return f" {needle} " in f" {haystack} "


def _by_name(places: Iterable[Place]) -> tuple[Names, dict[str, Names]]:
    national: Names = defaultdict(list)
    provincial: dict[str, Names] = defaultdict(lambda: defaultdict(list))
    for place in places:
        folded = fold(place.name)
        national[folded].append(place)
        provincial[place.province][folded].append(place)
    return national, provincial


class MunicipalityIndex:
    """The ANPR archive in memory, answering `match(name=…, province=…)`."""

    def __init__(self, places: Iterable[Place]) -> None:
        places = list(places)
        current = [p for p in places if p.valid_to is None]
        ceased = [p for p in places if p.valid_to is not None]
        self._current, self._current_in = _by_name(current)
        self._ceased, self._ceased_in = _by_name(ceased)
        self._by_istat = {p.istat_code: p for p in current}
        cadastral: dict[str, list[Place]] = defaultdict(list)
        for p in current:
            if _BELFIORE.fullmatch(p.cadastral_code):
                cadastral[p.cadastral_code].append(p)
        self._by_cadastral = {code: found[0] for code, found in cadastral.items() if len(found) == 1}
        self._provinces = {p.province for p in places if p.province}
        self._cache: dict[tuple[str, str], Match | MunicipalityNotFound] = {}

    @classmethod
    def from_database(cls) -> MunicipalityIndex:
        """One query over the whole archive."""
        rows = Municipality.objects.values_list(
            "pk", "istat_code", "cadastral_code", "name", "province_code", "valid_to"
        )
        return cls(Place(*row) for row in rows.iterator(chunk_size=5000))

    def match(self, *, name: str, province: str = "") -> Match:
        """Today's comune for the file's name and province sigla, or MunicipalityNotFound with the reason.

        The rules, in order, first within the province (nationally when the sigla is missing or unknown):
        1. a current comune of that name (accents and apostrophes ignored: "CANTU'" is CANTÙ);
        2. a name of 29–30 characters is a cut name: the one current comune whose name starts with it;
        3. a ceased comune of that name, followed to today's comune: same ISTAT code still current (a renaming),
           same cadastral code still current (a change of province), FUSION_ALIASES, or the one current comune of
           its province whose name contains the old name (VERMEZZO → VERMEZZO CON ZELO);
        4. FUSION_ALIASES by name, for an archive that lacks the ceased row.
        Each step must give exactly one comune; more is "ambiguous municipality". A bilingual "BOLZANO/BOZEN" is
        also tried as "BOLZANO".
        """
        key = (" ".join(name.split()).upper(), province.strip().upper())
        cached = self._cache.get(key)
        if cached is None:
            try:
                cached = self._match(*key)
            except MunicipalityNotFound as error:
                cached = error
            self._cache[key] = cached
        if isinstance(cached, MunicipalityNotFound):
            raise cached
        return cached

    def _match(self, name: str, province: str) -> Match:
        scope = province if province in self._provinces else ""
        attempts = [name]
        if "/" in name:
            attempts.append(name.split("/", 1)[0].strip())
        for attempt in attempts:
            found = self._match_name(attempt, scope)
            if found is not None:
                return found
        where = f" ({province})" if province else ""
        raise MunicipalityNotFound(f'unknown municipality "{name}"{where}')

    def _match_name(self, name: str, province: str) -> Match | None:
        folded = fold(name)
        if not folded:
            return None
        truncated = len(name) >= TRUNCATION_LENGTH - 1
        current = self._current_in.get(province, {}) if province else self._current
        ceased = self._ceased_in.get(province, {}) if province else self._ceased

        if found := current.get(folded):
            return self._one(found, MatchRule.EXACT, name)
        if truncated and (found := _starting_with(current, folded)):
            return self._one(found, MatchRule.TRUNCATED, name)
        old = ceased.get(folded) or (_starting_with(ceased, folded) if truncated else [])
        successors: dict[Place, MatchRule] = {}
        for place in old:
            for successor, rule in self._successors(place):
                successors.setdefault(successor, rule)
        if successors:
            return self._one(list(successors), None, name, rules=successors)
        aliased = [
            self._by_istat[code]
            for (alias, alias_province), code in FUSION_ALIASES.items()
            if code in self._by_istat
            and (alias == folded or (truncated and alias.startswith(folded)))
            and (not province or alias_province == province)
        ]
        if aliased:
            return self._one(aliased, MatchRule.ALIAS, name)
        return None

    def _successors(self, old: Place) -> list[tuple[Place, MatchRule]]:
        """Today's comune that took over a ceased one; several when the heuristics cannot tell."""
        if renamed := self._by_istat.get(old.istat_code):
            return [(renamed, MatchRule.RENAMED)]
        if moved := self._by_cadastral.get(old.cadastral_code):
            return [(moved, MatchRule.MOVED)]
        code = FUSION_ALIASES.get((fold(old.name), old.province))
        if code and (aliased := self._by_istat.get(code)):
            return [(aliased, MatchRule.ALIAS)]
        folded = fold(old.name)
        return [
            (place, MatchRule.MERGED)
            for name, places in self._current_in.get(old.province, {}).items()
            if _contains_words(name, folded)
            for place in places
        ]

    @staticmethod
    def _one(
        found: list[Place], rule: MatchRule | None, name: str, *, rules: dict[Place, MatchRule] | None = None
    ) -> Match:
        distinct = list(dict.fromkeys(found))
        if len(distinct) > 1:
            listed = ", ".join(str(p) for p in sorted(distinct, key=lambda p: (p.province, p.name))[:5])
            raise MunicipalityNotFound(f'ambiguous municipality "{name}": {listed}')
        place = distinct[0]
        return Match(place, rules[place] if rules else rule or MatchRule.EXACT)


def _starting_with(names: Names, prefix: str) -> list[Place]:
    return [place for name, places in names.items() if name.startswith(prefix) for place in places]
