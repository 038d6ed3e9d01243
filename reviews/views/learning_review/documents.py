"""Print views and PDFs of the outcomes form and the public summary."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from partnership.access import partnership_view
from partnership.subjects import subject_url
from reviews.models import LearningReview
from reviews.selectors import learning_review as selectors
from reviews.services import learning_review as services
from reviews.views.learning_review.common import _allow, _refused_move, _review, _to_detail

# --- Print views and PDFs -----------------------------------------------------------------------------------------


def _screen_back_url(review: LearningReview) -> str:
    return subject_url(review)


@partnership_view()
@require_GET
def learning_review_print(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    """The outcomes form on screen, drawn by the same template as its PDF."""
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(
        review.access.can_see_form, "Only the lead author, the contributors and the business managers read the draft."
    )
    context = selectors.outcomes_document_context(
        partnership=partnership, learning_review=review, pseudonymised=review.access.reads_pseudonymised
    )
    return render(
        request,
        selectors.OUTCOMES_FORM_TEMPLATE,
        {
            **context,
            "document_title": selectors.outcomes_document_title(review),
            "screen_back_url": _screen_back_url(review),
            "pseudonymised": review.access.reads_pseudonymised,
        },
    )


@partnership_view()
@require_POST
def learning_review_pdf(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(
        review.access.can_open_form_pdf,
        "The PDF of the full form is for business managers and partner leads: use the print view.",
    )
    version = services.outcomes_form_render(partnership=partnership, actor=request.user, learning_review=review)
    return redirect("partnership:document_status", slug=partnership.slug, version_id=version.pk)


@partnership_view()
@require_GET
def learning_review_public_summary(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    """The redacted public summary on screen, drawn by the same template as its PDF."""
    partnership = request.partnership
    review = _review(request, learning_review_id)
    if not review.access.can_export_public_summary:
        messages.info(request, "The public summary is made from the final outcomes form: it is not final yet.")
        return _to_detail(review)
    context = selectors.public_summary_document_context(partnership=partnership, learning_review=review)
    return render(
        request,
        selectors.PUBLIC_SUMMARY_TEMPLATE,
        {
            **context,
            "partnership": partnership,
            "document_title": selectors.public_summary_title(review),
            "screen_back_url": _screen_back_url(review),
        },
    )


@partnership_view()
@require_POST
def learning_review_public_summary_pdf(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    try:
        version = services.public_summary_render(partnership=partnership, actor=request.user, learning_review=review)
    except ValidationError as exc:
        return _refused_move(request, review, exc)
    return redirect("partnership:document_status", slug=partnership.slug, version_id=version.pk)
