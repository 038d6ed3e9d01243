"""The quarterly scrutiny report and the annual report (issue 17, item 5), the scrutineer's narrative in them, and
the annual reports the agencies owe the partnership.

A report is one partnership's, for one period: a quarter of the reporting year (April to March) or the whole
reporting year. Its figures are not stored on it: every render gathers the sections live
(``scrutiny.report_sections.report_sections_for``), and the kernel's documents engine keeps each render as a
version, its PDF with the Word copy made from the same read beside it (``ReportVersionDocx``). What the report
itself keeps is what people write: its title and the scrutineer's narrative.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.encryption import EncryptedBinaryField, EncryptedTextField
from partnership.models import Person, TenantModel

# The quarters of the reporting year.
QUARTER_NAMES = {1: "April to June", 2: "July to September", 3: "October to December", 4: "January to March"}


def reporting_year_start(year: int) -> date:
    """The first day of the reporting year ``year``/``year + 1`` (1 April: the partnerships' financial year)."""
    return date(year, 4, 1)


def reporting_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


class ScrutinyReport(TenantModel):
    """A quarterly scrutiny report or an annual report. One of a kind per period: the period names the report, so the
    narrative's section provider finds it from the report's scope alone."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", "Quarterly scrutiny report"
        ANNUAL = "annual", "Annual report"

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    # Published is where a report closes; the business managers may take it back to draft to correct it.
    ALLOWED_MOVES = {
        State.DRAFT: frozenset({State.PUBLISHED}),
        State.PUBLISHED: frozenset({State.DRAFT}),
    }

    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.CASCADE, related_name="scrutiny_reports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    title = models.CharField(max_length=200)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The version a change is based on (the kernel's optimistic concurrency: 409 when stale, 428 when not sent).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "kind", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind", "period_start"], name="scrutiny_report_one_per_period"
            ),
            models.CheckConstraint(condition=Q(period_end__gt=models.F("period_start")), name="scrutiny_report_period"),
        ]

    def __str__(self) -> str:
        return self.title


class ReportVersionDocx(TenantModel):
    """The Word (DOCX) copy of one version of a report, kept beside the version's PDF for as long as the version is.

    A version is asked for once for both files (``scrutiny_report_render_request``): the report's sections are read
    once, and the HTML the PDF is made from and the ``snapshot`` here both come from that one read, so the two files
    show the same data however the records change before the worker gets to them. The worker writes the DOCX from
    the snapshot as it renders the PDF (the report subject's ``render_beside_pdf``): the version is ready only once
    both are made. Both are encrypted at rest; each download of the DOCX is recorded (``ReportDocxDownload``), as
    each of the PDF is by the kernel.
    """

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ScrutinyReport, on_delete=models.CASCADE, related_name="+")
    version = models.OneToOneField("partnership.DocumentVersion", on_delete=models.CASCADE, related_name="+")
    # What the DOCX prints, as read when the version was asked for (JSON: the title, the period, the day, the
    # sections with their paragraphs, charts' descriptions and tables). Encrypted, like the version's HTML.
    snapshot = EncryptedTextField()
    docx = EncryptedBinaryField(null=True, blank=True)
    # SHA-256 and size of the plaintext DOCX, what the person downloads.
    docx_sha256 = models.CharField(max_length=64, blank=True)
    docx_bytes = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"Word copy of {self.report}"


class ReportDocxDownload(TenantModel):
    """Someone downloaded a version's Word copy. Written before the file is sent; the business managers read it."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    docx = models.ForeignKey(ReportVersionDocx, on_delete=models.CASCADE, related_name="downloads")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["partnership", "-at"], name="report_docx_download_recent")]

    def __str__(self) -> str:
        return f"{self.person} downloaded {self.docx}"


class ReportNarrative(TenantModel):
    """A section the scrutineer writes: the introduction, the conclusions, or a further section of their own."""

    class Place(models.TextChoices):
        INTRODUCTION = "introduction", "Introduction"
        FURTHER = "further", "Further section"
        CONCLUSIONS = "conclusions", "Conclusions"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(ScrutinyReport, on_delete=models.CASCADE, related_name="narrative")
    place = models.CharField(max_length=12, choices=Place.choices)
    # A further section's own heading; the introduction and the conclusions are headed by their place.
    heading = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000, blank=True)
    # Further sections in the order the scrutineer added them.
    position = models.PositiveSmallIntegerField(default=0)
    updated_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "place"],
                condition=Q(place__in=["introduction", "conclusions"]),
                name="report_narrative_one_introduction_and_conclusions",
            )
        ]

    def __str__(self) -> str:
        return self.heading or self.get_place_display()


class AgencyAnnualReport(TenantModel):
    """An annual report an agency owes the partnership (private fostering, allegations against staff...), asked for
    with a deadline (the kernel's deadline engine chases it and puts it in the agency lead's tasks), received as an
    uploaded file, and summarised by the business manager for the partnership's annual report."""

    class Kind(models.TextChoices):
        PRIVATE_FOSTERING = "private_fostering", "Private fostering"
        ALLEGATIONS = "allegations", "Allegations against staff (LADO)"
        MARAC = "marac", "MARAC"
        MAPPA = "mappa", "MAPPA"
        OTHER = "other", "Other"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("partnership.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # What an "other" report is about (empty for the named kinds).
    subject = models.CharField(max_length=120, blank=True)
    # The reporting year's first calendar year: 2025 is April 2025 to March 2026.
    reporting_year = models.PositiveSmallIntegerField()
    requested_on = models.DateField()
    due_on = models.DateField()
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    received_on = models.DateField(null=True, blank=True)
    received_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    summary = models.TextField(max_length=5000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    DEADLINE_KIND = "agency_annual_report"

    class Meta:
        ordering = ["-reporting_year", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "agency", "kind", "subject", "reporting_year"],
                name="agency_annual_report_once_a_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {reporting_year_label(self.reporting_year)}"

    @property
    def title(self) -> str:
        what = self.subject if self.kind == self.Kind.OTHER and self.subject else self.get_kind_display()
        return f"{what} annual report"

    @property
    def year_label(self) -> str:
        return reporting_year_label(self.reporting_year)

    def is_overdue(self, today: date) -> bool:
        return self.received_on is None and self.due_on < today
