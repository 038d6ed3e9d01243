"""The quarterly data sets' API: the pages' figures, who may change what, versions (409, 428), uploads whole or not
at all, and another partnership's rows as 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from scrutiny.models import AgencyAnalysis, IndicatorValue
from tests.conftest import login
from tests.scrutiny.datasets_helpers import analysis_make, csv_upload, hand_counted, value_make

pytestmark = pytest.mark.django_db


def api(world, name, **kwargs) -> str:
    return reverse(f"scrutiny_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def as_(membership) -> APIClient:
    return login(APIClient(), membership.person)


@pytest.fixture
def data(world_a, world_b):
    repeat, interviews = hand_counted(world_a)
    other, _ = hand_counted(world_b)
    return repeat, interviews, other


def test_indicators_and_a_trend_read_as_the_pages_show_them(world_a, data):
    repeat, _interviews, _other = data
    client = as_(world_a.scrutineer)
    listed = client.get(api(world_a, "dataset_indicators")).json()
    assert [i["name"] for i in listed["results"]] == [repeat.name, "Return interviews within 72 hours"]
    assert listed["results"][0]["amber_threshold"] == "20.0000"
    trend = client.get(
        api(world_a, "dataset_indicator_trend", indicator_id=repeat.pk), {"quarters": 4, "to": "2024-25 Q4"}
    )
    assert trend.status_code == 200
    body = trend.json()
    assert body["series"] == ["Whole partnership", world_a.council.name]
    assert [(r["label"], [(c["value"], c["flag"]) for c in r["cells"]]) for r in body["rows"]] == [
        ("2024-25 Q1", [("22.0000", "amber"), ("10.0000", "")]),
        ("2024-25 Q2", [(None, ""), ("20.0000", "")]),
        ("2024-25 Q3", [("26.0000", "red"), (None, "")]),
        ("2024-25 Q4", [("25.0000", "amber"), (None, "")]),
    ]
    assert body["rows"][3]["cells"][0]["change"] == "-1.0000"
    assert (
        client.get(api(world_a, "dataset_indicator_trend", indicator_id=repeat.pk), {"quarters": 5}).status_code == 400
    )
    assert (
        client.get(api(world_a, "dataset_indicator_trend", indicator_id=repeat.pk), {"to": "soon"}).status_code == 400
    )


def test_figures_filter_by_quarter_agency_and_the_whole_partnership(world_a, data):
    repeat, _interviews, _other = data
    client = as_(world_a.health_lead)
    q3 = client.get(api(world_a, "dataset_values"), {"quarter": "2024-25 Q3"}).json()["results"]
    assert sorted((v["value"], v["flag"], v["quarter"]) for v in q3) == [
        ("26.0000", "red", "2024-10-01"),
        ("59.0000", "red", "2024-10-01"),
    ]
    police = client.get(api(world_a, "dataset_values"), {"agency": world_a.police.pk}).json()["results"]
    assert [v["quarter_label"] for v in police] == ["2024-25 Q3", "2024-25 Q4"]
    whole = client.get(api(world_a, "dataset_values"), {"partnership_wide": "true", "indicator": repeat.pk}).json()
    assert whole["count"] == 4
    assert client.get(api(world_a, "dataset_values"), {"quarter": "2024-13"}).status_code == 400


def test_the_business_manager_defines_indicators_and_changes_them_with_a_version(world_a, data):
    repeat, _interviews, _other = data
    client = as_(world_a.business_manager)
    body = {
        "part": "A",
        "name": "Strategy meetings within 5 days",
        "unit": "%",
        "good_direction": "up",
        "amber_threshold": "90",
        "red_threshold": "75",
    }
    created = client.post(api(world_a, "dataset_indicators"), body, format="json")
    assert created.status_code == 201
    assert client.post(api(world_a, "dataset_indicators"), body, format="json").json() == {
        "name": ["The data set already has an indicator of this name."]
    }
    detail = api(world_a, "dataset_indicator", indicator_id=repeat.pk)
    read = client.get(detail)
    change = {
        "part": "A",
        "name": repeat.name,
        "good_direction": "down",
        "amber_threshold": "21",
        "red_threshold": "30",
    }
    assert client.patch(detail, change, format="json").status_code == 428
    assert client.patch(detail, change, format="json", HTTP_IF_MATCH=read["ETag"]).status_code == 200
    assert client.patch(detail, change | {"updated_at": read.json()["updated_at"]}, format="json").status_code == 409
    assert as_(world_a.scrutineer).post(api(world_a, "dataset_indicators"), body, format="json").status_code == 403
    assert as_(world_a.agency_lead).patch(detail, change, format="json").status_code == 403


def test_figures_are_added_changed_and_removed_by_who_may(world_a, data):
    repeat, _interviews, _other = data
    lead = as_(world_a.agency_lead)
    body = {"indicator_id": repeat.pk, "agency_id": world_a.school.pk, "quarter": "2025-04-01", "value": "7"}
    created = lead.post(api(world_a, "dataset_values"), body, format="json")
    assert created.status_code == 201
    assert created.json()["quarter"] == "2025-04-01"
    assert lead.post(api(world_a, "dataset_values"), body, format="json").status_code == 400  # already there
    assert (
        lead.post(api(world_a, "dataset_values"), body | {"agency_id": world_a.council.pk}, format="json").status_code
        == 403
    )
    assert lead.post(api(world_a, "dataset_values"), body | {"agency_id": None}, format="json").status_code == 403
    figure = api(world_a, "dataset_value", value_id=created.json()["id"])
    version = created.json()["updated_at"]
    assert lead.patch(figure, {"value": "8"}, format="json").status_code == 428
    changed = lead.patch(figure, {"value": "8", "updated_at": version}, format="json")
    assert changed.status_code == 200
    assert lead.patch(figure, {"value": "9", "updated_at": version}, format="json").status_code == 409
    assert (
        lead.patch(figure, {"value": "many", "updated_at": changed.json()["updated_at"]}, format="json").status_code
        == 400
    )
    council = value_make(world_a, repeat, date(2025, 4, 1), 3, agency=world_a.council)
    council_url = api(world_a, "dataset_value", value_id=council.pk)
    assert (
        lead.patch(council_url, {"value": "1", "updated_at": council.updated_at.isoformat()}, format="json").status_code
        == 403
    )
    assert (
        as_(world_a.scrutineer).delete(figure, {"updated_at": changed.json()["updated_at"]}, format="json").status_code
        == 403
    )
    assert lead.delete(figure, {"updated_at": changed.json()["updated_at"]}, format="json").status_code == 204
    assert not IndicatorValue.objects.filter(agency=world_a.school).exists()


def test_an_upload_is_whole_or_nothing_with_its_lines_named(world_a, data):
    repeat, _interviews, _other = data
    client = as_(world_a.business_manager)
    before = IndicatorValue.objects.count()
    bad = csv_upload(f"indicator,quarter,value\n{repeat.name},2025-26 Q1,1\n{repeat.name},2025-26 Q9,1\n")
    refused = client.post(api(world_a, "dataset_values_upload"), {"file": bad}, format="multipart")
    assert refused.status_code == 400
    assert refused.json() == {
        "file": ["line 3: quarter '2025-26 Q9' is not a quarter (write 2025-26 Q1, or 2025-04-01)"]
    }
    assert IndicatorValue.objects.count() == before
    good = csv_upload(f"indicator,quarter,value\n{repeat.name},2025-26 Q1,1\n")
    assert client.post(api(world_a, "dataset_values_upload"), {"file": good}, format="multipart").json() == {
        "added": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert (
        as_(world_a.scrutineer)
        .post(api(world_a, "dataset_values_upload"), {"file": good}, format="multipart")
        .status_code
        == 403
    )


def test_analyses_are_written_by_the_agencys_lead_and_changed_with_a_version(world_a, data):
    lead = as_(world_a.agency_lead)
    body = {"agency_id": world_a.school.pk, "quarter": "2024-25 Q3", "text": "Attendance improved."}
    created = lead.post(api(world_a, "dataset_analyses"), body, format="json")
    assert created.status_code == 201
    assert lead.post(api(world_a, "dataset_analyses"), body, format="json").status_code == 400
    assert (
        lead.post(api(world_a, "dataset_analyses"), body | {"agency_id": world_a.council.pk}, format="json").status_code
        == 403
    )
    detail = api(world_a, "dataset_analysis", analysis_id=created.json()["id"])
    assert lead.patch(detail, {"text": "More"}, format="json").status_code == 428
    assert (
        lead.patch(detail, {"text": "More", "updated_at": created.json()["updated_at"]}, format="json").status_code
        == 200
    )
    assert (
        lead.patch(detail, {"text": "Again", "updated_at": created.json()["updated_at"]}, format="json").status_code
        == 409
    )
    assert as_(world_a.scrutineer).patch(detail, {"text": "No"}, format="json").status_code == 403
    listed = as_(world_a.scrutineer).get(api(world_a, "dataset_analyses"), {"quarter": "2024-10-01"}).json()
    assert [a["text"] for a in listed["results"]] == ["More"]
    assert AgencyAnalysis.objects.get().text == "More"


def test_another_partnerships_rows_are_missing(world_a, world_b, data):
    _repeat, _interviews, other = data
    client = as_(world_a.business_manager)
    other_value = IndicatorValue.objects.filter(partnership=world_b.partnership).first()
    other_analysis = analysis_make(world_b, world_b.police, date(2024, 10, 1))
    for path in (
        api(world_a, "dataset_indicator", indicator_id=other.pk),
        api(world_a, "dataset_indicator_trend", indicator_id=other.pk),
        api(world_a, "dataset_value", value_id=other_value.pk),
        api(world_a, "dataset_analysis", analysis_id=other_analysis.pk),
    ):
        assert client.get(path).status_code == 404, path
    body = {"indicator_id": other.pk, "agency_id": world_b.police.pk, "quarter": "2025-04-01", "value": "1"}
    assert set(client.post(api(world_a, "dataset_values"), body, format="json").json()) == {"indicator_id", "agency_id"}
    assert client.get(api(world_b, "dataset_indicators")).status_code == 404
