"""Audit templates as data: scales, templates, their versions, sections and questions.

A template is what an audit asks. It is versioned: people answer a *published*
version, and a published version is never edited (answers always mean what the
question said when they were given); a change to a template in use is a new
draft version, published in its turn. A question's ``key`` stays the same from
one version to the next, so answers can be carried forward between versions
and between cycles (the Section 11 self-assessment of last year, for instance).
"""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.models import Partnership, TenantModel

key_validator = RegexValidator(
    r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$",
    "Use lower-case letters, numbers and single hyphens or underscores, for example 'voice-of-the-child'.",
)


class Scale(TenantModel):
    """A grading scale, e.g. the Ofsted four-point scale or the Section 11 score 0 to 3."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="audit_scales")
    name = models.CharField(max_length=120)
    key = models.CharField(max_length=60, validators=[key_validator])
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["partnership", "key"], name="audit_scale_key_unique")]

    def __str__(self) -> str:
        return self.name


class ScaleOption(TenantModel):
    """One grade of a scale. ``meets_standard`` says whether it counts as a strength in findings."""

    scale = models.ForeignKey(Scale, on_delete=models.CASCADE, related_name="options")
    value = models.SmallIntegerField()
    label = models.CharField(max_length=120)
    description = models.CharField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Outstanding and Good, Met and Exceeded, Green, Fully and Mostly met: a strength; the others an area to improve.
    meets_standard = models.BooleanField(default=False)

    class Meta:
        ordering = ["scale", "position", "value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "value"], name="audit_scale_option_value_unique"),
            models.UniqueConstraint(fields=["scale", "label"], name="audit_scale_option_label_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class TemplateKind(models.TextChoices):
    CASE_AUDIT = "case_audit", "Multi-agency case audit"
    SINGLE_AGENCY = "single_agency", "Single-agency audit"
    SECTION_11 = "section_11", "Section 11 self-assessment"
    SECTION_175 = "section_175", "Section 175/157 (schools)"


class AuditTemplate(TenantModel):
    """What an audit asks; its questions live in its versions."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="audit_templates")
    kind = models.CharField(max_length=20, choices=TemplateKind.choices)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # The built-in template this one was copied from ("" when made from scratch).
    builtin_key = models.CharField(max_length=60, blank=True, default="")
    is_archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TemplateVersion(TenantModel):
    """One version of a template. A draft is edited; a published version is only answered."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    ALLOWED_MOVES = {
        State.DRAFT: frozenset({State.PUBLISHED}),
        State.PUBLISHED: frozenset(),
    }

    template = models.ForeignKey(AuditTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # The version of the draft itself (optimistic concurrency for edits of its sections and questions).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="audit_template_version_number_unique"),
            # At most one draft at a time: edits go to it, and publishing it ends it.
            models.UniqueConstraint(
                fields=["template"], condition=Q(state="draft"), name="audit_template_one_draft_version"
            ),
            models.CheckConstraint(
                condition=Q(state="draft", published_at__isnull=True)
                | Q(state="published", published_at__isnull=False),
                name="audit_template_version_published_at_iff_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} (version {self.number})"

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT


class TemplateSection(TenantModel):
    """A part of a version: for a Section 11 template, one Working Together standard."""

    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="sections")
    # Stable across versions, like a question's key: the standard a compliance matrix column stands for.
    key = models.CharField(max_length=60, validators=[key_validator])
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="audit_template_section_key_unique")]

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    GRADE = "grade", "Grade on a scale"
    YES_PARTLY_NO = "yes_partly_no", "Yes / partly / no"
    NUMBER = "number", "Number"
    TEXT = "text", "Free text"
    EVIDENCE = "evidence", "Evidence upload"


class YesPartlyNo(models.TextChoices):
    """The answers of a yes/partly/no question."""

    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class TemplateQuestion(TenantModel):
    """One question. ``key`` is stable across versions: answers are carried forward by it."""

    section = models.ForeignKey(TemplateSection, on_delete=models.CASCADE, related_name="questions")
    # The section's version, kept beside it so that a key is unique in a version and a version's
    # questions are read in one query.
    version = models.ForeignKey(TemplateVersion, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(max_length=60, validators=[key_validator])
    text = models.CharField(max_length=500)
    guidance = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices)
    scale = models.ForeignKey(Scale, on_delete=models.PROTECT, null=True, blank=True, related_name="questions")
    required = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "section__position", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="audit_template_question_key_unique"),
            # A grade needs its scale; the other kinds have fixed or free answers.
            models.CheckConstraint(
                condition=Q(kind="grade", scale__isnull=False) | (~Q(kind="grade") & Q(scale__isnull=True)),
                name="audit_template_question_scale_iff_grade",
            ),
        ]

    def __str__(self) -> str:
        return self.text
