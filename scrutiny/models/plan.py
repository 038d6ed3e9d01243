"""The independent scrutineer's annual plan (issue 17, item 6): what they will look at, quarter by quarter.

- ``ScrutinyPlan``: one per reporting year of the partnership (April to March, as its annual report runs), drafted by
  the scrutineer and agreed with the partners.
- ``PlanActivity``: one planned piece of scrutiny (a deep dive such as missing children, a visit to a frontline team,
  a conversation with children, young people and families, a peer review with a neighbouring region), under a
  learning theme, with what it found. Recommendations it raises are kernel recommendations naming the activity as
  their source (``scrutiny.recommendation_declarations``); challenges it raises belong to the challenges part of
  scrutiny, which links to the activity from its own side (see ``scrutiny.selectors.plan.activity_challenges``).
- ``EvidenceLink``: a record of the same partnership the scrutineer looked at for the activity (a rapid review, a
  learning review, an audit, a hub cycle, a recommendation), by kind and id, shown as a link to the record's page.
  "Freedom to roam": the scrutineer may read every non-identifying record, so evidence is named by reference and
  title, never by a child.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from partnership.models import TenantModel

# The reporting year starts on 1 April (the partnership's annual report covers April to March).
REPORTING_YEAR_START_MONTH = 4


def reporting_year_of(day: date) -> int:
    """The reporting year a day falls in, named by the calendar year it starts in (1 March 2027 is in 2026)."""
    return day.year if day.month >= REPORTING_YEAR_START_MONTH else day.year - 1


def reporting_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


class ScrutinyPlan(TenantModel):
    """The scrutineer's plan for one reporting year."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        AGREED = "agreed", "Agreed"

    # Agreed with the partners; taken back to draft to change what was agreed (the history keeps both moves).
    ALLOWED_MOVES = {
        State.DRAFT: frozenset({State.AGREED}),
        State.AGREED: frozenset({State.DRAFT}),
    }

    year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The reporting year, by the calendar year its April falls in (2026: April 2026 to March 2027).",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "scrutiny plan"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="scrutiny_plan_once_per_year"),
        ]

    def __str__(self) -> str:
        return f"Scrutiny plan {self.label}"

    @property
    def label(self) -> str:
        return reporting_year_label(self.year)

    @property
    def starts_on(self) -> date:
        return date(self.year, REPORTING_YEAR_START_MONTH, 1)

    @property
    def ends_on(self) -> date:
        return date(self.year + 1, REPORTING_YEAR_START_MONTH - 1, 31)


class ActivityKind(models.TextChoices):
    DEEP_DIVE = "deep_dive", "Deep dive"
    FRONTLINE_VISIT = "frontline_visit", "Visit to a frontline team"
    CONVERSATION = "conversation", "Conversation with children, young people and families"
    PEER_REVIEW = "peer_review", "Peer review with a neighbouring region"
    OTHER = "other", "Other"


# The quarters of the reporting year, April first.
QUARTER_LABELS = {
    1: "Q1 (April to June)",
    2: "Q2 (July to September)",
    3: "Q3 (October to December)",
    4: "Q4 (January to March)",
}


class PlanActivity(TenantModel):
    """One planned piece of scrutiny, what it found and what it raised."""

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    ALLOWED_MOVES = {
        State.PLANNED: frozenset({State.IN_PROGRESS, State.DROPPED}),
        State.IN_PROGRESS: frozenset({State.DONE, State.DROPPED}),
        State.DONE: frozenset(),
        State.DROPPED: frozenset(),
    }

    plan = models.ForeignKey(ScrutinyPlan, on_delete=models.CASCADE, related_name="activities")
    quarter = models.PositiveSmallIntegerField(choices=list(QUARTER_LABELS.items()))
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    theme = models.ForeignKey(
        "partnership.LearningTheme", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=4000)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PLANNED)
    findings = models.TextField(blank=True, max_length=10000)
    dropped_reason = models.TextField(blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["quarter", "created_at", "id"]
        verbose_name = "scrutiny activity"
        verbose_name_plural = "scrutiny activities"

    def __str__(self) -> str:
        return self.title


class EvidenceKind(models.TextChoices):
    RAPID_REVIEW = "rapid_review", "Rapid review"
    LEARNING_REVIEW = "learning_review", "Learning review"
    AUDIT_ROUND = "audit_round", "Case audit"
    HUB_CYCLE = "hub_cycle", "Learning hub cycle"
    RECOMMENDATION = "recommendation", "Recommendation"


class EvidenceLink(TenantModel):
    """A record of the partnership the scrutineer saw for an activity; ``description`` is its name when linked."""

    activity = models.ForeignKey(PlanActivity, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=20, choices=EvidenceKind.choices)
    record_id = models.PositiveBigIntegerField()
    description = models.CharField(max_length=300)
    note = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "evidence seen"
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind", "record_id"], name="scrutiny_evidence_once"),
        ]

    def __str__(self) -> str:
        return self.description
