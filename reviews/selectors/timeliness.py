"""Rapid review timeliness: what independent scrutiny asks about.

Per calendar quarter of the Panel notification date (Q1 is January to March),
as of ``today``:

- **notified**: rapid reviews whose Panel notification fell in the quarter;
- **on time**: sent to the Panel within 15 working days of the notification;
- **late**: sent after day 15, *or still open with day 15 passed* (an open review
  past its due date is late already, whatever happens next);
- **in progress**: still open and not yet due;
- **share on time**: on time out of those whose outcome is known (on time + late);
- **notified late**: the local authority notified the Panel more than 5 working
  days after becoming aware (a separate statutory clock, counted beside it).

Every figure is one named filter (``TIMELINESS_FILTERS``) that both the counts
and the rapid review list use, so each number links to exactly the reviews it
counts (``rapid_review_list(..., timeliness=..., quarter=...)``).

Set-based: one aggregate query for the counts per quarter, one for the medians
(window functions rank each quarter's completed reviews by working days taken and
return only the middle one or two: PostgreSQL and SQLite alike), one for the late
reviews' working days and reasons, and the calendar's closure days when a review
is open past due. What comes back grows with the quarters and the late reviews
shown, not with every review of the partnership's history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import ExtractQuarter, ExtractYear, RowNumber

from partnership.models import Partnership, Role
from partnership.selectors import working_day_calendar
from reviews.models import PANEL_NOTIFICATION_WORKING_DAYS, PANEL_SUBMISSION_DAY, RapidReview

# Who reads the timeliness figures: the managers, and the independent scrutineer who holds them to account.
TIMELINESS_READER_ROLES = frozenset({Role.BUSINESS_MANAGER, Role.SCRUTINEER})

QUARTER_MONTHS = {1: "January to March", 2: "April to June", 3: "July to September", 4: "October to December"}

_SENT = Q(state=RapidReview.State.SENT_TO_PANEL, working_days_taken__isnull=False)
_OPEN = Q(sent_to_panel_on__isnull=True)


def timeliness_filter(kind: str, *, today: date) -> Q:
    """The reviews one figure counts; ``ValueError`` for an unknown kind."""
    past_due = _OPEN & Q(panel_submission_due_on__lt=today)
    filters = {
        "notified": Q(),
        "completed": _SENT,
        "on_time": _SENT & Q(working_days_taken__lte=PANEL_SUBMISSION_DAY),
        "late": (_SENT & Q(working_days_taken__gt=PANEL_SUBMISSION_DAY)) | past_due,
        "open_past_due": past_due,
        "in_progress": _OPEN & Q(panel_submission_due_on__gte=today),
        "notified_late": Q(incident__notification_working_days__gt=PANEL_NOTIFICATION_WORKING_DAYS),
        "notified_on_time": Q(incident__notification_working_days__lte=PANEL_NOTIFICATION_WORKING_DAYS),
    }
    if kind not in filters:
        raise ValueError(f"No timeliness figure called {kind!r}.")
    return filters[kind]


# The figures a list can be filtered by, with how the list names them.
TIMELINESS_FILTERS = {
    "notified": "notified",
    "completed": "sent to the Panel",
    "on_time": "sent within 15 working days",
    "late": "late (sent after day 15, or open past day 15)",
    "open_past_due": "still open past day 15",
    "in_progress": "open and not yet due",
    "notified_late": "notified to the Panel late",
    "notified_on_time": "notified to the Panel within 5 working days",
}


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """First and last day of a calendar quarter; ``ValueError`` outside 1..4."""
    if quarter not in QUARTER_MONTHS:
        raise ValueError("A quarter is 1, 2, 3 or 4.")
    first = date(year, 3 * quarter - 2, 1)
    last = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


def in_quarter(queryset: QuerySet, *, year: int, quarter: int) -> QuerySet:
    first, last = quarter_bounds(year, quarter)
    return queryset.filter(incident__panel_notified_on__gte=first, incident__panel_notified_on__lte=last)


@dataclass(frozen=True)
class Delay:
    reference: str
    rapid_review_id: int
    working_days_taken: int
    reason: str
    # Still open: ``working_days_taken`` is the working days so far, and it keeps growing.
    still_open: bool = False


@dataclass
class QuarterTimeliness:
    year: int
    quarter: int
    notified: int
    completed: int
    on_time: int
    late: int
    open_past_due: int
    in_progress: int
    notified_late: int
    median_working_days: float | None
    delays: list[Delay] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.year} Q{self.quarter} ({QUARTER_MONTHS[self.quarter]})"

    @property
    def key(self) -> str:
        """How the rapid review list names the quarter (``?quarter=2026-4``)."""
        return f"{self.year}-{self.quarter}"

    @property
    def measured(self) -> int:
        """Reviews whose timeliness is known: sent, or open past day 15 (late whatever happens)."""
        return self.on_time + self.late

    @property
    def share_on_time(self) -> float | None:
        return self.on_time / self.measured if self.measured else None

    @property
    def share_on_time_percent(self) -> int | None:
        share = self.share_on_time
        return None if share is None else round(share * 100)


def _with_incidents(partnership: Partnership) -> QuerySet[RapidReview]:
    """The partnership's reviews, their incidents' partnership named too (the same one: the database holds a
    review to its incident's partnership). The planner then reads this partnership's incidents by index
    rather than every partnership's by a sequential scan (19,000 incidents at twice the national volume:
    8 ms where the index takes under 1)."""
    return RapidReview.objects.in_partnership(partnership).filter(incident__partnership=partnership)


def rapid_review_timeliness_years(*, partnership: Partnership) -> list[int]:
    """The years in which the partnership notified the Panel of an incident, newest first (for a filter)."""
    years = (
        _with_incidents(partnership)
        .annotate(year=ExtractYear("incident__panel_notified_on"))
        .order_by()  # the default ordering's columns would join the DISTINCT: one row per review
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)


def in_period(
    queryset: QuerySet, *, start: date | None = None, end: date | None = None, agency_id: int | None = None
) -> QuerySet:
    """Reviews notified to the Panel from ``start`` to ``end`` (inclusive, either open-ended), referred by
    ``agency_id`` when given: the scrutiny dashboard's period and agency filters, for its counts and its lists."""
    if start is not None:
        queryset = queryset.filter(incident__panel_notified_on__gte=start)
    if end is not None:
        queryset = queryset.filter(incident__panel_notified_on__lte=end)
    if agency_id is not None:
        queryset = queryset.filter(incident__referring_agency_id=agency_id)
    return queryset


def rapid_review_timeliness(
    *,
    partnership: Partnership,
    today: date,
    year: int | None = None,
    start: date | None = None,
    end: date | None = None,
    agency_id: int | None = None,
) -> list[QuarterTimeliness]:
    """The figures per quarter of notification, oldest first; ``year`` narrows to one calendar year, ``start`` and
    ``end`` to the reviews notified in those days, ``agency_id`` to those one agency referred.

    Quarters with no review notified are left out. A fixed number of queries
    (three, four when a review is open past due), however many reviews.
    """
    reviews = _with_incidents(partnership)
    if year is not None:
        reviews = reviews.filter(incident__panel_notified_on__year=year)
    reviews = in_period(reviews, start=start, end=end, agency_id=agency_id)
    reviews = reviews.annotate(
        year=ExtractYear("incident__panel_notified_on"), quarter=ExtractQuarter("incident__panel_notified_on")
    )
    names = ("notified", "completed", "on_time", "late", "open_past_due", "in_progress", "notified_late")
    counts = (
        reviews.order_by()
        .values("year", "quarter")
        .annotate(**{name: Count("pk", filter=timeliness_filter(name, today=today)) for name in names})
        .order_by("year", "quarter")
    )
    delays: dict[tuple[int, int], list[Delay]] = defaultdict(list)
    late = (_SENT & Q(working_days_taken__gt=PANEL_SUBMISSION_DAY)) | timeliness_filter("open_past_due", today=today)
    rows = (
        reviews.filter(late)
        .order_by("incident__panel_notified_on", "pk")
        .values_list(
            "year",
            "quarter",
            "pk",
            "working_days_taken",
            "incident__reference",
            "delay_reason",
            "incident__panel_notified_on",
        )
    )
    calendar = None
    for row_year, quarter, pk, days, reference, reason, notified_on in rows:
        key = (row_year, quarter)
        if days is not None:
            delays[key].append(Delay(reference=reference, rapid_review_id=pk, working_days_taken=days, reason=reason))
        else:
            calendar = calendar or working_day_calendar(partnership=partnership)
            so_far = calendar.working_days_between(notified_on, today)
            delays[key].append(
                Delay(
                    reference=reference, rapid_review_id=pk, working_days_taken=so_far, reason=reason, still_open=True
                )
            )
    medians = _median_working_days(reviews)
    return [
        QuarterTimeliness(
            year=row["year"],
            quarter=row["quarter"],
            **{name: row[name] for name in names},
            median_working_days=medians.get((row["year"], row["quarter"])),
            delays=delays[(row["year"], row["quarter"])],
        )
        for row in counts
    ]


def _median_working_days(reviews: QuerySet) -> dict[tuple[int, int], float]:
    """The median working days taken by each quarter's completed reviews, by (year, quarter): one query.

    In the database: each quarter's completed reviews ranked by working days taken
    (``ROW_NUMBER``) beside their count, and only the middle row (an odd count) or the
    middle two (even) returned; their mean is the median. Integer division, as both
    engines do it: for a count ``n``, ranks ``(n + 1) / 2`` and ``n / 2 + 1``.
    """
    quarter = [F("year"), F("quarter")]
    ranked = (
        reviews.filter(_SENT)
        .annotate(
            rank=Window(RowNumber(), partition_by=quarter, order_by=[F("working_days_taken").asc(), F("pk").asc()]),
            of=Window(Count("pk"), partition_by=quarter),
        )
        .filter(Q(rank=(F("of") + 1) / 2) | Q(rank=F("of") / 2 + 1))
        .order_by()
        .values_list("year", "quarter", "working_days_taken")
    )
    middle: dict[tuple[int, int], list[int]] = defaultdict(list)
    for year, quarter_number, days in ranked:
        middle[(year, quarter_number)].append(days)
    return {key: sum(values) / len(values) for key, values in middle.items()}
