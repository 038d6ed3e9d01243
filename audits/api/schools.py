"""API of the schools register: the list, one school (its contacts changed with a version), the import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.mixins import ListModelMixin
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from audits import selectors, services
from audits.selectors.access import SCHOOL_REGISTER_KEEPERS, SCHOOL_REGISTER_READERS
from partnership.api import RequestBodyTooLarge
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.services.files import MAX_FILE_BYTES

if TYPE_CHECKING:
    from partnership.models import Partnership


class SchoolSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    agency_id = serializers.IntegerField(read_only=True, help_text="The school's agency (type education).")
    urn = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    head_teacher_name = serializers.CharField(read_only=True)
    dsl_email = serializers.EmailField(read_only=True)
    governor_name = serializers.CharField(read_only=True)
    governor_email = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(source="agency.is_active", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change to be told (409) if someone else changed it first."
    )


class SchoolUpdateSerializer(serializers.Serializer):
    """Every field optional: what is left out keeps its current value."""

    head_teacher_name = serializers.CharField(max_length=200, required=False)
    dsl_email = serializers.EmailField(max_length=254, required=False)
    governor_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    governor_email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read. If the school has changed since, nothing is saved and the answer is 409.",
    )


class SchoolImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV file or an Excel workbook (.xlsx), up to 10 MB: columns name, URN, head, DSL email "
        "(optionally governor, governor email). Rows with a URN already registered update that school."
    )


class SchoolImportResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="record.pk")
    file_name = serializers.CharField(source="record.file_name")
    file_kind = serializers.CharField(source="record.file_kind")
    rows = serializers.IntegerField(source="record.rows")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


_IMPORT_REFUSED = OpenApiResponse(
    inline_serializer(
        "SchoolImportRefused",
        fields={
            "file": serializers.ListField(child=serializers.CharField()),
            "problems": inline_serializer(
                "SchoolImportProblem",
                fields={
                    "line": serializers.IntegerField(help_text="The line in the file; 1 is the column names."),
                    "column": serializers.CharField(),
                    "message": serializers.CharField(),
                },
                many=True,
            ),
        },
    ),
    description=(
        "Nothing was imported. ``file`` says why; ``problems`` lists every bad row by line, column and reason "
        "(empty when the file itself is wrong: missing, empty, too big, not CSV or Excel, no column names)."
    ),
)


class RegisterMultiPartParser(MultiPartParser):
    """Multipart for a register file, refused above the largest file the files service accepts."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except (TypeError, ValueError):
            length = 0
        if length > MAX_FILE_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestBodyTooLarge()
        return super().parse(stream, media_type, parser_context)


@extend_schema(tags=["Schools"])
class SchoolListView(ListModelMixin, PartnershipScopedAPIView):
    """The schools register: business managers, partner leads and the scrutineer read it."""

    serializer_class = SchoolSerializer
    read_roles = SCHOOL_REGISTER_READERS

    def scoped_queryset(self, partnership: Partnership):
        return selectors.school_list(partnership=partnership, search=self.request.query_params.get("search", ""))

    @extend_schema(
        summary="The partnership's schools, by name",
        parameters=[OpenApiParameter("search", str, description="Part of the name, the URN, or the head's name.")],
        responses=_answers({200: SchoolSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)


@extend_schema(tags=["Schools"])
class SchoolDetailView(PartnershipScopedAPIView):
    """One school. Send back the ``updated_at`` you read with a change: if it has changed since, 409."""

    serializer_class = SchoolSerializer
    read_roles = SCHOOL_REGISTER_READERS
    write_roles = SCHOOL_REGISTER_KEEPERS
    lookup_field = "pk"
    lookup_url_kwarg = "school_id"

    def scoped_queryset(self, partnership: Partnership):
        return selectors.school_list(partnership=partnership)

    @extend_schema(summary="One school", responses=_answers({200: SchoolSerializer}))
    def get(self, request: Request, slug: str, school_id: int) -> Response:
        return Response(SchoolSerializer(self.get_object()).data)

    @extend_schema(
        summary="Change a school's contacts (business managers)",
        request=SchoolUpdateSerializer,
        responses=_answers({200: SchoolSerializer, 400: _FIELD_ERRORS, 409: _conflict("school")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, school_id: int) -> Response:
        school = self.get_object()
        serializer = SchoolUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.school_update(
            partnership=self.partnership,
            actor=request.user,
            school=school,
            head_teacher_name=data.get("head_teacher_name", school.head_teacher_name),
            dsl_email=data.get("dsl_email", school.dsl_email),
            governor_name=data.get("governor_name", school.governor_name),
            governor_email=data.get("governor_email", school.governor_email),
            expected_updated_at=expected_version(request, data),
        )
        return Response(SchoolSerializer(self.get_object()).data)


def _refused(messages: list[str], problems: list | None = None) -> Response:
    """The import's 400: always ``file`` (why) and ``problems`` (every bad row; empty when the file itself is wrong)."""
    return Response(
        {
            "file": messages,
            "problems": [{"line": p.line, "column": p.column, "message": p.message} for p in problems or []],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


@extend_schema(tags=["Schools"])
class SchoolImportView(PartnershipScopedAPIView):
    """Import the register from a file (multipart/form-data, field ``file``): all of it, or nothing."""

    serializer_class = SchoolImportResultSerializer
    write_roles = SCHOOL_REGISTER_KEEPERS
    parser_classes = [RegisterMultiPartParser]

    def scoped_queryset(self, partnership: Partnership):
        return selectors.school_list(partnership=partnership)

    @extend_schema(
        summary="Import the schools register from CSV or Excel (business managers)",
        request={"multipart/form-data": SchoolImportInputSerializer},
        responses=_answers({201: SchoolImportResultSerializer, 400: _IMPORT_REFUSED}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        upload = request.FILES.get("file") if hasattr(request.FILES, "get") else None
        if upload is None:
            return _refused(["Send the register file as the multipart field 'file'."])
        try:
            rows, kind, name = services.school_rows_from_upload(upload)
            result = services.school_import(
                partnership=self.partnership, actor=request.user, rows=rows, file_name=name, file_kind=kind
            )
        except services.SchoolImportRefused as exc:
            return _refused(exc.message_dict["file"], [p for p in exc.problems if p.line or p.column != "file"])
        except DjangoValidationError as exc:
            return _refused(exc.message_dict.get("file", exc.messages))
        return Response(SchoolImportResultSerializer(result).data, status=status.HTTP_201_CREATED)
