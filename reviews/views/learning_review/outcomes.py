"""The outcomes form and the comments on the circulated draft."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from reviews.forms.learning_review import (
    CommentForm,
    OutcomesFormForm,
    recommendation_formset,
)
from reviews.models import LearningReview
from reviews.selectors import learning_review as selectors
from reviews.services import learning_review as services
from reviews.views.learning_review.common import REFUSED, _allow, _review

# --- The outcomes form ------------------------------------------------------------------------------------------


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_outcomes_form(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    access = review.access
    _allow(access.can_see_form, "Only the lead author, the contributors and the business managers read the draft.")
    saved = selectors.outcomes_form_get(
        partnership=partnership, learning_review=review, pseudonymised=access.reads_pseudonymised
    )
    if request.method != "POST" or not access.can_edit_form:
        if request.method == "POST":
            _allow(access.is_business_manager or access.is_lead_author, "Only the lead author writes the form.")
            messages.error(request, _not_editable_message(review))
            return redirect(request.path)
        initial = OutcomesFormForm.initial_for(saved)
        if access.can_edit_form:
            initial.update(_suggestions(request, review, saved))
        form = OutcomesFormForm(initial=initial)
        formset = recommendation_formset(rows=saved.recommendations.all())
        return _render_outcomes(request, review, saved, form, formset)

    if "add_row" in request.POST:
        # Another empty row, drawn with everything as typed; nothing is checked or saved until Save.
        form = OutcomesFormForm(initial=OutcomesFormForm.initial_from_data(request.POST))
        formset = recommendation_formset(data=request.POST, add_row=True)
        return _render_outcomes(request, review, saved, form, formset, focus_last_row=True)
    form = OutcomesFormForm(request.POST)
    formset = recommendation_formset(data=request.POST)
    form_ok, formset_ok = form.is_valid(), formset.is_valid()
    if not (form_ok and formset_ok):
        return _render_outcomes(request, review, saved, form, formset)
    try:
        changes = services.outcomes_form_update(
            partnership=partnership,
            actor=request.user,
            learning_review=review,
            fields=form.fields_data(),
            recommendations=formset.rows(),
            expected_updated_at=form.cleaned_data["expected_updated_at"],
        )
    except ValidationError as exc:
        saved = selectors.outcomes_form_get(partnership=partnership, learning_review=review)
        conflict = form.add_refusal(exc, saved=saved)
        if hasattr(exc, "error_dict") and "recommendations" in exc.error_dict:
            formset._non_form_errors = formset.error_class(exc.message_dict["recommendations"])
        return _render_outcomes(request, review, saved, form, formset, saved_version=saved if conflict else None)
    messages.success(request, "Saved the outcomes form." if changes else "There were no changes to save.")
    return redirect("reviews:learning_review_outcomes_form", slug=partnership.slug, learning_review_id=review.pk)


def _suggestions(request: HttpRequest, review: LearningReview, saved) -> dict:
    """What the review already knows, offered in empty fields (saved only if the author saves the form).

    The same values the print view and the PDF show (``selectors.outcomes_form_suggestions``).
    """
    return selectors.outcomes_form_suggestions(partnership=request.partnership, learning_review=review, form=saved)


def _not_editable_message(review: LearningReview) -> str:
    if review.state == LearningReview.State.FINAL:
        return "This outcomes form is final: it cannot be changed."
    return "The draft is with contributors for comment: take it back before changing it."


def _render_outcomes(
    request, review, saved, form, formset, *, saved_version=None, focus_last_row: bool = False
) -> HttpResponse:
    refused = form.is_bound and (bool(form.errors) or any(formset.errors) or bool(formset.non_form_errors()))
    errors = []
    if refused:
        # (anchor, message) pairs for the error summary; an empty anchor is a message of the whole form.
        errors = [("", e) for e in form.non_field_errors()]
        for field in form:
            errors += [(field.id_for_label, e) for e in field.errors]
        errors += [("recommendations", e) for e in formset.non_form_errors()]
        for index, row in enumerate(formset.forms, start=1):
            for field in row:
                errors += [(field.id_for_label, f"Recommendation {index}: {e}") for e in field.errors]
    return render(
        request,
        "reviews/learning_review/outcomes_form.html",
        {
            "review": review,
            "access": review.access,
            "saved": saved,
            "form": form,
            "formset": formset,
            "errors": errors,
            "word_counts": form.word_counts(),
            "saved_version": saved_version,
            "editable": review.access.can_edit_form,
            "context": selectors.outcomes_document_context(
                partnership=request.partnership, learning_review=review, form=saved
            ),
            "focus_last_row": focus_last_row,
        },
        status=REFUSED if refused else 200,
    )


# --- Comments ------------------------------------------------------------------------------------------------------


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_comments(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    access = review.access
    _allow(access.can_see_comments, "Only the lead author, the contributors and the business managers read comments.")
    form = None
    if access.can_comment:
        form = CommentForm(
            request.POST if request.method == "POST" else None, initial={"section": request.GET.get("section", "")}
        )
    elif request.method == "POST":
        _allow(access.is_contributor, "Only the review's contributors comment on the draft.")
        messages.error(request, "The draft is not out for comment, so comments are closed.")
        return redirect(request.path)
    if form is not None and form.is_bound and form.is_valid():
        try:
            comment = services.outcome_comment_add(
                partnership=partnership,
                actor=request.user,
                learning_review=review,
                section=form.cleaned_data["section"],
                body=form.cleaned_data["body"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if comment.late:
                messages.warning(
                    request,
                    "Your comment has been added. It came after the due date, so the lead author sees it marked late.",
                )
            else:
                messages.success(request, "Your comment has been added. Thank you.")
            return redirect(request.path)
    pseudonymised = access.reads_pseudonymised
    saved = selectors.outcomes_form_get(partnership=partnership, learning_review=review, pseudonymised=pseudonymised)
    return render(
        request,
        "reviews/learning_review/comments.html",
        {
            "review": review,
            "access": access,
            "form": form,
            "groups": selectors.comments_by_section(
                partnership=partnership, learning_review=review, pseudonymised=pseudonymised
            ),
            "context": selectors.outcomes_document_context(partnership=partnership, learning_review=review, form=saved),
            "today": timezone.localdate(),
        },
        status=REFUSED if form is not None and form.is_bound and form.errors else 200,
    )
