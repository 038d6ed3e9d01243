"""Uploaded files (evidence of progress, briefings, audit evidence): checked on the way in, served only as downloads.

A file's type is judged by its content, not by its name or the browser's
claim: a page renamed ``evidence.pdf`` is refused. Files are encrypted at rest
(``StoredFile.data``) and only ever sent with ``Content-Disposition:
attachment``, ``X-Content-Type-Options: nosniff`` and a sandboxing CSP, so an
upload can never run as a page in our origin. Who may download a file is the
owner's business: each feature's view finds the file through its owner (in
the partnership) and answers with ``stored_file_response``.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import HttpResponse
from django.utils.text import get_valid_filename

from partnership.models import Partnership, Person
from partnership.models.recommendations import StoredFile

MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_FIELD = "file"


@dataclass(frozen=True)
class FileKind:
    media_type: str
    extensions: tuple[str, ...]
    label: str


PDF = FileKind("application/pdf", (".pdf",), "PDF")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel")
PPTX = FileKind("application/vnd.openxmlformats-officedocument.presentationml.presentation", (".pptx",), "PowerPoint")
ODT = FileKind("application/vnd.oasis.opendocument.text", (".odt",), "OpenDocument text")
PNG = FileKind("image/png", (".png",), "PNG image")
JPEG = FileKind("image/jpeg", (".jpg", ".jpeg"), "JPEG image")
TEXT = FileKind("text/plain", (".txt",), "plain text")
CSV = FileKind("text/csv", (".csv",), "CSV")

ACCEPTED_KINDS: tuple[FileKind, ...] = (PDF, DOCX, XLSX, PPTX, ODT, PNG, JPEG, TEXT, CSV)
# For the file inputs' ``accept`` attribute and the hint beside them.
ACCEPT_ATTRIBUTE = ",".join(ext for kind in ACCEPTED_KINDS for ext in kind.extensions)
ACCEPTED_HINT = "PDF, Word, Excel, PowerPoint, OpenDocument text, PNG, JPEG, plain text or CSV, up to 10 MB"

# The part of an Office Open XML package that says which kind of document it is.
_OOXML_MAIN_PART = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}


def _sniff(data: bytes, extension: str) -> FileKind | None:
    """The kind the content shows, when it agrees with the name's extension; None otherwise."""
    if data.startswith(b"%PDF-"):
        kind = PDF
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif data.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif data.startswith(b"PK\x03\x04"):
        kind = _zip_kind(data)
    else:
        kind = _text_kind(data, extension)
    if kind is None or extension not in kind.extensions:
        return None
    return kind


def _zip_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            names = set(package.namelist())
            if "mimetype" in names and package.read("mimetype").strip() == ODT.media_type.encode():
                return ODT
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    return next((kind for part, kind in _OOXML_MAIN_PART.items() if part in names), None)


def _text_kind(data: bytes, extension: str) -> FileKind | None:
    """Plain text or CSV: UTF-8 without NULs, and nothing a browser would take for markup."""
    if b"\x00" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if text.lstrip()[:1] == "<":
        return None
    return CSV if extension == ".csv" else TEXT


def stored_file_check(upload: UploadedFile | None) -> tuple[bytes, FileKind, str]:
    """Read and check an upload: its bytes, its kind and a safe name. ``ValidationError`` on ``file`` otherwise."""
    if upload is None:
        raise ValidationError({FILE_FIELD: ["Choose a file to upload."]})
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise ValidationError({FILE_FIELD: ["The file must be 10 MB or smaller."]})
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValidationError({FILE_FIELD: ["The file must be 10 MB or smaller."]})
    if not data:
        raise ValidationError({FILE_FIELD: ["The file is empty."]})
    name = get_valid_filename((upload.name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1])[:200] or "file"
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = _sniff(data, extension)
    if kind is None:
        raise ValidationError({FILE_FIELD: [f"The file must be {ACCEPTED_HINT}, named with its usual extension."]})
    return data, kind, name


@transaction.atomic
def stored_file_add(
    *, partnership: Partnership, owner: models.Model, upload: UploadedFile | None, actor: Person | None
) -> StoredFile:
    """Keep an upload for ``owner`` (a row of ``partnership``), after checking its size and type."""
    if owner.partnership_id != partnership.pk:
        raise ValueError("A file belongs to a row of its own partnership.")
    data, kind, name = stored_file_check(upload)
    return StoredFile.objects.create(
        partnership=partnership,
        owner_type=ContentType.objects.get_for_model(owner),
        owner_id=owner.pk,
        name=name,
        media_type=kind.media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=actor,
    )


def stored_file_response(stored_file: StoredFile) -> HttpResponse:
    """A download of the file: never displayed inline, never sniffed, never able to script our origin."""
    response = HttpResponse(stored_file.data, content_type=stored_file.media_type)
    response["Content-Disposition"] = f'attachment; filename="{stored_file.name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
