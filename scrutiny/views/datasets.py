"""Pages of the quarterly data sets under /p/<slug>/scrutiny/data-sets/: the indicators by part, one indicator's
trend (chart, table, CSV and Excel), one quarter's data set (agency by indicator, flags, the agencies' analyses; CSV
and Excel too), and the forms that define indicators, enter figures, upload them and write an agency's analysis.

Every reader of scrutiny reads them, and the agencies' leads, who provide the figures. The business managers
define the indicators and enter any agency's figures; an agency lead enters their own agency's figures and
analysis; the scrutineer only reads. Each change is a form → one service → a message → a redirect; a refusal is
drawn again beside its field (400) with the person's input kept.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from partnership.access import partnership_view
from partnership.forms.base import VERSION_FIELD, add_service_errors, version_of, versioned_initial
from partnership.selectors.recommendations import register_csv
from partnership.tabular import xlsx_table
from partnership.views.actions import form_status
from scrutiny.charts import CHART_CONTENT_SECURITY_POLICY, LINE_CHART_HEIGHT, line_chart_svg
from scrutiny.forms.datasets import AnalysisForm, IndicatorForm, TrendForm, UploadForm, ValuesForm
from scrutiny.quarters import (
    quarter_from_slug,
    quarter_label,
    quarter_months,
    quarter_parse,
    quarter_slug,
    quarter_step,
)
from scrutiny.selectors import datasets as selectors
from scrutiny.selectors.datasets import (
    DATASET_ENTRY_ROLES,
    DATASET_MANAGE_ROLES,
    DATASET_READER_ROLES,
    TREND_LENGTHS,
    number_text,
)
from scrutiny.services import datasets as services

READERS = sorted(DATASET_READER_ROLES)
MANAGERS = sorted(DATASET_MANAGE_ROLES)
ENTRY = sorted(DATASET_ENTRY_ROLES)
PARTNERSHIP_KEY = "partnership"


def _quarter(slug: str) -> date:
    quarter = quarter_from_slug(slug)
    if quarter is None:
        raise Http404("No such quarter.")
    return quarter


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


@partnership_view(roles=READERS)
@require_GET
def datasets_home(request: HttpRequest) -> HttpResponse:
    """The indicators of Part A and of Part B by theme, with the way to the newest quarter's data set."""
    latest = selectors.latest_quarter(partnership=request.partnership, today=timezone.localdate())
    context = {
        "parts": selectors.indicators_by_part(partnership=request.partnership),
        "latest": latest,
        "latest_slug": quarter_slug(latest),
        "latest_label": quarter_label(latest),
        "manages": request.membership.has_role(*DATASET_MANAGE_ROLES),
        "enters": selectors.can_enter_any(request.membership),
    }
    return render(request, "scrutiny/datasets/home.html", context)


def _indicator_form_page(request: HttpRequest, indicator=None) -> HttpResponse:
    if request.method == "POST":
        form = IndicatorForm(data=request.POST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}
            try:
                if indicator is None:
                    saved = services.indicator_create(
                        partnership=request.partnership, actor=request.user, membership=request.membership, **data
                    )
                else:
                    saved = services.indicator_update(
                        partnership=request.partnership,
                        actor=request.user,
                        membership=request.membership,
                        indicator=indicator,
                        expected_updated_at=form.cleaned_data[VERSION_FIELD],
                        **data,
                    )
            except ValidationError as exc:
                if indicator is None:
                    add_service_errors(form, exc)
                else:
                    form.add_refusal(
                        exc, saved=selectors.indicator_get(partnership=request.partnership, indicator_id=indicator.pk)
                    )
            else:
                messages.success(request, f"Saved the indicator “{saved.name}”.")
                return redirect("scrutiny:dataset_indicator", slug=request.partnership.slug, indicator_id=saved.pk)
    else:
        initial = {VERSION_FIELD: timezone.now().isoformat(), "part": "A", "good_direction": "up", "active": True}
        if indicator is not None:
            initial = versioned_initial(indicator) | {
                "part": indicator.part,
                "theme": indicator.theme,
                "name": indicator.name,
                "definition": indicator.definition,
                "unit": indicator.unit,
                "good_direction": indicator.good_direction,
                "amber_threshold": number_text(indicator.amber_threshold),
                "red_threshold": number_text(indicator.red_threshold),
                "order": indicator.order,
                "active": indicator.active,
            }
        form = IndicatorForm(initial=initial)
    return render(
        request,
        "scrutiny/datasets/indicator_form.html",
        {"form": form, "indicator": indicator},
        status=form_status(form),
    )


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def indicator_new(request: HttpRequest) -> HttpResponse:
    return _indicator_form_page(request)


@partnership_view(roles=MANAGERS)
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, indicator_id: int) -> HttpResponse:
    indicator = selectors.indicator_get(partnership=request.partnership, indicator_id=indicator_id)
    return _indicator_form_page(request, indicator)


def _trend(request: HttpRequest, indicator_id: int):
    indicator = selectors.indicator_get(partnership=request.partnership, indicator_id=indicator_id)
    form = TrendForm(request.GET, lengths=TREND_LENGTHS)
    count, last = 8, None
    if form.is_valid():
        count = form.cleaned_data.get("quarters") or 8
        last = quarter_parse(form.cleaned_data.get("to") or "")
    if last is None:
        last = selectors.latest_quarter(partnership=request.partnership, today=timezone.localdate())
    if not form.is_bound or not request.GET:
        form = TrendForm(initial={"quarters": count, "to": quarter_label(last)}, lengths=TREND_LENGTHS)
    trend = selectors.indicator_trend(partnership=request.partnership, indicator=indicator, last=last, count=count)
    query = f"?quarters={count}&to={quarter_slug(last)}"
    return form, trend, query


@partnership_view(roles=READERS)
@require_GET
def indicator_detail(request: HttpRequest, indicator_id: int) -> HttpResponse:
    form, trend, query = _trend(request, indicator_id)
    context = {
        "form": form,
        "trend": trend,
        "indicator": trend.indicator,
        "chart": trend.chart(),
        "chart_height": LINE_CHART_HEIGHT,
        "query": query,
        "rows": [(quarter_label(q), quarter_slug(q), cells) for q, cells in trend.rows],
        "manages": request.membership.has_role(*DATASET_MANAGE_ROLES),
    }
    return render(request, "scrutiny/datasets/indicator.html", context)


@partnership_view(roles=READERS)
@require_GET
def indicator_chart(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """The trend as an SVG image (its own strict policy: a style sheet, no script)."""
    _form, trend, _query = _trend(request, indicator_id)
    response = HttpResponse(line_chart_svg(trend.chart()), content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = CHART_CONTENT_SECURITY_POLICY
    return _no_store(response)


XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(body: bytes, *, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return _no_store(response)


def _trend_file_name(request: HttpRequest, trend, extension: str) -> str:
    last = quarter_slug(trend.quarters[-1])
    return f"data-set-{request.partnership.slug}-indicator-{trend.indicator.pk}-to-{last}.{extension}"


@partnership_view(roles=READERS)
@require_GET
def indicator_csv(request: HttpRequest, indicator_id: int) -> HttpResponse:
    _form, trend, _query = _trend(request, indicator_id)
    return _download(
        register_csv(trend.csv_rows()),
        content_type="text/csv; charset=utf-8",
        name=_trend_file_name(request, trend, "csv"),
    )


@partnership_view(roles=READERS)
@require_GET
def indicator_xlsx(request: HttpRequest, indicator_id: int) -> HttpResponse:
    """The trend as the CSV has it, as an Excel workbook: the figures as numbers, one sheet named after the
    indicator."""
    _form, trend, _query = _trend(request, indicator_id)
    span = f"{quarter_label(trend.quarters[0])} to {quarter_label(trend.quarters[-1])}"
    body = xlsx_table(
        rows=trend.xlsx_rows(),
        sheet_title=trend.indicator.name,
        title=f"{trend.indicator.name}, {span} ({request.partnership.name})",
    )
    return _download(body, content_type=XLSX_MEDIA_TYPE, name=_trend_file_name(request, trend, "xlsx"))


@partnership_view(roles=READERS)
@require_GET
def quarter_detail(request: HttpRequest, quarter: str) -> HttpResponse:
    """One quarter's data set: every indicator by the partnership and each agency, flags, the agencies' analyses."""
    chosen = request.GET.get("quarter")
    if chosen is not None:
        parsed = quarter_parse(chosen)
        if parsed is not None:
            return redirect("scrutiny:dataset_quarter", slug=request.partnership.slug, quarter=quarter_slug(parsed))
    when = _quarter(quarter)
    data = selectors.quarter_dataset(partnership=request.partnership, quarter=when)
    analyses = {a.agency_id: a for a in data.analyses}
    entry_ids = {a.pk for a in selectors.entry_agencies(partnership=request.partnership, membership=request.membership)}
    columns = [
        {
            "key": PARTNERSHIP_KEY if agency_id is None else agency_id,
            "name": name,
            "enters": selectors.can_enter_for(request.membership, None)
            if agency_id is None
            else agency_id in entry_ids,
            "analysis": analyses.get(agency_id),
        }
        for agency_id, name in data.columns
    ]
    context = {
        "data": data,
        "columns": columns,
        "label": quarter_label(when),
        "months": quarter_months(when),
        "slug": quarter_slug(when),
        "previous": quarter_slug(quarter_step(when, -1)),
        "next": quarter_slug(quarter_step(when, 1)),
        "parts": _grouped(data.rows),
        "enters_any": any(column["enters"] for column in columns),
    }
    return render(request, "scrutiny/datasets/quarter.html", context)


def _grouped(rows):
    """The quarter's rows under a heading per part and theme, for the table's row groups."""
    groups: list[tuple[str, list]] = []
    for part, theme, indicator, cells in rows:
        heading = f"{part}: {theme}" if theme else part
        if not groups or groups[-1][0] != heading:
            groups.append((heading, []))
        groups[-1][1].append((indicator, cells))
    return groups


@partnership_view(roles=READERS)
@require_GET
def quarter_csv(request: HttpRequest, quarter: str) -> HttpResponse:
    when = _quarter(quarter)
    data = selectors.quarter_dataset(partnership=request.partnership, quarter=when)
    return _download(
        register_csv(data.csv_rows()),
        content_type="text/csv; charset=utf-8",
        name=f"data-set-{request.partnership.slug}-{quarter_slug(when)}.csv",
    )


@partnership_view(roles=READERS)
@require_GET
def quarter_xlsx(request: HttpRequest, quarter: str) -> HttpResponse:
    """The quarter's data set as the CSV has it, as an Excel workbook: the figures as numbers, one sheet named
    after the quarter."""
    when = _quarter(quarter)
    data = selectors.quarter_dataset(partnership=request.partnership, quarter=when)
    body = xlsx_table(
        rows=data.xlsx_rows(),
        sheet_title=quarter_label(when),
        title=f"Quarterly data set, {quarter_label(when)} ({request.partnership.name})",
    )
    return _download(
        body, content_type=XLSX_MEDIA_TYPE, name=f"data-set-{request.partnership.slug}-{quarter_slug(when)}.xlsx"
    )


def _entry_agency(request: HttpRequest, key: str):
    """The agency a form enters for (``partnership``: none); 404 for another partnership's or no agency, 403 for
    an agency the member does not enter for."""
    if key == PARTNERSHIP_KEY:
        agency = None
    else:
        if not key.isdigit() or len(key) > 18:
            raise Http404("No such agency.")
        agency = selectors.agency_get(partnership=request.partnership, agency_id=int(key))
    if not selectors.can_enter_for(request.membership, agency):
        raise PermissionDenied("You do not enter this agency's figures.")
    return agency


def _to_quarter(request: HttpRequest, when: date) -> HttpResponse:
    return redirect("scrutiny:dataset_quarter", slug=request.partnership.slug, quarter=quarter_slug(when))


@partnership_view(roles=ENTRY)
@require_http_methods(["GET", "POST"])
def values_enter(request: HttpRequest, quarter: str, agency: str) -> HttpResponse:
    """One agency's (or the partnership's) figures for one quarter, a field per indicator collected."""
    when = _quarter(quarter)
    chosen = _entry_agency(request, agency)
    indicators = list(selectors.indicator_list(partnership=request.partnership, active_only=True))
    current = {
        v.indicator_id: v
        for v in selectors.value_list(partnership=request.partnership, quarter=when).filter(agency=chosen)
    }
    version = max((v.updated_at for v in current.values()), default=None)
    if request.method == "POST":
        form = ValuesForm(data=request.POST, indicators=indicators)
        if form.is_valid():
            try:
                result = services.quarter_values_enter(
                    partnership=request.partnership,
                    actor=request.user,
                    membership=request.membership,
                    agency=chosen,
                    quarter=when,
                    values=form.values(),
                    read_version=form.cleaned_data[VERSION_FIELD],
                )
            except ValidationError as exc:
                data = form.data.copy()
                data[VERSION_FIELD] = version.isoformat() if version else ""
                form.data = data
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Saved {chosen.name if chosen else 'the partnership'}'s figures for {quarter_label(when)}: "
                    f"{result.added} added, {result.updated} changed, {result.removed} removed.",
                )
                return _to_quarter(request, when)
    else:
        initial = {VERSION_FIELD: version.isoformat() if version else ""}
        initial |= {f"value_{i}": number_text(v.value) for i, v in current.items()}
        form = ValuesForm(initial=initial, indicators=indicators)
    context = {
        "form": form,
        "agency_name": chosen.name if chosen else "The whole partnership",
        "label": quarter_label(when),
        "months": quarter_months(when),
        "slug": quarter_slug(when),
        "rows": [(indicator, form[f"value_{indicator.pk}"]) for indicator in indicators],
    }
    return render(request, "scrutiny/datasets/values_form.html", context, status=form_status(form))


@partnership_view(roles=ENTRY)
@require_http_methods(["GET", "POST"])
def values_upload(request: HttpRequest) -> HttpResponse:
    """Figures from a CSV file or an Excel workbook: every line, or none, each problem named by its line."""
    if request.method == "POST":
        form = UploadForm(data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                result = services.values_import(
                    partnership=request.partnership,
                    actor=request.user,
                    membership=request.membership,
                    upload=form.cleaned_data["file"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Imported the file: {result.added} figures added, {result.updated} changed, "
                    f"{result.unchanged} unchanged.",
                )
                return redirect("scrutiny:datasets", slug=request.partnership.slug)
    else:
        form = UploadForm()
    example_agency = request.membership.agency.name
    return render(
        request,
        "scrutiny/datasets/upload.html",
        {"form": form, "example_agency": example_agency},
        status=form_status(form),
    )


@partnership_view(roles=ENTRY)
@require_http_methods(["GET", "POST"])
def analysis_edit(request: HttpRequest, quarter: str, agency_id: int) -> HttpResponse:
    """An agency's analysis of its figures for a quarter (its lead, or a business manager)."""
    when = _quarter(quarter)
    agency = _entry_agency(request, str(agency_id))
    current = selectors.analysis_list(partnership=request.partnership, quarter=when, agency_id=agency.pk).first()
    if request.method == "POST":
        form = AnalysisForm(data=request.POST)
        if form.is_valid():
            try:
                services.analysis_save(
                    partnership=request.partnership,
                    actor=request.user,
                    membership=request.membership,
                    agency=agency,
                    quarter=when,
                    text=form.cleaned_data["text"],
                    expected_updated_at=form.cleaned_data[VERSION_FIELD],
                )
            except ValidationError as exc:
                data = form.data.copy()
                data[VERSION_FIELD] = version_of(current) if current else ""
                form.data = data
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Saved {agency.name}'s analysis for {quarter_label(when)}.")
                return _to_quarter(request, when)
    else:
        initial = {VERSION_FIELD: version_of(current) if current else "", "text": current.text if current else ""}
        form = AnalysisForm(initial=initial)
    figures = selectors.quarter_dataset(partnership=request.partnership, quarter=when)
    column = (
        next(i for i, (key, _name) in enumerate(figures.columns) if key == agency.pk)
        if any(key == agency.pk for key, _name in figures.columns)
        else None
    )
    own = (
        [(indicator, cells[column]) for _p, _t, indicator, cells in figures.rows if cells[column].value is not None]
        if column is not None
        else []
    )
    context = {
        "form": form,
        "agency": agency,
        "current": current,
        "own": own,
        "label": quarter_label(when),
        "slug": quarter_slug(when),
    }
    return render(request, "scrutiny/datasets/analysis_form.html", context, status=form_status(form))
