"""Professional disagreements' API: recording, the list's filters, escalating with versions (428, 409), the
scrutineer's stage, the figures, and another partnership's disagreement a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import login
from tests.scrutiny.disagreement_helpers import disagreement_make

pytestmark = pytest.mark.django_db


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"scrutiny_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_recorded_escalated_and_resolved(world_a):
    today = timezone.localdate()
    agency_lead = login(APIClient(), world_a.agency_lead.person)
    created = agency_lead.post(
        _url("disagreement_list", world_a),
        {
            "raised_by_agency_id": world_a.school.pk,
            "with_agency_id": world_a.police.pk,
            "raised_on": (today - timedelta(days=14)).isoformat(),
            "subject_summary": "Child B: no strategy discussion after a disclosure at school.",
        },
        format="json",
    )
    assert created.status_code == 201
    d = created.json()
    escalate = _url("disagreement_escalate", world_a, disagreement_id=d["id"])
    body = {"to_stage": "manager", "escalated_on": today.isoformat(), "note": "Practitioners did not agree."}
    assert agency_lead.post(escalate, body, format="json").status_code == 428
    moved = agency_lead.post(escalate, {**body, "updated_at": d["updated_at"]}, format="json")
    assert moved.status_code == 200
    assert moved.json()["stage"] == "manager"
    assert moved.json()["escalations"][0]["to_stage"] == "manager"
    stale = agency_lead.post(
        escalate, {**body, "to_stage": "senior_manager", "updated_at": d["updated_at"]}, format="json"
    )
    assert stale.status_code == 409
    resolved = agency_lead.post(
        _url("disagreement_resolve", world_a, disagreement_id=d["id"]),
        {
            "resolved_on": today.isoformat(),
            "outcome": "Strategy discussion held.",
            "updated_at": moved.json()["updated_at"],
        },
        format="json",
    )
    assert resolved.status_code == 200
    assert resolved.json()["state"] == "resolved"


def test_the_scrutineers_stage_and_the_figures(world_a):
    d = disagreement_make(world_a, raised_on=timezone.localdate() - timedelta(days=3))
    bm = login(APIClient(), world_a.bm)
    read = bm.get(_url("disagreement_detail", world_a, disagreement_id=d.pk))
    body = {"to_stage": "scrutineer", "escalated_on": timezone.localdate().isoformat(), "note": "No agreement."}
    moved = bm.post(
        _url("disagreement_escalate", world_a, disagreement_id=d.pk), body, format="json", HTTP_IF_MATCH=read["ETag"]
    )
    assert moved.status_code == 200
    resolve = {
        "resolved_on": timezone.localdate().isoformat(),
        "outcome": "Agreed.",
        "updated_at": moved.json()["updated_at"],
    }
    assert (
        bm.post(_url("disagreement_resolve", world_a, disagreement_id=d.pk), resolve, format="json").status_code == 403
    )
    figures = login(APIClient(), world_a.scrutineer.person).get(_url("disagreement_figures", world_a)).json()
    assert [(s["stage"], s["open"]) for s in figures["stages"]][-1] == ("scrutineer", 1)
    assert figures["open"] == 1
    scrutineer = login(APIClient(), world_a.scrutineer.person)
    assert (
        scrutineer.post(_url("disagreement_resolve", world_a, disagreement_id=d.pk), resolve, format="json").status_code
        == 200
    )


def test_bad_input_and_filters(world_a, world_b):
    disagreement_make(world_a)
    bm = login(APIClient(), world_a.bm)
    refused = bm.post(
        _url("disagreement_list", world_a),
        {
            "raised_by_agency_id": world_b.school.pk,
            "with_agency_id": world_a.police.pk,
            "raised_on": "2026-01-01",
            "subject_summary": "NHS 9434765919",
        },
        format="json",
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"raised_by_agency_id", "subject_summary"}
    assert bm.get(_url("disagreement_list", world_a), {"stage": "court"}).status_code == 400
    listed = bm.get(_url("disagreement_list", world_a), {"stage": "practitioner", "state": "open"}).json()
    assert listed["count"] == 1
    assert bm.get(_url("disagreement_list", world_a), {"stage": "manager"}).json()["count"] == 0


def test_another_partnerships_disagreement_is_missing(world_a, world_b):
    d = disagreement_make(world_a)
    client = login(APIClient(), world_b.bm)
    assert client.get(_url("disagreement_detail", world_b, disagreement_id=d.pk)).status_code == 404
    assert (
        client.post(_url("disagreement_resolve", world_b, disagreement_id=d.pk), {}, format="json").status_code == 404
    )
    assert login(APIClient(), world_a.practitioner.person).get(_url("disagreement_list", world_a)).status_code == 403
