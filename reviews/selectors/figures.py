"""Counts of rapid review decisions and learning reviews for the scrutiny dashboard, with the filters that list
exactly the records each count is made of.

Each count and its list share one filter (``decision_filter``, ``learning_review_filter``), as the timeliness
figures do (``reviews.selectors.timeliness``), so a figure and the list behind it cannot disagree. One aggregate
query per question, whatever the partnership's history: the rows grow with the years and the kinds, not with the
reviews.

No child is named: the lists return references, dates and states, never the incident's children.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from partnership.models import Partnership
from reviews.models import DecisionOutcome, LearningReview, Methodology, RapidReview
from reviews.selectors.timeliness import _with_incidents, in_period

# A review the meeting has not decided yet is counted beside the three outcomes, so every notified review shows.
UNDECIDED = "undecided"
DECISION_COLUMNS = (*((outcome.value, outcome.label) for outcome in DecisionOutcome), (UNDECIDED, "Not yet decided"))


def decision_filter(outcome: str) -> Q:
    """The rapid reviews with one decision outcome (or none yet); ``ValueError`` for an unknown outcome."""
    if outcome == UNDECIDED:
        return Q(decision__isnull=True)
    if outcome not in DecisionOutcome.values:
        raise ValueError(f"No decision outcome called {outcome!r}.")
    return Q(decision__outcome=outcome)


def rapid_review_decision_counts(
    *, partnership: Partnership, start: date | None, end: date | None, agency_id: int | None
) -> dict[int, dict[str, int]]:
    """Per year of the Panel notification (oldest first), the reviews of each decision outcome: one query."""
    reviews = in_period(_with_incidents(partnership), start=start, end=end, agency_id=agency_id)
    rows = (
        reviews.annotate(year=ExtractYear("incident__panel_notified_on"))
        .order_by()
        .values("year")
        .annotate(**{key: Count("pk", filter=decision_filter(key)) for key, _label in DECISION_COLUMNS})
        .order_by("year")
    )
    return {row["year"]: {key: row[key] for key, _label in DECISION_COLUMNS} for row in rows}


def rapid_reviews_for_figure(
    *,
    partnership: Partnership,
    start: date | None,
    end: date | None,
    agency_id: int | None,
    condition: Q,
    year: int | None = None,
    quarter: tuple[int, int] | None = None,
) -> QuerySet[RapidReview]:
    """The rapid reviews behind one figure, newest notification first, with their incident and decision."""
    reviews = in_period(_with_incidents(partnership), start=start, end=end, agency_id=agency_id).filter(condition)
    if year is not None:
        reviews = reviews.filter(incident__panel_notified_on__year=year)
    if quarter is not None:
        reviews = reviews.filter(
            incident__panel_notified_on__year=quarter[0], incident__panel_notified_on__quarter=quarter[1]
        )
    return reviews.select_related("incident", "incident__referring_agency", "decision").order_by(
        "-incident__panel_notified_on", "-pk"
    )


def learning_review_filter(*, methodology: str, state: str) -> Q:
    """The learning reviews of one methodology in one stage; ``ValueError`` for an unknown one."""
    if methodology not in Methodology.values or state not in LearningReview.State.values:
        raise ValueError("No such methodology or stage.")
    return Q(methodology=methodology, state=state)


def _learning_reviews_in(partnership: Partnership, *, start: date | None, end: date | None) -> QuerySet:
    # The period is the one the review was opened in: a review runs for months, and is counted once.
    reviews = LearningReview.objects.in_partnership(partnership)
    if start is not None:
        reviews = reviews.filter(created_at__date__gte=start)
    if end is not None:
        reviews = reviews.filter(created_at__date__lte=end)
    return reviews


def learning_review_counts(
    *, partnership: Partnership, start: date | None, end: date | None
) -> dict[str, dict[str, int]]:
    """Learning reviews opened in the period, by methodology then stage (today's): one query."""
    rows = (
        _learning_reviews_in(partnership, start=start, end=end)
        .order_by()
        .values("methodology", "state")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["methodology"], {})[row["state"]] = row["n"]
    return counts


def learning_reviews_for_figure(
    *, partnership: Partnership, start: date | None, end: date | None, methodology: str, state: str
) -> QuerySet[LearningReview]:
    """The learning reviews behind one figure, newest first."""
    return (
        _learning_reviews_in(partnership, start=start, end=end)
        .filter(learning_review_filter(methodology=methodology, state=state))
        .order_by("-created_at", "-pk")
    )
