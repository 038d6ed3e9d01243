"""Pages of agency information requests: the tracker, asking agencies, the return, sending it back.

The return page is the assignee's to write (drafts save as they type, through
``request_autosave``), and business managers' and partner leads' to read. Any
other member gets a 404 for it, exactly like a missing request. The tracker
(who was asked, what state each return is in) is for everyone who reads rapid
reviews, the scrutineer included.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.models import MANAGER_ROLES, Role
from partnership.selectors import agency_choices, history_rows_for_object, working_day_calendar
from partnership.views.actions import form_action
from reviews.forms.requests import RequestCreateForm, ReturnForm, SendBackForm, WithdrawForm
from reviews.models import InformationRequest, RapidReview
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES, rapid_review_get
from reviews.selectors.requests import (
    RETURN_READER_ROLES,
    information_request_for_viewer,
    information_request_list,
    request_assignee_choices,
    requests_for_person,
    tracker_rows,
)
from reviews.services.requests import (
    EDITABLE_STATES,
    information_request_save_draft,
    information_request_send_back,
    information_request_submit,
    information_request_withdraw,
    information_requests_create,
    review_of,
    review_url,
)

MANAGERS = MANAGER_ROLES
REFUSED = 400
CONFLICT = 409


# --- The tracker and asking agencies ---------------------------------------------------------


@partnership_view(roles=sorted(RAPID_REVIEW_READ_ROLES))
@require_GET
def request_tracker(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    """Every agency asked, and how its return stands: whoever reads rapid reviews (the scrutineer too, who is
    not linked to the returns themselves: those are case records, for the return readers)."""
    partnership = request.partnership
    review = rapid_review_get(partnership=partnership, rapid_review_id=rapid_review_id)
    requests = list(information_request_list(partnership=partnership, rapid_review=review))
    calendar = working_day_calendar(partnership=partnership)
    return render(
        request,
        "reviews/requests/tracker.html",
        {
            "review": review,
            "tracker": tracker_rows(requests=requests, calendar=calendar, today=timezone.localdate()),
            "is_manager": request.membership.has_role(Role.BUSINESS_MANAGER),
            "may_read_returns": request.membership.has_role(*RETURN_READER_ROLES),
        },
    )


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    partnership = request.partnership
    review = rapid_review_get(partnership=partnership, rapid_review_id=rapid_review_id)
    asked = {
        r.agency_id
        for r in information_request_list(partnership=partnership, rapid_review=review)
        if r.state != InformationRequest.State.WITHDRAWN
    }
    agencies = list(agency_choices(partnership=partnership))
    involved = set(review.incident.agencies.values_list("pk", flat=True))
    form = RequestCreateForm(
        request.POST if request.method == "POST" else None,
        agencies=agencies,
        members=list(request_assignee_choices(partnership=partnership)),
        asked_agency_ids=asked,
        preselect_agency_ids=involved,
        default_due_on=review.returns_due_on,
    )
    if done := form_action(
        request,
        form,
        lambda data: information_requests_create(
            partnership=partnership,
            actor=request.user,
            assignments=form.assignments(),
            rapid_review=review,
            due_on=data["due_on"],
        ),
        message=lambda created: (
            f"Asked {', '.join(r.agency.name for r in created)} for their returns. Each named person has been emailed."
        ),
        success=lambda _: redirect("reviews:request_tracker", slug=partnership.slug, rapid_review_id=review.pk),
    ):
        return done
    return render(
        request,
        "reviews/requests/create.html",
        {
            "review": review,
            "form": form,
            "rows": form.bound_rows(),
            "gathering": review.state == RapidReview.State.GATHERING,
        },
        status=REFUSED if form.is_bound and form.errors else 200,
    )


@partnership_view()
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership
    requests = list(requests_for_person(partnership=partnership, person=request.user))
    calendar = working_day_calendar(partnership=partnership)
    return render(
        request,
        "reviews/requests/mine.html",
        {"tracker": tracker_rows(requests=requests, calendar=calendar, today=timezone.localdate())},
    )


# --- The return ----------------------------------------------------------------------------


def _render_return(
    request: HttpRequest,
    information_request: InformationRequest,
    *,
    form: ReturnForm | None = None,
    send_back_form: SendBackForm | None = None,
    withdraw_form: WithdrawForm | None = None,
    saved_version: InformationRequest | None = None,
    kept_form: ReturnForm | None = None,
    status: int | None = None,
) -> HttpResponse:
    partnership = request.partnership
    membership = request.membership
    is_assignee = information_request.assignee_id == request.user.pk
    editable = is_assignee and information_request.state in EDITABLE_STATES
    if editable and form is None:
        form = ReturnForm(initial=ReturnForm.initial_for(information_request))
    is_manager = membership.has_role(Role.BUSINESS_MANAGER)
    calendar = working_day_calendar(partnership=partnership)
    review = review_of(information_request)
    context = {
        "information_request": information_request,
        "row": tracker_rows(requests=[information_request], calendar=calendar, today=timezone.localdate())[0],
        "review": review,
        "review_url": review_url(review),
        "form": form if editable else None,
        "answers": [
            (InformationRequest._meta.get_field(name).verbose_name, getattr(information_request, name))
            for name in ReturnForm.answer_fields()
        ],
        "is_assignee": is_assignee,
        "is_manager": is_manager,
        "send_back_form": send_back_form
        or (SendBackForm() if is_manager and information_request.state == InformationRequest.State.SUBMITTED else None),
        "withdraw_form": withdraw_form
        or (WithdrawForm() if is_manager and information_request.state in EDITABLE_STATES else None),
        "saved_version": saved_version,
        "kept_form": kept_form,
        "history": history_rows_for_object(partnership=partnership, obj=information_request, limit=50),
    }
    bound_errors = any(
        f is not None and f.is_bound and f.errors for f in (form, send_back_form, withdraw_form, kept_form)
    )
    return render(
        request,
        "reviews/requests/detail.html",
        context,
        status=status or (REFUSED if bound_errors else 200),
    )


@partnership_view()
@require_http_methods(["GET", "POST"])
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    partnership = request.partnership
    information_request = information_request_for_viewer(
        partnership=partnership, membership=request.membership, request_id=request_id
    )
    if request.method != "POST":
        return _render_return(request, information_request)
    if information_request.assignee_id != request.user.pk:
        raise PermissionDenied("Only the person asked for this return can write it.")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_return(request, information_request, form=form)
    submitting = request.POST.get("action") == "submit"
    service = information_request_submit if submitting else information_request_save_draft
    try:
        service(
            partnership=partnership,
            actor=request.user,
            information_request=information_request,
            answers=form.answers(),
            expected_updated_at=form.cleaned_data["expected_updated_at"],
        )
    except ValidationError as exc:
        return _refused_return(request, information_request, form, exc)
    if submitting:
        messages.success(request, "Your return has been submitted. Thank you.")
    else:
        messages.success(request, f"Draft saved at {timezone.localtime():%H:%M}.")
    return redirect("reviews:request_detail", slug=partnership.slug, request_id=information_request.pk)


def _refused_return(
    request: HttpRequest, information_request: InformationRequest, form: ReturnForm, exc: ValidationError
) -> HttpResponse:
    """The return drawn again with the person's text kept, the refusal shown, and what is saved now beside it."""
    saved = information_request_for_viewer(
        partnership=request.partnership, membership=request.membership, request_id=information_request.pk
    )
    conflict = form.add_refusal(exc, saved=saved)
    stale = getattr(exc, "code", None) == "stale"
    if saved.state not in EDITABLE_STATES:
        # Submitted or withdrawn meanwhile: the saved return is read-only; the person's text is shown to copy.
        return _render_return(request, saved, kept_form=form, status=REFUSED)
    return _render_return(
        request, saved, form=form, saved_version=saved if conflict else None, status=CONFLICT if stale else REFUSED
    )


@partnership_view()
@require_POST
def request_autosave(request: HttpRequest, request_id: int) -> HttpResponse:
    """Save the draft as the person types (htmx), answering with a short status for the live region.

    Without htmx (no JavaScript) it behaves like the Save draft button.
    """
    partnership = request.partnership
    information_request = information_request_for_viewer(
        partnership=partnership, membership=request.membership, request_id=request_id
    )
    if information_request.assignee_id != request.user.pk:
        raise PermissionDenied("Only the person asked for this return can write it.")
    form = ReturnForm(request.POST)
    if not request.htmx:
        if not form.is_valid():
            return _render_return(request, information_request, form=form)
        try:
            information_request_save_draft(
                partnership=partnership,
                actor=request.user,
                information_request=information_request,
                answers=form.answers(),
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            return _refused_return(request, information_request, form, exc)
        messages.success(request, f"Draft saved at {timezone.localtime():%H:%M}.")
        return redirect("reviews:request_detail", slug=partnership.slug, request_id=information_request.pk)

    status, problem, saved = 200, "", None
    if not form.is_valid():
        status, problem = REFUSED, " ".join(form.non_field_errors())
    else:
        try:
            saved = information_request_save_draft(
                partnership=partnership,
                actor=request.user,
                information_request=information_request,
                answers=form.answers(),
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                status = CONFLICT
                problem = (
                    "This return was changed somewhere else (another tab, window or device) since you opened it. "
                    "Your text is still on this page: copy anything you need, then reload the page."
                )
            else:
                status = REFUSED
                problem = _problem_text(exc)
    return render(
        request,
        "reviews/requests/_autosave_status.html",
        {"saved": saved, "problem": problem, "saved_at": timezone.localtime(saved.draft_saved_at) if saved else None},
        status=status,
    )


def _problem_text(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    return " ".join(
        f"{ReturnForm.label_of(name)}: {' '.join(messages_)}"
        if name in ReturnForm.answer_fields()
        else " ".join(messages_)
        for name, messages_ in exc.message_dict.items()
    )


# --- Business managers: send back, withdraw ---------------------------------------------------


@partnership_view(roles=MANAGERS)
@require_POST
def request_send_back(request: HttpRequest, request_id: int) -> HttpResponse:
    partnership = request.partnership
    information_request = information_request_for_viewer(
        partnership=partnership, membership=request.membership, request_id=request_id
    )
    form = SendBackForm(request.POST)
    if done := form_action(
        request,
        form,
        lambda data: information_request_send_back(
            partnership=partnership,
            actor=request.user,
            information_request=information_request,
            reason=data["reason"],
            due_on=data["due_on"],
        ),
        message=f"Sent the return back to {information_request.assignee}. They have been emailed your reason.",
        success=lambda _: redirect("reviews:request_detail", slug=partnership.slug, request_id=information_request.pk),
    ):
        return done
    return _render_return(request, information_request, send_back_form=form, status=REFUSED)


@partnership_view(roles=MANAGERS)
@require_POST
def request_withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    partnership = request.partnership
    information_request = information_request_for_viewer(
        partnership=partnership, membership=request.membership, request_id=request_id
    )
    form = WithdrawForm(request.POST)
    if done := form_action(
        request,
        form,
        lambda data: information_request_withdraw(
            partnership=partnership, actor=request.user, information_request=information_request, reason=data["reason"]
        ),
        message=f"Withdrew the request to {information_request.agency.name}.",
        success=lambda _: redirect("reviews:request_detail", slug=partnership.slug, request_id=information_request.pk),
    ):
        return done
    return _render_return(request, information_request, withdraw_form=form, status=REFUSED)
