"""The action plans' API: the same rules as the pages, versions on every change, ids of this partnership only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partnership.models.recommendations import Action, ActionUpdate, Rag, Recommendation
from tests.conftest import login
from tests.partnership.action_plan_factories import pdf_upload, recommendation_make

pytestmark = pytest.mark.django_db
State = Recommendation.State


def api(world, name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


@pytest.fixture
def bm(world_a) -> APIClient:
    return login(APIClient(), world_a.bm)


def new_action(world, recommendation, **changes) -> dict:
    return {
        "recommendation_id": recommendation.pk,
        "what": "Audit referrals",
        "lead_agency": world.school.pk,
        "lead_person": world.agency_lead.person.pk,
        "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "measure_of_success": "Audit reported to the board",
        **changes,
    }


def test_the_plan_and_adding_an_action(world_a, bm):
    recommendation = recommendation_make(world_a, actions=0)

    created = bm.post(api(world_a, "action_list"), new_action(world_a, recommendation), format="json")
    plan = bm.get(api(world_a, "action_plan", recommendation_id=recommendation.pk))

    assert created.status_code == 201, created.content
    assert created.json()["lead_person"]["id"] == world_a.agency_lead.person.pk
    body = plan.json()
    assert [a["what"] for a in body["actions"]] == ["Audit referrals"]
    assert body["due_on"] is not None
    assert body["recommendation"]["state"] == State.ACTION_PLANNING
    agreed = bm.post(api(world_a, "action_plan_agree", recommendation_id=recommendation.pk))
    assert agreed.status_code == 200
    assert agreed.json()["recommendation"]["state"] == State.IN_PROGRESS


@pytest.mark.parametrize("field", ["recommendation_id", "lead_agency", "lead_person"])
def test_another_partnerships_ids_in_the_body_are_refused_like_missing_ones(world_a, world_b, bm, field):
    recommendation = recommendation_make(world_a, actions=0)
    theirs = {
        "recommendation_id": recommendation_make(world_b, actions=0).pk,
        "lead_agency": world_b.school.pk,
        "lead_person": world_b.agency_lead.person.pk,
    }[field]

    other = bm.post(api(world_a, "action_list"), new_action(world_a, recommendation, **{field: theirs}), format="json")
    missing = bm.post(
        api(world_a, "action_list"), new_action(world_a, recommendation, **{field: 987654}), format="json"
    )

    assert other.status_code == missing.status_code == 400
    assert other.json() == missing.json()
    assert list(other.json()) == [field]
    assert not Action.objects.filter(partnership=world_a.partnership).exists()


@pytest.mark.parametrize("parameter", ["agency_id", "recommendation_id"])
def test_an_id_beyond_any_database_integer_is_a_400_on_the_filter(world_a, bm, parameter):
    # The API fuzz found agency_id=11517129519175548534784 overflowing SQLite's integer: a 500.
    response = bm.get(api(world_a, "action_list"), {parameter: 2**70})
    assert response.status_code == 400
    assert parameter in response.json()


@pytest.mark.parametrize("field", ["recommendation_id", "lead_agency", "lead_person"])
def test_an_id_beyond_any_database_integer_in_the_body_is_a_400_on_the_field(world_a, bm, field):
    recommendation = recommendation_make(world_a, actions=0)
    response = bm.post(
        api(world_a, "action_list"), new_action(world_a, recommendation, **{field: 2**70}), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()


def test_reordering_with_another_partnerships_action_is_refused(world_a, world_b, bm):
    recommendation = recommendation_make(world_a, actions=2)
    ours = list(Action.objects.filter(plan__recommendation=recommendation).values_list("pk", flat=True))
    theirs = Action.objects.get(plan__recommendation=recommendation_make(world_b)).pk
    url = api(world_a, "action_plan_reorder", recommendation_id=recommendation.pk)

    refused = bm.post(url, {"action_ids": [ours[0], theirs]}, format="json")
    done = bm.post(url, {"action_ids": list(reversed(ours))}, format="json")

    assert refused.status_code == 400
    assert "action_ids" in refused.json()
    assert [a["id"] for a in done.json()["actions"]] == list(reversed(ours))


def test_changing_an_action_needs_the_version_and_a_stale_one_is_409(world_a, bm):
    recommendation = recommendation_make(world_a)
    action = Action.objects.get(plan__recommendation=recommendation)
    url = api(world_a, "action_detail", action_id=action.pk)
    read = bm.get(url)

    blind = bm.patch(url, {"what": "Blind"}, format="json")
    first = bm.patch(url, {"what": "First", "updated_at": read.json()["updated_at"]}, format="json")
    stale = bm.patch(url, {"what": "Second"}, format="json", HTTP_IF_MATCH=read["ETag"])

    assert blind.status_code == 428
    assert first.status_code == 200
    assert stale.status_code == 409
    assert Action.objects.get(pk=action.pk).what == "First"


def test_progress_with_evidence_by_multipart_then_its_download(world_a, client_for):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    lead = login(APIClient(), world_a.agency_lead.person)
    url = api(world_a, "action_update_list", action_id=action.pk)

    bad = lead.post(
        url,
        {
            "on": timezone.localdate().isoformat(),
            "note": "x",
            "rag": "red",
            "evidence": [SimpleUploadedFile("a.pdf", b"")],
        },
        format="multipart",
    )
    made = lead.post(
        url,
        {"on": timezone.localdate().isoformat(), "note": "Booked", "rag": Rag.AMBER, "evidence": [pdf_upload("r.pdf")]},
        format="multipart",
    )

    assert bad.status_code == 400
    assert "evidence" in bad.json()
    assert made.status_code == 201, made.content
    evidence = made.json()["evidence"][0]
    download = login(APIClient(), world_a.lay_member.person).get(evidence["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.getvalue().startswith(b"%PDF-")
    assert login(APIClient(), world_a.police_lead.person).get(evidence["download_url"]).status_code == 404
    listed = lead.get(url).json()
    assert [u["note"] for u in listed] == ["Booked"]
    assert ActionUpdate.objects.count() == 1


def test_read_only_and_invisible_callers(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    url = api(world_a, "action_complete", action_id=action.pk)
    version = {"updated_at": action.updated_at.isoformat()}

    assert login(APIClient(), world_a.scrutineer.person).post(url, version, format="json").status_code == 403
    assert login(APIClient(), world_a.health_lead.person).post(url, version, format="json").status_code == 404
    done = login(APIClient(), world_a.practitioner.person).post(url, version, format="json")
    assert done.status_code == 200
    assert done.json()["rag"] == Rag.COMPLETE


def test_complete_close_and_reopen_a_recommendation(world_a, bm):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    bm.post(
        api(world_a, "action_complete", action_id=action.pk),
        {"updated_at": action.updated_at.isoformat()},
        format="json",
    )
    plan = bm.get(api(world_a, "action_plan", recommendation_id=recommendation.pk)).json()
    version = plan["recommendation"]["updated_at"]

    missing = bm.post(
        api(world_a, "action_plan_complete", recommendation_id=recommendation.pk),
        {"impact_evidence": "", "updated_at": version},
        format="json",
    )
    done = bm.post(
        api(world_a, "action_plan_complete", recommendation_id=recommendation.pk),
        {"impact_evidence": "Fewer repeat referrals.", "updated_at": version},
        format="json",
    )
    reopened = bm.post(
        api(world_a, "action_plan_reopen", recommendation_id=recommendation.pk),
        {"reason": "Not sustained", "updated_at": done.json()["updated_at"]},
        format="json",
    )

    assert missing.status_code == 400
    assert "impact_evidence" in missing.json()
    assert done.json()["state"] == State.COMPLETED
    assert reopened.json()["state"] == State.IN_PROGRESS
    la = login(APIClient(), world_a.la_lead.person)
    assert la.post(
        api(world_a, "action_plan_close", recommendation_id=recommendation.pk),
        {"updated_at": reopened.json()["updated_at"]},
        format="json",
    ).status_code in (400, 403)


def test_a_progress_report_by_api(world_a, bm):
    recommendation_make(world_a, state=State.COMPLETED)

    made = bm.post(
        api(world_a, "progress_report_list"),
        {"title": "Board", "as_of": timezone.localdate().isoformat()},
        format="json",
    )
    listed = bm.get(api(world_a, "progress_report_list"))
    scrutineer = login(APIClient(), world_a.scrutineer.person)

    assert made.status_code == 202
    body = made.json()
    assert body["pdf"]["state"] == "queued"
    assert bm.get(body["pdf_download_url"]).status_code == 409
    assert scrutineer.get(body["docx_download_url"]).status_code == 200
    assert listed.json()["count"] == 1
    assert (
        scrutineer.post(
            api(world_a, "progress_report_list"), {"title": "x", "as_of": "2026-01-01"}, format="json"
        ).status_code
        == 403
    )
