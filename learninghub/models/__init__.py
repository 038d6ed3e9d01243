"""The learning hub: a cycle works one partnership priority through its phases, each with its checklist."""

from learninghub.models.cycles import HubCycle, HubPhase, HubTask, PhaseKind
from learninghub.models.feedback import (
    ChildFeedback,
    EvaluationFigure,
    FeedbackSurvey,
    PractitionerFeedbackSession,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    YouSaidWeDid,
)
from learninghub.models.members import HubMembershipRound, HubNomination, HubRole
from learninghub.models.plans import (
    DeliveryPlan,
    EvidenceSource,
    PlanIndicator,
    PlanItem,
    PlanItemKind,
    PlanVersion,
)

__all__ = ["HubCycle", "HubPhase", "HubTask", "PhaseKind"]
__all__ += ["HubMembershipRound", "HubNomination", "HubRole"]
__all__ += ["DeliveryPlan", "EvidenceSource", "PlanIndicator", "PlanItem", "PlanItemKind", "PlanVersion"]
__all__ += [
    "ChildFeedback",
    "EvaluationFigure",
    "FeedbackSurvey",
    "PractitionerFeedbackSession",
    "SurveyAnswer",
    "SurveyQuestion",
    "SurveyResponse",
    "YouSaidWeDid",
]
