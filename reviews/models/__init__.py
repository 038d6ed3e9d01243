"""Serious incidents, rapid reviews and learning reviews."""

from reviews.models.incidents import (
    MAX_CHILDREN_PER_INCIDENT,
    PANEL_NOTIFICATION_WORKING_DAYS,
    Child,
    HarmOutcome,
    IdentityView,
    SeriousIncident,
)
from reviews.models.learning_review import (
    OUTCOMES_WORD_LIMIT,
    Contributor,
    LearningReview,
    OutcomeComment,
    OutcomeRecommendation,
    OutcomesForm,
    Publication,
)
from reviews.models.rapid_review import (
    MEETING_WINDOW_CLOSES_DAY,
    MEETING_WINDOW_OPENS_DAY,
    PANEL_SUBMISSION_DAY,
    RETURNS_DUE_DAY,
    SCOPING_SENT_DAY,
    DecisionOutcome,
    InformationRequest,
    MeetingAttendee,
    Methodology,
    RapidReview,
    RapidReviewDecision,
)

__all__ = [
    "MAX_CHILDREN_PER_INCIDENT",
    "MEETING_WINDOW_CLOSES_DAY",
    "MEETING_WINDOW_OPENS_DAY",
    "OUTCOMES_WORD_LIMIT",
    "PANEL_NOTIFICATION_WORKING_DAYS",
    "PANEL_SUBMISSION_DAY",
    "RETURNS_DUE_DAY",
    "SCOPING_SENT_DAY",
    "Child",
    "Contributor",
    "DecisionOutcome",
    "HarmOutcome",
    "IdentityView",
    "InformationRequest",
    "LearningReview",
    "MeetingAttendee",
    "Methodology",
    "OutcomeComment",
    "OutcomeRecommendation",
    "OutcomesForm",
    "Publication",
    "RapidReview",
    "RapidReviewDecision",
    "SeriousIncident",
]
