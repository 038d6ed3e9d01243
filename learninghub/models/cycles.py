"""Learning hub cycles, their phases and the phases' checklist tasks.

A cycle works one partnership priority (the kernel's ``Priority``) from a start
date: preparation, an optional pre-meet, four monthly hub months (scoping,
auditing, feedback, findings and recommendations), then the board's sign-off,
the action plan, the learning event and, months later, the impact review. Each
phase's dates sit on the partnership's working-day calendar; each task is
chased by the kernel's deadline engine (``partnership.services.deadlines``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from partnership.models import Membership, Partnership, Role, SubjectModel, TenantModel


class PhaseKind(models.TextChoices):
    PREPARATION = "preparation", "Preparation"
    PRE_MEET = "pre_meet", "Pre-meet"
    SCOPING = "scoping", "Month 1: scoping"
    AUDITING = "auditing", "Month 2: auditing"
    FEEDBACK = "feedback", "Month 3: feedback"
    FINDINGS = "findings", "Month 4: findings and recommendations"
    BOARD_SIGN_OFF = "board_sign_off", "Board sign-off"
    ACTION_PLAN = "action_plan", "Action plan"
    LEARNING_EVENT = "learning_event", "Learning event"
    IMPACT_REVIEW = "impact_review", "Impact review"


class HubCycle(SubjectModel, TenantModel):
    """One pass of the learning hub through one priority."""

    class State(models.TextChoices):
        ACTIVE = "active", "In progress"
        CLOSED = "closed", "Closed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # A closed or withdrawn cycle is done: the kernel's state helper cancels its open deadlines.
    ALLOWED_MOVES = {
        State.ACTIVE: frozenset({State.CLOSED, State.WITHDRAWN}),
        State.CLOSED: frozenset(),
        State.WITHDRAWN: frozenset(),
    }

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="hub_cycles")
    priority = models.ForeignKey("partnership.Priority", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    has_pre_meet = models.BooleanField(default=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "learning hub cycle"

    def __str__(self) -> str:
        return self.title


class HubPhase(TenantModel):
    """A stage of a cycle, from one working day to another."""

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(max_length=20, choices=PhaseKind.choices)
    position = models.PositiveSmallIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "position"]
        verbose_name = "learning hub phase"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "kind"], name="hub_phase_kind_once_per_cycle"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="hub_phase_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class HubTask(SubjectModel, TenantModel):
    """One line of a phase's checklist: what, whose (a member or everyone holding a role), by when, and done."""

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="tasks")
    phase = models.ForeignKey(HubPhase, on_delete=models.CASCADE, related_name="tasks")
    text = models.CharField(max_length=500)
    owner_member = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    owner_role = models.CharField(max_length=40, choices=Role.choices, blank=True, default="")
    due_on = models.DateField()
    position = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "learning hub task"
        constraints = [
            # Exactly one owner: a named member, or a role.
            models.CheckConstraint(
                condition=(Q(owner_member__isnull=False) & Q(owner_role=""))
                | (Q(owner_member__isnull=True) & ~Q(owner_role="")),
                name="hub_task_one_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:200]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
