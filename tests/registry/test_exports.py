"""The register's open-data exports: two layouts, three formats, the DCAT-AP_IT catalogue and the manifest."""

from __future__ import annotations

import csv
import hashlib
import inspect
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from pariter.registry import exports, opendata, services
from pariter.registry.models import Entity, EntitySection, OfficeHolderRole, Section
from tests.registry.factories import register

HYPERLINK = '=HYPERLINK("http://evil.example/?x=1","clic")'

MINISTRY_HEADERS = [
    "Codice fiscale / Steuernummer",
    "Repertorio / Repertoire",
    "Denominazione / Bezeichnung",
    "Sezione (*) / Sektion",
    "Cognome e nome legali rapp. / Name und Vorname d. gesetzl. Vertreters",
    "Rete / Netzwerk",
    "Comune sede legale / Gemeinsame Rechtssitz",
    "Provincia sede legale / Provinz Rechtssitz",
    "5x 1000",
    "Data iscrizione / Anmeldedatum",
    "",
]

RICH_HEADERS = [
    "repertorio", "codice_fiscale", "partita_iva", "denominazione", "sezioni", "forma_giuridica", "comune",
    "codice_istat_comune", "provincia", "indirizzo", "cap", "pec", "sito_web", "data_costituzione",
    "personalita_giuridica", "cinque_per_mille", "rete_associativa", "data_iscrizione", "modalita_iscrizione",
    "rappresentanti_legali", "dato_sintetico",
]  # fmt: skip


@pytest.fixture
def sample(milano, sesto) -> dict[str, Entity]:
    ponte = register(
        "Associazione Il Ponte APS",
        milano,
        sections="b",
        registered_on=date(2022, 11, 7),
        in_network=True,
        five_per_thousand=True,
        pec="ponte@pec.it",
        website="https://ponte.example.org",
        address="Via Roma 1",
        postcode="20121",
        legal_form="Associazione riconosciuta",
        has_legal_personality=True,
        constituted_on=date(2010, 5, 4),
    )
    # A section it left and a representative no longer in office: neither is current.
    EntitySection.objects.create(
        entity=ponte, section=Section.objects.get(letter="a"), valid_from=date(2015, 1, 1), valid_to=date(2022, 11, 7)
    )
    services.office_holder_appoint(
        entity=ponte, role=OfficeHolderRole.LEGAL_REPRESENTATIVE, full_name="Giulia Verdi",
        tax_code="VRDGLI80A41F205X", starts_on=date(2022, 11, 7),
    )  # fmt: skip
    services.office_holder_appoint(
        entity=ponte, role=OfficeHolderRole.PRESIDENT, full_name="Carla Bianchi", starts_on=date(2022, 11, 7)
    )
    former = services.office_holder_appoint(
        entity=ponte, role=OfficeHolderRole.LEGAL_REPRESENTATIVE, full_name="Paolo Neri", starts_on=date(2022, 11, 8)
    )
    services.office_holder_end(holder=former, ends_on=date(2023, 6, 1))
    network = register("Rete Solidale Lombarda", sesto, sections="eg", registered_on=date(2023, 3, 1))
    network_only = register("Rete Sola", milano, sections="e", registered_on=date(2023, 4, 2))
    evil = register(HYPERLINK, milano, sections="g", registered_on=date(2024, 1, 15))
    services.office_holder_appoint(
        entity=evil, role=OfficeHolderRole.LEGAL_REPRESENTATIVE, full_name="@Mallory", starts_on=date(2024, 1, 15)
    )
    demo = register("Demo ETS", milano, sections="g", is_synthetic=True)
    cancelled = register("Ente Cancellato", milano)
    Entity.objects.filter(pk=cancelled.pk).update(status="cancelled", cancellation_cause="a")
    pending = register("Ente Senza Repertorio", milano)
    Entity.objects.filter(pk=pending.pk).update(repertory_number=None)
    return {
        "ponte": ponte, "network": network, "network_only": network_only, "evil": evil, "demo": demo,
        "cancelled": cancelled, "pending": pending,
    }  # fmt: skip


def _csv(layout: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(exports.csv_chunks(layout)), newline="")))


def _json(layout: str) -> list[dict]:
    return json.loads("".join(exports.json_chunks(layout)))


def _xlsx(layout: str) -> list[tuple]:
    buffer = io.BytesIO()
    exports.write_xlsx(layout, buffer)
    buffer.seek(0)
    workbook = load_workbook(buffer)
    return [tuple(c for c in row) for row in workbook.worksheets[0].iter_rows()]


# --- The Ministry's layout ----------------------------------------------------------------------------------------


def test_the_ministry_layout_has_its_eleven_headers_in_order(db):
    assert list(exports.MINISTRY_COLUMNS) == MINISTRY_HEADERS
    assert _csv("ministry") == [MINISTRY_HEADERS]
    header = _xlsx("ministry")[0]
    assert [c.value or "" for c in header] == MINISTRY_HEADERS


def test_the_ministry_layout_reads_like_the_national_file(sample):
    rows = {r[2]: r for r in _csv("ministry")[1:]}
    ponte = sample["ponte"]
    assert rows["Associazione Il Ponte APS"] == [
        ponte.tax_code,
        str(ponte.repertory_number),
        "Associazione Il Ponte APS",
        "ASSOCIAZIONI DI PROMOZIONE SOCIALE",
        "GIULIA VERDI",
        "Si",
        "MILANO",
        "MI",
        "Si",
        "07/11/2022",
        "",
    ]
    # A rete associativa shows "-", unless it also holds another section; the comune is upper case.
    assert rows["Rete Sola"][3] == "-"
    assert rows["Rete Solidale Lombarda"][3] == "ALTRI ENTI DEL TERZO SETTORE"
    assert rows["Rete Solidale Lombarda"][6:8] == ["SESTO SAN GIOVANNI", "MI"]
    assert rows["Rete Sola"][5] == "No" and rows["Rete Sola"][8] == "No" and rows["Rete Sola"][4] == ""
    assert all(len(r) == 11 for r in rows.values())


def test_rows_come_in_repertorio_order(sample):
    numbers = [int(r[1]) for r in _csv("ministry")[1:]]
    assert numbers == sorted(numbers) and len(numbers) == 5


# --- Only public entries; synthetic rows are marked ---------------------------------------------------------------


def test_only_public_entries_are_exported(sample):
    names = {r[2] for r in _csv("ministry")[1:]}
    assert names == {"Associazione Il Ponte APS", "Rete Solidale Lombarda", "Rete Sola", f"'{HYPERLINK}", "Demo ETS"}
    assert {r["denominazione"] for r in _json("rich")} >= {"Demo ETS"}
    assert not {"Ente Cancellato", "Ente Senza Repertorio"} & {r["denominazione"] for r in _json("rich")}


def test_synthetic_rows_are_flagged(sample):
    by_name = {r["denominazione"]: r for r in _json("rich")}
    assert by_name["Demo ETS"]["dato_sintetico"] is True
    assert by_name["Associazione Il Ponte APS"]["dato_sintetico"] is False
    csv_rows = _csv("rich")
    flag = csv_rows[0].index("dato_sintetico")
    assert {r[3]: r[flag] for r in csv_rows[1:]}["Demo ETS"] == "true"


# --- The rich layout --------------------------------------------------------------------------------------------


def test_the_rich_layout(sample):
    rows = _csv("rich")
    assert rows[0] == RICH_HEADERS
    record = dict(zip(RICH_HEADERS, next(r for r in rows if r[3] == "Associazione Il Ponte APS"), strict=True))
    assert record == {
        "repertorio": str(sample["ponte"].repertory_number),
        "codice_fiscale": sample["ponte"].tax_code,
        "partita_iva": "",
        "denominazione": "Associazione Il Ponte APS",
        "sezioni": "b",
        "forma_giuridica": "Associazione riconosciuta",
        "comune": "MILANO",
        "codice_istat_comune": "015146",
        "provincia": "MI",
        "indirizzo": "Via Roma 1",
        "cap": "20121",
        "pec": "ponte@pec.it",
        "sito_web": "https://ponte.example.org",
        "data_costituzione": "2010-05-04",
        "personalita_giuridica": "true",
        "cinque_per_mille": "true",
        "rete_associativa": "true",
        "data_iscrizione": "2022-11-07",
        "modalita_iscrizione": "ordinary",
        "rappresentanti_legali": "Giulia Verdi",
        "dato_sintetico": "false",
    }
    assert next(r for r in rows if r[3] == "Rete Solidale Lombarda")[4] == "e;g"


def test_no_personal_codice_fiscale_is_exported(sample):
    text = "".join(exports.csv_chunks("rich")) + "".join(exports.csv_chunks("ministry"))
    assert "VRDGLI80A41F205X" not in text
    assert "Paolo Neri" not in text.title() and "Carla Bianchi" not in text.title()  # former / not a legal rep


def test_the_rich_json_keeps_types(sample):
    record = next(r for r in _json("rich") if r["denominazione"] == "Rete Solidale Lombarda")
    assert record["repertorio"] == sample["network"].repertory_number
    assert record["sezioni"] == ["e", "g"]
    assert record["rappresentanti_legali"] == []
    assert record["data_iscrizione"] == "2023-03-01" and record["data_costituzione"] is None
    assert record["rete_associativa"] is False


# --- Formulas ---------------------------------------------------------------------------------------------------


def test_formulas_are_neutralised_in_csv(sample):
    ministry = next(r for r in _csv("ministry")[1:] if "HYPERLINK" in r[2])
    assert ministry[2] == f"'{HYPERLINK}"
    assert ministry[4] == "'@MALLORY"
    rich = next(r for r in _csv("rich")[1:] if "HYPERLINK" in r[3])
    assert rich[3] == f"'{HYPERLINK}" and rich[RICH_HEADERS.index("rappresentanti_legali")] == "'@Mallory"


def test_formulas_are_neutralised_in_xlsx(sample):
    for layout, column in (("ministry", 2), ("rich", 3)):
        cell = next(row[column] for row in _xlsx(layout)[1:] if "HYPERLINK" in str(row[column].value))
        assert cell.value == f"'{HYPERLINK}"
        assert cell.data_type == "s"  # text, not a formula


def test_json_keeps_the_raw_text(sample):
    assert HYPERLINK in {r["denominazione"] for r in _json("rich")}
    assert HYPERLINK in {r["denominazione"] for r in _json("ministry")}


# --- Formats ----------------------------------------------------------------------------------------------------


def test_the_json_exports_parse(sample):
    ministry = _json("ministry")
    assert len(ministry) == 5
    assert list(ministry[0]) == [
        "codice_fiscale", "repertorio", "denominazione", "sezione", "rappresentante", "rete", "comune", "provincia",
        "flag_5x1000", "data_iscrizione",
    ]  # fmt: skip
    rete = next(r for r in ministry if r["denominazione"] == "Rete Sola")
    assert rete["sezione"] == "-" and rete["rete"] == "No" and rete["data_iscrizione"] == "02/04/2023"
    assert len(_json("rich")) == 5


def test_an_empty_register_gives_valid_files(db):
    assert _json("rich") == [] and _json("ministry") == []
    assert _csv("rich") == [RICH_HEADERS]
    assert len(_xlsx("rich")) == 1


def test_the_xlsx_exports_open_with_openpyxl(sample):
    buffer = io.BytesIO()
    assert exports.write_xlsx("ministry", buffer) == 5
    buffer.seek(0)
    workbook = load_workbook(buffer)
    assert workbook.sheetnames == ["Foglio1"]
    rich = _xlsx("rich")
    assert [c.value for c in rich[0]] == RICH_HEADERS
    ponte = next(r for r in rich if r[3].value == "Associazione Il Ponte APS")
    assert ponte[RICH_HEADERS.index("codice_istat_comune")].value == "015146"  # text: the leading zero stays
    assert ponte[RICH_HEADERS.index("codice_fiscale")].data_type == "s"
    assert ponte[RICH_HEADERS.index("data_iscrizione")].value.date() == date(2022, 11, 7)
    assert ponte[RICH_HEADERS.index("cinque_per_mille")].value is True


def test_csv_is_rfc4180(milano):
    register('Associazione "Virgolette", e virgole', milano)
    text = "".join(exports.csv_chunks("ministry"))
    assert text.endswith("\r\n") and not text.startswith("\ufeff")
    assert '"Associazione ""Virgolette"", e virgole"' in text


# --- Streaming and flat memory ----------------------------------------------------------------------------------


def test_the_writers_are_generators_that_query_nothing_until_read(sample, django_assert_num_queries):
    with django_assert_num_queries(0):
        chunks = exports.csv_chunks("ministry")
        json_chunks = exports.json_chunks("rich")
    assert inspect.isgenerator(chunks) and inspect.isgenerator(json_chunks)


def test_the_csv_comes_in_chunks_with_a_constant_number_of_queries(sample, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    with CaptureQueriesContext(connection) as queries:
        chunks = list(exports.csv_chunks("rich"))
    # Header + 5 rows in chunks of 2: several pieces, never the whole file at once.
    assert len(chunks) == 3
    # Entities, their sections, their legal representatives: three queries, however many rows.
    assert len(queries) == 3


# --- export_all: files, manifest, catalogue ---------------------------------------------------------------------

DATA_FILES = {
    f"{slug}.{fmt}" for slug in ("runts-enti-iscritti", "runts-registro-enti") for fmt in ("csv", "xlsx", "json")
}


def test_export_all_writes_six_files_a_catalogue_and_a_manifest(sample, tmp_path):
    datasets = opendata.export_all(tmp_path)
    assert [d.info.layout for d in datasets] == ["ministry", "rich"]
    assert {f.name for f in tmp_path.iterdir() if not f.name.startswith(".")} == DATA_FILES | {
        "catalogo.ttl", "catalogo.jsonld", "manifest.json",
    }  # fmt: skip
    manifest = opendata.read_manifest(tmp_path)
    assert manifest is not None
    for entry in manifest.files():
        content = (tmp_path / entry.filename).read_bytes()
        assert entry.bytes == len(content)
        assert entry.sha256 == hashlib.sha256(content).hexdigest()
    assert {d.rows for d in manifest.datasets[0].distributions} == {5}
    raw = json.loads((tmp_path / "manifest.json").read_text())
    assert set(raw["datasets"][0]["distributions"][0]) >= {"filename", "rows", "bytes", "sha256", "generated_at"}


def test_a_failed_export_leaves_the_previous_files_whole(sample, tmp_path, monkeypatch):
    opendata.export_all(tmp_path)
    before = (tmp_path / "runts-registro-enti.json").read_bytes()
    manifest_before = (tmp_path / "manifest.json").read_bytes()

    def broken(layout, out, *, on=None):
        out.write(b"[{half")
        raise RuntimeError("disk full")

    monkeypatch.setitem(exports.WRITERS, "json", broken)
    with pytest.raises(RuntimeError):
        opendata.export_all(tmp_path)
    assert (tmp_path / "runts-registro-enti.json").read_bytes() == before
    assert (tmp_path / "manifest.json").read_bytes() == manifest_before
    assert not list(tmp_path.glob(".tmp-*"))


def test_an_export_of_some_formats_keeps_the_others(sample, tmp_path):
    opendata.export_all(tmp_path)
    opendata.export_all(tmp_path, formats=["csv"])
    manifest = opendata.read_manifest(tmp_path)
    assert {f.filename for d in manifest.datasets for f in d.distributions} == DATA_FILES
    with pytest.raises(ValueError):
        opendata.export_all(tmp_path, formats=["pdf"])


def test_the_manifest_is_read_defensively(tmp_path):
    assert opendata.read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text("{not json")
    assert opendata.read_manifest(tmp_path) is None
    (tmp_path / "manifest.json").write_text('{"version": 1}')
    assert opendata.read_manifest(tmp_path) is None


def test_the_turtle_catalogue(sample, tmp_path, settings):
    settings.SITE_ROOT = "https://pariter.example.it"
    opendata.export_all(tmp_path)
    ttl = (tmp_path / "catalogo.ttl").read_text()
    assert "@prefix dcat: <http://www.w3.org/ns/dcat#> ." in ttl
    assert ttl.count("a dcat:Catalog, dcatapit:Catalog") == 1
    assert ttl.count("a dcat:Dataset, dcatapit:Dataset") == 2
    assert ttl.count("a dcat:Distribution, dcatapit:Distribution") == 6
    assert "dct:license <https://creativecommons.org/licenses/by/4.0/>" in ttl
    assert '"Dati aperti di Pariter – Città metropolitana di Milano"@it' in ttl
    assert "dcat:downloadURL <https://pariter.example.it/dati-aperti/runts-enti-iscritti.csv>" in ttl
    assert "dct:format <http://publications.europa.eu/resource/authority/file-type/XLSX>" in ttl
    assert "dcat:theme <http://publications.europa.eu/resource/authority/data-theme/SOCI>" in ttl
    assert "dct:accrualPeriodicity <http://publications.europa.eu/resource/authority/frequency/DAILY>" in ttl
    assert 'dct:identifier "cmmi:runts-registro-enti"' in ttl
    size = (tmp_path / "runts-enti-iscritti.csv").stat().st_size
    assert f'dcat:byteSize "{size}"^^xsd:nonNegativeInteger' in ttl


def test_turtle_literals_and_iris_are_escaped():
    assert opendata.turtle_string('Il "Ponte"\\ \n\t\x01') == '"Il \\"Ponte\\"\\\\ \\n\\t\\u0001"'
    literal = opendata.Literal('a"b', language="it")
    assert opendata.turtle_term(literal) == '"a\\"b"@it'
    assert opendata.turtle_iri('https://x.example/a b>"c') == "<https://x.example/a%20b%3E%22c>"
    assert opendata.turtle_iri("http://www.w3.org/ns/dcat#Dataset") == "dcat:Dataset"
    with pytest.raises(ValueError):
        opendata.turtle_term(opendata.Literal("x", language="it> . <evil"))


def test_the_jsonld_catalogue(sample, tmp_path):
    opendata.export_all(tmp_path)
    document = json.loads((tmp_path / "catalogo.jsonld").read_text())
    assert {"dcat", "dct", "foaf", "vcard", "xsd"} <= set(document["@context"])
    nodes = document["@graph"]
    types = [t for node in nodes for t in node.get("@type", [])]
    assert types.count("dcat:Dataset") == 2 and types.count("dcat:Distribution") == 6
    catalog = next(n for n in nodes if "dcat:Catalog" in n["@type"])
    title = {"@value": "Dati aperti di Pariter – Città metropolitana di Milano", "@language": "it"}
    assert title in catalog["dct:title"]
    dataset = next(n for n in nodes if "dcat:Dataset" in n["@type"])
    assert dataset["dct:identifier"] in (["cmmi:runts-enti-iscritti"], ["cmmi:runts-registro-enti"])
    assert {"@id": "http://publications.europa.eu/resource/authority/data-theme/SOCI"} in dataset["dcat:theme"]
    distribution = next(n for n in nodes if "dcat:Distribution" in n["@type"])
    assert distribution["dct:license"] == [{"@id": "https://creativecommons.org/licenses/by/4.0/"}]


def test_the_ministry_xlsx_reads_back_with_the_ministry_file_reader(sample, tmp_path):
    """Whoever reads the national file can read ours: the register's own importer parses every row."""
    from pariter.registry import ministry

    assert tuple(MINISTRY_HEADERS[:10]) == ministry.HEADERS
    path = tmp_path / "enti.xlsx"
    with path.open("wb") as out:
        exports.write_xlsx("ministry", out)
    rows = ministry.read_sheet(path)
    _number, header = next(rows)
    columns = ministry.recognise_headers(header)
    labels = ministry.section_labels(Section.objects.values_list("letter", "opendata_label", "name"))
    parsed = {
        row.repertory_number: row
        for number, values in rows
        for row in [ministry.parse_row(values, row_number=number, columns=columns, labels=labels, today=date.today())]
    }
    ponte = parsed[sample["ponte"].repertory_number]
    assert (ponte.tax_code, ponte.section, ponte.in_network, ponte.five_per_thousand) == (
        sample["ponte"].tax_code, "b", True, True,
    )  # fmt: skip
    assert ponte.registered_on == date(2022, 11, 7) and ponte.municipality_name == "MILANO"
    assert parsed[sample["network_only"].repertory_number].section == "e"
    assert len(parsed) == 5
