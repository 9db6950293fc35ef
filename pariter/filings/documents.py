"""Checks on what an entity uploads, before anything is submitted.

The national platform's most common integration requests are for formal defects: files that are not PDF,
not PDF/A, or missing. Each upload is read here, by its bytes rather than its name, and every problem found
is reported at once.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from pariter.filings import cades, deadlines
from pariter.filings.kinds import SPECS, DocKind, Kind

# Names that start JavaScript in a PDF: an action's /JS or /S /JavaScript, or a document-level name tree.
_JS_RAW = re.compile(rb"/(?:JavaScript|JS)(?=[\s/<(\[\]>])")
_PDFAID = re.compile(rb"pdfaid:part\s*(?:=\s*[\"']|>)\s*([1-4])")
_MAX_OBJECTS = 50_000


@dataclass
class PdfReport:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    pdfa_part: str = ""
    sha256: str = ""
    # The PDF itself: the upload, or what a signed envelope (.p7m) carries; and who signed it, if anyone.
    content: bytes = b""
    signed: bool = False
    signers: list[cades.Signer] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def max_upload_bytes() -> int:
    return int(getattr(settings, "FILINGS_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def _has_javascript(node: Any, seen: set[int], budget: list[int]) -> bool:
    if budget[0] <= 0:
        return False
    budget[0] -= 1
    if isinstance(node, IndirectObject):
        if node.idnum in seen:
            return False
        seen.add(node.idnum)
        try:
            node = node.get_object()
        except Exception:  # noqa: BLE001 - a broken reference is not JavaScript
            return False
    if isinstance(node, DictionaryObject):
        if "/JS" in node or node.get("/S") == "/JavaScript" or "/JavaScript" in node:
            return True
        return any(_has_javascript(v, seen, budget) for k, v in node.items() if k not in ("/Parent", "/P"))
    if isinstance(node, ArrayObject):
        return any(_has_javascript(v, seen, budget) for v in node)
    return False


def _too_large(data: bytes, label: str) -> str:
    if len(data) <= max_upload_bytes():
        return ""
    return _("%(name)s is larger than %(limit)d MB: split it or reduce its resolution.") % {
        "name": label,
        "limit": max_upload_bytes() // (1024 * 1024),
    }


def inspect_upload(data: bytes, *, name: str = "") -> PdfReport:
    """Read an upload: a PDF, or a CAdES envelope (.p7m) whose signatures are verified and whose PDF is read."""
    label = name or _("the file")
    # An envelope carries the PDF's bytes, header included, within its first kilobyte: look for one first.
    if cades.signed_data(data) is None and not name.lower().endswith(".p7m"):
        return inspect_pdf(data, name=name)
    if problem := _too_large(data, label):
        return PdfReport(errors=[problem], signed=True)
    envelope = cades.open_envelope(data, name=label)
    if not envelope.ok:
        return PdfReport(errors=envelope.errors, signed=True)
    report = inspect_pdf(envelope.content, name=label)
    report.signed, report.signers = True, envelope.signers
    return report


def inspect_pdf(data: bytes, *, name: str = "") -> PdfReport:
    """Read an upload as a PDF: refuse what is not one, is encrypted or carries JavaScript; warn if not PDF/A."""
    report = PdfReport(sha256=hashlib.sha256(data).hexdigest(), content=data)
    label = name or _("the file")
    if problem := _too_large(data, label):
        report.errors.append(problem)
        return report
    # A PDF starts with its header within the first kilobyte (ISO 32000-1, 7.5.2); the name proves nothing.
    if b"%PDF-" not in data[:1024]:
        report.errors.append(_("%(name)s is not a PDF, whatever its name says.") % {"name": label})
        return report
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            report.errors.append(
                _("%(name)s is encrypted or password-protected: upload it without protection.") % {"name": label}
            )
            return report
        pages = len(reader.pages)
        root = reader.trailer["/Root"]
    except (PdfReadError, KeyError, ValueError, TypeError, OSError):
        report.errors.append(_("%(name)s is damaged and cannot be read as a PDF.") % {"name": label})
        return report
    if pages == 0:
        report.errors.append(_("%(name)s has no pages.") % {"name": label})
    if _JS_RAW.search(data) or _has_javascript(root, set(), [_MAX_OBJECTS]):
        report.errors.append(
            _("%(name)s contains JavaScript, which deposited documents may not carry: print it again as PDF/A.")
            % {"name": label}
        )
    report.pdfa_part = _pdfa_part(root)
    if not report.pdfa_part:
        report.warnings.append(
            _("%(name)s is not PDF/A: the register keeps PDF/A, so please convert it before submitting.")
            % {"name": label}
        )
    return report


def _pdfa_part(root: Any) -> str:
    """The PDF/A part declared in the XMP metadata (ISO 19005: pdfaid:part), or ''."""
    try:
        metadata = root.get("/Metadata")
        if metadata is None:
            return ""
        xmp = metadata.get_object().get_data()
    except Exception:  # noqa: BLE001 - unreadable metadata means no declaration
        return ""
    match = _PDFAID.search(xmp)
    return match.group(1).decode() if match else ""


def required_documents(
    kind: str, *, accounts_model: str = "", income: Decimal | None = None, fundraising: bool = False
) -> list[str]:
    """The documents a filing of this type must carry (DM 106/2020 art. 8 c.5, art. 20; CTS artt. 13-14, 48)."""
    required = [str(k) for k in SPECS[kind].required_documents]
    if kind == Kind.ANNUAL_ACCOUNTS:
        required.insert(0, DocKind.CASH_STATEMENT if accounts_model == "D" else DocKind.ACCOUNTS)
        if income is not None and deadlines.social_report_required(income=income):
            required.append(DocKind.SOCIAL_REPORT)
        if fundraising:
            required.append(DocKind.FUNDRAISING_REPORT)
    return required


def cash_statement_difference(*, opening: Decimal, receipts: Decimal, payments: Decimal, closing: Decimal) -> Decimal:
    """Closing balance minus (opening balance + receipts - payments): zero when model D adds up."""
    return closing - (opening + receipts - payments)
