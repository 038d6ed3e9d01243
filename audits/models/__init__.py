"""Audits: templates as data, case audits and returns, Section 11 and s175 self-assessments."""

from audits.models.schools import School, SchoolImport
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
    "AuditTemplate",
    "QuestionKind",
    "Scale",
    "ScaleOption",
    "School",
    "SchoolImport",
    "TemplateKind",
    "TemplateQuestion",
    "TemplateSection",
    "TemplateVersion",
    "YesPartlyNo",
]
