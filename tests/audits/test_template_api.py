"""The audit templates API: reads, copies, draft edits with versions, publishing, refusals, tenancy."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from audits.models import AuditTemplate, TemplateQuestion, TemplateVersion
from audits.services.templates import template_copy_builtin
from tests.conftest import login

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"audits_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _api(person) -> APIClient:
    return login(APIClient(), person)


def test_copy_read_draft_edit_publish(world_a):
    client = _api(world_a.bm)
    response = client.post(_url(world_a, "template_copy"), {"builtin_key": "section-11"}, format="json")
    assert response.status_code == 201, response.content
    template_id = response.json()["id"]
    detail = client.get(_url(world_a, "template_detail", template_id=template_id)).json()
    assert [v["state"] for v in detail["versions"]] == ["published"]
    version = client.get(_url(world_a, "template_version", template_version_id=detail["versions"][0]["id"])).json()
    assert version["sections"][0]["questions"][0]["key"] == "accountability-self-score"
    assert [o["value"] for o in version["scales"][0]["options"]] == [3, 2, 1, 0]
    # Make changes: a draft version 2.
    draft = client.post(_url(world_a, "template_draft", template_id=template_id)).json()
    assert (draft["number"], draft["state"]) == (2, "draft")
    section_id = draft["sections"][0]["id"]
    response = client.post(
        _url(world_a, "template_question_add", template_section_id=section_id),
        {"text": "Is the board report published?", "kind": "yes_partly_no", "updated_at": draft["updated_at"]},
        format="json",
    )
    assert response.status_code == 201, response.content
    after = response.json()
    # The same (now old) version again: 409, nothing added.
    response = client.post(
        _url(world_a, "template_question_add", template_section_id=section_id),
        {"text": "Stale", "kind": "text", "updated_at": draft["updated_at"]},
        format="json",
    )
    assert response.status_code == 409
    assert not TemplateQuestion.objects.filter(text="Stale").exists()
    # No version at all: 428.
    response = client.post(
        _url(world_a, "template_question_add", template_section_id=section_id),
        {"text": "X", "kind": "text"},
        format="json",
    )
    assert response.status_code == 428
    response = client.post(
        _url(world_a, "template_version_publish", template_version_id=draft["id"]),
        {"updated_at": after["updated_at"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "published"
    # Published: a change is refused with field-free 400, nothing changed.
    question_id = after["sections"][0]["questions"][0]["id"]
    response = client.patch(
        _url(world_a, "template_question", template_question_id=question_id),
        {"text": "Changed", "kind": "text", "updated_at": response.json()["updated_at"]},
        format="json",
    )
    assert response.status_code == 400
    assert "published" in str(response.json())


def test_bad_input_gives_field_errors(world_a):
    client = _api(world_a.bm)
    response = client.post(_url(world_a, "template_list"), {"kind": "essay", "name": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"kind", "name"}
    response = client.post(_url(world_a, "template_copy"), {"builtin_key": "nope"}, format="json")
    assert response.status_code == 400
    assert "builtin_key" in response.json()
    response = client.post(_url(world_a, "template_list"), {"kind": "case_audit", "name": "Neglect"}, format="json")
    template = AuditTemplate.objects.get(pk=response.json()["id"])
    draft = TemplateVersion.objects.get(template=template)
    response = client.post(
        _url(world_a, "template_section_add", template_version_id=draft.pk),
        {"title": "", "updated_at": draft.updated_at.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert "title" in response.json()


def test_roles_and_tenancy(world_a, world_b):
    template = template_copy_builtin(partnership=world_a.partnership, actor=world_a.bm, builtin_key="section-175")
    version = TemplateVersion.objects.get(template=template)
    assert _api(world_a.scrutineer.person).get(_url(world_a, "template_list")).status_code == 200
    assert (
        _api(world_a.scrutineer.person).post(_url(world_a, "template_draft", template_id=template.pk)).status_code
        == 403
    )
    assert _api(world_a.practitioner.person).get(_url(world_a, "template_list")).status_code == 403
    other = _api(world_b.bm)
    assert other.get(_url(world_b, "template_detail", template_id=template.pk)).status_code == 404
    assert other.get(_url(world_b, "template_version", template_version_id=version.pk)).status_code == 404
    assert other.post(_url(world_b, "template_draft", template_id=template.pk)).status_code == 404
    assert other.get(_url(world_b, "template_list")).json() == []
