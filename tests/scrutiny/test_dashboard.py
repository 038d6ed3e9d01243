"""The scrutiny dashboard: figures against hand-counted data, the chart, the CSV, the lists behind figures, roles,
and another partnership's rows never counted or listed."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import StatutoryPartner
from partnership.models.recommendations import Action, Recommendation
from scrutiny.charts import Series
from scrutiny.report_sections import ReportScope
from scrutiny.selectors.dashboard import dashboard_report_section, scrutiny_dashboard
from tests.partnership.action_plan_factories import action_make, recommendation_make
from tests.reviews.test_timeliness import _review

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def _slug(world) -> str:
    return world.partnership.slug


def dashboard_url(world, **query) -> str:
    url = reverse("scrutiny:dashboard", kwargs={"slug": _slug(world)})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def _overdue(world, recommendation, *, days_late: int, agency=None) -> Action:
    action = action_make(world, recommendation, agency=agency)
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=days_late))
    return action


@pytest.fixture
def figures(world_a, world_b):
    """Hand-counted: 2025 Q1 two on time and one late; 2025 Q2 one late; 2026 Q1 one late. Three overdue actions
    (two the school's, one the council's), one done and one not yet due; world_b's of each must never count."""
    _review(world_a, date(2025, 1, 15), taken=12, reference="SI-A1")
    _review(world_a, date(2025, 2, 10), taken=15, reference="SI-A2")
    _review(world_a, date(2025, 3, 20), taken=44, reason="Complexity", reference="SI-A3")
    _review(world_a, date(2025, 4, 10), taken=51, reference="SI-B1")
    _review(world_a, date(2026, 1, 12), taken=61, reference="SI-D1")
    _review(world_b, date(2025, 1, 20), taken=99, reference="SI-X1")

    in_progress = recommendation_make(world_a, state=Recommendation.State.IN_PROGRESS)  # its action: due in 60 days
    _overdue(world_a, in_progress, days_late=10)
    _overdue(world_a, in_progress, days_late=1)
    _overdue(world_a, in_progress, days_late=3, agency=world_a.council)
    done = _overdue(world_a, in_progress, days_late=5)
    Action.objects.filter(pk=done.pk).update(completed_at=timezone.now())
    recommendation_make(world_a, state=Recommendation.State.ACTION_PLANNING, actions=0)

    other = recommendation_make(world_b, state=Recommendation.State.IN_PROGRESS)
    _overdue(world_b, other, days_late=4)
    return in_progress


def _panel(dashboard, key):
    return dashboard.panel(key)


def _values(panel):
    return [(label, [f.value for f in figures]) for label, figures in panel.rows]


def test_figures_match_the_hand_count(world_a, figures):
    dashboard = scrutiny_dashboard(
        partnership=world_a.partnership,
        membership=world_a.business_manager,
        today=timezone.localdate(),
        year=None,
        years=[],
    )
    assert _values(_panel(dashboard, "timeliness")) == [
        ("2025 Q1", [2, 1, 0]),
        ("2025 Q2", [0, 1, 0]),
        ("2026 Q1", [0, 1, 0]),
    ]
    states = dict(_values(_panel(dashboard, "recommendations")))
    assert states[Recommendation.State.IN_PROGRESS.label] == [1]
    assert states[Recommendation.State.ACTION_PLANNING.label] == [1]
    assert sum(v[0] for v in states.values()) == 2  # world_b's recommendation is not counted
    assert _values(_panel(dashboard, "overdue_actions")) == [(world_a.school.name, [2]), (world_a.council.name, [1])]


def test_a_year_narrows_timeliness_only(world_a, figures):
    dashboard = scrutiny_dashboard(
        partnership=world_a.partnership,
        membership=world_a.business_manager,
        today=timezone.localdate(),
        year=2026,
        years=[],
    )
    assert _values(_panel(dashboard, "timeliness")) == [("2026 Q1", [0, 1, 0])]
    assert len(_panel(dashboard, "overdue_actions").rows) == 2


def test_an_empty_partnership_has_empty_panels_that_say_so(world_a, client_for):
    response = client_for(world_a.scrutineer.person).get(dashboard_url(world_a))
    body = response.content.decode()
    assert response.status_code == 200
    assert "No rapid review was notified in any year." in body
    assert "No action is overdue." in body
    assert 'data-testid="chart-timeliness"' not in body


def test_each_figure_links_to_exactly_the_records_it_counts(world_a, figures, client_for):
    client = client_for(world_a.business_manager.person)
    dashboard = scrutiny_dashboard(
        partnership=world_a.partnership,
        membership=world_a.business_manager,
        today=timezone.localdate(),
        year=2025,
        years=[],
    )
    late_q1 = _panel(dashboard, "timeliness").rows[0][1][1]
    assert late_q1.value == 1
    listed = client.get(late_q1.url).content.decode()
    assert "SI-A3" in listed
    assert "SI-A1" not in listed

    school_figure = _panel(dashboard, "overdue_actions").rows[0][1][0]
    page = client.get(school_figure.url)
    assert page.status_code == 200
    assert page.content.decode().count("<tr>") - 1 == school_figure.value == 2

    in_progress = next(
        figures for label, figures in _panel(dashboard, "recommendations").rows if label == "In progress"
    )
    register = client.get(in_progress[0].url).content.decode()
    assert figures.reference in register


def _directives(policy: str) -> dict[str, str]:
    return {d.strip().split(" ", 1)[0]: d.strip().partition(" ")[2] for d in policy.split(";") if d.strip()}


def test_the_page_shows_chart_table_and_csv_link(world_a, figures, client_for):
    response = client_for(world_a.scrutineer.person).get(dashboard_url(world_a, year=2025))
    body = response.content.decode()
    assert response.status_code == 200
    for key in ("timeliness", "recommendations", "overdue_actions"):
        assert f'data-testid="chart-{key}"' in body
        assert f'data-testid="table-{key}"' in body
        csv_url = reverse("scrutiny:panel_csv", kwargs={"slug": _slug(world_a), "panel": key})
        assert csv_url + "?period=year&amp;year=2025" in body
    # The charts are <object>s (an <img> never follows a bar's link), named for a screen reader, the table beside.
    chart_url = reverse("scrutiny:panel_chart", kwargs={"slug": _slug(world_a), "panel": "timeliness"})
    assert f'<object class="chart" type="image/svg+xml" data="{chart_url}?period=year&amp;year=2025"' in body
    assert 'aria-label="Rapid review timeliness, reviews notified in 2025: chart, each bar a link' in body
    assert '<img class="chart"' not in body
    # The page's policy lets it embed this site's objects, and nothing else changed: no inline script or style.
    policy = _directives(response["Content-Security-Policy"])
    assert policy["object-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_the_chart_is_inert_svg_with_a_title_and_description(world_a, figures, client_for):
    url = reverse("scrutiny:panel_chart", kwargs={"slug": _slug(world_a), "panel": "timeliness"}) + "?year=2025"
    response = client_for(world_a.scrutineer.person).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    # Its own policy: no script, framed by this site's pages only, and a sandbox lifted for one thing, a click on a
    # bar taking the page to its records.
    policy = _directives(response["Content-Security-Policy"])
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in policy
    assert policy["style-src"] == "'unsafe-inline'"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["sandbox"] == "allow-top-navigation-by-user-activation"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own response, not untrusted input)
    # Not role="img": an image's content, its links too, would be hidden from a screen reader.
    assert root.get("role") is None
    assert root.get("aria-labelledby", "").endswith("-title " + root.get("id") + "-desc")
    assert root[0].tag == f"{SVG}title"
    assert root[0].text == "Rapid review timeliness, reviews notified in 2025"
    assert root[1].tag == f"{SVG}desc"
    assert "2025 Q1: 2 within 15 working days, 1 late" in root[1].text
    assert not list(root.iter(f"{SVG}script"))
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"2025 Q1", "2025 Q2"} <= texts


def test_each_bar_links_to_the_records_behind_it(world_a, world_b, figures, client_for):
    client = client_for(world_a.scrutineer.person)
    url = reverse("scrutiny:panel_chart", kwargs={"slug": _slug(world_a), "panel": "timeliness"}) + "?year=2025"
    root = ElementTree.fromstring(client.get(url).content)  # noqa: S314 (our own response, not untrusted input)
    links = {a.get("aria-label"): a for a in root.iter(f"{SVG}a")}
    # One link per bar with a figure (zeros draw no bar and list nothing), named as the table names the figure.
    assert set(links) == {"2025 Q1, Within 15 working days: 2", "2025 Q1, Late: 1", "2025 Q2, Late: 1"}
    dashboard = scrutiny_dashboard(
        partnership=world_a.partnership, membership=world_a.scrutineer, today=timezone.localdate(), year=2025, years=[]
    )
    table = _panel(dashboard, "timeliness").rows
    late_q1 = links["2025 Q1, Late: 1"]
    assert late_q1.get("href") == table[0][1][1].url
    for link in links.values():
        href = link.get("href")
        # A path of this partnership's pages, never another site's (no scheme, no host) nor another partnership's.
        assert href.startswith(f"/p/{_slug(world_a)}/scrutiny/"), href
        assert world_b.partnership.slug not in href
        assert link.get("target") == "_top"
        assert link.find(f"{SVG}rect") is not None, "the bar itself is the link"
    listed = client.get(late_q1.get("href")).content.decode()
    assert "SI-A3" in listed
    assert "SI-A1" not in listed

    # A panel built by hand links too: the overdue actions of each lead agency.
    url = reverse("scrutiny:panel_chart", kwargs={"slug": _slug(world_a), "panel": "overdue_actions"})
    root = ElementTree.fromstring(client.get(url).content)  # noqa: S314 (our own response, not untrusted input)
    hrefs = {a.get("aria-label"): a.get("href") for a in root.iter(f"{SVG}a")}
    overdue = reverse("scrutiny:overdue_actions", kwargs={"slug": _slug(world_a)})
    assert hrefs == {
        f"{world_a.school.name}, Overdue actions: 2": f"{overdue}?agency={world_a.school.pk}",
        f"{world_a.council.name}, Overdue actions: 1": f"{overdue}?agency={world_a.council.pk}",
    }


def test_a_reports_chart_draws_the_same_bars_without_links(world_a, figures):
    # A PDF is read away from the site: a path into the partnership's pages would lead nowhere.
    scope = ReportScope(partnership=world_a.partnership, start=date(2025, 1, 1), end=date(2025, 12, 31), kind="annual")
    (timeliness,) = (c for c in dashboard_report_section(scope).charts if c.title.startswith("Rapid review timeliness"))
    root = ElementTree.fromstring(timeliness.svg)  # noqa: S314 (our own chart, not untrusted input)
    assert not list(root.iter(f"{SVG}a"))
    assert root.get("role") == "img"
    assert "2025 Q1: 2 within 15 working days, 1 late" in root[1].text


def test_the_same_figures_draw_the_same_svg(world_a, figures):
    """pygal names each chart with a random id and a comment with the day it was drawn: a report's HTML would then
    differ on every request and make a new version to render, the same data or not."""
    scope = ReportScope(partnership=world_a.partnership, start=date(2025, 1, 1), end=date(2025, 12, 31), kind="annual")
    first, again = (dashboard_report_section(scope).charts for _ in range(2))
    assert [c.svg for c in first] == [c.svg for c in again]
    assert not any("<!--" in c.svg for c in first)
    ids = [ElementTree.fromstring(c.svg).get("id") for c in first]  # noqa: S314 (our own chart)
    assert len(set(ids)) == len(ids) > 1  # each chart's style sheet is scoped by its own id


def test_a_chart_links_only_to_this_sites_pages():
    elsewhere = ("https://elsewhere.example/p/", "//elsewhere.example/p/", "/\\elsewhere.example", "javascript:x")
    for link in (*elsewhere, "p/x"):
        with pytest.raises(ValueError, match="this site's pages"):
            Series(name="Late", values=(1,), links=(link,))
    with pytest.raises(ValueError, match="2 links for 1 values"):
        Series(name="Late", values=(1,), links=("/p/a/", "/p/b/"))
    assert Series(name="Late", values=(1, 0), links=("/p/a/scrutiny/records?row=2025-1", "")).links[1] == ""


def test_the_csv_holds_the_tables_figures(world_a, figures, client_for):
    url = reverse("scrutiny:panel_csv", kwargs={"slug": _slug(world_a), "panel": "overdue_actions"})
    response = client_for(world_a.scrutineer.person).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="scrutiny-overdue-actions-alpha-scp')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["Lead agency", "Overdue actions"], [world_a.school.name, "2"], [world_a.council.name, "1"]]


def test_an_unknown_panel_is_not_found(world_a, client_for):
    client = client_for(world_a.scrutineer.person)
    for name in ("panel_chart", "panel_csv"):
        assert (
            client.get(reverse(f"scrutiny:{name}", kwargs={"slug": _slug(world_a), "panel": "nope"})).status_code == 404
        )


def test_a_year_that_is_not_a_year_shows_every_year(world_a, figures, client_for):
    response = client_for(world_a.scrutineer.person).get(dashboard_url(world_a, year="abc"))
    assert response.status_code == 200
    assert "notified in any year" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("business_manager", 200),
        ("la_lead", 200),
        ("health_lead", 200),
        ("police_lead", 200),
        ("scrutineer", 200),
        ("practitioner", 403),
        ("agency_lead", 403),
        ("lay_member", 403),
        ("observer", 403),
    ],
)
def test_who_reads_the_dashboard(world_a, client_for, role, status):
    client = client_for(getattr(world_a, role).person)
    slug = _slug(world_a)
    urls = [
        dashboard_url(world_a),
        reverse("scrutiny:overdue_actions", kwargs={"slug": slug}),
        reverse("scrutiny:panel_chart", kwargs={"slug": slug, "panel": "recommendations"}),
        reverse("scrutiny:panel_csv", kwargs={"slug": slug, "panel": "recommendations"}),
    ]
    assert [client.get(url).status_code for url in urls] == [status] * 4


def test_another_partnerships_dashboard_is_not_found(world_a, world_b, client_for):
    client = client_for(world_a.scrutineer.person)
    slug = _slug(world_b)
    for url in (
        dashboard_url(world_b),
        reverse("scrutiny:overdue_actions", kwargs={"slug": slug}),
        reverse("scrutiny:panel_chart", kwargs={"slug": slug, "panel": "timeliness"}),
        reverse("scrutiny:panel_csv", kwargs={"slug": slug, "panel": "timeliness"}),
    ):
        assert client.get(url).status_code == 404


def test_another_partnerships_agency_lists_nothing(world_a, world_b, figures, client_for):
    url = reverse("scrutiny:overdue_actions", kwargs={"slug": _slug(world_a)}) + f"?agency={world_b.school.pk}"
    response = client_for(world_a.scrutineer.person).get(url)
    assert response.status_code == 200
    assert "No action is overdue for this agency." in response.content.decode()


def test_a_partner_lead_counts_only_the_actions_they_may_see(world_a, figures):
    police = scrutiny_dashboard(
        partnership=world_a.partnership, membership=world_a.police_lead, today=timezone.localdate(), year=None, years=[]
    )
    assert _panel(police, "overdue_actions").rows == ()


def test_the_dashboard_runs_a_fixed_number_of_queries(world_a, figures, client_for, django_assert_max_num_queries):
    client = client_for(world_a.scrutineer.person)
    # Session, person, second factor, membership; the years, agencies, the cycles the heat maps offer, each panel's
    # one query (both compliance heat maps share two: their weakest returns, then those returns' scores) and the
    # professional disagreements' figures (one).
    with django_assert_max_num_queries(24):
        assert client.get(dashboard_url(world_a, year="")).status_code == 200
    recommendation_make(world_a, state=Recommendation.State.IN_PROGRESS)
    _review(world_a, date(2024, 5, 5), taken=30)
    # Session, person, second factor, membership; the years, agencies, the cycles the heat maps offer, each panel's
    # one query (both compliance heat maps share two: their weakest returns, then those returns' scores) and the
    # professional disagreements' figures (one).
    with django_assert_max_num_queries(24):
        assert client.get(dashboard_url(world_a, year="")).status_code == 200


def test_overdue_actions_by_statutory_partner(world_a, world_b, figures):
    """The three overdue actions of the fixture belong to a recommendation the local authority leads; one more,
    the council's, to one the police lead. World_b's overdue action is never counted; a police lead sees only the
    action of the recommendation the police lead, as the panel by agency counts it."""
    police_led = recommendation_make(
        world_a, state=Recommendation.State.IN_PROGRESS, lead_partner=StatutoryPartner.POLICE
    )
    _overdue(world_a, police_led, days_late=2, agency=world_a.council)

    def partners(membership, agency=None):
        dashboard = scrutiny_dashboard(
            partnership=world_a.partnership,
            membership=membership,
            today=timezone.localdate(),
            year=None,
            years=[],
            agency_id=agency.pk if agency else None,
        )
        return _values(_panel(dashboard, "overdue_by_partner"))

    assert partners(world_a.business_manager) == [("Local authority", [3]), ("Police", [1])]
    assert partners(world_a.business_manager, agency=world_a.council) == [("Local authority", [1]), ("Police", [1])]
    assert partners(world_a.police_lead) == [("Police", [1])]
    police = scrutiny_dashboard(
        partnership=world_a.partnership, membership=world_a.police_lead, today=timezone.localdate(), year=None, years=[]
    )
    assert _values(_panel(police, "overdue_actions")) == [(world_a.council.name, [1])]
