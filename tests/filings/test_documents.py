"""Uploads are read by their bytes: every bad file is refused with its reason, and nothing is stored."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pariter.filings import services
from pariter.filings.documents import inspect_pdf, required_documents
from pariter.filings.kinds import DocKind, Kind
from pariter.filings.models import FilingDocument
from tests.filings.conftest import make_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(applicant, eve, sections):
    return services.filing_create(organisation=applicant, kind=Kind.REGISTRATION, actor=eve, section=sections["b"])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 a zip renamed", "not a PDF"),
        (b"%PDF-1.7 nothing else", "damaged"),
        (make_pdf(javascript=True), "JavaScript"),
        (make_pdf(password="secret"), "encrypted"),
    ],
)
def test_it_refuses_what_is_not_a_clean_pdf(draft, eve, data, reason):
    with pytest.raises(ValidationError) as error:
        services.document_add(filing=draft, kind=DocKind.STATUTE, upload=upload("statuto.pdf", data), actor=eve)
    assert reason in " ".join(error.value.messages)
    assert not FilingDocument.objects.exists()


def test_it_refuses_a_file_over_the_limit_by_its_size(draft, eve, settings):
    settings.FILINGS_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError, match="larger than"):
        services.document_add(
            filing=draft, kind=DocKind.STATUTE, upload=upload(data=make_pdf() + b" " * 2048), actor=eve
        )


def test_it_keeps_a_pdf_that_is_not_pdf_a_with_a_warning(draft, eve):
    document, warnings = services.document_add(
        filing=draft, kind=DocKind.STATUTE, upload=upload(data=make_pdf(pdfa=False)), actor=eve
    )
    assert document.pdfa_part == "" and "PDF/A" in warnings[0]
    document, warnings = services.document_add(filing=draft, kind=DocKind.STATUTE, upload=upload(), actor=eve)
    assert document.pdfa_part == "2" and warnings == []
    assert len(document.sha256) == 64


def test_inspection_of_the_pdf_a_declaration():
    assert inspect_pdf(make_pdf()).pdfa_part == "2"
    assert inspect_pdf(make_pdf(pdfa=False)).pdfa_part == ""


def test_required_documents_follow_the_accounts():
    assert required_documents(Kind.ANNUAL_ACCOUNTS, accounts_model="D") == ["cash_statement", "minutes"]
    assert required_documents(Kind.ANNUAL_ACCOUNTS, accounts_model="A", income=2_000_000, fundraising=True) == [
        "accounts",
        "minutes",
        "social_report",
        "fundraising",
    ]
