"""Quarterly data set pages: what each shows against hand-computed figures, the chart and CSVs, the forms and their
refusals, roles (the scrutineer reads only), another partnership's rows as 404, and the queries each page runs."""

from __future__ import annotations

import csv
import io
from datetime import date
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scrutiny.models import AgencyAnalysis, Indicator, IndicatorValue
from scrutiny.views.datasets import XLSX_MEDIA_TYPE
from tests.scrutiny.datasets_helpers import (
    analysis_make,
    csv_upload,
    hand_counted,
    indicator_make,
    value_make,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def url(world, name, **kwargs) -> str:
    return reverse(f"scrutiny:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


@pytest.fixture
def data(world_a, world_b):
    repeat, interviews = hand_counted(world_a)
    other, _ = hand_counted(world_b)
    analysis_make(world_a, world_a.police, date(2024, 10, 1), "Two vacancies slowed interviews.")
    return repeat, interviews, other


def _sheet(response, *, title: str):
    """The download's only sheet, checked: an attachment, named ``title``, its header row bold and frozen."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MEDIA_TYPE
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [title]
    sheet = workbook[title]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert workbook.properties.title
    return sheet


def _values(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_readers_read_every_page_and_others_are_refused(world_a, data, client_for):
    repeat, _interviews, _other = data
    pages = [
        url(world_a, "datasets"),
        url(world_a, "dataset_indicator", indicator_id=repeat.pk),
        url(world_a, "dataset_indicator_chart", indicator_id=repeat.pk),
        url(world_a, "dataset_indicator_csv", indicator_id=repeat.pk),
        url(world_a, "dataset_indicator_xlsx", indicator_id=repeat.pk),
        url(world_a, "dataset_quarter", quarter="2024-10"),
        url(world_a, "dataset_quarter_csv", quarter="2024-10"),
        url(world_a, "dataset_quarter_xlsx", quarter="2024-10"),
    ]
    for membership in (world_a.business_manager, world_a.scrutineer, world_a.health_lead, world_a.agency_lead):
        client = client_for(membership.person)
        assert [client.get(page).status_code for page in pages] == [200] * len(pages), membership
    for membership in (world_a.practitioner, world_a.lay_member, world_a.observer):
        client = client_for(membership.person)
        assert {client.get(page).status_code for page in pages} == {403}


def test_another_partnerships_rows_and_bad_quarters_are_missing(world_a, data, client_for):
    _repeat, _interviews, other = data
    client = client_for(world_a.bm)
    for page in (
        url(world_a, "dataset_indicator", indicator_id=other.pk),
        url(world_a, "dataset_indicator_edit", indicator_id=other.pk),
        url(world_a, "dataset_indicator_chart", indicator_id=other.pk),
        url(world_a, "dataset_indicator_csv", indicator_id=other.pk),
        url(world_a, "dataset_indicator_xlsx", indicator_id=other.pk),
        url(world_a, "dataset_quarter", quarter="2024-05"),
        url(world_a, "dataset_quarter", quarter="junk"),
        url(world_a, "dataset_quarter_xlsx", quarter="2024-05"),
        url(world_a, "dataset_quarter_xlsx", quarter="junk"),
        url(world_a, "dataset_values_enter", quarter="2024-10", agency="999999999"),
        url(world_a, "dataset_values_enter", quarter="2024-10", agency="council"),
    ):
        assert client.get(page).status_code == 404, page


def test_the_indicator_page_shows_the_hand_computed_trend_and_its_flags(world_a, data, client_for):
    repeat, _interviews, _other = data
    client = client_for(world_a.scrutineer.person)
    page = client.get(url(world_a, "dataset_indicator", indicator_id=repeat.pk), {"quarters": 8, "to": "2024-25 Q4"})
    text = page.content.decode()
    assert "3 figures past a threshold" in text
    assert "Whole partnership 2024-25 Q3 26 (red)" in text
    assert "tag-red" in text
    assert "Change this indicator" not in text  # the scrutineer reads only
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    url(world_a, "dataset_indicator_csv", indicator_id=repeat.pk), {"quarters": 4, "to": "2025-01"}
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert rows == [
        [
            "Quarter",
            "Whole partnership",
            "Whole partnership: flag",
            world_a.council.name,
            f"{world_a.council.name}: flag",
        ],
        ["2024-25 Q1", "22", "Amber", "10", ""],
        ["2024-25 Q2", "", "", "20", ""],
        ["2024-25 Q3", "26", "Red", "", ""],
        ["2024-25 Q4", "25", "Amber", "", ""],
    ]
    # The same table as a workbook, beside the CSV on the page: a header row, the figures as numbers.
    page = client.get(url(world_a, "dataset_indicator", indicator_id=repeat.pk), {"quarters": 4, "to": "2025-01"})
    xlsx_url = url(world_a, "dataset_indicator_xlsx", indicator_id=repeat.pk)
    assert f'href="{xlsx_url}?quarters=4&amp;to=2025-01"' in page.content.decode()
    sheet = _sheet(client.get(xlsx_url, {"quarters": 4, "to": "2025-01"}), title=repeat.name)
    assert _values(sheet) == [
        rows[0],
        ["2024-25 Q1", 22, "Amber", 10, None],
        ["2024-25 Q2", None, None, 20, None],
        ["2024-25 Q3", 26, "Red", None, None],
        ["2024-25 Q4", 25, "Amber", None, None],
    ]
    chart = client.get(
        url(world_a, "dataset_indicator_chart", indicator_id=repeat.pk), {"quarters": 4, "to": "2025-01"}
    )
    assert chart["Content-Type"].startswith("image/svg+xml")
    root = ElementTree.fromstring(chart.content)  # noqa: S314 (our own response, not untrusted input)
    assert root.find(f"{SVG}title").text == repeat.name
    assert "3 figures past a threshold" in root.find(f"{SVG}desc").text
    assert root.find(f".//{SVG}script") is None
    # A bad range is the default range, never an error.
    assert (
        client.get(url(world_a, "dataset_indicator", indicator_id=repeat.pk), {"quarters": "x", "to": "??"}).status_code
        == 200
    )


def test_the_quarter_page_shows_the_grid_flags_and_analyses(world_a, data, client_for):
    repeat, interviews, _other = data
    client = client_for(world_a.scrutineer.person)
    text = client.get(url(world_a, "dataset_quarter", quarter="2024-10")).content.decode()
    assert "2 figures, 2 past a threshold" in text
    assert "Two vacancies slowed interviews." in text
    assert "Figures of" not in text  # the scrutineer enters none
    assert "Write the analysis" not in text
    rows = list(
        csv.reader(
            io.StringIO(client.get(url(world_a, "dataset_quarter_csv", quarter="2024-10")).content.decode("utf-8-sig"))
        )
    )
    header = rows[0]
    police = header.index(world_a.police.name)
    by_name = {row[2]: row for row in rows[1:]}
    assert (by_name[repeat.name][4], by_name[repeat.name][5]) == ("26", "Red")
    assert (by_name[interviews.name][police], by_name[interviews.name][police + 1]) == ("59", "Red")
    # The same data set as a workbook, its figures numbers, its sheet named after the quarter.
    page = client.get(url(world_a, "dataset_quarter", quarter="2024-10")).content.decode()
    assert f'href="{url(world_a, "dataset_quarter_xlsx", quarter="2024-10")}"' in page
    sheet = _sheet(client.get(url(world_a, "dataset_quarter_xlsx", quarter="2024-10")), title="2024-25 Q3")
    values = _values(sheet)
    assert values[0] == header
    by_name = {row[2]: row for row in values[1:]}
    assert (by_name[repeat.name][4], by_name[repeat.name][5]) == (26, "Red")
    assert (by_name[interviews.name][police], by_name[interviews.name][police + 1]) == (59, "Red")
    assert len(values) == len(rows)
    # Any day of a quarter chooses it.
    response = client.get(url(world_a, "dataset_quarter", quarter="2024-10"), {"quarter": "2025-03-31"})
    assert response.status_code == 302
    assert response["Location"].endswith("/data-sets/quarters/2025-01/")


def test_a_workbook_names_its_sheet_as_excel_allows_and_runs_no_formula(world_a, client_for):
    awkward = indicator_make(world_a, "Referrals: re-referred / within 12 months [CSC]?", unit="=HYPERLINK(1)")
    value_make(world_a, awkward, date(2024, 10, 1), "12.5")
    client = client_for(world_a.scrutineer.person)
    title = "Referrals re-referred within 12"  # the refused characters gone, cut to Excel's 31
    trend = client.get(
        url(world_a, "dataset_indicator_xlsx", indicator_id=awkward.pk), {"quarters": 4, "to": "2024-10"}
    )
    sheet = _sheet(trend, title=title)
    assert _values(sheet)[-1] == ["2024-25 Q3", 12.5, None]
    sheet = _sheet(client.get(url(world_a, "dataset_quarter_xlsx", quarter="2024-10")), title="2024-25 Q3")
    row = next(r for r in _values(sheet)[1:] if r[2] == awkward.name)
    assert row[3] == "'=HYPERLINK(1)"  # text, never a formula
    assert row[4] == 12.5


def test_every_page_runs_a_fixed_number_of_queries(world_a, data, client_for, django_assert_max_num_queries):
    repeat, _interviews, _other = data
    client = client_for(world_a.bm)
    for page, most in (
        (url(world_a, "datasets"), 8),
        (url(world_a, "dataset_indicator", indicator_id=repeat.pk) + "?quarters=40", 9),
        (url(world_a, "dataset_quarter", quarter="2024-10"), 10),
        (url(world_a, "dataset_values_enter", quarter="2024-10", agency="partnership"), 9),
        (url(world_a, "dataset_analysis", quarter="2024-10", agency_id=world_a.police.pk), 12),
    ):
        with django_assert_max_num_queries(most):
            assert client.get(page).status_code == 200


def test_the_business_manager_defines_an_indicator_and_a_bad_one_is_refused_beside_its_field(world_a, client_for):
    client = client_for(world_a.bm)
    page = client.get(url(world_a, "dataset_indicator_new"))
    version = page.context["form"]["expected_updated_at"].value()
    fields = {
        "part": "B",
        "theme": "",
        "name": "Missing episodes",
        "unit": "episodes",
        "good_direction": "down",
        "amber_threshold": "40",
        "red_threshold": "30",
        "order": "0",
        "active": "on",
        "expected_updated_at": version,
    }
    refused = client.post(url(world_a, "dataset_indicator_new"), fields)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "There is a problem" in text
    assert "Enter the theme this Part B indicator belongs to" in text
    assert "the red threshold cannot be below the amber one" in text
    saved = client.post(
        url(world_a, "dataset_indicator_new"), fields | {"theme": "Missing children", "red_threshold": "50"}
    )
    indicator = Indicator.objects.get(name="Missing episodes")
    assert saved["Location"] == url(world_a, "dataset_indicator", indicator_id=indicator.pk)
    edit = client.get(url(world_a, "dataset_indicator_edit", indicator_id=indicator.pk))
    old = edit.context["form"]["expected_updated_at"].value()
    assert (
        client.post(
            url(world_a, "dataset_indicator_edit", indicator_id=indicator.pk),
            fields | {"theme": "Missing", "red_threshold": "60", "expected_updated_at": old},
        ).status_code
        == 302
    )
    stale = client.post(
        url(world_a, "dataset_indicator_edit", indicator_id=indicator.pk),
        fields | {"theme": "Missing", "red_threshold": "70", "expected_updated_at": old},
    )
    assert stale.status_code == 400
    assert "Someone else changed this indicator" in stale.content.decode()
    assert Indicator.objects.get(pk=indicator.pk).red_threshold == 60


def test_the_scrutineer_changes_nothing(world_a, data, client_for):
    repeat, _interviews, _other = data
    client = client_for(world_a.scrutineer.person)
    for page in (
        url(world_a, "dataset_indicator_new"),
        url(world_a, "dataset_indicator_edit", indicator_id=repeat.pk),
        url(world_a, "dataset_upload"),
        url(world_a, "dataset_values_enter", quarter="2024-10", agency=str(world_a.council.pk)),
        url(world_a, "dataset_analysis", quarter="2024-10", agency_id=world_a.council.pk),
    ):
        assert client.get(page).status_code == 403, page
        assert client.post(page, {"text": "x"}).status_code == 403, page


def test_an_agency_lead_enters_their_agencys_figures_and_analysis(world_a, data, client_for):
    repeat, interviews, _other = data
    client = client_for(world_a.agency_lead.person)
    school = str(world_a.school.pk)
    assert (
        client.get(url(world_a, "dataset_values_enter", quarter="2024-10", agency=str(world_a.council.pk))).status_code
        == 403
    )
    assert client.get(url(world_a, "dataset_values_enter", quarter="2024-10", agency="partnership")).status_code == 403
    form_url = url(world_a, "dataset_values_enter", quarter="2024-10", agency=school)
    version = client.get(form_url).context["form"]["expected_updated_at"].value()
    refused = client.post(
        form_url, {f"value_{repeat.pk}": "lots", f"value_{interviews.pk}": "", "expected_updated_at": version}
    )
    assert refused.status_code == 400
    assert "is not a number" in refused.content.decode()
    saved = client.post(
        form_url, {f"value_{repeat.pk}": "12", f"value_{interviews.pk}": "", "expected_updated_at": version}
    )
    assert saved.status_code == 302
    assert IndicatorValue.objects.get(agency=world_a.school).value == 12
    stale = client.post(form_url, {f"value_{repeat.pk}": "13", "expected_updated_at": version})
    assert stale.status_code == 400
    assert "Someone else changed these figures" in stale.content.decode()
    analysis_url = url(world_a, "dataset_analysis", quarter="2024-10", agency_id=world_a.school.pk)
    assert client.post(analysis_url, {"text": "", "expected_updated_at": ""}).status_code == 400
    assert client.post(analysis_url, {"text": "Fewer repeat plans.", "expected_updated_at": ""}).status_code == 302
    assert AgencyAnalysis.objects.get(agency=world_a.school).text == "Fewer repeat plans."
    assert (
        client.get(url(world_a, "dataset_analysis", quarter="2024-10", agency_id=world_a.council.pk)).status_code == 403
    )


def test_an_upload_with_bad_lines_names_them_and_imports_nothing(world_a, data, client_for):
    repeat, _interviews, _other = data
    client = client_for(world_a.bm)
    before = IndicatorValue.objects.count()
    bad = csv_upload(
        f"indicator,quarter,value\n{repeat.name},2025-26 Q1,3\nNope,2025-26 Q1,3\n{repeat.name},2025-26 Q2,x\n"
    )
    response = client.post(url(world_a, "dataset_upload"), {"file": bad})
    assert response.status_code == 400
    text = response.content.decode()
    assert "line 3: indicator &#x27;Nope&#x27; is not one of the data set&#x27;s indicators" in text
    assert "line 4: value &#x27;x&#x27; is not a number" in text
    assert IndicatorValue.objects.count() == before
    good = xlsx_upload([["indicator", "quarter", "value"], [repeat.name, "2025-26 Q1", 3]])
    assert client.post(url(world_a, "dataset_upload"), {"file": good}).status_code == 302
    assert IndicatorValue.objects.count() == before + 1
