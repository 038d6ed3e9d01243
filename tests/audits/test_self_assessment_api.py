"""Self-assessments over the API: launch, answer (409 when stale), submit, sign, evidence, actions, tenancy."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits.models import ReturnStandard, SelfAssessmentReturn
from tests.audits.sa_helpers import cycle_make, fill, published_version, return_of, school_lead, schools_make

pytestmark = pytest.mark.django_db


def url(world, name: str, **kwargs) -> str:
    return reverse(f"audits_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def send(client, method: str, target: str, body: dict):
    return getattr(client, method)(target, data=json.dumps(body), content_type="application/json")


def test_a_business_manager_launches_and_reads_a_cycle(world_a, client_for):
    schools_make(world_a, 3)
    version = published_version(world_a, "section-175")
    client = client_for(world_a.bm)
    today = timezone.localdate()
    body = {"template_version": version.pk, "year": 2026, "opens_on": str(today), "due_on": str(today + timedelta(9))}

    launched = send(client, "post", url(world_a, "cycle_list"), body)

    assert launched.status_code == 201, launched.content
    assert launched.json()["returns"] == 3
    assert launched.json()["invitations"] == 3
    cycle_id = launched.json()["cycle"]["id"]
    assert send(client, "post", url(world_a, "cycle_list"), body).status_code == 400  # the same year again
    detail = client.get(url(world_a, "cycle_detail", cycle_id=cycle_id)).json()
    assert detail["counts"] == {"draft": 3, "awaiting_signatures": 0, "submitted": 0, "moderated": 0}
    assert client.get(url(world_a, "cycle_list")).json()["count"] == 1
    listed = client.get(url(world_a, "cycle_returns", cycle_id=cycle_id) + "?search=200001").json()
    assert [r["school_urn"] for r in listed["results"]] == ["200001"]
    assert client.get(url(world_a, "cycle_returns", cycle_id=cycle_id) + "?state=nope").status_code == 400
    assert client_for(world_a.agency_lead.person).get(url(world_a, "cycle_list")).status_code == 403


def test_an_agency_lead_answers_and_submits_over_the_api(world_a, client_for):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    client = client_for(world_a.agency_lead.person)
    target = url(world_a, "sa_return_detail", return_id=ret.pk)
    mine = client.get(url(world_a, "sa_my_returns")).json()
    assert [r["id"] for r in mine["results"]] == [ret.pk]

    assert send(client, "patch", target, {"answers": {}}).status_code == 400  # no edit_version
    bad = send(client, "patch", target, {"edit_version": 1, "answers": {"training-self-score": 5}})
    assert bad.status_code == 400
    assert "answer_training-self-score" in bad.json()
    saved = send(client, "patch", target, {"edit_version": 1, "answers": fill(ret)})
    assert saved.status_code == 200, saved.content
    assert saved.json()["edit_version"] == 2
    training = next(s for s in saved.json()["standards"] if s["key"] == "training")
    assert training["self_score"] == 3

    stale = send(client, "patch", target, {"edit_version": 1, "answers": {"training-self-score": 0}})
    assert stale.status_code == 409
    submitted = send(client, "post", url(world_a, "sa_return_submit", return_id=ret.pk), {"edit_version": 2})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "submitted"
    again = send(client, "patch", target, {"edit_version": submitted.json()["edit_version"], "answers": {}})
    assert again.status_code == 400


def test_incomplete_returns_are_refused_with_what_is_missing(world_a, client_for):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    client = client_for(world_a.agency_lead.person)

    response = send(client, "post", url(world_a, "sa_return_submit", return_id=ret.pk), {"edit_version": 1})

    assert response.status_code == 400
    assert len(response.json()["non_field_errors"]) == 22


def test_a_school_return_is_signed_over_the_api(world_a, client_for):
    schools_make(world_a, 1)
    cycle = cycle_make(world_a, "section-175").cycle
    ret = SelfAssessmentReturn.objects.in_partnership(world_a.partnership).get(cycle=cycle)
    client = client_for(school_lead(world_a, ret.agency).person)
    send(client, "patch", url(world_a, "sa_return_detail", return_id=ret.pk), {"edit_version": 1, "answers": fill(ret)})
    waiting = send(client, "post", url(world_a, "sa_return_submit", return_id=ret.pk), {"edit_version": 2}).json()
    assert waiting["state"] == "awaiting_signatures"
    sign = url(world_a, "sa_return_sign", return_id=ret.pk)

    head = send(
        client,
        "post",
        sign,
        {"edit_version": waiting["edit_version"], "signer": "head", "name": "Head 0", "confirmed": True},
    ).json()
    done = send(
        client,
        "post",
        sign,
        {"edit_version": head["edit_version"], "signer": "governor", "name": "Governor 0", "confirmed": True},
    )

    assert done.json()["state"] == "submitted"
    assert done.json()["governor_signed_name"] == "Governor 0"
    sent_back = send(
        client_for(world_a.bm), "post", url(world_a, "sa_return_send_back", return_id=ret.pk), {"reason": "Check."}
    )
    assert sent_back.json()["state"] == "draft"


def test_evidence_and_actions_over_the_api(world_a, client_for):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    standard = ReturnStandard.objects.in_partnership(world_a.partnership).filter(assessment_return=ret).first()
    client = client_for(world_a.agency_lead.person)
    kwargs = {"return_id": ret.pk, "standard_id": standard.pk}

    empty = client.post(url(world_a, "standard_evidence_list", **kwargs), {"file": SimpleUploadedFile("a.pdf", b"")})
    assert empty.status_code == 400
    assert empty.json()["file"] == ["The file is empty."]
    wrong = client.post(url(world_a, "standard_evidence_list", **kwargs), {"file": SimpleUploadedFile("a.pdf", b"MZ")})
    assert wrong.status_code == 400
    added = client.post(
        url(world_a, "standard_evidence_list", **kwargs), {"file": SimpleUploadedFile("policy.pdf", b"%PDF-1.7")}
    )
    assert added.status_code == 201
    download = client.get(added.json()["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="policy.pdf"'

    due = str(timezone.localdate() + timedelta(days=5))
    action = send(
        client, "post", url(world_a, "gap_action_list", **kwargs), {"action": "Audit", "owner": "Lead", "due_on": due}
    )
    assert action.status_code == 201
    read = client.get(url(world_a, "standard_detail", **kwargs)).json()
    assert [a["action"] for a in read["actions"]] == ["Audit"]
    assert [f["name"] for f in read["evidence"]] == ["policy.pdf"]
    remove = url(world_a, "gap_action_detail", **kwargs, gap_action_id=action.json()["id"])
    assert client_for(world_a.bm).delete(remove).status_code == 403
    assert client.delete(remove).status_code == 204


def test_another_partnerships_ids_answer_404(world_a, world_b, client_for):
    cycle = cycle_make(world_a).cycle
    ret = return_of(world_a, cycle, world_a.school)
    standard = ReturnStandard.objects.in_partnership(world_a.partnership).filter(assessment_return=ret).first()
    client = client_for(world_b.bm)

    assert client.get(url(world_b, "cycle_detail", cycle_id=cycle.pk)).status_code == 404
    assert client.get(url(world_b, "sa_return_detail", return_id=ret.pk)).status_code == 404
    assert client.get(url(world_b, "standard_detail", return_id=ret.pk, standard_id=standard.pk)).status_code == 404
    lead_b = client_for(world_b.agency_lead.person)
    patch = send(
        lead_b, "patch", url(world_b, "sa_return_detail", return_id=ret.pk), {"edit_version": 1, "answers": {}}
    )
    assert patch.status_code == 404
    # A template version of world_a in the body of world_b's launch: refused like a missing one.
    today = timezone.localdate()
    body = {"template_version": cycle.version_id, "year": 2030, "opens_on": str(today), "due_on": str(today)}
    refused = send(client, "post", url(world_b, "cycle_list"), body)
    assert refused.status_code == 400
    assert refused.json() == {"template_version": ["No such template version here."]}
    missing = send(client, "post", url(world_b, "cycle_list"), {**body, "template_version": 99_999_999})
    assert missing.json() == refused.json()
