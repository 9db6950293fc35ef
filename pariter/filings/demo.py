"""Synthetic filings in every state on the demo register, for `make run` (development only).

Dates are set relative to today, so the workbench always shows overdue filings, filings due within a week and
filings with time to spare. Every filing goes through the real services, so the timelines, terms and acts are
exactly what the office would see.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef
from django.utils import timezone

from pariter.core.models import Organisation, User
from pariter.core.roles import Role
from pariter.filings import services
from pariter.filings.kinds import Action, DocKind, Kind
from pariter.filings.models import Filing
from pariter.registry.models import CancellationCause, Entity, EntityStatus, EntityVersion, Section

_XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
    b'xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"><pdfaid:part>2</pdfaid:part><pdfaid:conformance>B'
    b'</pdfaid:conformance></rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def sample_pdf(*, pdfa: bool = True) -> bytes:
    """A one-page PDF, declared PDF/A-2b in its XMP metadata when `pdfa`."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if pdfa:
        stream = DecodedStreamObject()
        stream.set_data(_XMP)
        stream[NameObject("/Type")] = NameObject("/Metadata")
        stream[NameObject("/Subtype")] = NameObject("/XML")
        writer._root_object[NameObject("/Metadata")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def sample_signed(pdf: bytes, *, given_name: str, surname: str, tax_code: str) -> bytes:
    """The PDF in a CAdES-like envelope (.p7m), signed by a self-made certificate that carries `TINIT-<tax_code>`.

    A demo stand-in for a qualified signature: it verifies like one, but no trusted provider issued it.
    """
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs7
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "IT"),
            x509.NameAttribute(NameOID.GIVEN_NAME, given_name),
            x509.NameAttribute(NameOID.SURNAME, surname),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, f"TINIT-{tax_code}"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{given_name} {surname} (demo)"),
        ]
    )
    now = datetime.now(tz=UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=400))
        .not_valid_after(now + timedelta(days=700))
        .sign(key, hashes.SHA256())
    )
    return (
        pkcs7.PKCS7SignatureBuilder()
        .set_data(pdf)
        .add_signer(certificate, key, hashes.SHA256())
        .sign(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


DEMO_NOTARY_EMAIL = "notaio@pariter.test"
DEMO_NOTARY_TAX_CODE = "NTRNLT70A41F205Y"  # a well-formed codice fiscale for the demo notary, not a real person's


@dataclass
class Result:
    filings: int = 0


class DemoError(Exception):
    pass


def _upload(kind: str, pdf: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{kind}.pdf", pdf, content_type="application/pdf")


def _attach(filing: Filing, kinds: list[str], actor: User, pdf: bytes) -> None:
    for kind in kinds:
        services.document_add(filing=filing, kind=kind, upload=_upload(kind, pdf), actor=actor)


def _officers() -> list[User]:
    officers = list(
        User.objects.filter(
            memberships__role__in=[Role.REGISTER_OFFICER, Role.ADMINISTRATOR],
            memberships__organisation__is_home_office=True,
        ).distinct()
    )
    if not officers:
        raise DemoError("Run seed_demo first: no register officer to assign filings to.")
    return officers


def _act(filing: Filing, action: str, actor: User, day: date, **kw: object) -> Filing:
    filing.refresh_from_db()
    return services.filing_act(filing=filing, action=action, actor=actor, version=filing.version, today=day, **kw)  # type: ignore[arg-type]


NEW_NAMES = [
    "Associazione Aurora APS",
    "Circolo Ricreativo Navigli APS",
    "Volontari del Parco Nord ODV",
    "Fondazione Quartiere Giambellino ETS",
    "Associazione Biblioteche Solidali APS",
    "Gruppo Cammino Insieme ODV",
    "Rete Doposcuola Lambrate APS",
    "Associazione Orti Condivisi ETS",
]


def _newcomers(how_many: int, municipality_id: int, rng: random.Random) -> list[Organisation]:
    """Synthetic associations of the directory that apply to the register (codice fiscale with a valid check digit)."""
    from stdnum import luhn

    from pariter.core import services as core_services
    from pariter.core.models import Municipality

    municipality = Municipality.objects.get(pk=municipality_id)
    created = []
    for n in range(how_many):
        base = f"{9_700_000 + rng.randint(0, 99_999):07d}015"
        tax_code = base + luhn.calc_check_digit(base)
        if Organisation.objects.filter(tax_code=tax_code).exists():
            continue
        name = f"{NEW_NAMES[n % len(NEW_NAMES)]} (demo {n + 1})"
        created.append(
            core_services.organisation_create(
                name=name,
                kind="third_sector",
                tax_code=tax_code,
                municipality=municipality,
                pec=f"demo{n + 1}@pec.example.it",
            )
        )
    return created


SETTLED_DAYS = 180  # the furthest back a demo procedure starts: a warning up to 170 days ago


def generate(*, count: int = 80, seed: int = 1) -> Result:
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    today = timezone.localdate()
    officers = _officers()
    representative = User.objects.filter(memberships__role=Role.ENTITY_REPRESENTATIVE).first() or officers[0]
    pdf, pdf_plain = sample_pdf(), sample_pdf(pdfa=False)
    sections = {s.letter: s for s in Section.objects.all()}
    # The procedures below take effect up to SETTLED_DAYS back, and a change of the entry cannot take effect before
    # its last change (registry.services.record_version): entities changed since then are left out.
    changed_lately = EntityVersion.objects.filter(
        entity=OuterRef("pk"), valid_from__gt=today - timedelta(days=SETTLED_DAYS)
    )
    entities = list(
        Entity.objects.filter(status=EntityStatus.REGISTERED, is_synthetic=True)
        .exclude(Exists(changed_lately))
        .select_related("organisation")
        .order_by("id")[: count * 2]
    )
    if not entities:
        raise DemoError("Run registry_demo first: the register is empty.")
    newcomers = _newcomers(max(count // 4, 4), entities[0].municipality_id, rng)
    result = Result()
    result.filings += _notary_filings(officers[0], pdf, entities[0].municipality_id, today)
    # The demo representative's own organisation gets a filing of each kind the portal offers.
    own = Entity.objects.filter(organisation__memberships__user=representative).first()
    if own is not None:
        entities.insert(0, own)
        filing = services.filing_create(
            organisation=own.organisation,
            kind=Kind.DEED_UPDATE,
            actor=representative,
            changed_on=today - timedelta(days=20),
            pec=own.pec or f"{own.tax_code}@pec.example.it",
            representative_name="Elena Rappresentante",
            representative_tax_code="RPPLNE80A41F205E",
            summary="Nomina del nuovo consiglio direttivo.",
        )
        _attach(filing, [DocKind.CHANGED_DEED], representative, pdf_plain)
        signed = sample_signed(pdf, given_name="Elena", surname="Rappresentante", tax_code="RPPLNE80A41F205E")
        services.document_add(
            filing=filing,
            kind=DocKind.APPROVAL_MINUTES,
            upload=SimpleUploadedFile("verbale.pdf.p7m", signed, content_type="application/pkcs7-mime"),
            actor=representative,
        )
        services.filing_submit(filing=filing, actor=representative, today=today - timedelta(days=12))
        _act(filing, Action.TAKE_CHARGE, officers[0], today - timedelta(days=10))
        _act(
            filing,
            Action.REQUEST_INTEGRATION,
            officers[0],
            today - timedelta(days=3),
            note="Manca il verbale di accettazione delle cariche del nuovo consiglio.",
            days=15,
        )
        result.filings += 1

    for organisation in newcomers:
        officer = rng.choice(officers)
        age = rng.randint(0, 70)
        filing = services.filing_create(
            organisation=organisation,
            kind=Kind.REGISTRATION,
            actor=representative,
            section=sections[rng.choice("abg")],
            pec=organisation.pec or f"{organisation.tax_code}@pec.example.it",
            representative_name="Maria Rossi",
        )
        _attach(
            filing, [DocKind.DEED_OF_INCORPORATION, DocKind.STATUTE], representative, rng.choice([pdf, pdf, pdf_plain])
        )
        submitted = today - timedelta(days=age)
        services.size_declaration_save(filing=filing, closed_years=0)  # newly constituted: no past years
        services.filing_submit(filing=filing, actor=representative, today=submitted)
        if age > 5:
            _act(filing, Action.TAKE_CHARGE, officer, submitted + timedelta(days=2))
        if age > 25 and rng.random() < 0.5:
            _act(
                filing,
                Action.REQUEST_INTEGRATION,
                officer,
                submitted + timedelta(days=20),
                note="Statuto non conforme all'art. 21 CTS: manca la clausola di devoluzione.",
                days=30,
            )
        result.filings += 1

    for index, entity in enumerate(entities[:count]):
        officer = rng.choice(officers)
        organisation = entity.organisation
        pec = entity.pec or organisation.pec or f"{entity.tax_code}@pec.example.it"
        choice = index % 6
        age = rng.randint(0, 50)
        submitted = today - timedelta(days=age)
        if choice == 0:
            model = "A" if entity.has_legal_personality else "D"
            filing = services.filing_create(
                organisation=organisation,
                kind=Kind.ANNUAL_ACCOUNTS,
                actor=representative,
                financial_year=today.year - 1,
                accounts_model=model,
                income=Decimal(rng.randint(5_000, 250_000)),
                pec=pec,
                representative_name="Giovanni Bianchi",
            )
            main = DocKind.CASH_STATEMENT if model == "D" else DocKind.ACCOUNTS
            _attach(filing, [main, DocKind.APPROVAL_MINUTES], representative, pdf)
            if model == "D":
                opening = Decimal(rng.randint(1_000, 50_000))
                receipts = filing.income or Decimal(0)
                payments = receipts - Decimal(rng.randint(-2_000, 4_000))
                services.cash_statement_save(
                    filing=filing,
                    opening_balance=opening,
                    receipts=receipts,
                    payments=payments,
                    closing_balance=opening + receipts - payments,
                )
            services.filing_submit(filing=filing, actor=representative, today=submitted)
        elif choice == 1:
            filing = services.filing_create(
                organisation=organisation,
                kind=Kind.DEED_UPDATE,
                actor=representative,
                changed_on=submitted - timedelta(days=rng.randint(3, 40)),
                pec=pec,
                representative_name="Giovanni Bianchi",
                summary="Modifica dello statuto: nuova sede legale.",
            )
            _attach(filing, [DocKind.CHANGED_DEED], representative, pdf)
            services.filing_submit(filing=filing, actor=representative, today=submitted)
            if age > 10:
                _act(filing, Action.TAKE_CHARGE, officer, submitted + timedelta(days=3))
        elif choice == 2:
            current = entity.section_periods.filter(valid_to__isnull=True).values_list("section__letter", flat=True)
            target = next(s for s in "bag" if s not in set(current))
            filing = services.filing_create(
                organisation=organisation,
                kind=Kind.MIGRATION,
                actor=representative,
                section=sections[target],
                pec=pec,
                representative_name="Giovanni Bianchi",
            )
            _attach(filing, [DocKind.STATUTE], representative, pdf)
            submitted = today - timedelta(days=rng.randint(40, 62))
            services.filing_submit(filing=filing, actor=representative, today=submitted)
            _act(filing, Action.TAKE_CHARGE, officer, submitted + timedelta(days=1))
            if rng.random() < 0.4:
                _act(
                    filing,
                    Action.NOTIFY_REFUSAL,
                    officer,
                    submitted + timedelta(days=30),
                    note="Le attività svolte non corrispondono alla sezione richiesta.",
                )
        elif choice == 3:
            filing = services.filing_open_by_office(
                entity=entity,
                kind=Kind.WARNING,
                actor=officer,
                summary=f"Non risulta depositato il bilancio {today.year - 2} (art. 48 c.3 CTS).",
                days=rng.choice([60, 90, 180]),
                today=today - timedelta(days=rng.randint(0, 170)),
            )
        elif choice == 4:
            filing = services.filing_open_by_office(
                entity=entity,
                kind=Kind.CANCELLATION,
                actor=officer,
                summary="Accertato il venir meno dei requisiti di iscrizione nella sezione.",
                cause=CancellationCause.REQUIREMENTS,
                today=today - timedelta(days=rng.randint(0, 45)),
            )
        else:
            filing = services.filing_create(
                organisation=organisation,
                kind=Kind.DEVOLUTION,
                actor=representative,
                pec=pec,
                representative_name="Giovanni Bianchi",
                summary="Scioglimento deliberato dall'assemblea: patrimonio residuo a ente della stessa sezione.",
            )
            _attach(filing, [DocKind.ASSETS_STATEMENT], representative, pdf)
            services.filing_submit(
                filing=filing, actor=representative, today=today - timedelta(days=rng.randint(0, 28))
            )
        result.filings += 1
    return result


def _notary_filings(officer: User, pdf: bytes, municipality_id: int, today: date) -> int:
    """The demo notary (DEMO_NOTARY_EMAIL), enabled by the office: a notarial registration submitted, one a draft."""
    from pariter.core.management.commands.seed_demo import DEMO_PASSWORD
    from pariter.core.models import Municipality

    user = User.objects.filter(email=DEMO_NOTARY_EMAIL).first() or User.objects.create_user(
        DEMO_NOTARY_EMAIL, DEMO_PASSWORD, full_name="Nicoletta Notaio"
    )
    notary = getattr(user, "notary", None) or services.notary_enable(
        email=DEMO_NOTARY_EMAIL,
        full_name="Nicoletta Notaio",
        tax_code=DEMO_NOTARY_TAX_CODE,
        district="Milano, Busto Arsizio, Lodi, Monza e Varese",
        seat="Milano",
        actor=officer,
        today=today - timedelta(days=365),
    )
    municipality = Municipality.objects.get(pk=municipality_id)
    sections = {s.letter: s for s in Section.objects.all()}
    # The notary signs the deed, recognised by their codice fiscale. The draft's statute is signed by someone who is
    # neither the notary nor the legal representative, so the warning shows too.
    deed = sample_signed(pdf, given_name="Nicoletta", surname="Notaio", tax_code=DEMO_NOTARY_TAX_CODE)
    stranger = sample_signed(pdf, given_name="Mario", surname="Bianchi", tax_code="BNCMRA75C12F205Q")
    created = 0
    for name, tax_code, received, submit in (
        ("Fondazione Nuova Luce ETS (demo)", "97990010155", today - timedelta(days=12), True),
        ("Associazione Ponte Lambro ETS (demo)", "97990020154", today - timedelta(days=4), False),
    ):
        if Organisation.objects.filter(tax_code=tax_code).exists():
            continue
        filing = services.notary_filing_create(
            notary=notary,
            name=name,
            tax_code=tax_code,
            municipality=municipality,
            deed_received_on=received,
            actor=user,
            section=sections["g"],
            pec=f"{tax_code}@pec.example.it",
            representative_name="Luca Luce",
            representative_tax_code="LCULCU80A01F205X",
            today=today,
        )
        services.document_add(
            filing=filing,
            kind=DocKind.NOTARIAL_DEED,
            upload=SimpleUploadedFile("atto-costitutivo.pdf.p7m", deed, content_type="application/pkcs7-mime"),
            actor=user,
        )
        if submit:
            _attach(filing, [DocKind.STATUTE], user, pdf)
            services.filing_submit(filing=filing, actor=user, today=today - timedelta(days=2))
        else:
            services.document_add(
                filing=filing,
                kind=DocKind.STATUTE,
                upload=SimpleUploadedFile("statuto.pdf.p7m", stranger, content_type="application/pkcs7-mime"),
                actor=user,
            )
        created += 1
    return created
