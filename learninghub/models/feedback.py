"""Month 3 of a hub cycle: feedback from practitioners, from children, young people and families, an online
survey, evaluation figures, and "you said, we did" published back to practitioners (seeds 000 and 001).

Children's, young people's and families' feedback is kept as counts and themes only: there is no field for a
name or any other identity, and consent (how it was obtained) must be recorded before it is kept.

The online survey collects answers through a public link (``FeedbackSurvey.token``), without an account, while
it is open; its responses carry no identity either.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from learninghub.models.cycles import HubCycle
from partnership.models import TenantModel
from partnership.models.recommendations import LearningTheme


def survey_token() -> str:
    """An unguessable token for a survey's public link (256 bits)."""
    return secrets.token_urlsafe(32)


class _Dated(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class PractitionerFeedbackSession(_Dated, TenantModel):
    """A feedback session or forum held with practitioners: when, how many came, its themes and what was said."""

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="feedback_sessions")
    title = models.CharField(max_length=200)
    held_on = models.DateField()
    attended = models.PositiveIntegerField()
    themes = models.ManyToManyField(LearningTheme, related_name="+", blank=True)
    summary = models.TextField(blank=True, default="")
    # What practitioners said, one quote per item, unattributed.
    quotes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = "practitioner feedback session"

    def __str__(self) -> str:
        return self.title


class ChildFeedback(_Dated, TenantModel):
    """Feedback gathered from children, young people and families: counts and themes, never identities."""

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="child_feedback")
    gathered_on = models.DateField()
    method = models.CharField(max_length=200)
    children = models.PositiveIntegerField(default=0)
    young_people = models.PositiveIntegerField(default=0)
    families = models.PositiveIntegerField(default=0)
    themes = models.ManyToManyField(LearningTheme, related_name="+", blank=True)
    summary = models.TextField(blank=True, default="")
    consent_recorded = models.BooleanField()
    consent_how = models.CharField(max_length=500)

    class Meta:
        ordering = ["gathered_on", "id"]
        verbose_name = "children, young people and families' feedback"
        constraints = [
            models.CheckConstraint(condition=Q(consent_recorded=True), name="child_feedback_has_consent"),
            models.CheckConstraint(
                condition=Q(children__gt=0) | Q(young_people__gt=0) | Q(families__gt=0),
                name="child_feedback_counts_someone",
            ),
        ]

    def __str__(self) -> str:
        return self.method

    @property
    def total(self) -> int:
        return self.children + self.young_people + self.families


class FeedbackSurvey(_Dated, TenantModel):
    """An online survey of practitioners: built as a draft, opened to collect answers, closed."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    ALLOWED_MOVES = {
        State.DRAFT: frozenset({State.OPEN}),
        State.OPEN: frozenset({State.CLOSED}),
        State.CLOSED: frozenset(),
    }

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="feedback_surveys")
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True, default="")
    sent_count = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    token = models.CharField(max_length=64, unique=True, default=survey_token, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "feedback survey"

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(TenantModel):
    class Kind(models.TextChoices):
        TEXT = "text", "Written answer"
        SCALE = "scale", "Scale of 1 to 5"
        YES_NO = "yes_no", "Yes or no"

    survey = models.ForeignKey(FeedbackSurvey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    required = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "survey question"

    def __str__(self) -> str:
        return self.text[:200]


class SurveyResponse(TenantModel):
    """One person's answers, through the public link: no account, no identity."""

    survey = models.ForeignKey(FeedbackSurvey, on_delete=models.CASCADE, related_name="responses")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = "survey response"


class SurveyAnswer(TenantModel):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    text_value = models.TextField(blank=True, default="")
    scale_value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    yes_value = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name = "survey answer"
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="survey_answer_once_per_question"),
            models.CheckConstraint(
                condition=Q(scale_value__isnull=True) | Q(scale_value__gte=1, scale_value__lte=5),
                name="survey_answer_scale_1_to_5",
            ),
        ]


class EvaluationFigure(_Dated, TenantModel):
    """A figure from the feedback's evaluation, e.g. sessions' average evaluation score, 4.2 out of 5 from 31."""

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="evaluation_figures")
    label = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=9, decimal_places=2)
    out_of = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    respondents = models.PositiveIntegerField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "evaluation figure"

    def __str__(self) -> str:
        return self.label

    @property
    def shown(self) -> str:
        """The figure as read aloud: "4.2 out of 5" (no trailing zeros)."""
        text = f"{self.value.normalize():f}"
        if self.out_of is not None:
            text += f" out of {self.out_of.normalize():f}"
        return text


class YouSaidWeDid(_Dated, TenantModel):
    """What practitioners said and what the partnership did about it, published back to them."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    # A published entry can be taken back to draft to correct it; neither state is final.
    ALLOWED_MOVES = {
        State.DRAFT: frozenset({State.PUBLISHED}),
        State.PUBLISHED: frozenset({State.DRAFT}),
    }

    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="you_said_we_did")
    you_said = models.TextField()
    we_did = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "“you said, we did” entry"

    def __str__(self) -> str:
        return self.you_said[:200]
