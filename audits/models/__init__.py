"""Audits: templates as data, case audits and returns, Section 11 and s175 self-assessments."""

from audits.models.case_audits import (
    MONTHS,
    AuditAnswer,
    AuditCase,
    AuditFinding,
    AuditReturn,
    AuditReturnGroupObjectPermission,
    AuditReturnUserObjectPermission,
    AuditRound,
    FindingKind,
    PlannedAudit,
)
from audits.models.schools import School, SchoolImport
from audits.models.self_assessment import (
    GapAction,
    ReturnGroupObjectPermission,
    ReturnStandard,
    ReturnUserObjectPermission,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
)
from audits.models.templates import (
    AuditTemplate,
    QuestionKind,
    Scale,
    ScaleOption,
    TemplateKind,
    TemplateQuestion,
    TemplateSection,
    TemplateVersion,
    YesPartlyNo,
)

__all__ = [
    "MONTHS",
    "AuditAnswer",
    "AuditCase",
    "AuditFinding",
    "AuditReturn",
    "AuditReturnGroupObjectPermission",
    "AuditReturnUserObjectPermission",
    "AuditRound",
    "AuditTemplate",
    "FindingKind",
    "GapAction",
    "PlannedAudit",
    "QuestionKind",
    "ReturnGroupObjectPermission",
    "ReturnStandard",
    "ReturnUserObjectPermission",
    "Scale",
    "ScaleOption",
    "School",
    "SchoolImport",
    "SelfAssessmentCycle",
    "SelfAssessmentReturn",
    "TemplateKind",
    "TemplateQuestion",
    "TemplateSection",
    "TemplateVersion",
    "YesPartlyNo",
]
