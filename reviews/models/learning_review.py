"""Learning reviews (seed 003) and their Learning Review Outcomes Form.

The form has every field of seed 003's appendix. Synopsis and key findings are
at most ``OUTCOMES_WORD_LIMIT`` words each; recommendations are SMART rows.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from partnership.models import Agency, Person, SubjectModel, TenantModel
from reviews.models.rapid_review import Methodology, RapidReview

OUTCOMES_WORD_LIMIT = 300


class Publication(models.TextChoices):
    FULL = "full", "Publish the full report"
    SUMMARY = "summary", "Publish a summary"
    NONE = "none", "Do not publish"


class LearningReview(SubjectModel, TenantModel):
    class State(models.TextChoices):
        PLANNING = "planning", "Planning and information gathering"
        DRAFTING = "drafting", "Drafting the outcomes form"
        OUT_FOR_COMMENT = "out_for_comment", "With contributors for comment"
        FINAL = "final", "Final"

    partnership = models.ForeignKey(
        "partnership.Partnership", on_delete=models.CASCADE, related_name="learning_reviews"
    )
    reference = models.CharField(max_length=30)
    title = models.CharField(max_length=200)
    # Opened from a rapid review's decision, or directly (then empty).
    rapid_review = models.ForeignKey(
        RapidReview, on_delete=models.PROTECT, null=True, blank=True, related_name="learning_reviews"
    )
    methodology = models.CharField(max_length=20, choices=Methodology.choices)
    scope = models.TextField(max_length=10000)
    key_lines_of_enquiry = models.TextField(max_length=10000)
    information_due_on = models.DateField("Information gathering due")
    report_due_on = models.DateField("Report due")
    lead_author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="learning_reviews_led")
    practitioner_event_on = models.DateField(null=True, blank=True)
    practitioner_event_details = models.TextField(blank=True, max_length=5000)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PLANNING)
    comments_due_on = models.DateField(null=True, blank=True)
    publication = models.CharField(max_length=10, choices=Publication.choices, blank=True)
    publication_reasons = models.TextField(blank=True, max_length=5000)
    finalised_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="learning_review_reference_unique"),
            models.CheckConstraint(
                condition=models.Q(report_due_on__gte=models.F("information_due_on")),
                name="learning_review_report_after_information",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    # The only moves a learning review makes (partnership.services.states.state_move checks them).
    ALLOWED_MOVES: dict[str, frozenset[str]] = {
        State.PLANNING: frozenset({State.DRAFTING}),
        State.DRAFTING: frozenset({State.OUT_FOR_COMMENT, State.FINAL}),
        State.OUT_FOR_COMMENT: frozenset({State.DRAFTING}),
        State.FINAL: frozenset(),
    }


class Contributor(SubjectModel, TenantModel):
    """Someone who contributed to the review and is asked to comment on the draft form."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    learning_review = models.ForeignKey(LearningReview, on_delete=models.CASCADE, related_name="contributors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    attended_event = models.BooleanField(default=False)
    unable_to_contribute = models.BooleanField(default=False)
    # The version a change is based on (services._version_check): a page drawn before someone else's save
    # cannot write over it.
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["person__full_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["learning_review", "person"], name="contributor_once_per_review")
        ]

    def __str__(self) -> str:
        return str(self.person)


class OutcomesForm(TenantModel):
    """The Learning Review Outcomes Form: seed 003, appendix 1, field for field."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    learning_review = models.OneToOneField(LearningReview, on_delete=models.CASCADE, related_name="outcomes_form")
    family_details = models.TextField("Details of family being considered", blank=True, max_length=5000)
    how_undertaken = models.TextField("How this review was undertaken", blank=True, max_length=5000)
    contributors_text = models.TextField(
        "Attendees or people who contributed to this review", blank=True, max_length=5000
    )
    unable_to_contribute = models.TextField("Any people who were unable to contribute", blank=True, max_length=5000)
    # Empty while the form is drafted: the date may not be settled when the review opens.
    review_date = models.DateField(
        "Date of practitioner event or date the review was undertaken", null=True, blank=True
    )
    synopsis = models.TextField("Synopsis of the case", blank=True, max_length=4000)
    key_findings = models.TextField("Findings and key learning points", blank=True, max_length=4000)
    background = models.TextField("Background and summary of agency's involvement", blank=True, max_length=20000)
    strengths = models.TextField(
        "Strengths in agencies' response or within multi-agency working with the family",
        blank=True,
        max_length=20000,
    )
    do_better = models.TextField("Areas where we would like to do better", blank=True, max_length=20000)
    family_actions = models.TextField(
        "Any specific actions identified in relation to the family", blank=True, max_length=5000
    )
    broader_learning = models.TextField("Any broader learning that has been identified", blank=True, max_length=10000)
    dissemination = models.TextField(
        "How this learning will be disseminated and implemented", blank=True, max_length=10000
    )
    family_involvement = models.TextField(
        "Decisions around how the family have been involved or informed of this review", blank=True, max_length=10000
    )
    updated_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Outcomes form of {self.learning_review.reference}"


class OutcomeRecommendation(TenantModel):
    """A SMART recommendation row: action, person responsible, timeframe."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(OutcomesForm, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveSmallIntegerField()
    action = models.TextField(max_length=2000)
    person_responsible = models.CharField(max_length=200)
    timeframe = models.CharField(max_length=200)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.action[:80]


class OutcomeComment(TenantModel):
    """A contributor's comment on the circulated draft, on one section of the form or on the whole."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    form = models.ForeignKey(OutcomesForm, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    # A field name of OutcomesForm, or empty for the form as a whole.
    section = models.CharField(max_length=40, blank=True)
    body = models.TextField(max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    # Made after the comments due date of the circulation it answered: accepted, but shown as late.
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Comment by {self.author}"
