"""The certificate as a PDF: WeasyPrint on an HTML page with the office's letterhead, and a QR to the check page."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterable

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe

from pariter.training.models import Certificate

# WeasyPrint reports every layout step at INFO: three hundred certificates would flood the worker's log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def qr_svg(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg: bytes = image.to_string()
    # Drop the XML declaration so the SVG can sit inline in HTML.
    return svg.decode().split("?>", 1)[-1]


def render_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML

    verify_url = settings.SITE_ROOT + certificate.get_verification_url()
    with translation.override("it"):
        html = render_to_string(
            "training/pdf/certificate.html",
            {
                "c": certificate,
                "verify_url": verify_url,
                "qr": mark_safe(qr_svg(verify_url)),  # our own SVG from a URL we built  # noqa: S308
                "sessions": certificate.sessions_text.splitlines(),
            },
        )
    pdf: bytes = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    return pdf


def filename(certificate: Certificate) -> str:
    return f"attestato-{certificate.year}-{certificate.number:05d}.pdf"


def write_zip(certificates: Iterable[Certificate], target: io.BufferedIOBase | str) -> int:
    count = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for certificate in certificates:
            archive.writestr(filename(certificate), render_pdf(certificate))
            count += 1
    return count
