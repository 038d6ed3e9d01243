"""Pages of the rapid review meeting, its decision, the partners' sign-off, the Panel submission and the template.

Who does what: the roles that read rapid reviews (business managers, partner
leads, the independent scrutineer) see the meeting and decision pages; the
business manager sets the meeting, records the decision and marks it sent to
the Panel; each partner lead approves or sends back for their own partner.

Each view parses input with a form, calls one service or selector, and
renders. A refused form is drawn again bound to what was sent (nothing lost),
with each error beside its field and in the summary, and answers 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.forms.recommendations import ThemesForm
from partnership.kept_pages import render_kept
from partnership.models import MANAGER_ROLES, PARTNER_LEAD_ROLES, Role, StatutoryPartner
from partnership.row_urls import url_for_each
from partnership.selectors import history_rows_for_object
from partnership.views.actions import form_action
from reviews.forms.decision import (
    AttendeeForm,
    DecisionForm,
    MeetingDateForm,
    SentToPanelForm,
    SignOffForm,
    TimelinessFilterForm,
)
from reviews.models import RapidReview
from reviews.selectors.decision import (
    decision_overview,
    decision_refusal,
    meeting_attendee_get,
    outcome_recipients,
    rapid_review_decision_or_none,
    rapid_review_get_for_decision,
)
from reviews.selectors.incidents import identity_viewer_allowed
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES
from reviews.selectors.rapid_review_template import TEMPLATE_NAME, rapid_review_template_context
from reviews.selectors.recommendations import learning_of_rapid_review
from reviews.selectors.requests import information_requests_outstanding
from reviews.selectors.timeliness import TIMELINESS_READER_ROLES, rapid_review_timeliness, rapid_review_timeliness_years
from reviews.services.decision import (
    rapid_review_decision_approve,
    rapid_review_decision_record,
    rapid_review_decision_send_back,
    rapid_review_send_to_panel,
)
from reviews.services.rapid_review_document import (
    IDENTITY_CONTEXT_PRINT,
    rapid_review_identified_context,
    rapid_review_template_render_request,
)
from reviews.services.rapid_review_meeting import (
    meeting_attendee_add,
    meeting_attendee_remove,
    rapid_review_meeting_set,
)

MANAGERS = MANAGER_ROLES
PARTNER_LEADS = list(PARTNER_LEAD_ROLES)
# The roles that read rapid reviews read their meetings and decisions (and the general template).
READERS = sorted(RAPID_REVIEW_READ_ROLES)
TIMELINESS_READERS = TIMELINESS_READER_ROLES
REFUSED = 400


def _day(value) -> str:
    return date_format(value, "j F Y")


def _review(request: HttpRequest, rapid_review_id: int) -> RapidReview:
    return rapid_review_get_for_decision(partnership=request.partnership, rapid_review_id=rapid_review_id)


def _is_manager(request: HttpRequest) -> bool:
    return request.membership.has_role(Role.BUSINESS_MANAGER)


# --- The meeting ----------------------------------------------------------------------------


@partnership_view(roles=READERS)
@require_GET
def meeting(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    return _render_meeting(request, _review(request, rapid_review_id))


def _render_meeting(
    request: HttpRequest,
    rapid_review: RapidReview,
    *,
    date_form: MeetingDateForm | None = None,
    attendee_form: AttendeeForm | None = None,
) -> HttpResponse:
    partnership = request.partnership
    overview = decision_overview(partnership=partnership, rapid_review=rapid_review, membership=request.membership)
    can_edit = _is_manager(request) and overview.is_gathering
    if can_edit:
        date_form = date_form or MeetingDateForm(
            rapid_review=rapid_review,
            initial={"meeting_on": rapid_review.meeting_on, **versioned_initial(rapid_review)},
        )
        attendee_form = attendee_form or AttendeeForm(partnership=partnership)
    refused = any(f is not None and f.is_bound and f.errors for f in (date_form, attendee_form))
    context = {
        "rapid_review": rapid_review,
        "incident": rapid_review.incident,
        "overview": overview,
        "can_edit": can_edit,
        "date_form": date_form,
        "attendee_form": attendee_form,
    }
    return render(request, "reviews/rapid_review/meeting.html", context, status=REFUSED if refused else 200)


@partnership_view(roles=MANAGERS)
@require_POST
def meeting_date(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    partnership = request.partnership
    rapid_review = _review(request, rapid_review_id)
    form = MeetingDateForm(request.POST, rapid_review=rapid_review)
    if not form.is_valid():
        return _render_meeting(request, rapid_review, date_form=form)
    try:
        rapid_review_meeting_set(
            partnership=partnership,
            actor=request.user,
            rapid_review=rapid_review,
            meeting_on=form.cleaned_data["meeting_on"],
            expected_updated_at=form.cleaned_data["expected_updated_at"],
        )
    except ValidationError as exc:
        rapid_review = _review(request, rapid_review_id)
        form.add_refusal(exc, saved=rapid_review)
        return _render_meeting(request, rapid_review, date_form=form)
    messages.success(request, f"The meeting is set for {_day(form.cleaned_data['meeting_on'])}.")
    return redirect("reviews:rapid_review_meeting", slug=partnership.slug, rapid_review_id=rapid_review.pk)


@partnership_view(roles=MANAGERS)
@require_POST
def attendee_add(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    partnership = request.partnership
    rapid_review = _review(request, rapid_review_id)
    form = AttendeeForm(request.POST, partnership=partnership)
    if done := form_action(
        request,
        form,
        lambda _: meeting_attendee_add(
            partnership=partnership, actor=request.user, rapid_review=rapid_review, **form.service_arguments()
        ),
        message=lambda attendee: f"Added {attendee.name} to the meeting.",
        success=lambda _: redirect(
            "reviews:rapid_review_meeting", slug=partnership.slug, rapid_review_id=rapid_review.pk
        ),
    ):
        return done
    return _render_meeting(request, rapid_review, attendee_form=form)


@partnership_view(roles=MANAGERS)
@require_POST
def attendee_remove(request: HttpRequest, rapid_review_id: int, attendee_id: int) -> HttpResponse:
    partnership = request.partnership
    rapid_review = _review(request, rapid_review_id)
    attendee = meeting_attendee_get(partnership=partnership, rapid_review=rapid_review, attendee_id=attendee_id)
    try:
        meeting_attendee_remove(
            partnership=partnership, actor=request.user, rapid_review=rapid_review, attendee=attendee
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Removed {attendee.name} from the meeting.")
    return redirect("reviews:rapid_review_meeting", slug=partnership.slug, rapid_review_id=rapid_review.pk)


# --- The decision, its sign-off and the Panel ----------------------------------------------------


@partnership_view(roles=READERS)
@require_GET
def decision(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    return _render_decision(request, _review(request, rapid_review_id))


def _render_decision(
    request: HttpRequest,
    rapid_review: RapidReview,
    *,
    decision_form: DecisionForm | None = None,
    sign_off_form: SignOffForm | None = None,
    sign_off_errors: list[str] | None = None,
    panel_form: SentToPanelForm | None = None,
    saved_version=None,
) -> HttpResponse:
    # The decision, sign-off and learning change only with the partnership's records: the body is kept for its reader
    # (partnership.kept_pages), whose roles decide what they may record or sign; drawn afresh with what was posted.
    return render_kept(
        request,
        "reviews/rapid_review/decision.html",
        body_template="reviews/rapid_review/_decision_body.html",
        context=lambda: _decision_context(
            request,
            rapid_review,
            decision_form=decision_form,
            sign_off_form=sign_off_form,
            sign_off_errors=sign_off_errors,
            panel_form=panel_form,
            saved_version=saved_version,
        ),
        page_context={
            "rapid_review": rapid_review,
            "incident": rapid_review.incident,
            "decision_form": decision_form,
            "panel_form": panel_form,
            "sign_off_errors": sign_off_errors,
        },
        status=lambda values: REFUSED if values["refused"] else 200,
    )


def _decision_context(
    request: HttpRequest,
    rapid_review: RapidReview,
    *,
    decision_form,
    sign_off_form,
    sign_off_errors,
    panel_form,
    saved_version,
) -> dict:
    partnership = request.partnership
    membership = request.membership
    overview = decision_overview(partnership=partnership, rapid_review=rapid_review, membership=membership)
    is_manager = _is_manager(request)
    can_record = is_manager and overview.is_gathering
    refusal = ""
    if can_record:
        refusal = decision_refusal(
            rapid_review, quorate=overview.quorate, missing=overview.missing_partners, today=timezone.localdate()
        )
        decision_form = decision_form or DecisionForm(initial=DecisionForm.initial_for(overview.decision))
    can_send = is_manager and overview.signed_off
    if can_send:
        panel_form = panel_form or SentToPanelForm(
            initial={"sent_on": timezone.localdate()},
            outstanding=information_requests_outstanding(partnership=partnership, rapid_review=rapid_review),
        )
    acting = [p for p in overview.partners if p.viewer_may_act]
    sign_off_forms = [
        (
            p,
            sign_off_form
            if sign_off_form is not None and sign_off_form.data.get("partner") == p.partner
            else SignOffForm(initial={"partner": p.partner}, auto_id=f"id_{p.partner}_%s"),
        )
        for p in acting
    ]
    refused = bool(sign_off_errors) or any(
        f is not None and f.is_bound and f.errors for f in (decision_form, panel_form, sign_off_form)
    )
    context = {
        "rapid_review": rapid_review,
        "incident": rapid_review.incident,
        "overview": overview,
        "can_record": can_record,
        # Before the meeting there is nothing to decide: the form is not shown greyed out, it is not shown.
        "meeting_pending": rapid_review.meeting_on is None or rapid_review.meeting_on > timezone.localdate(),
        "decision_refusal": refusal,
        "decision_form": decision_form,
        "saved_version": saved_version,
        "sign_off_forms": sign_off_forms,
        "sign_off_errors": sign_off_errors or [],
        "can_send": can_send,
        "panel_form": panel_form,
        "recipients": (
            outcome_recipients(partnership=partnership, rapid_review=rapid_review)
            if is_manager and overview.sent_to_panel
            else []
        ),
        "may_identify": identity_viewer_allowed(membership=membership),
        "history": history_rows_for_object(partnership=partnership, obj=rapid_review),
        **_learning_context(request, rapid_review, overview.decision, is_manager=is_manager),
        "refused": refused,
    }
    return context


def _learning_context(request: HttpRequest, rapid_review, decision, *, is_manager: bool) -> dict:
    """The review's recommendations (from its decision), themes and dissemination records."""
    partnership = request.partnership
    learning = learning_of_rapid_review(partnership=partnership, rapid_review=rapid_review, decision=decision)
    themes_form = None
    if is_manager:
        themes_form = ThemesForm(
            themes=learning.all_themes,
            tagged_ids={t.pk for t in learning.themes},
            versioned=False,
        )
    return {
        "learning": learning,
        "learning_can_manage": is_manager,
        "learning_themes_form": themes_form,
        "learning_themes_url": reverse(
            "reviews:rapid_review_themes", kwargs={"slug": partnership.slug, "rapid_review_id": rapid_review.pk}
        ),
        "learning_dissemination_query": f"record_key=rapid_review&record_id={rapid_review.pk}",
        "learning_new_recommendation_url": (
            reverse("partnership:recommendation_create", kwargs={"slug": partnership.slug})
            + f"?source_kind=rapid_review_decision&source_id={decision.pk}"
            if is_manager and decision is not None
            else ""
        ),
    }


@partnership_view(roles=MANAGERS)
@require_POST
def decision_record(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    partnership = request.partnership
    rapid_review = _review(request, rapid_review_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_decision(request, rapid_review, decision_form=form)
    try:
        rapid_review_decision_record(
            partnership=partnership, actor=request.user, rapid_review=rapid_review, **form.service_arguments()
        )
    except ValidationError as exc:
        # Draw the review as saved now (someone may have recorded a decision); the form keeps the input.
        rapid_review = _review(request, rapid_review_id)
        saved = rapid_review_decision_or_none(rapid_review=rapid_review)
        conflict = getattr(exc, "code", None) == "stale"
        form.carry_version(saved)
        add_service_errors(form, exc)
        return _render_decision(request, rapid_review, decision_form=form, saved_version=saved if conflict else None)
    messages.success(
        request,
        "The decision is recorded. The local authority, health and police partner leads "
        "have been asked to sign it off.",
    )
    return redirect("reviews:rapid_review_decision", slug=partnership.slug, rapid_review_id=rapid_review.pk)


def _sign_off(request: HttpRequest, rapid_review_id: int, *, send_back: bool) -> HttpResponse:
    partnership = request.partnership
    rapid_review = _review(request, rapid_review_id)
    partner = request.POST.get("partner", "")
    # Ids per partner: a lead of two partners gets two forms on one page.
    form = SignOffForm(request.POST, auto_id=f"id_{partner}_%s" if partner in StatutoryPartner.values else "id_%s")
    if not form.is_valid():
        # Only the hidden partner can be wrong here: say so at the top, not beside a field nobody sees.
        return _render_decision(
            request,
            rapid_review,
            sign_off_errors=["Choose the partner you are deciding for: use the buttons on this page."],
        )
    data = form.cleaned_data
    try:
        if send_back:
            rapid_review_decision_send_back(
                partnership=partnership,
                membership=request.membership,
                rapid_review=rapid_review,
                comment=data["comment"],
                partner=data["partner"],
            )
        else:
            rapid_review_decision_approve(
                partnership=partnership,
                membership=request.membership,
                rapid_review=rapid_review,
                partner=data["partner"],
            )
    except ValidationError as exc:
        rapid_review = _review(request, rapid_review_id)
        if send_back and hasattr(exc, "error_dict") and "comment" in exc.error_dict:
            add_service_errors(form, exc)
            return _render_decision(request, rapid_review, sign_off_form=form)
        return _render_decision(request, rapid_review, sign_off_errors=exc.messages)
    label = StatutoryPartner(data["partner"]).label.lower()
    if send_back:
        messages.success(request, f"You sent the decision back for {label}. The business manager has your comment.")
    elif rapid_review.state == RapidReview.State.SIGNED_OFF:
        messages.success(request, "You approved the decision: all three partners have now signed it off.")
    else:
        messages.success(request, f"You approved the decision for {label}.")
    return redirect("reviews:rapid_review_decision", slug=partnership.slug, rapid_review_id=rapid_review.pk)


@partnership_view(roles=PARTNER_LEADS)
@require_POST
def decision_approve(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    return _sign_off(request, rapid_review_id, send_back=False)


@partnership_view(roles=PARTNER_LEADS)
@require_POST
def decision_send_back(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    return _sign_off(request, rapid_review_id, send_back=True)


@partnership_view(roles=MANAGERS)
@require_POST
def sent_to_panel(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    partnership = request.partnership
    rapid_review = _review(request, rapid_review_id)
    outstanding = information_requests_outstanding(partnership=partnership, rapid_review=rapid_review)
    form = SentToPanelForm(request.POST, outstanding=outstanding)
    if form.is_valid():
        try:
            rapid_review_send_to_panel(
                partnership=partnership,
                actor=request.user,
                rapid_review=rapid_review,
                sent_on=form.cleaned_data["sent_on"],
                delay_reason=form.cleaned_data["delay_reason"],
                outstanding_returns_reason=form.cleaned_data.get("outstanding_returns_reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            rapid_review = _review(request, rapid_review_id)
        else:
            messages.success(
                request,
                f"Marked as sent to the national Panel on {_day(rapid_review.sent_to_panel_on)}, "
                f"{rapid_review.working_days_taken} working day{pluralize(rapid_review.working_days_taken)} "
                "after the notification. "
                "Every agency involved is being told the outcome."
                + (
                    f" {len(outstanding)} outstanding request{pluralize(len(outstanding))} "
                    f"{'was' if len(outstanding) == 1 else 'were'} closed and the people asked were told."
                    if outstanding
                    else ""
                ),
            )
            return redirect("reviews:rapid_review_decision", slug=partnership.slug, rapid_review_id=rapid_review.pk)
    return _render_decision(request, rapid_review, panel_form=form)


# --- The Rapid Review Template: print view and PDF ---------------------------------------------


@partnership_view(roles=READERS)
@require_GET
def template_print(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    """The template on screen, from the same HTML template as the PDF.

    ``?identified=1`` shows the children's identities (business managers and
    partner leads only; each view logged) instead of their pseudonyms.
    """
    partnership = request.partnership
    rapid_review = _review(request, rapid_review_id)
    if request.GET.get("identified") == "1":
        context = rapid_review_identified_context(
            partnership=partnership,
            membership=request.membership,
            rapid_review=rapid_review,
            where=IDENTITY_CONTEXT_PRINT,
        )
    else:
        context = rapid_review_template_context(partnership=partnership, rapid_review=rapid_review)
    reference = rapid_review.incident.reference
    screen = {
        "partnership": partnership,
        "document_title": f"Rapid review template {reference}" + (" (identified)" if context["identified"] else ""),
        "screen_back_url": reverse(
            "reviews:rapid_review_decision", kwargs={"slug": partnership.slug, "rapid_review_id": rapid_review.pk}
        ),
    }
    response = render(request, TEMPLATE_NAME, {**context, **screen})
    if context["identified"]:
        # Identities must not linger in a shared browser's or proxy's cache.
        add_never_cache_headers(response)
    return response


@partnership_view(roles=READERS)
@require_POST
def template_pdf(request: HttpRequest, rapid_review_id: int) -> HttpResponse:
    partnership = request.partnership
    rapid_review = _review(request, rapid_review_id)
    identified = request.POST.get("identified") == "1"
    if identified and not identity_viewer_allowed(membership=request.membership):
        raise PermissionDenied("Only business managers and partner leads may have the identified version.")
    version = rapid_review_template_render_request(
        partnership=partnership, membership=request.membership, rapid_review=rapid_review, identified=identified
    )
    return redirect("partnership:document_status", slug=partnership.slug, version_id=version.pk)


# --- Timeliness -----------------------------------------------------------------------------------


@partnership_view(roles=TIMELINESS_READERS)
@require_GET
def timeliness(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership

    def context() -> dict:
        years = rapid_review_timeliness_years(partnership=partnership)
        if "year" in request.GET:
            form = TimelinessFilterForm(request.GET, years=years)
            year = form.chosen_year()  # "All years" (or a year not offered): every quarter
        else:
            # A year at a time unless asked: the newest year with a notification. Every year, with each late
            # review listed, grows with the partnership's history (issue 13).
            year = years[0] if years else None
            form = TimelinessFilterForm(initial={"year": year}, years=years)
        quarters = rapid_review_timeliness(partnership=partnership, today=timezone.localdate(), year=year)
        review_url = url_for_each("reviews:rapid_review_detail", id_kwarg="rapid_review_id", slug=partnership.slug)
        for quarter in quarters:
            quarter.delay_links = [(delay, review_url(delay.rapid_review_id)) for delay in quarter.delays]
        return {"form": form, "quarters": quarters, "year": year, "years": years}

    # Figures by quarter, the same until a review changes: the body is kept (partnership.kept_pages).
    return render_kept(
        request, "reviews/timeliness.html", body_template="reviews/_timeliness_body.html", context=context
    )
