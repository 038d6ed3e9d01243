"""The scrutiny dashboard's Section 11 and s175 heat maps: for the latest cycle of each kind opened in a period, or
the cycle the reader chose, every agency's (or school's) self score and moderated score per standard, in one query
however many returns; or only the weakest returns of each cycle, for a dashboard that cannot show 535 schools."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, F, Func, IntegerField, Min, Q, QuerySet, Subquery, Sum, When
from django.db.models.functions import Coalesce

from audits.builtin_templates import BUILTIN_SCALES, SECTION_11_SCORE
from audits.models import ReturnStandard, SelfAssessmentCycle, SelfAssessmentReturn, TemplateKind
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
    # How many returns (rows of the heat map) the cycle has in scope: more than the scores name when only the weakest
    # were asked for.
    returns_in_cycle: int = 0

    @property
    def score(self) -> int | None:
        """The score that counts: the moderated one where there is one, else the self score."""
        return self.moderated_score if self.moderated_score is not None else self.self_score


# A standard scored below this (partly met, not met) marks a return as weak; see ``weakness``.
MET_SCORE = 2
# The scores a heat map counts, highest first, with their words: the Section 11 scale's (0 to 3), which both
# kinds of self-assessment score on.
HEATMAP_SCORES: tuple[tuple[int, str], ...] = tuple(
    (option.value, option.label) for option in BUILTIN_SCALES[SECTION_11_SCORE].options
)


def weakness(scores: list[HeatmapScore]) -> tuple[int, int]:
    """How one return ranks among the weakest (lower first): ``weakness_of_scores`` of the scores that count."""
    return weakness_of_scores([s.score for s in scores])


def weakness_of_scores(scores: Iterable[int | None]) -> tuple[int, int]:
    """How a row of scores ranks among the weakest (lower first): its standards scored below ``MET_SCORE``, most
    first, then its total score, lowest first (a standard not scored counts 0). The same order as
    ``_weakest_returns``."""
    scores = list(scores)
    return (-sum(1 for score in scores if score is not None and score < MET_SCORE), sum(score or 0 for score in scores))


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
    weakest: int | None = None,
) -> list[HeatmapScore]:
    """Each kind's latest cycle (by year) that opened between ``start`` and ``end`` (any when both are ``None``), or
    the cycle ``chosen`` for that kind ({kind: cycle id}, whenever it opened): every standard of every return, by
    agency name then the standard's position; only ``agency_id``'s returns when given. With ``weakest``, only that
    many returns of each cycle, the weakest first (``weakness``), each score carrying how many returns the cycle
    has. One query (two with ``weakest``: the returns chosen, then their standards): the latest cycle of each kind,
    the weakest returns and the counts are subqueries. A chosen id of another partnership's or of the other kind
    matches nothing."""
    chosen = chosen or {}
    cycles = SelfAssessmentCycle.objects.in_partnership(partnership)
    if start is not None:
        cycles = cycles.filter(opens_on__gte=start)
    if end is not None:
        cycles = cycles.filter(opens_on__lte=end)
    shown, counts = Q(), []
    for kind in SELF_ASSESSMENT_KINDS:
        if kind.value in chosen:
            cycle_id = chosen[kind.value]
        else:
            cycle_id = Subquery(cycles.filter(kind=kind.value).order_by("-year", "-opens_on", "-pk").values("pk")[:1])
        cycle = Q(assessment_return__cycle_id=cycle_id, assessment_return__cycle__kind=kind.value)
        in_scope = ReturnStandard.objects.in_partnership(partnership).filter(cycle)
        if agency_id is not None:
            in_scope = in_scope.filter(assessment_return__agency_id=agency_id)
        if weakest is None:
            shown |= cycle
        else:
            shown |= Q(pk__in=Subquery(_weakest_returns(in_scope, weakest)))
        counts.append(_returns_counted(partnership, kind.value, cycle_id, agency_id))
    if weakest is not None:
        # The returns chosen are read first (a second query): given their ids, PostgreSQL reads their standards by
        # index, where any subquery for them (the planner cannot tell it returns 50 rows) became a scan of every
        # standard of every cycle: 46 ms for 550 rows among 74,000.
        chosen_returns = SelfAssessmentReturn.objects.in_partnership(partnership).filter(shown)
        shown = Q(assessment_return_id__in=list(chosen_returns.values_list("pk", flat=True)))
    rows = ReturnStandard.objects.in_partnership(partnership).filter(shown)
    if agency_id is not None:
        rows = rows.filter(assessment_return__agency_id=agency_id)
    rows = rows.annotate(returns_in_cycle=Case(*counts, default=0, output_field=IntegerField()))
    scores = [
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
            "returns_in_cycle",
        )
    ]
    return scores if weakest is None else _weakest_first(scores)


def _returns_counted(partnership: Partnership, kind: str, cycle_id, agency_id: int | None) -> When:
    """How many returns ``kind``'s cycle has in scope, for the rows of that kind. COUNT(*) with no GROUP BY: one
    row, worked out once (it names no column of the outer query). Every return has a row for each standard of its
    cycle, so these are the heat map's rows."""
    returns = SelfAssessmentReturn.objects.in_partnership(partnership).filter(cycle_id=cycle_id, cycle__kind=kind)
    if agency_id is not None:
        returns = returns.filter(agency_id=agency_id)
    returns = returns.order_by().annotate(n=Func(F("pk"), function="COUNT"))
    return When(assessment_return__cycle__kind=kind, then=Subquery(returns.values("n")[:1]))


def _weakest_first(scores: list[HeatmapScore]) -> list[HeatmapScore]:
    by_return: dict[int, list[HeatmapScore]] = {}
    for score in scores:
        by_return.setdefault(score.return_id, []).append(score)
    # Stable: returns equally weak stay in the query's order, by agency name, as ``_weakest_returns`` chose them.
    ranked = sorted(by_return.values(), key=lambda mine: (mine[0].kind, weakness(mine)))
    return [score for mine in ranked for score in mine]


def _weakest_returns(in_scope: QuerySet, weakest: int) -> QuerySet:
    """The ids of the ``weakest`` returns among the standards ``in_scope``, ranked as ``weakness`` ranks them."""
    score = Coalesce("moderated_score", "self_score")
    return (
        in_scope.order_by()
        .values("assessment_return_id")
        .annotate(
            below=Count(
                "pk", filter=Q(moderated_score__lt=MET_SCORE) | Q(moderated_score=None, self_score__lt=MET_SCORE)
            ),
            total=Coalesce(Sum(score), 0),
            name=Min("assessment_return__agency__name"),
        )
        .order_by("-below", "total", "name", "assessment_return_id")
        .values("assessment_return_id")[:weakest]
    )
