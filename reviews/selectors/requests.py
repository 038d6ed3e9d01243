"""Reads of information requests: the tracker, one request for its viewer, a person's own requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from partnership.models import (
    CASE_WORK_ROLES,
    LEADERSHIP_ROLES,
    Membership,
    MembershipRole,
    Partnership,
    Person,
)
from partnership.working_days import WorkingDayCalendar
from reviews.models import InformationRequest, LearningReview, RapidReview

# Who reads every return of a review (besides its author, who writes it).
RETURN_READER_ROLES = LEADERSHIP_ROLES
# Who may be asked for a return (or contribute to a review): people who do the work, not those who only
# read (the scrutineer, lay members, observers).
RETURN_AUTHOR_ROLES = CASE_WORK_ROLES
# Still owed: the states a tracker counts days for.
WAITING_STATES = frozenset(
    {InformationRequest.State.REQUESTED, InformationRequest.State.DRAFT, InformationRequest.State.SENT_BACK}
)


def _base(partnership: Partnership) -> QuerySet[InformationRequest]:
    return InformationRequest.objects.in_partnership(partnership).select_related(
        "agency", "assignee", "requested_by", "submitted_by", "rapid_review__incident", "learning_review"
    )


def information_request_all(*, partnership: Partnership) -> QuerySet[InformationRequest]:
    """Every request of the partnership (the API's object lookups look among these)."""
    return _base(partnership)


def information_request_list(
    *,
    partnership: Partnership,
    rapid_review: RapidReview | None = None,
    learning_review: LearningReview | None = None,
) -> QuerySet[InformationRequest]:
    """A review's requests (withdrawn ones included, last), by agency."""
    if (rapid_review is None) == (learning_review is None):
        raise ValueError("Give exactly one of rapid_review or learning_review.")
    review = rapid_review if rapid_review is not None else learning_review
    # Through the review's own related manager, every row's review is the object given (its incident
    # loaded with it, where the caller loaded it): no join to the review, its incident or the other kind
    # of review. Five tables for the planner rather than eight, whose planning alone took 9 ms at twice
    # the national volume for a review's 5 requests (issue 13).
    return (
        review.requests.filter(partnership=partnership)
        .select_related("agency", "assignee", "requested_by", "submitted_by")
        .order_by("agency__name", "id")
    )


def information_request_get(*, partnership: Partnership, request_id: int) -> InformationRequest:
    request = _base(partnership).filter(pk=request_id).first()
    if request is None:
        raise Http404("No such information request.")
    return request


def information_request_readable(*, membership: Membership, information_request: InformationRequest) -> bool:
    """Its assignee, business managers and partner leads; for a learning review, its lead author too."""
    if membership.partnership_id != information_request.partnership_id:
        return False
    if information_request.assignee_id == membership.person_id:
        return True
    if membership.has_role(*RETURN_READER_ROLES):
        return True
    review = information_request.learning_review
    return review is not None and review.lead_author_id == membership.person_id


def information_request_for_viewer(
    *, partnership: Partnership, membership: Membership, request_id: int
) -> InformationRequest:
    """The request if this member may read it; otherwise 404, exactly like a missing one."""
    request = information_request_get(partnership=partnership, request_id=request_id)
    if not information_request_readable(membership=membership, information_request=request):
        raise Http404("No such information request.")
    return request


def information_requests_outstanding(*, partnership: Partnership, rapid_review) -> list[InformationRequest]:
    """The review's requests still waiting for their return (requested, draft, sent back), by agency."""
    return list(
        _base(partnership).filter(rapid_review=rapid_review, state__in=WAITING_STATES).order_by("agency__name", "id")
    )


def requests_for_person(*, partnership: Partnership, person: Person) -> QuerySet[InformationRequest]:
    """The requests asked of this person here: still owed first (soonest due), then the rest."""
    return (
        _base(partnership)
        .filter(assignee=person)
        .exclude(state=InformationRequest.State.WITHDRAWN)
        .order_by("submitted_at", "due_on", "id")
    )


@dataclass(frozen=True)
class TrackerRow:
    request: InformationRequest
    days_remaining: int | None  # working days to due; negative: overdue; None: nothing owed

    @property
    def overdue(self) -> bool:
        return self.days_remaining is not None and self.days_remaining < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_remaining if self.overdue else 0


def tracker_rows(*, requests: list[InformationRequest], calendar: WorkingDayCalendar, today: date) -> list[TrackerRow]:
    """Each request with its working days remaining (or overdue) while a return is still owed."""
    return [
        TrackerRow(
            request=r,
            days_remaining=calendar.working_days_between(today, r.due_on) if r.state in WAITING_STATES else None,
        )
        for r in requests
    ]


def request_assignee_choices(*, partnership: Partnership) -> QuerySet[Membership]:
    """Active members (active people) of active agencies whose roles include writing returns."""
    return (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, person__is_active=True, agency__is_active=True)
        .filter(Exists(MembershipRole.objects.filter(membership=OuterRef("pk"), role__in=RETURN_AUTHOR_ROLES)))
        .select_related("person")
        .order_by("person__full_name")
    )
