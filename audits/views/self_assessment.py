"""Section 11 and s175 pages: cycles (launch, the returns of one), a return (answer, submit, sign, send back),
one standard (evidence, actions for a gap), and the returns a member answers."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audits.forms.exports import MatrixExportForm
from audits.forms.self_assessment import (
    CycleForm,
    EvidenceForm,
    GapActionForm,
    MatrixFilterForm,
    ReturnAnswersForm,
    ReturnFilterForm,
    SendBackForm,
    SignForm,
)
from audits.selectors import compliance_matrix as matrix_selectors
from audits.selectors import self_assessment as selectors
from audits.selectors.access import ANY_MEMBER, CYCLE_MANAGERS, CYCLE_READERS, MODERATORS
from audits.selectors.cycle_exports import CYCLE_RETURNS_KIND, MATRIX_KIND
from audits.selectors.templates import template_version_by_id
from audits.services import self_assessment as services
from audits.services.self_assessment_summary import return_summary_pdf_request
from partnership.access import partnership_view
from partnership.forms.base import add_service_errors
from partnership.kept_pages import render_kept
from partnership.row_urls import link_each
from partnership.selectors import history_rows_for_object
from partnership.selectors.documents import documents_for_subject
from partnership.selectors.pagination import OneQueryPaginator
from partnership.services.exports import export_request
from partnership.services.files import stored_file_response
from partnership.views.actions import REFUSED, form_action, form_status

RETURNS_PER_PAGE = 25
CYCLES_PER_PAGE = 25


# --- Cycles -----------------------------------------------------------------------------------


@partnership_view(roles=CYCLE_READERS)
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    def context() -> dict:
        # A page at a time: two cycles a year (section 11 and s175), kept for good (issue 13).
        page = OneQueryPaginator(selectors.cycle_list(partnership=request.partnership), CYCLES_PER_PAGE).get_page(
            request.GET.get("page")
        )
        return {"cycles": page.object_list, "page": page, "can_manage": selectors.can_manage_cycles(request.membership)}

    # The cycles and their returns' counts change only with the partnership's records: the body is kept for its
    # reader and page (partnership.kept_pages).
    return render_kept(
        request,
        "audits/self_assessment/cycle_list.html",
        body_template="audits/self_assessment/_cycle_list_body.html",
        context=context,
    )


@partnership_view(roles=CYCLE_MANAGERS)
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    partnership = request.partnership
    versions = selectors.published_self_assessment_versions(partnership=partnership)
    form = CycleForm(request.POST if request.method == "POST" else None, versions=versions)

    def launch(data: dict) -> services.LaunchResult:
        try:
            version = template_version_by_id(partnership=partnership, pk=data["version"])
        except Http404 as exc:  # another partnership's version is as missing: a field error
            raise ValidationError({"version": ["Choose a template from the list."]}) from exc
        return services.cycle_launch(
            partnership=partnership,
            actor=request.user,
            version=version,
            year=data["year"],
            opens_on=data["opens_on"],
            due_on=data["due_on"],
            title=data["title"],
        )

    if done := form_action(
        request,
        form,
        launch,
        message=lambda r: (
            f"Launched {r.cycle.title}: {r.returns} returns, {r.invitations} invitations sent, "
            f"{r.carried_forward} started from last cycle's answers."
        ),
        success=lambda r: redirect("audits:cycle_detail", slug=partnership.slug, cycle_id=r.cycle.pk),
    ):
        return done
    return render(
        request,
        "audits/self_assessment/cycle_create.html",
        {"form": form, "has_versions": bool(versions)},
        status=form_status(form),
    )


@partnership_view(roles=CYCLE_READERS)
@require_GET
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    partnership = request.partnership
    cycle = selectors.cycle_get(partnership=partnership, cycle_id=cycle_id)

    def context() -> dict:
        filters = ReturnFilterForm(request.GET)
        state, query = ("", "")
        if filters.is_valid():
            state, query = filters.cleaned_data["state"], filters.cleaned_data["q"]
        returns = selectors.cycle_returns(partnership=partnership, cycle=cycle, state=state, search=query)
        page = Paginator(returns, RETURNS_PER_PAGE).get_page(request.GET.get("page"))
        link_each(page.object_list, "audits:sa_return_detail", id_kwarg="return_id", slug=partnership.slug)
        return {
            "cycle": cycle,
            "page": page,
            "filters": filters,
            "counts": selectors.cycle_state_counts(partnership=partnership, cycle=cycle),
            "standard_count": cycle.version.sections.count(),
        }

    # The returns and their counts change only with the partnership's records: the body is kept for its reader and
    # filters (partnership.kept_pages).
    return render_kept(
        request,
        "audits/self_assessment/cycle_detail.html",
        body_template="audits/self_assessment/_cycle_detail_body.html",
        context=context,
        page_context={"cycle": cycle},
    )


@partnership_view(roles=ANY_MEMBER)
@require_GET
def my_returns(request: HttpRequest) -> HttpResponse:
    returns = selectors.returns_for_member(partnership=request.partnership, membership=request.membership)
    page = Paginator(returns, RETURNS_PER_PAGE).get_page(request.GET.get("page"))
    link_each(page.object_list, "audits:sa_return_detail", id_kwarg="return_id", slug=request.partnership.slug)
    return render(request, "audits/self_assessment/my_returns.html", {"page": page})


# --- A return ---------------------------------------------------------------------------------


def _return_page(
    request: HttpRequest,
    assessment_return,
    *,
    answers_form: ReturnAnswersForm | None = None,
    sign_form: SignForm | None = None,
    send_back_form: SendBackForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    # The answers, signatures, history and summary PDFs change only with the partnership's records: the body is kept
    # for its reader (partnership.kept_pages), whose rights decide its forms; drawn afresh with what was posted.
    return render_kept(
        request,
        "audits/self_assessment/return_detail.html",
        body_template="audits/self_assessment/_return_detail_body.html",
        context=lambda: _return_context(
            request,
            assessment_return,
            answers_form=answers_form,
            sign_form=sign_form,
            send_back_form=send_back_form,
            problems=problems,
        ),
        page_context={
            "ret": assessment_return,
            "problems": problems,
            "answers_form": answers_form,
            "sign_form": sign_form,
            "send_back_form": send_back_form,
        },
        status=lambda _context: status,
    )


def _return_context(request: HttpRequest, assessment_return, *, answers_form, sign_form, send_back_form, problems):
    partnership, membership = request.partnership, request.membership
    standards = selectors.return_standards(partnership=partnership, assessment_return=assessment_return)
    # Each standard links to its evidence and actions: the route reversed once for the return, not once a standard.
    link_each(
        standards,
        "audits:standard_detail",
        id_kwarg="standard_id",
        id_of=lambda view: view.standard.pk,
        slug=partnership.slug,
        return_id=assessment_return.pk,
    )
    can_answer = selectors.return_answerable_by(membership=membership, assessment_return=assessment_return)
    if answers_form is None and can_answer and assessment_return.is_editable:
        answers_form = ReturnAnswersForm(
            initial={"edit_version": assessment_return.edit_version, "intent": "save"}, standards=standards
        )
    awaiting = assessment_return.state == assessment_return.State.AWAITING_SIGNATURES
    if sign_form is None and can_answer and awaiting:
        sign_form = SignForm(initial={"edit_version": assessment_return.edit_version})
    can_send_back = selectors.can_manage_cycles(membership) and not assessment_return.is_editable
    if send_back_form is None and can_send_back:
        send_back_form = SendBackForm()
    return {
        "ret": assessment_return,
        "standards": standards,
        "can_answer": can_answer,
        "answers_form": answers_form,
        "sign_form": sign_form,
        "send_back_form": send_back_form,
        "problems": problems or [],
        "can_moderate": membership.has_role(*MODERATORS)
        and assessment_return.state in (assessment_return.State.SUBMITTED, assessment_return.State.MODERATED),
        "history": history_rows_for_object(partnership=partnership, obj=assessment_return),
        # The summary PDFs made so far (their latest version: its state, and its download once ready).
        "documents": documents_for_subject(partnership=partnership, subject=assessment_return, membership=membership),
        "matrix_link": matrix_selectors.matrix_shows_agency(
            membership=membership, agency_id=assessment_return.agency_id
        ),
    }


@partnership_view(roles=ANY_MEMBER)
@require_http_methods(["GET", "POST"])
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    partnership, membership = request.partnership, request.membership
    assessment_return = selectors.return_get(partnership=partnership, membership=membership, return_id=return_id)
    if request.method != "POST":
        return _return_page(request, assessment_return)
    if not selectors.return_answerable_by(membership=membership, assessment_return=assessment_return):
        raise PermissionDenied(services.NOT_YOURS)
    standards = selectors.return_standards(partnership=partnership, assessment_return=assessment_return)
    form = ReturnAnswersForm(request.POST, standards=standards)
    if not form.is_valid():
        return _return_page(request, assessment_return, answers_form=form, status=REFUSED)
    data = form.cleaned_data
    try:
        saved = services.return_save(
            partnership=partnership,
            membership=membership,
            assessment_return=assessment_return,
            answers=form.answers(),
            expected_version=data["edit_version"],
        )
        if data["intent"] == "submit":
            saved = services.return_submit(
                partnership=partnership, membership=membership, assessment_return=saved, expected_version=None
            )
    except ValidationError as exc:
        if getattr(exc, "code", None) == "incomplete":
            # The answers were saved; what is missing is listed above the form drawn from the saved return.
            fresh = selectors.return_get(partnership=partnership, membership=membership, return_id=return_id)
            messages.info(request, "Your answers were saved, but the return cannot be submitted yet.")
            return _return_page(request, fresh, problems=exc.messages, status=REFUSED)
        if getattr(exc, "code", None) == "stale":
            # Nothing was saved: the page shows the return as saved now, the refusal at the top.
            fresh = selectors.return_get(partnership=partnership, membership=membership, return_id=return_id)
            return _return_page(request, fresh, problems=exc.messages, status=REFUSED)
        add_service_errors(form, exc)
        return _return_page(request, assessment_return, answers_form=form, status=REFUSED)
    if saved.state == saved.State.DRAFT:
        messages.success(request, "Saved your answers as a draft.")
    elif saved.state == saved.State.AWAITING_SIGNATURES:
        messages.success(request, "The return is ready for the head's and the nominated governor's signatures.")
    else:
        messages.success(request, "Submitted the return. Thank you.")
    return redirect("audits:sa_return_detail", slug=partnership.slug, return_id=saved.pk)


@partnership_view(roles=ANY_MEMBER)
@require_POST
def return_sign(request: HttpRequest, return_id: int) -> HttpResponse:
    partnership, membership = request.partnership, request.membership
    assessment_return = selectors.return_get(partnership=partnership, membership=membership, return_id=return_id)
    form = SignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            signed = services.return_sign(
                partnership=partnership,
                membership=membership,
                assessment_return=assessment_return,
                signer=data["signer"],
                name=data["name"],
                confirmed=data["confirmed"],
                expected_version=data["edit_version"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "not_allowed":
                raise PermissionDenied(services.NOT_YOURS) from exc
            add_service_errors(form, exc)
        else:
            messages.success(
                request, "Submitted the return." if signed.state == signed.State.SUBMITTED else "Signature recorded."
            )
            return redirect("audits:sa_return_detail", slug=partnership.slug, return_id=signed.pk)
    return _return_page(request, assessment_return, sign_form=form, status=REFUSED)


@partnership_view(roles=CYCLE_MANAGERS)
@require_POST
def return_send_back(request: HttpRequest, return_id: int) -> HttpResponse:
    partnership = request.partnership
    assessment_return = selectors.return_get(
        partnership=partnership, membership=request.membership, return_id=return_id
    )
    form = SendBackForm(request.POST)
    if done := form_action(
        request,
        form,
        lambda data: services.return_send_back(
            partnership=partnership, actor=request.user, assessment_return=assessment_return, reason=data["reason"]
        ),
        message="Sent the return back to its agency.",
        success=lambda r: redirect("audits:sa_return_detail", slug=partnership.slug, return_id=r.pk),
    ):
        return done
    return _return_page(request, assessment_return, send_back_form=form, status=REFUSED)


# Whoever may read the return may ask for its summary PDF (return_get answers 404 to anyone else).
@partnership_view(roles=ANY_MEMBER)
@require_POST
def return_summary_pdf(request: HttpRequest, return_id: int) -> HttpResponse:
    partnership, membership = request.partnership, request.membership
    assessment_return = selectors.return_get(partnership=partnership, membership=membership, return_id=return_id)
    version = return_summary_pdf_request(
        partnership=partnership, membership=membership, assessment_return=assessment_return
    )
    return redirect("partnership:document_status", slug=partnership.slug, version_id=version.pk)


# --- One standard: evidence and actions ---------------------------------------------------------


def _standard_page(request, assessment_return, standard, *, action_form=None, evidence_form=None, status=200):
    # The standard's answer, evidence and actions change only with the partnership's records: the body is kept for its
    # reader (partnership.kept_pages), with the standard's section for the title; drawn afresh with what was posted.
    return render_kept(
        request,
        "audits/self_assessment/standard_detail.html",
        body_template="audits/self_assessment/_standard_detail_body.html",
        context=lambda: _standard_context(
            request, assessment_return, standard, action_form=action_form, evidence_form=evidence_form
        ),
        page_context={"ret": assessment_return, "action_form": action_form, "evidence_form": evidence_form},
        status=lambda _context: status,
        page_context_of=lambda values: {"view": values["view"]},
    )


def _standard_context(request, assessment_return, standard, *, action_form, evidence_form) -> dict:
    partnership = request.partnership
    view = next(
        v
        for v in selectors.return_standards(partnership=partnership, assessment_return=assessment_return)
        if v.standard.pk == standard.pk
    )
    can_change = assessment_return.is_editable and selectors.return_answerable_by(
        membership=request.membership, assessment_return=assessment_return
    )
    return {
        "ret": assessment_return,
        "view": view,
        "can_change": can_change,
        "action_form": action_form or (GapActionForm() if can_change else None),
        "evidence_form": evidence_form or (EvidenceForm() if can_change else None),
    }


@partnership_view(roles=ANY_MEMBER)
@require_http_methods(["GET", "POST"])
def standard_detail(request: HttpRequest, return_id: int, standard_id: int) -> HttpResponse:
    partnership, membership = request.partnership, request.membership
    assessment_return = selectors.return_get(partnership=partnership, membership=membership, return_id=return_id)
    standard = selectors.return_standard_get(
        partnership=partnership, assessment_return=assessment_return, standard_id=standard_id
    )
    if request.method != "POST":
        return _standard_page(request, assessment_return, standard)
    if not selectors.return_answerable_by(membership=membership, assessment_return=assessment_return):
        raise PermissionDenied(services.NOT_YOURS)
    back = redirect(
        "audits:standard_detail", slug=partnership.slug, return_id=assessment_return.pk, standard_id=standard.pk
    )
    if request.POST.get("form") == "evidence":
        form = EvidenceForm(request.POST, request.FILES)
        if done := form_action(
            request,
            form,
            lambda data: services.standard_evidence_add(
                partnership=partnership, membership=membership, standard=standard, upload=data["file"]
            ),
            message=lambda stored: f"Added {stored.name}.",
            success=lambda stored: back,
        ):
            return done
        return _standard_page(request, assessment_return, standard, evidence_form=form, status=REFUSED)
    form = GapActionForm(request.POST)
    if done := form_action(
        request,
        form,
        lambda data: services.gap_action_add(partnership=partnership, membership=membership, standard=standard, **data),
        message="Added the action.",
        success=lambda action: back,
    ):
        return done
    return _standard_page(request, assessment_return, standard, action_form=form, status=REFUSED)


@partnership_view(roles=ANY_MEMBER)
@require_POST
def gap_action_remove(request: HttpRequest, return_id: int, standard_id: int, gap_action_id: int) -> HttpResponse:
    partnership, membership = request.partnership, request.membership
    assessment_return = selectors.return_get(partnership=partnership, membership=membership, return_id=return_id)
    standard = selectors.return_standard_get(
        partnership=partnership, assessment_return=assessment_return, standard_id=standard_id
    )
    action = selectors.gap_action_get(partnership=partnership, standard=standard, gap_action_id=gap_action_id)
    try:
        services.gap_action_remove(partnership=partnership, membership=membership, standard=standard, gap_action=action)
    except ValidationError as exc:
        raise PermissionDenied(" ".join(exc.messages)) from exc
    messages.success(request, "Removed the action.")
    return redirect("audits:standard_detail", slug=partnership.slug, return_id=return_id, standard_id=standard_id)


@partnership_view(roles=ANY_MEMBER)
@require_GET
def standard_evidence_download(
    request: HttpRequest, return_id: int, standard_id: int, evidence_id: int
) -> HttpResponse:
    partnership = request.partnership
    assessment_return = selectors.return_get(
        partnership=partnership, membership=request.membership, return_id=return_id
    )
    standard = selectors.return_standard_get(
        partnership=partnership, assessment_return=assessment_return, standard_id=standard_id
    )
    return stored_file_response(
        selectors.standard_evidence_get(partnership=partnership, standard=standard, evidence_id=evidence_id)
    )


# --- The compliance matrix --------------------------------------------------------------------

# A filtered matrix of up to this many rows comes at once; a larger one goes to the worker with a progress page.
MATRIX_IMMEDIATE_ROWS = matrix_selectors.MATRIX_IMMEDIATE_ROWS
MATRIX_EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _matrix_filter_form(request: HttpRequest, cycle) -> MatrixFilterForm:
    partnership = request.partnership
    return MatrixFilterForm(
        request.GET or None,
        standards=matrix_selectors.matrix_standards(partnership=partnership, cycle=cycle),
        legend=matrix_selectors.matrix_legend(partnership=partnership, cycle=cycle),
    )


# Leadership and oversight (who read the cycle's page) see every row; an agency lead only their own agency's.
@partnership_view(roles=ANY_MEMBER)
@require_GET
def cycle_matrix(request: HttpRequest, cycle_id: int) -> HttpResponse:
    agency_id = matrix_selectors.matrix_agency_scope(membership=request.membership)
    cycle = selectors.cycle_get(partnership=request.partnership, cycle_id=cycle_id)
    return _matrix_page(request, cycle, lambda: _matrix_filter_form(request, cycle), agency_id=agency_id)


def _matrix_page(
    request: HttpRequest, cycle, form_of: Callable[[], MatrixFilterForm], *, agency_id: int | None
) -> HttpResponse:
    """The matrix with the filters ``form_of()`` makes (their standards and legend are reads: made only when the
    body is drawn)."""

    def context() -> dict:
        form = form_of()
        matrix = matrix_selectors.compliance_matrix(
            partnership=request.partnership,
            cycle=cycle,
            filters=form.filters() if form.is_bound else matrix_selectors.MatrixFilters(),
            page_number=request.GET.get("page"),
            agency_id=agency_id,
            standards=form.standards,
            legend=form.legend,
        )
        # Each row links to its return: the route reversed once for the page's 50 rows, not once a row.
        link_each(
            matrix.rows,
            "audits:sa_return_detail",
            id_kwarg="return_id",
            attribute="return_url",
            id_of=lambda row: row.assessment_return.pk,
            slug=request.partnership.slug,
        )
        return {
            "cycle": cycle,
            "matrix": matrix,
            "filters": form,
            "page": matrix.page,
            "own_row_only": agency_id is not None,
            "immediate_rows": MATRIX_IMMEDIATE_ROWS,
        }

    # The scores change only with the partnership's records: the body is kept for its reader and filters
    # (partnership.kept_pages); drawn afresh for a posted export's errors.
    return render_kept(
        request,
        "audits/self_assessment/cycle_matrix.html",
        body_template="audits/self_assessment/_cycle_matrix_body.html",
        context=context,
        page_context={"cycle": cycle, "own_row_only": agency_id is not None},
        status=lambda values: REFUSED if values["filters"].is_bound and values["filters"].errors else 200,
    )


@partnership_view(roles=ANY_MEMBER)
@require_GET
def cycle_matrix_export(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """The whole filtered matrix as CSV or XLSX (``format``), written in this request when it has at most
    ``MATRIX_IMMEDIATE_ROWS`` rows; a larger one is the worker's (``cycle_matrix_export_request``)."""
    partnership = request.partnership
    agency_id = matrix_selectors.matrix_agency_scope(membership=request.membership)
    cycle = selectors.cycle_get(partnership=partnership, cycle_id=cycle_id)
    kind = request.GET.get("format", "csv")
    if kind not in MATRIX_EXPORTS:
        raise Http404("No such export.")
    form = _matrix_filter_form(request, cycle)
    page_url = reverse("audits:cycle_matrix", kwargs={"slug": partnership.slug, "cycle_id": cycle.pk})
    if form.is_bound and not form.is_valid():
        # The page shows what is wrong beside each filter.
        return redirect(f"{page_url}?{request.GET.urlencode()}")
    filters = form.filters() if form.is_bound else matrix_selectors.MatrixFilters()
    returns = matrix_selectors.matrix_returns(
        partnership=partnership, cycle=cycle, filters=filters, agency_id=agency_id
    )
    if returns.count() > MATRIX_IMMEDIATE_ROWS:
        messages.info(request, "This matrix is too large to download at once: use Export, and it is prepared for you.")
        return redirect(f"{page_url}?{request.GET.urlencode()}")
    rows = matrix_selectors.compliance_matrix_export_rows(
        partnership=partnership, cycle=cycle, filters=filters, agency_id=agency_id
    )
    body = matrix_selectors.matrix_csv(rows) if kind == "csv" else matrix_selectors.matrix_xlsx(rows)
    media_type, extension = MATRIX_EXPORTS[kind]
    response = HttpResponse(body, content_type=media_type)
    name = f"compliance-matrix-{partnership.slug}-{cycle.kind}-{cycle.year}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# The export form names the filters as the API does (``search``); the page's filter form calls it ``q``.
_EXPORT_TO_PAGE_FILTERS = {
    "search": "q",
    "state": "state",
    "standard": "standard",
    "at_most": "at_most",
    "basis": "basis",
}


@partnership_view(roles=ANY_MEMBER)
@require_POST
def cycle_matrix_export_request(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Export the matrix as the page filters it (the filters posted with the button, and the format).

    A matrix of at most ``MATRIX_IMMEDIATE_ROWS`` rows is sent at once (a redirect to
    the immediate download); a larger one is written by the worker, and the member
    is taken to its progress page. Bad filters show the matrix page with its errors.
    """
    partnership = request.partnership
    agency_id = matrix_selectors.matrix_agency_scope(membership=request.membership)
    cycle = selectors.cycle_get(partnership=partnership, cycle_id=cycle_id)
    data = {**request.POST.dict(), "cycle": cycle.pk}
    standards = matrix_selectors.matrix_standards(partnership=partnership, cycle=cycle)
    form = MatrixExportForm(data, standard_keys=[s.key for s in standards])
    if not form.is_valid():
        page_form = MatrixFilterForm(
            {page: data.get(name, "") for name, page in _EXPORT_TO_PAGE_FILTERS.items()},
            standards=standards,
            legend=matrix_selectors.matrix_legend(partnership=partnership, cycle=cycle),
        )
        page_form.is_valid()
        if "format" in form.errors:
            page_form.add_error(None, "Choose CSV or Excel (XLSX) to export.")
        return _matrix_page(request, cycle, lambda: page_form, agency_id=agency_id)
    filters = form.filters()
    returns = matrix_selectors.matrix_returns(
        partnership=partnership, cycle=cycle, filters=filters, agency_id=agency_id
    )
    if returns.count() <= MATRIX_IMMEDIATE_ROWS:
        query = {page: data.get(name, "") for name, page in _EXPORT_TO_PAGE_FILTERS.items() if data.get(name)}
        query["format"] = form.cleaned_data["format"]
        url = reverse("audits:cycle_matrix_export", kwargs={"slug": partnership.slug, "cycle_id": cycle.pk})
        return redirect(f"{url}?{urlencode(query)}")
    job = export_request(partnership=partnership, membership=request.membership, kind=MATRIX_KIND, data=data)
    return redirect("partnership:export_status", slug=partnership.slug, job_id=job.pk)


@partnership_view(roles=CYCLE_READERS)
@require_POST
def cycle_returns_export_request(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Every return of the cycle as one workbook, written by the worker: on to its progress page."""
    partnership = request.partnership
    cycle = selectors.cycle_get(partnership=partnership, cycle_id=cycle_id)
    job = export_request(
        partnership=partnership, membership=request.membership, kind=CYCLE_RETURNS_KIND, data={"cycle": cycle.pk}
    )
    return redirect("partnership:export_status", slug=partnership.slug, job_id=job.pk)
