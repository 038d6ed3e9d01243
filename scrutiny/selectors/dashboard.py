"""The scrutiny dashboard's figures, read from the other apps through their selectors.

Each panel is one question an independent scrutineer asks of the partnership (DOMAIN.md, "Recommendations, action
plans, scrutiny"), answered once and shown three ways from the same object: a chart (``scrutiny.charts``), the
table beside it, and a CSV. Every figure carries the link to the records it counts, built from the filter the
owning app's list already understands, so a count and its list cannot disagree.

Panels, each for the period chosen (every year, a year, a quarter or custom dates) and, where an agency means
something for it, the agency chosen:

- ``notification``: rapid reviews by quarter of their Panel notification, the Panel notified within 5 working days
  of the local authority becoming aware or later; by referring agency;
- ``timeliness``: rapid reviews by quarter of their Panel notification, sent within 15 working days, late (sent
  after day 15 or open past it) and open not yet due (``reviews.selectors.timeliness``); by referring agency;
- ``decisions``: rapid reviews by year of notification, by the meeting's decision (LCSPR, another learning review,
  no further review, not yet decided) (``reviews.selectors.figures``); by referring agency;
- ``learning_reviews``: learning reviews opened in the period by methodology and today's stage;
- ``recommendations``: the register by state, as of today (``partnership.selectors.recommendations``);
- ``overdue_actions``: open actions past their due date by lead agency, as of today, counting only the actions the
  reader may see (``partnership.selectors.action_plans``); the agency chosen only;
- ``audit_grades``: agencies' case audit returns by year of their round, every grade meeting the scale's standard or
  one below it, the moderated grade counting (``audits.selectors.findings``); by the return's agency;
- ``themes``: learning themes tagged in the period, with how many records, kinds of source and years
  (``partnership.selectors.recommendations.theme_recurrence``);
- ``section_11`` and ``section_175``: heat maps of the latest Section 11 (agencies) and s175 (schools)
  self-assessment cycle opened in the period, or of the cycle chosen for each (whenever it opened), each agency or
  school against each standard, its self score and the moderated score (``audits.selectors.compliance_heatmap``; one
  query for both); the agency chosen only. A table, never a colour alone: every cell says its scores in words;
- ``hub_cycles``: the learning hub's cycles running in the period, each with its phase today and its checklist
  done and still to do (``learninghub.selectors.cycles.hub_cycle_progress``); the agency filter does not apply;
- ``open_reviews``: rapid reviews and learning reviews not yet closed, by stage, by the working days left to their
  statutory deadline (overdue, 0 to 5, 6 to 10, 11 or more), as of today (``reviews.selectors.open_reviews``); the
  period and agency filters do not apply;
- ``recommendation_age``: recommendations agreed (signed off) and not yet completed, by state and months since they
  were agreed, as of today (``partnership.selectors.recommendations.recommendation_age_counts``);
- ``overdue_by_partner``: the overdue actions again, by the statutory partner leading their recommendation
  (``partnership.selectors.action_plans.overdue_actions_by_partner``); the agency chosen only.

Review figures and the recommendations' ages link to ``scrutiny:panel_records`` (``figure_records``), which lists
the records through the same filter the count used; the register and the overdue actions (by lead agency and by
statutory partner) link to their own lists.

A fixed number of queries whatever the partnership's size: one for the years, one for the agencies, one for the
cycles the heat maps offer (the page's form; a chart or CSV validates its cycle against them too), three or four
for both timeliness panels, one for decisions, one for learning reviews, one for the register's states, one for the
overdue actions, one for the audit grades, one for the themes, one for both compliance heat maps, one for the hub
cycles, two for the open reviews (the working-day calendar and the counts), one for the recommendations' ages, one for
the overdue actions by partner.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from audits.selectors.compliance_heatmap import (
    HEATMAP_SCORES,
    SECTION_11,
    SECTION_175,
    HeatmapScore,
    compliance_heatmap_cycles,
    compliance_heatmap_scores,
    weakness_of_scores,
)
from audits.selectors.findings import GRADE_OUTCOMES, grade_outcomes_by_year, graded_returns_for_figure
from learninghub.selectors.cycles import PHASE_LABELS, hub_cycle_progress
from partnership.figures_cache import figures_cached
from partnership.models import OVERSIGHT_ROLES, Membership, Partnership, StatutoryPartner
from partnership.models.recommendations import Recommendation
from partnership.selectors import agency_choices, working_day_calendar
from partnership.selectors.action_plans import overdue_actions_by_agency, overdue_actions_by_partner
from partnership.selectors.recommendation_access import action_visibility_key
from partnership.selectors.recommendations import (
    AGE_BUCKETS,
    AGREED_OPEN_STATES,
    recommendation_age_counts,
    recommendations_for_age_figure,
    register_state_counts,
    theme_recurrence,
)
from reviews.models import LearningReview, Methodology
from reviews.selectors.figures import (
    DECISION_COLUMNS,
    decision_filter,
    learning_review_counts,
    learning_review_filter,
    learning_reviews_for_figure,
    rapid_review_decision_counts,
    rapid_reviews_for_figure,
)
from reviews.selectors.open_reviews import (
    BUCKET_LABELS,
    OPEN_STAGES,
    deadline_buckets,
    open_review_deadline_counts,
    open_reviews_for_figure,
)
from reviews.selectors.timeliness import (
    rapid_review_timeliness,
    rapid_review_timeliness_years,
    timeliness_filter,
)
from scrutiny.charts import BarChart, Series, bar_chart_svg
from scrutiny.report_sections import ReportChart, ReportScope, ReportSection, ReportTable, report_section
from scrutiny.selectors.disagreements import DisagreementFigures, disagreement_figures
from scrutiny.selectors.period import EVERY_YEAR, Period

# Who reads the dashboard: the business managers, the three statutory partners' leads and the independent scrutineer.
SCRUTINY_READER_ROLES = OVERSIGHT_ROLES

PANEL_KEYS = (
    "notification",
    "timeliness",
    "decisions",
    "learning_reviews",
    "recommendations",
    "recommendation_age",
    "overdue_actions",
    "overdue_by_partner",
    "audit_grades",
    "themes",
    "section_11",
    "section_175",
    "hub_cycles",
    "open_reviews",
)
# The statutory partners (value, label) who lead recommendations: the overdue actions list's filter.
STATUTORY_PARTNERS = tuple(StatutoryPartner.choices)
# The compliance heat maps: a table of scores per agency and standard, shown without a bar chart.
HEATMAP_PANELS = {"section_11": SECTION_11, "section_175": SECTION_175}
# The rows a heat map shows on the dashboard, the weakest first; its CSV and the cycle's compliance matrix have all.
HEATMAP_DASHBOARD_ROWS = 25
# The rows a heat map lists in a scrutiny report, the weakest first, after every standard's count of agencies or
# schools at each score. At national volume (535 schools, 141 agencies) the two grids took 58 of the annual report's
# 117 pages and three quarters of its render time: lists no reader of a published report reads row by row.
HEATMAP_REPORT_ROWS = 25
# The panels whose figures list their records on ``scrutiny:panel_records``.
RECORD_PANELS = (
    "notification",
    "timeliness",
    "decisions",
    "learning_reviews",
    "audit_grades",
    "open_reviews",
    "recommendation_age",
)


@dataclass(frozen=True)
class Figure:
    # A count; in a heat map, the score that counts (the moderated one where there is one), None when unscored.
    value: int | None
    # The list of exactly the records counted; empty when there is nothing to list (a zero).
    url: str
    # A heat map cell's scores in words ("Self 2, moderated 1"): the cell is never read from its colour alone.
    text: str = ""

    @property
    def heat_class(self) -> str:
        """The heat map cell's style: one per score of the 0 to 3 scales, a neutral one for any other."""
        return f"heat-{self.value}" if self.value in (0, 1, 2, 3) else "heat-none"


@dataclass(frozen=True)
class Panel:
    key: str
    chart: BarChart
    # The first column's heading (what each row is); the other columns are the chart's series.
    row_heading: str
    rows: tuple[tuple[str, tuple[Figure, ...]], ...]
    # How to read the figures: what is counted, as of when.
    explanation: str
    # A heat map (``HEATMAP_PANELS``): shown as its table only; its cells carry ``text``.
    heatmap: bool = False
    # A heat map on the dashboard shows only its weakest rows: how many rows it has in all (None: every row is
    # shown), and the cycle's compliance matrix, which lists them all.
    rows_total: int | None = None
    matrix_url: str = ""

    @property
    def column_headings(self) -> tuple[str, ...]:
        return (self.row_heading, *(series.name for series in self.chart.series))

    def csv_rows(self) -> list[list[object]]:
        return [
            list(self.column_headings),
            *([label, *((f.text if self.heatmap else f.value) for f in figures)] for label, figures in self.rows),
        ]


@dataclass(frozen=True)
class Dashboard:
    period: Period
    agency_id: int | None
    years: list[int]
    today: date
    panels: tuple[Panel, ...]
    # Professional disagreements by stage and age (scrutiny.selectors.disagreements); on the whole page only.
    disagreements: DisagreementFigures | None = None
    # The cycle chosen for each heat map ({panel key: cycle id}); a heat map not in it shows the period's latest.
    cycles: dict[str, int] = field(default_factory=dict)

    @property
    def year(self) -> int | None:
        return self.period.year if self.period.kind == "year" else None

    @property
    def query(self) -> str:
        """The filters as a query string, for the links to this dashboard's charts, CSVs and lists."""
        agency = f"&agency={self.agency_id}" if self.agency_id else ""
        cycles = "".join(f"&{key}_cycle={self.cycles[key]}" for key in HEATMAP_PANELS if key in self.cycles)
        return "?" + self.period.query() + agency + cycles

    def panel(self, key: str) -> Panel:
        return next(panel for panel in self.panels if panel.key == key)


def dashboard_years(*, partnership: Partnership) -> list[int]:
    """The years the period filter offers: those with a rapid review notified, newest first."""
    return rapid_review_timeliness_years(partnership=partnership)


def dashboard_agencies(*, partnership: Partnership) -> list[tuple[int, str]]:
    """The agencies the agency filter offers (id, name): the partnership's active ones, by name."""
    return list(agency_choices(partnership=partnership).values_list("pk", "name"))


def dashboard_cycles(*, partnership: Partnership) -> dict[str, list[tuple[int, str]]]:
    """The cycles each heat map offers ({panel key: [(id, title)]}), newest year first; one query for both."""
    offered: dict[str, list[tuple[int, str]]] = {key: [] for key in HEATMAP_PANELS}
    for cycle in compliance_heatmap_cycles(partnership=partnership):
        offered[cycle.kind].append((cycle.cycle_id, cycle.title))
    return offered


@dataclass(frozen=True)
class DashboardChoices:
    """What the dashboard's filters offer: ``dashboard_years``, ``dashboard_agencies`` and ``dashboard_cycles``."""

    years: list[int]
    agencies: list[tuple[int, str]]
    cycles: dict[str, list[tuple[int, str]]]


def dashboard_choices(*, partnership: Partnership) -> DashboardChoices:
    """The filters' choices, kept until the partnership's records change (partnership.figures_cache)."""
    return figures_cached(
        partnership_id=partnership.pk,
        parts=("scrutiny dashboard choices",),
        compute=lambda: DashboardChoices(
            years=dashboard_years(partnership=partnership),
            agencies=dashboard_agencies(partnership=partnership),
            cycles=dashboard_cycles(partnership=partnership),
        ),
    )


def dashboard_reader_key(membership: Membership | None) -> str:
    """What a reader's dashboard depends on besides the filters and the records: the actions they may see (the
    overdue actions' panels count those alone). Readers with the same key see the same figures."""
    return action_visibility_key(membership)


def scrutiny_dashboard_kept(
    *,
    partnership: Partnership,
    membership: Membership | None,
    today: date,
    year: int | None = None,
    years: list[int],
    period: Period | None = None,
    agency_id: int | None = None,
    cycles: dict[str, int] | None = None,
    only: str | None = None,
) -> Dashboard:
    """``scrutiny_dashboard``, kept for the same filters, date and reader until the partnership's records change
    (partnership.figures_cache): at national volume its figures are a tenth of a second of queries and drawing."""
    arguments = {
        "today": today,
        "year": year,
        "years": list(years),
        "period": period,
        "agency_id": agency_id,
        "cycles": dict(sorted((cycles or {}).items())),
        "only": only,
    }
    return figures_cached(
        partnership_id=partnership.pk,
        parts=("scrutiny dashboard", dashboard_reader_key(membership), sorted(arguments.items())),
        compute=lambda: scrutiny_dashboard(partnership=partnership, membership=membership, **arguments),
    )


def scrutiny_dashboard(
    *,
    partnership: Partnership,
    membership: Membership | None,
    today: date,
    year: int | None = None,
    years: list[int],
    period: Period | None = None,
    agency_id: int | None = None,
    cycles: dict[str, int] | None = None,
    only: str | None = None,
) -> Dashboard:
    """The dashboard's panels for ``period`` (or the calendar ``year``; every year when neither) and ``agency_id``;
    ``cycles`` chooses a heat map's cycle ({panel key: cycle id}, checked by the caller against
    ``dashboard_cycles``); ``only`` computes just that panel (a chart or a CSV asks for one). ``ValueError`` for an
    unknown panel. ``membership=None``: no reader's restrictions (the scrutiny reports, read by the oversight
    roles)."""
    if only is not None and only not in PANEL_KEYS:
        raise ValueError(f"No panel called {only!r}.")
    if period is None:
        period = Period(kind="year", start=date(year, 1, 1), end=date(year, 12, 31), year=year) if year else EVERY_YEAR
    cycles = {key: cycle_id for key, cycle_id in (cycles or {}).items() if key in HEATMAP_PANELS}
    scope = _Scope(
        partnership=partnership, membership=membership, today=today, period=period, agency_id=agency_id, cycles=cycles
    )

    @cache
    def quarters():
        # Both timeliness panels read the same per-quarter figures: one set of queries for the two.
        return rapid_review_timeliness(
            partnership=partnership, today=today, start=period.start, end=period.end, agency_id=agency_id
        )

    @cache
    def heatmap_scores():
        # Both heat maps come from the same query. The dashboard shows each one's weakest rows (a partnership has
        # hundreds of schools); a panel asked for alone (its CSV, a report) has them all.
        return compliance_heatmap_scores(
            partnership=partnership,
            start=period.start,
            end=period.end,
            agency_id=agency_id,
            chosen={HEATMAP_PANELS[key]: cycle_id for key, cycle_id in cycles.items()},
            weakest=None if only else HEATMAP_DASHBOARD_ROWS,
        )

    builders: dict[str, Callable[[], Panel]] = {
        "notification": lambda: _notification_panel(scope, quarters()),
        "timeliness": lambda: _timeliness_panel(scope, quarters()),
        "decisions": lambda: _decisions_panel(scope),
        "learning_reviews": lambda: _learning_reviews_panel(scope),
        "recommendations": lambda: _recommendations_panel(partnership=partnership),
        "recommendation_age": lambda: _recommendation_age_panel(scope),
        "overdue_actions": lambda: _overdue_actions_panel(scope),
        "overdue_by_partner": lambda: _overdue_by_partner_panel(scope),
        "audit_grades": lambda: _audit_grades_panel(scope),
        "themes": lambda: _themes_panel(scope),
        "section_11": lambda: _heatmap_panel(scope, "section_11", heatmap_scores()),
        "section_175": lambda: _heatmap_panel(scope, "section_175", heatmap_scores()),
        "hub_cycles": lambda: _hub_cycles_panel(scope),
        "open_reviews": lambda: _open_reviews_panel(scope),
    }
    keys = (only,) if only else PANEL_KEYS
    return Dashboard(
        period=period,
        agency_id=agency_id,
        years=years,
        today=today,
        panels=tuple(builders[key]() for key in keys),
        disagreements=None if only else disagreement_figures(partnership=partnership, today=today),
        cycles=cycles,
    )


@dataclass(frozen=True)
class _Scope:
    partnership: Partnership
    membership: Membership | None
    today: date
    period: Period
    agency_id: int | None
    cycles: dict[str, int] = field(default_factory=dict)
    # Each panel's records address and the period's query, worked out once: every figure of a panel links there.
    _records_bases: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def records_url(self, panel: str, *, row: object, column: str) -> str:
        base = self._records_bases.get(panel)
        if base is None:
            url = reverse("scrutiny:panel_records", kwargs={"slug": self.partnership.slug, "panel": panel})
            agency = f"&agency={self.agency_id}" if self.agency_id else ""
            base = self._records_bases[panel] = f"{url}?{self.period.query()}{agency}"
        return f"{base}&row={row}&column={column}"


def _describe_rows(rows, columns: tuple[str, ...]) -> str:
    return "; ".join(
        f"{label}: " + ", ".join(f"{f.value} {name.lower()}" for name, f in zip(columns, figures, strict=True))
        for label, figures in rows
    )


def _chart(*, title: str, kind: str, empty: str, rows, columns: tuple[str, ...], **options) -> BarChart:
    return BarChart(
        title=title,
        description=f"{kind} {_describe_rows(rows, columns)}" if rows else empty,
        labels=tuple(label for label, _ in rows),
        # Each bar links to the records behind it, as its figure in the table does.
        series=tuple(
            Series(
                name=name,
                values=tuple(figures[i].value for _, figures in rows),
                links=tuple(figures[i].url for _, figures in rows),
            )
            for i, name in enumerate(columns)
        ),
        **options,
    )


def _quarter_rows(scope: _Scope, quarters, *, panel: str, columns: tuple[tuple[str, str], ...]):
    rows = []
    for quarter in quarters:
        figures = []
        for _name, kind in columns:
            value = getattr(quarter, kind)
            url = scope.records_url(panel, row=quarter.key, column=kind) if value else ""
            figures.append(Figure(value=value, url=url))
        rows.append((f"{quarter.year} Q{quarter.quarter}", tuple(figures)))
    return tuple(rows)


@dataclass(frozen=True)
class _NotificationQuarter:
    """A quarter's notification figures, named as ``timeliness_filter`` names them."""

    year: int
    quarter: int
    key: str
    notified_on_time: int
    notified_late: int


def _notification_panel(scope: _Scope, quarters) -> Panel:
    columns = (("Within 5 working days", "notified_on_time"), ("Late", "notified_late"))
    notification = [
        _NotificationQuarter(
            year=q.year,
            quarter=q.quarter,
            key=q.key,
            notified_on_time=q.notified - q.notified_late,
            notified_late=q.notified_late,
        )
        for q in quarters
    ]
    rows = _quarter_rows(scope, notification, panel="notification", columns=columns)
    period = f"notified {scope.period.label}"
    return Panel(
        key="notification",
        chart=_chart(
            title=f"Panel notification timeliness, incidents {period}",
            kind="Stacked bars, one per quarter of the Panel notification: incidents notified within 5 working days "
            "of the local authority becoming aware, and late.",
            empty=f"No incident was {period}.",
            rows=rows,
            columns=tuple(name for name, _ in columns),
            stacked=True,
        ),
        row_heading="Quarter",
        rows=rows,
        explanation=(
            "The local authority notifies the national Panel within 5 working days of becoming aware of a serious "
            "incident; day 1 is the next working day. Quarters of the notification date; quarters with no "
            "notification are left out."
        ),
    )


def _timeliness_panel(scope: _Scope, quarters) -> Panel:
    columns = (("Within 15 working days", "on_time"), ("Late", "late"), ("Open, not yet due", "in_progress"))
    rows = _quarter_rows(scope, quarters, panel="timeliness", columns=columns)
    period = f"notified {scope.period.label}"
    return Panel(
        key="timeliness",
        chart=_chart(
            title=f"Rapid review timeliness, reviews {period}",
            kind="Stacked bars, one per quarter of the Panel notification: rapid reviews sent within 15 working "
            "days, late, and open but not yet due.",
            empty=f"No rapid review was {period}.",
            rows=rows,
            columns=tuple(name for name, _ in columns),
            stacked=True,
        ),
        row_heading="Quarter",
        rows=rows,
        explanation=(
            "Rapid reviews are due with the national Panel within 15 working days of the notification. A review sent "
            "after day 15, or still open with day 15 passed, is late. Quarters of the notification date; quarters "
            "with no notification are left out."
        ),
    )


def _decisions_panel(scope: _Scope) -> Panel:
    counts = rapid_review_decision_counts(
        partnership=scope.partnership, start=scope.period.start, end=scope.period.end, agency_id=scope.agency_id
    )
    rows = tuple(
        (
            str(year),
            tuple(
                Figure(value=by[key], url=scope.records_url("decisions", row=year, column=key) if by[key] else "")
                for key, _label in DECISION_COLUMNS
            ),
        )
        for year, by in counts.items()
    )
    period = f"notified {scope.period.label}"
    return Panel(
        key="decisions",
        chart=_chart(
            title=f"Rapid review decisions by year, reviews {period}",
            kind="Stacked bars, one per year of the Panel notification: the rapid review meeting's decisions.",
            empty=f"No rapid review was {period}.",
            rows=rows,
            columns=tuple(label for _key, label in DECISION_COLUMNS),
            stacked=True,
        ),
        row_heading="Year",
        rows=rows,
        explanation=(
            "What each rapid review's meeting decided: a local child safeguarding practice review, another learning "
            "review, or no further review; reviews not yet decided are counted too. Years of the notification date."
        ),
    )


def _learning_reviews_panel(scope: _Scope) -> Panel:
    counts = learning_review_counts(partnership=scope.partnership, start=scope.period.start, end=scope.period.end)
    states = LearningReview.State.choices
    rows = tuple(
        (
            label,
            tuple(
                Figure(
                    value=counts[methodology].get(state, 0),
                    url=scope.records_url("learning_reviews", row=methodology, column=state)
                    if counts[methodology].get(state, 0)
                    else "",
                )
                for state, _state_label in states
            ),
        )
        for methodology, label in Methodology.choices
        if methodology in counts
    )
    period = f"opened {scope.period.label}"
    return Panel(
        key="learning_reviews",
        chart=_chart(
            title=f"Learning reviews by methodology and stage, reviews {period}",
            kind="Stacked horizontal bars, one per methodology: the reviews in each stage today.",
            empty=f"No learning review was {period}.",
            rows=rows,
            columns=tuple(label for _state, label in states),
            stacked=True,
            horizontal=True,
        ),
        row_heading="Methodology",
        rows=rows,
        explanation=(
            "Learning reviews opened in the period, by their methodology and the stage they are at today. "
            "Methodologies with none are left out; the agency filter does not apply (a review involves many agencies)."
        ),
    )


def _recommendations_panel(*, partnership: Partnership) -> Panel:
    register_url = reverse("partnership:recommendation_register", kwargs={"slug": partnership.slug})
    rows = tuple(
        (label, (Figure(value=count, url=f"{register_url}?state={state}" if count else ""),))
        for state, label, count in register_state_counts(partnership=partnership)
    )
    chart = BarChart(
        title="Recommendations by state, today",
        description="Horizontal bars, one per state of the recommendations register: "
        + "; ".join(f"{label}: {figures[0].value}" for label, figures in rows),
        labels=tuple(label for label, _ in rows),
        series=(
            Series(
                name="Recommendations",
                values=tuple(figures[0].value for _, figures in rows),
                links=tuple(figures[0].url for _, figures in rows),
            ),
        ),
        horizontal=True,
    )
    return Panel(
        key="recommendations",
        chart=chart,
        row_heading="State",
        rows=rows,
        explanation=(
            "Every recommendation in the register, whatever its source, by its state today (the period and agency "
            "filters do not apply)."
        ),
    )


def _recommendation_age_panel(scope: _Scope) -> Panel:
    counts = recommendation_age_counts(partnership=scope.partnership, today=scope.today)
    # The ages are as of today, whatever the period and agency: the list's link carries neither.
    url = reverse("scrutiny:panel_records", kwargs={"slug": scope.partnership.slug, "panel": "recommendation_age"})
    rows = tuple(
        (
            state.label,
            tuple(
                Figure(
                    value=counts[state][bucket],
                    url=f"{url}?row={state.value}&column={bucket}" if counts[state][bucket] else "",
                )
                for bucket, _label in AGE_BUCKETS
            ),
        )
        for state in AGREED_OPEN_STATES
        if state in counts
    )
    return Panel(
        key="recommendation_age",
        chart=_chart(
            title="Agreed recommendations not yet completed, by months since agreed, today",
            kind="Stacked horizontal bars, one per state: the recommendations agreed under 3 months ago, 3 to 6, "
            "6 to 12 and over 12 months ago.",
            empty="No agreed recommendation is waiting to be completed.",
            rows=rows,
            columns=tuple(label for _bucket, label in AGE_BUCKETS),
            stacked=True,
            horizontal=True,
        ),
        row_heading="State",
        rows=rows,
        explanation=(
            "Recommendations the partners signed off (agreed) that are not yet completed, by their state today and "
            "how many months ago they were agreed: a recommendation still in action planning a year on has stalled. "
            "Each figure links to the recommendations it counts; the period and agency filters do not apply."
        ),
    )


def _overdue_actions_panel(scope: _Scope) -> Panel:
    list_url = reverse("scrutiny:overdue_actions", kwargs={"slug": scope.partnership.slug})
    rows = tuple(
        (name, (Figure(value=count, url=f"{list_url}?agency={agency_id}"),))
        for agency_id, name, count in overdue_actions_by_agency(
            partnership=scope.partnership, membership=scope.membership, today=scope.today
        )
        if scope.agency_id is None or agency_id == scope.agency_id
    )
    chart = BarChart(
        title="Overdue actions by lead agency, today",
        description=(
            "Horizontal bars, one per lead agency with an overdue action: "
            + "; ".join(f"{label}: {figures[0].value}" for label, figures in rows)
            if rows
            else "No action is overdue."
        ),
        labels=tuple(label for label, _ in rows),
        series=(
            Series(
                name="Overdue actions",
                values=tuple(figures[0].value for _, figures in rows),
                links=tuple(figures[0].url for _, figures in rows),
            ),
        ),
        horizontal=True,
    )
    return Panel(
        key="overdue_actions",
        chart=chart,
        row_heading="Lead agency",
        rows=rows,
        explanation=(
            "Actions of agreed action plans that are not complete and whose due date has passed, by the agency "
            "leading them. Agencies with none overdue are left out; the period filter does not apply."
        ),
    )


def _overdue_by_partner_panel(scope: _Scope) -> Panel:
    labels = dict(StatutoryPartner.choices)
    list_url = reverse("scrutiny:overdue_actions", kwargs={"slug": scope.partnership.slug})
    agency = f"&agency={scope.agency_id}" if scope.agency_id else ""
    rows = tuple(
        (labels[partner], (Figure(value=count, url=f"{list_url}?partner={partner}{agency}"),))
        for partner, count in overdue_actions_by_partner(
            partnership=scope.partnership, membership=scope.membership, today=scope.today, agency_id=scope.agency_id
        )
    )
    chart = BarChart(
        title="Overdue actions by statutory partner, today",
        description=(
            "Horizontal bars, one per statutory partner leading a recommendation with an overdue action: "
            + "; ".join(f"{label}: {figures[0].value}" for label, figures in rows)
            if rows
            else "No action is overdue."
        ),
        labels=tuple(label for label, _ in rows),
        series=(Series(name="Overdue actions", values=tuple(figures[0].value for _, figures in rows)),),
        horizontal=True,
    )
    return Panel(
        key="overdue_by_partner",
        chart=chart,
        row_heading="Statutory partner",
        rows=rows,
        explanation=(
            "The overdue actions of the panel by lead agency, counted instead by the statutory partner (local "
            "authority, health or police) who leads the recommendation each belongs to: who answers for the delay "
            "at the partnership's executive. Each figure links to its actions; the period filter does not apply, the "
            "agency filter narrows to the actions that agency leads."
        ),
    )


def _audit_grades_panel(scope: _Scope) -> Panel:
    counts = grade_outcomes_by_year(
        partnership=scope.partnership, start=scope.period.start, end=scope.period.end, agency_id=scope.agency_id
    )
    rows = tuple(
        (
            str(year),
            tuple(
                Figure(value=by[key], url=scope.records_url("audit_grades", row=year, column=key) if by[key] else "")
                for key, _label in GRADE_OUTCOMES
            ),
        )
        for year, by in counts.items()
    )
    period = f"due {scope.period.label}"
    return Panel(
        key="audit_grades",
        chart=_chart(
            title=f"Case audit grades by year, rounds {period}",
            kind="Stacked bars, one per year of the audit rounds: agencies' returns whose grades all meet the "
            "standard, and those with a grade below it.",
            empty=f"No case audit return was submitted for a round {period}.",
            rows=rows,
            columns=tuple(label for _key, label in GRADE_OUTCOMES),
            stacked=True,
        ),
        row_heading="Year",
        rows=rows,
        explanation=(
            "Each agency's submitted or moderated return of a multi-agency case audit, by the year its round was "
            "due: whether every grade it holds (the moderated grade where the moderator changed it) meets the "
            "scale's standard. The agency filter narrows to that agency's returns."
        ),
    )


def _themes_panel(scope: _Scope) -> Panel:
    rows = []
    for theme_id, name, records, kinds, years in theme_recurrence(
        partnership=scope.partnership, start=scope.period.start, end=scope.period.end
    ):
        # The theme's page lists every record tagged with it: exactly the count when the period is every year.
        url = (
            reverse("partnership:theme_detail", kwargs={"slug": scope.partnership.slug, "theme_id": theme_id})
            if scope.period.kind == "all"
            else ""
        )
        rows.append((name, (Figure(value=records, url=url), Figure(value=kinds, url=""), Figure(value=years, url=""))))
    rows = tuple(rows)
    period = f"tagged {scope.period.label}"
    return Panel(
        key="themes",
        chart=_chart(
            title=f"Learning themes recurring across sources, {period}",
            kind="Grouped horizontal bars, one group per learning theme: the records tagged with it, the kinds of "
            "source they are (rapid reviews, learning reviews, audits, hub findings) and the years they span.",
            empty=f"No learning theme was {period}.",
            rows=rows,
            columns=("Records tagged", "Kinds of source", "Years seen"),
            horizontal=True,
        ),
        row_heading="Learning theme",
        rows=rows,
        explanation=(
            "A theme that recurs across several kinds of source and over several years is learning the partnership "
            "has not yet embedded. Counted from the records tagged with each theme in the period; the theme's page "
            "lists them all (its link shows with every year chosen). The agency filter does not apply."
        ),
    )


_HEATMAP_WORDS = {
    "section_11": ("Section 11 compliance", "agency", "Agency", "No Section 11 self-assessment cycle was"),
    "section_175": ("s175 compliance", "school", "School", "No s175 self-assessment cycle was"),
}


_PLURALS = {"agency": "agencies", "school": "schools"}


def _score_text(self_score: int | None, moderated_score: int | None) -> str:
    own = "no self score" if self_score is None else f"self {self_score}"
    moderated = "not moderated" if moderated_score is None else f"moderated {moderated_score}"
    return f"{own}, {moderated}".capitalize()


def _heatmap_panel(scope: _Scope, key: str, scores: list[HeatmapScore]) -> Panel:
    title_words, noun, heading, none = _HEATMAP_WORDS[key]
    mine = [score for score in scores if score.kind == HEATMAP_PANELS[key]]
    standards: dict[str, str] = {}
    for score in sorted(mine, key=lambda s: (s.standard_position, s.standard_key)):
        standards.setdefault(score.standard_key, score.standard_title)
    cells: dict[int, dict[str, HeatmapScore]] = {}
    names: dict[int, str] = {}
    for score in mine:  # in the selector's order: by agency name, or the weakest first
        cells.setdefault(score.return_id, {})[score.standard_key] = score
        names[score.return_id] = score.agency_name
    rows = []
    for return_id, by_standard in cells.items():
        url = reverse("audits:sa_return_detail", kwargs={"slug": scope.partnership.slug, "return_id": return_id})
        figures = []
        for standard in standards:
            score = by_standard.get(standard)
            self_score, moderated = (score.self_score, score.moderated_score) if score else (None, None)
            figures.append(
                Figure(
                    value=moderated if moderated is not None else self_score,
                    url=url,
                    text=_score_text(self_score, moderated),
                )
            )
        rows.append((names[return_id], tuple(figures)))
    rows = tuple(rows)
    cycle = f", {mine[0].cycle_title}" if mine else ""
    total = mine[0].returns_in_cycle if mine else 0
    # Fewer rows than the cycle has: the dashboard's weakest rows (``compliance_heatmap_scores``'s ``weakest``).
    partial = len(rows) < total
    matrix_url = (
        reverse("audits:cycle_matrix", kwargs={"slug": scope.partnership.slug, "cycle_id": mine[0].cycle_id})
        if mine
        else ""
    )
    period = f"opened {scope.period.label}"
    chosen = key in scope.cycles
    if chosen:
        which = "The cycle chosen (whenever it opened; the period does not apply)"
        none = f"The {title_words.removesuffix(' compliance')} cycle chosen has no return to show."
    else:
        which = f"The latest cycle {period}"
        none = f"{none} {period}."
    columns = tuple(standards.values())
    chart = BarChart(
        title=f"{title_words} by {noun} and standard{cycle}",
        description=(
            f"A table, one row per {noun} and one column per standard: "
            + "; ".join(
                f"{label}: " + ", ".join(f"{name} {f.text.lower()}" for name, f in zip(columns, figures, strict=True))
                for label, figures in rows
            )
            if rows
            else none
        ),
        labels=tuple(label for label, _ in rows),
        series=tuple(
            Series(name=name, values=tuple(figures[i].value for _, figures in rows)) for i, name in enumerate(columns)
        ),
    )
    return Panel(
        key=key,
        chart=chart,
        row_heading=heading,
        rows=rows,
        explanation=(
            f"{which}: each {noun}'s self score for each standard and the score the partnership "
            "moderated after challenge (0 not met to 3 fully met on the Section 11 scale). The shade follows the "
            f"moderated score where there is one, else the self score; each cell links to the {noun}'s return. "
            "The agency filter narrows to that agency's row."
            + (
                f" Shown: the {len(rows)} of {total} {_PLURALS[noun]} with the most standards scored below 2 "
                f"(partly met or not met), then the lowest total score; every {noun}'s row is in the cycle's "
                "compliance matrix and in the CSV."
                if partial
                else ""
            )
        ),
        heatmap=True,
        rows_total=total if partial else None,
        matrix_url=matrix_url,
    )


def _hub_cycles_panel(scope: _Scope) -> Panel:
    rows = []
    for cycle in hub_cycle_progress(
        partnership=scope.partnership, today=scope.today, start=scope.period.start, end=scope.period.end
    ):
        url = reverse(
            "learninghub:cycle_detail", kwargs={"slug": scope.partnership.slug, "hub_cycle_id": cycle.cycle_id}
        )
        if cycle.state != "active":
            where = cycle.state.capitalize()
        elif cycle.phase:
            where = PHASE_LABELS[cycle.phase]
        else:
            where = "Between phases" if cycle.starts_on <= scope.today else "Not started"
        done, to_do = cycle.tasks_done, cycle.tasks_total - cycle.tasks_done
        rows.append(
            (
                f"{cycle.title} ({where.lower()}, {done} of {cycle.tasks_total} tasks done)",
                (Figure(value=done, url=url if done else ""), Figure(value=to_do, url=url if to_do else "")),
            )
        )
    rows = tuple(rows)
    period = f"running {scope.period.label}"
    return Panel(
        key="hub_cycles",
        chart=_chart(
            title=f"Learning hub cycles and their checklists, cycles {period}",
            kind="Stacked horizontal bars, one per learning hub cycle: its checklist's tasks done and still to do.",
            empty=f"No learning hub cycle was {period}.",
            rows=rows,
            columns=("Tasks done", "Tasks to do"),
            stacked=True,
            horizontal=True,
        ),
        row_heading="Cycle (phase today, progress)",
        rows=rows,
        explanation=(
            "Each learning hub cycle running at some time in the period (started by its end, with a phase ending "
            "in it or later), oldest first: the phase it is in today and how much of its checklist is done. Each "
            "figure links to the cycle's page. The agency filter does not apply."
        ),
    )


def _open_reviews_panel(scope: _Scope) -> Panel:
    # The working-day calendar is read once here, for the bucket's dates; the counts are one query.
    buckets = deadline_buckets(calendar=working_day_calendar(partnership=scope.partnership), today=scope.today)
    counts = open_review_deadline_counts(partnership=scope.partnership, buckets=buckets)
    url = reverse("scrutiny:panel_records", kwargs={"slug": scope.partnership.slug, "panel": "open_reviews"})
    rows = tuple(
        (
            f"{'Rapid review' if kind == 'rapid_review' else 'Learning review'}: {label[:1].lower()}{label[1:]}",
            tuple(
                Figure(
                    value=counts[(kind, state)][bucket],
                    url=f"{url}?row={kind}.{state}&column={bucket}" if counts[(kind, state)][bucket] else "",
                )
                for bucket, _label in BUCKET_LABELS
            ),
        )
        for kind, state, label in OPEN_STAGES
        if (kind, state) in counts
    )
    return Panel(
        key="open_reviews",
        chart=_chart(
            title="Open reviews by stage and working days left to their deadline, today",
            kind="Stacked horizontal bars, one per stage of an open rapid review or learning review: the reviews "
            "overdue, and with 0 to 5, 6 to 10, and 11 or more working days left to their statutory deadline.",
            empty="No rapid review or learning review is open.",
            rows=rows,
            columns=tuple(label for _bucket, label in BUCKET_LABELS),
            stacked=True,
            horizontal=True,
        ),
        row_heading="Stage",
        rows=rows,
        explanation=(
            "Rapid reviews not yet sent to the national Panel (due 15 working days from the notification) and "
            "learning reviews not yet final (due on their report date), by their stage today and the working days "
            "left to that deadline on the partnership's calendar. Stages with none open are left out; the period "
            "and agency filters do not apply."
        ),
    )


# --- The records behind a figure ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRecords:
    """The records one figure counts: what they are (``kind``: "rapid_review", "learning_review", "audit_return" or
    "recommendation"), how the list names them, and the rows."""

    kind: str
    title: str
    records: QuerySet


def _quarter_key(row: str) -> tuple[int, int]:
    year, _, quarter = row.partition("-")
    if not (year.isdigit() and len(year) == 4 and quarter in ("1", "2", "3", "4")):
        raise ValueError("A quarter is written 2025-1.")
    return int(year), int(quarter)


def figure_records(
    *,
    partnership: Partnership,
    today: date,
    panel: str,
    row: str,
    column: str,
    period: Period,
    agency_id: int | None,
) -> FigureRecords:
    """The records behind one figure of ``panel`` (row and column as its link names them), through the filter its
    count used. ``ValueError`` for a panel, row or column that names no figure."""
    scope = {"partnership": partnership, "start": period.start, "end": period.end}
    if panel in {"notification", "timeliness"}:
        allowed = (
            ("notified_on_time", "notified_late") if panel == "notification" else ("on_time", "late", "in_progress")
        )
        if column not in allowed:
            raise ValueError(f"No figure called {column!r}.")
        year, quarter = _quarter_key(row)
        records = rapid_reviews_for_figure(
            **scope, agency_id=agency_id, condition=timeliness_filter(column, today=today), quarter=(year, quarter)
        )
        noun = "Incidents" if panel == "notification" else "Rapid reviews"
        return FigureRecords(
            kind="rapid_review",
            title=f"{noun} notified in {year} Q{quarter}: {_figure_name(column)}",
            records=records,
        )
    if panel == "decisions":
        if not (row.isdigit() and len(row) == 4):
            raise ValueError("A year is written 2025.")
        labels = dict(DECISION_COLUMNS)
        records = rapid_reviews_for_figure(
            **scope, agency_id=agency_id, condition=decision_filter(column), year=int(row)
        )
        return FigureRecords(
            kind="rapid_review", title=f"Rapid reviews notified in {row}: {labels[column].lower()}", records=records
        )
    if panel == "learning_reviews":
        learning_review_filter(methodology=row, state=column)  # ValueError for an unknown one
        records = learning_reviews_for_figure(**scope, methodology=row, state=column)
        title = f"{Methodology(row).label}, {LearningReview.State(column).label.lower()}, opened {period.label}"
        return FigureRecords(kind="learning_review", title=title, records=records)
    if panel == "audit_grades":
        if not (row.isdigit() and len(row) == 4):
            raise ValueError("A year is written 2025.")
        records = graded_returns_for_figure(**scope, agency_id=agency_id, year=int(row), outcome=column)
        label = dict(GRADE_OUTCOMES)[column]
        return FigureRecords(
            kind="audit_return", title=f"Case audit returns of {row}: {label.lower()}", records=records
        )
    if panel == "open_reviews":
        kind, _, state = row.partition(".")
        buckets = deadline_buckets(calendar=working_day_calendar(partnership=partnership), today=today)
        records = open_reviews_for_figure(
            partnership=partnership, buckets=buckets, kind=kind, state=state, bucket=column
        )
        stage = next(label for k, s, label in OPEN_STAGES if (k, s) == (kind, state))
        noun = "Rapid reviews" if kind == "rapid_review" else "Learning reviews"
        return FigureRecords(
            kind=kind,
            title=f"{noun} open, {stage.lower()}: {dict(BUCKET_LABELS)[column].lower()}",
            records=records,
        )
    if panel == "recommendation_age":
        # The ages are as of today; the period and agency do not apply, as on the panel.
        records = recommendations_for_age_figure(partnership=partnership, today=today, state=row, bucket=column)
        age = dict(AGE_BUCKETS)[column].lower()
        return FigureRecords(
            kind="recommendation",
            title=f"Agreed recommendations {Recommendation.State(row).label.lower()}, agreed {age} ago",
            records=records,
        )
    raise ValueError(f"No list for the panel {panel!r}.")


def _figure_name(column: str) -> str:
    return {
        "notified_on_time": "the Panel notified within 5 working days",
        "notified_late": "the Panel notified late",
        "on_time": "sent within 15 working days",
        "late": "late (sent after day 15, or open past day 15)",
        "in_progress": "open and not yet due",
    }[column]


# --- The scrutiny reports' sections (``scrutiny.report_sections``) ---------------------------------------------

# The report's dashboard section: the period's review panels (the recommendations have their own section).
REPORT_PANELS = (
    "notification",
    "timeliness",
    "decisions",
    "learning_reviews",
    "section_11",
    "section_175",
    "hub_cycles",
)


def _report_period(scope: ReportScope) -> Period:
    return Period(kind="custom", start=scope.start, end=scope.end)


def _report_chart(panel: Panel) -> ReportChart:
    # Without the bars' links: a PDF is read away from the site (the annual report is published), where a path into
    # the partnership's pages leads nowhere; the table beside the chart gives the figures.
    return ReportChart(
        title=panel.chart.title,
        description=panel.chart.description,
        svg=bar_chart_svg(panel.chart, linked=False),
    )


def _report_table(panel: Panel) -> ReportTable:
    return ReportTable(
        caption=panel.chart.title,
        headers=panel.column_headings,
        rows=tuple(
            (label, *((f.text if panel.heatmap else str(f.value)) for f in figures)) for label, figures in panel.rows
        ),
    )


def _report_heatmap(panel: Panel) -> tuple[str, tuple[ReportTable, ...]]:
    """A heat map in a report: its explanation and its table, every row, when it has at most ``HEATMAP_REPORT_ROWS``;
    else each standard's count of agencies (schools) at each score, then the weakest rows, ranked as the dashboard
    ranks them (``weakness``: most standards below 2, then the lowest total), the explanation saying where the rest
    are (the panel's CSV and the cycle's compliance matrix, on the site)."""
    if len(panel.rows) <= HEATMAP_REPORT_ROWS:
        return panel.explanation, (_report_table(panel),)
    title_words, noun, _heading, _none = _HEATMAP_WORDS[panel.key]
    plural, total = _PLURALS[noun], len(panel.rows)
    cycle = panel.chart.title.removeprefix(f"{title_words} by {noun} and standard")
    standards = [series.name for series in panel.chart.series]
    counts = [
        [sum(1 for _label, figures in panel.rows if figures[i].value == score) for score, _ in HEATMAP_SCORES]
        for i in range(len(standards))
    ]
    by_standard = ReportTable(
        caption=f"{title_words} by standard{cycle}: the {total} {plural} by score",
        headers=("Standard", *(label for _score, label in HEATMAP_SCORES), "Not scored"),
        rows=tuple(
            (standard, *map(str, row), str(total - sum(row))) for standard, row in zip(standards, counts, strict=True)
        ),
    )

    # Stable: equals stay by name.
    weakest = sorted(panel.rows, key=lambda row: weakness_of_scores(f.value for f in row[1]))[:HEATMAP_REPORT_ROWS]
    listed = replace(
        _report_table(replace(panel, rows=tuple(weakest))),
        caption=f"{panel.chart.title}: the {len(weakest)} weakest of {total}",
    )
    explanation = (
        f"{panel.explanation} This report counts the {total} {plural} at each score for each standard (the moderated "
        f"score where there is one, else the self score), then lists the {len(weakest)} {plural} with the most "
        "standards scored below 2 (partly met or not met), then the lowest total score. Every "
        f"{noun}'s row is in the dashboard's CSV of this table and in the cycle's compliance matrix."
    )
    return explanation, (by_standard, listed)


def _report_panels(scope: ReportScope, keys: tuple[str, ...], *, today: date) -> list[Panel]:
    panels = []
    for key in keys:
        dashboard = scrutiny_dashboard(
            partnership=scope.partnership,
            membership=None,
            today=today,
            years=[],
            period=_report_period(scope),
            only=key,
        )
        panels.append(dashboard.panels[0])
    return panels


@report_section(key="dashboard", order=20)
def dashboard_report_section(scope: ReportScope) -> ReportSection | None:
    """The period's review figures, each chart (the pages' SVG) with its table; ``None`` when the period has none."""
    panels = [panel for panel in _report_panels(scope, REPORT_PANELS, today=scope.end) if panel.rows]
    if not panels:
        return None
    # A heat map is its table (or, when long, its counts by standard and its weakest rows): no bar chart.
    told = [
        _report_heatmap(panel) if panel.heatmap else (panel.explanation, (_report_table(panel),)) for panel in panels
    ]
    return ReportSection(
        key="dashboard",
        title="The dashboard's figures",
        paragraphs=tuple(explanation for explanation, _tables in told),
        charts=tuple(_report_chart(panel) for panel in panels if not panel.heatmap),
        tables=tuple(table for _explanation, tables in told for table in tables),
    )


@report_section(key="open_reviews", order=25)
def open_reviews_report_section(scope: ReportScope) -> ReportSection | None:
    """The dashboard's open reviews by stage and working days left, as of the day the report is produced: which
    reviews are open is known only as it stands now (a review's past stages are not kept as figures), so the
    section says the date rather than pretend to show the period's end. ``None`` when no review is open."""
    as_of = timezone.localdate()
    (panel,) = _report_panels(scope, ("open_reviews",), today=as_of)
    if not panel.rows:
        return None
    title = panel.chart.title.removesuffix(", today") + f", on {date_format(as_of, 'j F Y')}"
    panel = replace(panel, chart=replace(panel.chart, title=title))
    return ReportSection(
        key="open_reviews",
        title="Open reviews and their statutory deadlines",
        paragraphs=(
            f"As the reviews stood on {date_format(as_of, 'j F Y')}, when this report was produced. "
            + panel.explanation,
        ),
        charts=(_report_chart(panel),),
        tables=(_report_table(panel),),
    )


@report_section(key="recommendations", order=30)
def recommendations_report_section(scope: ReportScope) -> ReportSection | None:
    """The register by state and the actions overdue at the period's end (every action: the report's readers see
    them all); ``None`` when the partnership has no recommendation."""
    panels = _report_panels(scope, ("recommendations", "overdue_actions"), today=scope.end)
    register, overdue = panels
    if not any(figures[0].value for _label, figures in register.rows):
        return None
    return ReportSection(
        key="recommendations",
        title="Recommendations and action progress",
        paragraphs=(register.explanation, overdue.explanation if overdue.rows else "No action was overdue."),
        charts=tuple(_report_chart(panel) for panel in panels if panel.rows),
        tables=tuple(_report_table(panel) for panel in panels if panel.rows),
    )


@report_section(key="themes", order=40)
def themes_report_section(scope: ReportScope) -> ReportSection | None:
    """The learning themes tagged in the period, how widely and how long they recur; ``None`` when none was."""
    (panel,) = _report_panels(scope, ("themes",), today=scope.end)
    if not panel.rows:
        return None
    return ReportSection(
        key="themes",
        title="Learning themes",
        paragraphs=(panel.explanation,),
        charts=(_report_chart(panel),),
        tables=(_report_table(panel),),
    )
