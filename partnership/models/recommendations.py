"""Recommendations, their sign-off rounds, action plans, progress, dissemination and learning themes.

This is where the loop closes. Whatever a partnership learns from (a learning
review's outcomes form, a rapid review decision, an audit round, a hub cycle, a
scrutiny challenge) ends as recommendations; the three statutory partners sign
them off, several at a time if the business manager puts them together; each
signed-off recommendation gets an action plan of SMART actions whose progress
the board and the scrutineers follow; and what was learned is disseminated.

The kernel owns all of it, so the apps that produce recommendations
(``reviews``, ``audits``, ``learninghub``, ``scrutiny``) only declare their
sources (``partnership.recommendation_sources``) and never the reverse.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.db import models
from django.utils import timezone

from partnership.encryption import EncryptedBinaryField
from partnership.models import Agency, Partnership, Person, StatutoryPartner, SubjectModel, TenantModel

# Seeded into every partnership's taxonomy (the business manager edits it from there): the themes that
# recur in national and local reviews.
DEFAULT_LEARNING_THEMES: tuple[str, ...] = (
    "Voice of the child",
    "Information sharing",
    "Professional curiosity",
    "Neglect",
    "Exploitation",
    "Domestic abuse",
    "Parental mental health",
    "Parental substance misuse",
    "Escalation and challenge",
    "Multi-agency working",
    "Assessment and planning",
    "Safe sleeping",
    "Children with disabilities",
    "Adolescents and transitions",
    "Recording and record keeping",
)


class LearningTheme(TenantModel):
    """One theme of the partnership's taxonomy. Retired rather than deleted: old tags keep their meaning."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="learning_themes")
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True, max_length=2000)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="learning_theme_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ThemeTag(TenantModel):
    """A theme tagged on anything that teaches something: a recommendation, a review, an audit or hub finding.

    Generic, so that the theme page lists everything tagged across sources and
    years from one table, and each app tags its own rows without a table of its own.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    theme = models.ForeignKey(LearningTheme, on_delete=models.CASCADE, related_name="tags")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    tagged = GenericForeignKey("content_type", "object_id")
    tagged_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["theme__name"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "content_type", "object_id"], name="theme_tagged_once"),
        ]
        indexes = [models.Index(fields=["partnership", "content_type", "object_id"], name="theme_tag_object")]

    def __str__(self) -> str:
        return f"{self.theme} on {self.content_type.model} {self.object_id}"


class RecommendationSource(models.TextChoices):
    """Where a recommendation came from. Each kind but "other" points at its source row."""

    OUTCOMES_FORM = "outcomes_form", "Learning review"
    RAPID_REVIEW_DECISION = "rapid_review_decision", "Rapid review decision"
    AUDIT_ROUND = "audit_round", "Audit"
    HUB_CYCLE = "hub_cycle", "Learning hub cycle"
    SCRUTINY_CHALLENGE = "scrutiny_challenge", "Scrutiny challenge"
    SCRUTINY_ACTIVITY = "scrutiny_activity", "Scrutiny plan activity"
    OTHER = "other", "Other"


class Recommendation(SubjectModel, TenantModel):
    """What the partnership resolves to change, with the partner who leads it."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PROPOSED = "proposed", "Awaiting sign-off"
        SENT_BACK = "sent_back", "Sent back"
        SIGNED_OFF = "signed_off", "Signed off"
        ACTION_PLANNING = "action_planning", "Action planning"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CLOSED = "closed", "Closed"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="recommendations")
    reference = models.CharField(max_length=30)
    text = models.TextField("Recommendation", max_length=4000)
    rationale = models.TextField(blank=True, max_length=4000)
    source_kind = models.CharField(max_length=30, choices=RecommendationSource.choices)
    # The source row (an outcomes form's recommendation row, a decision, an audit round...); empty for "other".
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    # Required for "other"; for the rest, what the source was called when the recommendation was made from it.
    source_description = models.CharField(max_length=300, blank=True)
    lead_partner = models.CharField(max_length=20, choices=StatutoryPartner.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    # Why the partners sent it back, shown on its page until it is proposed again.
    sent_back_reason = models.TextField(blank=True, max_length=4000)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # What changed for children and families, asked for when the recommendation is completed.
    impact_evidence = models.TextField(blank=True, max_length=10000)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    theme_tags = GenericRelation(ThemeTag, content_type_field="content_type", object_id_field="object_id")
    created_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "reference"], name="recommendation_reference_unique"),
            models.CheckConstraint(
                condition=models.Q(source_kind="other") | models.Q(source_id__isnull=False),
                name="recommendation_source_named",
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "state", "-created_at"], name="recommendation_register"),
            models.Index(fields=["partnership", "source_type", "source_id"], name="recommendation_by_source"),
        ]

    # partnership.services.states.state_move checks every move against this table.
    ALLOWED_MOVES: dict[str, frozenset[str]] = {
        State.DRAFT: frozenset({State.PROPOSED, State.CLOSED}),
        State.PROPOSED: frozenset({State.SIGNED_OFF, State.SENT_BACK}),
        State.SENT_BACK: frozenset({State.PROPOSED, State.DRAFT, State.CLOSED}),
        State.SIGNED_OFF: frozenset({State.ACTION_PLANNING}),
        State.ACTION_PLANNING: frozenset({State.IN_PROGRESS}),
        State.IN_PROGRESS: frozenset({State.COMPLETED}),
        State.COMPLETED: frozenset({State.CLOSED, State.IN_PROGRESS}),
        State.CLOSED: frozenset(),
    }

    def __str__(self) -> str:
        return f"{self.reference}: {self.text[:80]}"


class RecommendationRound(SubjectModel, TenantModel):
    """Recommendations put to the partners together: one sign-off (the kernel's) decides them all.

    A round is asked once. When a partner sends it back, every recommendation in
    it is sent back with the reason; the business manager revises them and puts
    them to a new round.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="recommendation_rounds")
    title = models.CharField(max_length=200)
    recommendations = models.ManyToManyField(Recommendation, through="RecommendationRoundItem", related_name="rounds")
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class RecommendationRoundItem(TenantModel):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(RecommendationRound, on_delete=models.CASCADE, related_name="items")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="round_items")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "recommendation"], name="recommendation_once_per_round"),
        ]


class ActionPlan(SubjectModel, TenantModel):
    """The plan that delivers one signed-off recommendation: due 10 working days after sign-off."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="action_plans")
    recommendation = models.OneToOneField(Recommendation, on_delete=models.CASCADE, related_name="action_plan")
    summary = models.TextField(blank=True, max_length=4000)
    # When the plan was agreed (its actions set): the recommendation moves on to "in progress".
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Action plan for {self.recommendation.reference}"


class Rag(models.TextChoices):
    """Red, amber, green, as boards read progress; "complete" once the action is done."""

    RED = "red", "Red: off track"
    AMBER = "amber", "Amber: at risk"
    GREEN = "green", "Green: on track"
    COMPLETE = "complete", "Complete"


class Action(SubjectModel, TenantModel):
    """One SMART action: what, who leads it in which agency, by when, and how success is measured."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="actions")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField(default=1)
    what = models.TextField("Action", max_length=4000)
    lead_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    lead_person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    due_on = models.DateField()
    measure_of_success = models.TextField(max_length=4000)
    rag = models.CharField("RAG status", max_length=10, choices=Rag.choices, default=Rag.GREEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan", "position", "id"]
        indexes = [
            models.Index(fields=["partnership", "lead_agency", "due_on"], name="action_by_agency"),
            models.Index(fields=["partnership", "rag", "due_on"], name="action_by_rag"),
            # The open actions by due date, in the lists' order: the overdue actions' first page (API, register)
            # reads 25 rows in order instead of sorting every open action of ten years of plans (issue 13).
            models.Index(
                fields=["partnership", "due_on", "plan", "position", "id"],
                condition=models.Q(completed_at__isnull=True),
                name="action_open_by_due_on",
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]


class ActionUpdate(TenantModel):
    """A dated progress note on an action, with the RAG status it reported. Never edited: it is the record."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField("Date of the update")
    note = models.TextField(max_length=10000)
    rag = models.CharField("RAG status", max_length=10, choices=Rag.choices)
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"Update of {self.on:%d %B %Y}"


class StoredFile(TenantModel):
    """An uploaded file (evidence of progress, a briefing, an audit's evidence), encrypted at rest.

    Attached to its owner generically, checked on the way in (type by content,
    size, not empty: ``partnership.services.files``) and only ever served as a
    download, never inline, so an uploaded page cannot run in our origin.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    owner_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    name = models.CharField(max_length=200)
    media_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = EncryptedBinaryField()
    uploaded_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["partnership", "owner_type", "owner_id"], name="stored_file_owner")]

    def __str__(self) -> str:
        return self.name


class DisseminationKind(models.TextChoices):
    BRIEFING = "briefing", "7-minute briefing"
    NEWSLETTER = "newsletter", "Newsletter"
    TRAINING = "training", "Training session"
    LEARNING_EVENT = "learning_event", "Learning event"
    PRACTICE_GUIDANCE = "practice_guidance", "Practice guidance"
    OTHER = "other", "Other"


class Dissemination(TenantModel):
    """How learning was shared: a briefing, a newsletter, training... with its audience and reach.

    Recorded against a recommendation, or against the source it came from
    (a learning review's learning reaches beyond its recommendations).
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="disseminations")
    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, null=True, blank=True, related_name="disseminations"
    )
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    kind = models.CharField(max_length=20, choices=DisseminationKind.choices)
    title = models.CharField(max_length=200)
    on = models.DateField("Date")
    audience = models.CharField(max_length=300)
    reach = models.PositiveIntegerField("People reached", null=True, blank=True)
    link = models.URLField(blank=True, max_length=500)
    recorded_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recommendation__isnull=False) | models.Q(source_id__isnull=False),
                name="dissemination_of_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class ProgressReport(SubjectModel, TenantModel):
    """A board progress report as at a date: its PDF and DOCX are rendered from the same selectors."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="progress_reports")
    title = models.CharField(max_length=200)
    as_of = models.DateField()
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-as_of", "-id"]

    def __str__(self) -> str:
        return self.title
