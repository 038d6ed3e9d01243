"""Reading the quarterly data sets: indicators by part, one indicator's trend, one quarter's grid, and the
reports' ``datasets`` section.

A figure is *flagged* by its indicator's thresholds and good direction: where higher is better a figure below
the red threshold is red, else below the amber one amber; where lower is better, above. A figure equal to a
threshold is not past it. The same rule (``value_flag``) marks the tables, the CSVs, the charts' descriptions,
the API and the reports, so they cannot disagree.

A quarter with no figure is shown as empty, never as zero: an agency that sent nothing is not an agency that
counted none. A change from the previous quarter is given only when both quarters have a figure.

Each reader runs a fixed number of queries whatever the data set's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, QuerySet
from django.http import Http404

from partnership.models import MANAGER_ROLES, OVERSIGHT_ROLES, Agency, Membership, Partnership, Role
from scrutiny.charts import BarChart, Series, line_chart_svg
from scrutiny.models import AgencyAnalysis, Indicator, IndicatorValue
from scrutiny.quarters import quarter_label, quarter_of, quarter_step, quarters_between
from scrutiny.report_sections import ReportChart, ReportScope, ReportSection, ReportTable, report_section

# Who reads the data sets: the dashboard's readers and the agencies' leads, who provide the figures.
DATASET_READER_ROLES = frozenset({*OVERSIGHT_ROLES, Role.AGENCY_LEAD})
# Who defines the indicators and enters any agency's figures (and the partnership's own).
DATASET_MANAGE_ROLES = MANAGER_ROLES
# Who enters figures and analyses: the business managers for any agency, an agency lead for their own agency.
DATASET_ENTRY_ROLES = frozenset({*MANAGER_ROLES, Role.AGENCY_LEAD})

RED, AMBER = "red", "amber"
FLAG_LABELS = {RED: "Red", AMBER: "Amber", "": ""}
PARTNERSHIP_WIDE = "Whole partnership"
TREND_LENGTHS = (4, 8, 20, 40)
# The vocabulary the forms and the API offer, kept here so that no interface imports the models.
PART_CHOICES = Indicator.Part.choices
DIRECTION_CHOICES = Indicator.Direction.choices


def value_flag(indicator: Indicator, value: Decimal | None) -> str:
    """``red``, ``amber`` or empty: how far ``value`` is past the indicator's thresholds, by its good direction."""
    if value is None:
        return ""
    worse = (lambda v, t: v < t) if indicator.good_direction == Indicator.Direction.UP else (lambda v, t: v > t)
    if indicator.red_threshold is not None and worse(value, indicator.red_threshold):
        return RED
    if indicator.amber_threshold is not None and worse(value, indicator.amber_threshold):
        return AMBER
    return ""


def number_text(value: Decimal | None) -> str:
    """A figure as people write it: ``12``, ``12.5``, ``0.25``; empty for no figure."""
    if value is None:
        return ""
    text = f"{value.normalize():f}" if value != value.to_integral_value() else f"{value.to_integral_value():f}"
    return text


def can_enter_for(membership: Membership, agency: Agency | None) -> bool:
    """May this member enter figures (and an analysis) for ``agency``? ``None`` is the whole partnership."""
    if membership.has_role(*DATASET_MANAGE_ROLES):
        return True
    return agency is not None and membership.has_role(Role.AGENCY_LEAD) and membership.agency_id == agency.pk


def can_enter_any(membership: Membership) -> bool:
    return membership.has_role(*DATASET_ENTRY_ROLES)


def entry_agencies(*, partnership: Partnership, membership: Membership) -> list[Agency]:
    """The agencies this member enters figures for: all the active ones for a business manager, their own for an
    agency lead, none for anyone else."""
    agencies = Agency.objects.in_partnership(partnership).filter(is_active=True).order_by("name")
    if membership.has_role(*DATASET_MANAGE_ROLES):
        return list(agencies)
    if membership.has_role(Role.AGENCY_LEAD):
        return [a for a in agencies if a.pk == membership.agency_id]
    return []


def agency_get(*, partnership: Partnership, agency_id: int) -> Agency:
    """One of the partnership's agencies; another partnership's is as missing (404)."""
    agency = Agency.objects.in_partnership(partnership).filter(pk=agency_id).first()
    if agency is None:
        raise Http404("No such agency.")
    return agency


def indicator_list(*, partnership: Partnership, active_only: bool = False) -> QuerySet[Indicator]:
    indicators = Indicator.objects.in_partnership(partnership)
    return indicators.filter(active=True) if active_only else indicators


def indicator_get(*, partnership: Partnership, indicator_id: int) -> Indicator:
    """One indicator; another partnership's is as missing (404)."""
    indicator = indicator_list(partnership=partnership).filter(pk=indicator_id).first()
    if indicator is None:
        raise Http404("No such indicator.")
    return indicator


def indicators_by_part(*, partnership: Partnership) -> list[tuple[str, list[tuple[str, list[Indicator]]]]]:
    """(part label, [(theme, indicators)]) for the indicators list: Part A has one untitled group, Part B one per
    theme."""
    parts: dict[str, dict[str, list[Indicator]]] = {part: {} for part in Indicator.Part.values}
    for indicator in indicator_list(partnership=partnership):
        parts[indicator.part].setdefault(indicator.theme, []).append(indicator)
    return [(Indicator.Part(part).label, list(themes.items())) for part, themes in parts.items()]


def value_list(
    *,
    partnership: Partnership,
    quarter: date | None = None,
    agency_id: int | None = None,
    indicator_id: int | None = None,
    partnership_wide: bool = False,
) -> QuerySet[IndicatorValue]:
    """The figures, filtered (for the API); ``partnership_wide`` keeps the figures with no agency."""
    values = IndicatorValue.objects.in_partnership(partnership).order_by("quarter", "indicator_id", "agency_id", "id")
    if quarter is not None:
        values = values.filter(quarter=quarter)
    if agency_id is not None:
        values = values.filter(agency_id=agency_id)
    if partnership_wide:
        values = values.filter(agency__isnull=True)
    if indicator_id is not None:
        values = values.filter(indicator_id=indicator_id)
    return values


def value_get(*, partnership: Partnership, value_id: int) -> IndicatorValue:
    value = IndicatorValue.objects.in_partnership(partnership).select_related("indicator").filter(pk=value_id).first()
    if value is None:
        raise Http404("No such figure.")
    return value


def analysis_list(
    *, partnership: Partnership, quarter: date | None = None, agency_id: int | None = None
) -> QuerySet[AgencyAnalysis]:
    analyses = AgencyAnalysis.objects.in_partnership(partnership).select_related("agency", "written_by")
    if quarter is not None:
        analyses = analyses.filter(quarter=quarter)
    if agency_id is not None:
        analyses = analyses.filter(agency_id=agency_id)
    return analyses.order_by("quarter", "agency__name", "id")


def analysis_get(*, partnership: Partnership, analysis_id: int) -> AgencyAnalysis:
    analysis = analysis_list(partnership=partnership).filter(pk=analysis_id).first()
    if analysis is None:
        raise Http404("No such analysis.")
    return analysis


def latest_quarter(*, partnership: Partnership, today: date) -> date:
    """The newest quarter with a figure, or the quarter before today's (the one being reported) when none."""
    newest = IndicatorValue.objects.in_partnership(partnership).aggregate(newest=Max("quarter"))["newest"]
    return newest or quarter_step(quarter_of(today), -1)


# --- One indicator's trend ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: Decimal | None
    flag: str
    # The change from the previous quarter of the same series; None when either quarter has no figure.
    change: Decimal | None = None

    @property
    def text(self) -> str:
        return number_text(self.value)

    @property
    def flag_label(self) -> str:
        return FLAG_LABELS[self.flag]


@dataclass(frozen=True)
class Trend:
    indicator: Indicator
    quarters: tuple[date, ...]
    series_names: tuple[str, ...]
    # One row per quarter, oldest first: (quarter, one cell per series).
    rows: tuple[tuple[date, tuple[Cell, ...]], ...]

    @property
    def breaches(self) -> list[tuple[date, str, Cell]]:
        return [
            (quarter, name, cell)
            for quarter, cells in self.rows
            for name, cell in zip(self.series_names, cells, strict=True)
            if cell.flag
        ]

    @property
    def is_empty(self) -> bool:
        return all(cell.value is None for _quarter, cells in self.rows for cell in cells)

    def description(self) -> str:
        indicator = self.indicator
        if not self.quarters:
            return "No quarters chosen."
        span = f"{quarter_label(self.quarters[0])} to {quarter_label(self.quarters[-1])}"
        if self.is_empty:
            return f"{indicator.name}: no figures from {span}."
        words = [f"{indicator.name} ({indicator.unit or 'number'}), {span}, {indicator.get_good_direction_display()}."]
        thresholds = []
        if indicator.amber_threshold is not None:
            thresholds.append(f"amber past {number_text(indicator.amber_threshold)}")
        if indicator.red_threshold is not None:
            thresholds.append(f"red past {number_text(indicator.red_threshold)}")
        if thresholds:
            words.append("Thresholds: " + ", ".join(thresholds) + ".")
        breaches = self.breaches
        if breaches:
            words.append(
                f"{len(breaches)} figure{'s' if len(breaches) != 1 else ''} past a threshold: "
                + "; ".join(f"{name} {quarter_label(q)} {cell.text} ({cell.flag})" for q, name, cell in breaches[:12])
                + ("; and more, in the table." if len(breaches) > 12 else ".")
            )
        else:
            words.append("No figure past a threshold.")
        return " ".join(words)

    def chart(self) -> BarChart:
        series = [
            Series(
                name, tuple(float(cells[i].value) if cells[i].value is not None else None for _q, cells in self.rows)
            )
            for i, name in enumerate(self.series_names)
        ]
        count = len(self.rows)
        for label, threshold in (
            ("Amber threshold", self.indicator.amber_threshold),
            ("Red threshold", self.indicator.red_threshold),
        ):
            if threshold is not None and not self.is_empty:
                series.append(Series(label, (float(threshold),) * count))
        return BarChart(
            title=self.indicator.name,
            description=self.description(),
            labels=tuple(quarter_label(q) for q in self.quarters),
            series=tuple(series),
        )

    def csv_rows(self) -> list[list[object]]:
        """The trend as a table, header first: each figure as the pages write it."""
        return self._table(figure=lambda cell: cell.text)

    def xlsx_rows(self) -> list[list[object]]:
        """The same table with each figure a number (None where there is none), for a workbook."""
        return self._table(figure=lambda cell: cell.value)

    def _table(self, *, figure) -> list[list[object]]:
        header: list[object] = ["Quarter"]
        for name in self.series_names:
            header += [name, f"{name}: flag"]
        rows: list[list[object]] = [header]
        for quarter, cells in self.rows:
            row: list[object] = [quarter_label(quarter)]
            for cell in cells:
                row += [figure(cell), cell.flag_label]
            rows.append(row)
        return rows


def indicator_trend(*, partnership: Partnership, indicator: Indicator, last: date, count: int) -> Trend:
    """The indicator's figures for the ``count`` quarters ending with ``last``: the whole partnership's first
    (when it has any), then each agency's with a figure in the span, by name. Two queries."""
    quarters = quarters_between(quarter_step(last, -(count - 1)), last)
    values = list(
        IndicatorValue.objects.in_partnership(partnership)
        .filter(indicator=indicator, quarter__gte=quarters[0], quarter__lte=quarters[-1])
        .values_list("agency_id", "quarter", "value")
    )
    agency_ids = {agency_id for agency_id, _q, _v in values if agency_id is not None}
    names = dict(Agency.objects.in_partnership(partnership).filter(pk__in=agency_ids).values_list("pk", "name"))
    keys: list[int | None] = [None] if any(a is None for a, _q, _v in values) else []
    keys += sorted(agency_ids, key=lambda pk: (names.get(pk, "").lower(), pk))
    by_key = {(agency_id, quarter): value for agency_id, quarter, value in values}
    rows = []
    for quarter in quarters:
        cells = []
        for key in keys:
            value = by_key.get((key, quarter))
            before = by_key.get((key, quarter_step(quarter, -1)))
            change = value - before if value is not None and before is not None else None
            cells.append(Cell(value, value_flag(indicator, value), change))
        rows.append((quarter, tuple(cells)))
    return Trend(
        indicator=indicator,
        quarters=tuple(quarters),
        series_names=tuple(PARTNERSHIP_WIDE if key is None else names[key] for key in keys),
        rows=tuple(rows),
    )


# --- One quarter's data set ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterDataSet:
    quarter: date
    # The columns: the whole partnership first, then each agency, by name (None is the partnership).
    columns: tuple[tuple[int | None, str], ...]
    # (part label, theme, indicator, one cell per column)
    rows: tuple[tuple[str, str, Indicator, tuple[Cell, ...]], ...]
    analyses: tuple[AgencyAnalysis, ...]

    @property
    def flagged(self) -> int:
        return sum(1 for *_rest, cells in self.rows for cell in cells if cell.flag)

    @property
    def figures(self) -> int:
        return sum(1 for *_rest, cells in self.rows for cell in cells if cell.value is not None)

    def csv_rows(self) -> list[list[object]]:
        """The data set as a table, header first: each figure as the pages write it."""
        return self._table(figure=lambda cell: cell.text)

    def xlsx_rows(self) -> list[list[object]]:
        """The same table with each figure a number (None where there is none), for a workbook."""
        return self._table(figure=lambda cell: cell.value)

    def _table(self, *, figure) -> list[list[object]]:
        header: list[object] = ["Part", "Theme", "Indicator", "Unit"]
        for _key, name in self.columns:
            header += [name, f"{name}: flag"]
        rows: list[list[object]] = [header]
        for part, theme, indicator, cells in self.rows:
            row: list[object] = [part, theme, indicator.name, indicator.unit]
            for cell in cells:
                row += [figure(cell), cell.flag_label]
            rows.append(row)
        return rows


def quarter_dataset(*, partnership: Partnership, quarter: date) -> QuarterDataSet:
    """Every active indicator (and any inactive one with a figure this quarter) by every agency with a figure this
    quarter or an active one, with the previous quarter's figures for the change, and the agencies' analyses.
    Four queries."""
    previous = quarter_step(quarter, -1)
    values = list(
        IndicatorValue.objects.in_partnership(partnership)
        .filter(quarter__in=[previous, quarter])
        .values_list("indicator_id", "agency_id", "quarter", "value")
    )
    with_figures = {indicator_id for indicator_id, _a, q, _v in values if q == quarter}
    indicators = [i for i in indicator_list(partnership=partnership) if i.active or i.pk in with_figures]
    agency_ids = {agency_id for _i, agency_id, q, _v in values if q == quarter and agency_id is not None}
    agencies = [
        a for a in Agency.objects.in_partnership(partnership).order_by("name") if a.is_active or a.pk in agency_ids
    ]
    columns: list[tuple[int | None, str]] = [(None, PARTNERSHIP_WIDE), *((a.pk, a.name) for a in agencies)]
    by_key = {(i, a, q): v for i, a, q, v in values}
    rows = []
    for indicator in indicators:
        cells = []
        for agency_id, _name in columns:
            value = by_key.get((indicator.pk, agency_id, quarter))
            before = by_key.get((indicator.pk, agency_id, previous))
            change = value - before if value is not None and before is not None else None
            cells.append(Cell(value, value_flag(indicator, value), change))
        rows.append((indicator.get_part_display(), indicator.theme, indicator, tuple(cells)))
    analyses = tuple(analysis_list(partnership=partnership, quarter=quarter))
    return QuarterDataSet(quarter=quarter, columns=tuple(columns), rows=tuple(rows), analyses=analyses)


# --- The reports' section -----------------------------------------------------------------------------------


@report_section(key="datasets", order=50)
def datasets_report_section(scope: ReportScope) -> ReportSection | None:
    """The period's figures with their flags, quarter by quarter, each flagged figure named, a trend chart for each
    indicator with a flagged figure, and the agencies' analyses; nothing when the period has no figure and no
    analysis."""
    quarters = quarters_between(quarter_of(scope.start), scope.end)
    if not quarters:
        return None
    tables, paragraphs, flagged_indicators = [], [], {}
    for quarter in quarters:
        data = quarter_dataset(partnership=scope.partnership, quarter=quarter)
        if not data.figures and not data.analyses:
            continue
        used = [i for i, _col in enumerate(data.columns) if any(cells[i].value is not None for *_r, cells in data.rows)]
        headers = ("Indicator", *(data.columns[i][1] for i in used))
        rows = []
        for _part, theme, indicator, cells in data.rows:
            if all(cells[i].value is None for i in used):
                continue
            row = [f"{indicator.name}{f' ({theme})' if theme else ''}"]
            for i in used:
                cell = cells[i]
                row.append(f"{cell.text} ({cell.flag_label})" if cell.flag else cell.text)
                if cell.flag:
                    flagged_indicators[indicator.pk] = indicator
            rows.append(tuple(row))
        if rows:
            tables.append(
                ReportTable(
                    caption=f"{quarter_label(quarter)}: {data.figures} figures, {data.flagged} past a threshold",
                    headers=headers,
                    rows=tuple(rows),
                )
            )
        for analysis in data.analyses:
            paragraphs.append(f"{analysis.agency.name}, {quarter_label(quarter)}: {analysis.text}")
    if not tables and not paragraphs:
        return None
    charts = []
    for indicator in list(flagged_indicators.values())[:6]:
        trend = indicator_trend(partnership=scope.partnership, indicator=indicator, last=quarters[-1], count=8)
        chart = trend.chart()
        charts.append(ReportChart(title=chart.title, description=chart.description, svg=line_chart_svg(chart)))
    return ReportSection(
        key="datasets",
        title="Quarterly data sets",
        paragraphs=tuple(paragraphs),
        charts=tuple(charts),
        tables=tuple(tables),
    )
