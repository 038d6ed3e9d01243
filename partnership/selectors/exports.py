"""Reads of exports built by the worker (``partnership.services.exports``) and of their files.

A job is open to its requester and to whom its kind shares it with
(``partnership.exports.export_open_to``); a job of another partnership, a
missing one and one the member may not open all raise ``Http404``: the member
cannot tell them apart.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.http import Http404

from partnership.exports import export_open_to
from partnership.models import ExportJob, Membership, Partnership
from partnership.models.recommendations import StoredFile
from partnership.selectors.files import encrypted_column_pieces

# The states of a job, for the API's schema (interfaces take their vocabulary from selectors, not models).
EXPORT_STATES = ExportJob.State.choices
# How much of a stored file one query reads: 16 pieces, about a MiB.


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
    """A stored file's bytes, decrypted a piece at a time (``encrypted_column_pieces``). Empty for an empty file."""
    row = StoredFile.objects.in_partnership(partnership).filter(pk=stored_file_id)
    return encrypted_column_pieces(row=row, column="data")
