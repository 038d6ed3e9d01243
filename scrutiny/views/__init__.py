"""Scrutiny's pages under /p/<slug>/scrutiny/: the dashboard, each panel's chart and CSV, and the lists behind
figures that no other page lists."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.figures_cache import figures_cached
from partnership.selectors.action_plans import actions_visible
from partnership.selectors.pagination import OneQueryPaginator
from partnership.selectors.recommendations import register_csv
from scrutiny.charts import LINKED_CHART_CONTENT_SECURITY_POLICY, bar_chart_svg
from scrutiny.forms import CYCLE_FIELDS, DashboardFilterForm, OverdueActionsFilterForm
from scrutiny.selectors.challenges import CHALLENGE_SCRUTINEER_ROLES
from scrutiny.selectors.dashboard import (
    HEATMAP_PANELS,
    PANEL_KEYS,
    RECORD_PANELS,
    SCRUTINY_READER_ROLES,
    STATUTORY_PARTNERS,
    dashboard_choices,
    dashboard_reader_key,
    figure_records,
    scrutiny_dashboard_kept,
)
from scrutiny.selectors.period import EVERY_YEAR, Period

READERS = sorted(SCRUTINY_READER_ROLES)
ACTIONS_PER_PAGE = 25
RECORDS_PER_PAGE = 25
FILTER_FIELDS = ("period", "year", "quarter", "start", "end", "agency", *CYCLE_FIELDS.values())


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, Period | None, int | None, list[int]]:
    """The filter form and the period and agency it chose (``None``: the newest year with a notification); the
    heat maps' cycles are ``form.chosen_cycles()``."""
    choices = dashboard_choices(partnership=request.partnership)
    years, agencies, cycles = choices.years, choices.agencies, choices.cycles
    if any(name in request.GET for name in FILTER_FIELDS):
        form = DashboardFilterForm(request.GET, years=years, agencies=agencies, cycles=cycles)
        period, agency_id = form.chosen()
        return form, period, agency_id, years
    # The newest year with a notification, as the timeliness page: every year grows with the history.
    year = years[0] if years else None
    form = DashboardFilterForm(
        initial={"period": "year" if year else "all", "year": year}, years=years, agencies=agencies, cycles=cycles
    )
    return form, None, None, years


def _dashboard(request: HttpRequest, *, only: str | None = None):
    form, period, agency_id, years = _filters(request)
    dashboard = scrutiny_dashboard_kept(
        partnership=request.partnership,
        membership=request.membership,
        today=timezone.localdate(),
        year=years[0] if period is None and years else None,
        years=years,
        period=period,
        agency_id=agency_id,
        cycles=form.chosen_cycles(),
        only=only,
    )
    return form, dashboard


@partnership_view(roles=READERS)
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    # The scrutineer raises a challenge about a panel's figures from the panel itself (scrutiny/views/challenges.py).
    raises_challenges = request.membership.has_role(*CHALLENGE_SCRUTINEER_ROLES)

    def drawn() -> tuple[str, bool]:
        form, dashboard = _dashboard(request)
        context = {"form": form, "dashboard": dashboard, "query": dashboard.query}
        context["raises_challenges"] = raises_challenges
        return render_to_string("scrutiny/dashboard_body.html", context, request=request), bool(form.errors)

    # Drawing a decade of figures is most of the page's time: the drawn page is kept for the same filters, reader
    # and day until the partnership's records change (partnership.figures_cache).
    body, has_errors = _kept(request, ("scrutiny dashboard page", raises_challenges), drawn)
    # The body is the template's own output, escaped as it was drawn.
    return render(request, "scrutiny/dashboard.html", {"body": mark_safe(body), "has_errors": has_errors})


def _kept(request: HttpRequest, name: tuple, compute):
    """``compute()`` kept for this request's filters, its reader and the day (partnership.figures_cache)."""
    filters = sorted((field, request.GET.getlist(field)) for field in FILTER_FIELDS if field in request.GET)
    return figures_cached(
        partnership_id=request.partnership.pk,
        parts=(*name, filters, timezone.localdate(), dashboard_reader_key(request.membership)),
        compute=compute,
    )


def _panel_key(panel: str) -> str:
    if panel not in PANEL_KEYS:
        raise Http404("No such figure.")
    return panel


@xframe_options_sameorigin
@partnership_view(roles=READERS)
@require_GET
def panel_chart(request: HttpRequest, panel: str) -> HttpResponse:
    """One panel's chart as an SVG document whose bars link to their records, for the dashboard's ``<object>``:
    framed by this site only, its own strict policy (a style sheet, no script; a click may navigate the page). A
    heat map is a table, with no chart."""
    if panel in HEATMAP_PANELS:
        raise Http404("This panel is a table, with no chart.")
    panel = _panel_key(panel)
    # Drawn once for the same filters, reader and day, like the page that frames it.
    svg = _kept(
        request, ("scrutiny chart", panel), lambda: bar_chart_svg(_dashboard(request, only=panel)[1].panels[0].chart)
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = LINKED_CHART_CONTENT_SECURITY_POLICY
    response["Cache-Control"] = "private, no-store"
    return response


@partnership_view(roles=READERS)
@require_GET
def panel_csv(request: HttpRequest, panel: str) -> HttpResponse:
    """One panel's figures as CSV: the table beside its chart."""
    _form, dashboard = _dashboard(request, only=_panel_key(panel))
    response = HttpResponse(register_csv(dashboard.panels[0].csv_rows()), content_type="text/csv; charset=utf-8")
    period = f"-{dashboard.period.slug}" if dashboard.period.kind != "all" else ""
    name = f"scrutiny-{panel.replace('_', '-')}-{request.partnership.slug}{period}-{dashboard.today:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@partnership_view(roles=READERS)
@require_GET
def overdue_actions(request: HttpRequest) -> HttpResponse:
    """The overdue actions a figure counts: all, one lead agency's (another partnership's agency lists none), those
    of the recommendations one statutory partner leads, or both."""
    filters = OverdueActionsFilterForm(request.GET)
    today = timezone.localdate()
    if not filters.is_valid():
        # A link edited by hand: listing every action instead would show a list its figure does not count.
        return render(request, "scrutiny/overdue_actions.html", {"problem": filters.errors, "today": today}, status=400)
    agency_id, partner = filters.cleaned_data["agency"], filters.cleaned_data["partner"]
    actions = actions_visible(
        partnership=request.partnership,
        membership=request.membership,
        agency_id=agency_id,
        lead_partner=partner or None,
        overdue_on=today,
    )
    page = OneQueryPaginator(actions, ACTIONS_PER_PAGE).get_page(request.GET.get("page"))
    agency_name = page.object_list[0].lead_agency.name if agency_id and page.object_list else ""
    context = {
        "page": page,
        "agency_id": agency_id,
        "agency_name": agency_name,
        "partner_name": dict(STATUTORY_PARTNERS).get(partner, ""),
        "today": today,
    }
    return render(request, "scrutiny/overdue_actions.html", context)


@partnership_view(roles=READERS)
@require_GET
def panel_records(request: HttpRequest, panel: str) -> HttpResponse:
    """The records one figure counts (a bar, a cell): the same filters, through the filter its count used."""
    if panel not in RECORD_PANELS:
        raise Http404("No such figure.")
    form, period, agency_id, _years = _filters(request)
    try:
        if form.errors:
            raise ValueError("The link's period, agency or cycle is not one the dashboard offers.")
        figure = figure_records(
            partnership=request.partnership,
            today=timezone.localdate(),
            panel=panel,
            row=request.GET.get("row", ""),
            column=request.GET.get("column", ""),
            period=period or EVERY_YEAR,
            agency_id=agency_id,
        )
    except ValueError as error:
        # A link that names no figure (edited by hand, or out of date): bad input, said plainly, not a 500.
        return render(request, "scrutiny/figure_records.html", {"problem": str(error)}, status=400)
    page = OneQueryPaginator(figure.records, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    back = request.GET.copy()
    for name in ("row", "column", "page"):
        back.pop(name, None)
    return render(request, "scrutiny/figure_records.html", {"figure": figure, "page": page, "back": back.urlencode()})
