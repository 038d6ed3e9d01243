"""The scrutiny dashboard's Section 11 and s175 heat maps: for the latest cycle of each kind opened in a period, or
the cycle the reader chose, every agency's (or school's) self score and moderated score per standard, in one query
however many returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Subquery

from audits.models import ReturnStandard, SelfAssessmentCycle, TemplateKind
from audits.models.self_assessment import SELF_ASSESSMENT_KINDS
from partnership.models import Partnership

# The kinds a ``HeatmapScore`` names.
SECTION_11, SECTION_175 = TemplateKind.SECTION_11.value, TemplateKind.SECTION_175.value


@dataclass(frozen=True)
class HeatmapScore:
    """One return's scores for one standard of its cycle."""

    kind: str
    cycle_id: int
    cycle_title: str
    return_id: int
    agency_name: str
    standard_key: str
    standard_title: str
    standard_position: int
    self_score: int | None
    moderated_score: int | None


@dataclass(frozen=True)
class HeatmapCycle:
    """A cycle the reader may choose for a heat map."""

    kind: str
    cycle_id: int
    title: str
    year: int


def compliance_heatmap_cycles(*, partnership: Partnership) -> list[HeatmapCycle]:
    """Every Section 11 and s175 cycle of the partnership, newest year first: the heat maps' choice. One query."""
    rows = (
        SelfAssessmentCycle.objects.in_partnership(partnership)
        .order_by("kind", "-year", "-opens_on", "-pk")
        .values_list("kind", "pk", "title", "year")
    )
    return [HeatmapCycle(*row) for row in rows]


def compliance_heatmap_scores(
    *,
    partnership: Partnership,
    start: date | None,
    end: date | None,
    agency_id: int | None = None,
    chosen: dict[str, int] | None = None,
) -> list[HeatmapScore]:
    """Each kind's latest cycle (by year) that opened between ``start`` and ``end`` (any when both are ``None``), or
    the cycle ``chosen`` for that kind ({kind: cycle id}, whenever it opened): every standard of every return, by
    agency name then the standard's position; only ``agency_id``'s returns when given. One query: the latest cycle of
    each kind is a subquery. A chosen id of another partnership's or of the other kind matches nothing."""
    chosen = chosen or {}
    cycles = SelfAssessmentCycle.objects.in_partnership(partnership)
    if start is not None:
        cycles = cycles.filter(opens_on__gte=start)
    if end is not None:
        cycles = cycles.filter(opens_on__lte=end)
    latest = Q()
    for kind in SELF_ASSESSMENT_KINDS:
        if kind.value in chosen:
            latest |= Q(assessment_return__cycle_id=chosen[kind.value], assessment_return__cycle__kind=kind.value)
            continue
        newest = cycles.filter(kind=kind.value).order_by("-year", "-opens_on", "-pk").values("pk")[:1]
        latest |= Q(assessment_return__cycle_id=Subquery(newest))
    rows = ReturnStandard.objects.in_partnership(partnership).filter(latest)
    if agency_id is not None:
        rows = rows.filter(assessment_return__agency_id=agency_id)
    return [
        HeatmapScore(*row)
        for row in rows.order_by(
            "assessment_return__cycle__kind",
            "assessment_return__agency__name",
            "assessment_return_id",
            "section__position",
            "section_id",
        ).values_list(
            "assessment_return__cycle__kind",
            "assessment_return__cycle_id",
            "assessment_return__cycle__title",
            "assessment_return_id",
            "assessment_return__agency__name",
            "section_key",
            "section__title",
            "section__position",
            "self_score",
            "moderated_score",
        )
    ]
