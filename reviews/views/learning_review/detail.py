"""A learning review's page and its plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partnership.access import partnership_view
from partnership.forms.recommendations import ThemesForm
from partnership.selectors import history_rows_for_object
from partnership.selectors.documents import documents_for_subject
from reviews.forms.learning_review import (
    ContributorAddForm,
    LearningReviewEditForm,
)
from reviews.models import InformationRequest, LearningReview
from reviews.selectors import learning_review as selectors
from reviews.selectors.recommendations import learning_of_learning_review
from reviews.services import learning_review as services
from reviews.views.learning_review.common import REFUSED, _allow, _review, _to_detail

# --- The review ---------------------------------------------------------------------------------------------


def _learning_context(request: HttpRequest, review: LearningReview) -> dict:
    """Its recommendations, themes and dissemination records (a fixed handful of queries)."""
    partnership = request.partnership
    learning = learning_of_learning_review(partnership=partnership, learning_review=review)
    is_manager = review.access.is_business_manager
    context = {
        "learning": learning,
        "learning_can_manage": is_manager,
        "learning_themes_form": None,
        "learning_convert_url": "",
        "learning_rows_url": "",
        "learning_dissemination_query": f"record_key=learning_review&record_id={review.pk}",
        "learning_themes_url": reverse(
            "reviews:learning_review_themes", kwargs={"slug": partnership.slug, "learning_review_id": review.pk}
        ),
    }
    if review.access.reads_pseudonymised and review.state == LearningReview.State.FINAL:
        # The scrutineer reads the form's rows and what was made of them on the page that proposes them.
        context["learning_rows_url"] = reverse(
            "reviews:learning_review_recommendations",
            kwargs={"slug": partnership.slug, "learning_review_id": review.pk},
        )
    if is_manager:
        context["learning_themes_form"] = ThemesForm(
            themes=learning.all_themes, tagged_ids={t.pk for t in learning.themes}, versioned=False
        )
        if review.state == LearningReview.State.FINAL:
            context["learning_convert_url"] = reverse(
                "reviews:learning_review_recommendations",
                kwargs={"slug": partnership.slug, "learning_review_id": review.pk},
            )
    return context


def _detail_context(request: HttpRequest, review: LearningReview) -> dict:
    partnership = request.partnership
    access = review.access
    contributors = list(selectors.contributor_list(partnership=partnership, learning_review=review))
    deadlines = selectors.learning_review_deadlines(partnership=partnership, learning_review=review)
    comment_deadlines = (
        selectors.comment_deadlines(partnership=partnership, learning_review=review)
        if review.state == LearningReview.State.OUT_FOR_COMMENT
        else {}
    )
    for contributor in contributors:
        contributor.comments_deadline = comment_deadlines.get(contributor.pk)
    requests = list(selectors.request_list(partnership=partnership, learning_review=review))
    context = {
        "review": review,
        "access": access,
        "today": timezone.localdate(),
        "contributors": contributors,
        "information_deadline": deadlines.get(selectors.DEADLINE_INFORMATION),
        "report_deadline": deadlines.get(selectors.DEADLINE_REPORT),
        "requests": requests,
        # Information gathering is "done" only if some agency was asked: an empty round is just closed.
        "agencies_asked": any(r.state != InformationRequest.State.WITHDRAWN or r.submitted_at for r in requests),
        "history": history_rows_for_object(partnership=partnership, obj=review, limit=50),
        "documents": documents_for_subject(partnership=partnership, subject=review, membership=request.membership),
        "contributor_form": None,
    }
    context |= _learning_context(request, review)
    if access.can_manage:
        context["contributor_form"] = ContributorAddForm(
            partnership=partnership, exclude_ids=set(review.contributor_person_ids)
        )
    return context


@partnership_view()
@require_GET
def learning_review_detail(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    review = _review(request, learning_review_id)
    return render(request, "reviews/learning_review/detail.html", _detail_context(request, review))


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_edit(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(review.access.can_manage, "Only the lead author or a business manager can change the plan of a review.")
    if request.method != "POST":
        form = LearningReviewEditForm(initial=LearningReviewEditForm.initial_for(review), partnership=partnership)
        return _render_edit(request, review, form)
    form = LearningReviewEditForm(request.POST, partnership=partnership)
    if not form.is_valid():
        return _render_edit(request, review, form)
    try:
        changes = services.learning_review_update_plan(
            partnership=partnership,
            actor=request.user,
            learning_review=review,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
            **form.plan(),
        )
    except ValidationError as exc:
        review = _review(request, learning_review_id)
        conflict = form.add_refusal(exc, saved=review)
        return _render_edit(request, review, form, saved_version=review if conflict else None)
    messages.success(request, "Saved the changes to the plan." if changes else "There were no changes to save.")
    return _to_detail(review)


def _render_edit(request, review, form, *, saved_version=None) -> HttpResponse:
    return render(
        request,
        "reviews/learning_review/edit.html",
        {"review": review, "form": form, "saved_version": saved_version},
        status=REFUSED if form.is_bound and form.errors else 200,
    )
