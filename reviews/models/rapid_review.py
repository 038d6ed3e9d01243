"""Rapid reviews: the 15-working-day statutory clock from the Panel notification.

Milestones (seed 001, West Midlands timetable), in working days from the
notification date (day 0) on the partnership's calendar: scoping requests sent
by day 2, agency returns by day 5, the meeting between days 7 and 13, the
template to the Panel by day 15.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnership.models import Agency, Person, StatutoryPartner, SubjectModel, TenantModel
from reviews.models.incidents import SeriousIncident

SCOPING_SENT_DAY = 2
RETURNS_DUE_DAY = 5
MEETING_WINDOW_OPENS_DAY = 7
MEETING_WINDOW_CLOSES_DAY = 13
PANEL_SUBMISSION_DAY = 15


class Methodology(models.TextChoices):
    """The four learning-review methodologies (seed 003)."""

    DESKTOP = "desktop", "Desktop review"
    PRACTITIONER = "practitioner", "Practitioner learning review"
    THEMATIC = "thematic", "Thematic review (several families)"
    SINGLE_ISSUE = "single_issue", "Single issue review"


class RapidReview(SubjectModel, TenantModel):
    class State(models.TextChoices):
        GATHERING = "gathering", "Gathering information"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Decision awaiting partner sign-off"
        SIGNED_OFF = "signed_off", "Decision signed off"
        SENT_TO_PANEL = "sent_to_panel", "Sent to the national Panel"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="rapid_reviews")
    incident = models.OneToOneField(SeriousIncident, on_delete=models.CASCADE, related_name="rapid_review")
    state = models.CharField(max_length=20, choices=State.choices, default=State.GATHERING)
    # The computed milestones, stored so lists sort and filter on them in SQL; recomputed when the
    # notification date moves. The deadline engine holds the same dates as Deadline rows.
    scoping_due_on = models.DateField()
    returns_due_on = models.DateField()
    meeting_window_opens_on = models.DateField()
    meeting_window_closes_on = models.DateField()
    panel_submission_due_on = models.DateField()
    meeting_on = models.DateField(null=True, blank=True)
    sent_to_panel_on = models.DateField(null=True, blank=True)
    # Working days from notification to the Panel submission, fixed when it is sent (timeliness figures).
    working_days_taken = models.PositiveSmallIntegerField(null=True, blank=True)
    delay_reason = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-incident__panel_notified_on", "-id"]
        indexes = [
            models.Index(fields=["partnership", "state", "panel_submission_due_on"], name="rapid_review_state_due"),
            models.Index(fields=["partnership", "sent_to_panel_on"], name="rapid_review_sent"),
        ]

    def __str__(self) -> str:
        return f"Rapid review {self.incident.reference}"

    # The only moves a rapid review makes (partnership.services.states.state_move checks them)::
    #
    #   gathering ──record decision──▶ awaiting sign-off ──approved──▶ signed off ──sent──▶ sent to the Panel
    #       ▲                                │
    #       └──────────── sent back ─────────┘
    ALLOWED_MOVES: dict[str, frozenset[str]] = {
        State.GATHERING: frozenset({State.AWAITING_SIGN_OFF}),
        State.AWAITING_SIGN_OFF: frozenset({State.SIGNED_OFF, State.GATHERING}),
        State.SIGNED_OFF: frozenset({State.SENT_TO_PANEL}),
        State.SENT_TO_PANEL: frozenset(),
    }


class InformationRequest(TenantModel):
    """An agency's scoping and information-sharing return, asked of a named person by a due date.

    Belongs to a rapid review or to a learning review (exactly one).
    """

    class State(models.TextChoices):
        REQUESTED = "requested", "Requested"
        DRAFT = "draft", "Draft saved"
        SUBMITTED = "submitted", "Submitted"
        SENT_BACK = "sent_back", "Sent back for changes"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.CASCADE, related_name="information_requests"
    )
    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.CASCADE, null=True, blank=True, related_name="requests"
    )
    learning_review = models.ForeignKey(
        "reviews.LearningReview", on_delete=models.CASCADE, null=True, blank=True, related_name="requests"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="information_requests")
    due_on = models.DateField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.REQUESTED)
    # The return itself (seed 001's scoping template; seed 003's questions for learning reviews).
    involvement = models.TextField("Involvement with the child and family", blank=True, max_length=20000)
    key_practice_episodes = models.TextField("Key practice episodes", blank=True, max_length=20000)
    good_practice = models.TextField("Good practice", blank=True, max_length=20000)
    done_differently = models.TextField("What could have been done differently", blank=True, max_length=20000)
    immediate_safety_concerns = models.TextField("Immediate safety concerns", blank=True, max_length=20000)
    unexpected_issues = models.TextField("Unexpected practice or issues of note", blank=True, max_length=20000)
    sent_back_reason = models.TextField(blank=True, max_length=2000)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rapid_review__isnull=False, learning_review__isnull=True)
                | Q(rapid_review__isnull=True, learning_review__isnull=False),
                name="request_belongs_to_one_review",
            ),
            models.UniqueConstraint(
                fields=["rapid_review", "agency"],
                condition=Q(rapid_review__isnull=False) & ~Q(state="withdrawn"),
                name="one_request_per_agency_per_rapid_review",
            ),
            models.UniqueConstraint(
                fields=["learning_review", "agency"],
                condition=Q(learning_review__isnull=False) & ~Q(state="withdrawn"),
                name="one_request_per_agency_per_learning_review",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "state"], name="request_assignee_state")]

    def __str__(self) -> str:
        return f"Information request to {self.agency}"

    # requested -> draft (first save) -> submitted -> sent_back -> draft | submitted;
    # requested | draft | sent_back -> withdrawn. Checked by partnership.services.states.state_move.
    ALLOWED_MOVES: dict[str, frozenset[str]] = {
        State.REQUESTED: frozenset({State.DRAFT, State.SUBMITTED, State.WITHDRAWN}),
        State.DRAFT: frozenset({State.SUBMITTED, State.WITHDRAWN}),
        State.SENT_BACK: frozenset({State.DRAFT, State.SUBMITTED, State.WITHDRAWN}),
        State.SUBMITTED: frozenset({State.SENT_BACK}),
        State.WITHDRAWN: frozenset(),
    }


class MeetingAttendee(TenantModel):
    """Someone at the rapid review meeting, with their agency and the statutory partner they represent."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    rapid_review = models.ForeignKey(RapidReview, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # Which of the three statutory partners they speak for, if any: what quorum counts.
    represents = models.CharField(max_length=20, choices=StatutoryPartner.choices, blank=True)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class DecisionOutcome(models.TextChoices):
    LCSPR = "lcspr", "Local child safeguarding practice review"
    LEARNING_REVIEW = "learning_review", "Another learning review"
    NO_FURTHER_REVIEW = "no_further_review", "No further review"


class RapidReviewDecision(SubjectModel, TenantModel):
    """What the quorate meeting decided, with reasons against each LCSPR criterion (SI 2018/789 reg. 11)."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    rapid_review = models.OneToOneField(RapidReview, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    methodology = models.CharField(max_length=20, choices=Methodology.choices, blank=True)
    reason_improvements_needed = models.TextField(
        "The case highlights improvements needed to safeguard children", max_length=5000
    )
    reason_recurrent_themes = models.TextField("It highlights recurrent themes", max_length=5000)
    reason_agencies_working_together = models.TextField(
        "It highlights concerns about how agencies worked together", max_length=5000
    )
    reason_panel_view = models.TextField("The national Panel's view or likely view", max_length=5000)
    immediate_actions = models.TextField("Immediate actions", blank=True, max_length=5000)
    recorded_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="learning_review", methodology__gt="") | (~Q(outcome="learning_review")),
                name="learning_review_decision_names_methodology",
            )
        ]

    def __str__(self) -> str:
        # Names the case (by reference, never a child): the sign-off's emails and history rows show this.
        return f"Rapid review {self.rapid_review.incident.reference} decision: {self.get_outcome_display()}"

    @classmethod
    def sign_off_task_queryset(cls, queryset):
        # "My tasks" lists these by str() and links to the subject's URL: load what both read.
        return queryset.select_related("rapid_review__incident", "rapid_review__partnership")

    @property
    def sign_off_due_on(self):
        """The partners' sign-off is needed before the review goes to the Panel (day 15)."""
        return self.rapid_review.panel_submission_due_on
