"""Audit templates as data: copying built-ins, versioning, editing only drafts, structure reads."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404

from audits.builtin_templates import BUILTIN_SCALES, BUILTIN_TEMPLATES, SECTION_11_SCORE
from audits.models import (
    AuditTemplate,
    QuestionKind,
    Scale,
    ScaleOption,
    TemplateKind,
    TemplateQuestion,
    TemplateSection,
    TemplateVersion,
)
from audits.selectors.templates import (
    template_get,
    template_list,
    template_version_latest_published,
    version_structure,
)
from audits.services.templates import (
    scales_copy_builtin,
    template_copy_builtin,
    template_create,
    template_question_add,
    template_question_remove,
    template_question_update,
    template_section_add,
    template_update,
    template_version_draft,
    template_version_publish,
)
from partnership.models import HistoryEntry

pytestmark = pytest.mark.django_db


def test_builtin_data_is_complete():
    # Every grade names a scale that exists; keys are unique in each template; S11 has the eleven standards.
    for template in BUILTIN_TEMPLATES.values():
        keys = [q.key for s in template.sections for q in s.questions]
        assert len(keys) == len(set(keys)), template.key
        assert len({s.key for s in template.sections}) == len(template.sections)
        for section in template.sections:
            assert section.questions
            for question in section.questions:
                assert question.guidance
                assert (question.kind == QuestionKind.GRADE) == bool(question.scale)
                assert not question.scale or question.scale in BUILTIN_SCALES
    s11 = BUILTIN_TEMPLATES["section-11"]
    assert len(s11.sections) == 11
    for section in s11.sections:
        kinds = [(q.kind, q.scale) for q in section.questions]
        assert kinds == [(QuestionKind.GRADE, SECTION_11_SCORE), (QuestionKind.TEXT, "")]
    case = BUILTIN_TEMPLATES["multi-agency-case-audit"]
    assert [s.key for s in case.sections] == [
        "early-help",
        "assessment",
        "planning",
        "joint-working",
        "voice-of-the-child",
        "impact",
        "overall",
    ]
    ofsted = [o.label for o in BUILTIN_SCALES["ofsted-four-point"].options]
    assert ofsted == ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    assert {t.kind for t in BUILTIN_TEMPLATES.values()} == set(TemplateKind.values)


def test_copy_builtin_copies_structure_and_scales(world_a):
    p = world_a.partnership
    template = template_copy_builtin(partnership=p, actor=world_a.bm, builtin_key="section-11")
    assert template.kind == TemplateKind.SECTION_11
    assert template.builtin_key == "section-11"
    version = template_version_latest_published(partnership=p, template=template)
    assert version.number == 1
    assert version.published_at is not None
    sections = version_structure(partnership=p, version=version)
    assert [s.key for s in sections][:2] == ["accountability", "senior-lead"]
    score = sections[0].questions.all()[0]
    assert score.key == "accountability-self-score"
    assert score.kind == QuestionKind.GRADE
    assert [o.value for o in score.scale.options.all()] == [3, 2, 1, 0]
    assert score.scale.partnership_id == p.pk
    # A second copy reuses the scale (by key), and is a template of its own.
    again = template_copy_builtin(partnership=p, actor=world_a.bm, builtin_key="section-11")
    assert again.pk != template.pk
    assert Scale.objects.filter(partnership=p, key=SECTION_11_SCORE).count() == 1
    assert HistoryEntry.objects.filter(partnership=p, object_id=template.pk, action="created").exists()


def test_copy_unknown_builtin_is_a_field_error(world_a):
    with pytest.raises(ValidationError) as err:
        template_copy_builtin(partnership=world_a.partnership, actor=world_a.bm, builtin_key="nope")
    assert "builtin_key" in err.value.message_dict
    assert not AuditTemplate.objects.filter(partnership=world_a.partnership).exists()


def test_version_structure_runs_three_queries(world_a, django_assert_num_queries):
    p = world_a.partnership
    template = template_copy_builtin(partnership=p, actor=world_a.bm, builtin_key="multi-agency-case-audit")
    version = template_version_latest_published(partnership=p, template=template)
    with django_assert_num_queries(3):
        sections = version_structure(partnership=p, version=version)
        labels = [o.label for s in sections for q in s.questions.all() if q.scale for o in q.scale.options.all()]
    assert "Requires improvement" in labels


def test_published_version_is_never_edited(world_a):
    p = world_a.partnership
    template = template_copy_builtin(partnership=p, actor=world_a.bm, builtin_key="multi-agency-case-audit")
    published = template_version_latest_published(partnership=p, template=template)
    question = TemplateQuestion.objects.filter(version=published).first()
    with pytest.raises(ValidationError) as err:
        template_question_update(
            partnership=p, actor=world_a.bm, question=question, text="Changed", kind=QuestionKind.TEXT
        )
    assert err.value.code == "published"
    question.refresh_from_db()
    assert question.text != "Changed"
    with pytest.raises(ValidationError):
        template_section_add(partnership=p, actor=world_a.bm, version=published, title="New")


def test_editing_makes_a_new_draft_that_keeps_keys(world_a):
    p = world_a.partnership
    template = template_copy_builtin(partnership=p, actor=world_a.bm, builtin_key="multi-agency-case-audit")
    published = template_version_latest_published(partnership=p, template=template)
    draft = template_version_draft(partnership=p, actor=world_a.bm, template=template)
    assert draft.number == 2
    assert draft.state == TemplateVersion.State.DRAFT
    # Asking again gives the same draft, not a third version.
    assert template_version_draft(partnership=p, actor=world_a.bm, template=template).pk == draft.pk
    old_keys = list(TemplateQuestion.objects.filter(version=published).order_by("key").values_list("key", flat=True))
    new_keys = list(TemplateQuestion.objects.filter(version=draft).order_by("key").values_list("key", flat=True))
    assert old_keys == new_keys
    q = TemplateQuestion.objects.get(version=draft, key="voice-grade")
    template_question_update(
        partnership=p,
        actor=world_a.bm,
        question=q,
        text="How well was the child heard?",
        kind=QuestionKind.GRADE,
        scale_id=q.scale_id,
        guidance="New guidance",
    )
    assert TemplateQuestion.objects.get(version=published, key="voice-grade").text != "How well was the child heard?"
    template_version_publish(partnership=p, actor=world_a.bm, version=draft)
    draft.refresh_from_db()
    assert draft.state == TemplateVersion.State.PUBLISHED
    assert template_version_latest_published(partnership=p, template=template).pk == draft.pk
    # The table of moves: a published version does not go back to draft, nor is published twice.
    with pytest.raises(ValidationError):
        template_version_publish(partnership=p, actor=world_a.bm, version=draft)


def test_template_from_scratch_and_its_questions(world_a):
    p = world_a.partnership
    template = template_create(partnership=p, actor=world_a.bm, kind=TemplateKind.CASE_AUDIT, name="  Neglect  audit ")
    assert template.name == "Neglect audit"
    draft = template_version_draft(partnership=p, actor=world_a.bm, template=template)
    assert draft.number == 1
    with pytest.raises(ValidationError) as err:
        template_version_publish(partnership=p, actor=world_a.bm, version=draft)
    assert err.value.code == "empty"
    section = template_section_add(partnership=p, actor=world_a.bm, version=draft, title="Neglect")
    assert section.key == "neglect"
    with pytest.raises(ValidationError) as err:
        template_version_publish(partnership=p, actor=world_a.bm, version=draft)
    scale = scales_copy_builtin(partnership=p, actor=world_a.bm)[0]
    with pytest.raises(ValidationError) as err:
        template_question_add(partnership=p, actor=world_a.bm, section=section, text="Graded?", kind="grade")
    assert "scale_id" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        template_question_add(partnership=p, actor=world_a.bm, section=section, text="", kind="text", scale_id=scale.pk)
    assert set(err.value.message_dict) == {"text", "scale_id"}
    with pytest.raises(ValidationError) as err:
        template_question_add(partnership=p, actor=world_a.bm, section=section, text="x", kind="essay")
    assert "kind" in err.value.message_dict
    one = template_question_add(
        partnership=p,
        actor=world_a.bm,
        section=section,
        text="Was neglect recognised?",
        kind="grade",
        scale_id=scale.pk,
    )
    two = template_question_add(
        partnership=p, actor=world_a.bm, section=section, text="Was neglect recognised?", kind="yes_partly_no"
    )
    assert one.key != two.key
    assert two.key.startswith(one.key)
    template_question_remove(partnership=p, actor=world_a.bm, question=two)
    published = template_version_publish(partnership=p, actor=world_a.bm, version=draft)
    assert published.state == TemplateVersion.State.PUBLISHED


def test_another_partnerships_scale_is_refused(world_a, world_b):
    p = world_a.partnership
    other_scale = scales_copy_builtin(partnership=world_b.partnership, actor=world_b.bm)[0]
    template = template_create(partnership=p, actor=world_a.bm, kind=TemplateKind.CASE_AUDIT, name="T")
    draft = template_version_draft(partnership=p, actor=world_a.bm, template=template)
    section = template_section_add(partnership=p, actor=world_a.bm, version=draft, title="S")
    with pytest.raises(ValidationError) as err:
        template_question_add(
            partnership=p, actor=world_a.bm, section=section, text="Q", kind="grade", scale_id=other_scale.pk
        )
    assert "scale_id" in err.value.message_dict


def test_stale_draft_edit_is_refused(world_a):
    p = world_a.partnership
    template = template_create(partnership=p, actor=world_a.bm, kind=TemplateKind.CASE_AUDIT, name="T")
    draft = template_version_draft(partnership=p, actor=world_a.bm, template=template)
    seen = draft.updated_at
    template_section_add(partnership=p, actor=world_a.bm, version=draft, title="First", expected_updated_at=seen)
    with pytest.raises(ValidationError) as err:
        template_section_add(partnership=p, actor=world_a.bm, version=draft, title="Second", expected_updated_at=seen)
    assert err.value.code == "stale"
    assert list(TemplateSection.objects.filter(version=draft).values_list("title", flat=True)) == ["First"]
    stale_template = template.updated_at
    template_update(partnership=p, actor=world_a.bm, template=template, name="T2", description="")
    with pytest.raises(ValidationError):
        template_update(
            partnership=p,
            actor=world_a.bm,
            template=template,
            name="T3",
            description="",
            expected_updated_at=stale_template,
        )


def test_template_get_and_list_are_per_partnership(world_a, world_b):
    a = template_copy_builtin(partnership=world_a.partnership, actor=world_a.bm, builtin_key="section-175")
    b = template_copy_builtin(partnership=world_b.partnership, actor=world_b.bm, builtin_key="section-175")
    assert template_get(partnership=world_a.partnership, pk=a.pk) == a
    with pytest.raises(Http404):
        template_get(partnership=world_a.partnership, pk=b.pk)
    listed = list(template_list(partnership=world_a.partnership))
    assert listed == [a]
    assert listed[0].published_number == 1
    assert listed[0].has_draft is False


def test_database_refuses_grade_without_scale_and_duplicate_keys(world_a):
    p = world_a.partnership
    template = template_create(partnership=p, actor=world_a.bm, kind=TemplateKind.CASE_AUDIT, name="T")
    draft = template_version_draft(partnership=p, actor=world_a.bm, template=template)
    section = template_section_add(partnership=p, actor=world_a.bm, version=draft, title="S")
    with pytest.raises(IntegrityError), transaction.atomic():
        TemplateQuestion.objects.create(partnership=p, section=section, version=draft, key="k", text="t", kind="grade")
    TemplateQuestion.objects.create(partnership=p, section=section, version=draft, key="k", text="t", kind="text")
    with pytest.raises(IntegrityError), transaction.atomic():
        TemplateQuestion.objects.create(partnership=p, section=section, version=draft, key="k", text="t", kind="text")
    with pytest.raises(IntegrityError), transaction.atomic():
        TemplateVersion.objects.create(partnership=p, template=template, number=9)  # a second draft
    assert ScaleOption.objects.filter(partnership=p).count() == 0
