"""The reviews' pages of recommendations: a final outcomes form's rows proposed in one step, and reviews' themes.

The recommendations themselves live in the kernel's pages
(``partnership.views.recommendations``); these pages only start them from a
review and tag reviews, through the kernel's services. Business managers do
both; the independent scrutineer reads the form's rows (pseudonymised, as they
read the form) and what was made of them, and is refused every change (403).
The themes are tagged by a small form on the review's own page, where everyone
who reads the review reads them: a GET of the tagging address goes there.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.forms.recommendations import ThemesForm
from partnership.models import Role
from partnership.selectors.recommendations import themes_list, themes_of
from reviews.forms.recommendations import OutcomesRowsForm
from reviews.models import LearningReview
from reviews.selectors import learning_review as learning_review_selectors
from reviews.selectors.decision import rapid_review_get_for_decision
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES
from reviews.selectors.recommendations import outcomes_rows_with_recommendations
from reviews.services import recommendations as services

MANAGERS = [Role.BUSINESS_MANAGER]
# Who reads the rows page: the managers who propose them, and the scrutineer.
ROW_READERS = [*MANAGERS, Role.SCRUTINEER]
REFUSED = 400


def _refuse_unless_manager(request: HttpRequest) -> None:
    if not request.membership.has_role(*MANAGERS):
        raise PermissionDenied("Only a business manager changes a review's recommendations and themes.")


@partnership_view(roles=ROW_READERS)
@require_http_methods(["GET", "POST"])
def learning_review_recommendations(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    """The final form's SMART rows: those not yet converted get a lead partner each, then go to the partners."""
    partnership = request.partnership
    review = learning_review_selectors.learning_review_get(
        partnership=partnership, learning_review_id=learning_review_id, membership=request.membership
    )
    if request.method == "POST":
        _refuse_unless_manager(request)
    if review.state != LearningReview.State.FINAL:
        messages.error(request, "The outcomes form's recommendations are made once the form is final.")
        return redirect("reviews:learning_review_detail", slug=partnership.slug, learning_review_id=review.pk)
    rows = outcomes_rows_with_recommendations(
        partnership=partnership, learning_review=review, pseudonymised=review.access.reads_pseudonymised
    )
    pending = [r.row for r in rows if not r.converted]
    if not request.membership.has_role(*MANAGERS):
        # The scrutineer reads the rows and what was made of them; nothing is offered to change.
        context = {"review": review, "rows": rows, "form": None, "pending": pending}
        return render(request, "reviews/learning_review/recommendations.html", context)
    themes = list(themes_list(partnership=partnership, include_retired=False))
    form = OutcomesRowsForm(request.POST if request.method == "POST" else None, rows=pending, themes=themes)
    if form.is_bound and pending and form.is_valid():
        try:
            round_ = services.outcomes_form_recommendations_propose(
                partnership=partnership,
                actor=request.user,
                learning_review=review,
                rows=form.service_rows(),
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if round_ is None:
                messages.success(request, "These recommendations had already been made: nothing was made twice.")
                return redirect("reviews:learning_review_detail", slug=partnership.slug, learning_review_id=review.pk)
            messages.success(
                request, "The recommendations are made and put to the partners. The partner leads have been emailed."
            )
            return redirect("partnership:recommendation_round_detail", slug=partnership.slug, round_id=round_.pk)
    elif request.method == "POST" and not pending:
        messages.success(request, "These recommendations had already been made: nothing was made twice.")
        return redirect("reviews:learning_review_detail", slug=partnership.slug, learning_review_id=review.pk)
    context = {"review": review, "rows": rows, "form": form, "pending": pending}
    status = REFUSED if form.is_bound and form.errors else 200
    return render(request, "reviews/learning_review/recommendations.html", context, status=status)


def _themes_form(request: HttpRequest, record) -> ThemesForm:
    tagged = {t.pk for t in themes_of(partnership=request.partnership, record=record)}
    return ThemesForm(
        request.POST, themes=list(themes_list(partnership=request.partnership)), tagged_ids=tagged, versioned=False
    )


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_themes(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    """Tag the review (business managers); a GET goes to the review's page, where its themes are read."""
    review = learning_review_selectors.learning_review_get(
        partnership=request.partnership, learning_review_id=learning_review_id, membership=request.membership
    )
    if request.method == "GET":
        detail = reverse(
            "reviews:learning_review_detail", kwargs={"slug": request.partnership.slug, "learning_review_id": review.pk}
        )
        return redirect(f"{detail}#themes-heading")
    _refuse_unless_manager(request)
    form = _themes_form(request, review)
    _tag(
        request,
        form,
        lambda ids: services.learning_review_themes_set(
            partnership=request.partnership, actor=request.user, learning_review=review, theme_ids=ids
        ),
    )
    return redirect("reviews:learning_review_detail", slug=request.partnership.slug, learning_review_id=review.pk)


@partnership_view(roles=sorted(RAPID_REVIEW_READ_ROLES))
@require_http_methods(["GET", "POST"])
def rapid_review_themes(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    """Tag the rapid review (business managers); a GET goes to its decision page, where its themes are read."""
    rapid_review = rapid_review_get_for_decision(partnership=request.partnership, rapid_review_id=rapid_review_id)
    if request.method == "GET":
        decision = reverse(
            "reviews:rapid_review_decision",
            kwargs={"slug": request.partnership.slug, "rapid_review_id": rapid_review.pk},
        )
        return redirect(f"{decision}#themes-heading")
    _refuse_unless_manager(request)
    form = _themes_form(request, rapid_review)
    _tag(
        request,
        form,
        lambda ids: services.rapid_review_themes_set(
            partnership=request.partnership, actor=request.user, rapid_review=rapid_review, theme_ids=ids
        ),
    )
    return redirect("reviews:rapid_review_decision", slug=request.partnership.slug, rapid_review_id=rapid_review.pk)


def _tag(request: HttpRequest, form: ThemesForm, tag) -> None:
    """Tag, and say what happened at the top of the page the person goes back to (a small form: no page of its own)."""
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return
    try:
        tag(form.cleaned_data["themes"])
    except ValidationError as exc:
        add_service_errors(form, exc)
        for error in exc.messages:
            messages.error(request, error)
        if getattr(exc, "code", None) == "not_business_manager":
            raise PermissionDenied(exc.messages[0]) from exc
        return
    messages.success(request, "Saved the learning themes.")
