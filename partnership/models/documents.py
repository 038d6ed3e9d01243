"""Documents rendered to PDF by the worker, each rendering kept as a version with its hash.

Every document carries case detail (the identified rapid review template names
children), so a version's HTML and PDF are encrypted at rest; their hashes are
of the plaintext, so the same content is still recognised, and every download
of a PDF is recorded.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone

from partnership.encryption import EncryptedBinaryField, EncryptedTextField
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

    # The worker writes its progress as it goes; no figure counts files being made (partnership.figures_cache).
    counts_in_figures = False

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RENDERING = "rendering", "Rendering"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # SHA-256 of the (plaintext) HTML the PDF is rendered from: what "the same content" means.
    content_hash = models.CharField(max_length=64)
    # Encrypted at rest, like the PDF: never filtered on (the ciphertext differs each time), read through the row.
    html = EncryptedTextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    pdf = EncryptedBinaryField(null=True, blank=True)
    # SHA-256 and size of the plaintext PDF, what the person downloads.
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_bytes = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # When the render task reached the broker; empty while the broker could not be reached (the version
    # waits for the beat job, and its page says so).
    dispatched_at = models.DateTimeField(null=True, blank=True)
    # How many renders have claimed it: a version whose renderer keeps dying (killed for memory or time)
    # is given up as FAILED after a few, instead of being sent again for ever.
    render_attempts = models.PositiveSmallIntegerField(default=0)
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


class DocumentDownload(TenantModel):
    """Someone downloaded a version's PDF. Written before the PDF is sent; business managers read it."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="downloads")
    version = models.ForeignKey(DocumentVersion, on_delete=models.CASCADE, related_name="downloads")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["document", "-at"], name="document_download_recent"),
            models.Index(fields=["partnership", "-at"], name="partnership_download_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.person} downloaded {self.version}"
