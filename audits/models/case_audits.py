"""Case audits: the annual programme, rounds with their screened cases, agencies' returns and their answers.

A round asks, for each selected case (a pseudonymised reference, never a
name), each agency involved to answer one published template version through
a named practitioner: that is an ``AuditReturn``. The practitioner saves
drafts and submits; a submitted return is read-only until the moderator sends
it back. The moderator records a moderated grade, with a rationale, where it
differs from the agency's own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from audits.models.templates import ScaleOption, TemplateQuestion, TemplateVersion
from partnership.models import Agency, Membership, Partnership, SubjectModel, TenantModel

MONTHS = [
    (1, "January"),
    (2, "February"),
    (3, "March"),
    (4, "April"),
    (5, "May"),
    (6, "June"),
    (7, "July"),
    (8, "August"),
    (9, "September"),
    (10, "October"),
    (11, "November"),
    (12, "December"),
]


class PlannedAudit(TenantModel):
    """One line of the annual audit programme: what is audited in which month, and why."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="planned_audits")
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField(choices=MONTHS)
    title = models.CharField(max_length=200)
    theme = models.ForeignKey(
        "partnership.LearningTheme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    priority = models.ForeignKey(
        "partnership.Priority", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["year", "month", "title", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="planned_audit_month_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_month_display()} {self.year})"


class AuditRound(SubjectModel, TenantModel):
    """A case audit: a theme, a template version, the screened cases, and a due date for the returns."""

    class State(models.TextChoices):
        SETUP = "setup", "Setting up"
        OPEN = "open", "Returns open"
        MODERATION = "moderation", "Moderation"
        CLOSED = "closed", "Closed"

    ALLOWED_MOVES = {
        State.SETUP: frozenset({State.OPEN}),
        State.OPEN: frozenset({State.MODERATION}),
        State.MODERATION: frozenset({State.OPEN, State.CLOSED}),
        State.CLOSED: frozenset(),
    }

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="audit_rounds")
    title = models.CharField(max_length=200)
    template_version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="rounds")
    theme = models.ForeignKey(
        "partnership.LearningTheme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    planned = models.ForeignKey(PlannedAudit, on_delete=models.PROTECT, null=True, blank=True, related_name="rounds")
    due_on = models.DateField()
    # How the cases were screened and chosen, e.g. "Referrals to the front door in March with domestic abuse".
    screening_criteria = models.TextField(blank=True, max_length=2000)
    state = models.CharField(max_length=12, choices=State.choices, default=State.SETUP)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-due_on", "-id"]

    def __str__(self) -> str:
        return self.title


class AuditCase(TenantModel):
    """A screened case: its pseudonymised reference, whether it was selected, and why (or why not)."""

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(max_length=40)
    selected = models.BooleanField(default=False)
    reason = models.CharField(max_length=500, blank=True)
    # The reflective discussion of the case by the practitioners and managers who answered for it.
    discussion_on = models.DateField(null=True, blank=True)
    discussion_notes = models.TextField(blank=True, max_length=10000)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["round", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "reference"], name="audit_case_reference_unique")]

    def __str__(self) -> str:
        return self.reference


class AuditReturn(SubjectModel, TenantModel):
    """One agency's answers about one case, by the practitioner named for it."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", "Not started"
        DRAFT = "draft", "In progress"
        SUBMITTED = "submitted", "Submitted"
        SENT_BACK = "sent_back", "Sent back"
        MODERATED = "moderated", "Moderated"

    ALLOWED_MOVES = {
        State.ASSIGNED: frozenset({State.DRAFT, State.SUBMITTED}),
        State.DRAFT: frozenset({State.SUBMITTED}),
        State.SUBMITTED: frozenset({State.SENT_BACK, State.MODERATED}),
        State.SENT_BACK: frozenset({State.DRAFT, State.SUBMITTED}),
        State.MODERATED: frozenset({State.SUBMITTED}),
    }

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="audit_returns")
    # The practitioner who answers: a direct foreign key (what lists filter on) beside the guardian grant.
    practitioner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="audit_returns")
    state = models.CharField(max_length=12, choices=State.choices, default=State.ASSIGNED)
    # The edit counter: every save of the answers moves it on; a save based on an older number is refused.
    version = models.PositiveIntegerField(default=1)
    submitted_at = models.DateTimeField(null=True, blank=True)
    sent_back_reason = models.CharField(max_length=1000, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["case", "agency__name", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "agency"], name="audit_return_one_per_agency_per_case")]
        indexes = [models.Index(fields=["partnership", "practitioner", "state"], name="audit_return_practitioner")]

    def __str__(self) -> str:
        return f"{self.case}, {self.agency}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.ASSIGNED, self.State.DRAFT, self.State.SENT_BACK)


class AuditAnswer(TenantModel):
    """The answer to one question of a return, and, for a grade, the moderated grade where it differs."""

    audit_return = models.ForeignKey(AuditReturn, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(TemplateQuestion, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(ScaleOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    choice = models.CharField(max_length=10, blank=True)
    number = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    text = models.TextField(blank=True, max_length=10000)
    moderated_option = models.ForeignKey(ScaleOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    moderation_rationale = models.TextField(blank=True, max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["audit_return", "id"]
        constraints = [
            models.UniqueConstraint(fields=["audit_return", "question"], name="audit_answer_one_per_question"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


# django-guardian with direct foreign keys: a practitioner's grant on their return joins on a real column.
class AuditReturnUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AuditReturn, on_delete=models.CASCADE)


class AuditReturnGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AuditReturn, on_delete=models.CASCADE)


class FindingKind(models.TextChoices):
    STRENGTH = "strength", "Strength"
    IMPROVEMENT = "improvement", "Area to improve"


class AuditFinding(TenantModel):
    """A strength or an area to improve that the audit found, under a learning theme; raised as a recommendation."""

    round = models.ForeignKey(AuditRound, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=12, choices=FindingKind.choices)
    text = models.CharField(max_length=1000)
    theme = models.ForeignKey(
        "partnership.LearningTheme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The recommendation it was raised as (once only).
    recommendation = models.ForeignKey(
        "partnership.Recommendation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["round", "kind", "id"]

    def __str__(self) -> str:
        return self.text[:100]
