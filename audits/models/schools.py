"""The schools register: the partnership's schools, each an education agency with a school profile.

A school is an ``Agency`` (type education), so it takes part in everything
agencies do (members, invitations, recommendations); its school-only facts
(URN, head teacher, designated safeguarding lead, nominated governor) live on
``School``, one to one with the agency. The URN (the Department for
Education's unique reference number) identifies a school within a partnership:
an import updates the school with the same URN.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from partnership.models import Agency, TenantModel

URN_PATTERN = r"^[1-9][0-9]{5}$"
URN_MESSAGE = "A URN is six digits, for example 123456."


class School(TenantModel):
    agency = models.OneToOneField(Agency, on_delete=models.CASCADE, related_name="school")
    urn = models.CharField("URN", max_length=6, validators=[RegexValidator(URN_PATTERN, URN_MESSAGE)])
    # The school's own name as the register knows it; the agency's name is the same unless it had to be
    # told apart from another agency of the same name (then the URN follows it in brackets).
    name = models.CharField(max_length=200)
    head_teacher_name = models.CharField("head teacher", max_length=200)
    dsl_email = models.EmailField("designated safeguarding lead's email")
    governor_name = models.CharField("nominated governor", max_length=200, blank=True)
    governor_email = models.EmailField("nominated governor's email", blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The version of the profile: an edit made from an out-of-date page is refused.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "urn"]
        constraints = [models.UniqueConstraint(fields=["partnership", "urn"], name="school_urn_unique_per_partnership")]
        indexes = [models.Index(fields=["partnership", "name"], name="school_partnership_name")]

    def __str__(self) -> str:
        return f"{self.name} (URN {self.urn})"


class SchoolImport(TenantModel):
    """One import of the register from a file: who, when, and what it changed (it is all or nothing)."""

    class FileKind(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel"

    file_name = models.CharField(max_length=200)
    file_kind = models.CharField(max_length=4, choices=FileKind.choices)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField()
    updated = models.PositiveIntegerField()
    unchanged = models.PositiveIntegerField()
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.file_name}"
