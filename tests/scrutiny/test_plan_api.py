"""The scrutiny plan's API: the scrutineer writes and leadership reads, versions (428 without, 409 stale), evidence of
another partnership a 400 on the field, another partnership's plan a 404."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import login
from tests.reviews.test_timeliness import _review
from tests.scrutiny.plan_helpers import activity_make

pytestmark = pytest.mark.django_db


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"scrutiny_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_the_scrutineer_plans_and_leadership_reads(world_a):
    scrutineer = login(APIClient(), world_a.scrutineer.person)
    created = scrutineer.post(_url("plan_list", world_a), {"year": 2026}, format="json")
    assert created.status_code == 201
    assert created.json()["label"] == "2026/27"
    plan_id = created.json()["id"]
    again = scrutineer.post(_url("plan_list", world_a), {"year": 2026}, format="json")
    assert again.status_code == 400
    assert "year" in again.json()
    activity = scrutineer.post(
        _url("plan_activity_list", world_a, scrutiny_plan_id=plan_id),
        {"quarter": 3, "kind": "peer_review", "title": "Peer review with a neighbouring region"},
        format="json",
    )
    assert activity.status_code == 201
    bm = login(APIClient(), world_a.bm)
    plan = bm.get(_url("plan_detail", world_a, scrutiny_plan_id=plan_id)).json()
    assert [a["title"] for a in plan["activities"]] == ["Peer review with a neighbouring region"]
    assert bm.post(_url("plan_list", world_a), {"year": 2027}, format="json").status_code == 403
    practitioner = login(APIClient(), world_a.practitioner.person)
    assert practitioner.get(_url("plan_list", world_a)).status_code == 403


def test_changes_carry_the_version_read(world_a):
    activity = activity_make(world_a)
    client = login(APIClient(), world_a.scrutineer.person)
    url = _url("plan_activity", world_a, plan_activity_id=activity.pk)
    read = client.get(url)
    body = {"quarter": 1, "kind": "deep_dive", "title": "Deep dive", "findings": "Medicals arranged late."}
    assert client.patch(url, body, format="json").status_code == 428
    changed = client.patch(url, body, format="json", HTTP_IF_MATCH=read["ETag"])
    assert changed.status_code == 200
    assert changed.json()["findings"] == "Medicals arranged late."
    assert client.patch(url, body, format="json", HTTP_IF_MATCH=read["ETag"]).status_code == 409
    move = client.post(
        _url("plan_activity_move", world_a, plan_activity_id=activity.pk),
        {"to": "dropped", "updated_at": changed.json()["updated_at"]},
        format="json",
    )
    assert move.status_code == 400
    assert "reason" in move.json()


def test_evidence_and_recommendations(world_a, world_b):
    activity = activity_make(world_a)
    own = _review(world_a, date(2026, 5, 4), reference="SI-26-7")
    foreign = _review(world_b, date(2026, 5, 4), reference="SI-26-8")
    client = login(APIClient(), world_a.scrutineer.person)
    evidence_url = _url("plan_evidence_list", world_a, plan_activity_id=activity.pk)
    refused = client.post(evidence_url, {"kind": "rapid_review", "record_id": foreign.pk}, format="json")
    assert refused.status_code == 400
    assert "record_id" in refused.json()
    linked = client.post(evidence_url, {"kind": "rapid_review", "record_id": own.pk}, format="json")
    assert linked.status_code == 201
    assert linked.json()["description"] == "Rapid review SI-26-7"
    assert client.get(evidence_url).json()[0]["url"].endswith(f"/rapid-reviews/{own.pk}/")
    raised = client.post(
        _url("plan_recommendation_raise", world_a, plan_activity_id=activity.pk),
        {"text": "Arrange medicals within a day.", "lead_partner": "health"},
        format="json",
    )
    assert raised.status_code == 201
    detail = client.get(_url("plan_activity", world_a, plan_activity_id=activity.pk)).json()
    assert detail["recommendation_ids"] == [raised.json()["id"]]
    gone = client.delete(
        _url("plan_evidence_detail", world_a, plan_activity_id=activity.pk, evidence_link_id=linked.json()["id"])
    )
    assert gone.status_code == 204


def test_another_partnerships_plan_is_missing(world_a, world_b):
    activity = activity_make(world_a)
    client = login(APIClient(), world_b.scrutineer.person)
    assert client.get(_url("plan_activity", world_b, plan_activity_id=activity.pk)).status_code == 404
    assert client.get(_url("plan_detail", world_b, scrutiny_plan_id=activity.plan_id)).status_code == 404
    assert client.get(_url("plan_list", world_a)).status_code == 404
