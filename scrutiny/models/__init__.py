"""Scrutiny's own records, one module per concern, re-exported here."""

from scrutiny.models.challenges import Challenge as Challenge
from scrutiny.models.datasets import AgencyAnalysis, Indicator, IndicatorValue  # noqa: F401
from scrutiny.models.disagreements import DisagreementEscalation as DisagreementEscalation
from scrutiny.models.disagreements import DisagreementStage as DisagreementStage
from scrutiny.models.disagreements import ProfessionalDisagreement as ProfessionalDisagreement
from scrutiny.models.plan import ActivityKind as ActivityKind
from scrutiny.models.plan import EvidenceKind as EvidenceKind
from scrutiny.models.plan import EvidenceLink as EvidenceLink
from scrutiny.models.plan import PlanActivity as PlanActivity
from scrutiny.models.plan import ScrutinyPlan as ScrutinyPlan
from scrutiny.models.reports import (  # noqa: F401
    AgencyAnnualReport,
    ReportDocxDownload,
    ReportNarrative,
    ReportVersionDocx,
    ScrutinyReport,
)
