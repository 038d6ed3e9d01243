"""Reads of professional disagreements: the list (by stage and state), one with its escalations, the dashboard's
figures (open ones by stage, their ages in working days) and the reports' section (key ``disagreements``, order 80).

Ages are in the partnership's working days (its nation's bank holidays and its closure days left out), counted as
every clock of the product is: from the day raised (day 0) to today.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from partnership.models import OVERSIGHT_ROLES, Agency, Partnership, Role
from partnership.selectors import working_day_calendar
from scrutiny.models import DisagreementEscalation, DisagreementStage, ProfessionalDisagreement
from scrutiny.models.disagreements import STAGE_ORDER, SUMMARY_HELP
from scrutiny.report_sections import ReportScope, ReportSection, ReportTable, report_section

# The vocabulary the pages and the API speak, so that they need not reach into the models.
DisagreementState = ProfessionalDisagreement.State
__all__ = ["STAGE_ORDER", "SUMMARY_HELP", "DisagreementStage", "DisagreementState"]

# Leadership, the scrutineer and the agency leads read them; the business managers and agency leads record and
# escalate them, and the scrutineer acts at the last stage (scrutiny.services.disagreements says who on which).
DISAGREEMENT_READ_ROLES = frozenset({*OVERSIGHT_ROLES, Role.AGENCY_LEAD})
DISAGREEMENT_RECORD_ROLES = frozenset({Role.BUSINESS_MANAGER, Role.AGENCY_LEAD})
DISAGREEMENT_ACT_ROLES = frozenset({Role.BUSINESS_MANAGER, Role.AGENCY_LEAD, Role.SCRUTINEER})


def disagreement_list(
    *, partnership: Partnership, stage: str | None = None, state: str | None = None
) -> QuerySet[ProfessionalDisagreement]:
    """The partnership's disagreements, newest raised first, with both agencies loaded (one query a page)."""
    qs = ProfessionalDisagreement.objects.in_partnership(partnership).select_related("raised_by_agency", "with_agency")
    if stage:
        qs = qs.filter(stage=stage)
    if state:
        qs = qs.filter(state=state)
    return qs


def disagreement_get(*, partnership: Partnership, disagreement_id: int) -> ProfessionalDisagreement:
    disagreement = disagreement_list(partnership=partnership).filter(pk=disagreement_id).first()
    if disagreement is None:
        raise Http404("No such disagreement.")
    return disagreement


def disagreement_escalations(
    *, partnership: Partnership, disagreement: ProfessionalDisagreement
) -> list[DisagreementEscalation]:
    return list(DisagreementEscalation.objects.in_partnership(partnership).filter(disagreement=disagreement))


def agency_choices(*, partnership: Partnership) -> list[Agency]:
    return list(Agency.objects.in_partnership(partnership).order_by("name"))


@dataclass(frozen=True)
class StageFigures:
    stage: str
    label: str
    open: int


@dataclass(frozen=True)
class DisagreementFigures:
    today: date
    stages: tuple[StageFigures, ...]
    open: int
    resolved: int
    # Of the open ones, in working days since raised; None when none is open.
    median_age: float | None
    oldest_age: int | None


def disagreement_figures(*, partnership: Partnership, today: date) -> DisagreementFigures:
    """Open disagreements by stage, how many are resolved, and the median and oldest age of the open ones in
    working days since raised (day 0: the day raised). Two queries and the calendar's closure days."""
    counts = dict(
        ProfessionalDisagreement.objects.in_partnership(partnership)
        .values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    raised = list(
        ProfessionalDisagreement.objects.in_partnership(partnership)
        .filter(state=ProfessionalDisagreement.State.OPEN)
        .values_list("stage", "raised_on")
    )
    by_stage = dict.fromkeys(DisagreementStage.values, 0)
    for stage, _raised_on in raised:
        by_stage[stage] += 1
    ages: list[int] = []
    if raised:
        calendar = working_day_calendar(partnership=partnership)
        ages = [calendar.working_days_between(raised_on, today) for _stage, raised_on in raised]
    return DisagreementFigures(
        today=today,
        stages=tuple(
            StageFigures(stage=stage, label=label, open=by_stage[stage]) for stage, label in DisagreementStage.choices
        ),
        open=counts.get(ProfessionalDisagreement.State.OPEN, 0),
        resolved=counts.get(ProfessionalDisagreement.State.RESOLVED, 0),
        median_age=statistics.median(ages) if ages else None,
        oldest_age=max(ages) if ages else None,
    )


@report_section(key="disagreements", order=80)
def disagreements_report_section(scope: ReportScope) -> ReportSection | None:
    """The disagreements raised or resolved in the period: between which agencies, the stage they reached, the
    outcome and the learning. Agencies only: no child is named (the summary is left out of the report too)."""
    rows = list(
        ProfessionalDisagreement.objects.in_partnership(scope.partnership)
        .filter(Q(raised_on__range=(scope.start, scope.end)) | Q(resolved_on__range=(scope.start, scope.end)))
        .select_related("raised_by_agency", "with_agency")
        .order_by("raised_on", "id")
    )
    if not rows:
        return None
    reached = {label: sum(1 for d in rows if d.stage == stage) for stage, label in DisagreementStage.choices}
    resolved = sum(1 for d in rows if d.state == ProfessionalDisagreement.State.RESOLVED)
    return ReportSection(
        key="disagreements",
        title="Professional disagreements",
        paragraphs=(
            f"{len(rows)} professional disagreements between agencies were raised or resolved in the period; "
            f"{resolved} are resolved. Highest stage reached: "
            + "; ".join(f"{label}: {n}" for label, n in reached.items())
            + ".",
        ),
        tables=(
            ReportTable(
                caption="Professional disagreements in the period",
                headers=("Raised", "Raised by", "With", "Stage reached", "State", "Resolved", "Outcome", "Learning"),
                rows=tuple(
                    (
                        f"{d.raised_on:%-d %b %Y}",
                        d.raised_by_agency.name,
                        d.with_agency.name,
                        d.get_stage_display(),
                        d.get_state_display(),
                        f"{d.resolved_on:%-d %b %Y}" if d.resolved_on else "",
                        d.outcome,
                        d.learning,
                    )
                    for d in rows
                ),
            ),
        ),
    )
