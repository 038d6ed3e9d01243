"""Documents rendered to PDF by the worker, each rendering kept as a version with its hash."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone

from partnership.models import Person, TenantModel


class Document(TenantModel):
    """A printable document of one subject (a rapid review's template, an outcomes form...).

    ``kind`` names the template, so a subject can have several documents
    (e.g. the full outcomes form and its redacted public summary).
    """

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="documents")
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    # Roles (partnership.models.Role values) that may open it; empty: every member of the partnership.
    # A document can carry what its page shows only to some (a child's identity, a draft under comment).
    audience = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "subject_type", "subject_id", "kind"], name="one_document_of_a_kind_per_subject"
            )
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(TenantModel):
    """One rendering of a document. The same content (same HTML hash) is never stored twice."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # SHA-256 of the HTML the PDF is rendered from: what "the same content" means.
    content_hash = models.CharField(max_length=64)
    html = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_bytes = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "content_hash"], name="document_content_once"),
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"
