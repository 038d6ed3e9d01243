"""Pages of professional disagreements under /p/<slug>/scrutiny/disagreements/: the list (by stage and state,
paginated), recording one, and one with its escalations, escalated or resolved from its page.

Read by leadership, the scrutineer and the agency leads; recorded by the business managers and agency leads; escalated
and resolved by them, or by the scrutineer once it reaches their stage (``scrutiny.services.disagreements``).
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
from partnership.selectors.pagination import OneQueryPaginator
from partnership.views.actions import form_status
from scrutiny.forms.plan import DisagreementFilterForm, DisagreementForm, EscalateForm, ResolveForm
from scrutiny.selectors import disagreements as selectors
from scrutiny.selectors.disagreements import (
    DISAGREEMENT_ACT_ROLES,
    DISAGREEMENT_READ_ROLES,
    DISAGREEMENT_RECORD_ROLES,
    STAGE_ORDER,
    DisagreementStage,
)
from scrutiny.services import disagreements as services

PER_PAGE = 25


@partnership_view(roles=sorted(DISAGREEMENT_READ_ROLES))
@require_GET
def disagreement_list(request: HttpRequest) -> HttpResponse:
    form = DisagreementFilterForm(request.GET)
    chosen = form.chosen()
    rows = selectors.disagreement_list(partnership=request.partnership, **chosen)
    page = OneQueryPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in chosen.items() if v)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "records": request.membership.has_role(*DISAGREEMENT_RECORD_ROLES),
    }
    return render(request, "scrutiny/disagreements/list.html", context)


@partnership_view(roles=sorted(DISAGREEMENT_RECORD_ROLES))
@require_http_methods(["GET", "POST"])
def disagreement_create(request: HttpRequest) -> HttpResponse:
    agencies = selectors.agency_choices(partnership=request.partnership)
    if request.method == "POST":
        form = DisagreementForm(request.POST, agencies=agencies)
        if form.is_valid():
            try:
                disagreement = services.disagreement_record(
                    partnership=request.partnership,
                    actor=request.user,
                    membership=request.membership,
                    today=timezone.localdate(),
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Recorded the disagreement at the practitioner stage.")
                return redirect(
                    "scrutiny:disagreement_detail", slug=request.partnership.slug, disagreement_id=disagreement.pk
                )
    else:
        initial = {"raised_on": timezone.localdate()}
        if not request.membership.has_role("business_manager"):
            initial["raised_by_agency_id"] = request.membership.agency_id
        form = DisagreementForm(initial=initial, agencies=agencies)
    return render(request, "scrutiny/disagreements/create.html", {"form": form}, status=form_status(form))


def _later_stages(disagreement) -> list[tuple[str, str]]:
    position = STAGE_ORDER.index(disagreement.stage)
    return [(s, label) for s, label in DisagreementStage.choices if STAGE_ORDER.index(s) > position]


def _render(request: HttpRequest, disagreement, **bound) -> HttpResponse:
    acts = (
        disagreement.state == disagreement.State.OPEN
        and request.membership.has_role(*DISAGREEMENT_ACT_ROLES)
        and services.disagreement_may_act(membership=request.membership, disagreement=disagreement)
    )
    context = {
        "disagreement": disagreement,
        "escalations": selectors.disagreement_escalations(partnership=request.partnership, disagreement=disagreement),
        "acts": acts,
    }
    if acts:
        today = timezone.localdate()
        stages = _later_stages(disagreement)
        version = versioned_initial(disagreement)
        # The scrutineer's stage is the last: there is nothing to escalate to from it.
        if stages:
            context["escalate_form"] = bound.get("escalate_form") or EscalateForm(
                initial={"escalated_on": today, **version}, stages=stages
            )
        context["resolve_form"] = bound.get("resolve_form") or ResolveForm(initial={"resolved_on": today, **version})
    forms_drawn = [f for k, f in bound.items() if k.endswith("_form")]
    return render(request, "scrutiny/disagreements/detail.html", context, status=form_status(*forms_drawn))


def _get(request: HttpRequest, disagreement_id: int):
    return selectors.disagreement_get(partnership=request.partnership, disagreement_id=disagreement_id)


@partnership_view(roles=sorted(DISAGREEMENT_READ_ROLES))
@require_GET
def disagreement_detail(request: HttpRequest, disagreement_id: int) -> HttpResponse:
    return _render(request, _get(request, disagreement_id))


def _attempt(request: HttpRequest, disagreement, form, call, *, success: str, key: str) -> HttpResponse:
    # Who may act is known before the form is read: at the scrutineer's stage nobody else may (403, not a 400).
    if not services.disagreement_may_act(membership=request.membership, disagreement=disagreement):
        raise PermissionDenied("You do not act on this disagreement at the stage it has reached.")
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            call(
                partnership=request.partnership,
                actor=request.user,
                membership=request.membership,
                disagreement=disagreement,
                today=timezone.localdate(),
                **data,
            )
        except ValidationError as exc:
            saved = _get(request, disagreement.pk)
            form.add_refusal(exc, saved=saved)
            disagreement = saved
        else:
            messages.success(request, success)
            return redirect(
                "scrutiny:disagreement_detail", slug=request.partnership.slug, disagreement_id=disagreement.pk
            )
    return _render(request, disagreement, **{key: form})


@partnership_view(roles=sorted(DISAGREEMENT_ACT_ROLES))
@require_POST
def disagreement_escalate(request: HttpRequest, disagreement_id: int) -> HttpResponse:
    disagreement = _get(request, disagreement_id)
    form = EscalateForm(request.POST, stages=_later_stages(disagreement))
    return _attempt(
        request,
        disagreement,
        form,
        services.disagreement_escalate,
        success="Escalated the disagreement.",
        key="escalate_form",
    )


@partnership_view(roles=sorted(DISAGREEMENT_ACT_ROLES))
@require_POST
def disagreement_resolve(request: HttpRequest, disagreement_id: int) -> HttpResponse:
    disagreement = _get(request, disagreement_id)
    form = ResolveForm(request.POST)
    return _attempt(
        request,
        disagreement,
        form,
        services.disagreement_resolve,
        success="Resolved the disagreement.",
        key="resolve_form",
    )
