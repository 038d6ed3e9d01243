"""Moving a learning review on: start drafting, circulate, take back, finalise, the publication decision."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from reviews.forms.learning_review import (
    CirculateForm,
    PublicationForm,
    TakeBackForm,
)
from reviews.selectors import learning_review as selectors
from reviews.services import learning_review as services
from reviews.views.learning_review.common import REFUSED, _allow, _refused_move, _review, _to_detail

# --- Moving the review on -------------------------------------------------------------------------------------


@partnership_view()
@require_POST
def learning_review_start_drafting(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    review = _review(request, learning_review_id)
    _allow(review.access.can_manage, "Only the lead author or a business manager can move the review on.")
    try:
        services.learning_review_start_drafting(
            partnership=request.partnership, actor=request.user, learning_review=review
        )
    except ValidationError as exc:
        return _refused_move(request, review, exc)
    messages.success(request, "Information gathering is closed: the outcomes form is being drafted.")
    return _to_detail(review)


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_circulate(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(review.access.can_manage, "Only the lead author or a business manager can circulate the draft.")
    form = CirculateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            recipients = services.learning_review_circulate(
                partnership=partnership, actor=request.user, learning_review=review, **form.cleaned_data
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "refused_move":
                return _refused_move(request, review, exc)
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Sent the draft to {len(recipients)} contributor(s) for comment by "
                f"{date_format(form.cleaned_data['comments_due_on'], 'j F Y')}.",
            )
            return _to_detail(review)
    contributors = selectors.contributor_list(partnership=partnership, learning_review=review)
    return render(
        request,
        "reviews/learning_review/circulate.html",
        {"review": review, "form": form, "contributors": contributors},
        status=REFUSED if form.is_bound and form.errors else 200,
    )


@partnership_view()
@require_POST
def learning_review_take_back(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    review = _review(request, learning_review_id)
    _allow(review.access.can_manage, "Only the lead author or a business manager can take the draft back.")
    form = TakeBackForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.learning_review_take_back(
            partnership=request.partnership, actor=request.user, learning_review=review, reason=reason
        )
    except ValidationError as exc:
        return _refused_move(request, review, exc)
    messages.success(request, "Took the draft back: comments are closed and the form can be changed again.")
    return _to_detail(review)


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_finalise(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(review.access.can_manage, "Only the lead author or a business manager can finalise the outcomes form.")
    errors: list[str] = []
    if request.method == "POST":
        try:
            version = services.learning_review_finalise(
                partnership=partnership, actor=request.user, learning_review=review
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "refused_move":
                return _refused_move(request, review, exc)
            errors = exc.messages
        else:
            messages.success(
                request,
                f"Finalised {review.reference}. The final PDF is being made and the business managers have been "
                "sent a link to it.",
            )
            if review.access.can_open_form_pdf:
                return redirect("partnership:document_status", slug=partnership.slug, version_id=version.pk)
            return _to_detail(review)
    return render(
        request,
        "reviews/learning_review/finalise.html",
        {"review": review, "errors": errors},
        status=REFUSED if errors else 200,
    )


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_publication(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(review.access.can_decide_publication, "Only a business manager or a partner lead decides on publication.")
    saved_version = None
    if request.method != "POST":
        form = PublicationForm(initial=PublicationForm.initial_for(review))
    else:
        form = PublicationForm(request.POST)
        if form.is_valid():
            try:
                services.learning_review_record_publication(
                    partnership=partnership,
                    actor=request.user,
                    learning_review=review,
                    publication=form.cleaned_data["publication"],
                    reasons=form.cleaned_data["publication_reasons"],
                    expected_updated_at=form.cleaned_data["expected_updated_at"],
                )
            except ValidationError as exc:
                review = _review(request, learning_review_id)
                if form.add_refusal(exc, saved=review):
                    saved_version = review
            else:
                messages.success(request, "Recorded the publication decision.")
                return _to_detail(review)
    # How the family was involved is part of the draft form: shown only to those who may read the draft.
    form_obj = (
        selectors.outcomes_form_get(partnership=partnership, learning_review=review)
        if review.access.can_see_form
        else None
    )
    return render(
        request,
        "reviews/learning_review/publication.html",
        {"review": review, "form": form, "saved_version": saved_version, "outcomes": form_obj},
        status=REFUSED if form.is_bound and form.errors else 200,
    )
