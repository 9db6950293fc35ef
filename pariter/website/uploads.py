"""Uploaded documents must be what their name says: a ".pdf" that is really a web page is refused.

Wagtail already limits extensions (WAGTAILDOCS_EXTENSIONS) and size (WAGTAILDOCS_MAX_UPLOAD_SIZE); this adds a
look at the first bytes. Images are checked by Wagtail itself (Willow opens them and refuses other formats).
Documents are always served as downloads with nosniff, so even a file that slipped through never runs here.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import IO

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

ZIP = b"PK\x03\x04"
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": (ZIP,),
    "xlsx": (ZIP,),
    "odt": (ZIP,),
    "ods": (ZIP,),
}
TEXT = {"csv", "txt"}


def check_document(name: str, head: bytes) -> None:
    """Raise ValidationError unless the first bytes of the file match its extension."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension in SIGNATURES:
        if not head.startswith(SIGNATURES[extension]):
            raise ValidationError(
                _("The file is not a real %(type)s document: its content does not match its name.")
                % {"type": extension.upper()}
            )
    elif extension in TEXT:
        try:
            text = head.decode("utf-8")
        except UnicodeDecodeError:
            text = head.decode("latin-1")
        if "\x00" in text or "<script" in text.lower() or "<html" in text.lower():
            raise ValidationError(_("A text or CSV file must contain plain text only."))


def _head(file: IO[bytes], size: int = 2048) -> bytes:
    position = file.tell()
    head = file.read(size)
    file.seek(position)
    return head


class DocumentForm(BaseDocumentForm):
    def clean_file(self) -> forms.FileField:
        file = self.cleaned_data["file"]
        if file and "file" in self.changed_data:
            check_document(file.name, _head(file))
        return file
