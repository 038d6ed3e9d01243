"""The list of learning reviews, and opening one (directly or from a rapid review decision)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from partnership.access import partnership_view
from partnership.models import Role
from partnership.row_urls import link_each
from partnership.views.actions import form_action
from reviews.forms.learning_review import (
    LearningReviewFromRapidReviewForm,
    LearningReviewPlanForm,
)
from reviews.models import DecisionOutcome, LearningReview, RapidReview
from reviews.selectors import learning_review as selectors
from reviews.selectors.rapid_review import rapid_review_get
from reviews.services import learning_review as services
from reviews.views.learning_review.common import MANAGERS, REFUSED, REVIEWS_PER_PAGE, _to_detail

# --- List and opening -------------------------------------------------------------------------------------


@partnership_view()
@require_GET
def learning_review_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in LearningReview.State.values:
        state = ""
    reviews = selectors.learning_review_list(
        partnership=request.partnership, membership=request.membership, state=state
    )
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    link_each(
        page.object_list, "reviews:learning_review_detail", id_kwarg="learning_review_id", slug=request.partnership.slug
    )
    return render(
        request,
        "reviews/learning_review/list.html",
        {
            "page": page,
            "reviews": page.object_list,
            "state": state,
            "states": LearningReview.State.choices,
            "can_open": request.membership.has_role(Role.BUSINESS_MANAGER),
            "sees_all": bool(request.membership.role_set & selectors.OVERSIGHT_ROLES),
        },
    )


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def learning_review_open(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership
    form = LearningReviewPlanForm(request.POST if request.method == "POST" else None, partnership=partnership)
    if done := form_action(
        request,
        form,
        lambda _: services.learning_review_open(partnership=partnership, actor=request.user, **form.plan()),
        message=lambda review: f"Opened learning review {review.reference}. The lead author has been told.",
        success=_to_detail,
    ):
        return done
    return render(
        request,
        "reviews/learning_review/open.html",
        {"form": form},
        status=REFUSED if form.is_bound and form.errors else 200,
    )


def _decision_ready(rapid_review: RapidReview) -> str:
    """Why a learning review cannot be opened from this rapid review yet, or "" when it can."""
    decision = getattr(rapid_review, "decision", None)
    if decision is None or decision.outcome != DecisionOutcome.LEARNING_REVIEW:
        return "This rapid review has not decided on another learning review."
    if rapid_review.state not in (RapidReview.State.SIGNED_OFF, RapidReview.State.SENT_TO_PANEL):
        return "The decision has not been signed off by the three partners yet."
    return ""


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def learning_review_open_from_rapid_review(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    partnership = request.partnership
    rapid_review = rapid_review_get(partnership=partnership, rapid_review_id=rapid_review_id)
    existing = selectors.learning_review_for_rapid_review(partnership=partnership, rapid_review=rapid_review)
    if existing is not None:
        messages.info(request, f"Learning review {existing.reference} has already been opened from this rapid review.")
        return _to_detail(existing)
    not_ready = _decision_ready(rapid_review)
    form = LearningReviewFromRapidReviewForm(
        request.POST if request.method == "POST" and not not_ready else None,
        partnership=partnership,
        initial={"title": f"Learning review following rapid review {rapid_review.incident.reference}"},
    )
    if done := form_action(
        request,
        form,
        lambda _: services.learning_review_open_from_decision(
            partnership=partnership, actor=request.user, rapid_review=rapid_review, **form.plan()
        ),
        message=lambda review: f"Opened learning review {review.reference} from the rapid review's decision.",
        success=_to_detail,
    ):
        return done
    status = 200
    if request.method == "POST" and (not_ready or form.errors):
        status = REFUSED
    return render(
        request,
        "reviews/learning_review/open.html",
        {
            "form": form,
            "rapid_review": rapid_review,
            "decision": getattr(rapid_review, "decision", None),
            "not_ready": not_ready,
        },
        status=status,
    )
