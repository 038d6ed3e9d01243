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
    "PlannedAudit",
    "QuestionKind",
    "Scale",
    "ScaleOption",
    "TemplateKind",
    "TemplateQuestion",
    "TemplateSection",
    "TemplateVersion",
    "YesPartlyNo",
]
