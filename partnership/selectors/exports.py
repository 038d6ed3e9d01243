"""Reads of exports built by the worker (``partnership.services.exports``) and of their files.

A job is open to its requester and to whom its kind shares it with
(``partnership.exports.export_open_to``); a job of another partnership, a
missing one and one the member may not open all raise ``Http404``: the member
cannot tell them apart.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import BinaryField, F, Func, Value
from django.http import Http404

from partnership.encryption import STORED_PIECE, decrypt_bytes_pieces
from partnership.exports import export_open_to
from partnership.models import ExportJob, Membership, Partnership
from partnership.models.recommendations import StoredFile

# The states of a job, for the API's schema (interfaces take their vocabulary from selectors, not models).
EXPORT_STATES = ExportJob.State.choices
# How much of a stored file one query reads: 16 pieces, about a MiB.
FILE_READ_WINDOW = 16 * STORED_PIECE


def export_job_get(*, partnership: Partnership, membership: Membership, job_id: int) -> ExportJob:
    """A job for its progress page or its download, with its file's name, type, size and digest (never its
    bytes: a download streams them with ``stored_file_pieces``). One query."""
    job = (
        ExportJob.objects.in_partnership(partnership)
        .select_related("file", "requested_by")
        .defer("file__data")
        .filter(pk=job_id)
        .first()
    )
    if job is None or not export_open_to(job, membership):
        raise Http404("No such export.")
    job.partnership = partnership  # its links need the slug: no second query
    return job


def stored_file_pieces(*, partnership: Partnership, stored_file_id: int) -> Iterator[bytes]:
    """A stored file's bytes, decrypted a piece (64 KiB) at a time from slices of its column read about a MiB at
    a time: the web worker never holds the file. Each slice names the partnership (the request's database scope
    may be gone by the time a streamed response is sent). Empty for an empty file."""
    window = {"start": 0, "data": b""}

    def read_slice(offset: int, length: int) -> bytes:
        value = (
            StoredFile.objects.in_partnership(partnership)
            .filter(pk=stored_file_id)
            .annotate(
                stored_slice=Func(
                    F("data"), Value(offset + 1), Value(length), function="SUBSTR", output_field=BinaryField()
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
            data = read_slice(offset, max(length, FILE_READ_WINDOW))
            window["start"], window["data"] = offset, data
            start = offset
        return data[offset - start : offset - start + length]

    if not read(0, 1):
        return iter(())
    return decrypt_bytes_pieces(read)
