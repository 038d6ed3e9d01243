"""Exports built by the worker: a spreadsheet asked for in a request, written in the background.

An app declares each kind of export to the kernel (``partnership.exports``); a
request records an ``ExportJob`` and the worker writes its file, reporting the
rows done as it goes, so the progress page can say how far it has got. The
file is kept as a ``StoredFile`` owned by the job: encrypted at rest, like an
upload, and only ever sent as an attachment.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from partnership.models import Person, TenantModel
from partnership.models.recommendations import StoredFile


class ExportJob(TenantModel):
    """One export asked for: its kind, its parameters (already checked by the kind), and how far it has got."""

    # The worker writes its progress as it goes; no figure counts files being made (partnership.figures_cache).
    counts_in_figures = False

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being written"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"
        # Its file deleted once kept for ``EXPORT_KEPT_FOR`` (partnership.services.exports): asked for again, it
        # is written afresh from the data as it is then.
        EXPIRED = "expired", "Deleted"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    # A kind declared to ``partnership.exports`` (e.g. "sa.compliance_matrix"): who may ask, and what writes it.
    kind = models.CharField(max_length=60)
    # The kind's own parameters, as its ``clean`` returned them (ids, filters, the format): plain JSON.
    parameters = models.JSONField(default=dict, blank=True)
    # What the person sees in lists and on the progress page ("Compliance matrix, Section 11 2026 (XLSX)").
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows_done = models.PositiveIntegerField(default=0)
    # Known once the builder has counted its rows; null until then (the page shows no fraction).
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    file = models.ForeignKey(StoredFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # When the build task reached the broker; empty while the broker could not be reached (the beat job sends it).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # How many builds have claimed it: one whose worker keeps dying is given up as FAILED after a few.
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moved on with every progress report: a running job silent for long has lost its worker.
    progressed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["state", "requested_at"], name="export_job_waiting"),
            models.Index(fields=["partnership", "requested_by", "-requested_at"], name="export_job_by_requester"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent_done(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, self.rows_done * 100 // self.rows_total)
