"""API of a self-assessment cycle's compliance matrix: its rows (paginated, filtered as the page is) and the
whole filtered matrix as CSV or XLSX, written in the request up to ``MATRIX_IMMEDIATE_ROWS`` rows (a larger one
is asked for as an export, written by the worker: ``partnership.api.exports``). Leadership and oversight read
every row; an agency lead their own agency's row only; anyone else is refused (403)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import APIException
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from audits.selectors import compliance_matrix as matrix_selectors
from audits.selectors import self_assessment as selectors
from audits.selectors.access import ANY_MEMBER
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.documents import PDFRenderer
from partnership.api.views import _DETAIL, _FIELD_ERRORS, _answers
from partnership.figures_cache import figures_cached

if TYPE_CHECKING:
    from partnership.models import Partnership

TAG = "Self-assessments"
_STATE_CHOICES = ["draft", "awaiting_signatures", "submitted", "moderated"]
CSV_TYPE = "text/csv"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MatrixFilterSerializer(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    state = serializers.ChoiceField(choices=_STATE_CHOICES, required=False, allow_blank=True, default="")
    standard = serializers.CharField(required=False, allow_blank=True, max_length=60, default="")
    at_most = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=-1000, max_value=1000)
    basis = serializers.ChoiceField(choices=list(matrix_selectors.BASES), required=False, default=matrix_selectors.SELF)

    def __init__(self, *args, standard_keys: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.standard_keys = standard_keys

    def validate_standard(self, value: str) -> str:
        if value and value not in self.standard_keys:
            raise serializers.ValidationError("Choose one of the cycle's standard keys.")
        return value

    def filters(self) -> matrix_selectors.MatrixFilters:
        return matrix_selectors.MatrixFilters(**self.validated_data)


_FILTERS = [
    OpenApiParameter("search", str, description="Part of the agency's or school's name, or a school's URN."),
    OpenApiParameter("state", str, enum=_STATE_CHOICES, description="Only returns in this state."),
    OpenApiParameter(
        "standard", str, description="A standard's key: with at_most, only rows scored low in that standard."
    ),
    OpenApiParameter(
        "at_most", int, description="Only rows with a score at or below this (in `standard`, or in any standard)."
    ),
    OpenApiParameter(
        "basis",
        str,
        enum=list(matrix_selectors.BASES),
        description="The score compared with the threshold and with the previous cycle's: self (default) or moderated.",
    ),
]


class MatrixCellSerializer(serializers.Serializer):
    standard = serializers.CharField(source="standard_key", help_text="The standard's key, the same every year.")
    self_score = serializers.IntegerField(allow_null=True)
    moderated_score = serializers.IntegerField(allow_null=True)
    previous_score = serializers.IntegerField(
        allow_null=True, help_text="The previous cycle's score (on the basis) for the same agency and standard."
    )
    change = serializers.ChoiceField(
        choices=["up", "down", "same", "new", ""], help_text="Against the previous cycle; empty when unscored."
    )
    text = serializers.CharField(help_text='As on the page, e.g. "2 (was 1 ▲)".')


class MatrixRowSerializer(serializers.Serializer):
    return_id = serializers.IntegerField(source="assessment_return.pk")
    agency_id = serializers.IntegerField(source="assessment_return.agency_id")
    agency = serializers.CharField(source="assessment_return.agency.name")
    school_urn = serializers.CharField(source="assessment_return.school.urn", default=None, allow_null=True)
    state = serializers.CharField(source="assessment_return.state")
    cells = MatrixCellSerializer(many=True)


class _SpreadsheetRenderer(PDFRenderer):
    """Lets a client ask with ``Accept: text/csv`` or the XLSX type (no 406); the file is an ``HttpResponse``."""

    charset = None
    render_style = "binary"


class CSVRenderer(_SpreadsheetRenderer):
    media_type = CSV_TYPE
    format = "csv"


class XLSXRenderer(_SpreadsheetRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"


class _MatrixAPIView(PartnershipScopedAPIView):
    read_roles = ANY_MEMBER  # matrix_agency_scope decides: every row, one agency's, or 403
    write_roles = ANY_MEMBER

    def scoped_queryset(self, partnership: Partnership):
        return selectors.cycle_list(partnership=partnership)

    def cycle_and_filters(self, request: Request, cycle_id: int):
        self.agency_id = matrix_selectors.matrix_agency_scope(membership=self.membership)
        cycle = selectors.cycle_get(partnership=self.partnership, cycle_id=cycle_id)
        standards = matrix_selectors.matrix_standards(partnership=self.partnership, cycle=cycle)
        query = MatrixFilterSerializer(data=request.query_params, standard_keys={s.key for s in standards})
        query.is_valid(raise_exception=True)
        return cycle, standards, query.filters()


@extend_schema(tags=[TAG])
class MatrixView(_MatrixAPIView):
    serializer_class = MatrixRowSerializer

    @extend_schema(
        summary="A cycle's compliance matrix: each agency or school against each standard, by name",
        parameters=_FILTERS,
        responses=_answers({200: MatrixRowSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str, cycle_id: int) -> Response:
        def answer() -> dict:
            cycle, standards, filters = self.cycle_and_filters(request, cycle_id)
            returns = matrix_selectors.matrix_returns(
                partnership=self.partnership, cycle=cycle, filters=filters, agency_id=self.agency_id
            )
            page = self.paginate_queryset(returns)
            rows = matrix_selectors.matrix_rows(
                partnership=self.partnership,
                returns=list(page),
                standards=standards,
                previous_cycle=matrix_selectors.previous_cycle_of(partnership=self.partnership, cycle=cycle),
                basis=filters.basis,
            )
            return self.get_paginated_response([_row_data(row) for row in rows]).data

        # The scores change only with the partnership's records: the answer is kept for its caller, query and day
        # (partnership.figures_cache), as the matrix page's body is; a refused query (400) or cycle (404) never is.
        # Its next and previous links are absolute: the address it was asked at is part of the key.
        kept = figures_cached(
            partnership_id=self.partnership.pk,
            parts=(
                "compliance matrix API",
                self.membership.pk,
                cycle_id,
                sorted(request.query_params.lists()),
                request.build_absolute_uri("/"),
                timezone.localdate(),
            ),
            compute=answer,
        )
        return Response(kept)


def _row_data(row: matrix_selectors.MatrixRow) -> dict:
    """A row as ``MatrixRowSerializer`` writes it (that serializer stays as the schema): plain dicts, because
    serialising 550 cells field by field was a quarter of the request's Python time (profiled: 57 ms to 44 ms)."""
    ret = row.assessment_return
    return {
        "return_id": ret.pk,
        "agency_id": ret.agency_id,
        "agency": ret.agency.name,
        "school_urn": ret.school.urn if ret.school is not None else None,
        "state": ret.state,
        "cells": [
            {
                "standard": c.standard_key,
                "self_score": c.self_score,
                "moderated_score": c.moderated_score,
                "previous_score": c.previous_score,
                "change": c.change,
                "text": c.text,
            }
            for c in row.cells
        ],
    }


class MatrixTooLargeForNow(APIException):
    status_code = 409
    default_code = "too_many_rows"
    default_detail = (
        f"More than {matrix_selectors.MATRIX_IMMEDIATE_ROWS} rows: ask for the export instead "
        "(POST /api/v1/partnerships/<slug>/exports/ with kind sa.compliance_matrix); the worker writes it."
    )


_TOO_LARGE_FOR_NOW = OpenApiResponse(
    _DETAIL,
    description=f"More than {matrix_selectors.MATRIX_IMMEDIATE_ROWS} rows: ask for an export (POST .../exports/).",
)


class _MatrixExportView(_MatrixAPIView):
    serializer_class = None
    extension = ""
    media_type = ""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if isinstance(response, Response):
            # An error (400, 403, 404): its body is JSON whatever the client accepts.
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response

    def export(self, request: Request, cycle_id: int) -> HttpResponse:
        cycle, _standards, filters = self.cycle_and_filters(request, cycle_id)
        returns = matrix_selectors.matrix_returns(
            partnership=self.partnership, cycle=cycle, filters=filters, agency_id=self.agency_id
        )
        if returns.count() > matrix_selectors.MATRIX_IMMEDIATE_ROWS:
            raise MatrixTooLargeForNow()
        rows = matrix_selectors.compliance_matrix_export_rows(
            partnership=self.partnership, cycle=cycle, filters=filters, agency_id=self.agency_id
        )
        body = matrix_selectors.matrix_csv(rows) if self.extension == "csv" else matrix_selectors.matrix_xlsx(rows)
        response = HttpResponse(
            body, content_type=self.media_type + ("; charset=utf-8" if self.extension == "csv" else "")
        )
        name = f"compliance-matrix-{self.partnership.slug}-{cycle.kind}-{cycle.year}.{self.extension}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


@extend_schema(tags=[TAG])
class MatrixCSVView(_MatrixExportView):
    renderer_classes = [JSONRenderer, CSVRenderer]
    extension, media_type = "csv", CSV_TYPE

    @extend_schema(
        summary="The whole filtered compliance matrix as CSV",
        parameters=_FILTERS,
        responses=_answers(
            {
                (200, CSV_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The CSV, as an attachment."),
                400: _FIELD_ERRORS,
                409: _TOO_LARGE_FOR_NOW,
            }
        ),
    )
    def get(self, request: Request, slug: str, cycle_id: int) -> HttpResponse:
        return self.export(request, cycle_id)


@extend_schema(tags=[TAG])
class MatrixXLSXView(_MatrixExportView):
    renderer_classes = [JSONRenderer, XLSXRenderer]
    extension, media_type = "xlsx", XLSX_TYPE

    @extend_schema(
        summary="The whole filtered compliance matrix as an Excel workbook (XLSX)",
        parameters=_FILTERS,
        responses=_answers(
            {
                (200, XLSX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The workbook, as an attachment."),
                400: _FIELD_ERRORS,
                409: _TOO_LARGE_FOR_NOW,
            }
        ),
    )
    def get(self, request: Request, slug: str, cycle_id: int) -> HttpResponse:
        return self.export(request, cycle_id)
