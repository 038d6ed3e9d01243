"""Audit templates: copying a built-in, editing a draft version, publishing it.

The rule that keeps answers meaningful: a published version is never edited.
People answer published versions only; a change to a template is made on its
one draft version (``template_version_draft`` makes it as a copy of the latest
published version, keeping every section's and question's key, so answers
carry forward by key), and ``template_version_publish`` makes the draft the
version new audits use. Every edit of a draft checks the draft's version
(``expected_updated_at``): an edit made from an out-of-date page is refused,
nothing is overwritten.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from audits.builtin_templates import BUILTIN_SCALES, BUILTIN_TEMPLATES, BuiltinScale
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
from partnership.models import Partnership, Person
from partnership.services.history import _version_check, tenant_create, tenant_delete, tenant_update
from partnership.services.states import state_move

NAME_MAX_LENGTH = 200
TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 500
LONG_TEXT_MAX_LENGTH = 5000
KEY_MAX_LENGTH = 60
SECTIONS_MAX = 40
QUESTIONS_PER_SECTION_MAX = 40


# --- Scales -------------------------------------------------------------------


def _scale_from_builtin(*, partnership: Partnership, actor: Person | None, builtin: BuiltinScale) -> Scale:
    scale = Scale.objects.in_partnership(partnership).filter(key=builtin.key).first()
    if scale is not None:
        return scale
    scale = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=Scale(partnership=partnership, key=builtin.key, name=builtin.name, description=builtin.description),
    )
    ScaleOption.objects.bulk_create(
        ScaleOption(
            partnership=partnership,
            scale=scale,
            value=option.value,
            label=option.label,
            description=option.description,
            position=position,
            meets_standard=option.meets_standard,
        )
        for position, option in enumerate(builtin.options)
    )
    return scale


@transaction.atomic
def scales_copy_builtin(*, partnership: Partnership, actor: Person | None) -> list[Scale]:
    """Give the partnership every built-in scale it does not have yet (by key); returns all of them."""
    return [
        _scale_from_builtin(partnership=partnership, actor=actor, builtin=builtin)
        for builtin in BUILTIN_SCALES.values()
    ]


# --- Templates ----------------------------------------------------------------


def _text(value: str | None) -> str:
    return (value or "").strip()


def _template_fields(*, name: str, description: str) -> dict:
    name = " ".join((name or "").split())
    description = _text(description)
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["Enter the template's name."]
    elif len(name) > NAME_MAX_LENGTH:
        errors["name"] = [f"Use at most {NAME_MAX_LENGTH} characters."]
    if len(description) > LONG_TEXT_MAX_LENGTH:
        errors["description"] = [f"Use at most {LONG_TEXT_MAX_LENGTH} characters."]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "description": description}


@transaction.atomic
def template_copy_builtin(
    *, partnership: Partnership, actor: Person | None, builtin_key: str, publish: bool = True
) -> AuditTemplate:
    """Copy a built-in template (and the scales it uses) into the partnership.

    The copy is the partnership's own: version 1, published unless ``publish``
    is false (then a draft to adapt first). Copying the same built-in again
    makes another, independent template. Scales are shared by key: a scale the
    partnership already has is reused, not duplicated.
    """
    builtin = BUILTIN_TEMPLATES.get(builtin_key)
    if builtin is None:
        raise ValidationError({"builtin_key": ["Choose one of the built-in templates."]})
    scales = {
        key: _scale_from_builtin(partnership=partnership, actor=actor, builtin=BUILTIN_SCALES[key])
        for key in {q.scale for s in builtin.sections for q in s.questions if q.scale}
    }
    template = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=AuditTemplate(
            partnership=partnership,
            kind=builtin.kind,
            name=builtin.name,
            description=builtin.description,
            builtin_key=builtin.key,
        ),
    )
    version = TemplateVersion.objects.create(partnership=partnership, template=template, number=1)
    sections = TemplateSection.objects.bulk_create(
        TemplateSection(
            partnership=partnership, version=version, key=s.key, title=s.title, guidance=s.guidance, position=i
        )
        for i, s in enumerate(builtin.sections)
    )
    TemplateQuestion.objects.bulk_create(
        TemplateQuestion(
            partnership=partnership,
            section=section,
            version=version,
            key=q.key,
            text=q.text,
            guidance=q.guidance,
            kind=q.kind,
            scale=scales[q.scale] if q.scale else None,
            required=q.required,
            position=j,
        )
        for section, s in zip(sections, builtin.sections, strict=True)
        for j, q in enumerate(s.questions)
    )
    if publish:
        state_move(
            partnership=partnership,
            actor=actor,
            instance=version,
            to=TemplateVersion.State.PUBLISHED,
            fields={"published_at": timezone.now()},
            reason="Copied from the built-in template.",
        )
    return template


@transaction.atomic
def template_create(
    *, partnership: Partnership, actor: Person, kind: str, name: str, description: str = ""
) -> AuditTemplate:
    """A template made from scratch, with an empty draft version 1 to fill in."""
    data = _template_fields(name=name, description=description)
    if kind not in TemplateKind.values:
        raise ValidationError({"kind": ["Choose the kind of audit."]})
    template = tenant_create(
        partnership=partnership, actor=actor, instance=AuditTemplate(partnership=partnership, kind=kind, **data)
    )
    TemplateVersion.objects.create(partnership=partnership, template=template, number=1)
    return template


def _lock_template(*, partnership: Partnership, template: AuditTemplate) -> AuditTemplate:
    locked = AuditTemplate.objects.in_partnership(partnership).select_for_update().filter(pk=template.pk).first()
    if locked is None:
        raise ValidationError("No such template in this partnership.")
    return locked


@transaction.atomic
def template_update(
    *,
    partnership: Partnership,
    actor: Person,
    template: AuditTemplate,
    name: str,
    description: str,
    expected_updated_at: datetime | None = None,
) -> AuditTemplate:
    """Rename or describe a template (its questions change only through a draft version)."""
    locked = _lock_template(partnership=partnership, template=template)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this template")
    tenant_update(
        partnership=partnership,
        actor=actor,
        instance=locked,
        data=_template_fields(name=name, description=description),
    )
    return locked


@transaction.atomic
def template_set_archived(
    *,
    partnership: Partnership,
    actor: Person,
    template: AuditTemplate,
    archived: bool,
    expected_updated_at: datetime | None = None,
) -> AuditTemplate:
    """Archive a template (no new audits use it; existing ones keep it) or bring it back."""
    locked = _lock_template(partnership=partnership, template=template)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this template")
    tenant_update(partnership=partnership, actor=actor, instance=locked, data={"is_archived": archived})
    return locked


# --- Versions -----------------------------------------------------------------


def _copy_structure(*, partnership: Partnership, source: TemplateVersion, target: TemplateVersion) -> None:
    sections = list(TemplateSection.objects.in_partnership(partnership).filter(version=source).order_by("position"))
    questions = list(
        TemplateQuestion.objects.in_partnership(partnership).filter(version=source).order_by("position", "id")
    )
    copies = TemplateSection.objects.bulk_create(
        TemplateSection(
            partnership=partnership,
            version=target,
            key=s.key,
            title=s.title,
            guidance=s.guidance,
            position=s.position,
        )
        for s in sections
    )
    by_old_id = {old.pk: new for old, new in zip(sections, copies, strict=True)}
    TemplateQuestion.objects.bulk_create(
        TemplateQuestion(
            partnership=partnership,
            section=by_old_id[q.section_id],
            version=target,
            key=q.key,
            text=q.text,
            guidance=q.guidance,
            kind=q.kind,
            scale_id=q.scale_id,
            required=q.required,
            position=q.position,
        )
        for q in questions
    )


@transaction.atomic
def template_version_draft(*, partnership: Partnership, actor: Person, template: AuditTemplate) -> TemplateVersion:
    """The template's draft version to edit: the existing one, or a new one copied from the latest published.

    The published versions are left exactly as they are, so answers given to
    them keep their questions. Keys are copied: answers carry forward by key.
    """
    locked = _lock_template(partnership=partnership, template=template)
    versions = TemplateVersion.objects.in_partnership(partnership).filter(template=locked)
    draft = versions.filter(state=TemplateVersion.State.DRAFT).first()
    if draft is not None:
        return draft
    latest = versions.order_by("-number").first()
    number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=TemplateVersion(partnership=partnership, template=locked, number=number),
    )
    if latest is not None:
        _copy_structure(partnership=partnership, source=latest, target=draft)
    return draft


def _lock_draft(
    *, partnership: Partnership, version: TemplateVersion, expected_updated_at: datetime | None
) -> TemplateVersion:
    locked = TemplateVersion.objects.in_partnership(partnership).select_for_update().filter(pk=version.pk).first()
    if locked is None:
        raise ValidationError("No such template version in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this draft")
    if locked.state != TemplateVersion.State.DRAFT:
        raise ValidationError(
            "This version is published and cannot be changed: start a new draft version to make changes.",
            code="published",
        )
    return locked


def _touch(version: TemplateVersion) -> None:
    """Move the draft's version on, so that a page drawn before this edit is refused."""
    version.save(update_fields=["updated_at"])


@transaction.atomic
def template_version_publish(
    *,
    partnership: Partnership,
    actor: Person | None,
    version: TemplateVersion,
    expected_updated_at: datetime | None = None,
) -> TemplateVersion:
    """Publish a draft: new audits use it from now on; it is never edited again.

    Refused for a version with no questions, or with a section without any.
    """
    locked = _lock_draft(partnership=partnership, version=version, expected_updated_at=expected_updated_at)
    sections = list(TemplateSection.objects.in_partnership(partnership).filter(version=locked))
    with_questions = set(
        TemplateQuestion.objects.in_partnership(partnership).filter(version=locked).values_list("section_id", flat=True)
    )
    if not sections:
        raise ValidationError("Add at least one section with a question before publishing.", code="empty")
    empty = [s.title for s in sections if s.pk not in with_questions]
    if empty:
        raise ValidationError(
            f"Add a question to every section before publishing (no questions in: {', '.join(empty)}).",
            code="empty",
        )
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=TemplateVersion.State.PUBLISHED,
        fields={"published_at": timezone.now()},
    )


# --- Sections and questions of a draft ------------------------------------------


def _unique_key(*, wanted: str, taken: set[str], fallback: str) -> str:
    base = slugify(wanted)[: KEY_MAX_LENGTH - 4].strip("-") or fallback
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def _section_fields(*, title: str, guidance: str) -> dict:
    title = " ".join((title or "").split())
    guidance = _text(guidance)
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Enter the section's title."]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [f"Use at most {TITLE_MAX_LENGTH} characters."]
    if len(guidance) > LONG_TEXT_MAX_LENGTH:
        errors["guidance"] = [f"Use at most {LONG_TEXT_MAX_LENGTH} characters."]
    if errors:
        raise ValidationError(errors)
    return {"title": title, "guidance": guidance}


@transaction.atomic
def template_section_add(
    *,
    partnership: Partnership,
    actor: Person,
    version: TemplateVersion,
    title: str,
    guidance: str = "",
    expected_updated_at: datetime | None = None,
) -> TemplateSection:
    """Add a section at the end of a draft."""
    locked = _lock_draft(partnership=partnership, version=version, expected_updated_at=expected_updated_at)
    data = _section_fields(title=title, guidance=guidance)
    existing = TemplateSection.objects.in_partnership(partnership).filter(version=locked)
    taken = set(existing.values_list("key", flat=True))
    if len(taken) >= SECTIONS_MAX:
        raise ValidationError({"title": [f"A template has at most {SECTIONS_MAX} sections."]})
    position = (existing.aggregate(p=Max("position"))["p"] or 0) + 1 if taken else 0
    section = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=TemplateSection(
            partnership=partnership,
            version=locked,
            key=_unique_key(wanted=data["title"], taken=taken, fallback="section"),
            position=position,
            **data,
        ),
    )
    _touch(locked)
    return section


@transaction.atomic
def template_section_update(
    *,
    partnership: Partnership,
    actor: Person,
    section: TemplateSection,
    title: str,
    guidance: str,
    expected_updated_at: datetime | None = None,
) -> TemplateSection:
    """Retitle a draft's section (its key, and so its answers' continuity, stays)."""
    locked = _lock_draft(partnership=partnership, version=section.version, expected_updated_at=expected_updated_at)
    tenant_update(
        partnership=partnership, actor=actor, instance=section, data=_section_fields(title=title, guidance=guidance)
    )
    _touch(locked)
    return section


@transaction.atomic
def template_section_remove(
    *,
    partnership: Partnership,
    actor: Person,
    section: TemplateSection,
    expected_updated_at: datetime | None = None,
) -> None:
    """Remove a section, and its questions, from a draft."""
    locked = _lock_draft(partnership=partnership, version=section.version, expected_updated_at=expected_updated_at)
    tenant_delete(partnership=partnership, actor=actor, instance=section)
    _touch(locked)


def _question_fields(
    *,
    partnership: Partnership,
    text: str,
    guidance: str,
    kind: str,
    scale_id: int | None,
    required: bool,
) -> dict:
    text = " ".join((text or "").split())
    guidance = _text(guidance)
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = ["Enter the question."]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [f"Use at most {TEXT_MAX_LENGTH} characters."]
    if len(guidance) > LONG_TEXT_MAX_LENGTH:
        errors["guidance"] = [f"Use at most {LONG_TEXT_MAX_LENGTH} characters."]
    scale = None
    if kind not in QuestionKind.values:
        errors["kind"] = ["Choose the kind of answer."]
    elif kind == QuestionKind.GRADE:
        scale = Scale.objects.in_partnership(partnership).filter(pk=scale_id).first() if scale_id else None
        if scale is None:
            errors["scale_id"] = ["Choose the scale the answer is graded on."]
    elif scale_id:
        errors["scale_id"] = ["Only a grade has a scale: leave it empty for this kind of answer."]
    if errors:
        raise ValidationError(errors)
    return {"text": text, "guidance": guidance, "kind": kind, "scale": scale, "required": bool(required)}


@transaction.atomic
def template_question_add(
    *,
    partnership: Partnership,
    actor: Person,
    section: TemplateSection,
    text: str,
    kind: str,
    guidance: str = "",
    scale_id: int | None = None,
    required: bool = True,
    expected_updated_at: datetime | None = None,
) -> TemplateQuestion:
    """Add a question at the end of a draft's section, with a key new to the template's version."""
    locked = _lock_draft(partnership=partnership, version=section.version, expected_updated_at=expected_updated_at)
    data = _question_fields(
        partnership=partnership, text=text, guidance=guidance, kind=kind, scale_id=scale_id, required=required
    )
    in_section = TemplateQuestion.objects.in_partnership(partnership).filter(section=section)
    if in_section.count() >= QUESTIONS_PER_SECTION_MAX:
        raise ValidationError({"text": [f"A section has at most {QUESTIONS_PER_SECTION_MAX} questions."]})
    taken = set(
        TemplateQuestion.objects.in_partnership(partnership).filter(version=locked).values_list("key", flat=True)
    )
    question = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=TemplateQuestion(
            partnership=partnership,
            section=section,
            version=locked,
            key=_unique_key(wanted=f"{section.key}-{data['text']}", taken=taken, fallback="question"),
            position=(in_section.aggregate(p=Max("position"))["p"] or 0) + 1,
            **data,
        ),
    )
    _touch(locked)
    return question


@transaction.atomic
def template_question_update(
    *,
    partnership: Partnership,
    actor: Person,
    question: TemplateQuestion,
    text: str,
    kind: str,
    guidance: str = "",
    scale_id: int | None = None,
    required: bool = True,
    expected_updated_at: datetime | None = None,
) -> TemplateQuestion:
    """Change a draft's question; its key stays, so last version's answer still carries forward to it."""
    locked = _lock_draft(partnership=partnership, version=question.version, expected_updated_at=expected_updated_at)
    data = _question_fields(
        partnership=partnership, text=text, guidance=guidance, kind=kind, scale_id=scale_id, required=required
    )
    tenant_update(partnership=partnership, actor=actor, instance=question, data=data)
    _touch(locked)
    return question


@transaction.atomic
def template_question_remove(
    *,
    partnership: Partnership,
    actor: Person,
    question: TemplateQuestion,
    expected_updated_at: datetime | None = None,
) -> None:
    """Remove a question from a draft."""
    locked = _lock_draft(partnership=partnership, version=question.version, expected_updated_at=expected_updated_at)
    tenant_delete(partnership=partnership, actor=actor, instance=question)
    _touch(locked)
