"""The records behind the dashboard's last figures without a list (recommendations by months since agreed, overdue
actions by statutory partner), the heat maps' choice of cycle, and the reports' open reviews section: each figure
against its list on small hand-built data, bucket boundaries included, and another partnership's rows never
counted, listed or offered."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

import scrutiny.selectors.dashboard as dashboard_module
from partnership.models import StatutoryPartner
from partnership.models.recommendations import Action, Recommendation
from reviews.models import RapidReview
from scrutiny.selectors.dashboard import scrutiny_dashboard
from scrutiny.selectors.period import EVERY_YEAR, period_resolve
from tests.conftest import login, main_content
from tests.partnership.action_plan_factories import action_make, recommendation_make
from tests.reviews.factories import rapid_review_make
from tests.scrutiny.test_dashboard_panels import compliance  # noqa: F401 (the hand-scored cycles, a fixture)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
State = Recommendation.State


def _dashboard(world, *, membership=None, agency=None, period=EVERY_YEAR, cycles=None, today=TODAY):
    return scrutiny_dashboard(
        partnership=world.partnership,
        membership=membership or world.business_manager,
        today=today,
        years=[],
        period=period,
        agency_id=agency.pk if agency else None,
        cycles=cycles,
    )


def _rows(client, url) -> list[str]:
    """The list's rows (each row's first cell), from a page that must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, url
    body = response.content.decode()
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in body else ""
    return [row.split("</td>", 1)[0] for row in table.split("<tr>")[1:]]


# --- Recommendations by months since agreed --------------------------------------------------------------------


def _agreed(world, state: str, at: datetime, reference: str) -> Recommendation:
    recommendation = recommendation_make(world, state=State.ACTION_PLANNING, actions=0)
    Recommendation.objects.filter(pk=recommendation.pk).update(state=state, signed_off_at=at, reference=reference)
    return recommendation


def _noon(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def ages(world_a, world_b):
    """By hand, today Monday 2 March 2026: 3 months ago is 2 December 2025, 6 months ago 2 September 2025, 12 months
    ago 2 March 2025. A bucket holds the day after its older boundary up to its newer boundary (the newer boundary's
    day falls in the older bucket: agreed on 2 December 2025 is 3 to 6 months).

    - in progress: R1 1 Mar 2026 and R2 3 Dec 2025 (under 3); R3 2 Dec 2025 (3 to 6, the boundary); R4 at 00:30 on
      3 Sep 2025, British summer time (still 2 September in UTC: 3 to 6 by the local day, as the page shows it);
    - action planning: R5 2 Sep 2025 (6 to 12, the boundary), R6 3 Mar 2025 (6 to 12); R7 2 Mar 2025 (over 12);
    - signed off, no plan yet: R8 1 Jan 2020 (over 12);
    - never counted: a completed one (R9), a draft (R10), world_b's in progress agreed yesterday (B1).
    """
    made = {
        "R1": _agreed(world_a, State.IN_PROGRESS, _noon(date(2026, 3, 1)), "R1"),
        "R2": _agreed(world_a, State.IN_PROGRESS, _noon(date(2025, 12, 3)), "R2"),
        "R3": _agreed(world_a, State.IN_PROGRESS, _noon(date(2025, 12, 2)), "R3"),
        "R4": _agreed(world_a, State.IN_PROGRESS, timezone.make_aware(datetime(2025, 9, 3, 0, 30)), "R4"),
        "R5": _agreed(world_a, State.ACTION_PLANNING, _noon(date(2025, 9, 2)), "R5"),
        "R6": _agreed(world_a, State.ACTION_PLANNING, _noon(date(2025, 3, 3)), "R6"),
        "R7": _agreed(world_a, State.ACTION_PLANNING, _noon(date(2025, 3, 2)), "R7"),
        "R8": _agreed(world_a, State.SIGNED_OFF, _noon(date(2020, 1, 1)), "R8"),
        "R9": _agreed(world_a, State.COMPLETED, _noon(date(2025, 1, 1)), "R9"),
        "R10": _agreed(world_a, State.DRAFT, _noon(date(2025, 1, 1)), "R10"),
        "B1": _agreed(world_b, State.IN_PROGRESS, _noon(date(2026, 3, 1)), "B1"),
    }
    Recommendation.objects.filter(pk=made["R10"].pk).update(signed_off_at=None)
    return made


def test_each_age_figure_lists_exactly_the_recommendations_it_counts(world_a, ages, client_for, monkeypatch):
    panel = _dashboard(world_a).panel("recommendation_age")
    # Under 3 months, 3 to 6, 6 to 12, over 12.
    expected = {
        "Signed off": [[], [], [], ["R8"]],
        "Action planning": [[], [], ["R6", "R5"], ["R7"]],
        "In progress": [["R2", "R1"], ["R4", "R3"], [], []],
    }
    assert [(label, [f.value for f in figures]) for label, figures in panel.rows] == [
        (label, [len(refs) for refs in buckets]) for label, buckets in expected.items()
    ]
    monkeypatch.setattr("scrutiny.views.timezone.localdate", lambda: TODAY)
    client = client_for(world_a.scrutineer.person)
    for label, figures in panel.rows:
        for figure, references in zip(figures, expected[label], strict=True):
            if not figure.value:
                assert figure.url == ""  # a zero has nothing to list
                continue
            listed = _rows(client, figure.url)
            assert len(listed) == figure.value, (label, figure.url)
            # The longest agreed first; only world_a's, never a child.
            assert [row.rsplit("</a>", 1)[0].rsplit(">", 1)[1] for row in listed] == references
    body = client.get(panel.rows[2][1][1].url).content.decode()
    assert "<h1>Agreed recommendations in progress, agreed 3 to 6 months ago</h1>" in body
    assert "3 Sep 2025" in body  # R4 by its local day
    assert (
        reverse(
            "partnership:recommendation_detail",
            kwargs={"slug": world_a.partnership.slug, "recommendation_id": ages["R3"].pk},
        )
        in body
    )


def test_the_age_list_refuses_a_figure_the_panel_does_not_have(world_a, ages, client_for):
    url = reverse("scrutiny:panel_records", kwargs={"slug": world_a.partnership.slug, "panel": "recommendation_age"})
    client = client_for(world_a.scrutineer.person)
    for query in ("row=completed&column=over_12", "row=draft&column=under_3", "row=in_progress&column=soon", ""):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, query
        assert 'data-testid="figure-problem"' in response.content.decode()


def test_the_api_lists_the_recommendations_behind_an_age_figure(world_a, world_b, ages, monkeypatch):
    monkeypatch.setattr("scrutiny.api.dashboard.timezone.localdate", lambda: TODAY)
    url = reverse(
        "scrutiny_api:figure_records", kwargs={"slug": world_a.partnership.slug, "panel": "recommendation_age"}
    )
    client = login(APIClient(), world_a.scrutineer.person)
    data = client.get(url, {"row": "in_progress", "column": "3_to_6"}).json()
    assert [(r["kind"], r["reference"], r["on"], r["stage"], r["detail"]) for r in data["results"]] == [
        ("recommendation", "R4", "2025-09-03", "In progress", "Local authority"),
        ("recommendation", "R3", "2025-12-02", "In progress", "Local authority"),
    ]
    assert client.get(url, {"row": "closed", "column": "3_to_6"}).status_code == 400
    assert login(APIClient(), world_b.bm).get(url, {"row": "in_progress", "column": "under_3"}).status_code == 404


# --- Overdue actions by statutory partner --------------------------------------------------------------------


def _overdue(world, recommendation, *, days_late: int, agency=None) -> Action:
    action = action_make(world, recommendation, agency=agency)
    Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=days_late))
    return action


@pytest.fixture
def overdue(world_a, world_b):
    """By hand: the local authority leads a recommendation with three overdue actions (two the school leads, one the
    council), one done and one not yet due (its action from the factory); the police lead one with one overdue
    action the council leads, and the action due today (not overdue). World_b's police-led overdue action never
    counts."""
    la = recommendation_make(world_a, state=State.IN_PROGRESS)
    _overdue(world_a, la, days_late=10)
    _overdue(world_a, la, days_late=1)
    _overdue(world_a, la, days_late=3, agency=world_a.council)
    done = _overdue(world_a, la, days_late=5)
    Action.objects.filter(pk=done.pk).update(completed_at=timezone.now())
    # Action planning: a plan cannot be agreed without its actions, and the figures do not ask the state.
    police = recommendation_make(world_a, lead_partner=StatutoryPartner.POLICE, actions=0)
    _overdue(world_a, police, days_late=2, agency=world_a.council)
    _overdue(world_a, police, days_late=0, agency=world_a.council)
    other = recommendation_make(world_b, lead_partner=StatutoryPartner.POLICE, actions=0)
    _overdue(world_b, other, days_late=4)


def _partner_figures(world, membership, agency=None):
    panel = _dashboard(world, membership=membership, agency=agency, today=timezone.localdate()).panel(
        "overdue_by_partner"
    )
    return [(label, figures[0]) for label, figures in panel.rows]


@pytest.mark.parametrize(
    ("reader", "agency", "expected"),
    [
        ("business_manager", None, [("Local authority", 3), ("Police", 1)]),
        ("business_manager", "council", [("Local authority", 1), ("Police", 1)]),
        ("business_manager", "school", [("Local authority", 2)]),
        ("police_lead", None, [("Police", 1)]),  # a partner lead counts, and lists, only what they may see
    ],
)
def test_each_partner_figure_lists_exactly_the_actions_it_counts(  # noqa: PLR0917
    world_a, overdue, client_for, reader, agency, expected
):
    membership = getattr(world_a, reader)
    figures = _partner_figures(world_a, membership, agency=getattr(world_a, agency) if agency else None)
    assert [(label, figure.value) for label, figure in figures] == expected
    client = client_for(membership.person)
    for _label, figure in figures:
        assert len(_rows(client, figure.url)) == figure.value, figure.url


def test_the_api_lists_the_actions_behind_a_partner_figure(world_a, world_b, overdue):
    figures = dict(_partner_figures(world_a, world_a.business_manager, agency=world_a.council))
    client = login(APIClient(), world_a.bm)
    url = reverse("api:action_list", kwargs={"slug": world_a.partnership.slug})
    for partner, label in (("local_authority", "Local authority"), ("police", "Police")):
        data = client.get(url, {"lead_partner": partner, "agency_id": world_a.council.pk, "overdue": "true"}).json()
        assert data["count"] == figures[label].value == 1, partner
    assert client.get(url, {"lead_partner": "police", "overdue": "true"}).json()["count"] == 1  # not world_b's
    refused = client.get(url, {"lead_partner": "mayor"})
    assert refused.status_code == 400
    assert list(refused.json()) == ["lead_partner"]


def test_the_partner_list_says_what_it_lists_and_refuses_nonsense(world_a, world_b, overdue, client_for):
    client = client_for(world_a.scrutineer.person)
    url = reverse("scrutiny:overdue_actions", kwargs={"slug": world_a.partnership.slug})
    body = client.get(f"{url}?partner=police").content.decode()
    assert "<h1>Overdue actions: lead partner Police</h1>" in body
    assert "lead statutory partner is police" in body
    body = client.get(f"{url}?partner=health").content.decode()
    assert "No action is overdue on a recommendation whose lead statutory partner is health." in body
    # Another partnership's agency is a number that lists nothing, as before; a word is refused, not listed as all.
    assert _rows(client, f"{url}?partner=police&agency={world_b.school.pk}") == []
    for query in ("partner=mayor", "agency=abc", "agency=0"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 400, query
        assert 'data-testid="figure-problem"' in response.content.decode()


# --- Another partnership ---------------------------------------------------------------------------------------


def test_another_partnerships_lists_are_not_found_and_its_rows_never_listed(  # noqa: PLR0917
    world_a, world_b, ages, overdue, client_for, monkeypatch
):
    slug_a, slug_b = world_a.partnership.slug, world_b.partnership.slug
    ages_a = reverse("scrutiny:panel_records", kwargs={"slug": slug_a, "panel": "recommendation_age"})
    overdue_a = reverse("scrutiny:overdue_actions", kwargs={"slug": slug_a})
    outsider = client_for(world_b.scrutineer.person)
    assert outsider.get(f"{ages_a}?row=in_progress&column=under_3").status_code == 404
    assert outsider.get(f"{overdue_a}?partner=police").status_code == 404
    # World_b's own lists: its one recommendation agreed yesterday and its one overdue action, nothing of world_a's.
    ages_b = reverse("scrutiny:panel_records", kwargs={"slug": slug_b, "panel": "recommendation_age"})
    overdue_b = reverse("scrutiny:overdue_actions", kwargs={"slug": slug_b})
    assert len(_rows(outsider, f"{overdue_b}?partner=police")) == 1
    assert _rows(outsider, f"{overdue_b}?partner=local_authority") == []
    # The ages are as of TODAY (the overdue actions are as of the real day, so they were listed first).
    monkeypatch.setattr("scrutiny.views.timezone.localdate", lambda: TODAY)
    assert len(_rows(outsider, f"{ages_b}?row=in_progress&column=under_3")) == 1
    assert _rows(outsider, f"{ages_b}?row=in_progress&column=3_to_6") == []
    mine = client_for(world_a.scrutineer.person)
    assert "B1" not in main_content(mine.get(f"{ages_a}?row=in_progress&column=under_3").content.decode())


# --- The heat maps' choice of cycle ----------------------------------------------------------------------------


def _cells(panel) -> set[str]:
    return {f.text for _label, figures in panel.rows for f in figures}


def test_a_chosen_cycle_replaces_the_latest_whatever_the_period(world_a, compliance):  # noqa: F811
    q2 = period_resolve(kind="quarter", year=2025, quarter=2)
    latest = _dashboard(world_a, period=q2).panel("section_11")
    assert compliance["newer"].title in latest.chart.title
    older = _dashboard(world_a, period=q2, cycles={"section_11": compliance["older"].pk})
    assert compliance["older"].title in older.panel("section_11").chart.title
    assert "Self 1, not moderated" in _cells(older.panel("section_11"))
    assert "Self 2, moderated 1" not in _cells(older.panel("section_11"))
    assert older.panel("section_11").explanation.startswith("The cycle chosen (whenever it opened")
    assert older.panel("section_175").rows == latest_schools_rows(world_a, q2)  # the other map keeps the latest
    # A year with no cycle opened: the chosen cycle still shows; the other map says the period has none.
    none_opened = _dashboard(
        world_a, period=period_resolve(kind="year", year=2026), cycles={"section_11": compliance["newer"].pk}
    )
    assert "Self 2, moderated 1" in _cells(none_opened.panel("section_11"))
    assert none_opened.panel("section_175").chart.description == "No s175 self-assessment cycle was opened in 2026."
    # One agency narrows the chosen cycle too; an agency with no return in it says the cycle has none to show.
    council = _dashboard(world_a, agency=world_a.council, cycles={"section_11": compliance["older"].pk})
    assert [label for label, _ in council.panel("section_11").rows] == [world_a.council.name]
    schools = _dashboard(world_a, agency=world_a.council, cycles={"section_175": compliance["schools"].pk})
    assert schools.panel("section_175").chart.description == "The s175 cycle chosen has no return to show."


def latest_schools_rows(world, period):
    return _dashboard(world, period=period).panel("section_175").rows


def test_the_cycle_choice_on_the_page_csv_and_api(world_a, world_b, compliance, client_for):  # noqa: F811
    client = client_for(world_a.scrutineer.person)
    slug = world_a.partnership.slug
    older = compliance["older"].pk
    # Custom dates: the year field offers only years with a rapid review notified, and this world has none.
    query = f"?period=custom&start=2025-04-01&end=2025-06-30&section_11_cycle={older}"
    response = client.get(reverse("scrutiny:dashboard", kwargs={"slug": slug}) + query)
    body = response.content.decode()
    assert response.status_code == 200
    assert '<label class="label" for="id_section_11_cycle">Section 11 cycle</label>' in body
    assert '<label class="label" for="id_section_175_cycle">s175 cycle (schools)</label>' in body
    assert f'<option value="{older}" selected>{compliance["older"].title}</option>' in body
    other = compliance_cycle_of(world_b)
    offered = body.split('id="id_section_11_cycle"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{other}"' not in offered  # another partnership's cycle is never offered
    assert f'<option value="{compliance["newer"].pk}"' in offered
    section = body.split('data-testid="panel-section_11"', 1)[1].split("</section>", 1)[0]
    assert "There is a problem" not in body
    assert "Self 1, not moderated" in section
    assert "Self 2, moderated 1" not in section
    csv_url = reverse("scrutiny:panel_csv", kwargs={"slug": slug, "panel": "section_11"})
    assert f"{csv_url}?period=custom&amp;start=2025-04-01&amp;end=2025-06-30&amp;section_11_cycle={older}" in body

    rows = list(csv.reader(io.StringIO(client.get(csv_url + query).content.decode("utf-8-sig"))))
    cells = {cell for row in rows[1:] for cell in row[1:]}
    assert "Self 1, not moderated" in cells
    assert "Self 2, moderated 1" not in cells

    api = login(APIClient(), world_a.scrutineer.person)
    data = api.get(
        reverse("scrutiny_api:dashboard", kwargs={"slug": slug}),
        {"period": "quarter", "year": 2025, "quarter": 2, "section_11_cycle": older},
    ).json()
    assert (data["section_11_cycle"], data["section_175_cycle"]) == (older, None)
    panel = next(p for p in data["panels"] if p["key"] == "section_11")
    assert compliance["older"].title in panel["title"]


def compliance_cycle_of(world) -> int:
    from audits.models import SelfAssessmentCycle

    return SelfAssessmentCycle.objects.filter(partnership=world.partnership).values_list("pk", flat=True).first()


def test_a_cycle_not_offered_is_a_field_error_never_a_500(world_a, world_b, compliance, client_for):  # noqa: F811
    client = client_for(world_a.scrutineer.person)
    slug = world_a.partnership.slug
    page = reverse("scrutiny:dashboard", kwargs={"slug": slug})
    api = login(APIClient(), world_a.scrutineer.person)
    api_url = reverse("scrutiny_api:dashboard", kwargs={"slug": slug})
    refused = {
        "section_11_cycle": [compliance_cycle_of(world_b), "abc", compliance["schools"].pk],  # theirs, a word, s175's
        "section_175_cycle": [compliance["newer"].pk, "-1"],
    }
    for field, values in refused.items():
        for value in values:
            response = client.get(f"{page}?period=all&{field}={value}")
            body = response.content.decode()
            assert response.status_code == 200, (field, value)
            assert "There is a problem" in body
            assert f'id="id_{field}-error"' in body
            assert f'href="#id_{field}"' in body  # the summary links to the field
            assert "cycles from the list." in body
            answer = api.get(api_url, {field: value})
            assert answer.status_code == 400, (field, value)
            assert list(answer.json()) == [field]
    # A figure's list given a cycle not offered refuses the link, as it refuses a bad period.
    records = reverse("scrutiny:panel_records", kwargs={"slug": slug, "panel": "decisions"})
    assert client.get(f"{records}?period=all&section_11_cycle=abc&row=2025&column=lcspr").status_code == 400


# --- The reports' open reviews section -------------------------------------------------------------------------


def _open_rapid_review(world, due: date, reference: str, state=RapidReview.State.GATHERING):
    review = rapid_review_make(world, reference=reference)
    RapidReview.objects.filter(pk=review.pk).update(state=state, panel_submission_due_on=due)
    return review


def test_the_report_shows_open_reviews_as_they_stood_when_produced(world_a, world_b, monkeypatch):
    """By hand, produced on Monday 2 March 2026: gathering information due Fri 27 Feb (overdue) and Mon 9 Mar (5
    working days left); awaiting sign-off due Tue 10 Mar (6). One sent to the Panel is closed; world_b's, due today,
    never counts."""
    from scrutiny.report_sections import ReportScope, report_section_keys, report_sections_for

    keys = report_section_keys()
    assert keys.index("dashboard") < keys.index("open_reviews") < keys.index("recommendations")
    scope = ReportScope(
        partnership=world_a.partnership, start=date(2025, 10, 1), end=date(2025, 12, 31), kind="quarterly"
    )
    monkeypatch.setattr(dashboard_module, "timezone", SimpleNamespace(localdate=lambda: TODAY))
    assert "open_reviews" not in [s.key for s in report_sections_for(scope)]  # nothing open: left out

    _open_rapid_review(world_a, date(2026, 2, 27), "SI-R1")
    _open_rapid_review(world_a, date(2026, 3, 9), "SI-R2")
    _open_rapid_review(world_a, date(2026, 3, 10), "SI-R3", state=RapidReview.State.AWAITING_SIGN_OFF)
    _open_rapid_review(world_a, date(2026, 2, 1), "SI-R4", state=RapidReview.State.SENT_TO_PANEL)
    _open_rapid_review(world_b, date(2026, 3, 2), "SI-X1")

    section = next(s for s in report_sections_for(scope) if s.key == "open_reviews")
    assert section.title == "Open reviews and their statutory deadlines"
    assert section.paragraphs[0].startswith("As the reviews stood on 2 March 2026, when this report was produced.")
    (table,) = section.tables
    assert table.caption == "Open reviews by stage and working days left to their deadline, on 2 March 2026"
    assert table.headers == (
        "Stage",
        "Overdue",
        "0 to 5 working days left",
        "6 to 10 working days left",
        "11 or more working days left",
    )
    assert table.rows == (
        ("Rapid review: gathering information", "1", "1", "0", "0"),
        ("Rapid review: decision awaiting partner sign-off", "0", "0", "1", "0"),
    )
    (chart,) = section.charts
    assert chart.title == table.caption
    assert chart.svg.lstrip().startswith("<svg")
    assert "on 2 March 2026" in chart.svg
    # The same figures as the dashboard's panel on that day.
    panel = _dashboard(world_a, today=TODAY).panel("open_reviews")
    assert table.rows == tuple((label, *(str(f.value) for f in figures)) for label, figures in panel.rows)


def test_the_open_reviews_section_reaches_the_word_document(world_a, monkeypatch):
    from docx import Document as WordDocument

    from scrutiny.models import ReportVersionDocx
    from scrutiny.services import report_render
    from scrutiny.services import reports as report_services

    monkeypatch.setattr(dashboard_module, "timezone", SimpleNamespace(localdate=lambda: TODAY))
    _open_rapid_review(world_a, date(2026, 2, 27), "SI-R1")
    report = report_services.scrutiny_report_create(
        partnership=world_a.partnership, actor=world_a.bm, kind="quarterly", reporting_year=2025, quarter=3
    )
    version = report_render.scrutiny_report_render_request(
        partnership=world_a.partnership, actor=world_a.bm, report=report
    )
    # The worker's side of the Word copy (the PDF's is the documents kernel's).
    report_render.report_version_docx_render(partnership=world_a.partnership, version_id=version.pk)
    document = WordDocument(io.BytesIO(bytes(ReportVersionDocx.objects.get(version=version).docx)))
    assert "Open reviews and their statutory deadlines" in [p.text for p in document.paragraphs]
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "Rapid review: gathering information" in cells
