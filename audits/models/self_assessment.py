"""Section 11 and s175 self-assessments: a cycle, a return per agency or school, an answer per standard.

A cycle asks every agency (Section 11) or every school (s175) of the
partnership the questions of one published template version. Each return has
one ``ReturnStandard`` per section of that version (a section is a standard):
the answers by question key, the self score read from the standard's grade
question, evidence files (the kernel's ``StoredFile``, owned by the standard)
and actions for any gap. A new cycle starts each return from the same
agency's answers in the previous cycle of its kind, matched by question key.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from audits.models.schools import School
from audits.models.templates import TemplateKind, TemplateSection, TemplateVersion
from partnership.models import Agency, SubjectModel, TenantModel

SELF_ASSESSMENT_KINDS = (TemplateKind.SECTION_11, TemplateKind.SECTION_175)


class SelfAssessmentCycle(SubjectModel, TenantModel):
    kind = models.CharField(max_length=20, choices=[(k.value, k.label) for k in SELF_ASSESSMENT_KINDS])
    version = models.ForeignKey(TemplateVersion, on_delete=models.PROTECT, related_name="self_assessment_cycles")
    year = models.PositiveSmallIntegerField(help_text="The year the self-assessment covers, e.g. 2026.")
    title = models.CharField(max_length=200)
    opens_on = models.DateField()
    due_on = models.DateField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "kind", "year"], name="sa_cycle_one_per_kind_and_year"),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("opens_on")), name="sa_cycle_due_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_for_schools(self) -> bool:
        return self.kind == TemplateKind.SECTION_175


class SelfAssessmentReturn(SubjectModel, TenantModel):
    """One agency's (or school's) answers to a cycle."""

    class State(models.TextChoices):
        DRAFT = "draft", "In progress"
        AWAITING_SIGNATURES = "awaiting_signatures", "Awaiting signatures"
        SUBMITTED = "submitted", "Submitted"
        MODERATED = "moderated", "Moderated"

    # Submitting a school's return waits for the head's and the governor's signatures; a submitted
    # return goes back to its agency (to draft) only when the business manager sends it back, or on to
    # moderation (and its challenge event), after which its moderation can still be revised.
    ALLOWED_MOVES = {
        State.DRAFT: frozenset({State.AWAITING_SIGNATURES, State.SUBMITTED}),
        State.AWAITING_SIGNATURES: frozenset({State.SUBMITTED, State.DRAFT}),
        State.SUBMITTED: frozenset({State.DRAFT, State.MODERATED}),
        State.MODERATED: frozenset({State.DRAFT}),
    }

    cycle = models.ForeignKey(SelfAssessmentCycle, on_delete=models.CASCADE, related_name="returns")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="self_assessment_returns")
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="self_assessment_returns"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # The edit counter: every save moves it on, and a save made from an older read is refused.
    edit_version = models.PositiveIntegerField(default=1)
    carried_forward_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    head_signed_name = models.CharField(max_length=200, blank=True)
    head_signed_at = models.DateTimeField(null=True, blank=True)
    governor_signed_name = models.CharField(max_length=200, blank=True)
    governor_signed_at = models.DateTimeField(null=True, blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    challenge_event_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["cycle", "agency"], name="sa_return_one_per_agency")]
        indexes = [models.Index(fields=["cycle", "state"], name="sa_return_cycle_state")]
        verbose_name = "self-assessment return"

    def __str__(self) -> str:
        return f"{self.agency.name}: {self.cycle.title}" if self.cycle_id and self.agency_id else "Return"

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def signatures_complete(self) -> bool:
        return bool(self.head_signed_at and self.governor_signed_at)


class ReturnStandard(TenantModel):
    """A return's answers to one standard (a section of the cycle's template version)."""

    assessment_return = models.ForeignKey(SelfAssessmentReturn, on_delete=models.CASCADE, related_name="standards")
    section = models.ForeignKey(TemplateSection, on_delete=models.PROTECT, related_name="+")
    # The section's key: the same standard across versions and years (the matrix's columns, the year-on-year change).
    section_key = models.CharField(max_length=60)
    # {question key: answer}: an integer for a grade or a number, "yes"/"partly"/"no", or text.
    answers = models.JSONField(default=dict, blank=True)
    # The answer to the standard's grade question, kept beside the answers for the matrix and its filters.
    self_score = models.SmallIntegerField(null=True, blank=True)
    # The partnership's moderated score after challenge (on the same scale), and what the challenge found.
    moderated_score = models.SmallIntegerField(null=True, blank=True)
    challenge_notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["assessment_return", "position"]
        constraints = [
            models.UniqueConstraint(fields=["assessment_return", "section"], name="sa_standard_once_per_return")
        ]

    def __str__(self) -> str:
        return self.section_key


class GapAction(TenantModel):
    """What the agency will do about a gap in one standard: who owns it and by when."""

    standard = models.ForeignKey(ReturnStandard, on_delete=models.CASCADE, related_name="actions")
    action = models.CharField(max_length=1000)
    owner = models.CharField(max_length=200, help_text="Who in the agency owns the action (a role or a name).")
    due_on = models.DateField()
    # Agreed with the partnership at the challenge event (recorded by a moderator), not by the agency alone.
    agreed_at_challenge = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.action[:80]


# django-guardian with direct foreign keys: who may answer a return besides its agency's leads.
class ReturnUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(SelfAssessmentReturn, on_delete=models.CASCADE)


class ReturnGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(SelfAssessmentReturn, on_delete=models.CASCADE)
