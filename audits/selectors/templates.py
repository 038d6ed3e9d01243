"""Reads of audit templates: lists, one template, a version's whole structure in three queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from audits.builtin_templates import BUILTIN_TEMPLATES, BuiltinTemplate
from audits.models import AuditTemplate, Scale, ScaleOption, TemplateQuestion, TemplateSection, TemplateVersion
from partnership.models import Partnership


def builtin_template_list() -> list[BuiltinTemplate]:
    """The built-in templates a partnership can copy."""
    return list(BUILTIN_TEMPLATES.values())


def template_list(
    *, partnership: Partnership, kind: str | None = None, include_archived: bool = True
) -> QuerySet[AuditTemplate]:
    """The partnership's templates, each with ``published_number`` (latest published version, or None)
    and ``has_draft``: one query."""
    templates = AuditTemplate.objects.in_partnership(partnership)
    if kind:
        templates = templates.filter(kind=kind)
    if not include_archived:
        templates = templates.filter(is_archived=False)
    drafts = TemplateVersion.objects.in_partnership(partnership).filter(
        template=OuterRef("pk"), state=TemplateVersion.State.DRAFT
    )
    return templates.annotate(
        published_number=Max("versions__number", filter=Q(versions__state=TemplateVersion.State.PUBLISHED)),
        has_draft=Exists(drafts),
    ).order_by("is_archived", "name", "id")


def template_get(*, partnership: Partnership, pk: int) -> AuditTemplate:
    """One template of the partnership; another partnership's id is as missing (``Http404``)."""
    template = AuditTemplate.objects.in_partnership(partnership).filter(pk=pk).first()
    if template is None:
        raise Http404("No such template.")
    return template


def template_version_list(*, partnership: Partnership, template: AuditTemplate) -> QuerySet[TemplateVersion]:
    """The template's versions, newest first."""
    return TemplateVersion.objects.in_partnership(partnership).filter(template=template).order_by("-number")


def template_version_get(*, partnership: Partnership, template: AuditTemplate, number: int) -> TemplateVersion:
    version = (
        TemplateVersion.objects.in_partnership(partnership)
        .filter(template=template, number=number)
        .select_related("template")
        .first()
    )
    if version is None:
        raise Http404("No such version.")
    return version


def template_version_by_id(*, partnership: Partnership, pk: int) -> TemplateVersion:
    """A version by its id (a form's or API body's choice); another partnership's id is as missing."""
    version = TemplateVersion.objects.in_partnership(partnership).filter(pk=pk).select_related("template").first()
    if version is None:
        raise Http404("No such template version.")
    return version


def template_version_latest_published(*, partnership: Partnership, template: AuditTemplate) -> TemplateVersion | None:
    return (
        TemplateVersion.objects.in_partnership(partnership)
        .filter(template=template, state=TemplateVersion.State.PUBLISHED)
        .order_by("-number")
        .first()
    )


def template_versions_published(
    *, partnership: Partnership, kinds: Iterable[str] | None = None
) -> QuerySet[TemplateVersion]:
    """The published versions new audits may use (of templates not archived), newest first per template."""
    versions = (
        TemplateVersion.objects.in_partnership(partnership)
        .filter(state=TemplateVersion.State.PUBLISHED, template__is_archived=False)
        .select_related("template")
    )
    if kinds is not None:
        versions = versions.filter(template__kind__in=list(kinds))
    return versions.order_by("template__name", "template_id", "-number")


def version_structure(*, partnership: Partnership, version: TemplateVersion | int) -> list[TemplateSection]:
    """The version's (given or by id) sections in order, each with ``questions`` (in order, each with its
    ``scale`` and the scale's ``options``) loaded: three queries, however large the template."""
    return list(
        TemplateSection.objects.in_partnership(partnership)
        .filter(version=version)
        .prefetch_related(Prefetch("questions", queryset=section_questions(partnership=partnership)))
        .order_by("position", "id")
    )


def section_questions(*, partnership: Partnership) -> QuerySet[TemplateQuestion]:
    """Questions in order, each with its scale and the scale's options (one more query): to prefetch on sections."""
    options = ScaleOption.objects.in_partnership(partnership).order_by("position", "value")
    return (
        TemplateQuestion.objects.in_partnership(partnership)
        .select_related("scale")
        .prefetch_related(Prefetch("scale__options", queryset=options))
        .order_by("position", "id")
    )


def template_section_get(*, partnership: Partnership, version: TemplateVersion, pk: int) -> TemplateSection:
    section = TemplateSection.objects.in_partnership(partnership).filter(version=version, pk=pk).first()
    if section is None:
        raise Http404("No such section.")
    return section


def template_question_get(*, partnership: Partnership, version: TemplateVersion, pk: int) -> TemplateQuestion:
    question = (
        TemplateQuestion.objects.in_partnership(partnership)
        .filter(version=version, pk=pk)
        .select_related("section")
        .first()
    )
    if question is None:
        raise Http404("No such question.")
    return question


def scale_list(*, partnership: Partnership) -> list[Scale]:
    """The partnership's scales with their options: two queries."""
    options = ScaleOption.objects.in_partnership(partnership).order_by("position", "value")
    return list(
        Scale.objects.in_partnership(partnership)
        .prefetch_related(Prefetch("options", queryset=options))
        .order_by("name")
    )


def template_section_by_id(*, partnership: Partnership, pk: int) -> TemplateSection:
    """A section with its version and template loaded; another partnership's id is as missing."""
    section = (
        TemplateSection.objects.in_partnership(partnership)
        .filter(pk=pk)
        .select_related("version", "version__template")
        .first()
    )
    if section is None:
        raise Http404("No such section.")
    return section


def template_question_by_id(*, partnership: Partnership, pk: int) -> TemplateQuestion:
    """A question with its section, version and template loaded; another partnership's id is as missing."""
    question = (
        TemplateQuestion.objects.in_partnership(partnership)
        .filter(pk=pk)
        .select_related("section", "version", "version__template", "section__version")
        .first()
    )
    if question is None:
        raise Http404("No such question.")
    return question
