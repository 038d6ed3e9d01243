"""API of the delivery plan: start, figures, upload, items, versions, compare; each role's rights, another
partnership's plan as missing, bad input as field errors, cross-tenant ids in bodies refused like missing ones,
stale changes 409 and unversioned ones 428."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learninghub.models import DeliveryPlan, PlanIndicator, PlanItem, PlanVersion
from learninghub.services.plans import plan_version_save
from tests.audits.helpers import round_make
from tests.audits.sa_helpers import cycle_make as sa_cycle_make
from tests.conftest import login
from tests.learninghub.helpers import cycle_make
from tests.learninghub.plan_helpers import csv_upload, figure_add, measure_add, other_cycle_make, plan_make, xlsx_upload

pytestmark = pytest.mark.django_db


def _api(person) -> APIClient:
    return login(APIClient(), person)


def _url(world, name, cycle, **kwargs):
    return reverse(
        f"learninghub_api:{name}", kwargs={"slug": world.partnership.slug, "hub_cycle_id": cycle.pk, **kwargs}
    )


def _version(plan) -> str:
    plan.refresh_from_db()
    return plan.updated_at.isoformat()


def test_business_manager_starts_fills_in_saves_and_compares(world_a):
    cycle = cycle_make(world_a)
    client = _api(world_a.bm)
    assert client.get(_url(world_a, "plan", cycle)).status_code == 404
    started = client.post(_url(world_a, "plan", cycle))
    assert started.status_code == 201, started.content
    assert client.post(_url(world_a, "plan", cycle)).status_code == 200
    plan = DeliveryPlan.objects.get(cycle=cycle)
    etag = client.get(_url(world_a, "plan", cycle))["ETag"]
    added = client.post(
        _url(world_a, "plan_indicator_list", cycle),
        {"name": "Repeat missing episodes", "period_label": "Q1", "value": "40", "agency_id": world_a.police.pk},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert added.status_code == 201, added.content
    assert added.json()["value"] == "40.0000"
    item = client.post(
        _url(world_a, "plan_item_list", cycle),
        {
            "kind": "guidance",
            "title": "Working Together 2023",
            "url": "https://www.gov.uk/wt",
            "updated_at": _version(plan),
        },
        format="json",
    )
    assert item.status_code == 201, item.content
    version = client.post(
        _url(world_a, "plan_version_list", cycle), {"label": "Month 1", "updated_at": _version(plan)}, format="json"
    )
    assert version.status_code == 201, version.content
    assert version.json()["content"]["indicators"][0]["value"] == "40"
    plan_indicator_id = added.json()["id"]
    changed = client.patch(
        _url(world_a, "plan_indicator_detail", cycle, plan_indicator_id=plan_indicator_id),
        {
            "name": "Repeat missing episodes",
            "period_label": "Q1",
            "value": "31",
            "agency_id": world_a.police.pk,
            "updated_at": _version(plan),
        },
        format="json",
    )
    assert changed.status_code == 200, changed.content
    compare = client.get(_url(world_a, "plan_compare", cycle), {"then": version.json()["id"], "now": "draft"})
    assert compare.status_code == 200, compare.content
    assert [(v["then"], v["now"], v["status"], v["difference"]) for v in compare.json()["values"]] == [
        ("40", "31", "changed", "-9")
    ]
    body = client.get(_url(world_a, "plan", cycle)).json()
    assert [v["label"] for v in body["versions"]] == ["Month 1"]
    assert [i["title"] for i in body["items"]] == ["Working Together 2023"]
    detail = client.get(_url(world_a, "plan_version_detail", cycle, plan_version_id=version.json()["id"]))
    assert detail.json()["content"]["indicators"][0]["value"] == "40"
    plan_item_id = item.json()["id"]
    assert (
        client.patch(
            _url(world_a, "plan_item_detail", cycle, plan_item_id=plan_item_id),
            {"title": "WT 2023", "citation": "HM Government 2023", "updated_at": _version(plan)},
            format="json",
        ).status_code
        == 200
    )
    assert (
        client.delete(
            _url(world_a, "plan_item_detail", cycle, plan_item_id=plan_item_id),
            {"updated_at": _version(plan)},
            format="json",
        ).status_code
        == 204
    )
    assert (
        client.delete(
            _url(world_a, "plan_indicator_detail", cycle, plan_indicator_id=plan_indicator_id),
            {"updated_at": _version(plan)},
            format="json",
        ).status_code
        == 204
    )
    assert not PlanItem.objects.exists()
    assert not PlanIndicator.objects.exists()
    assert PlanVersion.objects.get().content["indicators"][0]["value"] == "40"


def test_changes_without_a_version_are_428_and_stale_ones_409(world_a):
    cycle, plan = plan_make(world_a)
    client = _api(world_a.bm)
    url = _url(world_a, "plan_indicator_list", cycle)
    data = {"name": "A", "period_label": "Q1", "value": "1"}
    assert client.post(url, data, format="json").status_code == 428
    read = _version(plan)
    measure_add(world_a, plan)
    assert client.post(url, {**data, "updated_at": read}, format="json").status_code == 409
    assert (
        client.post(
            _url(world_a, "plan_version_list", cycle), {"label": "M1", "updated_at": read}, format="json"
        ).status_code
        == 409
    )
    assert not PlanIndicator.objects.exists()
    assert not PlanVersion.objects.exists()


def test_uploads_import_whole_or_report_their_lines(world_a):
    cycle, plan = plan_make(world_a)
    client = _api(world_a.bm)
    url = _url(world_a, "plan_upload", cycle)
    bad = client.post(
        url,
        {"file": csv_upload("indicator,period,value\nA,Q1,abc\n"), "updated_at": _version(plan)},
        format="multipart",
    )
    assert bad.status_code == 400
    assert bad.json() == {"file": ["line 2: value 'abc' is not a number"]}
    missing = client.post(url, {"updated_at": _version(plan)}, format="multipart")
    assert missing.status_code == 400
    assert missing.json() == {"file": ["Choose a file to upload."]}
    good = xlsx_upload([["indicator", "period", "value"], ["A", "Q1", 1]])
    assert client.post(url, {"file": good}, format="multipart").status_code == 428
    good.seek(0)
    response = client.post(url, {"file": good, "updated_at": _version(plan)}, format="multipart")
    assert response.status_code == 200, response.content
    assert response.json() == {"added": 1, "updated": 0, "unchanged": 0}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"name", "period_label", "value"}),
        ({"name": "A", "period_label": "Q1", "value": "abc"}, {"value"}),
        ({"name": "A", "period_label": "Q1", "value": "1", "agency_id": 0}, {"agency_id"}),
        ({"name": "A", "period_label": "Q1", "value": "1", "agency_id": "x"}, {"agency_id"}),
    ],
)
def test_bad_figures_are_field_errors(world_a, body, fields):
    cycle, plan = plan_make(world_a)
    response = _api(world_a.bm).post(
        _url(world_a, "plan_indicator_list", cycle), {**body, "updated_at": _version(plan)}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == fields


def test_another_partnerships_ids_in_bodies_are_refused_like_missing_ones(world_a, world_b):
    cycle, plan = plan_make(world_a)
    theirs = {
        "agency_id": world_b.police.pk,
        "earlier_cycle_id": other_cycle_make(world_b, title="Theirs", starts_on=date(2025, 12, 22)).pk,
        "self_assessment_id": sa_cycle_make(world_b).cycle.pk,
        "audit_round_id": round_make(world_b, cases=0, selected=0, open_it=False).pk,
    }
    client = _api(world_a.bm)
    figure = client.post(
        _url(world_a, "plan_indicator_list", cycle),
        {
            "name": "A",
            "period_label": "Q1",
            "value": "1",
            "agency_id": theirs["agency_id"],
            "updated_at": _version(plan),
        },
        format="json",
    )
    missing = client.post(
        _url(world_a, "plan_indicator_list", cycle),
        {"name": "A", "period_label": "Q1", "value": "1", "agency_id": 10**9, "updated_at": _version(plan)},
        format="json",
    )
    assert figure.status_code == missing.status_code == 400
    assert figure.json() == missing.json()
    for field in ("earlier_cycle_id", "self_assessment_id", "audit_round_id"):
        body = {"kind": "evidence", "title": "x", "updated_at": _version(plan)}
        refused = client.post(_url(world_a, "plan_item_list", cycle), {**body, field: theirs[field]}, format="json")
        absent = client.post(_url(world_a, "plan_item_list", cycle), {**body, field: 10**9}, format="json")
        assert refused.status_code == absent.status_code == 400
        assert refused.json() == absent.json()
        assert set(refused.json()) == {field}
    assert not PlanIndicator.objects.exists()
    assert not PlanItem.objects.exists()


def test_members_read_and_only_business_managers_change(world_a):
    cycle, plan = plan_make(world_a)
    figure = figure_add(world_a, plan)
    item = measure_add(world_a, plan)
    version = plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 1")
    reads = [
        _url(world_a, "plan", cycle),
        _url(world_a, "plan_indicator_list", cycle),
        _url(world_a, "plan_indicator_detail", cycle, plan_indicator_id=figure.pk),
        _url(world_a, "plan_item_list", cycle),
        _url(world_a, "plan_item_detail", cycle, plan_item_id=item.pk),
        _url(world_a, "plan_version_list", cycle),
        _url(world_a, "plan_version_detail", cycle, plan_version_id=version.pk),
        _url(world_a, "plan_compare", cycle) + f"?then={version.pk}&now=draft",
    ]
    writes = [
        ("post", _url(world_a, "plan", cycle)),
        ("post", _url(world_a, "plan_indicator_list", cycle)),
        ("patch", _url(world_a, "plan_indicator_detail", cycle, plan_indicator_id=figure.pk)),
        ("delete", _url(world_a, "plan_indicator_detail", cycle, plan_indicator_id=figure.pk)),
        ("post", _url(world_a, "plan_upload", cycle)),
        ("post", _url(world_a, "plan_item_list", cycle)),
        ("patch", _url(world_a, "plan_item_detail", cycle, plan_item_id=item.pk)),
        ("delete", _url(world_a, "plan_item_detail", cycle, plan_item_id=item.pk)),
        ("post", _url(world_a, "plan_version_list", cycle)),
    ]
    for member in (world_a.la_lead, world_a.health_lead, world_a.scrutineer, world_a.practitioner, world_a.observer):
        client = _api(member.person)
        for url in reads:
            assert client.get(url).status_code == 200, (member, url)
        for method, url in writes:
            assert getattr(client, method)(url, {"updated_at": _version(plan)}, format="json").status_code == 403, (
                member,
                url,
            )
    assert PlanIndicator.objects.count() == PlanItem.objects.count() == PlanVersion.objects.count() == 1


def test_another_partnerships_plan_is_404(world_a, world_b):
    cycle, plan = plan_make(world_a)
    figure = figure_add(world_a, plan)
    item = measure_add(world_a, plan)
    version = plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 1")
    their_cycle, their_plan = plan_make(world_b)
    client = _api(world_b.bm)

    def url(name, c, **kwargs):
        return reverse(
            f"learninghub_api:{name}", kwargs={"slug": world_b.partnership.slug, "hub_cycle_id": c.pk, **kwargs}
        )

    for c in (cycle, their_cycle):
        assert client.get(url("plan_indicator_detail", c, plan_indicator_id=figure.pk)).status_code == 404
        assert client.get(url("plan_item_detail", c, plan_item_id=item.pk)).status_code == 404
        assert client.get(url("plan_version_detail", c, plan_version_id=version.pk)).status_code == 404
        assert client.get(url("plan_compare", c), {"then": version.pk, "now": "draft"}).status_code == 404
        assert (
            client.delete(
                url("plan_indicator_detail", c, plan_indicator_id=figure.pk),
                {"updated_at": _version(their_plan)},
                format="json",
            ).status_code
            == 404
        )
    assert client.get(url("plan", cycle)).status_code == 404
    assert client.post(url("plan", cycle)).status_code == 404
    assert PlanIndicator.objects.filter(pk=figure.pk).exists()


def test_compare_needs_two_versions_named(world_a):
    cycle, plan = plan_make(world_a)
    version = plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 1")
    client = _api(world_a.bm)
    url = _url(world_a, "plan_compare", cycle)
    assert set(client.get(url).json()) == {"then", "now"}
    assert client.get(url, {"then": "x", "now": version.pk}).status_code == 400
    assert client.get(url, {"then": version.pk, "now": 10**9}).status_code == 404
    assert client.get(url, {"then": version.pk, "now": version.pk}).status_code == 200
