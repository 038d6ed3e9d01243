"""API of the partnership's priorities: every member reads them; business managers add and change them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.selectors.priorities import PRIORITY_MANAGE_ROLES, lead_partner_choices, priority_get, priority_list
from partnership.services.priorities import priority_create, priority_update

_YEAR = {"min_value": 2000, "max_value": 2100}


class PrioritySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    success_measures = serializers.CharField(read_only=True, help_text="How the partnership will know it is met.")
    lead_partner = serializers.ChoiceField(
        choices=lead_partner_choices(), read_only=True, help_text="Empty when the three partners lead it together."
    )
    start_year = serializers.IntegerField(read_only=True)
    end_year = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change: if it has changed since, the answer is 409."
    )


class PriorityCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    success_measures = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    lead_partner = serializers.ChoiceField(choices=lead_partner_choices(), required=False, default="")
    start_year = serializers.IntegerField(**_YEAR)
    end_year = serializers.IntegerField(**_YEAR)


class PriorityUpdateSerializer(PriorityCreateSerializer):
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class _PriorityAPIView(PartnershipScopedAPIView):
    write_roles = PRIORITY_MANAGE_ROLES
    serializer_class = PrioritySerializer

    def scoped_queryset(self, partnership):
        return priority_list(partnership=partnership)

    def get_object(self):
        return priority_get(partnership=self.partnership, priority_id=self.kwargs["priority_id"])


class PriorityListView(_PriorityAPIView):
    """The partnership's priorities, current first in the board's order."""

    pagination_class = None

    @extend_schema(tags=["Priorities"], summary="Priorities", responses=_answers({200: PrioritySerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return Response(PrioritySerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        tags=["Priorities"],
        summary="Add a priority (business managers)",
        request=PriorityCreateSerializer,
        responses=_answers({201: PrioritySerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = PriorityCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        priority = priority_create(partnership=self.partnership, actor=request.user, **serializer.validated_data)
        return Response(PrioritySerializer(priority).data, status=status.HTTP_201_CREATED)


class PriorityDetailView(_PriorityAPIView):
    """One priority."""

    @extend_schema(tags=["Priorities"], summary="A priority", responses=_answers({200: PrioritySerializer}))
    def get(self, request: Request, slug: str, priority_id: int) -> Response:
        return Response(PrioritySerializer(self.get_object()).data)

    @extend_schema(
        tags=["Priorities"],
        summary="Change, retire or reinstate a priority (business managers)",
        request=PriorityUpdateSerializer,
        responses=_answers({200: PrioritySerializer, 400: _FIELD_ERRORS, 409: _conflict("priority")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, priority_id: int) -> Response:
        priority = self.get_object()
        serializer = PriorityUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        updated = priority_update(
            partnership=self.partnership, actor=request.user, priority=priority, expected_updated_at=expected, **data
        )
        return Response(PrioritySerializer(updated).data)
