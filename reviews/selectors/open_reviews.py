"""Open rapid reviews and learning reviews by stage and by the working days left to their statutory deadline, for
the scrutiny dashboard, with the filter that lists exactly the reviews each count is made of.

A rapid review is open until it is sent to the national Panel and is due there on its ``panel_submission_due_on``
(15 working days from the notification); a learning review is open until it is final and is due on its
``report_due_on``. The buckets are date ranges worked out once from the partnership's working-day calendar
(``deadline_buckets``), so counting is one aggregate query and a bucket's list is the same filter.

No child is named: the lists return references, dates and stages only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from partnership.models import Partnership
from partnership.working_days import WorkingDayCalendar
from reviews.models import LearningReview, RapidReview

OVERDUE, SOON, NEXT, LATER = "overdue", "0-5", "6-10", "11-plus"
BUCKET_LABELS = (
    (OVERDUE, "Overdue"),
    (SOON, "0 to 5 working days left"),
    (NEXT, "6 to 10 working days left"),
    (LATER, "11 or more working days left"),
)
RAPID_REVIEW, LEARNING_REVIEW = "rapid_review", "learning_review"
# The stages of an open review, in the order a review passes through them.
OPEN_STAGES = (
    *(
        (RAPID_REVIEW, state, label)
        for state, label in RapidReview.State.choices
        if state != RapidReview.State.SENT_TO_PANEL
    ),
    *(
        (LEARNING_REVIEW, state, label)
        for state, label in LearningReview.State.choices
        if state != LearningReview.State.FINAL
    ),
)
_DUE = {RAPID_REVIEW: "panel_submission_due_on", LEARNING_REVIEW: "report_due_on"}


@dataclass(frozen=True)
class DeadlineBuckets:
    """The due dates of each bucket as of ``today``: overdue before today; 0 to 5 working days left from today to
    the day before the 6th working day after it; 6 to 10 up to the day before the 11th; 11 or more from then."""

    today: date
    sixth: date
    eleventh: date

    def filter(self, kind: str, bucket: str) -> Q:
        """The open reviews of ``kind`` in ``bucket``; ``ValueError`` for an unknown one."""
        if kind not in _DUE:
            raise ValueError(f"No kind of review called {kind!r}.")
        due = _DUE[kind]
        ranges = {
            OVERDUE: Q(**{f"{due}__lt": self.today}),
            SOON: Q(**{f"{due}__gte": self.today, f"{due}__lt": self.sixth}),
            NEXT: Q(**{f"{due}__gte": self.sixth, f"{due}__lt": self.eleventh}),
            LATER: Q(**{f"{due}__gte": self.eleventh}),
        }
        if bucket not in ranges:
            raise ValueError(f"No deadline bucket called {bucket!r}.")
        return ranges[bucket]


def deadline_buckets(*, calendar: WorkingDayCalendar, today: date) -> DeadlineBuckets:
    return DeadlineBuckets(
        today=today,
        sixth=calendar.add_working_days(today, 6),
        eleventh=calendar.add_working_days(today, 11),
    )


def _open(partnership: Partnership, kind: str) -> QuerySet:
    if kind == RAPID_REVIEW:
        return RapidReview.objects.in_partnership(partnership).exclude(state=RapidReview.State.SENT_TO_PANEL)
    return LearningReview.objects.in_partnership(partnership).exclude(state=LearningReview.State.FINAL)


def open_review_deadline_counts(
    *, partnership: Partnership, buckets: DeadlineBuckets
) -> dict[tuple[str, str], dict[str, int]]:
    """{(kind, stage): {bucket: count}} for the stages with an open review: one query (a union of two counts)."""
    keys = [key for key, _label in BUCKET_LABELS]

    def counted(kind: str):
        return (
            _open(partnership, kind)
            .order_by()
            .values("state")
            .annotate(**{f"n_{i}": Count("pk", filter=buckets.filter(kind, key)) for i, key in enumerate(keys)})
            .values_list("state", *(f"n_{i}" for i in range(len(keys))))
        )

    rapid_states = set(RapidReview.State.values)
    counts: dict[tuple[str, str], dict[str, int]] = {}
    # The two models' stages are distinct words, so each row's stage says which kind of review it counts.
    for state, *values in counted(RAPID_REVIEW).union(counted(LEARNING_REVIEW), all=True):
        kind = RAPID_REVIEW if state in rapid_states else LEARNING_REVIEW
        counts[(kind, state)] = dict(zip(keys, values, strict=True))
    return counts


def open_reviews_for_figure(
    *, partnership: Partnership, buckets: DeadlineBuckets, kind: str, state: str, bucket: str
) -> QuerySet:
    """The open reviews of one kind and stage in one bucket, soonest due first; ``ValueError`` for an unknown one."""
    if (kind, state) not in {(k, s) for k, s, _label in OPEN_STAGES}:
        raise ValueError("No such open stage.")
    reviews = _open(partnership, kind).filter(buckets.filter(kind, bucket), state=state)
    if kind == RAPID_REVIEW:
        reviews = reviews.select_related("incident", "incident__referring_agency", "decision")
    return reviews.order_by(_DUE[kind], "pk")
