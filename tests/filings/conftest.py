"""Fixtures of the filings tests: PDFs of every kind, eve's entity in the register, and filings in each state."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, TextStringObject

from pariter.core.models import Organisation
from pariter.filings import services
from pariter.filings.kinds import DocKind, Kind
from pariter.filings.models import Filing
from pariter.registry.models import Entity, Section
from tests.registry.factories import ensure_reference_data, register

XMP = b"""<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"""


def make_pdf(*, pdfa: bool = True, javascript: bool = False, password: str = "") -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if pdfa:
        stream = DecodedStreamObject()
        stream.set_data(XMP)
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    if javascript:
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")}
        )
        writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def _signing_key(kind: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    """One key per kind for the whole run: making RSA keys is slow, and the certificates differ anyway."""
    return ec.generate_private_key(ec.SECP256R1()) if kind == "ec" else rsa.generate_private_key(65537, 2048)


def make_signed(
    content: bytes | None = None,
    *,
    tax_code: str = "RRANNA80A41F205C",
    given_name: str = "Anna",
    surname: str = "Aurora",
    key_type: str = "rsa",
    encoding: str = "der",
    valid_from: datetime | None = None,
    valid_days: int = 365,
    detached: bool = False,
) -> bytes:
    """A CAdES-like envelope (CMS SignedData with signed attributes) of a PDF, signed by a self-made certificate.

    Like an Italian qualified certificate, the subject carries the codice fiscale as serialNumber "TINIT-<CF>".
    key_type: "rsa" (PKCS#1 v1.5), "pss" (RSASSA-PSS) or "ec" (ECDSA P-256); encoding: "der", "pem" or "base64".
    """
    key = _signing_key("ec" if key_type == "ec" else "rsa")
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
            x509.NameAttribute(NameOID.GIVEN_NAME, given_name),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINIT-{tax_code}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{given_name} {surname}"),
        ]
    )
    start = valid_from or datetime.now(tz=UTC) - timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=valid_days))
        .sign(key, hashes.SHA256())
    )
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    options = [pkcs7.PKCS7Options.Binary] + ([pkcs7.PKCS7Options.DetachedSignature] if detached else [])
    der = (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(make_pdf() if content is None else content)
        .add_signer(certificate, key, hashes.SHA256(), rsa_padding=pss if key_type == "pss" else None)
        .sign(serialization.Encoding.DER, options)
    )
    if encoding == "pem":
        return b"-----BEGIN PKCS7-----\n" + base64.encodebytes(der) + b"-----END PKCS7-----\n"
    return base64.encodebytes(der) if encoding == "base64" else der


def upload(name: str = "statuto.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf() if data is None else data, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def sections(db) -> dict[str, Section]:  # type: ignore[no-untyped-def]
    ensure_reference_data()
    return {s.letter: s for s in Section.objects.all()}


@pytest.fixture
def airc_entity(airc: Organisation, sections) -> Entity:  # type: ignore[no-untyped-def]
    """Eve's entity, in the register since 2023 (section g)."""
    airc.pec = "airc@pec.it"
    airc.save(update_fields=["pec"])
    entity = register(airc.name, airc.municipality, sections="g", tax_code=airc.tax_code, pec="airc@pec.it")
    from pariter.registry import services as registry_services
    from pariter.registry.models import OfficeHolderRole

    registry_services.office_holder_appoint(
        entity=entity,
        role=OfficeHolderRole.LEGAL_REPRESENTATIVE,
        full_name="Eve Rappresentante",
        starts_on=date(2023, 3, 1),
    )
    return entity


@pytest.fixture
def applicant(milano, sections) -> Organisation:  # type: ignore[no-untyped-def]
    """A new association that is not in the register yet."""
    return Organisation.objects.create(
        name="Associazione Nuova Aurora APS",
        kind="third_sector",
        tax_code="97000010153",
        municipality=milano,
        pec="aurora@pec.it",
    )


def submitted_registration(
    applicant, user, sections, *, on=date(2026, 3, 2), kind=Kind.REGISTRATION, **fields
) -> Filing:  # type: ignore[no-untyped-def]
    """A registration with its documents, submitted `on`; `fields` go to the draft (standard_statute, …)."""
    filing = services.filing_create(
        organisation=applicant,
        kind=kind,
        actor=user,
        section=sections["b"],
        representative_name="Anna Aurora",
        representative_tax_code="RRANNA80A41F205C",
        **fields,
    )
    needed = {
        Kind.REGISTRATION: [DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE],
        Kind.AFTER_NOTARY_REFUSAL: [DocKind.NOTARY_REFUSAL, DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE],
        Kind.NOTARIAL_REGISTRATION: [DocKind.NOTARIAL_DEED, DocKind.STATUTE],
    }[kind]
    for doc in needed:
        services.document_add(filing=filing, kind=doc, upload=upload(f"{doc}.pdf"), actor=user)
    if kind in services.ANTIMAFIA_KINDS:
        services.size_declaration_save(filing=filing, closed_years=0)  # newly constituted: no antimafia check
    return services.filing_submit(filing=filing, actor=user, today=on)


@pytest.fixture(autouse=True)
def _run_after_commit_at_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Tests run inside a transaction that never commits: run on_commit work (acts, receipts) straight away."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture
def as_eve(eve):  # type: ignore[no-untyped-def]
    from tests.conftest import signed_in

    return signed_in(eve)


@pytest.fixture(autouse=True)
def _english_messages() -> Iterator[None]:
    """Services speak the active language; the tests read their messages in English (pages set their own)."""
    from django.utils import translation

    with translation.override("en"):
        yield
