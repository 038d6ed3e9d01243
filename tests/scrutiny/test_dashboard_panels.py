"""The scrutiny dashboard's period and agency filters and its review panels, against figures counted by hand:
quarter boundaries (31 March and 1 April), working days (Easter 2025 makes eight calendar days four working days),
empty periods, one agency, and another partnership's reviews never counted or listed. Then the lists behind the
figures, bad filters (field errors on the page, 400s on the API) and a query count that does not grow."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import DecisionOutcome, LearningReview, Methodology, RapidReview, RapidReviewDecision
from scrutiny.selectors.dashboard import scrutiny_dashboard
from scrutiny.selectors.period import EVERY_YEAR, PeriodError, period_resolve
from tests.conftest import login
from tests.reviews.factories import rapid_review_make
from tests.reviews.learning_review_factories import learning_review_make

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


def _review(world, *, aware: date, notified: date, taken: int | None, agency, outcome: str = "", reference: str):
    review = rapid_review_make(
        world,
        reference=reference,
        incident_on=aware - timedelta(days=1),
        la_aware_on=aware,
        panel_notified_on=notified,
        referring_agency=agency,
    )
    if taken is not None:
        RapidReview.objects.filter(pk=review.pk).update(
            state=RapidReview.State.SENT_TO_PANEL,
            sent_to_panel_on=notified + timedelta(days=taken * 2),
            working_days_taken=taken,
        )
    if outcome:
        RapidReviewDecision.objects.create(
            partnership=world.partnership,
            rapid_review=review,
            outcome=outcome,
            methodology=Methodology.PRACTITIONER if outcome == DecisionOutcome.LEARNING_REVIEW else "",
            reason_improvements_needed="-",
            reason_recurrent_themes="-",
            reason_agencies_working_together="-",
            reason_panel_view="-",
        )
    return review


def _learning_review(world, *, methodology: str, state: str, opened: date) -> LearningReview:
    review = learning_review_make(world, methodology=methodology)
    opened_at = timezone.make_aware(datetime(opened.year, opened.month, opened.day, 12))
    LearningReview.objects.filter(pk=review.pk).update(state=state, created_at=opened_at)
    return review


@pytest.fixture
def reviews(world_a, world_b):
    """By hand (notification working days from the local authority becoming aware; day 1 the next working day):

    - A1: aware Fri 28 Mar 2025, notified Mon 31 Mar (Q1's last day): 1 day, on time; sent on day 15: on time; LCSPR.
    - A2: aware Fri 28 Mar, notified Fri 4 Apr (Q2): 5 days, on time; sent on day 16: late; no further review.
    - A3: aware Thu 17 Apr, notified Fri 25 Apr: Good Friday and Easter Monday leave 4 days, on time; still open
      long past day 15: late; not yet decided. Referred by the school.
    - A4: aware Mon 2 Jun, notified Tue 10 Jun: 6 days, late; sent on day 10; another learning review. The school.
    - A5: aware and notified Tue 31 Dec 2024 (Q4): 0 days; sent on day 10; not yet decided.
    - B1 (another partnership): notified 31 Mar 2025, late, LCSPR: never counted for world_a.
    """
    council, school = world_a.council, world_a.school
    made = {
        "A1": _review(world_a, aware=date(2025, 3, 28), notified=date(2025, 3, 31), taken=15, agency=council,
                      outcome=DecisionOutcome.LCSPR, reference="SI-A1"),
        "A2": _review(world_a, aware=date(2025, 3, 28), notified=date(2025, 4, 4), taken=16, agency=council,
                      outcome=DecisionOutcome.NO_FURTHER_REVIEW, reference="SI-A2"),
        "A3": _review(world_a, aware=date(2025, 4, 17), notified=date(2025, 4, 25), taken=None, agency=school,
                      reference="SI-A3"),
        "A4": _review(world_a, aware=date(2025, 6, 2), notified=date(2025, 6, 10), taken=10, agency=school,
                      outcome=DecisionOutcome.LEARNING_REVIEW, reference="SI-A4"),
        "A5": _review(world_a, aware=date(2024, 12, 31), notified=date(2024, 12, 31), taken=10, agency=council,
                      reference="SI-A5"),
    }  # fmt: skip
    _review(world_b, aware=date(2025, 3, 20), notified=date(2025, 3, 31), taken=40, agency=world_b.council,
            outcome=DecisionOutcome.LCSPR, reference="SI-B1")  # fmt: skip
    _learning_review(world_a, methodology=Methodology.DESKTOP, state=LearningReview.State.PLANNING,
                     opened=date(2025, 2, 1))  # fmt: skip
    _learning_review(world_a, methodology=Methodology.PRACTITIONER, state=LearningReview.State.FINAL,
                     opened=date(2025, 5, 1))  # fmt: skip
    _learning_review(world_a, methodology=Methodology.DESKTOP, state=LearningReview.State.DRAFTING,
                     opened=date(2023, 7, 1))  # fmt: skip
    _learning_review(world_b, methodology=Methodology.DESKTOP, state=LearningReview.State.PLANNING,
                     opened=date(2025, 2, 1))  # fmt: skip
    return made


def _dashboard(world, *, period=EVERY_YEAR, agency=None, membership=None):
    return scrutiny_dashboard(
        partnership=world.partnership,
        membership=membership or world.business_manager,
        today=TODAY,
        years=[],
        period=period,
        agency_id=agency.pk if agency else None,
    )


def _values(dashboard, key):
    return [(label, [f.value for f in figures]) for label, figures in dashboard.panel(key).rows]


YEAR_2025 = period_resolve(kind="year", year=2025)


def test_notification_working_days_are_counted_as_by_hand(world_a, reviews):
    days = {key: r.incident.notification_working_days for key, r in reviews.items()}
    assert days == {"A1": 1, "A2": 5, "A3": 4, "A4": 6, "A5": 0}


def test_a_year_by_quarter_with_its_boundaries(world_a, reviews):
    dashboard = _dashboard(world_a, period=YEAR_2025)
    assert _values(dashboard, "notification") == [("2025 Q1", [1, 0]), ("2025 Q2", [2, 1])]
    assert _values(dashboard, "timeliness") == [("2025 Q1", [1, 0, 0]), ("2025 Q2", [1, 2, 0])]
    # LCSPR, another learning review, no further review, not yet decided.
    assert _values(dashboard, "decisions") == [("2025", [1, 1, 1, 1])]
    assert _values(dashboard, "learning_reviews") == [
        (Methodology.DESKTOP.label, [1, 0, 0, 0]),
        (Methodology.PRACTITIONER.label, [0, 0, 0, 1]),
    ]


def test_a_quarter_and_custom_dates(world_a, reviews):
    q1 = _dashboard(world_a, period=period_resolve(kind="quarter", year=2025, quarter=1))
    assert _values(q1, "notification") == [("2025 Q1", [1, 0])]
    assert _values(q1, "decisions") == [("2025", [1, 0, 0, 0])]
    custom = _dashboard(world_a, period=period_resolve(kind="custom", start=date(2024, 12, 31), end=date(2025, 3, 31)))
    assert _values(custom, "timeliness") == [("2024 Q4", [1, 0, 0]), ("2025 Q1", [1, 0, 0])]
    assert _values(custom, "decisions") == [("2024", [0, 0, 0, 1]), ("2025", [1, 0, 0, 0])]
    assert custom.panel("timeliness").chart.title == (
        "Rapid review timeliness, reviews notified from 31 December 2024 to 31 March 2025"
    )


def test_an_empty_period_has_empty_panels(world_a, reviews):
    empty = _dashboard(world_a, period=period_resolve(kind="quarter", year=2024, quarter=2))
    for key in ("notification", "timeliness", "decisions", "learning_reviews"):
        assert empty.panel(key).rows == (), key
    assert empty.panel("decisions").chart.description == "No rapid review was notified in 2024 Q2."


def test_one_agency(world_a, reviews):
    school = _dashboard(world_a, period=YEAR_2025, agency=world_a.school)
    assert _values(school, "notification") == [("2025 Q2", [1, 1])]
    assert _values(school, "timeliness") == [("2025 Q2", [1, 1, 0])]
    assert _values(school, "decisions") == [("2025", [0, 1, 0, 1])]


def test_every_year_counts_every_review_but_never_another_partnerships(world_a, reviews):
    every = _dashboard(world_a)
    assert sum(sum(values) for _label, values in _values(every, "decisions")) == 5
    assert _values(every, "notification")[1] == ("2025 Q1", [1, 0])  # B1, late on 31 March, is world_b's


def test_period_input_is_refused_field_by_field():
    refusals = [
        ({"kind": "custom"}, {"start", "end"}),
        ({"kind": "custom", "start": date(2025, 2, 1), "end": date(2025, 1, 31)}, {"end"}),
        ({"kind": "custom", "start": date(2015, 1, 1), "end": date(2025, 1, 1)}, {"end"}),
        ({"kind": "quarter", "year": 2025}, {"quarter"}),
        ({"kind": "year"}, {"year"}),
        ({"kind": "decade"}, {"period"}),
    ]
    for values, fields in refusals:
        with pytest.raises(PeriodError) as refused:
            period_resolve(**values)
        assert set(refused.value.errors) == fields, values
    # The longest custom period allowed: ten years less a day.
    assert period_resolve(kind="custom", start=date(2015, 1, 2), end=date(2025, 1, 1)).kind == "custom"


# --- The lists behind the figures --------------------------------------------------------------------------------


def _listed(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_each_review_figure_lists_exactly_its_records(world_a, reviews, client_for, monkeypatch):
    monkeypatch.setattr("scrutiny.views.timezone.localdate", lambda: TODAY)
    client = client_for(world_a.scrutineer.person)
    dashboard = _dashboard(world_a, period=YEAR_2025, agency=world_a.school)
    late_q2 = dashboard.panel("timeliness").rows[0][1][1]
    body = _listed(client, late_q2.url)
    assert "SI-A3" in body
    assert "SI-A2" not in body  # late too, but the council referred it
    assert body.count("<tr>") - 1 == late_q2.value == 1

    undecided = dashboard.panel("decisions").rows[0][1][3]
    body = _listed(client, undecided.url)
    assert "SI-A3" in body
    assert "SI-A4" not in body

    on_time_q2 = _dashboard(world_a, period=YEAR_2025).panel("notification").rows[1][1][0]
    body = _listed(client, on_time_q2.url)
    assert ("SI-A2" in body, "SI-A3" in body, "SI-A4" in body) == (True, True, False)

    desktop = _dashboard(world_a, period=YEAR_2025).panel("learning_reviews").rows[0][1][0]
    assert _listed(client, desktop.url).count("<tr>") - 1 == desktop.value == 1


def test_a_list_never_shows_a_child_or_another_partnerships_review(world_a, world_b, reviews, client_for):
    client = client_for(world_a.scrutineer.person)
    url = reverse("scrutiny:panel_records", kwargs={"slug": world_a.partnership.slug, "panel": "decisions"})
    body = _listed(client, url + "?period=all&row=2025&column=lcspr")
    assert "SI-A1" in body
    assert "SI-B1" not in body
    assert "Jordan Testchild" not in body
    # Another partnership's agency is not one world_a's dashboard offers: refused as bad input, not a 500.
    assert client.get(url + f"?period=all&agency={world_b.school.pk}&row=2025&column=lcspr").status_code == 400


@pytest.mark.parametrize(
    "query",
    ["row=2025&column=nope", "row=20x5&column=lcspr", "row=&column=", "period=custom&start=2025-02-01&end=2025-01-01"],
)
def test_a_figure_that_does_not_exist_is_bad_input_said_plainly(world_a, client_for, query):
    url = reverse("scrutiny:panel_records", kwargs={"slug": world_a.partnership.slug, "panel": "decisions"})
    response = client_for(world_a.scrutineer.person).get(f"{url}?{query}")
    assert response.status_code == 400
    assert 'data-testid="figure-problem"' in response.content.decode()


def test_panels_without_a_records_list_have_none(world_a, client_for):
    url = reverse("scrutiny:panel_records", kwargs={"slug": world_a.partnership.slug, "panel": "recommendations"})
    assert client_for(world_a.scrutineer.person).get(url).status_code == 404


# --- The page's filter, CSV and the API -----------------------------------------------------------------------


def test_the_page_filters_by_quarter_and_agency(world_a, reviews, client_for):
    url = reverse("scrutiny:dashboard", kwargs={"slug": world_a.partnership.slug})
    body = _listed(
        client_for(world_a.scrutineer.person), f"{url}?period=quarter&year=2025&quarter=2&agency={world_a.school.pk}"
    )
    assert "Rapid review timeliness, reviews notified in 2025 Q2" in body
    assert f"?period=quarter&amp;year=2025&amp;quarter=2&amp;agency={world_a.school.pk}" in body


def test_bad_dates_show_next_to_their_field_with_a_summary(world_a, reviews, client_for):
    url = reverse("scrutiny:dashboard", kwargs={"slug": world_a.partnership.slug})
    body = _listed(client_for(world_a.scrutineer.person), f"{url}?period=custom&start=2025-02-01&end=2025-01-01")
    assert "There is a problem" in body
    assert 'id="id_end-error"' in body
    assert "The last day must be the same as or after the first day." in body
    assert "notified in any year" in body  # refused input falls back to every year, and says so


def test_the_csv_follows_the_filters(world_a, reviews, client_for):
    url = reverse("scrutiny:panel_csv", kwargs={"slug": world_a.partnership.slug, "panel": "decisions"})
    response = client_for(world_a.scrutineer.person).get(f"{url}?period=year&year=2025&agency={world_a.school.pk}")
    assert response["Content-Disposition"].startswith('attachment; filename="scrutiny-decisions-alpha-scp-2025-')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Year", *(label for _key, label in [*DecisionOutcome.choices, ("", "Not yet decided")])],
        ["2025", "0", "1", "0", "1"],
    ]


def _api(world, **query):
    url = reverse("scrutiny_api:dashboard", kwargs={"slug": world.partnership.slug})
    return login(APIClient(), world.bm).get(url, query)


def test_the_api_filters_as_the_page(world_a, reviews):
    data = _api(world_a, period="custom", start="2024-12-31", end="2025-03-31", agency=world_a.council.pk).json()
    assert data["period"] == {
        "kind": "custom",
        "start": "2024-12-31",
        "end": "2025-03-31",
        "label": "from 31 December 2024 to 31 March 2025",
    }
    assert data["agency"] == world_a.council.pk
    decisions = next(p for p in data["panels"] if p["key"] == "decisions")
    assert [(r["label"], [f["value"] for f in r["figures"]]) for r in decisions["rows"]] == [
        ("2024", [0, 0, 0, 1]),
        ("2025", [1, 0, 0, 0]),
    ]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"period": "custom"}, {"start", "end"}),
        ({"period": "custom", "start": "2025-02-01", "end": "2025-01-31"}, {"end"}),
        ({"period": "custom", "start": "2010-01-01", "end": "2025-01-01"}, {"end"}),
        ({"period": "custom", "start": "not a date", "end": "2025-01-01"}, {"start"}),
        ({"period": "quarter", "year": 2025}, {"quarter"}),
        ({"period": "quarter", "year": 2025, "quarter": 5}, {"quarter"}),
        ({"period": "decade"}, {"period"}),
    ],
)
def test_bad_filters_are_400s_on_their_fields(world_a, query, fields):
    response = _api(world_a, **query)
    assert response.status_code == 400
    assert set(response.json()) == fields


def test_another_partnerships_agency_is_a_400(world_a, world_b):
    response = _api(world_a, agency=world_b.school.pk)
    assert response.status_code == 400
    assert list(response.json()) == ["agency"]


# --- Queries ---------------------------------------------------------------------------------------------------


def _more_of_everything(world, n: int) -> None:
    for i in range(n):
        day = date(2023, 1 + i, 10)
        _review(world, aware=day, notified=day, taken=None if i % 2 == 0 else 20, agency=world.school,
                outcome=DecisionOutcome.LCSPR if i % 3 == 0 else "", reference=f"SI-V{n}-{i}")  # fmt: skip
        _learning_review(world, methodology=Methodology.THEMATIC, state=LearningReview.State.DRAFTING, opened=day)


def test_the_query_count_does_not_grow_with_the_records(world_a, client_for, django_assert_max_num_queries):
    client = client_for(world_a.scrutineer.person)
    url = reverse("scrutiny:dashboard", kwargs={"slug": world_a.partnership.slug}) + "?period=all"
    _more_of_everything(world_a, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _more_of_everything(world_a, 5)
    # 25: one more than before the heat maps offered a choice of cycle (the form lists the partnership's cycles).
    with django_assert_max_num_queries(25), CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six) == len(one)


def test_the_api_lists_the_records_behind_a_figure(world_a, world_b, reviews):
    url = reverse("scrutiny_api:figure_records", kwargs={"slug": world_a.partnership.slug, "panel": "decisions"})
    client = login(APIClient(), world_a.scrutineer.person)
    data = client.get(url, {"period": "year", "year": 2025, "row": "2025", "column": "undecided"}).json()
    assert [(r["kind"], r["reference"], r["stage"]) for r in data["results"]] == [
        ("rapid_review", "SI-A3", RapidReview.State.GATHERING.label)
    ]
    assert client.get(url, {"row": "2025", "column": "nope"}).status_code == 400
    assert client.get(url, {"column": "lcspr"}).status_code == 400
    assert login(APIClient(), world_b.bm).get(url, {"row": "2025", "column": "lcspr"}).status_code == 404
    other = reverse("scrutiny_api:figure_records", kwargs={"slug": world_a.partnership.slug, "panel": "nope"})
    assert client.get(other, {"row": "2025", "column": "lcspr"}).status_code == 404


# --- The reports' sections -------------------------------------------------------------------------------------


def test_the_report_sections_use_the_dashboards_charts(world_a, reviews):
    from scrutiny.report_sections import ReportScope, report_section_keys, report_sections_for

    assert {"dashboard", "recommendations"} <= set(report_section_keys())
    scope = ReportScope(
        partnership=world_a.partnership, start=date(2025, 4, 1), end=date(2025, 6, 30), kind="quarterly"
    )
    sections = {section.key: section for section in report_sections_for(scope)}
    dashboard = sections["dashboard"]
    timeliness = next(t for t in dashboard.tables if t.caption.startswith("Rapid review timeliness"))
    # Q2 2025 by hand: A2 late, A3 open past day 15 on 30 June (late), A4 on time.
    assert timeliness.rows == (("2025 Q2", "1", "2", "0"),)
    assert all(chart.svg.startswith("<svg") and "<script" not in chart.svg for chart in dashboard.charts)
    assert "recommendations" not in sections  # world_a has no recommendation: the section is left out
    empty = ReportScope(
        partnership=world_a.partnership, start=date(2022, 1, 1), end=date(2022, 3, 31), kind="quarterly"
    )
    assert "dashboard" not in {section.key for section in report_sections_for(empty)}


def test_the_demo_history_fills_ten_years_of_every_review_panel(world_a):
    from reviews.demo.history import demo_review_history_seed

    agencies = [world_a.council, world_a.school, world_a.police]
    made = demo_review_history_seed(
        partnership=world_a.partnership, business_manager=world_a.bm, agencies=agencies, today=TODAY
    )
    assert 40 <= made <= 120
    again = demo_review_history_seed(
        partnership=world_a.partnership, business_manager=world_a.bm, agencies=agencies, today=TODAY
    )
    assert again == 0
    dashboard = _dashboard(world_a)
    assert [label for label, _ in dashboard.panel("decisions").rows] == [str(y) for y in range(2016, 2026)]
    assert len(dashboard.panel("timeliness").rows) == 40  # every quarter of ten years
    totals = [sum(v) for v in zip(*(values for _l, values in _values(dashboard, "decisions")), strict=True)]
    assert all(totals[:3])  # LCSPRs, other learning reviews and no further review each happen
    assert dashboard.panel("learning_reviews").rows
    late_notifications = sum(values[1] for _l, values in _values(dashboard, "notification"))
    assert 0 < late_notifications < made


def _tag(world, theme, record, on: date):
    from django.contrib.contenttypes.models import ContentType

    from partnership.models.recommendations import ThemeTag

    ThemeTag.objects.create(
        partnership=world.partnership,
        theme=theme,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        at=timezone.make_aware(datetime(on.year, on.month, on.day, 12)),
    )


def test_themes_recurring_across_sources_and_years(world_a, world_b, reviews):
    from partnership.models.recommendations import LearningTheme

    neglect = LearningTheme.objects.create(partnership=world_a.partnership, name="Neglect")
    voice = LearningTheme.objects.create(partnership=world_a.partnership, name="Voice of the child")
    learning_review = LearningReview.objects.filter(partnership=world_a.partnership).first()
    _tag(world_a, neglect, reviews["A1"], date(2025, 3, 31))
    _tag(world_a, neglect, reviews["A5"], date(2024, 12, 31))
    _tag(world_a, neglect, learning_review, date(2025, 6, 1))
    _tag(world_a, voice, reviews["A4"], date(2025, 6, 12))
    other = LearningTheme.objects.create(partnership=world_b.partnership, name="Neglect")
    _tag(world_b, other, RapidReview.objects.filter(partnership=world_b.partnership).first(), date(2025, 1, 1))

    # Records tagged, kinds of source, years seen.
    assert _values(_dashboard(world_a), "themes") == [("Neglect", [3, 2, 2]), ("Voice of the child", [1, 1, 1])]
    assert _values(_dashboard(world_a, period=YEAR_2025), "themes") == [
        ("Neglect", [2, 2, 1]),
        ("Voice of the child", [1, 1, 1]),
    ]
    every = _dashboard(world_a).panel("themes").rows[0][1][0]
    assert every.url == reverse(
        "partnership:theme_detail", kwargs={"slug": world_a.partnership.slug, "theme_id": neglect.pk}
    )
    assert _dashboard(world_a, period=YEAR_2025).panel("themes").rows[0][1][0].url == ""

    from scrutiny.report_sections import ReportScope, report_sections_for

    scope = ReportScope(partnership=world_a.partnership, start=date(2025, 1, 1), end=date(2025, 12, 31), kind="annual")
    themes = next(s for s in report_sections_for(scope) if s.key == "themes")
    assert themes.tables[0].rows == (("Neglect", "2", "2", "1"), ("Voice of the child", "1", "1", "1"))


def test_audit_grades_by_year_count_the_moderated_grade(world_a, world_b, client_for):
    from audits.models import AuditReturn
    from audits.services.returns import audit_return_moderate, audit_return_save
    from tests.audits.helpers import GOOD_ANSWERS, round_make

    def submitted(world, answers_of):
        audit_round = round_make(world)
        returns = list(AuditReturn.objects.filter(case__round=audit_round).order_by("case__position"))
        for n, audit_return in enumerate(returns):
            audit_return_save(
                partnership=world.partnership,
                membership=world.practitioner,
                audit_return=audit_return,
                answers=answers_of(n),
                version=1,
                submit=True,
            )
        return audit_round, returns

    # GOOD_ANSWERS grades the assessment 3, "Requires improvement": below the standard. All 2s meet it.
    audit_round, returns = submitted(
        world_a, lambda n: {**GOOD_ANSWERS, "assessment-grade": "2"} if n == 0 else GOOD_ANSWERS
    )
    submitted(world_b, lambda n: GOOD_ANSWERS)
    year = audit_round.due_on.year
    assert _values(_dashboard(world_a), "audit_grades") == [(str(year), [1, 1])]
    assert _dashboard(world_a, agency=world_a.council).panel("audit_grades").rows == ()

    below = _dashboard(world_a).panel("audit_grades").rows[0][1][1]
    body = _listed(client_for(world_a.scrutineer.person), below.url)
    assert body.count("<tr>") - 1 == below.value == 1
    assert "CA-2026" not in body  # a case's reference is never listed

    returns[1].refresh_from_db()
    audit_return_moderate(
        partnership=world_a.partnership,
        actor=world_a.bm,
        audit_return=returns[1],
        grades={"assessment-grade": "2"},
        rationales={"assessment-grade": "The delay was agreed with the family"},
        version=returns[1].version,
    )
    assert _values(_dashboard(world_a), "audit_grades") == [(str(year), [2, 0])]


# --- Section 11 and s175 compliance heat maps ----------------------------------------------------------------


@pytest.fixture
def compliance(world_a, world_b):
    """By hand: world_a's Section 11 cycle for 2024 opened on 31 March 2025 (Q1's last day) and its 2025 cycle on
    1 April 2025 (Q2's first day); in 2025's, the council's accountability standard is self 2, moderated 1, and the
    ICB's self 0; everything else unscored. An s175 cycle of world_a's two schools opened 1 April 2025, the first
    school's leadership and governance self 3. World_b's Section 11 cycle opened the same day, all scored 3: never
    counted."""
    from audits.models import ReturnStandard, SelfAssessmentCycle
    from tests.audits.sa_helpers import cycle_make, published_version, schools_make

    def opened(cycle, on):
        SelfAssessmentCycle.objects.filter(pk=cycle.pk).update(opens_on=on, due_on=on + timedelta(days=30))

    version = published_version(world_a, "section-11")
    older = cycle_make(world_a, year=2024, version=version).cycle
    newer = cycle_make(world_a, year=2025, version=version).cycle
    opened(older, date(2025, 3, 31))
    opened(newer, date(2025, 4, 1))
    other = cycle_make(world_b, year=2025).cycle
    opened(other, date(2025, 4, 1))
    ReturnStandard.objects.filter(partnership=world_a.partnership).update(self_score=None, moderated_score=None)
    ReturnStandard.objects.filter(partnership=world_b.partnership).update(self_score=3, moderated_score=3)
    scores = ReturnStandard.objects.filter(assessment_return__cycle=newer, section_key="accountability")
    scores.filter(assessment_return__agency=world_a.council).update(self_score=2, moderated_score=1)
    scores.filter(assessment_return__agency=world_a.icb).update(self_score=0)
    ReturnStandard.objects.filter(assessment_return__cycle=older, section_key="accountability").update(self_score=1)
    schools_make(world_a, 2)
    schools = cycle_make(world_a, "section-175", year=2025).cycle
    opened(schools, date(2025, 4, 1))
    ReturnStandard.objects.filter(partnership=world_a.partnership, assessment_return__cycle=schools).update(
        self_score=None, moderated_score=None
    )
    first = (
        ReturnStandard.objects.filter(assessment_return__cycle=schools, section_key="leadership-governance")
        .order_by("assessment_return__agency__name")
        .first()
    )
    ReturnStandard.objects.filter(pk=first.pk).update(self_score=3)
    return {"older": older, "newer": newer, "schools": schools, "first_school": first.assessment_return}


def _cells(dashboard, key, column_key="accountability"):
    panel = dashboard.panel(key)
    from audits.models import TemplateSection

    title = TemplateSection.objects.filter(key=column_key).values_list("title", flat=True).first()
    assert title in panel.column_headings, (title, panel.column_headings, panel.rows[:1])
    at = panel.column_headings.index(title) - 1
    return {label: figures[at].text for label, figures in panel.rows}


def test_compliance_heat_maps_show_the_latest_cycle_in_the_period(world_a, compliance):
    every = _dashboard(world_a)
    section_11 = _cells(every, "section_11")
    assert section_11[world_a.council.name] == "Self 2, moderated 1"
    assert section_11[world_a.icb.name] == "Self 0, not moderated"
    assert section_11[world_a.police.name] == "No self score, not moderated"
    assert len(section_11) == 4  # world_a's four agencies; none of world_b's
    assert compliance["newer"].title in every.panel("section_11").chart.title
    council = next(figures for label, figures in every.panel("section_11").rows if label == world_a.council.name)
    assert council[0].value == 1  # the moderated score counts
    assert council[0].heat_class == "heat-1"
    council_return = compliance["newer"].returns.get(agency=world_a.council)
    assert {f.url for f in council} == {
        reverse("audits:sa_return_detail", kwargs={"slug": world_a.partnership.slug, "return_id": council_return.pk})
    }
    # Quarter boundaries: Q1 2025 holds only the older cycle (opened 31 March), Q2 the newer (1 April).
    q1 = _dashboard(world_a, period=period_resolve(kind="quarter", year=2025, quarter=1))
    assert set(_cells(q1, "section_11").values()) >= {"Self 1, not moderated"}
    assert compliance["older"].title in q1.panel("section_11").chart.title
    assert q1.panel("section_175").rows == ()
    q2 = _dashboard(world_a, period=period_resolve(kind="quarter", year=2025, quarter=2))
    assert _cells(q2, "section_11") == section_11
    # An empty period says so; one agency narrows to its row.
    empty = _dashboard(world_a, period=period_resolve(kind="year", year=2026))
    assert empty.panel("section_11").rows == ()
    assert empty.panel("section_11").chart.description == "No Section 11 self-assessment cycle was opened in 2026."
    assert list(_cells(_dashboard(world_a, agency=world_a.council), "section_11")) == [world_a.council.name]
    schools = _cells(every, "section_175", "leadership-governance")
    assert sorted(schools.values()) == ["No self score, not moderated", "Self 3, not moderated"]


def test_compliance_heat_maps_on_the_page_csv_api_and_report(world_a, compliance, client_for):
    client = client_for(world_a.scrutineer.person)
    slug = world_a.partnership.slug
    body = _listed(client, reverse("scrutiny:dashboard", kwargs={"slug": slug}) + "?period=year&year=2025")
    assert 'data-testid="table-section_11"' in body
    assert 'data-testid="table-section_175"' in body
    assert '<td class="heat-1"><a href="' in body
    assert "Self 2, moderated 1" in body
    return_url = reverse("audits:sa_return_detail", kwargs={"slug": slug, "return_id": compliance["first_school"].pk})
    assert f'href="{return_url}"' in body
    chart = reverse("scrutiny:panel_chart", kwargs={"slug": slug, "panel": "section_11"})
    assert client.get(chart + "?period=all").status_code == 404  # a heat map is its table
    csv_url = reverse("scrutiny:panel_csv", kwargs={"slug": slug, "panel": "section_11"})
    rows = list(csv.reader(io.StringIO(client.get(csv_url + "?period=all").content.decode("utf-8-sig"))))
    assert rows[0][0] == "Agency"
    assert len(rows) == 5
    assert "Self 2, moderated 1" in next(r for r in rows if r[0] == world_a.council.name)

    data = _api(world_a, period="year", year=2025).json()
    panel = next(p for p in data["panels"] if p["key"] == "section_11")
    council = next(r for r in panel["rows"] if r["label"] == world_a.council.name)
    assert {"value": 1, "text": "Self 2, moderated 1"}.items() <= next(
        f for f in council["figures"] if f["text"] == "Self 2, moderated 1"
    ).items()

    from scrutiny.report_sections import ReportScope, report_sections_for

    scope = ReportScope(partnership=world_a.partnership, start=date(2025, 1, 1), end=date(2025, 12, 31), kind="annual")
    section = next(s for s in report_sections_for(scope) if s.key == "dashboard")
    captions = [table.caption for table in section.tables]
    assert any(c.startswith("Section 11 compliance") for c in captions)
    assert not any(chart.title.startswith("Section 11 compliance") for chart in section.charts)


def test_the_dashboard_shows_a_heat_maps_weakest_rows_and_points_to_them_all(
    world_a, compliance, client_for, monkeypatch
):
    """By hand, 2025's Section 11 cycle: the ICB scored 0 and the council moderated to 1 on one standard each (one
    standard below 2 apiece; totals 0 and 1), the other two agencies nothing scored (none below 2, total 0). With
    room for two rows the dashboard shows the ICB, then the council; the CSV and the cycle's matrix have all four,
    the report counts all four by score for each standard, then lists the same two."""
    monkeypatch.setattr("scrutiny.selectors.dashboard.HEATMAP_DASHBOARD_ROWS", 2)
    monkeypatch.setattr("scrutiny.selectors.dashboard.HEATMAP_REPORT_ROWS", 2)
    panel = _dashboard(world_a).panel("section_11")
    assert [label for label, _ in panel.rows] == [world_a.icb.name, world_a.council.name]
    assert panel.rows_total == 4
    matrix = reverse(
        "audits:cycle_matrix", kwargs={"slug": world_a.partnership.slug, "cycle_id": compliance["newer"].pk}
    )
    assert panel.matrix_url == matrix
    assert "Shown: the 2 of 4 agencys" not in panel.explanation
    assert "Shown: the 2 of 4 agencies with the most standards scored below 2" in panel.explanation
    # Two schools, room for two: every row shown, nothing said of the others.
    assert _dashboard(world_a).panel("section_175").rows_total is None
    # One agency: its row, of one.
    assert _dashboard(world_a, agency=world_a.police).panel("section_11").rows_total is None

    client = client_for(world_a.scrutineer.person)
    slug = world_a.partnership.slug
    body = _listed(client, reverse("scrutiny:dashboard", kwargs={"slug": slug}) + "?period=all")
    assert f'<a href="{matrix}">All 4 rows in the cycle\'s compliance matrix' in body
    assert "the 2 weakest of 4</caption>" in body
    assert client.get(matrix).status_code == 200  # the scrutineer reads the matrix the link names
    csv_url = reverse("scrutiny:panel_csv", kwargs={"slug": slug, "panel": "section_11"})
    rows = list(csv.reader(io.StringIO(client.get(csv_url + "?period=all").content.decode("utf-8-sig"))))
    assert len(rows) == 1 + 4

    data = _api(world_a, period="all").json()
    api_panel = next(p for p in data["panels"] if p["key"] == "section_11")
    assert [r["label"] for r in api_panel["rows"]] == [world_a.icb.name, world_a.council.name]
    assert (api_panel["rows_total"], api_panel["matrix_url"]) == (4, matrix)
    other = next(p for p in data["panels"] if p["key"] == "decisions")
    assert (other["rows_total"], other["matrix_url"]) == (None, "")

    from audits.models import TemplateSection
    from scrutiny.report_sections import ReportScope, report_sections_for

    scope = ReportScope(partnership=world_a.partnership, start=date(2025, 1, 1), end=date(2025, 12, 31), kind="annual")
    section = next(s for s in report_sections_for(scope) if s.key == "dashboard")
    tables = {table.caption.partition(",")[0]: table for table in section.tables}
    by_standard = tables["Section 11 compliance by standard"]
    assert by_standard.caption.endswith(": the 4 agencies by score")
    assert by_standard.headers == (
        "Standard",
        "Fully met (3)",
        "Mostly met (2)",
        "Partly met (1)",
        "Not met (0)",
        "Not scored",
    )
    accountability = TemplateSection.objects.filter(key="accountability").values_list("title", flat=True).first()
    counts = {row[0]: row[1:] for row in by_standard.rows}
    assert counts[accountability] == ("0", "0", "1", "1", "2")  # the council moderated to 1, the ICB 0
    assert {row for standard, row in counts.items() if standard != accountability} == {("0", "0", "0", "0", "4")}
    listed = tables["Section 11 compliance by agency and standard"]
    assert listed.caption.endswith(": the 2 weakest of 4")
    assert [row[0] for row in listed.rows] == [world_a.icb.name, world_a.council.name]
    assert "lists the 2 agencies with the most standards scored below 2" in " ".join(section.paragraphs)
    # Two schools, room for two: every row, no count by standard.
    assert len(tables["s175 compliance by school and standard"].rows) == 2
    assert "s175 compliance by standard" not in tables


# --- Learning hub cycles --------------------------------------------------------------------------------------


def test_hub_cycles_with_their_phase_today_and_checklist(world_a, world_b, client_for):
    """By hand, today 2 March 2026: cycle A started Mon 5 January 2026, so today falls in its scoping month; three of
    its 34 tasks are done. Cycle B started Mon 8 January 2024 and is closed. World_b's cycle is never counted."""
    from learninghub.models import HubCycle, HubPhase, HubTask
    from tests.learninghub.helpers import cycle_make, priority_make

    a = cycle_make(world_a, starts_on=date(2026, 1, 5), title="Missing children")
    b = cycle_make(world_a, starts_on=date(2024, 1, 8), title="Neglect", priority=priority_make(world_a, title="N"))
    cycle_make(world_b, starts_on=date(2026, 1, 5), title="Other partnership's cycle")
    HubCycle.objects.filter(pk=b.pk).update(state=HubCycle.State.CLOSED)
    done = HubTask.objects.filter(cycle=a).order_by("position")[:3].values_list("pk", flat=True)
    HubTask.objects.filter(pk__in=list(done)).update(done_at=timezone.now())
    url_a = reverse("learninghub:cycle_detail", kwargs={"slug": world_a.partnership.slug, "hub_cycle_id": a.pk})

    every = _dashboard(world_a).panel("hub_cycles")
    assert [(label, [f.value for f in figures]) for label, figures in every.rows] == [
        ("Neglect (closed, 0 of 34 tasks done)", [0, 34]),
        ("Missing children (month 1: scoping, 3 of 34 tasks done)", [3, 31]),
    ]
    assert [f.url for f in every.rows[1][1]] == [url_a, url_a]

    # Boundaries: a cycle counts from its start to the end of its last phase.
    b_ends = HubPhase.objects.filter(cycle=b).order_by("-ends_on").values_list("ends_on", flat=True).first()
    on = period_resolve(kind="custom", start=b_ends, end=date(2026, 1, 4))
    after = period_resolve(kind="custom", start=b_ends + timedelta(days=1), end=date(2026, 1, 5))
    assert [label for label, _ in _dashboard(world_a, period=on).panel("hub_cycles").rows] == [every.rows[0][0]]
    assert [label for label, _ in _dashboard(world_a, period=after).panel("hub_cycles").rows] == [every.rows[1][0]]
    empty = _dashboard(world_a, period=period_resolve(kind="year", year=2020)).panel("hub_cycles")
    assert empty.rows == ()
    assert empty.chart.description == "No learning hub cycle was running in 2020."

    body = _listed(
        client_for(world_a.scrutineer.person),
        reverse("scrutiny:dashboard", kwargs={"slug": world_a.partnership.slug}) + "?period=all",
    )
    assert 'data-testid="chart-hub_cycles"' in body
    assert f'href="{url_a}"' in body
    assert "Other partnership" not in body


# --- Open reviews by stage and working days left -----------------------------------------------------------------


def test_open_reviews_by_stage_and_working_days_left(world_a, world_b, client_for, monkeypatch):
    """By hand, today Monday 2 March 2026 (no bank holiday in March): the 6th working day on is Tuesday 10 March and
    the 11th Tuesday 17 March. Rapid reviews gathering information due Fri 27 Feb (overdue), Mon 2 Mar (0 days left)
    and Mon 9 Mar (5); one awaiting sign-off due Tue 10 Mar (6); one sent to the Panel (closed, not counted).
    Learning reviews drafting due Mon 16 Mar (10) and Tue 17 Mar (11); one final (closed). World_b's open review due
    today is never counted."""

    def rapid(world, due, state=RapidReview.State.GATHERING, n=[0]):  # noqa: B006
        n[0] += 1
        review = rapid_review_make(world, reference=f"SI-O{n[0]}")
        RapidReview.objects.filter(pk=review.pk).update(state=state, panel_submission_due_on=due)
        return review

    def learning(due, state=LearningReview.State.DRAFTING):
        review = learning_review_make(world_a, methodology=Methodology.PRACTITIONER)
        LearningReview.objects.filter(pk=review.pk).update(
            state=state, information_due_on=date(2026, 1, 1), report_due_on=due
        )
        return review

    overdue = rapid(world_a, date(2026, 2, 27))
    rapid(world_a, date(2026, 3, 2))
    rapid(world_a, date(2026, 3, 9))
    rapid(world_a, date(2026, 3, 10), state=RapidReview.State.AWAITING_SIGN_OFF)
    rapid(world_a, date(2026, 2, 1), state=RapidReview.State.SENT_TO_PANEL)
    learning(date(2026, 3, 16))
    learning(date(2026, 3, 17))
    learning(date(2026, 2, 1), state=LearningReview.State.FINAL)
    rapid(world_b, date(2026, 3, 2))

    panel = _dashboard(world_a, period=YEAR_2025, agency=world_a.council).panel("open_reviews")
    assert panel.column_headings[1:] == (
        "Overdue",
        "0 to 5 working days left",
        "6 to 10 working days left",
        "11 or more working days left",
    )
    assert [(label, [f.value for f in figures]) for label, figures in panel.rows] == [
        ("Rapid review: gathering information", [1, 2, 0, 0]),
        ("Rapid review: decision awaiting partner sign-off", [0, 0, 1, 0]),
        ("Learning review: drafting the outcomes form", [0, 0, 1, 1]),
    ]
    monkeypatch.setattr("scrutiny.views.timezone.localdate", lambda: TODAY)
    client = client_for(world_a.scrutineer.person)
    body = _listed(client, panel.rows[0][1][0].url)
    assert overdue.incident.reference in body
    assert body.count("<tr>") - 1 == 1
    body = _listed(client, panel.rows[0][1][1].url)
    assert body.count("<tr>") - 1 == 2
    assert "SI-O9" not in body  # world_b's
    bad = reverse("scrutiny:panel_records", kwargs={"slug": world_a.partnership.slug, "panel": "open_reviews"})
    assert client.get(bad + "?row=rapid_review.sent_to_panel&column=overdue").status_code == 400
    assert client.get(bad + "?row=rapid_review.gathering&column=soon").status_code == 400

    assert _values(_dashboard(world_b), "open_reviews") == [("Rapid review: gathering information", [0, 1, 0, 0])]


# --- Recommendations by months since agreed ---------------------------------------------------------------------


def test_agreed_recommendations_by_months_since_agreed(world_a, world_b):
    """By hand, today 2 March 2026: 3 months ago is 2 December 2025, 12 months ago 2 March 2025. In progress, agreed
    3 December 2025 (under 3 months) and 2 December 2025 (3 to 6, the boundary); in action planning, agreed 3 March
    2025 (6 to 12) and 2 March 2025 (over 12). A completed one, a draft and world_b's are not counted."""
    from partnership.models.recommendations import Recommendation
    from tests.partnership.action_plan_factories import recommendation_make

    def agreed(world, state, on):
        recommendation = recommendation_make(world, state=state)
        at = timezone.make_aware(datetime(on.year, on.month, on.day, 12))
        Recommendation.objects.filter(pk=recommendation.pk).update(signed_off_at=at)

    state = Recommendation.State
    agreed(world_a, state.IN_PROGRESS, date(2025, 12, 3))
    agreed(world_a, state.IN_PROGRESS, date(2025, 12, 2))
    agreed(world_a, state.ACTION_PLANNING, date(2025, 3, 3))
    agreed(world_a, state.ACTION_PLANNING, date(2025, 3, 2))
    agreed(world_a, state.COMPLETED, date(2024, 1, 1))
    recommendation_make(world_a, state=state.DRAFT)
    agreed(world_b, state.IN_PROGRESS, date(2026, 3, 1))

    panel = _dashboard(world_a, period=YEAR_2025).panel("recommendation_age")
    assert panel.column_headings == ("State", "Under 3 months", "3 to 6 months", "6 to 12 months", "Over 12 months")
    assert _values(_dashboard(world_a), "recommendation_age") == [
        ("Action planning", [0, 0, 1, 1]),
        ("In progress", [1, 1, 0, 0]),
    ]
    assert _values(_dashboard(world_b), "recommendation_age") == [("In progress", [1, 0, 0, 0])]
