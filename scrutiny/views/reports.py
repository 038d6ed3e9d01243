"""The scrutiny reports' pages under /p/<slug>/scrutiny/reports/ and the agencies' annual reports under
/p/<slug>/scrutiny/agency-reports/."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from partnership.access import partnership_view
from partnership.forms.base import add_service_errors, versioned_initial
from partnership.selectors.pagination import OneQueryPaginator
from partnership.services.files import stored_file_response
from partnership.views.actions import form_status
from scrutiny.forms.reports import (
    AgencyReportReceiveForm,
    AgencyReportRequestForm,
    AgencyReportSummaryForm,
    NarrativeAddForm,
    NarrativeForm,
    ReportCreateForm,
    VersionForm,
)
from scrutiny.selectors import reports as selectors
from scrutiny.selectors.reports import (
    AGENCY_REPORT_READ_ROLES,
    NARRATIVE_PLACES,
    NARRATIVE_WRITE_ROLES,
    REPORT_CREATE_ROLES,
    REPORT_KINDS,
    REPORT_MANAGE_ROLES,
    REPORT_READ_ROLES,
    REPORT_STATES,
)
from scrutiny.services import report_render
from scrutiny.services import reports as services

REPORT_READERS = sorted(REPORT_READ_ROLES)
REPORTS_PER_PAGE = 25


def _private(response: HttpResponse) -> HttpResponse:
    # A report carries the partnership's assurance findings: never kept by a browser's or a proxy's cache.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def _current_year() -> int:
    today = timezone.localdate()
    return today.year if today.month >= 4 else today.year - 1


def _report(request: HttpRequest, scrutiny_report_id: int) -> object:
    return selectors.scrutiny_report_get(partnership=request.partnership, scrutiny_report_id=scrutiny_report_id)


def _to_report(request: HttpRequest, report, anchor: str = "") -> HttpResponse:
    response = redirect("scrutiny:report_detail", slug=request.partnership.slug, scrutiny_report_id=report.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


# --- Reports ----------------------------------------------------------------------------------------------------


@partnership_view(roles=REPORT_READERS)
@require_http_methods(["GET", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    """The partnership's reports; the business managers and the scrutineer start one here."""
    creates = request.membership.has_role(*REPORT_CREATE_ROLES)
    form = None
    if request.method == "POST":
        if not creates:
            raise PermissionDenied("Only the business managers and the scrutineer start a report.")
        form = ReportCreateForm(request.POST, current_year=_current_year())
        if form.is_valid():
            try:
                report = services.scrutiny_report_create(
                    partnership=request.partnership, actor=request.user, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Started “{report.title}”.")
                return _to_report(request, report)
    elif creates:
        form = ReportCreateForm(
            initial={"kind": REPORT_KINDS.QUARTERLY, "reporting_year": _current_year()},
            current_year=_current_year(),
        )
    # A page at a time: five reports a year, kept for good (issue 13).
    reports = selectors.scrutiny_reports_list(partnership=request.partnership)
    page = OneQueryPaginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "scrutiny/reports/list.html",
        {"reports": page.object_list, "page": page, "form": form, "creates": creates},
        status=form_status(form),
    )


def _detail(request: HttpRequest, report, *, bound: dict | None = None) -> HttpResponse:
    bound = bound or {}
    membership = request.membership
    narrative = selectors.report_narrative(partnership=request.partnership, report=report)
    writes = membership.has_role(*NARRATIVE_WRITE_ROLES) and report.state == REPORT_STATES.DRAFT
    entries = []
    for row in narrative:
        further = row.place == NARRATIVE_PLACES.FURTHER
        form = None
        if writes:
            form = bound.get(row.pk) or NarrativeForm(
                initial={"heading": row.heading, "body": row.body, **versioned_initial(row)},
                further=further,
                prefix=f"n{row.pk}",
            )
        entries.append({"row": row, "form": form, "further": further, "saved": bound.get(("saved", row.pk))})
    add_form = bound.get("add") or (NarrativeAddForm() if writes else None)
    forms_drawn = [e["form"] for e in entries] + [add_form]
    context = {
        "report": report,
        "entries": entries,
        "writes": writes,
        "add_form": add_form,
        "manages": membership.has_role(*REPORT_MANAGE_ROLES),
        "version_form": VersionForm(initial=versioned_initial(report)),
        "period": report_render.report_period_label(report),
        "error_forms": [f for f in forms_drawn if f is not None and f.is_bound and f.errors],
    }
    return render(request, "scrutiny/reports/detail.html", context, status=form_status(*forms_drawn))


@partnership_view(roles=REPORT_READERS)
@require_GET
def report_detail(request: HttpRequest, scrutiny_report_id: int) -> HttpResponse:
    return _detail(request, _report(request, scrutiny_report_id))


@partnership_view(roles=sorted(NARRATIVE_WRITE_ROLES))
@require_POST
def narrative_edit(request: HttpRequest, scrutiny_report_id: int, report_narrative_id: int) -> HttpResponse:
    """Save one section of the narrative; a change someone saved since is shown beside the kept input."""
    report = _report(request, scrutiny_report_id)
    row = selectors.report_narrative_get(
        partnership=request.partnership, report=report, report_narrative_id=report_narrative_id
    )
    further = row.place == NARRATIVE_PLACES.FURTHER
    form = NarrativeForm(request.POST, further=further, prefix=f"n{row.pk}")
    bound: dict = {row.pk: form}
    if form.is_valid():
        try:
            services.report_narrative_update(
                partnership=request.partnership,
                actor=request.user,
                narrative=row,
                body=form.cleaned_data["body"],
                heading=form.cleaned_data.get("heading", ""),
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            saved = selectors.report_narrative_get(
                partnership=request.partnership, report=report, report_narrative_id=row.pk
            )
            if form.add_refusal(exc, saved=saved):
                bound[("saved", row.pk)] = saved
        else:
            messages.success(request, f"Saved “{row}”.")
            return _to_report(request, report, f"narrative-{row.pk}")
    return _detail(request, report, bound=bound)


@partnership_view(roles=sorted(NARRATIVE_WRITE_ROLES))
@require_POST
def narrative_add(request: HttpRequest, scrutiny_report_id: int) -> HttpResponse:
    report = _report(request, scrutiny_report_id)
    form = NarrativeAddForm(request.POST)
    if form.is_valid():
        try:
            row = services.report_narrative_add(
                partnership=request.partnership, actor=request.user, report=report, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Added “{row.heading}”.")
            return _to_report(request, report, f"narrative-{row.pk}")
    return _detail(request, report, bound={"add": form})


@partnership_view(roles=sorted(NARRATIVE_WRITE_ROLES))
@require_POST
def narrative_remove(request: HttpRequest, scrutiny_report_id: int, report_narrative_id: int) -> HttpResponse:
    report = _report(request, scrutiny_report_id)
    row = selectors.report_narrative_get(
        partnership=request.partnership, report=report, report_narrative_id=report_narrative_id
    )
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.non_field_errors())
        services.report_narrative_remove(
            partnership=request.partnership,
            actor=request.user,
            narrative=row,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Removed “{row.heading}”.")
    return _to_report(request, report, "narrative")


def _move(request: HttpRequest, scrutiny_report_id: int, service, success: str) -> HttpResponse:
    report = _report(request, scrutiny_report_id)
    form = VersionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.non_field_errors())
        service(
            partnership=request.partnership,
            actor=request.user,
            report=report,
            expected_updated_at=form.cleaned_data["expected_updated_at"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)
    return _to_report(request, report)


@partnership_view(roles=sorted(REPORT_MANAGE_ROLES))
@require_POST
def report_publish(request: HttpRequest, scrutiny_report_id: int) -> HttpResponse:
    return _move(request, scrutiny_report_id, services.scrutiny_report_publish, "Published the report.")


@partnership_view(roles=sorted(REPORT_MANAGE_ROLES))
@require_POST
def report_reopen(request: HttpRequest, scrutiny_report_id: int) -> HttpResponse:
    return _move(request, scrutiny_report_id, services.scrutiny_report_reopen, "Took the report back to draft.")


@partnership_view(roles=REPORT_READERS)
@require_POST
def report_render_view(request: HttpRequest, scrutiny_report_id: int) -> HttpResponse:
    """Ask the worker for the report as PDF and Word (one version, both files), then follow its progress on the
    documents engine's status page, which offers both once they are made."""
    report = _report(request, scrutiny_report_id)
    version = report_render.scrutiny_report_render_request(
        partnership=request.partnership, actor=request.user, report=report
    )
    return redirect("partnership:document_status", slug=request.partnership.slug, version_id=version.pk)


# The newest downloads of the Word copies shown to the business managers (the PDFs' are on each version's page).
DOCX_DOWNLOADS_SHOWN = 20


@partnership_view(roles=REPORT_READERS)
@require_GET
def report_versions(request: HttpRequest, scrutiny_report_id: int) -> HttpResponse:
    """Every version made of the report, each its PDF and its Word copy, the older ones still downloadable."""
    report = _report(request, scrutiny_report_id)
    p = request.partnership
    entries = selectors.report_versions(partnership=p, report=report, membership=request.membership)
    downloads = None
    if request.membership.has_role(*REPORT_MANAGE_ROLES):
        downloads = selectors.report_docx_downloads(partnership=p, report=report, limit=DOCX_DOWNLOADS_SHOWN)
    return render(
        request,
        "scrutiny/reports/versions.html",
        {"report": report, "entries": entries, "docx_downloads": downloads},
    )


@partnership_view(roles=REPORT_READERS)
@require_GET
def report_version_docx(request: HttpRequest, scrutiny_report_id: int, report_version_id: int) -> HttpResponse:
    """A version's Word copy as an attachment, the download recorded first; before it is made, the progress page."""
    report = _report(request, scrutiny_report_id)
    row = report_render.report_version_docx_download(
        partnership=request.partnership, membership=request.membership, report=report, version_id=report_version_id
    )
    if row is None:
        return redirect("partnership:document_status", slug=request.partnership.slug, version_id=report_version_id)
    return _private(report_render.report_version_docx_response(partnership=request.partnership, row=row))


# --- Agency annual reports --------------------------------------------------------------------------------------

AGENCY_READERS = sorted(AGENCY_REPORT_READ_ROLES)


@partnership_view(roles=AGENCY_READERS)
@require_http_methods(["GET", "POST"])
def agency_report_list(request: HttpRequest) -> HttpResponse:
    """The agency annual reports the member may read; the business managers ask for one here."""
    p = request.partnership
    manages = request.membership.has_role(*REPORT_MANAGE_ROLES)
    form = None
    if manages or request.method == "POST":
        if not manages:
            raise PermissionDenied("Only the business managers ask agencies for their annual reports.")
        agencies = selectors.agency_report_agency_choices(partnership=p)
        form = AgencyReportRequestForm(
            request.POST if request.method == "POST" else None,
            agencies=agencies,
            current_year=_current_year(),
            initial={"reporting_year": _current_year()},
        )
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            try:
                row = services.agency_annual_report_request(
                    partnership=p,
                    actor=request.user,
                    agency_id=data["agency"],
                    kind=data["kind"],
                    subject=data["subject"],
                    reporting_year=data["reporting_year"],
                    due_on=data["due_on"],
                    requested_on=timezone.localdate(),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Asked {row.agency.name} for the {row.title.lower()}.")
                return redirect("scrutiny:agency_report_list", slug=p.slug)
    # A page at a time: several reports from each agency every year, kept for good (issue 13); the files of the
    # page's reports only.
    rows = selectors.agency_annual_reports_list(partnership=p, membership=request.membership)
    page = OneQueryPaginator(rows, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = page.object_list
    files = selectors.agency_annual_report_files(partnership=p, reports=rows)
    today = timezone.localdate()
    entries = [{"row": r, "file": files.get(r.pk), "overdue": r.is_overdue(today)} for r in rows]
    return render(
        request,
        "scrutiny/agency_reports/list.html",
        {"entries": entries, "page": page, "form": form, "manages": manages},
        status=form_status(form),
    )


def _agency_report(request: HttpRequest, agency_report_id: int):
    return selectors.agency_annual_report_get(
        partnership=request.partnership, membership=request.membership, agency_report_id=agency_report_id
    )


def _agency_detail(request: HttpRequest, row, *, receive_form=None, summary_form=None, saved=None) -> HttpResponse:
    p = request.partnership
    receives = selectors.agency_annual_report_receives(report=row, membership=request.membership)
    manages = request.membership.has_role(*REPORT_MANAGE_ROLES)
    if receives and receive_form is None:
        receive_form = AgencyReportReceiveForm(initial={"received_on": timezone.localdate()})
    if manages and row.received_on and summary_form is None:
        summary_form = AgencyReportSummaryForm(initial={"summary": row.summary, **versioned_initial(row)})
    context = {
        "row": row,
        "file": selectors.agency_annual_report_file(partnership=p, report=row),
        "overdue": row.is_overdue(timezone.localdate()),
        "receive_form": receive_form if receives else None,
        "summary_form": summary_form if manages else None,
        "saved": saved,
    }
    return render(
        request, "scrutiny/agency_reports/detail.html", context, status=form_status(receive_form, summary_form)
    )


@partnership_view(roles=AGENCY_READERS)
@require_GET
def agency_report_detail(request: HttpRequest, agency_report_id: int) -> HttpResponse:
    return _agency_detail(request, _agency_report(request, agency_report_id))


@partnership_view(roles=AGENCY_READERS)
@require_POST
def agency_report_receive(request: HttpRequest, agency_report_id: int) -> HttpResponse:
    """Upload the agency's report: it is kept encrypted and the request is marked received (its deadline met)."""
    row = _agency_report(request, agency_report_id)
    if not selectors.agency_annual_report_receives(report=row, membership=request.membership):
        raise PermissionDenied("Only the agency's lead or a business manager sends the agency's report.")
    form = AgencyReportReceiveForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.agency_annual_report_receive(
                partnership=request.partnership,
                actor=request.user,
                report=row,
                upload=form.cleaned_data["file"],
                received_on=form.cleaned_data["received_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Received the {row.title.lower()}.")
            return redirect("scrutiny:agency_report_detail", slug=request.partnership.slug, agency_report_id=row.pk)
    return _agency_detail(request, row, receive_form=form)


@partnership_view(roles=sorted(REPORT_MANAGE_ROLES))
@require_POST
def agency_report_summary(request: HttpRequest, agency_report_id: int) -> HttpResponse:
    row = _agency_report(request, agency_report_id)
    form = AgencyReportSummaryForm(request.POST)
    saved = None
    if form.is_valid():
        try:
            services.agency_annual_report_summarise(
                partnership=request.partnership,
                actor=request.user,
                report=row,
                summary=form.cleaned_data["summary"],
                expected_updated_at=form.cleaned_data["expected_updated_at"],
            )
        except ValidationError as exc:
            row = _agency_report(request, agency_report_id)
            if form.add_refusal(exc, saved=row):
                saved = row
        else:
            messages.success(request, "Saved the summary.")
            return redirect("scrutiny:agency_report_detail", slug=request.partnership.slug, agency_report_id=row.pk)
    return _agency_detail(request, row, summary_form=form, saved=saved)


@partnership_view(roles=AGENCY_READERS)
@require_GET
def agency_report_file(request: HttpRequest, agency_report_id: int) -> HttpResponse:
    """The newest file received for the report, as a download."""
    row = _agency_report(request, agency_report_id)
    stored = selectors.agency_annual_report_file_with_data(partnership=request.partnership, report=row)
    return stored_file_response(stored)
