"""Scrutiny's pages under /p/<slug>/scrutiny/: the dashboard, each panel's chart and CSV, and the lists behind
figures that no other page lists."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.selectors.action_plans import actions_visible
from partnership.selectors.pagination import OneQueryPaginator
from partnership.selectors.recommendations import register_csv
from scrutiny.charts import CHART_CONTENT_SECURITY_POLICY, bar_chart_svg
from scrutiny.forms import AgencyFilterForm, DashboardFilterForm
from scrutiny.selectors.dashboard import PANEL_KEYS, SCRUTINY_READER_ROLES, dashboard_years, scrutiny_dashboard

READERS = sorted(SCRUTINY_READER_ROLES)
ACTIONS_PER_PAGE = 25


def _dashboard(request: HttpRequest, *, only: str | None = None):
    years = dashboard_years(partnership=request.partnership)
    if "year" in request.GET:
        form = DashboardFilterForm(request.GET, years=years)
        year = form.chosen_year()
    else:
        # The newest year with a notification, as the timeliness page: every year grows with the history.
        year = years[0] if years else None
        form = DashboardFilterForm(initial={"year": year}, years=years)
    dashboard = scrutiny_dashboard(
        partnership=request.partnership,
        membership=request.membership,
        today=timezone.localdate(),
        year=year,
        years=years,
        only=only,
    )
    return form, dashboard


@partnership_view(roles=READERS)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form, dashboard = _dashboard(request)
    query = f"?year={dashboard.year}" if dashboard.year else "?year="
    return render(request, "scrutiny/dashboard.html", {"form": form, "dashboard": dashboard, "query": query})


def _panel_key(panel: str) -> str:
    if panel not in PANEL_KEYS:
        raise Http404("No such figure.")
    return panel


@partnership_view(roles=READERS)
@require_GET
def panel_chart(request: HttpRequest, panel: str) -> HttpResponse:
    """One panel's chart as an SVG image (its own strict policy: a style sheet, no script)."""
    _form, dashboard = _dashboard(request, only=_panel_key(panel))
    response = HttpResponse(bar_chart_svg(dashboard.panels[0].chart), content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = CHART_CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


@partnership_view(roles=READERS)
@require_GET
def panel_csv(request: HttpRequest, panel: str) -> HttpResponse:
    """One panel's figures as CSV: the table beside its chart."""
    _form, dashboard = _dashboard(request, only=_panel_key(panel))
    response = HttpResponse(register_csv(dashboard.panels[0].csv_rows()), content_type="text/csv; charset=utf-8")
    period = f"-{dashboard.year}" if dashboard.year and panel == "timeliness" else ""
    name = f"scrutiny-{panel.replace('_', '-')}-{request.partnership.slug}{period}-{dashboard.today:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@partnership_view(roles=READERS)
@require_GET
def overdue_actions(request: HttpRequest) -> HttpResponse:
    """The overdue actions a figure counts: all, or one lead agency's (another partnership's agency lists none)."""
    agency_id = AgencyFilterForm(request.GET).chosen_agency()
    today = timezone.localdate()
    actions = actions_visible(
        partnership=request.partnership, membership=request.membership, agency_id=agency_id, overdue_on=today
    )
    page = OneQueryPaginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    agency_name = page.object_list[0].lead_agency.name if agency_id and page.object_list else ""
    return render(
        request,
        "scrutiny/overdue_actions.html",
        {"page": page, "agency_id": agency_id, "agency_name": agency_name, "today": today},
    )
