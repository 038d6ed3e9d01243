"""Pages of the scrutineer's annual plan under /p/<slug>/scrutiny/plan/: the plans by reporting year, a plan's
activities by quarter and theme, and an activity with its findings, evidence and recommendations.

Leadership reads; the independent scrutineer writes (it is their plan). Each action is a form → one service → a
message → a redirect; a refusal draws the page again with the form's errors beside the fields (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.views.actions import form_status
from scrutiny.forms.plan import (
    ActivityEditForm,
    ActivityForm,
    ActivityMoveForm,
    EvidenceForm,
    PlanMoveForm,
    PlanStartForm,
    RecommendationForm,
)
from scrutiny.selectors import plan as selectors
from scrutiny.selectors.plan import PLAN_READ_ROLES, PLAN_WRITE_ROLES, ActivityState
from scrutiny.services import plan as services

READERS = sorted(PLAN_READ_ROLES)
WRITERS = sorted(PLAN_WRITE_ROLES)


def _writes(request: HttpRequest) -> bool:
    return request.membership.has_role(*PLAN_WRITE_ROLES)


def _render_plans(request: HttpRequest, form: PlanStartForm | None = None) -> HttpResponse:
    years = selectors.plan_year_choices(today=timezone.localdate())
    context = {"plans": list(selectors.scrutiny_plans(partnership=request.partnership)), "writes": _writes(request)}
    if context["writes"]:
        context["form"] = form or PlanStartForm(years=years)
    return render(request, "scrutiny/plan/list.html", context, status=form_status(form))


@partnership_view(roles=READERS)
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    return _render_plans(request)


@partnership_view(roles=WRITERS)
@require_POST
def plan_start(request: HttpRequest) -> HttpResponse:
    form = PlanStartForm(request.POST, years=selectors.plan_year_choices(today=timezone.localdate()))
    if form.is_valid():
        try:
            plan = services.scrutiny_plan_create(
                partnership=request.partnership, actor=request.user, year=form.cleaned_data["year"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Started the scrutiny plan for {plan.label}.")
            return redirect("scrutiny:plan_detail", slug=request.partnership.slug, scrutiny_plan_id=plan.pk)
    return _render_plans(request, form)


def _render_plan(request: HttpRequest, plan, *, activity_form: ActivityForm | None = None) -> HttpResponse:
    page = selectors.scrutiny_plan_page(partnership=request.partnership, plan=plan)
    context = {"page": page, "plan": plan, "writes": _writes(request)}
    if context["writes"]:
        themes = selectors.theme_choices(partnership=request.partnership)
        context["activity_form"] = activity_form or ActivityForm(themes=themes)
        context["move_form"] = PlanMoveForm(initial=versioned_initial(plan))
    return render(request, "scrutiny/plan/detail.html", context, status=form_status(activity_form))


@partnership_view(roles=READERS)
@require_GET
def plan_detail(request: HttpRequest, scrutiny_plan_id: int) -> HttpResponse:
    return _render_plan(request, selectors.scrutiny_plan_get(partnership=request.partnership, plan_id=scrutiny_plan_id))


@partnership_view(roles=WRITERS)
@require_POST
def plan_move(request: HttpRequest, scrutiny_plan_id: int) -> HttpResponse:
    plan = selectors.scrutiny_plan_get(partnership=request.partnership, plan_id=scrutiny_plan_id)
    form = PlanMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or "Choose agreed or draft.")
    else:
        try:
            services.scrutiny_plan_move(
                partnership=request.partnership,
                actor=request.user,
                plan=plan,
                to=form.cleaned_data["to"],
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"The plan is now {plan.get_state_display().lower()}.")
    return redirect("scrutiny:plan_detail", slug=request.partnership.slug, scrutiny_plan_id=plan.pk)


@partnership_view(roles=WRITERS)
@require_POST
def activity_add(request: HttpRequest, scrutiny_plan_id: int) -> HttpResponse:
    plan = selectors.scrutiny_plan_get(partnership=request.partnership, plan_id=scrutiny_plan_id)
    form = ActivityForm(request.POST, themes=selectors.theme_choices(partnership=request.partnership))
    if form.is_valid():
        try:
            activity = services.plan_activity_create(
                partnership=request.partnership, actor=request.user, plan=plan, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added “{activity.title}” to the plan.")
            return redirect("scrutiny:plan_activity", slug=request.partnership.slug, plan_activity_id=activity.pk)
    return _render_plan(request, plan, activity_form=form)


def _activity(request: HttpRequest, plan_activity_id: int):
    return selectors.plan_activity_get(partnership=request.partnership, activity_id=plan_activity_id)


def _to_activity(request: HttpRequest, activity, anchor: str = "") -> HttpResponse:
    response = redirect("scrutiny:plan_activity", slug=request.partnership.slug, plan_activity_id=activity.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _edit_initial(activity) -> dict:
    return {
        "title": activity.title,
        "quarter": activity.quarter,
        "kind": activity.kind,
        "theme_id": activity.theme_id,
        "description": activity.description,
        "findings": activity.findings,
        **versioned_initial(activity),
    }


def _render_activity(request: HttpRequest, activity, **bound) -> HttpResponse:
    page = selectors.plan_activity_page(partnership=request.partnership, activity=activity)
    writes = _writes(request) and activity.state != ActivityState.DROPPED
    context = {"page": page, "activity": activity, "writes": writes, "saved_version": bound.get("saved_version")}
    if writes:
        themes = selectors.theme_choices(partnership=request.partnership)
        context.update(
            edit_form=bound.get("edit_form") or ActivityEditForm(initial=_edit_initial(activity), themes=themes),
            move_form=bound.get("move_form") or ActivityMoveForm(initial=versioned_initial(activity)),
            evidence_form=bound.get("evidence_form") or EvidenceForm(),
            recommendation_form=bound.get("recommendation_form") or RecommendationForm(),
        )
    forms_drawn = [f for k, f in bound.items() if k.endswith("_form")]
    return render(request, "scrutiny/plan/activity.html", context, status=form_status(*forms_drawn))


@partnership_view(roles=READERS)
@require_http_methods(["GET", "POST"])
def activity_detail(request: HttpRequest, plan_activity_id: int) -> HttpResponse:
    """The activity; a POST (the scrutineer only) changes it and its findings."""
    activity = _activity(request, plan_activity_id)
    if request.method == "GET":
        return _render_activity(request, activity)
    if not _writes(request):
        raise PermissionDenied("Only the independent scrutineer changes the plan.")
    form = ActivityEditForm(request.POST, themes=selectors.theme_choices(partnership=request.partnership))
    saved_version = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("expected_updated_at")
        try:
            services.plan_activity_update(
                partnership=request.partnership,
                actor=request.user,
                activity=activity,
                expected_updated_at=expected,
                **data,
            )
        except ValidationError as exc:
            saved = _activity(request, plan_activity_id)
            if form.add_refusal(exc, saved=saved):
                saved_version = saved
        else:
            messages.success(request, "Saved the activity and its findings.")
            return _to_activity(request, activity, "findings")
    return _render_activity(request, activity, edit_form=form, saved_version=saved_version)


@partnership_view(roles=WRITERS)
@require_POST
def activity_move(request: HttpRequest, plan_activity_id: int) -> HttpResponse:
    activity = _activity(request, plan_activity_id)
    form = ActivityMoveForm(request.POST)
    if form.is_valid():
        try:
            services.plan_activity_move(
                partnership=request.partnership,
                actor=request.user,
                activity=activity,
                to=form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The activity is now {activity.get_state_display().lower()}.")
            return _to_activity(request, activity)
    return _render_activity(request, activity, move_form=form)


@partnership_view(roles=WRITERS)
@require_POST
def evidence_add(request: HttpRequest, plan_activity_id: int) -> HttpResponse:
    activity = _activity(request, plan_activity_id)
    form = EvidenceForm(request.POST)
    if form.is_valid():
        try:
            services.evidence_link_add(
                partnership=request.partnership, actor=request.user, activity=activity, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Linked the record to the activity's evidence.")
            return _to_activity(request, activity, "evidence")
    return _render_activity(request, activity, evidence_form=form)


@partnership_view(roles=WRITERS)
@require_POST
def evidence_remove(request: HttpRequest, plan_activity_id: int, evidence_link_id: int) -> HttpResponse:
    activity = _activity(request, plan_activity_id)
    link = selectors.evidence_link_get(partnership=request.partnership, activity=activity, link_id=evidence_link_id)
    services.evidence_link_remove(partnership=request.partnership, actor=request.user, link=link)
    messages.success(request, "Took the record off the activity's evidence (the record itself stays).")
    return _to_activity(request, activity, "evidence")


@partnership_view(roles=WRITERS)
@require_POST
def recommendation_raise(request: HttpRequest, plan_activity_id: int) -> HttpResponse:
    activity = _activity(request, plan_activity_id)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            recommendation = services.plan_activity_recommendation_raise(
                partnership=request.partnership, actor=request.user, activity=activity, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Drafted {recommendation.reference} for the partners' sign-off.")
            return _to_activity(request, activity, "recommendations")
    return _render_activity(request, activity, recommendation_form=form)
