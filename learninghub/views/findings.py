"""The findings page of a cycle: its commissioned case audits with their grades and findings, what the hub found
by learning theme, draft recommendations and their agreement, the success measures before and after, the report.

Leadership and the scrutineer read it; the business managers, who run the hub, write on it. Each action is a
form → one service → a message → a redirect; a refusal draws the page again with the form's errors (400).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from learninghub.forms.findings import (
    AuditCommissionForm,
    AuditLinkForm,
    DraftForm,
    DraftMoveForm,
    DraftsAgreeForm,
    FindingForm,
    MeasureForm,
    MeasureReviewForm,
    ReportForm,
)
from learninghub.selectors import findings as selectors
from learninghub.selectors.cycles import hub_cycle_get, hub_cycle_with_phases_get
from learninghub.selectors.findings import FINDINGS_MANAGE_ROLES, FINDINGS_READ_ROLES, FINDINGS_REPORT_KIND
from learninghub.services import findings as services
from learninghub.services import findings_report as report_services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.kept_pages import render_kept
from partnership.row_urls import link_each
from partnership.services.exports import export_request
from partnership.views.actions import form_status


def _to_findings(request: HttpRequest, pk: int, anchor: str = "") -> HttpResponse:
    response = redirect("learninghub:cycle_findings", slug=request.partnership.slug, hub_cycle_id=pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _cycle(request: HttpRequest, hub_cycle_id: int):
    return hub_cycle_get(partnership=request.partnership, cycle_id=hub_cycle_id)


def _choices(request: HttpRequest, cycle) -> selectors.FindingsChoices:
    return selectors.findings_choices(partnership=request.partnership, cycle=cycle)


def _render(request: HttpRequest, cycle, phases=None, **bound) -> HttpResponse:
    forms = {key: form for key, form in bound.items() if key.endswith("_form")}
    # Findings, drafts, measures and the audits' results change only with the partnership's records: the body is
    # kept for its reader (partnership.kept_pages); drawn afresh with a posted form's errors.
    return render_kept(
        request,
        "learninghub/findings/page.html",
        body_template="learninghub/findings/_page_body.html",
        context=lambda: _findings_context(request, cycle, phases, bound),
        page_context={"cycle": cycle, **forms},
        status=lambda _context: form_status(*forms.values()),
    )


def _findings_context(request: HttpRequest, cycle, phases, bound: dict) -> dict:
    p = request.partnership
    page = selectors.hub_findings_page(partnership=p, cycle=cycle, phases=phases)
    manages = request.membership.has_role(*FINDINGS_MANAGE_ROLES) and cycle.state == cycle.State.ACTIVE
    if manages:
        # Each finding and draft has its own form: the routes reversed once for the page, not once a row.
        ids = {"slug": p.slug, "hub_cycle_id": cycle.pk}
        findings = (finding for group in page.themes for finding in group.findings)
        link_each(findings, "learninghub:findings_remove", id_kwarg="hub_finding_id", attribute="remove_url", **ids)
        link_each(page.drafts, "learninghub:findings_draft_move", id_kwarg="hub_draft_id", attribute="move_url", **ids)
    context = {"cycle": cycle, "page": page, "manages": manages, "report_form": ReportForm()}
    if manages:
        choices = _choices(request, cycle)  # the lists of the three forms that offer them: one query
        context.update(
            commission_form=bound.get("commission_form")
            or AuditCommissionForm(versions=choices.versions, themes=choices.themes),
            link_form=bound.get("link_form") or AuditLinkForm(rounds=choices.rounds),
            finding_form=bound.get("finding_form") or FindingForm(themes=choices.themes),
            draft_form=bound.get("draft_form") or DraftForm(themes=choices.themes),
            agree_form=bound.get("agree_form") or DraftsAgreeForm(drafts=page.open_drafts),
            measure_form=bound.get("measure_form") or MeasureForm(),
            review_form=bound.get("review_form"),
            review_measure_id=bound.get("review_measure_id"),
            suggestions=selectors.success_measure_suggestions(cycle=cycle, measures=page.measures),
        )
    return context


def _attempt(request: HttpRequest, form, call, *, success: str) -> bool:
    """Run ``call(**cleaned_data)`` if the form is valid; service refusals land on the form. True when done."""
    if not form.is_valid():
        return False
    try:
        call(**form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, success)
    return True


@partnership_view(roles=FINDINGS_READ_ROLES)
@require_GET
def cycle_findings(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle, phases = hub_cycle_with_phases_get(partnership=request.partnership, cycle_id=hub_cycle_id)
    return _render(request, cycle, phases)


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def audit_commission(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    p = request.partnership
    choices = _choices(request, cycle)
    form = AuditCommissionForm(request.POST, versions=choices.versions, themes=choices.themes)
    common = {"partnership": p, "actor": request.user, "cycle": cycle}
    if _attempt(
        request,
        form,
        lambda **data: services.hub_audit_round_commission(**common, **data),
        success="Commissioned the case audit: set up its cases and returns in the audits.",
    ):
        return _to_findings(request, cycle.pk, "audits")
    return _render(request, cycle, commission_form=form)


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def audit_link(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    form = AuditLinkForm(request.POST, rounds=_choices(request, cycle).rounds)
    common = {"partnership": request.partnership, "actor": request.user, "cycle": cycle}
    if _attempt(
        request,
        form,
        lambda **data: services.hub_audit_round_link(**common, **data),
        success="Linked the case audit to the cycle.",
    ):
        return _to_findings(request, cycle.pk, "audits")
    return _render(request, cycle, link_form=form)


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def audit_unlink(request: HttpRequest, hub_cycle_id: int, hub_audit_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    link = selectors.hub_audit_link_get(partnership=request.partnership, cycle=cycle, link_id=hub_audit_id)
    try:
        services.hub_audit_round_unlink(partnership=request.partnership, actor=request.user, link=link)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Took the case audit off the cycle's findings (the audit itself stays).")
    return _to_findings(request, cycle.pk, "audits")


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def finding_add(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    form = FindingForm(request.POST, themes=_choices(request, cycle).themes)
    common = {"partnership": request.partnership, "actor": request.user, "cycle": cycle}
    if _attempt(
        request, form, lambda **data: services.hub_finding_add(**common, **data), success="Recorded the finding."
    ):
        return _to_findings(request, cycle.pk, "themes")
    return _render(request, cycle, finding_form=form)


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def finding_remove(request: HttpRequest, hub_cycle_id: int, hub_finding_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    finding = selectors.hub_finding_get(partnership=request.partnership, cycle=cycle, finding_id=hub_finding_id)
    try:
        services.hub_finding_remove(partnership=request.partnership, actor=request.user, finding=finding)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Removed the finding.")
    return _to_findings(request, cycle.pk, "themes")


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def draft_add(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    form = DraftForm(request.POST, themes=_choices(request, cycle).themes)
    common = {"partnership": request.partnership, "actor": request.user, "cycle": cycle}
    if _attempt(
        request,
        form,
        lambda **data: services.hub_draft_add(**common, **data),
        success="Drafted the recommendation for the hub to agree.",
    ):
        return _to_findings(request, cycle.pk, "drafts")
    return _render(request, cycle, draft_form=form)


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def draft_move(request: HttpRequest, hub_cycle_id: int, hub_draft_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    draft = selectors.hub_draft_get(partnership=request.partnership, cycle=cycle, draft_id=hub_draft_id)
    form = DraftMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to do with the draft.")
        return _to_findings(request, cycle.pk, "drafts")
    try:
        services.hub_draft_move(
            partnership=request.partnership, actor=request.user, draft=draft, to=form.cleaned_data["to"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The draft is {draft.get_state_display().lower()}.")
    return _to_findings(request, cycle.pk, "drafts")


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def drafts_agree(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    drafts = [
        d
        for d in selectors.hub_drafts(partnership=request.partnership, cycle=cycle)
        if d.state == selectors.DraftState.DRAFT
    ]
    form = DraftsAgreeForm(request.POST, drafts=drafts)
    common = {"partnership": request.partnership, "actor": request.user, "cycle": cycle}
    if _attempt(
        request,
        form,
        lambda **data: services.hub_drafts_agree(**common, **data),
        success="Agreed: the recommendations are with the three partners for sign-off.",
    ):
        return _to_findings(request, cycle.pk, "drafts")
    return _render(request, cycle, agree_form=form)


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def measure_add(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    form = MeasureForm(request.POST)
    common = {"partnership": request.partnership, "actor": request.user, "cycle": cycle}
    if _attempt(
        request,
        form,
        lambda **data: services.hub_measure_add(**common, **data),
        success="Recorded the success measure's value at the start.",
    ):
        return _to_findings(request, cycle.pk, "measures")
    return _render(request, cycle, measure_form=form)


@partnership_view(roles=FINDINGS_MANAGE_ROLES)
@require_POST
def measure_review(request: HttpRequest, hub_cycle_id: int, hub_measure_id: int) -> HttpResponse:
    cycle = _cycle(request, hub_cycle_id)
    measure = selectors.hub_measure_get(partnership=request.partnership, cycle=cycle, measure_id=hub_measure_id)
    form = MeasureReviewForm(request.POST, prefix=f"review-{measure.pk}")
    common = {"partnership": request.partnership, "actor": request.user, "measure": measure}
    if _attempt(
        request,
        form,
        lambda **data: services.hub_measure_review(**common, **data),
        success=f"Recorded “{measure.name}” at the impact review.",
    ):
        return _to_findings(request, cycle.pk, "measures")
    return _render(request, cycle, review_form=form, review_measure_id=measure.pk)


@partnership_view(roles=FINDINGS_READ_ROLES)
@require_POST
def findings_report(request: HttpRequest, hub_cycle_id: int) -> HttpResponse:
    """Ask the worker for the report: the PDF (the documents engine) or the DOCX (the exports engine)."""
    cycle = _cycle(request, hub_cycle_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose PDF or Word.")
        return _to_findings(request, cycle.pk)
    slug = request.partnership.slug
    if form.cleaned_data["format"] == "pdf":
        version = report_services.hub_findings_pdf_request(
            partnership=request.partnership, actor=request.user, cycle=cycle
        )
        return redirect("partnership:document_status", slug=slug, version_id=version.pk)
    job = export_request(
        partnership=request.partnership,
        membership=request.membership,
        kind=FINDINGS_REPORT_KIND,
        data={"cycle": cycle.pk},
    )
    return redirect("partnership:export_status", slug=slug, job_id=job.pk)
