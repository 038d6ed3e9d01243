"""API of a learning hub cycle's membership: nominations, shortlisting (or declining with a reason), withdrawing,
and putting the shortlist to the three partners for sign-off (they decide through the sign-off API).

Partner leads, agency leads (their own agency's people) and business managers nominate; business managers
shortlist and submit; whoever made a nomination, or a business manager, withdraws it. Every member reads the
confirmed members; nominations in play are read as the members page shows them. Another partnership's cycle or
nomination is a 404; another partnership's member or agency named in a body is a 400 on its field.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from learninghub.selectors import cycles as cycle_selectors
from learninghub.selectors import members as selectors
from learninghub.selectors.members import HUB_ROLE_CHOICES, NOMINATOR_ROLES, SHORTLIST_ROLES, NominationState
from learninghub.services import members as services
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _FIELD_ERRORS, _answers

TAG = "Learning hub"
_ID = {"min_value": 1, "max_value": 2**63 - 1}


class HubNominationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    member_id = serializers.IntegerField(read_only=True, help_text="The partnership membership put forward.")
    person_name = serializers.CharField(source="member.person.full_name", read_only=True)
    agency_id = serializers.IntegerField(read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    hub_role = serializers.ChoiceField(choices=HUB_ROLE_CHOICES, read_only=True)
    why = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=NominationState.choices, read_only=True)
    decline_reason = serializers.CharField(read_only=True)
    nominated_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    round_id = serializers.IntegerField(read_only=True, allow_null=True)
    confirmed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class HubMembersSerializer(serializers.Serializer):
    nominations = HubNominationSerializer(many=True, read_only=True)
    sign_off_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The latest shortlist's sign-off (decide through the sign-off API)."
    )
    sign_off_state = serializers.CharField(read_only=True, allow_null=True)
    sign_off_round = serializers.IntegerField(read_only=True, allow_null=True)


class HubNominateSerializer(serializers.Serializer):
    member_id = serializers.IntegerField(**_ID, help_text="An active member of this partnership.")
    hub_role = serializers.ChoiceField(choices=HUB_ROLE_CHOICES)
    agency_id = serializers.IntegerField(
        **_ID, required=False, allow_null=True, default=None, help_text="Left out: the member's own agency."
    )
    why = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class HubShortlistSerializer(serializers.Serializer):
    shortlist = serializers.BooleanField(help_text="true: shortlist (or reconsider a declined one); false: decline.")
    reason = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default="", help_text="Needed to decline."
    )


class HubWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class _MembersAPIView(PartnershipScopedAPIView):
    serializer_class = HubNominationSerializer

    def scoped_queryset(self, partnership):
        return cycle_selectors.hub_cycle_list(partnership=partnership)

    def cycle(self, hub_cycle_id: int):
        return cycle_selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)

    def nomination(self, cycle, hub_nomination_id: int):
        return selectors.hub_nomination_get(
            partnership=self.partnership, cycle=cycle, nomination_id=hub_nomination_id, membership=self.membership
        )

    def members_answer(self, cycle, *, code: int = status.HTTP_200_OK) -> Response:
        page = selectors.hub_members_page(partnership=self.partnership, cycle=cycle, membership=self.membership)
        sign_off = page.sign_off
        data = {
            "nominations": HubNominationSerializer(page.nominations, many=True).data,
            "sign_off_id": sign_off.pk if sign_off else None,
            "sign_off_state": sign_off.state if sign_off else None,
            "sign_off_round": sign_off.round if sign_off else None,
        }
        return Response(data, status=code)


class MembersView(_MembersAPIView):
    """A cycle's nominations and members (as the member may see them) and its sign-off; nominate someone."""

    write_roles = NOMINATOR_ROLES

    @extend_schema(
        tags=[TAG],
        summary="A cycle's nominations and members",
        # One object (the members and the nominations), so drf-spectacular would call it "retrieve", the name
        # of a nomination's own GET below.
        operation_id="v1_partnerships_learning_hub_cycles_members_list",
        responses=_answers({200: HubMembersSerializer}),
    )
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        return self.members_answer(self.cycle(hub_cycle_id))

    @extend_schema(
        tags=[TAG],
        summary="Nominate a member of the partnership for the hub (partner leads, agency leads, business managers)",
        request=HubNominateSerializer,
        responses=_answers({201: HubNominationSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        serializer = HubNominateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        nomination = services.hub_nomination_create(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            cycle=cycle,
            **serializer.validated_data,
        )
        return Response(HubNominationSerializer(nomination).data, status=status.HTTP_201_CREATED)


class NominationDetailView(_MembersAPIView):
    """One nomination of the cycle."""

    @extend_schema(tags=[TAG], summary="A nomination", responses=_answers({200: HubNominationSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int, hub_nomination_id: int) -> Response:
        return Response(HubNominationSerializer(self.nomination(self.cycle(hub_cycle_id), hub_nomination_id)).data)


class NominationShortlistView(_MembersAPIView):
    """Shortlist a nomination, or decline it with a reason (business managers)."""

    write_roles = SHORTLIST_ROLES

    @extend_schema(
        tags=[TAG],
        summary="Shortlist or decline a nomination (business managers)",
        request=HubShortlistSerializer,
        responses=_answers({200: HubNominationSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int, hub_nomination_id: int) -> Response:
        nomination = self.nomination(self.cycle(hub_cycle_id), hub_nomination_id)
        serializer = HubShortlistSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moved = services.hub_nomination_shortlist(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            nomination=nomination,
            **serializer.validated_data,
        )
        return Response(HubNominationSerializer(moved).data)


class NominationWithdrawView(_MembersAPIView):
    """Withdraw a nomination not yet put to the partners (whoever made it, or business managers)."""

    write_roles = NOMINATOR_ROLES

    @extend_schema(
        tags=[TAG],
        summary="Withdraw a nomination (whoever made it, or business managers)",
        request=HubWithdrawSerializer,
        responses=_answers({200: HubNominationSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int, hub_nomination_id: int) -> Response:
        nomination = self.nomination(self.cycle(hub_cycle_id), hub_nomination_id)
        serializer = HubWithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        moved = services.hub_nomination_withdraw(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            nomination=nomination,
            **serializer.validated_data,
        )
        return Response(HubNominationSerializer(moved).data)


class MembershipSubmitView(_MembersAPIView):
    """Put the shortlist to the three partners for sign-off (business managers)."""

    write_roles = SHORTLIST_ROLES

    @extend_schema(
        tags=[TAG],
        summary="Put the shortlist to the partners for sign-off (business managers)",
        request=None,
        responses=_answers({200: HubMembersSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = self.cycle(hub_cycle_id)
        services.hub_membership_submit(
            partnership=self.partnership, actor=request.user, membership=self.membership, cycle=cycle
        )
        return self.members_answer(cycle)
