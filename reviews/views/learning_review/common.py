"""What the learning review's pages share: loading the review for the member, and answering a refusal."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from partnership.models import MANAGER_ROLES
from reviews.models import LearningReview
from reviews.selectors import learning_review as selectors

# A partnership runs a few learning reviews a year: a page is years of them.
REVIEWS_PER_PAGE = 25

MANAGERS = MANAGER_ROLES
REFUSED = 400


def _review(request: HttpRequest, learning_review_id: int) -> LearningReview:
    """The review with ``access`` set; 404 when the member may not see it."""
    return selectors.learning_review_get(
        partnership=request.partnership, learning_review_id=learning_review_id, membership=request.membership
    )


def _allow(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _to_detail(review: LearningReview) -> HttpResponse:
    return redirect("reviews:learning_review_detail", slug=review.partnership.slug, learning_review_id=review.pk)


def _refused_move(request: HttpRequest, review: LearningReview, error: ValidationError) -> HttpResponse:
    """A workflow move that is not allowed now: say why on the review's page."""
    for message in error.messages:
        messages.error(request, message)
    return _to_detail(review)
