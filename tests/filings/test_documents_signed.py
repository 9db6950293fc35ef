"""Signed uploads (CAdES .pdf.p7m): the envelope is opened, every signature verified, the PDF inside checked.

The envelopes are real CMS SignedData made here with `cryptography`, signed by self-made certificates that carry
the codice fiscale the way Italian qualified certificates do.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from pariter.filings import services
from pariter.filings.documents import inspect_upload
from pariter.filings.kinds import DocKind, Kind
from pariter.filings.models import FilingDocument, SignatureCheck
from tests.filings.conftest import make_pdf, make_signed, upload

pytestmark = pytest.mark.django_db

ANNA = "RRANNA80A41F205C"  # the legal representative of the draft below
OTHER = "BNCMRA75C12F205K"


@pytest.fixture
def draft(applicant, eve, sections):
    return services.filing_create(
        organisation=applicant,
        kind=Kind.REGISTRATION,
        actor=eve,
        section=sections["b"],
        representative_name="Anna Aurora",
        representative_tax_code=ANNA,
    )


def add(filing, eve, data, name="statuto.pdf.p7m"):
    return services.document_add(filing=filing, kind=DocKind.STATUTE, upload=upload(name, data), actor=eve)


@pytest.mark.parametrize("key_type", ["rsa", "pss", "ec"])
@pytest.mark.parametrize("encoding", ["der", "pem", "base64"])
def test_it_keeps_the_pdf_and_the_envelope_and_notes_who_signed(draft, eve, key_type, encoding):
    pdf = make_pdf()
    data = make_signed(pdf, key_type=key_type, encoding=encoding)
    document, warnings = add(draft, eve, data)
    assert warnings == []
    document.refresh_from_db()
    assert document.file.read() == pdf
    assert document.envelope.read() == data
    assert document.pdfa_part == "2"
    assert document.signature == SignatureCheck.REPRESENTATIVE
    assert document.signer_name == "Anna Aurora"
    assert document.signer_tax_code == ANNA
    assert ANNA not in document.signer_tax_code_token  # encrypted at rest
    assert abs(document.signed_at - datetime.now(tz=UTC)) < timedelta(hours=1)
    assert document.pdf_name == "statuto.pdf"


def test_an_envelope_is_recognised_by_its_bytes_whatever_its_name(draft, eve):
    document, _warnings = add(draft, eve, make_signed(), name="statuto.pdf")
    assert document.is_signed and document.envelope


def test_it_warns_but_keeps_a_file_signed_by_someone_else(draft, eve):
    document, warnings = add(draft, eve, make_signed(tax_code=OTHER, given_name="Mario", surname="Bianchi"))
    assert document.signature == SignatureCheck.OTHER_SIGNER
    assert document.signer_tax_code == OTHER
    assert "Mario Bianchi, who is not the legal representative" in warnings[0]


def test_the_register_s_legal_representative_counts_too(airc, airc_entity, eve):
    from pariter.registry.models import OfficeHolderRole

    airc_entity.office_holders.filter(role=OfficeHolderRole.LEGAL_REPRESENTATIVE).update(tax_code=ANNA)
    filing = services.filing_create(organisation=airc, kind=Kind.DEED_UPDATE, actor=eve)
    document, warnings = add(filing, eve, make_signed())
    assert (document.signature, warnings) == (SignatureCheck.REPRESENTATIVE, [])


def test_without_a_representative_s_codice_fiscale_it_says_so(applicant, eve, sections):
    filing = services.filing_create(organisation=applicant, kind=Kind.REGISTRATION, actor=eve, section=sections["b"])
    document, warnings = add(filing, eve, make_signed())
    assert document.signature == SignatureCheck.UNCOMPARED
    assert "give the legal representative's codice fiscale" in warnings[0]


def test_the_pdf_inside_gets_every_pdf_check(draft, eve):
    _document, warnings = add(draft, eve, make_signed(make_pdf(pdfa=False)))
    assert "is not PDF/A" in warnings[0]


def _tamper(data: bytes, inside: bytes, old: bytes, new: bytes) -> bytes:
    start = data.index(inside)
    part = data[start : start + len(inside)].replace(old, new, 1)
    assert part != inside
    return data[:start] + part + data[start + len(inside) :]


def _expired() -> bytes:
    return make_signed(valid_from=datetime.now(tz=UTC) - timedelta(days=800), valid_days=365)


def _bad_signature() -> bytes:
    data = make_signed()
    # The signature value is the envelope's last long OCTET STRING: spoil its last byte.
    return data[:-1] + bytes([data[-1] ^ 0xFF])


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: _tamper(make_signed(make_pdf()), make_pdf(), b"842", b"843"), "does not match its content"),
        (_bad_signature, "does not match its content"),
        (_expired, "was not valid on"),
        (lambda: make_signed(b"PK\x03\x04 a zip inside"), "not a PDF"),
        (lambda: make_signed(make_pdf(javascript=True)), "JavaScript"),
        (lambda: make_signed(detached=True), "detached signature"),
        (lambda: b"\x30\x82garbage that only looks like DER", "not a valid signed file"),
        (lambda: b"MIIB this is not base64 of anything!", "not a valid signed file"),
        (lambda: b"", "not a valid signed file"),
    ],
)
def test_it_refuses_a_bad_envelope_and_keeps_nothing(draft, eve, settings, make, reason):
    with pytest.raises(ValidationError) as error:
        add(draft, eve, make())
    assert reason in " ".join(error.value.messages)
    assert not FilingDocument.objects.exists()
    assert not list(settings.MEDIA_ROOT.rglob("*.p7m")) and not list(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_an_envelope_over_the_limit_is_refused_by_its_size(draft, eve, settings):
    settings.FILINGS_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(ValidationError, match="larger than"):
        add(draft, eve, make_signed())


def test_a_second_signer_s_envelope_around_the_first_is_opened_too():
    inner = make_signed(tax_code=OTHER, given_name="Mario", surname="Bianchi")
    report = inspect_upload(make_signed(inner), name="statuto.pdf.p7m.p7m")
    assert report.ok and report.content == make_pdf()
    assert [s.tax_code for s in report.signers] == [ANNA, OTHER]


def test_a_pdf_is_still_read_as_a_pdf():
    report = inspect_upload(make_pdf(), name="statuto.pdf")
    assert report.ok and not report.signed and report.signers == []


def test_a_damaged_envelope_is_refused_or_read_never_a_crash():
    """Every byte of a real envelope spoiled in turn: each answer is a verdict, never an exception."""
    data = make_signed(make_pdf())
    for position in range(0, len(data), 7):
        spoiled = data[:position] + bytes([data[position] ^ 0x5A]) + data[position + 1 :]
        report = inspect_upload(spoiled, name="statuto.pdf.p7m")
        assert report.ok or report.errors


NOTARY = "NTRNLT70A41F205Y"


@pytest.fixture
def notarial(oscar, sections, milano):
    """A notary's filing; the office recorded the notary's codice fiscale."""
    from datetime import date

    from tests.conftest import make_user

    make_user("nora@notariato.it", "Nora Notaia")
    nora = services.notary_enable(
        email="nora@notariato.it", full_name="Nora Notaia", tax_code=NOTARY, district="Milano", seat="Milano",
        actor=oscar, today=date(2026, 1, 1),
    )  # fmt: skip
    return services.notary_filing_create(
        notary=nora, name="Fondazione Nuova Luce ETS", tax_code="97000020152", municipality=milano,
        deed_received_on=date(2026, 3, 2), actor=nora.user, section=sections["g"], pec="luce@pec.it",
        representative_name="Luca Luce", representative_tax_code=ANNA, today=date(2026, 3, 3),
    )  # fmt: skip


def test_on_a_notary_s_filing_the_notary_s_signature_is_the_expected_one(notarial):
    nora = notarial.notary.user
    deed = make_signed(make_pdf(), tax_code=NOTARY, given_name="Nora", surname="Notaia")
    document, warnings = services.document_add(
        filing=notarial, kind=DocKind.NOTARIAL_DEED, upload=upload("atto.pdf.p7m", deed), actor=nora
    )
    assert warnings == [] and document.signature == SignatureCheck.NOTARY
    assert document.signer_tax_code == NOTARY
    stranger = make_signed(make_pdf(), tax_code=OTHER, given_name="Mario", surname="Bianchi")
    document, warnings = services.document_add(
        filing=notarial, kind=DocKind.STATUTE, upload=upload("statuto.pdf.p7m", stranger), actor=nora
    )
    assert document.signature == SignatureCheck.OTHER_SIGNER and "not the legal representative" in warnings[0]


def test_elsewhere_a_notary_s_signature_is_just_another_signer(draft, eve, notarial):
    data = make_signed(make_pdf(), tax_code=NOTARY, given_name="Nora", surname="Notaia")
    document, warnings = add(draft, eve, data)
    assert document.signature == SignatureCheck.OTHER_SIGNER and warnings
