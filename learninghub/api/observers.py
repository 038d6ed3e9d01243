"""API of a cycle's observers: people of another partnership invited to watch one cycle, read-only.

Business managers only (the list names people of other partnerships): list, invite, revoke. Another
partnership's cycle or observer is a 404; a collaboration the partnership is not in is refused on the field
like a missing one. What an observer sees is a page for a signed-in person, never a token's
(``/account/observing/``).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from learninghub.selectors import cycles as cycle_selectors
from learninghub.selectors import observers as selectors
from learninghub.selectors.cycles import CYCLE_MANAGE_ROLES
from learninghub.services import observers as services
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _FIELD_ERRORS, _answers

TAG = "Learning hub"


class HubObserverSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="observer.pk", read_only=True)
    grantee_name = serializers.CharField(source="grant.grantee.full_name", read_only=True)
    grantee_email = serializers.CharField(source="grant.grantee.email", read_only=True)
    grantee_partnership = serializers.CharField(source="grant.grantee_partnership.name", read_only=True)
    collaboration_id = serializers.IntegerField(source="grant.collaboration_id", read_only=True)
    ends_on = serializers.DateField(source="grant.ends_on", read_only=True)
    created_at = serializers.DateTimeField(source="grant.created_at", read_only=True)
    revoked_at = serializers.DateTimeField(source="grant.revoked_at", read_only=True, allow_null=True)
    in_force = serializers.BooleanField(read_only=True, help_text="Whether they can open the cycle now.")
    view_count = serializers.IntegerField(read_only=True, help_text="How often they have opened it.")


class HubObserverInviteSerializer(serializers.Serializer):
    collaboration_id = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="A collaboration this partnership belongs to."
    )
    grantee_email = serializers.CharField(
        max_length=254, help_text="A member of another partnership in the collaboration."
    )
    ends_on = serializers.DateField(help_text="Today or later, at most a year ahead.")


class HubObserverRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class _ObserverAPIView(PartnershipScopedAPIView):
    read_roles = CYCLE_MANAGE_ROLES
    write_roles = CYCLE_MANAGE_ROLES
    serializer_class = HubObserverSerializer

    def scoped_queryset(self, partnership):
        return cycle_selectors.hub_cycle_list(partnership=partnership)

    def observers_answer(self, cycle, *, observer_id: int | None = None, code: int = status.HTTP_200_OK) -> Response:
        rows = selectors.hub_observers(partnership=self.partnership, cycle=cycle)
        if observer_id is None:
            return Response(HubObserverSerializer(rows, many=True).data, status=code)
        row = next(r for r in rows if r.observer.pk == observer_id)
        return Response(HubObserverSerializer(row).data, status=code)


class CycleObserverListView(_ObserverAPIView):
    """A cycle's observers, newest first (business managers); invite one."""

    pagination_class = None

    @extend_schema(
        tags=[TAG],
        summary="A cycle's observers (business managers)",
        responses=_answers({200: HubObserverSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = cycle_selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        return self.observers_answer(cycle)

    @extend_schema(
        tags=[TAG],
        summary="Invite a person of another partnership to observe a cycle, read-only (business managers)",
        request=HubObserverInviteSerializer,
        responses=_answers({201: HubObserverSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = cycle_selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        serializer = HubObserverInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        observer = services.hub_observer_invite(
            partnership=self.partnership, actor=request.user, cycle=cycle, **serializer.validated_data
        )
        return self.observers_answer(cycle, observer_id=observer.pk, code=status.HTTP_201_CREATED)


class ObserverRevokeView(_ObserverAPIView):
    """End an observer's sight of the cycle now (business managers); revoking twice changes nothing."""

    @extend_schema(
        tags=[TAG],
        summary="Revoke an observer (business managers)",
        request=HubObserverRevokeSerializer,
        responses=_answers({200: HubObserverSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int, hub_observer_id: int) -> Response:
        cycle = cycle_selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        observer = selectors.hub_observer_get(partnership=self.partnership, cycle=cycle, observer_id=hub_observer_id)
        serializer = HubObserverRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.hub_observer_revoke(
            partnership=self.partnership, actor=request.user, observer=observer, **serializer.validated_data
        )
        return self.observers_answer(cycle, observer_id=observer.pk)
