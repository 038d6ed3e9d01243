"""A learning review's contributors, and the information requests it sends to agencies."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.selectors import agency_list, membership_list, working_day_calendar
from partnership.views.actions import form_action
from reviews.forms.learning_review import (
    ContributorAddForm,
    ContributorFlagsForm,
)
from reviews.forms.requests import RequestCreateForm
from reviews.models import InformationRequest, LearningReview
from reviews.selectors import learning_review as selectors
from reviews.selectors.requests import information_request_list, tracker_rows
from reviews.services import learning_review as services
from reviews.services.requests import information_requests_create
from reviews.views.learning_review.common import REFUSED, _allow, _refused_move, _review, _to_detail
from reviews.views.learning_review.detail import _detail_context

# --- Contributors -------------------------------------------------------------------------------------------


@partnership_view()
@require_POST
def learning_review_contributor_add(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(review.access.can_manage, "Only the lead author or a business manager can change the contributors.")
    form = ContributorAddForm(request.POST, partnership=partnership, exclude_ids=set(review.contributor_person_ids))
    if done := form_action(
        request,
        form,
        lambda data: services.contributor_add(
            partnership=partnership, actor=request.user, learning_review=review, **data
        ),
        message=lambda contributor: f"Added {contributor.person} as a contributor.",
        success=lambda _: _to_detail(review),
    ):
        return done
    context = _detail_context(request, review)
    context["contributor_form"] = form
    return render(request, "reviews/learning_review/detail.html", context, status=REFUSED)


@partnership_view()
@require_POST
def learning_review_contributor_update(
    request: HttpRequest, learning_review_id: int, contributor_id: int
) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    contributor = selectors.contributor_get(
        partnership=partnership, learning_review=review, contributor_id=contributor_id
    )
    _allow(review.access.can_manage, "Only the lead author or a business manager can change the contributors.")
    form = ContributorFlagsForm(request.POST)
    if not form.is_valid():  # two checkboxes and the version the page was drawn from: only the version can fail
        return _refused_move(request, review, ValidationError(form.non_field_errors()))
    try:
        services.contributor_update(
            partnership=partnership,
            actor=request.user,
            learning_review=review,
            contributor=contributor,
            attended_event=form.cleaned_data["attended_event"],
            unable_to_contribute=form.cleaned_data["unable_to_contribute"],
            expected_updated_at=form.cleaned_data["expected_updated_at"],
        )
    except ValidationError as exc:
        return _refused_move(request, review, exc)
    messages.success(request, f"Saved {contributor.person}'s part in the review.")
    return _to_detail(review)


@partnership_view()
@require_POST
def learning_review_contributor_remove(
    request: HttpRequest, learning_review_id: int, contributor_id: int
) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    contributor = selectors.contributor_get(
        partnership=partnership, learning_review=review, contributor_id=contributor_id
    )
    _allow(review.access.can_manage, "Only the lead author or a business manager can change the contributors.")
    try:
        services.contributor_remove(
            partnership=partnership, actor=request.user, learning_review=review, contributor=contributor
        )
    except ValidationError as exc:
        return _refused_move(request, review, exc)
    messages.success(request, f"Removed {contributor.person} from the contributors.")
    return _to_detail(review)


# --- Agency information requests (H3's services and return pages) ---------------------------------------------


def _request_form(request: HttpRequest, review: LearningReview, data=None) -> RequestCreateForm:
    partnership = request.partnership
    asked = {
        r.agency_id
        for r in information_request_list(partnership=partnership, learning_review=review)
        if r.state != InformationRequest.State.WITHDRAWN
    }
    return RequestCreateForm(
        data,
        agencies=list(agency_list(partnership=partnership, include_inactive=False)),
        members=list(membership_list(partnership=partnership, include_inactive=False)),
        asked_agency_ids=asked,
        preselect_agency_ids=set(),
        default_due_on=None,
        initial={"due_on": review.information_due_on},
    )


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_requests(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    access = review.access
    _allow(access.can_read_requests, "The business manager co-ordinates the information requests.")
    if not access.can_request_information:
        # The scrutineer: which agencies were asked, and how their returns stand; nothing to send, no returns to open.
        _allow(request.method == "GET", "The business manager co-ordinates the information requests.")
        return render(
            request,
            "reviews/learning_review/requests.html",
            {
                "review": review,
                "form": None,
                "tracker": tracker_rows(
                    requests=list(selectors.request_list(partnership=partnership, learning_review=review)),
                    calendar=working_day_calendar(partnership=partnership),
                    today=timezone.localdate(),
                ),
            },
        )
    form = _request_form(request, review, request.POST if request.method == "POST" else None)
    if done := form_action(
        request,
        form,
        lambda data: information_requests_create(
            partnership=partnership,
            actor=request.user,
            assignments=form.assignments(),
            learning_review=review,
            due_on=data["due_on"],
        ),
        message=lambda created: f"Sent {len(created)} information request(s). Each person has been emailed.",
        success=lambda _: _to_detail(review),
    ):
        return done
    return render(
        request,
        "reviews/learning_review/requests.html",
        {
            "review": review,
            "form": form,
            "requests": selectors.request_list(partnership=partnership, learning_review=review),
        },
        status=REFUSED if form.is_bound and form.errors else 200,
    )
