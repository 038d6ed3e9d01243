"""The scrutiny dashboard's figures, read from the other apps through their selectors.

Each panel is one question an independent scrutineer asks of the partnership (DOMAIN.md, "Recommendations, action
plans, scrutiny"), answered once and shown three ways from the same object: a chart (``scrutiny.charts``), the
table beside it, and a CSV. Every figure carries the link to the records it counts, built from the filter the
owning app's list already understands, so a count and its list cannot disagree.

Panels:

- ``timeliness``: rapid reviews by quarter of their Panel notification, sent within 15 working days, late (sent
  after day 15 or open past it) and open not yet due (``reviews.selectors.timeliness``), for one year;
- ``recommendations``: the register by state, as of today (``partnership.selectors.recommendations``);
- ``overdue_actions``: open actions past their due date by lead agency, as of today, counting only the actions the
  reader may see (``partnership.selectors.action_plans``).

A fixed number of queries whatever the partnership's size: one for the years, three or four for timeliness, one
for the register's states, one for the overdue actions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.urls import reverse

from partnership.models import OVERSIGHT_ROLES, Membership, Partnership
from partnership.selectors.action_plans import overdue_actions_by_agency
from partnership.selectors.recommendations import register_state_counts
from reviews.selectors.timeliness import rapid_review_timeliness, rapid_review_timeliness_years
from scrutiny.charts import BarChart, Series
from scrutiny.selectors.disagreements import DisagreementFigures, disagreement_figures

# Who reads the dashboard: the business managers, the three statutory partners' leads and the independent scrutineer.
SCRUTINY_READER_ROLES = OVERSIGHT_ROLES

PANEL_KEYS = ("timeliness", "recommendations", "overdue_actions")


@dataclass(frozen=True)
class Figure:
    value: int
    # The list of exactly the records counted; empty when there is nothing to list (a zero).
    url: str


@dataclass(frozen=True)
class Panel:
    key: str
    chart: BarChart
    # The first column's heading (what each row is); the other columns are the chart's series.
    row_heading: str
    rows: tuple[tuple[str, tuple[Figure, ...]], ...]
    # How to read the figures: what is counted, as of when.
    explanation: str

    @property
    def column_headings(self) -> tuple[str, ...]:
        return (self.row_heading, *(series.name for series in self.chart.series))

    def csv_rows(self) -> list[list[object]]:
        return [list(self.column_headings), *([label, *(f.value for f in figures)] for label, figures in self.rows)]


@dataclass(frozen=True)
class Dashboard:
    year: int | None
    years: list[int]
    today: date
    panels: tuple[Panel, ...]
    # Professional disagreements by stage and age (scrutiny.selectors.disagreements); on the whole page only.
    disagreements: DisagreementFigures | None = None

    def panel(self, key: str) -> Panel:
        return next(panel for panel in self.panels if panel.key == key)


def dashboard_years(*, partnership: Partnership) -> list[int]:
    """The years the period filter offers: those with a rapid review notified, newest first."""
    return rapid_review_timeliness_years(partnership=partnership)


def scrutiny_dashboard(
    *,
    partnership: Partnership,
    membership: Membership,
    today: date,
    year: int | None,
    years: list[int],
    only: str | None = None,
) -> Dashboard:
    """The dashboard's panels for ``year`` (``None``: every year); ``only`` computes just that panel (a chart or a
    CSV asks for one). ``ValueError`` for an unknown panel."""
    if only is not None and only not in PANEL_KEYS:
        raise ValueError(f"No panel called {only!r}.")
    builders = {
        "timeliness": lambda: _timeliness_panel(partnership=partnership, today=today, year=year),
        "recommendations": lambda: _recommendations_panel(partnership=partnership),
        "overdue_actions": lambda: _overdue_actions_panel(partnership=partnership, membership=membership, today=today),
    }
    keys = (only,) if only else PANEL_KEYS
    return Dashboard(
        year=year,
        years=years,
        today=today,
        panels=tuple(builders[key]() for key in keys),
        disagreements=None if only else disagreement_figures(partnership=partnership, today=today),
    )


def _timeliness_panel(*, partnership: Partnership, today: date, year: int | None) -> Panel:
    quarters = rapid_review_timeliness(partnership=partnership, today=today, year=year)
    list_url = reverse("reviews:rapid_review_list", kwargs={"slug": partnership.slug})
    columns = (("Within 15 working days", "on_time"), ("Late", "late"), ("Open, not yet due", "in_progress"))
    rows = []
    for quarter in quarters:
        figures = []
        for _name, kind in columns:
            value = getattr(quarter, kind)
            figures.append(
                Figure(value=value, url=f"{list_url}?quarter={quarter.key}&timeliness={kind}" if value else "")
            )
        rows.append((f"{quarter.year} Q{quarter.quarter}", tuple(figures)))
    period = f"notified in {year}" if year else "notified in any year"
    chart = BarChart(
        title=f"Rapid review timeliness, reviews {period}",
        description=(
            "Stacked bars, one per quarter of the Panel notification: rapid reviews sent within 15 working days, "
            "late, and open but not yet due. "
            + "; ".join(
                f"{label}: "
                + ", ".join(f"{f.value} {name.lower()}" for (name, _), f in zip(columns, figures, strict=True))
                for label, figures in rows
            )
            if rows
            else f"No rapid review was {period}."
        ),
        labels=tuple(label for label, _ in rows),
        series=tuple(
            Series(name=name, values=tuple(figures[i].value for _, figures in rows))
            for i, (name, _) in enumerate(columns)
        ),
        stacked=True,
    )
    return Panel(
        key="timeliness",
        chart=chart,
        row_heading="Quarter",
        rows=tuple(rows),
        explanation=(
            "Rapid reviews are due with the national Panel within 15 working days of the notification. A review sent "
            "after day 15, or still open with day 15 passed, is late. Quarters of the notification date; quarters "
            "with no notification are left out."
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
        series=(Series(name="Recommendations", values=tuple(figures[0].value for _, figures in rows)),),
        horizontal=True,
    )
    return Panel(
        key="recommendations",
        chart=chart,
        row_heading="State",
        rows=rows,
        explanation="Every recommendation in the register, whatever its source, by its state today.",
    )


def _overdue_actions_panel(*, partnership: Partnership, membership: Membership, today: date) -> Panel:
    list_url = reverse("scrutiny:overdue_actions", kwargs={"slug": partnership.slug})
    rows = tuple(
        (name, (Figure(value=count, url=f"{list_url}?agency={agency_id}"),))
        for agency_id, name, count in overdue_actions_by_agency(
            partnership=partnership, membership=membership, today=today
        )
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
        series=(Series(name="Overdue actions", values=tuple(figures[0].value for _, figures in rows)),),
        horizontal=True,
    )
    return Panel(
        key="overdue_actions",
        chart=chart,
        row_heading="Lead agency",
        rows=rows,
        explanation=(
            "Actions of agreed action plans that are not complete and whose due date has passed, by the agency "
            "leading them. Agencies with none overdue are left out."
        ),
    )
