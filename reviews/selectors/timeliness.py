"""Rapid review timeliness: what independent scrutiny asks about (issue 3, item 13).

Per calendar quarter of the Panel notification date (Q1 is January to March):
how many reviews were notified, how many are completed (sent to the Panel),
the share of those completed within 15 working days, the median working days
taken, and the reasons recorded for each late one.

Set-based: one aggregate query for the counts per quarter, one query for the
completed reviews' working days and delay reasons (the median is taken in
Python over those values, which are a few hundred at most per partnership).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import ExtractQuarter, ExtractYear

from partnership.models import Partnership
from reviews.models import PANEL_SUBMISSION_DAY, RapidReview

QUARTER_MONTHS = {1: "January to March", 2: "April to June", 3: "July to September", 4: "October to December"}


@dataclass(frozen=True)
class Delay:
    reference: str
    working_days_taken: int
    reason: str


@dataclass
class QuarterTimeliness:
    year: int
    quarter: int
    notified: int
    completed: int
    completed_on_time: int
    median_working_days: float | None
    delays: list[Delay] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter} ({QUARTER_MONTHS[self.quarter]})"

    @property
    def share_on_time(self) -> float | None:
        """Completed within 15 working days, as a fraction of those completed (None when none are)."""
        return self.completed_on_time / self.completed if self.completed else None

    @property
    def share_on_time_percent(self) -> int | None:
        share = self.share_on_time
        return None if share is None else round(share * 100)

    @property
    def in_progress(self) -> int:
        return self.notified - self.completed


def rapid_review_timeliness_years(*, partnership: Partnership) -> list[int]:
    """The years in which the partnership notified the Panel of an incident, newest first (for a filter)."""
    years = (
        RapidReview.objects.in_partnership(partnership)
        .annotate(year=ExtractYear("incident__panel_notified_on"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def rapid_review_timeliness(*, partnership: Partnership, year: int | None = None) -> list[QuarterTimeliness]:
    """The timeliness figures per quarter of notification, oldest first; ``year`` narrows to one calendar year.

    "Completed" means sent to the Panel (``sent_to_panel_on`` and
    ``working_days_taken`` are fixed then); on time means at most 15 working
    days after the notification. Quarters with no review notified are left out.
    Two queries, however many reviews.
    """
    reviews = RapidReview.objects.in_partnership(partnership)
    if year is not None:
        reviews = reviews.filter(incident__panel_notified_on__year=year)
    reviews = reviews.annotate(
        year=ExtractYear("incident__panel_notified_on"), quarter=ExtractQuarter("incident__panel_notified_on")
    )
    completed = Q(state=RapidReview.State.SENT_TO_PANEL, working_days_taken__isnull=False)
    counts = (
        reviews.order_by()
        .values("year", "quarter")
        .annotate(
            notified=Count("pk"),
            completed=Count("pk", filter=completed),
            completed_on_time=Count("pk", filter=completed & Q(working_days_taken__lte=PANEL_SUBMISSION_DAY)),
        )
        .order_by("year", "quarter")
    )
    taken: dict[tuple[int, int], list[int]] = defaultdict(list)
    delays: dict[tuple[int, int], list[Delay]] = defaultdict(list)
    rows = (
        reviews.filter(completed)
        .order_by("incident__panel_notified_on", "pk")
        .values_list("year", "quarter", "working_days_taken", "incident__reference", "delay_reason")
    )
    for row_year, quarter, days, reference, reason in rows:
        taken[(row_year, quarter)].append(days)
        if days > PANEL_SUBMISSION_DAY:
            delays[(row_year, quarter)].append(Delay(reference=reference, working_days_taken=days, reason=reason))
    return [
        QuarterTimeliness(
            year=row["year"],
            quarter=row["quarter"],
            notified=row["notified"],
            completed=row["completed"],
            completed_on_time=row["completed_on_time"],
            median_working_days=(
                float(statistics.median(taken[(row["year"], row["quarter"])]))
                if taken[(row["year"], row["quarter"])]
                else None
            ),
            delays=delays[(row["year"], row["quarter"])],
        )
        for row in counts
    ]
