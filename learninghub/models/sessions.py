"""Learning hub sessions of a cycle: the pre-meet, the monthly meetings, the learning event and any other.

A session has its date and time, a place or an online link, an agenda, then who attended or sent apologies,
notes, and actions (each with an owner among the partnership's members and a due date, chased by the kernel's
deadline engine so that it reaches the owner's "my tasks"). Each session has a stable calendar UID and a
``sequence`` that grows with every change a calendar must pick up (rescheduled, cancelled, reinstated), so an
``.ics`` invitation downloaded again updates the one already in a calendar.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from learninghub.models.cycles import HubCycle
from partnership.models import Membership, SubjectModel, TenantModel


class SessionKind(models.TextChoices):
    PRE_MEET = "pre_meet", "Pre-meet"
    MONTH_1 = "month_1", "Month 1 meeting: scoping"
    MONTH_2 = "month_2", "Month 2 meeting: auditing"
    MONTH_3 = "month_3", "Month 3 meeting: feedback"
    MONTH_4 = "month_4", "Month 4 meeting: findings and recommendations"
    LEARNING_EVENT = "learning_event", "Learning event"
    OTHER = "other", "Other session"


class HubSession(SubjectModel, TenantModel):
    """One meeting of a cycle's hub."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    # Held is the record: it does not move again. A cancelled session can be put back in the calendar.
    ALLOWED_MOVES = {
        State.SCHEDULED: frozenset({State.HELD, State.CANCELLED}),
        State.HELD: frozenset(),
        State.CANCELLED: frozenset({State.SCHEDULED}),
    }

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(max_length=20, choices=SessionKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True, default="")
    online_url = models.URLField(max_length=500, blank=True, default="")
    agenda = models.TextField(blank=True, default="")
    notes = models.TextField(blank=True, default="")
    state = models.CharField(max_length=12, choices=State.choices, default=State.SCHEDULED)
    # The calendar's identity of this session (RFC 5545 UID) and its revision (SEQUENCE).
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "learning hub session"
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="hub_session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class HubSessionAttendance(TenantModel):
    """A member's attendance at a session: there, or sent apologies."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"

    session = models.ForeignKey(HubSession, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)

    class Meta:
        ordering = ["session", "id"]
        verbose_name = "learning hub session attendance"
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="hub_attendance_once_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}: {self.get_status_display()}"


class HubSessionAction(SubjectModel, TenantModel):
    """Something a member agreed at a session to do before a date."""

    session = models.ForeignKey(HubSession, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "learning hub session action"

    def __str__(self) -> str:
        return self.text[:200]

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
