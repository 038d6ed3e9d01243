"""API of the quarterly data sets under /api/v1/partnerships/<slug>/scrutiny/data-sets/: the indicators, one
indicator's trend, the figures (filtered by quarter, agency, indicator), an upload, and the agencies' analyses.

The same readers as the pages: the business managers, the partners' leads, the scrutineer and the agencies'
leads. The business managers define indicators and enter any agency's figures; an agency lead enters their own
agency's figures and analysis (another agency's is 403); the scrutineer only reads. A change to a row names the
version read (``updated_at`` in the body or ``If-Match``): an older one is 409, none is 428. Another
partnership's indicator, figure or analysis is a 404; its agency or indicator in a body is a field error (400).
A quarter is written as its first day (``2025-04-01``) or as ``2025-26 Q1``.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api import RequestBodyTooLarge
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.services.files import MAX_FILE_BYTES
from scrutiny.quarters import quarter_label, quarter_parse
from scrutiny.selectors import datasets as selectors
from scrutiny.selectors.datasets import (
    DATASET_ENTRY_ROLES,
    DATASET_MANAGE_ROLES,
    DATASET_READER_ROLES,
    DIRECTION_CHOICES,
    PART_CHOICES,
    TREND_LENGTHS,
    value_flag,
)
from scrutiny.services import datasets as services

TAG = "Scrutiny data sets"
_ID = {"min_value": 1, "max_value": 2**63 - 1}
_NUMBER = {"max_digits": 18, "decimal_places": 4, "coerce_to_string": True}


def _version(what: str):
    return serializers.DateTimeField(
        required=False, help_text=f"The {what}'s updated_at you read (or send If-Match): if it has changed since, 409."
    )


@extend_schema_field({"type": "string", "maxLength": 20, "example": "2025-26 Q1"})
class QuarterField(serializers.Field):
    """A quarter: its first day or any day in it (``2025-04-01``), or ``2025-26 Q1``; answered as its first day."""

    default_error_messages = {
        "invalid": "Write a quarter as 2025-26 Q1, or a day in it such as 2025-04-01.",
    }

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("help_text", "A quarter: 2025-26 Q1, or a day in it such as 2025-04-01.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        quarter = quarter_parse(data) if isinstance(data, str) and len(data) <= 20 else None
        if quarter is None:
            self.fail("invalid")
        return quarter

    def to_representation(self, value):
        return value.isoformat()


# --- Indicators ---------------------------------------------------------------------------------------------


class IndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    part = serializers.ChoiceField(choices=PART_CHOICES, read_only=True)
    theme = serializers.CharField(read_only=True, help_text="Part B: the theme; empty in Part A.")
    name = serializers.CharField(read_only=True)
    definition = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)
    good_direction = serializers.ChoiceField(choices=DIRECTION_CHOICES, read_only=True)
    amber_threshold = serializers.DecimalField(read_only=True, allow_null=True, **_NUMBER)
    red_threshold = serializers.DecimalField(read_only=True, allow_null=True, **_NUMBER)
    active = serializers.BooleanField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back with a change.")


class IndicatorInputSerializer(serializers.Serializer):
    part = serializers.ChoiceField(choices=PART_CHOICES)
    theme = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=200)
    definition = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    good_direction = serializers.ChoiceField(choices=DIRECTION_CHOICES)
    amber_threshold = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=None, help_text="A number, or null."
    )
    red_threshold = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=None, help_text="A number, or null."
    )
    active = serializers.BooleanField(required=False, default=True)
    order = serializers.IntegerField(required=False, default=0, min_value=0, max_value=10000)


class IndicatorUpdateSerializer(IndicatorInputSerializer):
    updated_at = _version("indicator")


class _DataSetAPIView(PartnershipScopedAPIView):
    read_roles = DATASET_READER_ROLES
    write_roles = DATASET_MANAGE_ROLES

    def scoped_queryset(self, partnership):
        return selectors.indicator_list(partnership=partnership)

    def valid(self, serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class IndicatorListView(_DataSetAPIView):
    """The data set's indicators, Part A then Part B by theme, in their order."""

    serializer_class = IndicatorSerializer

    @extend_schema(
        tags=[TAG], summary="The data set's indicators", responses=_answers({200: IndicatorSerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(IndicatorSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Add an indicator (business managers)",
        request=IndicatorInputSerializer,
        responses=_answers({201: IndicatorSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        data = self.valid(IndicatorInputSerializer, request.data)
        indicator = services.indicator_create(
            partnership=self.partnership, actor=request.user, membership=self.membership, **data
        )
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)


class IndicatorDetailView(_DataSetAPIView):
    """One indicator. A change sends every field (the definition as it should be) and the version read."""

    serializer_class = IndicatorSerializer

    @extend_schema(tags=[TAG], summary="An indicator", responses=_answers({200: IndicatorSerializer}))
    def get(self, request: Request, slug: str, indicator_id: int) -> Response:
        indicator = selectors.indicator_get(partnership=self.partnership, indicator_id=indicator_id)
        return Response(IndicatorSerializer(indicator).data)

    @extend_schema(
        tags=[TAG],
        summary="Change an indicator (business managers)",
        request=IndicatorUpdateSerializer,
        responses=_answers(
            {200: IndicatorSerializer, 400: _FIELD_ERRORS, 409: _conflict("indicator")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, indicator_id: int) -> Response:
        indicator = selectors.indicator_get(partnership=self.partnership, indicator_id=indicator_id)
        data = self.valid(IndicatorUpdateSerializer, request.data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        changed = services.indicator_update(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            indicator=indicator,
            expected_updated_at=expected,
            **data,
        )
        return Response(IndicatorSerializer(changed).data)


class TrendQuerySerializer(serializers.Serializer):
    quarters = serializers.ChoiceField(
        choices=list(TREND_LENGTHS), required=False, default=8, help_text="How many quarters, ending with `to`."
    )
    to = QuarterField(required=False, help_text="The last quarter; the newest with a figure when left out.")


class TrendCellSerializer(serializers.Serializer):
    series = serializers.CharField(help_text="The agency's name, or Whole partnership.")
    value = serializers.DecimalField(allow_null=True, **_NUMBER)
    flag = serializers.ChoiceField(choices=["", "amber", "red"])
    change = serializers.DecimalField(
        allow_null=True, help_text="From the quarter before; null if either is empty.", **_NUMBER
    )


class TrendRowSerializer(serializers.Serializer):
    quarter = serializers.DateField()
    label = serializers.CharField()
    cells = TrendCellSerializer(many=True)


class TrendSerializer(serializers.Serializer):
    indicator = IndicatorSerializer()
    description = serializers.CharField(help_text="The chart's text: the span, thresholds and every flagged figure.")
    series = serializers.ListField(child=serializers.CharField())
    rows = TrendRowSerializer(many=True)


class IndicatorTrendView(_DataSetAPIView):
    """An indicator's figures quarter by quarter, the whole partnership's and each agency's, flagged."""

    serializer_class = TrendSerializer
    pagination_class = None

    @extend_schema(
        tags=[TAG],
        summary="An indicator's trend",
        parameters=[TrendQuerySerializer],
        responses=_answers({200: TrendSerializer, 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str, indicator_id: int) -> Response:
        indicator = selectors.indicator_get(partnership=self.partnership, indicator_id=indicator_id)
        query = self.valid(TrendQuerySerializer, request.query_params)
        last = query.get("to") or selectors.latest_quarter(partnership=self.partnership, today=timezone.localdate())
        trend = selectors.indicator_trend(
            partnership=self.partnership, indicator=indicator, last=last, count=int(query["quarters"])
        )
        data = {
            "indicator": indicator,
            "description": trend.description(),
            "series": list(trend.series_names),
            "rows": [
                {
                    "quarter": quarter,
                    "label": quarter_label(quarter),
                    "cells": [
                        {"series": name, "value": cell.value, "flag": cell.flag, "change": cell.change}
                        for name, cell in zip(trend.series_names, cells, strict=True)
                    ],
                }
                for quarter, cells in trend.rows
            ],
        }
        return Response(TrendSerializer(data).data)


# --- Figures ----------------------------------------------------------------------------------------------------


class ValueSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    indicator_id = serializers.IntegerField(read_only=True)
    agency_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="Null: the whole partnership.")
    quarter = serializers.DateField(read_only=True, help_text="The quarter's first day.")
    quarter_label = serializers.SerializerMethodField()
    value = serializers.DecimalField(read_only=True, **_NUMBER)
    flag = serializers.SerializerMethodField(help_text="amber, red, or empty: past the indicator's thresholds.")
    entered_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    entered_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back with a change.")

    def get_quarter_label(self, figure) -> str:
        return quarter_label(figure.quarter)

    def get_flag(self, figure) -> str:
        return value_flag(figure.indicator, figure.value)


class ValueQuerySerializer(serializers.Serializer):
    quarter = QuarterField(required=False)
    agency = serializers.IntegerField(required=False, help_text="An agency's figures only.", **_ID)
    indicator = serializers.IntegerField(required=False, **_ID)
    partnership_wide = serializers.BooleanField(
        required=False, default=False, help_text="Only the whole partnership's figures (no agency)."
    )


class ValueInputSerializer(serializers.Serializer):
    indicator_id = serializers.IntegerField(**_ID)
    agency_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    quarter = QuarterField()
    value = serializers.CharField(max_length=40, help_text="A number: 12, -3.5, 1,234.5.")


class ValueUpdateSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=40, help_text="A number: 12, -3.5, 1,234.5.")
    updated_at = _version("figure")


class VersionOnlySerializer(serializers.Serializer):
    updated_at = _version("figure")


class _ValueAPIView(_DataSetAPIView):
    write_roles = DATASET_ENTRY_ROLES
    serializer_class = ValueSerializer

    def scoped_queryset(self, partnership):
        return selectors.value_list(partnership=partnership).select_related("indicator")


class ValueListView(_ValueAPIView):
    """The figures, oldest quarter first, filtered by quarter, agency, indicator or the whole partnership's."""

    @extend_schema(
        tags=[TAG],
        summary="The data set's figures",
        parameters=[ValueQuerySerializer],
        responses=_answers({200: ValueSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = self.valid(ValueQuerySerializer, request.query_params)
        values = selectors.value_list(
            partnership=self.partnership,
            quarter=query.get("quarter"),
            agency_id=query.get("agency"),
            indicator_id=query.get("indicator"),
            partnership_wide=query["partnership_wide"],
        ).select_related("indicator")
        page = self.paginate_queryset(values)
        return self.get_paginated_response(ValueSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Add a figure (business managers; an agency lead for their own agency)",
        request=ValueInputSerializer,
        responses=_answers({201: ValueSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        data = self.valid(ValueInputSerializer, request.data)
        figure = services.value_create(
            partnership=self.partnership, actor=request.user, membership=self.membership, **data
        )
        return Response(ValueSerializer(figure).data, status=status.HTTP_201_CREATED)


class ValueDetailView(_ValueAPIView):
    """One figure: change its value or remove it, naming the version read."""

    @extend_schema(tags=[TAG], summary="A figure", responses=_answers({200: ValueSerializer}))
    def get(self, request: Request, slug: str, value_id: int) -> Response:
        return Response(ValueSerializer(selectors.value_get(partnership=self.partnership, value_id=value_id)).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a figure (business managers; an agency lead for their own agency)",
        request=ValueUpdateSerializer,
        responses=_answers({200: ValueSerializer, 400: _FIELD_ERRORS, 409: _conflict("figure")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, value_id: int) -> Response:
        figure = selectors.value_get(partnership=self.partnership, value_id=value_id)
        data = self.valid(ValueUpdateSerializer, request.data)
        expected = expected_version(request, data)
        changed = services.value_update(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            figure=figure,
            value=data["value"],
            expected_updated_at=expected,
        )
        return Response(ValueSerializer(changed).data)

    @extend_schema(
        tags=[TAG],
        summary="Remove a figure (business managers; an agency lead for their own agency)",
        request=VersionOnlySerializer,
        responses=_answers({204: None, 400: _FIELD_ERRORS, 409: _conflict("figure")}, takes_body=True),
    )
    def delete(self, request: Request, slug: str, value_id: int) -> Response:
        figure = selectors.value_get(partnership=self.partnership, value_id=value_id)
        data = self.valid(VersionOnlySerializer, request.data)
        services.value_delete(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            figure=figure,
            expected_updated_at=expected_version(request, data),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class UploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV file or an Excel workbook (.xlsx), up to 10 MB. Line 1 names the columns: indicator, "
        "quarter, value, agency (optional: blank for the whole partnership)."
    )


class UploadResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class UploadParser(MultiPartParser):
    """Multipart for a figures file, refused above the largest file the files service accepts."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
        except (TypeError, ValueError):
            length = 0
        if length > MAX_FILE_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise RequestBodyTooLarge()
        return super().parse(stream, media_type, parser_context)


class ValueUploadView(_ValueAPIView):
    """Import figures from a CSV file or an Excel workbook (multipart/form-data, field ``file``): every line, or
    none, each problem named with its line in ``file``."""

    serializer_class = UploadResultSerializer
    parser_classes = [UploadParser]

    @extend_schema(
        tags=[TAG],
        summary="Upload figures from CSV or Excel (business managers; an agency lead for their own agency)",
        request={"multipart/form-data": UploadInputSerializer},
        responses=_answers({200: UploadResultSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        upload = request.FILES.get("file") if hasattr(request.FILES, "get") else None
        result = services.values_import(
            partnership=self.partnership, actor=request.user, membership=self.membership, upload=upload
        )
        return Response(UploadResultSerializer(result).data)


# --- Analyses ---------------------------------------------------------------------------------------------------


class AnalysisSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    agency_id = serializers.IntegerField(read_only=True)
    quarter = serializers.DateField(read_only=True, help_text="The quarter's first day.")
    text = serializers.CharField(read_only=True)
    written_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back with a change.")


class AnalysisQuerySerializer(serializers.Serializer):
    quarter = QuarterField(required=False)
    agency = serializers.IntegerField(required=False, **_ID)


class AnalysisInputSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField(**_ID)
    quarter = QuarterField()
    text = serializers.CharField(max_length=10000)


class AnalysisUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)
    updated_at = _version("analysis")


class _AnalysisAPIView(_DataSetAPIView):
    write_roles = DATASET_ENTRY_ROLES
    serializer_class = AnalysisSerializer

    def scoped_queryset(self, partnership):
        return selectors.analysis_list(partnership=partnership)


class AnalysisListView(_AnalysisAPIView):
    """The agencies' analyses of their figures, by quarter."""

    @extend_schema(
        tags=[TAG],
        summary="The agencies' analyses",
        parameters=[AnalysisQuerySerializer],
        responses=_answers({200: AnalysisSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = self.valid(AnalysisQuerySerializer, request.query_params)
        analyses = selectors.analysis_list(
            partnership=self.partnership, quarter=query.get("quarter"), agency_id=query.get("agency")
        )
        page = self.paginate_queryset(analyses)
        return self.get_paginated_response(AnalysisSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Write an agency's analysis of a quarter (its lead, or a business manager)",
        request=AnalysisInputSerializer,
        responses=_answers({201: AnalysisSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        data = self.valid(AnalysisInputSerializer, request.data)
        agency = services.agency_get(partnership=self.partnership, agency_id=data["agency_id"])
        if selectors.analysis_list(partnership=self.partnership, quarter=data["quarter"], agency_id=agency.pk).exists():
            raise serializers.ValidationError(
                {"quarter": ["The agency has an analysis of this quarter already: change that one."]}
            )
        analysis = services.analysis_save(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            agency=agency,
            quarter=data["quarter"],
            text=data["text"],
            expected_updated_at=None,
        )
        return Response(AnalysisSerializer(analysis).data, status=status.HTTP_201_CREATED)


class AnalysisDetailView(_AnalysisAPIView):
    """One agency's analysis of one quarter."""

    @extend_schema(tags=[TAG], summary="An agency's analysis", responses=_answers({200: AnalysisSerializer}))
    def get(self, request: Request, slug: str, analysis_id: int) -> Response:
        analysis = selectors.analysis_get(partnership=self.partnership, analysis_id=analysis_id)
        return Response(AnalysisSerializer(analysis).data)

    @extend_schema(
        tags=[TAG],
        summary="Change an agency's analysis (its lead, or a business manager)",
        request=AnalysisUpdateSerializer,
        responses=_answers({200: AnalysisSerializer, 400: _FIELD_ERRORS, 409: _conflict("analysis")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, analysis_id: int) -> Response:
        analysis = selectors.analysis_get(partnership=self.partnership, analysis_id=analysis_id)
        data = self.valid(AnalysisUpdateSerializer, request.data)
        expected = expected_version(request, data)
        changed = services.analysis_save(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            agency=analysis.agency,
            quarter=analysis.quarter,
            text=data["text"],
            expected_updated_at=expected,
        )
        return Response(AnalysisSerializer(changed).data)
