"""A signed document on the pages: the entity uploads a .p7m, the officer sees who signed, everyone sees the PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pariter.filings import services
from pariter.filings.kinds import DocKind, Kind
from tests.filings.conftest import make_pdf, make_signed, upload

pytestmark = pytest.mark.django_db

OTHER = "BNCMRA75C12F205K"


@pytest.fixture
def filing(airc_entity, eve):
    return services.filing_create(
        organisation=airc_entity.organisation,
        kind=Kind.DEED_UPDATE,
        actor=eve,
        representative_name="Anna Aurora",
        representative_tax_code="RRANNA80A41F205C",
    )


@pytest.fixture
def envelope() -> bytes:
    return make_signed(tax_code=OTHER, given_name="Mario", surname="Bianchi")


@pytest.fixture
def signed(filing, eve, envelope):
    document, _warnings = services.document_add(
        filing=filing, kind=DocKind.STATUTE, upload=upload("statuto.pdf.p7m", envelope), actor=eve
    )
    return document


def test_the_entity_uploads_a_signed_file_and_is_warned_about_the_signer(as_eve, filing, envelope):
    response = as_eve.post(
        reverse("filings:portal_upload", args=[filing.pk]),
        {"kind": DocKind.STATUTE, "file": upload("statuto.pdf.p7m", envelope)},
        follow=True,
    )
    assert filing.documents.get().signer_name == "Mario Bianchi"
    assert "non è il legale rappresentante" in response.text or "not the legal representative" in response.text
    # The entity sees who signed, not the signer's codice fiscale.
    assert "Mario Bianchi" in response.text and OTHER not in response.text
    assert "EUTL" in response.text


def test_a_tampered_file_is_refused_on_the_page(as_eve, filing):
    data = make_signed()
    data = data[:-1] + bytes([data[-1] ^ 0xFF])
    response = as_eve.post(
        reverse("filings:portal_upload", args=[filing.pk]),
        {"kind": DocKind.STATUTE, "file": upload("statuto.pdf.p7m", data)},
    )
    assert response.status_code == 400
    assert not filing.documents.exists()


def test_the_officer_sees_signer_codice_fiscale_and_the_limits_of_the_check(as_oscar, filing, signed):
    response = as_oscar.get(reverse("filings:detail", args=[filing.pk]))
    assert "Mario Bianchi" in response.text and OTHER in response.text
    assert "EUTL" in response.text
    assert reverse("filings:document_signed", args=[filing.pk, signed.pk]) in response.text


def test_the_preview_shows_the_pdf_inside(as_oscar, filing, signed):
    response = as_oscar.get(reverse("filings:document", args=[filing.pk, signed.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'inline; filename="statuto.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == make_pdf()


def test_the_signed_original_is_downloaded_as_it_came(as_eve, filing, signed, envelope):
    response = as_eve.get(reverse("filings:document_signed", args=[filing.pk, signed.pk]))
    assert response["Content-Type"] == "application/pkcs7-mime"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == envelope


def test_an_unsigned_document_has_no_signed_original(as_eve, eve, filing):
    document, _warnings = services.document_add(filing=filing, kind=DocKind.STATUTE, upload=upload(), actor=eve)
    assert as_eve.get(reverse("filings:document_signed", args=[filing.pk, document.pk])).status_code == 404


def test_an_outsider_is_told_it_does_not_exist(as_charlie, filing, signed):
    assert as_charlie.get(reverse("filings:document_signed", args=[filing.pk, signed.pk])).status_code == 404
