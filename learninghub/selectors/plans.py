"""Reads of a cycle's delivery plan: the plan page (indicators by period, measures, guidance, evidence, versions),
saved versions, two versions side by side, the records evidence can link to, and the findings report's section.

Every read names its partnership; another partnership's plan, indicator, item or version is as missing
(``Http404``). The plan page reads a fixed number of queries whatever the plan holds.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from audits.selectors.rounds import audit_round_list
from audits.selectors.self_assessment import cycle_list as self_assessment_cycle_list
from learninghub.models import (
    DeliveryPlan,
    EvidenceSource,
    HubCycle,
    PlanIndicator,
    PlanItem,
    PlanItemKind,
    PlanVersion,
)
from learninghub.report_sections import ReportSection, ReportTable, report_section
from learninghub.selectors.cycles import CYCLE_MANAGE_ROLES
from partnership.models import Agency, Partnership

# Every member reads the plan (as they read the cycle); the business managers, who run the hub, change it.
PLAN_MANAGE_ROLES = CYCLE_MANAGE_ROLES
KIND_LABELS = dict(PlanItemKind.choices)
EVIDENCE = PlanItemKind.EVIDENCE
SOURCE_CHOICES = EvidenceSource.choices
SOURCE_LABELS = dict(EvidenceSource.choices)
# The kinds of record evidence links to, as ``<type>:<id>`` in forms and in a version's content.
LINK_EARLIER_HUB = "hub_cycle"
LINK_SELF_ASSESSMENT = "self_assessment"
LINK_AUDIT_ROUND = "audit_round"
LINK_LABELS = {
    LINK_EARLIER_HUB: "Earlier hub cycle",
    LINK_SELF_ASSESSMENT: "Self-assessment",
    LINK_AUDIT_ROUND: "Case audit",
}


def delivery_plan_of(*, partnership: Partnership, cycle: HubCycle) -> DeliveryPlan | None:
    """The cycle's plan, or None before it is started."""
    return DeliveryPlan.objects.in_partnership(partnership).filter(cycle=cycle).first()


def delivery_plan_get(*, partnership: Partnership, cycle: HubCycle) -> DeliveryPlan:
    plan = delivery_plan_of(partnership=partnership, cycle=cycle)
    if plan is None:
        raise Http404("This cycle has no delivery plan yet.")
    return plan


def plan_indicators(*, partnership: Partnership, plan: DeliveryPlan) -> list[PlanIndicator]:
    """The plan's figures in order, each with its agency (if it names one).

    The agencies are read by id, from the partnership's, in a query of their own that runs only when a figure
    names one: joined instead (a figure's agency is optional, so an outer join), PostgreSQL hashed every agency
    in the country, which row-level security filters but cannot pick from the partnership's index (1.6 ms of
    the plan's page at twice the national volume, for 96 figures with no agency)."""
    return list(
        PlanIndicator.objects.in_partnership(partnership)
        .filter(plan=plan)
        .prefetch_related(Prefetch("agency", queryset=Agency.objects.in_partnership(partnership)))
        .order_by("position", "id")
    )


def plan_items(*, partnership: Partnership, plan: DeliveryPlan) -> list[PlanItem]:
    return list(
        PlanItem.objects.in_partnership(partnership)
        .filter(plan=plan)
        .select_related("earlier_cycle", "self_assessment", "audit_round")
        .order_by("position", "id")
    )


def plan_indicator_get(*, partnership: Partnership, plan: DeliveryPlan, plan_indicator_id: int) -> PlanIndicator:
    found = PlanIndicator.objects.in_partnership(partnership).filter(plan=plan, pk=plan_indicator_id).first()
    if found is None:
        raise Http404("No such indicator.")
    return found


def plan_item_get(*, partnership: Partnership, plan: DeliveryPlan, plan_item_id: int) -> PlanItem:
    found = PlanItem.objects.in_partnership(partnership).filter(plan=plan, pk=plan_item_id).first()
    if found is None:
        raise Http404("No such item.")
    return found


def plan_versions(*, partnership: Partnership, plan: DeliveryPlan) -> list[PlanVersion]:
    """The saved versions, oldest first, without their content (a list does not need it)."""
    return list(
        PlanVersion.objects.in_partnership(partnership)
        .filter(plan=plan)
        .select_related("saved_by")
        .defer("content")
        .order_by("number")
    )


def plan_version_get(*, partnership: Partnership, plan: DeliveryPlan, plan_version_id: int) -> PlanVersion:
    found = (
        PlanVersion.objects.in_partnership(partnership).filter(plan=plan, pk=plan_version_id).select_related("saved_by")
    ).first()
    if found is None:
        raise Http404("No such version.")
    return found


# --- What evidence can link to -------------------------------------------------------------------------------


def earlier_cycle_choices(*, partnership: Partnership, cycle: HubCycle) -> QuerySet[HubCycle]:
    """The partnership's hub cycles that started before this one: their findings are evidence for it."""
    return (
        HubCycle.objects.in_partnership(partnership)
        .filter(starts_on__lt=cycle.starts_on)
        .exclude(pk=cycle.pk)
        .order_by("-starts_on", "-id")
    )


def self_assessment_choices(*, partnership: Partnership):
    return self_assessment_cycle_list(partnership=partnership)


def audit_round_choices(*, partnership: Partnership):
    return audit_round_list(partnership=partnership)


def agency_choices(*, partnership: Partnership) -> list[Agency]:
    return list(Agency.objects.in_partnership(partnership).filter(is_active=True).order_by("name", "pk"))


def link_choices(*, partnership: Partnership, cycle: HubCycle) -> list[tuple[str, str]]:
    """``(<type>:<id>, label)`` for every record evidence can link to, three queries."""
    choices = [
        (f"{LINK_EARLIER_HUB}:{c.pk}", f"Earlier hub: {c.title} ({c.starts_on:%b %Y})")
        for c in earlier_cycle_choices(partnership=partnership, cycle=cycle)
    ]
    choices += [
        (f"{LINK_SELF_ASSESSMENT}:{c.pk}", f"Self-assessment: {c.title}")
        for c in self_assessment_choices(partnership=partnership)
    ]
    choices += [
        (f"{LINK_AUDIT_ROUND}:{r.pk}", f"Case audit: {r.title}") for r in audit_round_choices(partnership=partnership)
    ]
    return choices


def item_link(item: PlanItem) -> tuple[str, int, str] | None:
    """The record an item links to: ``(type, id, title)``, or None."""
    if item.earlier_cycle_id:
        return LINK_EARLIER_HUB, item.earlier_cycle_id, item.earlier_cycle.title
    if item.self_assessment_id:
        return LINK_SELF_ASSESSMENT, item.self_assessment_id, item.self_assessment.title
    if item.audit_round_id:
        return LINK_AUDIT_ROUND, item.audit_round_id, item.audit_round.title
    return None


# --- Snapshots: what a version holds -----------------------------------------------------------------------


def format_value(value: Decimal | str | None) -> str:
    """A value as people write it: no trailing zeros, no exponent (``12.5``, ``300``)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _link_entry(item: PlanItem) -> dict | None:
    link = item_link(item)
    return {"type": link[0], "id": link[1], "title": link[2]} if link else None


def plan_snapshot(*, indicators: list[PlanIndicator], items: list[PlanItem]) -> dict:
    """The plan's content as a version keeps it: plain data, readable whatever later happens to the rows."""
    return {
        "indicators": [
            {
                "name": i.name,
                "unit": i.unit,
                "period": i.period_label,
                "value": format_value(i.value),
                "agency": i.agency.name if i.agency_id else "",
            }
            for i in indicators
        ],
        "items": [
            {
                "kind": item.kind,
                "source": item.source,
                "title": item.title,
                "detail": item.detail,
                "url": item.url,
                "citation": item.citation,
                "link": _link_entry(item),
            }
            for item in items
        ],
    }


@dataclass
class IndicatorRow:
    name: str
    unit: str
    agency: str
    values: list[str]
    indicators: list[PlanIndicator | None] = field(default_factory=list)


@dataclass
class IndicatorTable:
    """Indicators by period: one row per indicator (and agency), one column per period, in the order entered."""

    periods: list[str]
    rows: list[IndicatorRow]


def indicator_table(entries: list[dict], *, rows_of: list[PlanIndicator] | None = None) -> IndicatorTable:
    """The table of a snapshot's indicators; with ``rows_of`` (the live rows, same order) each cell keeps its row."""
    periods: list[str] = list(OrderedDict.fromkeys(e["period"] for e in entries))
    table: OrderedDict[tuple[str, str, str], IndicatorRow] = OrderedDict()
    for index, entry in enumerate(entries):
        key = (entry["name"], entry["unit"], entry["agency"])
        row = table.get(key)
        if row is None:
            row = table[key] = IndicatorRow(
                entry["name"], entry["unit"], entry["agency"], [""] * len(periods), [None] * len(periods)
            )
        column = periods.index(entry["period"])
        row.values[column] = entry["value"]
        if rows_of is not None:
            row.indicators[column] = rows_of[index]
    return IndicatorTable(periods=periods, rows=list(table.values()))


@dataclass
class PlanPage:
    """What the plan page shows: the table of indicators, the items by kind, the saved versions."""

    cycle: HubCycle
    plan: DeliveryPlan | None
    table: IndicatorTable
    indicators: list[PlanIndicator]
    items_by_kind: dict[str, list[PlanItem]]
    versions: list[PlanVersion]


def delivery_plan_page(*, partnership: Partnership, cycle: HubCycle) -> PlanPage:
    """The plan page in four queries (plan, indicators, items with their links, versions)."""
    plan = delivery_plan_of(partnership=partnership, cycle=cycle)
    if plan is None:
        return PlanPage(cycle, None, IndicatorTable([], []), [], {k: [] for k in KIND_LABELS}, [])
    indicators = plan_indicators(partnership=partnership, plan=plan)
    items = plan_items(partnership=partnership, plan=plan)
    snapshot = plan_snapshot(indicators=indicators, items=[])
    by_kind: dict[str, list[PlanItem]] = {k: [] for k in KIND_LABELS}
    for item in items:
        item.link = item_link(item)
        by_kind[item.kind].append(item)
    return PlanPage(
        cycle=cycle,
        plan=plan,
        table=indicator_table(snapshot["indicators"], rows_of=indicators),
        indicators=indicators,
        items_by_kind=by_kind,
        versions=plan_versions(partnership=partnership, plan=plan),
    )


def plan_current_content(*, partnership: Partnership, plan: DeliveryPlan) -> dict:
    return plan_snapshot(
        indicators=plan_indicators(partnership=partnership, plan=plan),
        items=plan_items(partnership=partnership, plan=plan),
    )


# --- Two versions side by side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueChange:
    name: str
    unit: str
    agency: str
    period: str
    then: str
    now: str

    @property
    def status(self) -> str:
        if not self.then:
            return "added"
        if not self.now:
            return "removed"
        return "same" if self.then == self.now else "changed"

    @property
    def difference(self) -> str:
        if self.status != "changed":
            return ""
        try:
            delta = Decimal(self.now) - Decimal(self.then)
        except InvalidOperation:
            return ""
        return ("+" if delta > 0 else "") + format_value(delta)


@dataclass(frozen=True)
class PlanComparison:
    values: list[ValueChange]
    items_added: list[dict]
    items_removed: list[dict]
    items_changed: list[tuple[dict, dict]]

    @property
    def has_changes(self) -> bool:
        return bool(
            self.items_added or self.items_removed or self.items_changed or any(v.status != "same" for v in self.values)
        )


def _item_key(entry: dict) -> tuple:
    link = entry.get("link") or {}
    return (
        entry["kind"],
        entry["source"],
        entry["title"],
        entry["url"],
        entry["citation"],
        link.get("type"),
        link.get("id"),
    )


def plan_compare(*, then: dict, now: dict) -> PlanComparison:
    """Indicator values then and now (every indicator and period in either), and the items added, removed and
    changed (same title and reference, different text). Pure: no queries."""
    values: OrderedDict[tuple, list[str]] = OrderedDict()
    for side, content in ((0, then), (1, now)):
        for entry in content.get("indicators", []):
            key = (entry["name"], entry["unit"], entry["agency"], entry["period"])
            values.setdefault(key, ["", ""])[side] = entry["value"]
    then_items = {_item_key(e): e for e in then.get("items", [])}
    now_items = {_item_key(e): e for e in now.get("items", [])}
    return PlanComparison(
        values=[ValueChange(*key, then=pair[0], now=pair[1]) for key, pair in values.items()],
        items_added=[e for k, e in now_items.items() if k not in then_items],
        items_removed=[e for k, e in then_items.items() if k not in now_items],
        items_changed=[
            (then_items[k], e)
            for k, e in now_items.items()
            if k in then_items and then_items[k]["detail"] != e["detail"]
        ],
    )


# --- The findings report ------------------------------------------------------------------------------------


def _first_and_latest(*, partnership: Partnership, plan: DeliveryPlan) -> tuple[PlanVersion | None, PlanVersion | None]:
    versions = PlanVersion.objects.in_partnership(partnership).filter(plan=plan)
    first = versions.order_by("number").first()
    latest = versions.order_by("-number").first()
    return first, latest


@report_section(key="delivery_plan", order=20)
def delivery_plan_section(cycle: HubCycle) -> ReportSection | None:
    """The delivery plan's data then and now: the first saved version against the latest one (or against the
    plan as it stands, when only one version is saved). Nothing before a version is saved."""
    partnership = cycle.partnership
    plan = delivery_plan_of(partnership=partnership, cycle=cycle)
    if plan is None:
        return None
    first, latest = _first_and_latest(partnership=partnership, plan=plan)
    if first is None:
        return None
    if latest.pk != first.pk:
        now, now_label = latest.content, f"{latest.label} (version {latest.number}, {latest.saved_at:%-d %b %Y})"
    else:
        now, now_label = (
            plan_current_content(partnership=partnership, plan=plan),
            "The plan now (not saved as a version)",
        )
    then_label = f"{first.label} (version {first.number}, {first.saved_at:%-d %b %Y})"
    comparison = plan_compare(then=first.content, now=now)
    paragraphs = [f"Then: {then_label}. Now: {now_label}."]
    if not comparison.values:
        paragraphs.append("The plan records no indicators.")
    tables = []
    if comparison.values:
        tables.append(
            ReportTable(
                caption="Current data and performance, then and now",
                headers=("Indicator", "Agency", "Period", "Then", "Now", "Change"),
                rows=tuple(
                    (
                        f"{v.name} ({v.unit})" if v.unit else v.name,
                        v.agency or "All",
                        v.period,
                        v.then or "—",
                        v.now or "—",
                        v.difference or {"added": "New", "removed": "Dropped", "same": "No change"}.get(v.status, ""),
                    )
                    for v in comparison.values
                ),
            )
        )
    measures = [e for e in now.get("items", []) if e["kind"] == PlanItemKind.MEASURE]
    if measures:
        tables.append(
            ReportTable(
                caption="Success and impact measures",
                headers=("Measure", "Detail"),
                rows=tuple((e["title"], e["detail"]) for e in measures),
            )
        )
    if comparison.items_added or comparison.items_removed:
        tables.append(
            ReportTable(
                caption="Measures, guidance and evidence added or dropped since the first version",
                headers=("Change", "Kind", "Title"),
                rows=tuple(
                    [("Added", KIND_LABELS.get(e["kind"], e["kind"]), e["title"]) for e in comparison.items_added]
                    + [("Dropped", KIND_LABELS.get(e["kind"], e["kind"]), e["title"]) for e in comparison.items_removed]
                ),
            )
        )
    return ReportSection(
        key="delivery_plan",
        title="The delivery plan: data then and now",
        paragraphs=tuple(paragraphs),
        tables=tuple(tables),
    )
