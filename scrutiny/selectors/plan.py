"""Reads of the scrutineer's annual plan: plans by year, a plan's activities by quarter and theme, an activity's
evidence and recommendations, and the plan's section of the scrutiny reports (key ``plan``, order 70).

Read by the partnership's leadership and the scrutineer (``PLAN_READ_ROLES``); written by the scrutineer alone
(``PLAN_WRITE_ROLES``): it is their own plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from partnership.models import OVERSIGHT_ROLES, LearningTheme, Partnership, Role, StatutoryPartner
from partnership.models.recommendations import Recommendation
from partnership.selectors.recommendations import recommendations_for_sources
from scrutiny.models import ActivityKind, EvidenceKind, EvidenceLink, PlanActivity, ScrutinyPlan
from scrutiny.models.plan import QUARTER_LABELS, reporting_year_label, reporting_year_of
from scrutiny.report_sections import ReportScope, ReportSection, ReportTable, report_section
from scrutiny.selectors.challenges import challenge_queryset
from scrutiny.selectors.evidence import evidence_url

# The vocabulary the pages and the API speak, so that they need not reach into the models.
PlanState = ScrutinyPlan.State
ActivityState = PlanActivity.State
LEAD_PARTNERS = StatutoryPartner
__all__ = [
    "LEAD_PARTNERS",
    "QUARTER_LABELS",
    "ActivityKind",
    "ActivityState",
    "EvidenceKind",
    "PlanState",
    "reporting_year_label",
]

PLAN_READ_ROLES = OVERSIGHT_ROLES
# The scrutineer's own plan: the one thing besides their challenges and report narrative they write.
PLAN_WRITE_ROLES = frozenset({Role.SCRUTINEER})


def scrutiny_plans(*, partnership: Partnership) -> QuerySet[ScrutinyPlan]:
    """The partnership's plans, newest year first, each with its count of activities (one query)."""
    return ScrutinyPlan.objects.in_partnership(partnership).annotate(activity_count=Count("activities"))


def scrutiny_plan_get(*, partnership: Partnership, plan_id: int) -> ScrutinyPlan:
    plan = ScrutinyPlan.objects.in_partnership(partnership).filter(pk=plan_id).first()
    if plan is None:
        raise Http404("No such scrutiny plan.")
    return plan


def plan_activity_get(*, partnership: Partnership, activity_id: int) -> PlanActivity:
    activity = (
        PlanActivity.objects.in_partnership(partnership).select_related("plan", "theme").filter(pk=activity_id).first()
    )
    if activity is None:
        raise Http404("No such scrutiny activity.")
    return activity


def evidence_link_get(*, partnership: Partnership, activity: PlanActivity, link_id: int) -> EvidenceLink:
    link = EvidenceLink.objects.in_partnership(partnership).filter(activity=activity, pk=link_id).first()
    if link is None:
        raise Http404("No such evidence.")
    return link


def plan_year_choices(*, today: date) -> list[int]:
    """The reporting years a plan can be started for: last year, this year and the next two."""
    current = reporting_year_of(today)
    return list(range(current - 1, current + 3))


def theme_choices(*, partnership: Partnership) -> list[LearningTheme]:
    return list(LearningTheme.objects.in_partnership(partnership).filter(is_active=True))


@dataclass
class QuarterActivities:
    quarter: int
    label: str
    activities: list[PlanActivity]


@dataclass
class PlanPage:
    plan: ScrutinyPlan
    quarters: list[QuarterActivities]
    # (theme name, activities under it), themes in name order, activities without a theme last.
    themes: list[tuple[str, int]] = field(default_factory=list)
    counts_by_state: dict[str, int] = field(default_factory=dict)


def scrutiny_plan_page(*, partnership: Partnership, plan: ScrutinyPlan) -> PlanPage:
    """A plan's activities by quarter, with counts by theme and by state (one query for the activities)."""
    activities = list(
        PlanActivity.objects.in_partnership(partnership)
        .filter(plan=plan)
        .select_related("theme")
        .annotate(evidence_count=Count("evidence"))
    )
    quarters = [
        QuarterActivities(quarter=q, label=label, activities=[a for a in activities if a.quarter == q])
        for q, label in QUARTER_LABELS.items()
    ]
    by_theme: dict[str, int] = {}
    for activity in activities:
        name = activity.theme.name if activity.theme else "No theme"
        by_theme[name] = by_theme.get(name, 0) + 1
    themes = sorted(by_theme.items(), key=lambda item: (item[0] == "No theme", item[0]))
    counts = {label: sum(1 for a in activities if a.state == state) for state, label in PlanActivity.State.choices}
    return PlanPage(plan=plan, quarters=quarters, themes=themes, counts_by_state=counts)


@dataclass
class ActivityPage:
    activity: PlanActivity
    evidence: list[EvidenceLink]
    recommendations: list[Recommendation]
    challenges: list = field(default_factory=list)


def activity_challenges(*, partnership: Partnership, activity: PlanActivity) -> list:
    """The challenges the activity raised: those raised about the activity's page (its "raise a challenge" link
    carries the page as the challenge's subject), oldest first. One query."""
    path = reverse("scrutiny:plan_activity", kwargs={"slug": partnership.slug, "plan_activity_id": activity.pk})
    return list(
        challenge_queryset(partnership=partnership)
        .filter(Q(subject_path=path) | Q(subject_path__startswith=f"{path}?") | Q(subject_path__startswith=f"{path}#"))
        .order_by("raised_on", "id")
    )


def plan_activity_page(*, partnership: Partnership, activity: PlanActivity) -> ActivityPage:
    """An activity with its evidence (each with the record's page) and the recommendations it raised."""
    evidence = list(EvidenceLink.objects.in_partnership(partnership).filter(activity=activity))
    for link in evidence:
        link.url = evidence_url(partnership=partnership, kind=link.kind, record_id=link.record_id)
    recommendations = recommendations_for_sources(
        partnership=partnership, model=PlanActivity, source_ids=[activity.pk]
    ).get(activity.pk, [])
    return ActivityPage(
        activity=activity,
        evidence=evidence,
        recommendations=list(recommendations),
        challenges=activity_challenges(partnership=partnership, activity=activity),
    )


@report_section(key="plan", order=70)
def plan_report_section(scope: ReportScope) -> ReportSection | None:
    """The activities of the plans covering the period (by the quarters of their reporting years that fall in it),
    with what each found and how many records were seen; nothing when no activity falls in the period."""
    years = range(reporting_year_of(scope.start), reporting_year_of(scope.end) + 1)
    activities = (
        PlanActivity.objects.in_partnership(scope.partnership)
        .filter(plan__year__in=list(years))
        .select_related("plan", "theme")
        .annotate(evidence_count=Count("evidence"))
        .order_by("plan__year", "quarter", "id")
    )
    rows = []
    for activity in activities:
        starts = _quarter_start(activity.plan.year, activity.quarter)
        ends = _quarter_end(activity.plan.year, activity.quarter)
        if ends < scope.start or starts > scope.end:
            continue
        rows.append(
            (
                f"{reporting_year_label(activity.plan.year)} Q{activity.quarter}",
                activity.title,
                activity.get_kind_display(),
                activity.theme.name if activity.theme else "",
                activity.get_state_display(),
                activity.findings or (activity.dropped_reason and f"Dropped: {activity.dropped_reason}") or "",
                str(activity.evidence_count),
            )
        )
    if not rows:
        return None
    done = sum(1 for row in rows if row[4] == PlanActivity.State.DONE.label)
    return ReportSection(
        key="plan",
        title="The scrutiny plan's activities",
        paragraphs=(f"{len(rows)} planned scrutiny activities fell in the period; {done} were done.",),
        tables=(
            ReportTable(
                caption="Scrutiny activities in the period",
                headers=("Quarter", "Activity", "Kind", "Theme", "State", "Findings", "Records seen"),
                rows=tuple(rows),
            ),
        ),
    )


def _quarter_start(year: int, quarter: int) -> date:
    month = 4 + 3 * (quarter - 1)
    return date(year + (month > 12), (month - 1) % 12 + 1, 1)


def _quarter_end(year: int, quarter: int) -> date:
    start = _quarter_start(year, quarter)
    month = start.month + 3
    following = date(start.year + (month > 12), (month - 1) % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)
