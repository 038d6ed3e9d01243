"""Uploaded files of a row (see ``partnership.services.files``)."""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import BinaryField, F, Func, Value

from partnership.encryption import STORED_PIECE, decrypt_bytes_pieces
from partnership.models import Partnership
from partnership.models.recommendations import StoredFile

# How much of an encrypted column one query reads: 16 pieces, about a MiB (a 10 MB file is ten queries).
READ_WINDOW = 16 * STORED_PIECE


def encrypted_column_pieces(*, row: models.QuerySet, column: str) -> Iterator[bytes]:
    """One row's encrypted binary column (``row`` filtered to it, with its partnership named), decrypted 64 KiB at
    a time from slices read about a MiB at a time: a streamed download never holds the file in the web worker.

    The partnership is in ``row`` because the request's database scope may be gone by the time a streamed
    response is sent. Empty for an empty or missing value.
    """
    window = {"start": 0, "data": b""}

    def read_slice(offset: int, length: int) -> bytes:
        value = (
            row.annotate(
                stored_slice=Func(
                    F(column), Value(offset + 1), Value(length), function="SUBSTR", output_field=BinaryField()
                )
            )
            .order_by()
            .values_list("stored_slice", flat=True)
            .first()
        )
        return bytes(value or b"")  # PostgreSQL gives a memoryview

    def read(offset: int, length: int) -> bytes:
        start, data = window["start"], window["data"]
        if not (start <= offset and offset + length <= start + len(data)):
            data = read_slice(offset, max(length, READ_WINDOW))
            window["start"], window["data"] = offset, data
            start = offset
        return data[offset - start : offset - start + length]

    if not read(0, 1):
        return iter(())
    return decrypt_bytes_pieces(read)


def stored_files_of(*, partnership: Partnership, owner: models.Model) -> models.QuerySet[StoredFile]:
    """The files of one owner, without their contents (lists never decrypt what they do not show)."""
    return (
        StoredFile.objects.in_partnership(partnership)
        .filter(owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk)
        .defer("data")
    )
