"""API of a cycle's delivery plan: the plan, its figures (entered or uploaded), measures, guidance and evidence,
its saved versions and two versions compared.

Every member reads; the business managers change the plan. Each change names the version of the plan it was based
on (``updated_at`` of the plan, in the body or as ``If-Match``): a change from an older version is 409 and nothing
is saved; none sent is 428. Another partnership's cycle, figure, item or version is a 404; another partnership's
agency or linked record in a body is a field error (400), the same as a missing one.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from learninghub.selectors import cycles as cycle_selectors
from learninghub.selectors import plans as selectors
from learninghub.selectors.plans import KIND_LABELS, PLAN_MANAGE_ROLES, SOURCE_CHOICES
from learninghub.services import plans as services
from partnership.api import RequestBodyTooLarge
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.services.files import MAX_FILE_BYTES

TAG = "Learning hub"
_ID = {"min_value": 1, "max_value": 2**63 - 1}
_VERSION = serializers.DateTimeField(
    required=False, help_text="The plan's updated_at you read (or send If-Match): if it has changed since, 409."
)


class PlanIndicatorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    unit = serializers.CharField(read_only=True)
    period_label = serializers.CharField(read_only=True)
    value = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True, coerce_to_string=True)
    agency_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="None: the whole partnership.")


class PlanLinkSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=list(selectors.LINK_LABELS.items()), read_only=True)
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)


class PlanItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=list(KIND_LABELS.items()), read_only=True)
    source = serializers.CharField(read_only=True, help_text="Evidence only: where it comes from.")
    title = serializers.CharField(read_only=True)
    detail = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)
    citation = serializers.CharField(read_only=True)
    earlier_cycle_id = serializers.IntegerField(read_only=True, allow_null=True)
    self_assessment_id = serializers.IntegerField(read_only=True, allow_null=True)
    audit_round_id = serializers.IntegerField(read_only=True, allow_null=True)


class PlanVersionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    saved_at = serializers.DateTimeField(read_only=True)
    saved_by_id = serializers.IntegerField(read_only=True, allow_null=True)


class SnapshotIndicatorSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    period = serializers.CharField()
    value = serializers.CharField()
    agency = serializers.CharField(help_text="The agency's name; empty for the whole partnership.")


class SnapshotItemSerializer(serializers.Serializer):
    kind = serializers.CharField()
    source = serializers.CharField()
    title = serializers.CharField()
    detail = serializers.CharField()
    url = serializers.CharField()
    citation = serializers.CharField()
    link = PlanLinkSerializer(allow_null=True)


class PlanContentSerializer(serializers.Serializer):
    indicators = SnapshotIndicatorSerializer(many=True)
    items = SnapshotItemSerializer(many=True)


class PlanVersionSerializer(PlanVersionSummarySerializer):
    content = PlanContentSerializer(read_only=True, help_text="What the plan held when the version was saved.")


class DeliveryPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    cycle_id = serializers.IntegerField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back with every change to the plan.")
    indicators = PlanIndicatorSerializer(many=True, read_only=True)
    items = PlanItemSerializer(many=True, read_only=True)
    versions = PlanVersionSummarySerializer(many=True, read_only=True)


class PlanIndicatorInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    period_label = serializers.CharField(max_length=60, help_text="For example 2025-26 Q1.")
    value = serializers.CharField(max_length=40, help_text="A number: 12, -3.5, 1,234.5.")
    agency_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    updated_at = _VERSION


class PlanItemUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    detail = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    url = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    citation = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=SOURCE_CHOICES, required=False, allow_blank=True, default="")
    earlier_cycle_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    self_assessment_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    audit_round_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    updated_at = _VERSION


class PlanItemInputSerializer(PlanItemUpdateSerializer):
    kind = serializers.ChoiceField(choices=list(KIND_LABELS.items()))


class PlanVersionInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100, help_text="For example Month 1, or Month 4.")
    updated_at = _VERSION


class PlanVersionOnlySerializer(serializers.Serializer):
    updated_at = _VERSION


class PlanUploadInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A CSV file or an Excel workbook (.xlsx), up to 10 MB. Line 1 names the columns: indicator, "
        "unit (optional), period, value, agency (optional)."
    )
    updated_at = _VERSION


class PlanUploadResultSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ValueChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    agency = serializers.CharField()
    period = serializers.CharField()
    then = serializers.CharField(help_text="Empty when the figure was not there then.")
    now = serializers.CharField(help_text="Empty when the figure is not there now.")
    status = serializers.ChoiceField(choices=["added", "removed", "changed", "same"])
    difference = serializers.CharField(help_text="now - then, for a changed figure.")


class PlanComparisonSerializer(serializers.Serializer):
    then = serializers.CharField(help_text="The version compared from.")
    now = serializers.CharField(help_text="The version compared to, or the plan as it stands.")
    values = ValueChangeSerializer(many=True)
    items_added = SnapshotItemSerializer(many=True)
    items_removed = SnapshotItemSerializer(many=True)
    items_changed = SnapshotItemSerializer(many=True, help_text="Same title and reference, different detail: now.")


_UPLOAD_REFUSED = _FIELD_ERRORS


class PlanUploadParser(MultiPartParser):
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


class _PlanAPIView(PartnershipScopedAPIView):
    write_roles = PLAN_MANAGE_ROLES
    serializer_class = DeliveryPlanSerializer

    def scoped_queryset(self, partnership):
        return cycle_selectors.hub_cycle_list(partnership=partnership)

    def cycle(self, hub_cycle_id: int):
        return cycle_selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)

    def plan(self, hub_cycle_id: int):
        return selectors.delivery_plan_get(partnership=self.partnership, cycle=self.cycle(hub_cycle_id))

    def validated(self, serializer_class, request: Request) -> tuple[dict, object]:
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        return data, expected

    def plan_answer(self, hub_cycle_id: int, *, code: int = status.HTTP_200_OK) -> Response:
        cycle = self.cycle(hub_cycle_id)
        page = selectors.delivery_plan_page(partnership=self.partnership, cycle=cycle)
        if page.plan is None:
            raise Http404("This cycle has no delivery plan yet.")
        items = [item for kind in KIND_LABELS for item in page.items_by_kind[kind]]
        data = {
            "id": page.plan.pk,
            "cycle_id": cycle.pk,
            "updated_at": page.plan.updated_at,
            "indicators": page.indicators,
            "items": items,
            "versions": page.versions,
        }
        return Response(DeliveryPlanSerializer(data).data, status=code)


class PlanView(_PlanAPIView):
    """A cycle's delivery plan: its figures, measures, guidance and evidence, and its saved versions."""

    @extend_schema(tags=[TAG], summary="A cycle's delivery plan", responses=_answers({200: DeliveryPlanSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        return self.plan_answer(hub_cycle_id)

    @extend_schema(
        tags=[TAG],
        summary="Start a cycle's delivery plan (business managers; the plan itself when already started)",
        request=None,
        responses=_answers(
            {200: DeliveryPlanSerializer, 201: DeliveryPlanSerializer, 400: _FIELD_ERRORS}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        existed = selectors.delivery_plan_of(partnership=self.partnership, cycle=cycle) is not None
        services.delivery_plan_start(partnership=self.partnership, actor=request.user, cycle=cycle)
        return self.plan_answer(cycle.pk, code=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class PlanIndicatorListView(_PlanAPIView):
    """The plan's figures, in the order entered."""

    pagination_class = None
    serializer_class = PlanIndicatorSerializer

    @extend_schema(
        tags=[TAG], summary="A delivery plan's figures", responses=_answers({200: PlanIndicatorSerializer(many=True)})
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        return Response(
            PlanIndicatorSerializer(selectors.plan_indicators(partnership=self.partnership, plan=plan), many=True).data
        )

    @extend_schema(
        tags=[TAG],
        summary="Add a figure to a delivery plan (business managers)",
        request=PlanIndicatorInputSerializer,
        responses=_answers(
            {201: PlanIndicatorSerializer, 400: _FIELD_ERRORS, 409: _conflict("delivery plan")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        data, expected = self.validated(PlanIndicatorInputSerializer, request)
        indicator = services.plan_indicator_add(
            partnership=self.partnership, actor=request.user, plan=plan, expected_updated_at=expected, **data
        )
        return Response(PlanIndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)


class PlanIndicatorDetailView(_PlanAPIView):
    """One figure of the plan."""

    serializer_class = PlanIndicatorSerializer

    def indicator(self, hub_cycle_id: int, plan_indicator_id: int):
        plan = self.plan(hub_cycle_id)
        return plan, selectors.plan_indicator_get(
            partnership=self.partnership, plan=plan, plan_indicator_id=plan_indicator_id
        )

    @extend_schema(tags=[TAG], summary="A figure", responses=_answers({200: PlanIndicatorSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int, plan_indicator_id: int) -> Response:
        return Response(PlanIndicatorSerializer(self.indicator(hub_cycle_id, plan_indicator_id)[1]).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a figure (business managers)",
        request=PlanIndicatorInputSerializer,
        responses=_answers(
            {200: PlanIndicatorSerializer, 400: _FIELD_ERRORS, 409: _conflict("delivery plan")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, hub_cycle_id: int, plan_indicator_id: int) -> Response:
        plan, indicator = self.indicator(hub_cycle_id, plan_indicator_id)
        data, expected = self.validated(PlanIndicatorInputSerializer, request)
        changed = services.plan_indicator_update(
            partnership=self.partnership,
            actor=request.user,
            plan=plan,
            indicator=indicator,
            expected_updated_at=expected,
            **data,
        )
        return Response(PlanIndicatorSerializer(changed).data)

    @extend_schema(
        tags=[TAG],
        summary="Remove a figure (business managers; saved versions keep it)",
        request=PlanVersionOnlySerializer,
        responses=_answers({204: None, 400: _FIELD_ERRORS, 409: _conflict("delivery plan")}, takes_body=True),
    )
    def delete(self, request: Request, slug: str, hub_cycle_id: int, plan_indicator_id: int) -> Response:
        plan, indicator = self.indicator(hub_cycle_id, plan_indicator_id)
        _data, expected = self.validated(PlanVersionOnlySerializer, request)
        services.plan_indicator_delete(
            partnership=self.partnership,
            actor=request.user,
            plan=plan,
            indicator=indicator,
            expected_updated_at=expected,
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanUploadView(_PlanAPIView):
    """Import figures from a CSV file or an Excel workbook (multipart/form-data, field ``file``): every line, or
    none, each problem named with its line."""

    serializer_class = PlanUploadResultSerializer
    parser_classes = [PlanUploadParser]

    @extend_schema(
        tags=[TAG],
        summary="Upload a delivery plan's figures from CSV or Excel (business managers)",
        request={"multipart/form-data": PlanUploadInputSerializer},
        responses=_answers(
            {200: PlanUploadResultSerializer, 400: _UPLOAD_REFUSED, 409: _conflict("delivery plan")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        upload = request.FILES.get("file") if hasattr(request.FILES, "get") else None
        data = {"updated_at": request.data.get("updated_at")} if hasattr(request.data, "get") else {}
        serializer = PlanVersionOnlySerializer(data={k: v for k, v in data.items() if v not in (None, "")})
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        result = services.plan_indicators_import(
            partnership=self.partnership, actor=request.user, plan=plan, upload=upload, expected_updated_at=expected
        )
        return Response(PlanUploadResultSerializer(result).data)


class PlanItemListView(_PlanAPIView):
    """The plan's success and impact measures, guidance references and evidence."""

    pagination_class = None
    serializer_class = PlanItemSerializer

    @extend_schema(
        tags=[TAG],
        summary="A delivery plan's measures, guidance and evidence",
        responses=_answers({200: PlanItemSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        return Response(
            PlanItemSerializer(selectors.plan_items(partnership=self.partnership, plan=plan), many=True).data
        )

    @extend_schema(
        tags=[TAG],
        summary="Add a measure, a guidance reference or a piece of evidence (business managers)",
        request=PlanItemInputSerializer,
        responses=_answers(
            {201: PlanItemSerializer, 400: _FIELD_ERRORS, 409: _conflict("delivery plan")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        data, expected = self.validated(PlanItemInputSerializer, request)
        item = services.plan_item_add(
            partnership=self.partnership, actor=request.user, plan=plan, expected_updated_at=expected, **data
        )
        return Response(PlanItemSerializer(item).data, status=status.HTTP_201_CREATED)


class PlanItemDetailView(_PlanAPIView):
    """One measure, reference or piece of evidence."""

    serializer_class = PlanItemSerializer

    def item(self, hub_cycle_id: int, plan_item_id: int):
        plan = self.plan(hub_cycle_id)
        return plan, selectors.plan_item_get(partnership=self.partnership, plan=plan, plan_item_id=plan_item_id)

    @extend_schema(
        tags=[TAG], summary="A measure, reference or piece of evidence", responses=_answers({200: PlanItemSerializer})
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int, plan_item_id: int) -> Response:
        return Response(PlanItemSerializer(self.item(hub_cycle_id, plan_item_id)[1]).data)

    @extend_schema(
        tags=[TAG],
        summary="Change a measure, reference or piece of evidence (business managers; its kind stays)",
        request=PlanItemUpdateSerializer,
        responses=_answers(
            {200: PlanItemSerializer, 400: _FIELD_ERRORS, 409: _conflict("delivery plan")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, hub_cycle_id: int, plan_item_id: int) -> Response:
        plan, item = self.item(hub_cycle_id, plan_item_id)
        data, expected = self.validated(PlanItemUpdateSerializer, request)
        changed = services.plan_item_update(
            partnership=self.partnership, actor=request.user, plan=plan, item=item, expected_updated_at=expected, **data
        )
        return Response(PlanItemSerializer(changed).data)

    @extend_schema(
        tags=[TAG],
        summary="Remove a measure, reference or piece of evidence (business managers; saved versions keep it)",
        request=PlanVersionOnlySerializer,
        responses=_answers({204: None, 400: _FIELD_ERRORS, 409: _conflict("delivery plan")}, takes_body=True),
    )
    def delete(self, request: Request, slug: str, hub_cycle_id: int, plan_item_id: int) -> Response:
        plan, item = self.item(hub_cycle_id, plan_item_id)
        _data, expected = self.validated(PlanVersionOnlySerializer, request)
        services.plan_item_delete(
            partnership=self.partnership, actor=request.user, plan=plan, item=item, expected_updated_at=expected
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanVersionListView(_PlanAPIView):
    """The plan's saved versions, oldest first; saving one keeps the plan as it stands, unchanged after."""

    pagination_class = None
    serializer_class = PlanVersionSummarySerializer

    @extend_schema(
        tags=[TAG],
        summary="A delivery plan's saved versions",
        responses=_answers({200: PlanVersionSummarySerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        versions = selectors.plan_versions(partnership=self.partnership, plan=plan)
        return Response(PlanVersionSummarySerializer(versions, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Save the delivery plan as a version: Month 1, Month 4... (business managers)",
        request=PlanVersionInputSerializer,
        responses=_answers(
            {201: PlanVersionSerializer, 400: _FIELD_ERRORS, 409: _conflict("delivery plan")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        data, expected = self.validated(PlanVersionInputSerializer, request)
        version = services.plan_version_save(
            partnership=self.partnership, actor=request.user, plan=plan, expected_updated_at=expected, **data
        )
        return Response(PlanVersionSerializer(version).data, status=status.HTTP_201_CREATED)


class PlanVersionDetailView(_PlanAPIView):
    """A saved version, with what the plan held then. Versions never change."""

    serializer_class = PlanVersionSerializer

    @extend_schema(
        tags=[TAG], summary="A saved version of a delivery plan", responses=_answers({200: PlanVersionSerializer})
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int, plan_version_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        version = selectors.plan_version_get(partnership=self.partnership, plan=plan, plan_version_id=plan_version_id)
        return Response(PlanVersionSerializer(version).data)


class PlanCompareView(_PlanAPIView):
    """Two versions side by side: indicator values then and now, items added, removed and changed."""

    serializer_class = PlanComparisonSerializer

    @extend_schema(
        tags=[TAG],
        summary="Compare two versions of a delivery plan",
        parameters=[
            OpenApiParameter("then", OpenApiTypes.INT, required=True, description="A saved version's id."),
            OpenApiParameter(
                "now", OpenApiTypes.STR, required=True, description="A saved version's id, or 'draft': the plan now."
            ),
        ],
        responses=_answers({200: PlanComparisonSerializer, 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        plan = self.plan(hub_cycle_id)
        errors = {}
        then_id = _int_or_none(request.query_params.get("then"))
        now_key = request.query_params.get("now", "")
        now_id = None if now_key == "draft" else _int_or_none(now_key)
        if then_id is None:
            errors["then"] = ["Name a saved version by its id."]
        if now_key != "draft" and now_id is None:
            errors["now"] = ["Name a saved version by its id, or 'draft'."]
        if errors:
            raise serializers.ValidationError(errors)
        then = selectors.plan_version_get(partnership=self.partnership, plan=plan, plan_version_id=then_id)
        if now_id is None:
            now, now_label = selectors.plan_current_content(partnership=self.partnership, plan=plan), "The plan now"
        else:
            now_version = selectors.plan_version_get(partnership=self.partnership, plan=plan, plan_version_id=now_id)
            now, now_label = now_version.content, str(now_version)
        comparison = selectors.plan_compare(then=then.content, now=now)
        data = {
            "then": str(then),
            "now": now_label,
            "values": comparison.values,
            "items_added": comparison.items_added,
            "items_removed": comparison.items_removed,
            "items_changed": [pair[1] for pair in comparison.items_changed],
        }
        return Response(PlanComparisonSerializer(data).data)


def _int_or_none(text: str | None) -> int | None:
    if text is None or not text.isdigit() or len(text) > 18:
        return None
    return int(text)
