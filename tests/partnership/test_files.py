"""Uploads: type judged by content, size and emptiness checked, stored encrypted, served only as a download."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from partnership.models import StoredFile
from partnership.selectors.files import stored_files_of
from partnership.services import files
from partnership.services.files import stored_file_add, stored_file_response
from tests.factories import AgencyFactory, PartnershipFactory

pytestmark = pytest.mark.django_db


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def owner():
    return AgencyFactory(partnership=PartnershipFactory())


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("evidence.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("minutes.docx", _docx(), files.DOCX.media_type),
        ("photo.PNG", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "image/png"),
        ("figures.csv", b"agency,count\nPolice,3\n", "text/csv"),
        ("note.txt", "Réunion notes".encode(), "text/plain"),
    ],
    ids=["pdf", "docx", "png", "csv", "txt"],  # stable ids: the test processes must collect the same tests
)
def test_accepted_files_are_kept_encrypted(owner, name, data, media_type):
    stored = stored_file_add(
        partnership=owner.partnership, owner=owner, upload=SimpleUploadedFile(name, data), actor=None
    )
    assert (stored.media_type, stored.size) == (media_type, len(data))
    assert StoredFile.objects.in_partnership(owner.partnership).get().data == data
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM partnership_storedfile WHERE id = %s", [stored.pk])
        raw = bytes(cursor.fetchone()[0])
    assert data not in raw  # at rest it is ciphertext
    assert [f.name for f in stored_files_of(partnership=owner.partnership, owner=owner)] == [stored.name]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>", "must be PDF"),
        ("page.txt", b"  <svg onload=alert(1)>", "must be PDF"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n", "must be PDF"),  # content and name disagree
        ("tool.exe", b"MZ\x90\x00", "must be PDF"),
        ("empty.pdf", b"", "empty"),
        ("big.pdf", b"%PDF-" + b"0" * files.MAX_FILE_BYTES, "10 MB"),
    ],
    ids=["html-as-pdf", "svg-as-text", "png-as-pdf", "exe", "empty", "too-large"],
)
def test_refused_files_say_why_on_the_field(owner, name, data, message):
    with pytest.raises(ValidationError) as refused:
        stored_file_add(partnership=owner.partnership, owner=owner, upload=SimpleUploadedFile(name, data), actor=None)
    assert message in refused.value.message_dict["file"][0]
    assert not StoredFile.objects.in_partnership(owner.partnership).exists()


def test_no_file_at_all_is_refused(owner):
    with pytest.raises(ValidationError, match="Choose a file"):
        stored_file_add(partnership=owner.partnership, owner=owner, upload=None, actor=None)


def test_a_file_cannot_hang_on_another_partnerships_row(owner):
    with pytest.raises(ValueError, match="own partnership"):
        stored_file_add(
            partnership=PartnershipFactory(), owner=owner, upload=SimpleUploadedFile("a.txt", b"x"), actor=None
        )


def test_download_is_an_attachment_that_cannot_run(owner):
    stored = stored_file_add(
        partnership=owner.partnership,
        owner=owner,
        upload=SimpleUploadedFile('../../we"ird name.txt', b"hello"),
        actor=None,
    )
    response = stored_file_response(stored)
    assert response.content == b"hello"
    assert response["Content-Disposition"] == f'attachment; filename="{stored.name}"'
    assert '"' not in stored.name
    assert "/" not in stored.name
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
