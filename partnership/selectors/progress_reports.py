"""The board's progress report: the figures its PDF and its DOCX are both made from, in a fixed number of queries.

One selector, ``board_report_figures``, reads everything the paper shows as at a
date: recommendations by state and age, actions by RAG and agency, overdue
plans and actions, and completed recommendations with their impact. The PDF
template and the DOCX builder take the same ``BoardReportFigures``, so the two
papers cannot disagree. States are as they are now; "overdue" and "age" are
measured at the report's date (a board paper is written about the present).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils import timezone

from partnership.models import Deadline, Membership, Partnership
from partnership.models.recommendations import Action, ActionPlan, ProgressReport, Rag, Recommendation, StoredFile
from partnership.selectors.deadlines import working_day_calendars
from partnership.selectors.recommendation_access import recommendations_readable_by

DEADLINE_ACTION_PLAN = "action_plan.due"
State = Recommendation.State

# (key, label, from days old, up to days old): a recommendation's age is counted from when it was made.
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("under_3_months", "Under 3 months", 0, 91),
    ("3_to_6_months", "3 to 6 months", 91, 183),
    ("6_to_12_months", "6 to 12 months", 183, 366),
    ("over_a_year", "Over a year", 366, None),
)
# The impact section covers the year to the report's date: a board reads what changed lately, not a decade of it.
COMPLETED_WITHIN_DAYS = 365
RAG_ORDER = (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.COMPLETE)
# Actions that still count on the board's RAG table: those of plans being made or delivered, and just completed.
LIVE_STATES = (State.ACTION_PLANNING, State.IN_PROGRESS, State.COMPLETED)


@dataclass(frozen=True)
class StateRow:
    state: str
    label: str
    by_age: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_age)


@dataclass(frozen=True)
class AgencyRow:
    agency: str
    by_rag: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_rag)


@dataclass(frozen=True)
class OverduePlan:
    reference: str
    text: str
    lead_partner: str
    due_on: date
    working_days_overdue: int


@dataclass(frozen=True)
class OverdueAction:
    reference: str
    position: int
    what: str
    agency: str
    lead: str
    due_on: date
    rag: str
    working_days_overdue: int


@dataclass(frozen=True)
class CompletedRecommendation:
    reference: str
    text: str
    state: str
    completed_on: date | None
    impact_evidence: str


@dataclass
class BoardReportFigures:
    as_of: date
    age_bands: list[str]
    states: list[StateRow]
    rag_labels: list[str]
    agencies: list[AgencyRow]
    overdue_plans: list[OverduePlan]
    overdue_actions: list[OverdueAction]
    completed: list[CompletedRecommendation]
    totals_by_age: tuple[int, ...] = field(default=())
    totals_by_rag: tuple[int, ...] = field(default=())

    @property
    def recommendations_total(self) -> int:
        return sum(row.total for row in self.states)

    @property
    def actions_total(self) -> int:
        return sum(row.total for row in self.agencies)


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _age_band(as_of: date) -> Case:
    end = _end_of(as_of)
    whens = []
    for key, _label, _low, high in AGE_BANDS:
        if high is None:
            whens.append(When(created_at__lt=end, then=Value(key)))
        else:
            whens.append(When(created_at__gte=end - timedelta(days=high), then=Value(key)))
    return Case(*whens, output_field=CharField())


def board_report_figures(*, partnership: Partnership, as_of: date) -> BoardReportFigures:
    """The report's figures as at ``as_of``. Six queries, however many recommendations and actions."""
    end = _end_of(as_of)
    band_keys = [key for key, *_ in AGE_BANDS]

    # 1. Recommendations by state and age band.
    counts: dict[tuple[str, str], int] = {}
    for row in (
        Recommendation.objects.in_partnership(partnership)
        .filter(created_at__lt=end)
        .annotate(band=_age_band(as_of))
        .values("state", "band")
        .annotate(n=Count("id"))
        .order_by()
    ):
        counts[(row["state"], row["band"])] = row["n"]
    states = [
        StateRow(state=value, label=label, by_age=tuple(counts.get((value, key), 0) for key in band_keys))
        for value, label in State.choices
    ]

    # 2. Actions by lead agency and RAG.
    by_agency: dict[str, dict[str, int]] = {}
    for row in (
        Action.objects.in_partnership(partnership)
        .filter(created_at__lt=end, plan__recommendation__state__in=LIVE_STATES)
        .values("lead_agency__name", "rag")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_agency.setdefault(row["lead_agency__name"], {})[row["rag"]] = row["n"]
    agencies = [
        AgencyRow(agency=name, by_rag=tuple(rags.get(rag, 0) for rag in RAG_ORDER))
        for name, rags in sorted(by_agency.items(), key=lambda item: item[0].lower())
    ]

    # 3. Plans still being made after their 10 working days.
    plan_due = (
        Deadline.objects.in_partnership(partnership)
        .filter(
            subject_type=ContentType.objects.get_for_model(ActionPlan),
            subject_id=OuterRef("pk"),
            kind=DEADLINE_ACTION_PLAN,
            state=Deadline.State.OPEN,
        )
        .values("due_on")[:1]
    )
    plans = list(
        ActionPlan.objects.in_partnership(partnership)
        .filter(recommendation__state=State.ACTION_PLANNING)
        .annotate(due_on=Subquery(plan_due))
        .filter(due_on__lt=as_of)
        .select_related("recommendation")
        .order_by("due_on", "id")
    )

    # 4. Actions past their due date, not complete, of plans still open.
    actions = list(
        Action.objects.in_partnership(partnership)
        .filter(
            completed_at__isnull=True,
            due_on__lt=as_of,
            plan__recommendation__state__in=(State.ACTION_PLANNING, State.IN_PROGRESS),
        )
        .select_related("plan__recommendation", "lead_agency", "lead_person")
        .order_by("due_on", "lead_agency__name", "id")
    )

    # 5. Completed in the year to the report's date (closed since, too), with the evidence of their impact.
    completed = list(
        Recommendation.objects.in_partnership(partnership)
        .filter(
            state__in=(State.COMPLETED, State.CLOSED),
            completed_at__gte=end - timedelta(days=COMPLETED_WITHIN_DAYS),
            completed_at__lt=end,
        )
        .order_by("-completed_at", "-id")
        .values("reference", "text", "state", "completed_at", "impact_evidence")
    )

    # 6. The calendar (its closure days), for "working days overdue".
    calendar = working_day_calendars(partnership_ids=[partnership.pk], nations={partnership.pk: partnership.nation})[
        partnership.pk
    ]
    plan_days = calendar.working_days_between_many(as_of, [p.due_on for p in plans])
    action_days = calendar.working_days_between_many(as_of, [a.due_on for a in actions])
    state_labels = dict(State.choices)
    return BoardReportFigures(
        as_of=as_of,
        age_bands=[label for _key, label, *_ in AGE_BANDS],
        states=states,
        rag_labels=[Rag(rag).label for rag in RAG_ORDER],
        agencies=agencies,
        overdue_plans=[
            OverduePlan(
                reference=p.recommendation.reference,
                text=p.recommendation.text,
                lead_partner=p.recommendation.get_lead_partner_display(),
                due_on=p.due_on,
                working_days_overdue=max(0, -days),
            )
            for p, days in zip(plans, plan_days, strict=True)
        ],
        overdue_actions=[
            OverdueAction(
                reference=a.plan.recommendation.reference,
                position=a.position,
                what=a.what,
                agency=a.lead_agency.name,
                lead=(a.lead_person.full_name or a.lead_person.email) if a.lead_person else "",
                due_on=a.due_on,
                rag=a.get_rag_display(),
                working_days_overdue=max(0, -days),
            )
            for a, days in zip(actions, action_days, strict=True)
        ],
        completed=[
            CompletedRecommendation(
                reference=row["reference"],
                text=row["text"],
                state=state_labels[row["state"]],
                completed_on=timezone.localdate(row["completed_at"]) if row["completed_at"] else None,
                impact_evidence=row["impact_evidence"],
            )
            for row in completed
        ],
        totals_by_age=tuple(sum(row.by_age[i] for row in states) for i in range(len(band_keys))),
        totals_by_rag=tuple(sum(row.by_rag[i] for row in agencies) for i in range(len(RAG_ORDER))),
    )


# --- The reports themselves ----------------------------------------------------------------------------


def progress_reports_readable(*, membership: Membership) -> bool:
    return recommendations_readable_by(membership)


def progress_report_list(*, partnership: Partnership, membership: Membership) -> QuerySet[ProgressReport]:
    if not progress_reports_readable(membership=membership):
        raise Http404("No such page.")
    return ProgressReport.objects.in_partnership(partnership).select_related("requested_by").order_by("-as_of", "-id")


def progress_report_get(*, partnership: Partnership, membership: Membership, report_id: int) -> ProgressReport:
    report = progress_report_list(partnership=partnership, membership=membership).filter(pk=report_id).first()
    if report is None:
        raise Http404("No such report.")
    report.partnership = partnership
    return report


def progress_report_docx_file(*, partnership: Partnership, report: ProgressReport, with_data: bool = False):
    """The report's Word copy (the newest, should there be several), or None."""
    files = StoredFile.objects.in_partnership(partnership).filter(
        owner_type=ContentType.objects.get_for_model(ProgressReport), owner_id=report.pk
    )
    if not with_data:
        files = files.defer("data")
    return files.order_by("-uploaded_at", "-id").first()
