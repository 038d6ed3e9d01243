"""Template pages: copying, reading a version, editing only a draft, publishing, refusals and tenancy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audits.models import AuditTemplate, TemplateQuestion, TemplateSection, TemplateVersion
from audits.services.templates import template_copy_builtin, template_version_draft

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_business_manager_copies_a_builtin(world_a, client_for):
    client = client_for(world_a.bm)
    page = client.get(_url(world_a, "template_list"))
    assert page.status_code == 200
    assert b"Copy a built-in template" in page.content
    response = client.post(_url(world_a, "template_copy"), {"builtin_key": "multi-agency-case-audit"})
    template = AuditTemplate.objects.get(partnership=world_a.partnership)
    assert response.status_code == 302
    assert response["Location"] == _url(world_a, "template_detail", template_id=template.pk)
    version = TemplateVersion.objects.get(template=template)
    page = client.get(_url(world_a, "template_version_detail", template_version_id=version.pk))
    assert page.status_code == 200
    assert b"Voice of the child" in page.content
    assert b"Requires improvement" in page.content
    # Published: no edit forms.
    assert b"section-form" not in page.content
    assert b"publish-form" not in page.content


def test_bad_copy_and_create_are_400_with_field_errors(world_a, client_for):
    client = client_for(world_a.bm)
    response = client.post(_url(world_a, "template_copy"), {"builtin_key": "nope"})
    assert response.status_code == 400
    assert "builtin_key" in response.context["copy_form"].errors
    response = client.post(_url(world_a, "template_create"), {"new-kind": "", "new-name": ""})
    assert response.status_code == 400
    assert set(response.context["create_form"].errors) == {"kind", "name"}
    assert not AuditTemplate.objects.filter(partnership=world_a.partnership).exists()


def test_make_changes_opens_a_draft_and_publish(world_a, client_for):
    client = client_for(world_a.bm)
    template = template_copy_builtin(partnership=world_a.partnership, actor=world_a.bm, builtin_key="section-11")
    response = client.post(_url(world_a, "template_draft", template_id=template.pk))
    draft = TemplateVersion.objects.get(template=template, number=2)
    assert response["Location"] == _url(world_a, "template_version_detail", template_version_id=draft.pk)
    page = client.get(response["Location"])
    assert b"publish-form" in page.content
    version = page.context["versioned"]["expected_updated_at"]
    # Add a section, then a question to it.
    response = client.post(
        _url(world_a, "template_section_add", template_version_id=draft.pk),
        {"section-title": "Online safety", "section-guidance": "", "section-expected_updated_at": version},
    )
    assert response.status_code == 302
    section = TemplateSection.objects.get(version=draft, key="online-safety")
    add_q = _url(world_a, "template_question_add", template_section_id=section.pk)
    form = client.get(add_q).context["form"]
    scale_id = TemplateQuestion.objects.filter(version=draft, kind="grade").first().scale_id
    response = client.post(
        add_q,
        {
            "text": "Self score: online safety",
            "kind": "grade",
            "scale_id": str(scale_id),
            "required": "on",
            "expected_updated_at": form.initial["expected_updated_at"],
        },
    )
    assert response.status_code == 302
    assert TemplateQuestion.objects.filter(section=section).count() == 1
    # A form drawn before that change is refused, nothing added.
    response = client.post(
        _url(world_a, "template_section_add", template_version_id=draft.pk),
        {"section-title": "Stale", "section-expected_updated_at": version},
    )
    assert response.status_code == 400
    assert b"Someone else changed this draft" in response.content
    assert not TemplateSection.objects.filter(version=draft, title="Stale").exists()
    draft.refresh_from_db()
    response = client.post(
        _url(world_a, "template_version_publish", template_version_id=draft.pk),
        {"publish-expected_updated_at": draft.updated_at.isoformat()},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.state == TemplateVersion.State.PUBLISHED


def test_question_form_errors_beside_fields(world_a, client_for):
    template = template_copy_builtin(partnership=world_a.partnership, actor=world_a.bm, builtin_key="section-11")
    draft = template_version_draft(partnership=world_a.partnership, actor=world_a.bm, template=template)
    section = TemplateSection.objects.filter(version=draft).first()
    response = client_for(world_a.bm).post(
        _url(world_a, "template_question_add", template_section_id=section.pk),
        {"text": "Graded", "kind": "grade", "scale_id": "", "expected_updated_at": draft.updated_at.isoformat()},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["scale_id"]
    assert b'class="error-summary"' in response.content


def test_published_question_cannot_be_edited_through_the_page(world_a, client_for):
    template = template_copy_builtin(partnership=world_a.partnership, actor=world_a.bm, builtin_key="section-11")
    question = TemplateQuestion.objects.filter(version__template=template).first()
    response = client_for(world_a.bm).post(
        _url(world_a, "template_question_edit", template_question_id=question.pk),
        {
            "text": "Changed",
            "kind": "text",
            "expected_updated_at": question.version.updated_at.isoformat(),
        },
    )
    assert response.status_code == 400
    assert b"This version is published" in response.content
    question.refresh_from_db()
    assert question.text != "Changed"


def test_roles_and_tenancy(world_a, world_b, client_for, django_assert_max_num_queries):
    for key in ("section-11", "section-175", "multi-agency-case-audit", "single-agency-audit"):
        template_copy_builtin(partnership=world_a.partnership, actor=world_a.bm, builtin_key=key)
    template = AuditTemplate.objects.filter(partnership=world_a.partnership).first()
    version = TemplateVersion.objects.get(template=template)
    lead = client_for(world_a.la_lead.person)
    with django_assert_max_num_queries(12):
        assert lead.get(_url(world_a, "template_list")).status_code == 200
    with django_assert_max_num_queries(14):
        assert lead.get(_url(world_a, "template_version_detail", template_version_id=version.pk)).status_code == 200
    assert lead.post(_url(world_a, "template_draft", template_id=template.pk)).status_code == 403
    assert client_for(world_a.practitioner.person).get(_url(world_a, "template_list")).status_code == 403
    other = client_for(world_b.bm)
    assert other.get(_url(world_b, "template_detail", template_id=template.pk)).status_code == 404
    assert other.get(_url(world_b, "template_version_detail", template_version_id=version.pk)).status_code == 404
    assert other.post(_url(world_b, "template_draft", template_id=template.pk)).status_code == 404
