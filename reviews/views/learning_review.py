"""Pages of learning reviews: the list, opening one, its plan and contributors, the agency requests, the
outcomes form, circulation and comments, finalising, the publication decision, print views and PDFs.

Who sees what is ``reviews.selectors.learning_review.LearningReviewAccess``:
a member who may not see a review gets 404 (as for a review that does not
exist); one who sees it but whose part does not include a page gets 403. Each
view parses input with a form, calls one service or selector, and renders. A
refused form is drawn again bound to what was sent (nothing lost), with each
error beside its field and in the summary, and answers 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.models import Role
from partnership.selectors import agency_list, history_rows_for_object, membership_list
from partnership.selectors.documents import documents_for_subject
from partnership.subjects import subject_url
from reviews.forms.learning_review import (
    CirculateForm,
    CommentForm,
    ContributorAddForm,
    ContributorFlagsForm,
    LearningReviewEditForm,
    LearningReviewFromRapidReviewForm,
    LearningReviewPlanForm,
    OutcomesFormForm,
    PublicationForm,
    TakeBackForm,
    recommendation_formset,
)
from reviews.forms.requests import RequestCreateForm
from reviews.models import DecisionOutcome, InformationRequest, LearningReview, RapidReview
from reviews.selectors import learning_review as selectors
from reviews.selectors.rapid_review import rapid_review_get
from reviews.selectors.requests import information_request_list
from reviews.services import learning_review as services
from reviews.services.requests import information_requests_create

# A partnership runs a few learning reviews a year: a page is years of them.
REVIEWS_PER_PAGE = 25

MANAGERS = [Role.BUSINESS_MANAGER]
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
    if form.is_bound and form.is_valid():
        try:
            review = services.learning_review_open(partnership=partnership, actor=request.user, **form.plan())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Opened learning review {review.reference}. The lead author has been told.")
            return _to_detail(review)
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
    if form.is_bound and form.is_valid():
        try:
            review = services.learning_review_open_from_decision(
                partnership=partnership, actor=request.user, rapid_review=rapid_review, **form.plan()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Opened learning review {review.reference} from the rapid review's decision.")
            return _to_detail(review)
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


# --- The review ---------------------------------------------------------------------------------------------


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


# --- Contributors -------------------------------------------------------------------------------------------


@partnership_view()
@require_POST
def learning_review_contributor_add(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(review.access.can_manage, "Only the lead author or a business manager can change the contributors.")
    form = ContributorAddForm(request.POST, partnership=partnership, exclude_ids=set(review.contributor_person_ids))
    if form.is_valid():
        try:
            contributor = services.contributor_add(
                partnership=partnership, actor=request.user, learning_review=review, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added {contributor.person} as a contributor.")
            return _to_detail(review)
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
    _allow(review.access.can_request_information, "The business manager co-ordinates the information requests.")
    form = _request_form(request, review, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            created = information_requests_create(
                partnership=partnership,
                actor=request.user,
                assignments=form.assignments(),
                learning_review=review,
                due_on=form.cleaned_data["due_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Sent {len(created)} information request(s). Each person has been emailed.")
            return _to_detail(review)
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


# --- The outcomes form ------------------------------------------------------------------------------------------


@partnership_view()
@require_http_methods(["GET", "POST"])
def learning_review_outcomes_form(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    access = review.access
    _allow(access.can_see_form, "Only the lead author, the contributors and the business managers read the draft.")
    saved = selectors.outcomes_form_get(partnership=partnership, learning_review=review)
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
    saved = selectors.outcomes_form_get(partnership=partnership, learning_review=review)
    return render(
        request,
        "reviews/learning_review/comments.html",
        {
            "review": review,
            "access": access,
            "form": form,
            "groups": selectors.comments_by_section(partnership=partnership, learning_review=review),
            "context": selectors.outcomes_document_context(partnership=partnership, learning_review=review, form=saved),
            "today": timezone.localdate(),
        },
        status=REFUSED if form is not None and form.is_bound and form.errors else 200,
    )


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
    context = selectors.outcomes_document_context(partnership=partnership, learning_review=review)
    return render(
        request,
        selectors.OUTCOMES_FORM_TEMPLATE,
        {
            **context,
            "document_title": selectors.outcomes_document_title(review),
            "screen_back_url": _screen_back_url(review),
        },
    )


@partnership_view()
@require_POST
def learning_review_pdf(request: HttpRequest, learning_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = _review(request, learning_review_id)
    _allow(
        review.access.can_open_form_pdf,
        "The PDF of the full form is for business managers, partner leads and the scrutineer: use the print view.",
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
