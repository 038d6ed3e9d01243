"""Pages of rapid reviews: the list and the review page (timeline, incident facts, requests, decision).

Readers: business managers, partner leads and the independent scrutineer.
Children appear by pseudonym only; their identities are behind the incident's
"Show identities" button (``reviews.views.incidents.incident_identities``).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.kept_pages import render_kept
from partnership.models import Role
from partnership.row_urls import url_for_each
from partnership.selectors import history_rows_for_objects, working_day_calendar
from partnership.selectors.overview import end_of_week
from reviews.models import RapidReview
from reviews.selectors.decision import decision_overview, rapid_review_get_for_decision
from reviews.selectors.identity_log import IDENTITY_LOG_READER_ROLES
from reviews.selectors.incidents import identity_viewer_allowed, incident_parties
from reviews.selectors.rapid_review import (
    RAPID_REVIEW_READ_ROLES,
    panel_days_remaining,
    rapid_review_deadlines,
    rapid_review_timeline,
)
from reviews.selectors.rapid_review import (
    rapid_review_list as rapid_review_rows,
)
from reviews.selectors.requests import RETURN_READER_ROLES, information_request_list, tracker_rows
from reviews.selectors.timeliness import QUARTER_MONTHS, TIMELINESS_FILTERS

READERS = sorted(RAPID_REVIEW_READ_ROLES)
REVIEWS_PER_PAGE = 25
# H4's meeting, decision and sign-off section of the review page; drawn when it exists.


@partnership_view(roles=READERS)
@require_GET
def rapid_review_list(request: HttpRequest) -> HttpResponse:
    # The reviews and their days left change only with the partnership's records and the day: the list's body is kept
    # for its reader, filters and page (partnership.kept_pages).
    return render_kept(
        request,
        "reviews/rapid_review/list.html",
        body_template="reviews/rapid_review/_list_body.html",
        context=lambda: _list_context(request),
    )


def _list_context(request: HttpRequest) -> dict:
    partnership = request.partnership
    today = timezone.localdate()
    state = request.GET.get("state", "")
    if state not in RapidReview.State.values:
        state = ""
    overdue_only = request.GET.get("overdue") == "1"
    open_only = request.GET.get("open") == "1"
    due_this_week = request.GET.get("due") == "week"
    timeliness = request.GET.get("timeliness", "")
    if timeliness not in TIMELINESS_FILTERS:
        timeliness = ""
    quarter = _quarter(request.GET.get("quarter", ""))
    reviews = rapid_review_rows(
        partnership=partnership,
        state=state,
        overdue_on=today if overdue_only else None,
        open_only=open_only,
        due_between=(today, end_of_week(today)) if due_this_week else None,
        timeliness=timeliness,
        quarter=quarter,
        today=today,
    )
    showing = []
    if open_only:
        showing.append("not yet sent to the Panel")
    if due_this_week:
        showing.append("due with the Panel this week")
    if timeliness:
        showing.append(TIMELINESS_FILTERS[timeliness])
    if quarter:
        showing.append(f"notified in {quarter[0]} Q{quarter[1]} ({QUARTER_MONTHS[quarter[1]]})")
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    calendar = working_day_calendar(partnership=partnership)
    detail_url = url_for_each("reviews:rapid_review_detail", id_kwarg="rapid_review_id", slug=partnership.slug)
    rows = []
    for r in page.object_list:
        left = panel_days_remaining(rapid_review=r, calendar=calendar, today=today)
        overdue = -left if left is not None and left < 0 else 0
        rows.append({"review": r, "days_remaining": left, "days_overdue": overdue, "url": detail_url(r.pk)})
    return {
        "page": page,
        "rows": rows,
        "states": RapidReview.State.choices,
        "state": state,
        "overdue_only": overdue_only,
        "showing": showing,
        "can_record": request.membership.has_role(Role.BUSINESS_MANAGER),
        "may_read_identity_log": request.membership.has_role(*IDENTITY_LOG_READER_ROLES),
    }


def _quarter(value: str) -> tuple[int, int] | None:
    """``2026-4`` as (2026, 4); anything else as no quarter (a hand-edited address shows every review)."""
    year, _, quarter = value.partition("-")
    if not (year.isdigit() and quarter.isdigit() and len(year) == 4 and quarter in "1234" and len(quarter) == 1):
        return None
    return int(year), int(quarter)


@partnership_view(roles=READERS)
@require_GET
def rapid_review_detail(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    review = rapid_review_get_for_decision(partnership=request.partnership, rapid_review_id=rapid_review_id)
    # The timeline, requests, deadlines and history change only with the partnership's records and the day: the body
    # is kept for its reader (partnership.kept_pages). It names the children by their pseudonyms only: their
    # identities are another page, shown on a logged request, and never kept.
    return render_kept(
        request,
        "reviews/rapid_review/detail.html",
        body_template="reviews/rapid_review/_detail_body.html",
        context=lambda: _detail_context(request, review),
        page_context={"review": review, "incident": review.incident},
    )


def _detail_context(request: HttpRequest, review) -> dict:
    partnership = request.partnership
    membership = request.membership
    today = timezone.localdate()
    incident = review.incident
    calendar = working_day_calendar(partnership=partnership)
    requests = list(information_request_list(partnership=partnership, rapid_review=review))
    deadlines = rapid_review_deadlines(partnership=partnership, rapid_review=review)
    timeline = rapid_review_timeline(
        rapid_review=review, calendar=calendar, today=today, deadlines=deadlines, requests=requests
    )
    history, review_history = history_rows_for_objects(partnership=partnership, objects=[incident, review], limit=50)
    return {
        "review": review,
        "incident": incident,
        "timeline": timeline,
        "overdue_steps": [step for step in timeline if step.overdue],
        "days_remaining": panel_days_remaining(rapid_review=review, calendar=calendar, today=today),
        "parties": incident_parties(partnership=partnership, incident=incident),
        "tracker": tracker_rows(requests=requests, calendar=calendar, today=today),
        "is_manager": membership.has_role(Role.BUSINESS_MANAGER),
        # The scrutineer reads the review and its tracker, not the agencies' returns: no links that answer 404.
        "may_read_returns": membership.has_role(*RETURN_READER_ROLES),
        "may_see_identities": identity_viewer_allowed(membership=membership),
        "history": history,
        "review_history": review_history,
        "overview": decision_overview(
            partnership=partnership, rapid_review=review, membership=membership, calendar=calendar
        ),
    }
