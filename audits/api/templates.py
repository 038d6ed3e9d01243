"""API of audit templates: list, copy a built-in, make from scratch, read a version, edit a draft, publish.

The business managers write; the partners' leads and the scrutineer read.
Every change to a draft names the draft version's ``updated_at`` (in the body
or as If-Match): a change based on an older read is refused with 409.
A published version is never changed (400).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from audits.api.template_serializers import (
    DraftVersionInputSerializer,
    QuestionInputSerializer,
    ScaleSerializer,
    SectionInputSerializer,
    TemplateCopySerializer,
    TemplateCreateSerializer,
    TemplateDetailSerializer,
    TemplateSerializer,
    TemplateUpdateSerializer,
    VersionSerializer,
)
from audits.selectors.access import TEMPLATE_MANAGE_ROLES, TEMPLATE_READ_ROLES
from audits.selectors.templates import (
    scale_list,
    template_get,
    template_list,
    template_question_by_id,
    template_section_by_id,
    template_version_by_id,
    template_version_list,
    version_structure,
)
from audits.services import templates as services
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict

TAG = "Audit templates"


class _TemplateAPIView(PartnershipScopedAPIView):
    read_roles = TEMPLATE_READ_ROLES
    write_roles = TEMPLATE_MANAGE_ROLES
    serializer_class = TemplateSerializer

    def scoped_queryset(self, partnership):
        return template_list(partnership=partnership)

    def version_answer(self, version, *, code: int = status.HTTP_200_OK) -> Response:
        version = template_version_by_id(partnership=self.partnership, pk=version.pk)
        sections = version_structure(partnership=self.partnership, version=version)
        scales = {q.scale_id: q.scale for s in sections for q in s.questions.all() if q.scale_id}
        data = {
            "id": version.pk,
            "template_id": version.template_id,
            "number": version.number,
            "state": version.state,
            "published_at": version.published_at,
            "updated_at": version.updated_at,
            "sections": sections,
            "scales": list(scales.values()),
        }
        return Response(VersionSerializer(data).data, status=code)

    def template_answer(self, template) -> Response:
        template = template_get(partnership=self.partnership, pk=template.pk)
        template.versions_read = template_version_list(partnership=self.partnership, template=template)
        data = {**TemplateSerializer(template).data}
        data["versions"] = TemplateDetailSerializer({"versions": template.versions_read}).data["versions"]
        return Response(data)


class TemplateListView(_TemplateAPIView):
    """The partnership's templates; business managers make one from scratch (with an empty draft version 1)."""

    pagination_class = None

    @extend_schema(tags=[TAG], summary="Audit templates", responses=_answers({200: TemplateSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return Response(TemplateSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Make a template from scratch (business managers)",
        request=TemplateCreateSerializer,
        responses=_answers({201: TemplateSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = TemplateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = services.template_create(
            partnership=self.partnership, actor=request.user, **serializer.validated_data
        )
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateCopyView(_TemplateAPIView):
    """Copy a built-in template (and its scales) into the partnership: version 1, published."""

    @extend_schema(
        tags=[TAG],
        summary="Copy a built-in template (business managers)",
        request=TemplateCopySerializer,
        responses=_answers({201: TemplateSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = TemplateCopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = services.template_copy_builtin(
            partnership=self.partnership, actor=request.user, builtin_key=serializer.validated_data["builtin_key"]
        )
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailView(_TemplateAPIView):
    """A template and its versions; business managers rename, describe, archive or bring it back."""

    @extend_schema(tags=[TAG], summary="An audit template", responses=_answers({200: TemplateDetailSerializer}))
    def get(self, request: Request, slug: str, template_id: int) -> Response:
        return self.template_answer(template_get(partnership=self.partnership, pk=template_id))

    @extend_schema(
        tags=[TAG],
        summary="Rename, describe or archive a template (business managers)",
        request=TemplateUpdateSerializer,
        responses=_answers(
            {200: TemplateDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("template")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, template_id: int) -> Response:
        template = template_get(partnership=self.partnership, pk=template_id)
        serializer = TemplateUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        expected = expected_version(request, data)
        template = services.template_update(
            partnership=self.partnership,
            actor=request.user,
            template=template,
            name=data["name"],
            description=data["description"],
            expected_updated_at=expected,
        )
        if data["is_archived"] is not None and data["is_archived"] != template.is_archived:
            services.template_set_archived(
                partnership=self.partnership, actor=request.user, template=template, archived=data["is_archived"]
            )
        return self.template_answer(template)


class TemplateDraftView(_TemplateAPIView):
    """The template's draft version to change: the existing one, or a new copy of the latest published."""

    @extend_schema(
        tags=[TAG],
        summary="Open the template's draft version (business managers)",
        request=None,
        # No body is read, but a POST's parser still answers an oversized or unsupported one (413, 415).
        responses=_answers({200: VersionSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, template_id: int) -> Response:
        template = template_get(partnership=self.partnership, pk=template_id)
        draft = services.template_version_draft(partnership=self.partnership, actor=request.user, template=template)
        return self.version_answer(draft)


class TemplateVersionView(_TemplateAPIView):
    """One version: its sections, questions (with their stable keys) and the scales its grades use."""

    @extend_schema(
        tags=[TAG], summary="A template version and its questions", responses=_answers({200: VersionSerializer})
    )
    def get(self, request: Request, slug: str, template_version_id: int) -> Response:
        return self.version_answer(template_version_by_id(partnership=self.partnership, pk=template_version_id))


class TemplateVersionPublishView(_TemplateAPIView):
    """Publish a draft: new audits use it; it is never changed again."""

    @extend_schema(
        tags=[TAG],
        summary="Publish a draft version (business managers)",
        request=DraftVersionInputSerializer,
        responses=_answers({200: VersionSerializer, 400: _FIELD_ERRORS, 409: _conflict("draft")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, template_version_id: int) -> Response:
        version = template_version_by_id(partnership=self.partnership, pk=template_version_id)
        serializer = DraftVersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        services.template_version_publish(
            partnership=self.partnership, actor=request.user, version=version, expected_updated_at=expected
        )
        return self.version_answer(version)


class TemplateSectionAddView(_TemplateAPIView):
    """Add a section at the end of a draft."""

    @extend_schema(
        tags=[TAG],
        summary="Add a section to a draft (business managers)",
        request=SectionInputSerializer,
        responses=_answers({201: VersionSerializer, 400: _FIELD_ERRORS, 409: _conflict("draft")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, template_version_id: int) -> Response:
        version = template_version_by_id(partnership=self.partnership, pk=template_version_id)
        serializer = SectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        services.template_section_add(
            partnership=self.partnership,
            actor=request.user,
            version=version,
            title=data["title"],
            guidance=data["guidance"],
            expected_updated_at=expected,
        )
        return self.version_answer(version, code=status.HTTP_201_CREATED)


class TemplateSectionView(_TemplateAPIView):
    """Change or remove a draft's section (and its questions)."""

    @extend_schema(
        tags=[TAG],
        summary="Change a draft's section (business managers)",
        request=SectionInputSerializer,
        responses=_answers({200: VersionSerializer, 400: _FIELD_ERRORS, 409: _conflict("draft")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, template_section_id: int) -> Response:
        section = template_section_by_id(partnership=self.partnership, pk=template_section_id)
        serializer = SectionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        services.template_section_update(
            partnership=self.partnership,
            actor=request.user,
            section=section,
            title=data["title"],
            guidance=data["guidance"],
            expected_updated_at=expected,
        )
        return self.version_answer(section.version)

    @extend_schema(
        tags=[TAG],
        summary="Remove a draft's section (business managers)",
        request=DraftVersionInputSerializer,
        responses=_answers({200: VersionSerializer, 400: _FIELD_ERRORS, 409: _conflict("draft")}, takes_body=True),
    )
    def delete(self, request: Request, slug: str, template_section_id: int) -> Response:
        section = template_section_by_id(partnership=self.partnership, pk=template_section_id)
        serializer = DraftVersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        version = section.version
        services.template_section_remove(
            partnership=self.partnership, actor=request.user, section=section, expected_updated_at=expected
        )
        return self.version_answer(version)


class TemplateQuestionAddView(_TemplateAPIView):
    """Add a question at the end of a draft's section."""

    @extend_schema(
        tags=[TAG],
        summary="Add a question to a draft's section (business managers)",
        request=QuestionInputSerializer,
        responses=_answers({201: VersionSerializer, 400: _FIELD_ERRORS, 409: _conflict("draft")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, template_section_id: int) -> Response:
        section = template_section_by_id(partnership=self.partnership, pk=template_section_id)
        serializer = QuestionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.template_question_add(
            partnership=self.partnership, actor=request.user, section=section, expected_updated_at=expected, **data
        )
        return self.version_answer(section.version, code=status.HTTP_201_CREATED)


class TemplateQuestionView(_TemplateAPIView):
    """Change or remove a draft's question (its key stays)."""

    @extend_schema(
        tags=[TAG],
        summary="Change a draft's question (business managers)",
        request=QuestionInputSerializer,
        responses=_answers({200: VersionSerializer, 400: _FIELD_ERRORS, 409: _conflict("draft")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, template_question_id: int) -> Response:
        question = template_question_by_id(partnership=self.partnership, pk=template_question_id)
        serializer = QuestionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.template_question_update(
            partnership=self.partnership, actor=request.user, question=question, expected_updated_at=expected, **data
        )
        return self.version_answer(question.version)

    @extend_schema(
        tags=[TAG],
        summary="Remove a draft's question (business managers)",
        request=DraftVersionInputSerializer,
        responses=_answers({200: VersionSerializer, 400: _FIELD_ERRORS, 409: _conflict("draft")}, takes_body=True),
    )
    def delete(self, request: Request, slug: str, template_question_id: int) -> Response:
        question = template_question_by_id(partnership=self.partnership, pk=template_question_id)
        serializer = DraftVersionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        version = question.version
        services.template_question_remove(
            partnership=self.partnership, actor=request.user, question=question, expected_updated_at=expected
        )
        return self.version_answer(version)


class ScaleListView(_TemplateAPIView):
    """The partnership's grading scales and their grades."""

    pagination_class = None

    @extend_schema(tags=[TAG], summary="Grading scales", responses=_answers({200: ScaleSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return Response(ScaleSerializer(scale_list(partnership=self.partnership), many=True).data)
