"""Pages of action plans, actions (progress and evidence) and the board's progress reports.

Thin: each view reads through ``partnership.selectors.action_plans`` (an action
the member may not see is 404, like a missing one) and changes things through
one service of ``partnership.services.action_plans``; a refusal comes back onto
the form's fields and the page is drawn again with status 400.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.forms.action_plans import (
    ActionCompleteForm,
    ActionEditForm,
    ActionForm,
    ActionUpdateForm,
    ProgressReportForm,
    RecommendationCompleteForm,
    RecommendationReopenForm,
    VersionOnlyForm,
)
from partnership.forms.base import VERSION_FIELD, AccessibleFormMixin, add_service_errors, versioned_initial
from partnership.models.recommendations import Action, Recommendation
from partnership.selectors import agency_choices, history_rows_for_object
from partnership.selectors.action_plans import (
    ActionPlanPage,
    action_evidence_get,
    action_get,
    action_plan_page,
    action_updates,
    lead_person_choices,
    plan_action_order,
    rag_counts,
    recommendation_for_plan_get,
)
from partnership.selectors.documents import documents_for_subject
from partnership.selectors.pagination import OneQueryPaginator
from partnership.selectors.progress_reports import (
    progress_report_docx_file,
    progress_report_get,
    progress_report_list,
)
from partnership.selectors.recommendation_access import progress_reports_creatable_by
from partnership.services import action_plans as services
from partnership.services.files import stored_file_response
from partnership.services.progress_reports import progress_report_create
from partnership.subjects import subject_url

REFUSED = 400
REPORTS_PER_PAGE = 25


def _plan_url(request: HttpRequest, recommendation_id: int):
    return redirect(
        "partnership:action_plan_detail", slug=request.partnership.slug, recommendation_id=recommendation_id
    )


def _action_url(request: HttpRequest, action_id: int):
    return redirect("partnership:action_detail", slug=request.partnership.slug, action_id=action_id)


def _recommendation_link(recommendation: Recommendation) -> str:
    """The recommendation's own page (part A's register), when this build has it."""
    try:
        return subject_url(recommendation)
    except NoReverseMatch:
        return ""


def _recommendation(request: HttpRequest, recommendation_id: int) -> Recommendation:
    return recommendation_for_plan_get(
        partnership=request.partnership, membership=request.membership, recommendation_id=recommendation_id
    )


# --- The plan ----------------------------------------------------------------------------------------------


def _render_plan(request: HttpRequest, page: ActionPlanPage, *, status: int = 200, **forms_shown) -> HttpResponse:
    recommendation = page.recommendation
    versioned = versioned_initial(recommendation)
    context = {
        "page": page,
        "recommendation": recommendation,
        "recommendation_link": _recommendation_link(recommendation),
        "rag_counts": rag_counts(page.actions),
        "problem": forms_shown.get("problem"),
        "complete_form": forms_shown.get("complete_form")
        or RecommendationCompleteForm(initial=versioned, prefix="complete"),
        "reopen_form": forms_shown.get("reopen_form") or RecommendationReopenForm(initial=versioned, prefix="reopen"),
        "close_form": VersionOnlyForm(initial=versioned, prefix="close"),
    }
    return render(request, "partnership/action_plans/plan.html", context, status=status)


def _plan_page(request: HttpRequest, recommendation_id: int) -> ActionPlanPage:
    return action_plan_page(
        partnership=request.partnership,
        membership=request.membership,
        recommendation=_recommendation(request, recommendation_id),
    )


@partnership_view()
@require_GET
def action_plan_detail(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    return _render_plan(request, _plan_page(request, recommendation_id))


class _Problem(AccessibleFormMixin, forms.Form):
    """No fields: carries a refusal that belongs to no form (agreeing, closing, removing) to the error summary."""


def _refused(request: HttpRequest, recommendation_id: int, error: ValidationError, **shown) -> HttpResponse:
    """The plan page again, drawn fresh, with the refusal on the form that asked (or at the top)."""
    page = _plan_page(request, recommendation_id)
    form = shown.get("complete_form") or shown.get("reopen_form")
    if form is not None:
        form.add_refusal(error, saved=page.recommendation)
    else:
        problem = _Problem(data={})
        problem.is_valid()
        add_service_errors(problem, error)
        shown["problem"] = problem
    return _render_plan(request, page, status=REFUSED, **shown)


@partnership_view()
@require_POST
def action_plan_agree(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = _recommendation(request, recommendation_id)
    try:
        services.action_plan_agree(
            partnership=request.partnership, membership=request.membership, recommendation=recommendation
        )
    except ValidationError as exc:
        return _refused(request, recommendation_id, exc)
    messages.success(request, "The plan is agreed: the recommendation is now in progress.")
    return _plan_url(request, recommendation_id)


@partnership_view()
@require_POST
def recommendation_complete(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = _recommendation(request, recommendation_id)
    form = RecommendationCompleteForm(request.POST, prefix="complete")
    if not form.is_valid():
        return _render_plan(request, _plan_page(request, recommendation_id), status=REFUSED, complete_form=form)
    try:
        services.recommendation_complete(
            partnership=request.partnership,
            membership=request.membership,
            recommendation=recommendation,
            impact_evidence=form.cleaned_data["impact_evidence"],
            expected_updated_at=form.cleaned_data[VERSION_FIELD],
        )
    except ValidationError as exc:
        return _refused(request, recommendation_id, exc, complete_form=form)
    messages.success(request, "The recommendation is completed, with the evidence of its impact.")
    return _plan_url(request, recommendation_id)


@partnership_view()
@require_POST
def recommendation_close_completed(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = _recommendation(request, recommendation_id)
    form = VersionOnlyForm(request.POST, prefix="close")
    try:
        if not form.is_valid():
            raise ValidationError(form.non_field_errors())
        services.recommendation_close_completed(
            partnership=request.partnership,
            membership=request.membership,
            recommendation=recommendation,
            expected_updated_at=form.cleaned_data[VERSION_FIELD],
        )
    except ValidationError as exc:
        return _refused(request, recommendation_id, exc)
    messages.success(request, "The recommendation is closed.")
    return _plan_url(request, recommendation_id)


@partnership_view()
@require_POST
def recommendation_reopen(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    recommendation = _recommendation(request, recommendation_id)
    form = RecommendationReopenForm(request.POST, prefix="reopen")
    if not form.is_valid():
        return _render_plan(request, _plan_page(request, recommendation_id), status=REFUSED, reopen_form=form)
    try:
        services.recommendation_reopen(
            partnership=request.partnership,
            membership=request.membership,
            recommendation=recommendation,
            reason=form.cleaned_data["reason"],
            expected_updated_at=form.cleaned_data[VERSION_FIELD],
        )
    except ValidationError as exc:
        return _refused(request, recommendation_id, exc, reopen_form=form)
    messages.success(request, "The recommendation is in progress again.")
    return _plan_url(request, recommendation_id)


# --- Actions: adding, changing, ordering, removing ------------------------------------------------------


def _action_form_choices(request: HttpRequest) -> dict:
    return {
        "agencies": list(agency_choices(partnership=request.partnership)),
        "people": lead_person_choices(partnership=request.partnership),
    }


@partnership_view()
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, recommendation_id: int) -> HttpResponse:
    page = _plan_page(request, recommendation_id)
    if not page.can_shape:
        raise PermissionDenied("Only a business manager or the lead partner's lead adds actions to this plan.")
    if request.method == "POST":
        form = ActionForm(request.POST, **_action_form_choices(request))
        if form.is_valid():
            try:
                services.action_add(
                    partnership=request.partnership,
                    membership=request.membership,
                    recommendation=page.recommendation,
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The action is added to the plan.")
                return _plan_url(request, recommendation_id)
        status = REFUSED
    else:
        form = ActionForm(**_action_form_choices(request))
        status = 200
    context = {"page": page, "recommendation": page.recommendation, "form": form}
    return render(request, "partnership/action_plans/action_form.html", context, status=status)


@partnership_view()
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, action_id: int) -> HttpResponse:
    action = action_get(partnership=request.partnership, membership=request.membership, action_id=action_id)
    if not action.can_edit:
        raise PermissionDenied("Only a business manager or the lead partner's lead changes this plan's actions.")
    saved_version = None
    if request.method == "POST":
        form = ActionEditForm(request.POST, **_action_form_choices(request))
        if form.is_valid():
            try:
                services.action_edit(
                    partnership=request.partnership,
                    membership=request.membership,
                    action=action,
                    expected_updated_at=form.cleaned_data[VERSION_FIELD],
                    **form.service_kwargs(),
                )
            except ValidationError as exc:
                saved = action_get(partnership=request.partnership, membership=request.membership, action_id=action_id)
                if form.add_refusal(exc, saved=saved):
                    saved_version = saved
            else:
                messages.success(request, "The action is changed.")
                return _plan_url(request, action.plan.recommendation_id)
        status = REFUSED
    else:
        initial = {
            "what": action.what,
            "lead_agency": action.lead_agency_id,
            "lead_person": action.lead_person_id,
            "due_on": action.due_on,
            "measure_of_success": action.measure_of_success,
            **versioned_initial(action),
        }
        form = ActionEditForm(initial=initial, **_action_form_choices(request))
        status = 200
    context = {
        "action": action,
        "recommendation": action.plan.recommendation,
        "form": form,
        "saved_version": saved_version,
    }
    return render(request, "partnership/action_plans/action_form.html", context, status=status)


@partnership_view()
@require_POST
def action_remove(request: HttpRequest, action_id: int) -> HttpResponse:
    action = action_get(partnership=request.partnership, membership=request.membership, action_id=action_id)
    recommendation_id = action.plan.recommendation_id
    form = VersionOnlyForm(request.POST, prefix="remove")
    try:
        if not form.is_valid():
            raise ValidationError(form.non_field_errors())
        services.action_remove(
            partnership=request.partnership,
            membership=request.membership,
            action=action,
            expected_updated_at=form.cleaned_data[VERSION_FIELD],
        )
    except ValidationError as exc:
        return _refused(request, recommendation_id, exc)
    messages.success(request, "The action is removed from the plan.")
    return _plan_url(request, recommendation_id)


@partnership_view()
@require_POST
def action_move(request: HttpRequest, action_id: int) -> HttpResponse:
    """Move an action one place up or down: the whole new order goes to the service."""
    action = action_get(partnership=request.partnership, membership=request.membership, action_id=action_id)
    recommendation_id = action.plan.recommendation_id
    order = plan_action_order(partnership=request.partnership, plan_id=action.plan_id)
    index = order.index(action.pk)
    step = -1 if request.POST.get("direction") == "up" else 1
    if 0 <= index + step < len(order):
        order[index], order[index + step] = order[index + step], order[index]
    try:
        services.action_plan_reorder(
            partnership=request.partnership,
            membership=request.membership,
            recommendation=action.plan.recommendation,
            action_ids=order,
        )
    except ValidationError as exc:
        return _refused(request, recommendation_id, exc)
    return _plan_url(request, recommendation_id)


# --- One action: progress, evidence, completion ---------------------------------------------------------


def _render_action(
    request: HttpRequest,
    action: Action,
    *,
    update_form: ActionUpdateForm | None = None,
    complete_form: ActionCompleteForm | None = None,
    saved_version: Action | None = None,
    status: int = 200,
) -> HttpResponse:
    versioned = versioned_initial(action)
    context = {
        "action": action,
        "recommendation": action.plan.recommendation,
        "recommendation_link": _recommendation_link(action.plan.recommendation),
        "updates": action_updates(partnership=request.partnership, action=action),
        "update_form": update_form or ActionUpdateForm(initial={"on": timezone.localdate(), **versioned}),
        "complete_form": complete_form or ActionCompleteForm(initial=versioned, prefix="complete"),
        "remove_form": VersionOnlyForm(initial=versioned, prefix="remove"),
        "saved_version": saved_version,
        "history": history_rows_for_object(partnership=request.partnership, obj=action, limit=50),
        "today": timezone.localdate(),
    }
    return render(request, "partnership/action_plans/action.html", context, status=status)


@partnership_view()
@require_http_methods(["GET", "POST"])
def action_detail(request: HttpRequest, action_id: int) -> HttpResponse:
    """The action, its progress and evidence; POST records progress (only those who may update it)."""
    action = action_get(partnership=request.partnership, membership=request.membership, action_id=action_id)
    if request.method == "GET":
        return _render_action(request, action)
    if not action.can_update:
        raise PermissionDenied("Your role does not include recording progress on this action.")
    form = ActionUpdateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.action_update_record(
                partnership=request.partnership,
                membership=request.membership,
                action=action,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                rag=form.cleaned_data["rag"],
                evidence=form.cleaned_data["evidence"],
                expected_updated_at=form.cleaned_data[VERSION_FIELD],
            )
        except ValidationError as exc:
            saved = action_get(partnership=request.partnership, membership=request.membership, action_id=action_id)
            stale = form.add_refusal(exc, saved=saved)
            return _render_action(
                request, saved, update_form=form, saved_version=saved if stale else None, status=REFUSED
            )
        messages.success(request, "Your progress update is recorded.")
        return _action_url(request, action_id)
    return _render_action(request, action, update_form=form, status=REFUSED)


@partnership_view()
@require_POST
def action_complete(request: HttpRequest, action_id: int) -> HttpResponse:
    action = action_get(partnership=request.partnership, membership=request.membership, action_id=action_id)
    form = ActionCompleteForm(request.POST, prefix="complete")
    if form.is_valid():
        try:
            services.action_complete(
                partnership=request.partnership,
                membership=request.membership,
                action=action,
                note=form.cleaned_data["note"],
                expected_updated_at=form.cleaned_data[VERSION_FIELD],
            )
        except ValidationError as exc:
            saved = action_get(partnership=request.partnership, membership=request.membership, action_id=action_id)
            stale = form.add_refusal(exc, saved=saved)
            return _render_action(
                request, saved, complete_form=form, saved_version=saved if stale else None, status=REFUSED
            )
        messages.success(request, "The action is complete.")
        return _action_url(request, action_id)
    return _render_action(request, action, complete_form=form, status=REFUSED)


@partnership_view()
@require_GET
def action_evidence_download(request: HttpRequest, action_id: int, file_id: int) -> HttpResponse:
    """An evidence file, as a download only (never inline), for those who may see the action."""
    stored = action_evidence_get(
        partnership=request.partnership, membership=request.membership, action_id=action_id, file_id=file_id
    )
    return stored_file_response(stored)


# --- The board's progress reports ----------------------------------------------------------------------


@partnership_view()
@require_http_methods(["GET", "POST"])
def progress_report_list_view(request: HttpRequest) -> HttpResponse:
    reports = progress_report_list(partnership=request.partnership, membership=request.membership)
    can_create = progress_reports_creatable_by(request.membership)
    form = None
    status = 200
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied("Only a business manager makes the board's progress report.")
        form = ProgressReportForm(request.POST)
        if form.is_valid():
            try:
                report, _version = progress_report_create(
                    partnership=request.partnership,
                    membership=request.membership,
                    title=form.cleaned_data["title"],
                    as_of=form.cleaned_data["as_of"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "The report is being made: its PDF is rendered in the background.")
                return redirect(
                    "partnership:progress_report_detail", slug=request.partnership.slug, report_id=report.pk
                )
        status = REFUSED
    elif can_create:
        today = timezone.localdate()
        form = ProgressReportForm(initial={"as_of": today, "title": f"Progress report to the board, {today:%B %Y}"})
    # A page at a time: a report to every board meeting, kept for good (issue 13); the first 50 alone hid the rest.
    page = OneQueryPaginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"reports": page.object_list, "page": page, "form": form}
    return render(request, "partnership/action_plans/progress_reports.html", context, status=status)


@partnership_view()
@require_GET
def progress_report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = progress_report_get(partnership=request.partnership, membership=request.membership, report_id=report_id)
    documents = documents_for_subject(partnership=request.partnership, subject=report, membership=request.membership)
    context = {
        "report": report,
        "pdf": next((d.latest for d in documents if d.latest is not None), None),
        "docx": progress_report_docx_file(partnership=request.partnership, report=report),
    }
    return render(request, "partnership/action_plans/progress_report.html", context)


@partnership_view()
@require_GET
def progress_report_docx(request: HttpRequest, report_id: int) -> HttpResponse:
    report = progress_report_get(partnership=request.partnership, membership=request.membership, report_id=report_id)
    stored = progress_report_docx_file(partnership=request.partnership, report=report, with_data=True)
    if stored is None:
        raise Http404("This report has no Word copy.")
    return stored_file_response(stored)
