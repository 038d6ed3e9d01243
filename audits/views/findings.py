"""The findings page of a case audit: grade distributions, strengths and areas by theme, the PDF, raising.

Read by those who read case audits (the scrutineer included), who may each ask
for the findings summary PDF: it carries what the page shows (cases by their
pseudonymised reference) and changes nothing of the round. The business
managers record findings and raise them as recommendations in one step.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from audits.forms.findings import FindingForm, RaiseForm
from audits.selectors import findings as selectors
from audits.selectors.rounds import ROUND_MANAGE_ROLES, ROUND_READ_ROLES, audit_round_get, theme_choices
from audits.services import findings as services
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.kept_pages import render_kept
from partnership.views.actions import form_status

WORDS_KEYS = ("overall-strengths", "overall-improvements")


def _to_findings(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect("audits:round_findings", slug=request.partnership.slug, audit_round_id=pk)


def _render(request: HttpRequest, audit_round, *, finding_form=None, raise_form=None) -> HttpResponse:
    # Grades, findings and practitioners' words change only with the partnership's records: the body is kept for its
    # reader (partnership.kept_pages); drawn afresh with a posted form's errors.
    return render_kept(
        request,
        "audits/rounds/findings.html",
        body_template="audits/rounds/_findings_body.html",
        context=lambda: _findings_context(request, audit_round, finding_form=finding_form, raise_form=raise_form),
        page_context={"audit_round": audit_round, "finding_form": finding_form, "raise_form": raise_form},
        status=lambda _context: form_status(finding_form, raise_form),
    )


def _findings_context(request: HttpRequest, audit_round, *, finding_form, raise_form) -> dict:
    p = request.partnership
    manages = request.membership.has_role(*ROUND_MANAGE_ROLES)
    themes = selectors.findings_by_theme(partnership=p, audit_round=audit_round)
    # The ones not raised yet, from the same rows (no query of their own).
    open_findings = (
        [f for g in themes for f in (*g.strengths, *g.improvements) if f.recommendation_id is None] if manages else []
    )
    context = {
        "audit_round": audit_round,
        "distributions": selectors.grade_distributions(partnership=p, audit_round=audit_round),
        "themes": themes,
        "words": selectors.practitioners_words(partnership=p, audit_round=audit_round, keys=WORDS_KEYS),
        "manages": manages,
        "finding_form": finding_form or (FindingForm(themes=theme_choices(partnership=p)) if manages else None),
        "raise_form": raise_form or (RaiseForm(findings=open_findings) if manages and open_findings else None),
    }
    return context


@partnership_view(roles=ROUND_READ_ROLES)
@require_GET
def round_findings(request: HttpRequest, audit_round_id: int) -> HttpResponse:
    return _render(request, audit_round_get(partnership=request.partnership, pk=audit_round_id))


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def finding_add(request: HttpRequest, audit_round_id: int) -> HttpResponse:
    audit_round = audit_round_get(partnership=request.partnership, pk=audit_round_id)
    form = FindingForm(request.POST, themes=theme_choices(partnership=request.partnership))
    if form.is_valid():
        try:
            services.audit_finding_add(
                partnership=request.partnership, actor=request.user, audit_round=audit_round, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Recorded the finding.")
            return _to_findings(request, audit_round.pk)
    return _render(request, audit_round, finding_form=form)


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def finding_remove(request: HttpRequest, audit_round_id: int, audit_finding_id: int) -> HttpResponse:
    audit_round = audit_round_get(partnership=request.partnership, pk=audit_round_id)
    finding = selectors.audit_finding_get(partnership=request.partnership, audit_round=audit_round, pk=audit_finding_id)
    try:
        services.audit_finding_remove(partnership=request.partnership, actor=request.user, finding=finding)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Removed the finding.")
    return _to_findings(request, audit_round.pk)


@partnership_view(roles=ROUND_MANAGE_ROLES)
@require_POST
def findings_raise(request: HttpRequest, audit_round_id: int) -> HttpResponse:
    audit_round = audit_round_get(partnership=request.partnership, pk=audit_round_id)
    findings = list(selectors.findings_open(partnership=request.partnership, audit_round=audit_round))
    form = RaiseForm(request.POST, findings=findings)
    if form.is_valid():
        try:
            raised = services.audit_findings_raise(
                partnership=request.partnership, actor=request.user, audit_round=audit_round, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Raised {len(raised)} finding{'' if len(raised) == 1 else 's'} as draft recommendations."
            )
            return _to_findings(request, audit_round.pk)
    return _render(request, audit_round, raise_form=form)


@partnership_view(roles=ROUND_READ_ROLES)
@require_POST
def findings_pdf(request: HttpRequest, audit_round_id: int) -> HttpResponse:
    audit_round = audit_round_get(partnership=request.partnership, pk=audit_round_id)
    version = services.audit_findings_pdf_request(
        partnership=request.partnership, actor=request.user, audit_round=audit_round
    )
    return redirect("partnership:document_status", slug=request.partnership.slug, version_id=version.pk)
