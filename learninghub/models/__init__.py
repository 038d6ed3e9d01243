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
from learninghub.models.findings import HubAuditLink, HubDraftRecommendation, HubFinding, HubMeasure
from learninghub.models.members import HubMembershipRound, HubNomination, HubRole
from learninghub.models.observers import HubObserver
from learninghub.models.plans import (
    DeliveryPlan,
    EvidenceSource,
    PlanIndicator,
    PlanItem,
    PlanItemKind,
    PlanVersion,
)
from learninghub.models.sessions import HubSession, HubSessionAction, HubSessionAttendance, SessionKind

__all__ = ["HubCycle", "HubPhase", "HubTask", "PhaseKind"]
__all__ += ["HubAuditLink", "HubDraftRecommendation", "HubFinding", "HubMeasure"]
__all__ += ["HubMembershipRound", "HubNomination", "HubRole"]
__all__ += ["DeliveryPlan", "EvidenceSource", "PlanIndicator", "PlanItem", "PlanItemKind", "PlanVersion"]
__all__ += ["HubSession", "HubSessionAction", "HubSessionAttendance", "SessionKind"]
__all__ += ["HubObserver"]
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
