"""The case audit API: programme, rounds, cases, assignments, returns, moderation; versions, roles, tenancy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audits.models import AuditAnswer, AuditReturn
from tests.audits.helpers import GOOD_ANSWERS, first_return, published_case_audit, round_make
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"audits_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _api(person) -> APIClient:
    return login(APIClient(), person)


def test_set_up_a_round_through_the_api(world_a):
    client = _api(world_a.bm)
    version = published_case_audit(world_a)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    response = client.post(
        _url(world_a, "round_list"),
        {"title": "Neglect", "template_version_id": version.pk, "due_on": due},
        format="json",
    )
    assert response.status_code == 201, response.content
    round_id = response.json()["id"]
    response = client.post(
        _url(world_a, "round_screen", audit_round_id=round_id), {"references": ["CA-1", "CA-2"]}, format="json"
    )
    assert response.json()["screened"] == 2
    case = response.json()["cases"][0]
    response = client.patch(
        _url(world_a, "case", audit_case_id=case["id"]),
        {"selected": True, "reason": "Repeat referrals", "updated_at": case["updated_at"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    response = client.post(
        _url(world_a, "case_assign", audit_case_id=case["id"]),
        {"agency_id": world_a.school.pk, "practitioner_id": world_a.practitioner.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["returns"][0]["state"] == "assigned"
    detail = client.get(_url(world_a, "round_detail", audit_round_id=round_id)).json()
    response = client.post(
        _url(world_a, "round_move", audit_round_id=round_id),
        {"to": "open", "updated_at": detail["updated_at"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "open"
    # The old version again: 409.
    response = client.post(
        _url(world_a, "round_move", audit_round_id=round_id),
        {"to": "moderation", "updated_at": detail["updated_at"]},
        format="json",
    )
    assert response.status_code == 409


def test_each_case_carries_its_own_returns_and_the_page_links_them(world_a, world_b, client_for):
    """A round's cases with their returns, read in one query and handed to each case (issue 13): every return
    under its own case, a case with none has none, and no other round's or partnership's return comes along."""
    audit_round = round_make(world_a, cases=3, selected=2)
    round_make(world_a, cases=2, selected=2)  # another round of the same partnership
    round_make(world_b, cases=2, selected=2)
    expected = {
        case_id: [r.pk for r in AuditReturn.objects.filter(case_id=case_id)]
        for case_id in audit_round.cases.values_list("pk", flat=True)
    }
    assert sorted(len(ids) for ids in expected.values()) == [0, 1, 1]

    answer = _api(world_a.bm).get(_url(world_a, "round_detail", audit_round_id=audit_round.pk)).json()
    assert {case["id"]: [r["id"] for r in case["returns"]] for case in answer["cases"]} == expected
    assert all(r["case_id"] == case["id"] for case in answer["cases"] for r in case["returns"])

    page = client_for(world_a.bm).get(
        reverse("audits:round_detail", kwargs={"slug": world_a.partnership.slug, "audit_round_id": audit_round.pk})
    )
    links = {r.pk: r.url for case in page.context["page"].cases for r in case.round_returns}
    assert sorted(links) == sorted(pk for ids in expected.values() for pk in ids)
    for url in links.values():
        assert url.encode() in page.content


def test_bad_input_is_400_with_field_errors(world_a, world_b):
    client = _api(world_a.bm)
    other_version = published_case_audit(world_b)
    response = client.post(
        _url(world_a, "round_list"),
        {"title": "X", "template_version_id": other_version.pk, "due_on": "2001-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"template_version_id", "due_on"}
    response = client.post(_url(world_a, "programme"), {"year": 2026, "month": 13, "title": "X"}, format="json")
    assert response.status_code == 400
    assert "month" in response.json()


def test_practitioner_saves_and_submits_through_the_api(world_a):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    client = _api(world_a.practitioner.person)
    mine = client.get(_url(world_a, "my_returns")).json()["results"]
    assert [r["id"] for r in mine] == list(
        AuditReturn.objects.filter(case__round=audit_round).order_by("case__position").values_list("id", flat=True)
    )
    url = _url(world_a, "return", audit_return_id=audit_return.pk)
    response = client.patch(url, {"answers": {"voice-grade": "2"}, "version": 1}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    response = client.patch(url, {"answers": {"voice-grade": "4"}, "version": 1}, format="json")
    assert response.status_code == 409
    assert AuditAnswer.objects.get(audit_return=audit_return, question__key="voice-grade").option.value == 2
    response = client.post(
        _url(world_a, "return_submit", audit_return_id=audit_return.pk), {"answers": {}, "version": 2}, format="json"
    )
    assert response.status_code == 400
    assert "overall-grade" in response.json()
    response = client.post(
        _url(world_a, "return_submit", audit_return_id=audit_return.pk),
        {"answers": GOOD_ANSWERS, "version": 2},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "submitted"
    # The moderator moderates; the practitioner may not.
    version = response.json()["version"]
    moderate = _url(world_a, "return_moderate", audit_return_id=audit_return.pk)
    body = {"grades": {"voice-grade": "3"}, "rationales": {"voice-grade": "Not seen alone"}, "version": version}
    assert client.post(moderate, body, format="json").status_code == 403
    response = _api(world_a.bm).post(moderate, body, format="json")
    assert response.status_code == 200, response.content
    voice = next(a for a in response.json()["answers"] if a["key"] == "voice-grade")
    assert (voice["value"], voice["moderated_value"]) == ("1", 3)


def test_roles_and_tenancy(world_a, world_b):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    assert _api(world_a.practitioner.person).get(_url(world_a, "round_list")).status_code == 403
    assert (
        _api(world_a.observer.person).get(_url(world_a, "return", audit_return_id=audit_return.pk)).status_code == 404
    )
    assert (
        _api(world_a.agency_lead.person).get(_url(world_a, "return", audit_return_id=audit_return.pk)).status_code
        == 200
    )
    lead_save = _api(world_a.agency_lead.person).patch(
        _url(world_a, "return", audit_return_id=audit_return.pk), {"answers": {}, "version": 1}, format="json"
    )
    assert lead_save.status_code == 403
    other = _api(world_b.bm)
    assert other.get(_url(world_b, "round_detail", audit_round_id=audit_round.pk)).status_code == 404
    assert other.get(_url(world_b, "return", audit_return_id=audit_return.pk)).status_code == 404
    assert other.get(_url(world_b, "round_list")).json()["results"] == []


def test_withdraw_evidence_download_and_finding_removal(world_a, world_b):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from audits.models import AuditFinding
    from audits.services.findings import audit_finding_add
    from audits.services.returns import audit_return_save
    from partnership.models import StoredFile

    audit_round = round_make(world_a)
    returns = list(AuditReturn.objects.filter(case__round=audit_round).order_by("case__position"))
    bm = _api(world_a.bm)
    assert bm.post(_url(world_a, "return_withdraw", audit_return_id=returns[1].pk)).status_code == 204
    assert not AuditReturn.objects.filter(pk=returns[1].pk).exists()
    audit_return_save(
        partnership=world_a.partnership,
        membership=world_a.practitioner,
        audit_return=returns[0],
        answers={},
        files={"overall-evidence-file": SimpleUploadedFile("notes.txt", b"Chronology")},
        version=1,
    )
    assert bm.post(_url(world_a, "return_withdraw", audit_return_id=returns[0].pk)).status_code == 400
    stored = StoredFile.objects.get(partnership=world_a.partnership, name="notes.txt")
    url = _url(world_a, "return_evidence", audit_return_id=returns[0].pk, evidence_file_id=stored.pk)
    response = _api(world_a.practitioner.person).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert _api(world_a.observer.person).get(url).status_code == 404
    other = _url(world_b, "return_evidence", audit_return_id=returns[0].pk, evidence_file_id=stored.pk)
    assert _api(world_b.bm).get(other).status_code == 404
    finding = audit_finding_add(
        partnership=world_a.partnership, actor=world_a.bm, audit_round=audit_round, kind="strength", text="Heard"
    )
    url = _url(world_a, "finding", audit_round_id=audit_round.pk, audit_finding_id=finding.pk)
    assert bm.delete(url).status_code == 204
    assert not AuditFinding.objects.filter(pk=finding.pk).exists()
