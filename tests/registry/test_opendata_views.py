"""The open-data catalogue at /dati-aperti/: the page, the downloads and the DCAT-AP_IT metadata."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from pariter.registry import opendata
from tests.registry.factories import register

pytestmark = pytest.mark.urls("tests.registry.opendata_urls")

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "opendata"


@pytest.fixture
def exported(media, milano) -> Path:
    register("Associazione Il Ponte APS", milano, registered_on=date(2022, 11, 7))
    register("Demo ETS", milano, sections="g", is_synthetic=True)
    opendata.export_all(media)
    return media


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- The page ---------------------------------------------------------------------------------------------------


def test_without_an_export_the_page_says_so(client, media, db):
    response = client.get(reverse("opendata:catalogue"), **EN)
    assert response.status_code == 200
    html = response.text
    assert "No files yet" in html
    assert "registry_export" not in html  # the hint is for office staff only
    assert html.count("<h1") == 1


def test_without_an_export_officers_are_told_what_to_run(as_oscar, media):
    html = as_oscar.get(reverse("opendata:catalogue"), **EN).text
    assert "manage.py registry_export" in html


def test_the_page_lists_datasets_and_files(client, exported):
    response = client.get(reverse("opendata:catalogue"), **EN)
    assert response.status_code == 200
    html = response.text
    assert html.count("<h1") == 1
    assert "Entities in the RUNTS in the Metropolitan City of Milan (Ministry layout)" in html
    for name in ("runts-enti-iscritti.csv", "runts-enti-iscritti.xlsx", "runts-registro-enti.json"):
        assert reverse("opendata:download", args=[name]) in html
    assert "CC BY 4.0" in html and "https://creativecommons.org/licenses/by/4.0/" in html
    assert "Città metropolitana di Milano – Pariter" in html
    assert "<caption>" in html and 'scope="col"' in html
    assert reverse("opendata:catalogue_ttl") in html and reverse("opendata:catalogue_jsonld") in html


def test_the_page_only_answers_reads(client, media, db):
    assert client.post(reverse("opendata:catalogue")).status_code == 405


# --- Downloads --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("runts-enti-iscritti.csv", "text/csv; charset=utf-8"),
        ("runts-registro-enti.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("runts-registro-enti.json", "application/json"),
    ],
)
def test_files_download_as_attachments(client, exported, filename, content_type):
    response = client.get(reverse("opendata:download", args=[filename]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _body(response) == (exported / filename).read_bytes()


def test_the_csv_download_is_the_ministry_layout(client, exported):
    text = _body(client.get(reverse("opendata:download", args=["runts-enti-iscritti.csv"]))).decode()
    assert text.startswith("Codice fiscale / Steuernummer,Repertorio / Repertoire,")


def test_an_unchanged_file_answers_304(client, exported):
    url = reverse("opendata:download", args=["runts-enti-iscritti.json"])
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("filename", ["nope.csv", "manifest.json", ".lock", "..", "runts-enti-iscritti.pdf"])
def test_unknown_names_answer_404(client, exported, filename):
    assert client.get(reverse("opendata:download", args=[filename])).status_code == 404


def test_a_file_not_in_the_manifest_is_never_served(client, exported):
    (exported / "secret.csv").write_text("x")
    assert client.get(reverse("opendata:download", args=["secret.csv"])).status_code == 404


@pytest.mark.parametrize("path", ["../manifest.json", "..%2Fmanifest.json", "%2e%2e/settings.py", "a/b.csv"])
def test_paths_out_of_the_directory_answer_404(client, exported, path):
    assert client.get(f"/dati-aperti/{path}").status_code == 404


def test_a_listed_file_that_vanished_answers_404(client, exported):
    (exported / "runts-enti-iscritti.csv").unlink()
    assert client.get(reverse("opendata:download", args=["runts-enti-iscritti.csv"])).status_code == 404


def test_without_an_export_nothing_is_served(client, media, db):
    assert client.get(reverse("opendata:download", args=["runts-enti-iscritti.csv"])).status_code == 404
    assert client.get(reverse("opendata:catalogue_ttl")).status_code == 404
    assert client.get(reverse("opendata:catalogue_jsonld")).status_code == 404


# --- Metadata ---------------------------------------------------------------------------------------------------


def test_the_catalogue_in_turtle(client, exported):
    response = client.get(reverse("opendata:catalogue_ttl"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/turtle; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "attachment" not in response.get("Content-Disposition", "")
    ttl = _body(response).decode()
    assert "dct:license <https://creativecommons.org/licenses/by/4.0/>" in ttl
    assert ttl.count("a dcat:Distribution") == 6


def test_the_catalogue_in_jsonld(client, exported):
    response = client.get(reverse("opendata:catalogue_jsonld"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(_body(response))
    assert "@context" in document and "dcat" in document["@context"]
