"""Uploaded images and documents: type and size are checked, and documents are served as safe downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection

from pariter.website import editors

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def as_editor(site, oscar, as_oscar, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    editors.sync_groups(oscar)
    return as_oscar


def upload_document(client, name: str, content: bytes):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": Collection.get_first_root_node().pk},
    )


def png() -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_a_real_pdf_is_accepted_and_served_as_a_download(as_editor, client):
    response = upload_document(as_editor, "modulo.pdf", PDF)
    assert response.status_code == 302, response.content[:500]
    document = Document.objects.get()
    served = client.get(document.url)
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("modulo.pdf", b"<html><script>alert(1)</script></html>"),
        ("programma.exe", b"MZ\x90\x00"),
        ("pagina.html", b"<html></html>"),
        ("dati.csv", b"<script>alert(1)</script>"),
        ("statuto.docx", PDF),
    ],
)
def test_a_file_that_is_not_what_it_says_is_refused(as_editor, name, content):
    response = upload_document(as_editor, name, content)
    assert response.status_code == 200  # the form again, with its error
    assert not Document.objects.exists()


def test_an_oversized_document_is_refused(as_editor, settings):
    settings.WAGTAILDOCS_MAX_UPLOAD_SIZE = 100
    response = upload_document(as_editor, "grande.pdf", PDF + b"0" * 200)
    assert response.status_code == 200
    assert not Document.objects.exists()


def test_an_image_must_be_a_real_image_of_an_allowed_type(as_editor):
    root = Collection.get_first_root_node().pk
    fake = SimpleUploadedFile("foto.png", b"<svg onload=alert(1)>")
    response = as_editor.post(reverse("wagtailimages:add"), {"title": "Foto", "file": fake, "collection": root})
    assert response.status_code == 200 and not Image.objects.exists()
    svg = SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    response = as_editor.post(reverse("wagtailimages:add"), {"title": "Logo", "file": svg, "collection": root})
    assert response.status_code == 200 and not Image.objects.exists()
    real = SimpleUploadedFile("foto.png", png())
    response = as_editor.post(reverse("wagtailimages:add"), {"title": "Foto", "file": real, "collection": root})
    assert response.status_code == 302 and Image.objects.count() == 1
