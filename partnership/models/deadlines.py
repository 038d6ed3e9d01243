"""The deadline engine's rows: everything with a due date, and the notices sent about it.

One table for every kind of due date (rapid-review milestones, agency requests,
comment periods...) so that one set-based sweep can remind and escalate them
all, and one "my tasks" page can list them.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.models import Person, Role, TenantModel


class Deadline(TenantModel):
    """A due date someone must meet.

    ``subject`` is what the deadline belongs to (a rapid review, an agency
    request...); ``kind`` names the deadline within it, so a subject has at most
    one deadline of each kind and moving a date updates the row in place.
    ``remind_on`` is stored (computed in working days by the service) so the
    sweep can find what is due for a reminder with one indexed query.
    """

    class State(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        CANCELLED = "cancelled", "Cancelled"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="deadlines")
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    remind_on = models.DateField(null=True, blank=True)
    # Who must act: the assignee; with none, every active member holding ``assignee_role`` (a checklist
    # task owned by "the police lead" or "practitioners"); with neither, or no one able to act, the
    # partnership's business managers.
    assignee = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="deadlines")
    assignee_role = models.CharField(max_length=40, choices=Role.choices, blank=True, default="")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    met_at = models.DateTimeField(null=True, blank=True)
    # Set by the sweep the first time the deadline is found past due and still open.
    breached_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "subject_type", "subject_id", "kind"], name="one_deadline_of_a_kind_per_subject"
            )
        ]
        indexes = [
            # The sweep: open deadlines whose reminder day or due day has come.
            models.Index(fields=["remind_on"], condition=Q(state="open"), name="deadline_open_remind_on"),
            models.Index(fields=["due_on"], condition=Q(state="open"), name="deadline_open_due_on"),
            models.Index(fields=["assignee", "state", "due_on"], name="deadline_assignee_state_due"),
            models.Index(fields=["partnership", "subject_type", "subject_id"], name="deadline_subject"),
            # "My tasks": the open deadlines waiting for whoever holds one of the person's roles.
            models.Index(
                fields=["partnership", "assignee_role"],
                condition=Q(state="open", assignee__isnull=True) & ~Q(assignee_role=""),
                name="deadline_open_for_a_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on:%d %B %Y})"


class DeadlineNotice(TenantModel):
    """One reminder or escalation about one deadline, for one due date.

    The unique constraint is what makes each notice go out exactly once: two
    sweeps that overlap both try to insert it, and the database lets one win.
    A moved due date is a new notice (the new date deserves its own reminder).
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", "Reminder"
        BREACH = "breach", "Overdue"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    # Which sweep took the job of sending it, when it did, and when it went. A claim older
    # than the sweep's stale-claim window with no ``sent_at`` belongs to a sweep that died.
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deadline", "kind", "due_on"], name="notice_once_per_deadline_kind_due")
        ]
        indexes = [models.Index(fields=["claimed_by"], condition=Q(sent_at__isnull=True), name="notice_unsent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.deadline_id} due {self.due_on}"
