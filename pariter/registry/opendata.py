"""The register's open-data catalogue: the daily files, their DCAT-AP_IT metadata and a manifest.

`export_all(directory)` writes, into one directory:
- the two datasets of `exports` (Ministry layout and rich layout) in CSV, XLSX and JSON;
- `catalogo.ttl` and `catalogo.jsonld`: one dcat:Catalog with the two dcat:Dataset and their distributions
  (DCAT-AP_IT, the profile dati.gov.it harvests), serialised by hand from one small graph so both agree;
- `manifest.json`: what was written (name, rows, bytes, SHA-256, time), so the pages list and serve the files
  without scanning the directory, and serve nothing else.

Every file is written to a temporary name in the same directory and moved into place with `os.replace`, so a
reader sees the old file or the new one, never half of one; the manifest is replaced last. One export runs at a
time (an exclusive lock on `.lock`).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from pariter.registry import exports

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
CATALOGUE_TTL = "catalogo.ttl"
CATALOGUE_JSONLD = "catalogo.jsonld"
METADATA_TYPES = {CATALOGUE_TTL: "text/turtle", CATALOGUE_JSONLD: "application/ld+json"}
MANIFEST_VERSION = 1
TMP_PREFIX = ".tmp-"
# Where urls_opendata is mounted (pariter/urls.py); used only if the URL cannot be reversed.
DEFAULT_MOUNT = "/dati-aperti/"

PUBLISHER_NAME = "Città metropolitana di Milano"
# The publisher's code in the Indice delle Pubbliche Amministrazioni (IPA): TO BE CONFIRMED with the office
# before the catalogue is harvested by dati.gov.it, since DCAT-AP_IT identifiers are built on it.
PUBLISHER_IPA_CODE = "cmmi"
CONTACT_NAME = "Città metropolitana di Milano – Servizio formazione per il sociale, terzo settore e pari opportunità"
ATTRIBUTION = "Città metropolitana di Milano – Pariter"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_NAME = {
    "it": "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)",
    "en": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
}
CATALOGUE_TITLE = {
    "it": "Dati aperti di Pariter – Città metropolitana di Milano",
    "en": "Pariter open data – Metropolitan City of Milan",
}
CATALOGUE_DESCRIPTION = {
    "it": "I dati aperti pubblicati da Città metropolitana di Milano con Pariter, a partire dal Registro unico "
    "nazionale del Terzo settore per gli enti con sede legale nel territorio metropolitano.",
    "en": "The open data published by the Metropolitan City of Milan with Pariter, starting with the national "
    "register of third-sector entities (RUNTS) for the entities with registered office in the metropolitan area.",
}

EU = "http://publications.europa.eu/resource/authority/"
THEME_SOCIETY = EU + "data-theme/SOCI"
DAILY = EU + "frequency/DAILY"
ITALIAN = EU + "language/ITA"
FILE_TYPES = {"csv": EU + "file-type/CSV", "xlsx": EU + "file-type/XLSX", "json": EU + "file-type/JSON"}
IANA = "https://www.iana.org/assignments/media-types/"


@dataclass(frozen=True)
class DatasetInfo:
    """What never changes about a dataset: its layout, names and words."""

    layout: str
    slug: str
    title: dict[str, str]
    description: dict[str, str]
    keywords: dict[str, tuple[str, ...]]

    @property
    def identifier(self) -> str:
        # DCAT-AP_IT: "<IPA code>:<local identifier>".
        return f"{PUBLISHER_IPA_CODE}:{self.slug}"

    def filename(self, fmt: str) -> str:
        return f"{self.slug}.{fmt}"


_KEYWORDS: dict[str, tuple[str, ...]] = {
    "it": ("terzo settore", "RUNTS", "enti del Terzo settore", "volontariato", "Città metropolitana di Milano"),
    "en": ("third sector", "RUNTS", "non-profit organisations", "volunteering", "Metropolitan City of Milan"),
}

DATASETS: tuple[DatasetInfo, ...] = (
    DatasetInfo(
        layout="ministry",
        slug="runts-enti-iscritti",
        title={
            "it": "Enti iscritti al RUNTS nella Città metropolitana di Milano (tracciato ministeriale)",
            "en": "Entities in the RUNTS in the Metropolitan City of Milan (Ministry layout)",
        },
        description={
            "it": "Gli enti iscritti nel Registro unico nazionale del Terzo settore con sede legale nella Città "
            "metropolitana di Milano, con le stesse 11 colonne del file «Enti iscritti» pubblicato dal Ministero del "
            "lavoro e delle politiche sociali: chi usa il file nazionale può usare questo senza modifiche. "
            "Aggiornato ogni giorno.",
            "en": "The entities in the national register of third-sector entities (RUNTS) with registered office in "
            "the Metropolitan City of Milan, with the same 11 columns as the Ministry of Labour's “Enti iscritti” "
            "file, so whoever reads the national file can read this one unchanged. Updated daily.",
        },
        keywords=_KEYWORDS,
    ),
    DatasetInfo(
        layout="rich",
        slug="runts-registro-enti",
        title={
            "it": "Registro degli enti del Terzo settore della Città metropolitana di Milano (tracciato completo)",
            "en": "Register of third-sector entities of the Metropolitan City of Milan (full layout)",
        },
        description={
            "it": "I dati pubblici di ogni ente iscritto (art. 48 del Codice del Terzo settore): repertorio, codice "
            "fiscale, partita IVA, denominazione, sezioni, forma giuridica, sede legale con codice ISTAT del comune, "
            "PEC, sito web, date di costituzione e di iscrizione in formato ISO, personalità giuridica, 5 per mille, "
            "adesione a una rete associativa, modalità di iscrizione e nomi dei legali rappresentanti. La colonna "
            "dato_sintetico indica le righe dimostrative, che non sono enti reali. Aggiornato ogni giorno.",
            "en": "The public data of every registered entity (art. 48 of the Third Sector Code): repertorio number, "
            "tax code, VAT number, name, sections, legal form, registered office with the municipality's ISTAT code, "
            "certified e-mail, website, dates of constitution and registration in ISO format, legal personality, "
            "5 per mille, membership of a network, registration route and names of the legal representatives. "
            "The column dato_sintetico marks demonstration rows, which are not real entities. Updated daily.",
        },
        keywords=_KEYWORDS,
    ),
)
DATASETS_BY_LAYOUT = {d.layout: d for d in DATASETS}


@dataclass(frozen=True)
class Distribution:
    """One file of the catalogue, as the manifest records it."""

    filename: str
    format: str
    media_type: str
    bytes: int
    sha256: str
    generated_at: datetime
    rows: int | None = None
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "format": self.format,
            "media_type": self.media_type,
            "rows": self.rows,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "generated_at": self.generated_at.isoformat(),
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Distribution:
        return cls(
            filename=str(data["filename"]),
            format=str(data["format"]),
            media_type=str(data["media_type"]),
            bytes=int(data["bytes"]),
            sha256=str(data["sha256"]),
            generated_at=datetime.fromisoformat(data["generated_at"]),
            rows=None if data.get("rows") is None else int(data["rows"]),
            seconds=float(data.get("seconds") or 0),
        )


@dataclass(frozen=True)
class Dataset:
    info: DatasetInfo
    distributions: tuple[Distribution, ...]
    issued: date

    @property
    def identifier(self) -> str:
        return self.info.identifier

    @property
    def modified(self) -> datetime | None:
        return max((d.generated_at for d in self.distributions), default=None)

    @property
    def rows(self) -> int | None:
        return next((d.rows for d in self.distributions if d.rows is not None), None)

    def title(self, language: str) -> str:
        return self.info.title["en" if language.startswith("en") else "it"]

    def description(self, language: str) -> str:
        return self.info.description["en" if language.startswith("en") else "it"]


@dataclass(frozen=True)
class Manifest:
    generated_at: datetime
    issued: date
    datasets: tuple[Dataset, ...]
    metadata: tuple[Distribution, ...] = field(default=())

    def files(self) -> Iterator[Distribution]:
        for dataset in self.datasets:
            yield from dataset.distributions
        yield from self.metadata

    def find(self, filename: str) -> Distribution | None:
        """The listed file called `filename`, or None: only these may be served."""
        return next((f for f in self.files() if f.filename == filename), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "version": MANIFEST_VERSION,
            "generated_at": self.generated_at.isoformat(),
            "issued": self.issued.isoformat(),
            "datasets": [
                {
                    "identifier": d.identifier,
                    "layout": d.info.layout,
                    "distributions": [x.as_json() for x in d.distributions],
                }
                for d in self.datasets
            ],
            "metadata": [x.as_json() for x in self.metadata],
        }


# --- Paths and URLs ---------------------------------------------------------------------------------------------


def default_directory() -> Path:
    return Path(settings.MEDIA_ROOT) / "opendata"


def catalogue_url() -> str:
    """The absolute URL of the catalogue page (SITE_ROOT + the mounted path)."""
    try:
        path = reverse("opendata:catalogue")
    except NoReverseMatch:
        path = DEFAULT_MOUNT
    return settings.SITE_ROOT.rstrip("/") + path


def download_url(filename: str) -> str:
    try:
        path = reverse("opendata:download", args=[filename])
    except NoReverseMatch:
        path = DEFAULT_MOUNT + quote(filename)
    return settings.SITE_ROOT.rstrip("/") + path


def contacts_url() -> str:
    try:
        path = reverse("core:contacts")
    except NoReverseMatch:
        path = "/contatti/"
    return settings.SITE_ROOT.rstrip("/") + path


# --- The manifest -----------------------------------------------------------------------------------------------


def read_manifest(directory: str | Path | None = None) -> Manifest | None:
    """The last export's manifest, or None if there is none (or it cannot be read)."""
    path = Path(directory or default_directory()) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        logger.warning("Unreadable open-data manifest %s: %s", path, error)
        return None
    try:
        issued = date.fromisoformat(data["issued"])
        datasets = tuple(
            Dataset(
                info=DATASETS_BY_LAYOUT[d["layout"]],
                distributions=tuple(Distribution.from_json(x) for x in d["distributions"]),
                issued=issued,
            )
            for d in data["datasets"]
            if d.get("layout") in DATASETS_BY_LAYOUT
        )
        return Manifest(
            generated_at=datetime.fromisoformat(data["generated_at"]),
            issued=issued,
            datasets=datasets,
            metadata=tuple(Distribution.from_json(x) for x in data.get("metadata", [])),
        )
    except (KeyError, TypeError, ValueError) as error:
        logger.warning("Malformed open-data manifest %s: %s", path, error)
        return None


# --- Writing files ----------------------------------------------------------------------------------------------


@contextmanager
def _atomic(path: Path) -> Iterator[IO[bytes]]:
    """A binary file that appears at `path` whole, or not at all."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)  # public files, readable by the web server
        os.replace(tmp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _describe(path: Path, *, fmt: str, media_type: str, rows: int | None, seconds: float) -> Distribution:
    return Distribution(
        filename=path.name,
        format=fmt,
        media_type=media_type,
        rows=rows,
        bytes=path.stat().st_size,
        sha256=_sha256(path),
        generated_at=timezone.now(),
        seconds=seconds,
    )


def _write_bytes(path: Path, content: bytes, media_type: str) -> Distribution:
    with _atomic(path) as out:
        out.write(content)
    return _describe(path, fmt=path.suffix.lstrip("."), media_type=media_type, rows=None, seconds=0.0)


@contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    """One export at a time in `directory` (a second one waits); stale temporary files are then removed."""
    with (directory / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            for leftover in directory.glob(TMP_PREFIX + "*"):
                with suppress(FileNotFoundError):
                    leftover.unlink()
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _parse_formats(formats: Iterable[str] | None) -> tuple[str, ...]:
    if formats is None:
        return exports.FORMATS
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in formats if f.strip()))
    unknown = [f for f in chosen if f not in exports.FORMATS]
    if unknown or not chosen:
        raise ValueError(f"Unknown format(s) {unknown or '(none)'}; choose among {', '.join(exports.FORMATS)}.")
    return chosen


def export_all(
    directory: str | Path | None = None, *, formats: Iterable[str] | None = None, on: date | None = None
) -> list[Dataset]:
    """Write the datasets (all formats, or `formats`), the DCAT-AP_IT catalogue and the manifest.

    Files of formats not asked for are kept from the previous export, if they are still there.
    """
    target = Path(directory or default_directory())
    target.mkdir(parents=True, exist_ok=True)
    chosen = _parse_formats(formats)
    with _exclusive(target):
        previous = read_manifest(target)
        kept = {f.filename: f for f in previous.files()} if previous else {}
        issued = previous.issued if previous else timezone.localdate()
        datasets = []
        for info in DATASETS:
            distributions = []
            for fmt in exports.FORMATS:
                path = target / info.filename(fmt)
                if fmt in chosen:
                    started = time.perf_counter()
                    with _atomic(path) as out:
                        rows = exports.write(info.layout, fmt, out, on=on)
                    distributions.append(
                        _describe(
                            path,
                            fmt=fmt,
                            media_type=exports.CONTENT_TYPES[fmt],
                            rows=rows,
                            seconds=time.perf_counter() - started,
                        )
                    )
                elif (old := kept.get(path.name)) and path.exists() and path.stat().st_size == old.bytes:
                    distributions.append(old)
            datasets.append(Dataset(info=info, distributions=tuple(distributions), issued=issued))

        manifest = Manifest(generated_at=timezone.now(), issued=issued, datasets=tuple(datasets))
        graph = catalogue_graph(manifest)
        metadata = (
            _write_bytes(target / CATALOGUE_TTL, to_turtle(graph).encode("utf-8"), METADATA_TYPES[CATALOGUE_TTL]),
            _write_bytes(target / CATALOGUE_JSONLD, to_jsonld(graph).encode("utf-8"), METADATA_TYPES[CATALOGUE_JSONLD]),
        )
        manifest = Manifest(
            generated_at=manifest.generated_at, issued=issued, datasets=manifest.datasets, metadata=metadata
        )
        content = json.dumps(manifest.as_json(), ensure_ascii=False, indent=2) + "\n"
        with _atomic(target / MANIFEST) as out:
            out.write(content.encode("utf-8"))
    return datasets


# --- DCAT-AP_IT: a small graph, two serialisations -------------------------------------------------------------

PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "dcatapit": "http://dati.gov.it/onto/dcatapit#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
    "cc": "http://creativecommons.org/ns#",
}


@dataclass(frozen=True)
class IRI:
    value: str


@dataclass(frozen=True)
class Literal:
    value: str
    language: str | None = None
    datatype: str | None = None  # a prefixed name, e.g. "xsd:date"


Term = IRI | Literal
Graph = list[tuple[str, list[tuple[str, Term]]]]  # (subject IRI, [(predicate prefixed name, object)])


def _expand(name: str) -> str:
    prefix, local = name.split(":", 1)
    return PREFIXES[prefix] + local


def _texts(values: dict[str, str]) -> list[Literal]:
    return [Literal(text, language=lang) for lang, text in values.items()]


def _local_datetime(moment: datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def catalogue_graph(manifest: Manifest) -> Graph:
    """The catalogue, its datasets and distributions, as DCAT-AP_IT (dcatapit classes alongside DCAT ones)."""
    home = catalogue_url()
    catalog = f"{home}#catalogo"
    publisher = f"{home}#{PUBLISHER_IPA_CODE}"
    contact = f"{home}#contatti"
    today = timezone.localdate(manifest.generated_at)
    issued = Literal(manifest.issued.isoformat(), datatype="xsd:date")
    modified = Literal(today.isoformat(), datatype="xsd:date")
    graph: Graph = []

    dataset_nodes = [f"{home}#{d.info.slug}" for d in manifest.datasets]
    graph.append(
        (
            catalog,
            [
                ("rdf:type", IRI(_expand("dcat:Catalog"))),
                ("rdf:type", IRI(_expand("dcatapit:Catalog"))),
                *[("dct:title", t) for t in _texts(CATALOGUE_TITLE)],
                *[("dct:description", t) for t in _texts(CATALOGUE_DESCRIPTION)],
                ("dct:publisher", IRI(publisher)),
                ("dct:issued", issued),
                ("dct:modified", modified),
                ("dct:language", IRI(ITALIAN)),
                ("foaf:homepage", IRI(home)),
                ("dcat:themeTaxonomy", IRI(EU + "data-theme")),
                *[("dcat:dataset", IRI(node)) for node in dataset_nodes],
            ],
        )
    )
    graph.append(
        (
            publisher,
            [
                ("rdf:type", IRI(_expand("foaf:Agent"))),
                ("rdf:type", IRI(_expand("dcatapit:Agent"))),
                ("foaf:name", Literal(PUBLISHER_NAME, language="it")),
                ("dct:identifier", Literal(PUBLISHER_IPA_CODE)),  # IPA code: to be confirmed (see above)
            ],
        )
    )
    contact_props: list[tuple[str, Term]] = [
        ("rdf:type", IRI(_expand("vcard:Organization"))),
        ("rdf:type", IRI(_expand("dcatapit:Organization"))),
        ("vcard:fn", Literal(CONTACT_NAME, language="it")),
        ("vcard:hasURL", IRI(contacts_url())),
    ]
    email = getattr(settings, "OPENDATA_CONTACT_EMAIL", "")
    if email:
        contact_props.append(("vcard:hasEmail", IRI(f"mailto:{email}")))
    graph.append((contact, contact_props))
    graph.append(
        (
            LICENCE_URL,
            [
                ("rdf:type", IRI(_expand("dct:LicenseDocument"))),
                ("rdf:type", IRI(_expand("dcatapit:LicenseDocument"))),
                ("dct:type", IRI("http://purl.org/adms/licencetype/Attribution")),
                *[("foaf:name", t) for t in _texts(LICENCE_NAME)],
            ],
        )
    )

    for dataset, node in zip(manifest.datasets, dataset_nodes, strict=True):
        info = dataset.info
        distribution_nodes = [f"{home}#{d.filename}" for d in dataset.distributions]
        graph.append(
            (
                node,
                [
                    ("rdf:type", IRI(_expand("dcat:Dataset"))),
                    ("rdf:type", IRI(_expand("dcatapit:Dataset"))),
                    ("dct:identifier", Literal(info.identifier)),
                    *[("dct:title", t) for t in _texts(info.title)],
                    *[("dct:description", t) for t in _texts(info.description)],
                    *[
                        ("dcat:keyword", Literal(word, language=lang))
                        for lang, words in info.keywords.items()
                        for word in words
                    ],
                    ("dcat:theme", IRI(THEME_SOCIETY)),
                    ("dct:publisher", IRI(publisher)),
                    ("dct:rightsHolder", IRI(publisher)),
                    ("dcat:contactPoint", IRI(contact)),
                    ("dct:accrualPeriodicity", IRI(DAILY)),
                    ("dct:language", IRI(ITALIAN)),
                    ("dct:issued", issued),
                    ("dct:modified", modified),
                    ("dcat:landingPage", IRI(home)),
                    ("cc:attributionName", Literal(ATTRIBUTION)),
                    *[("dcat:distribution", IRI(d)) for d in distribution_nodes],
                ],
            )
        )
        for distribution, dnode in zip(dataset.distributions, distribution_nodes, strict=True):
            fmt = distribution.format.upper()
            url = download_url(distribution.filename)
            checksum = f"{dnode}-sha256"
            graph.append(
                (
                    dnode,
                    [
                        ("rdf:type", IRI(_expand("dcat:Distribution"))),
                        ("rdf:type", IRI(_expand("dcatapit:Distribution"))),
                        *[("dct:title", Literal(f"{t} – {fmt}", language=lang)) for lang, t in info.title.items()],
                        ("dcat:accessURL", IRI(url)),
                        ("dcat:downloadURL", IRI(url)),
                        ("dct:format", IRI(FILE_TYPES[distribution.format])),
                        ("dcat:mediaType", IRI(IANA + distribution.media_type)),
                        ("dct:license", IRI(LICENCE_URL)),
                        ("dcat:byteSize", Literal(str(distribution.bytes), datatype="xsd:nonNegativeInteger")),
                        ("dct:modified", Literal(_local_datetime(distribution.generated_at), datatype="xsd:dateTime")),
                        ("spdx:checksum", IRI(checksum)),
                    ],
                )
            )
            graph.append(
                (
                    checksum,
                    [
                        ("rdf:type", IRI(_expand("spdx:Checksum"))),
                        ("spdx:algorithm", IRI(_expand("spdx:checksumAlgorithm_sha256"))),
                        ("spdx:checksumValue", Literal(distribution.sha256, datatype="xsd:hexBinary")),
                    ],
                )
            )
    return graph


# Turtle: characters an IRIREF may not hold are percent-encoded; literals escape quotes, backslashes and every
# control character, so no text (a name, a description) can end a string early.
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_LANGUAGE_TAG = re.compile(r"^[a-zA-Z]+(-[a-zA-Z0-9]+)*$")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _compact(value: str) -> str | None:
    """`prefix:local` for an IRI in one of PREFIXES with a plain local name, else None."""
    for prefix, namespace in PREFIXES.items():
        if value.startswith(namespace) and _LOCAL_NAME.match(value[len(namespace) :]):
            return f"{prefix}:{value[len(namespace) :]}"
    return None


def turtle_iri(value: str) -> str:
    return _compact(value) or "<" + _IRI_FORBIDDEN.sub(lambda m: quote(m.group(0), safe=""), value) + ">"


def turtle_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ECHAR:
            out.append(_ECHAR[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F or 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def turtle_term(term: Term) -> str:
    if isinstance(term, IRI):
        return turtle_iri(term.value)
    text = turtle_string(term.value)
    if term.language:
        if not _LANGUAGE_TAG.match(term.language):
            raise ValueError(f"Not a language tag: {term.language!r}")
        return f"{text}@{term.language}"
    if term.datatype:
        return f"{text}^^{term.datatype}"
    return text


def to_turtle(graph: Graph) -> str:
    lines = [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in PREFIXES.items()]
    for subject, properties in graph:
        lines.append("")
        grouped: dict[str, list[str]] = {}
        for predicate, obj in properties:
            grouped.setdefault("a" if predicate == "rdf:type" else predicate, []).append(turtle_term(obj))
        body = " ;\n".join(f"    {predicate} {', '.join(objects)}" for predicate, objects in grouped.items())
        lines.append(f"{turtle_iri(subject)}\n{body} .")
    return "\n".join(lines) + "\n"


def _jsonld_value(term: Term) -> Any:
    if isinstance(term, IRI):
        return {"@id": term.value}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype:
        return {"@value": term.value, "@type": term.datatype}
    return term.value


def to_jsonld(graph: Graph) -> str:
    context = {prefix: namespace for prefix, namespace in PREFIXES.items() if prefix != "rdf"}
    nodes = []
    for subject, properties in graph:
        node: dict[str, Any] = {"@id": subject}
        for predicate, obj in properties:
            if predicate == "rdf:type" and isinstance(obj, IRI):
                node.setdefault("@type", []).append(_compact(obj.value) or obj.value)
            else:
                node.setdefault(predicate, []).append(_jsonld_value(obj))
        nodes.append(node)
    return json.dumps({"@context": context, "@graph": nodes}, ensure_ascii=False, indent=2) + "\n"
