"""The business managers' administration over the API: settings, closure days, invitations, member access.

What the Settings and Members pages do (``partnership.views.manage``), through
the same services, for business managers only (any member reads the closure
days, which ``GET /partnerships/<slug>/`` already shows them). A settings change
carries the ``updated_at`` read: a stale one is 409 and nothing is saved.
"""

from __future__ import annotations

from django.conf import settings as django_settings
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from partnership import selectors, services
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.serializers import (
    AgencySummarySerializer,
    ClosureDaySerializer,
    MemberSerializer,
    PartnershipAgencyField,
    PersonSummarySerializer,
    _within_supported_years,
)
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.models import MANAGER_ROLES, ClosureDay, Invitation, Membership, Nation, Partnership, Role
from partnership.services import REMINDER_WORKING_DAYS_MAX

_BUSINESS_MANAGERS = MANAGER_ROLES
_ANY_MEMBER: frozenset[str] = frozenset()
_NO_CONTENT = OpenApiResponse(description="Done.")


# --- Shapes ---------------------------------------------------------------------------------------------


class PartnershipSettingsSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    nation = serializers.ChoiceField(
        choices=Nation.choices, read_only=True, help_text="Whose bank holidays count: every working-day clock."
    )
    reminder_working_days = serializers.IntegerField(
        read_only=True, help_text="How many working days before a due date people are reminded (0: on the day)."
    )
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change to be told (409) if someone else changed it first."
    )


class PartnershipSettingsUpdateSerializer(serializers.Serializer):
    """Every field optional: what is left out keeps its value."""

    name = serializers.CharField(max_length=Partnership._meta.get_field("name").max_length, required=False)
    nation = serializers.ChoiceField(choices=Nation.choices, required=False)
    reminder_working_days = serializers.IntegerField(min_value=0, max_value=REMINDER_WORKING_DAYS_MAX, required=False)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read. If the settings changed since, nothing is saved and the answer is 409.",
    )


class ClosureDayCreateSerializer(serializers.Serializer):
    date = serializers.DateField(input_formats=["%Y-%m-%d"], validators=[_within_supported_years])
    reason = serializers.CharField(
        max_length=ClosureDay._meta.get_field("reason").max_length, required=False, allow_blank=True, default=""
    )


class InvitationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    email = serializers.EmailField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    agency = AgencySummarySerializer(read_only=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), read_only=True)
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)
    invited_by = PersonSummarySerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    accepted_at = serializers.DateTimeField(read_only=True, allow_null=True)


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=Invitation._meta.get_field("email").max_length)
    full_name = serializers.CharField(max_length=Invitation._meta.get_field("full_name").max_length)
    agency = PartnershipAgencyField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        max_length=len(Role.choices),
        help_text="Checked against the agency (a partner lead only for that statutory partner's agency).",
    )


class InvitationQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=Invitation.Status.choices, required=False, help_text="Only invitations in this state."
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class SecondFactorResetSerializer(serializers.Serializer):
    devices_removed = serializers.IntegerField(read_only=True)


# --- Settings -------------------------------------------------------------------------------------------


@extend_schema(tags=["Settings"])
class PartnershipSettingsView(PartnershipScopedAPIView):
    """The partnership's name, nation and reminder days (business managers). A new nation or reminder
    setting moves the reminder day of every open deadline, as on the Settings page."""

    serializer_class = PartnershipSettingsSerializer
    model = Partnership
    read_roles = _BUSINESS_MANAGERS
    write_roles = _BUSINESS_MANAGERS

    @extend_schema(
        summary="The partnership's settings (business managers)", responses=_answers({200: serializer_class})
    )
    def get(self, request: Request, slug: str) -> Response:
        return Response(
            PartnershipSettingsSerializer(selectors.partnership_settings_get(partnership=self.partnership)).data
        )

    @extend_schema(
        summary="Change the partnership's settings (business managers)",
        request=PartnershipSettingsUpdateSerializer,
        responses=_answers(
            {200: PartnershipSettingsSerializer, 400: _FIELD_ERRORS, 409: _conflict("partnership's settings")},
            takes_body=True,
        ),
    )
    def patch(self, request: Request, slug: str) -> Response:
        saved = selectors.partnership_settings_get(partnership=self.partnership)
        serializer = PartnershipSettingsUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.partnership_update_settings(
            partnership=self.partnership,
            actor=request.user,
            name=data.get("name", saved.name),
            nation=data.get("nation", saved.nation),
            reminder_working_days=data.get("reminder_working_days"),
            expected_updated_at=expected_version(request, data),
        )
        return Response(
            PartnershipSettingsSerializer(selectors.partnership_settings_get(partnership=self.partnership)).data
        )


# --- Closure days ---------------------------------------------------------------------------------------


class _ClosureDayAPIView(PartnershipScopedAPIView):
    serializer_class = ClosureDaySerializer
    model = ClosureDay
    read_roles = _ANY_MEMBER
    write_roles = _BUSINESS_MANAGERS

    def scoped_queryset(self, partnership: Partnership):
        return selectors.closure_day_list(partnership=partnership)


@extend_schema(tags=["Settings"])
class ClosureDayListView(ListModelMixin, _ClosureDayAPIView):
    """The partnership's own closure days, on top of its nation's bank holidays: any member reads them,
    business managers add them (reminder days of open deadlines move)."""

    @extend_schema(summary="Closure days", responses=_answers({200: ClosureDaySerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Add a closure day (business managers)",
        request=ClosureDayCreateSerializer,
        responses=_answers({201: ClosureDaySerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = ClosureDayCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        day = services.closure_day_add(
            partnership=self.partnership,
            actor=request.user,
            day=serializer.validated_data["date"],
            reason=serializer.validated_data["reason"],
        )
        return Response(ClosureDaySerializer(day).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Settings"])
class ClosureDayDetailView(_ClosureDayAPIView):
    """One closure day; business managers remove it (reminder days of open deadlines move back)."""

    def _day(self) -> ClosureDay:
        return selectors.closure_day_get(partnership=self.partnership, closure_day_id=self.kwargs["closure_day_id"])

    def get_object(self) -> ClosureDay:
        return self._day()

    @extend_schema(summary="A closure day", responses=_answers({200: ClosureDaySerializer}))
    def get(self, request: Request, slug: str, closure_day_id: int) -> Response:
        return Response(ClosureDaySerializer(self._day()).data)

    @extend_schema(summary="Remove a closure day (business managers)", responses=_answers({204: _NO_CONTENT}))
    def delete(self, request: Request, slug: str, closure_day_id: int) -> Response:
        services.closure_day_remove(partnership=self.partnership, actor=request.user, closure_day=self._day())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Invitations ----------------------------------------------------------------------------------------


class _InvitationAPIView(PartnershipScopedAPIView):
    serializer_class = InvitationSerializer
    model = Invitation
    read_roles = _BUSINESS_MANAGERS
    write_roles = _BUSINESS_MANAGERS

    def scoped_queryset(self, partnership: Partnership):
        return selectors.invitation_list(partnership=partnership)

    def invitation(self) -> Invitation:
        # Through invitation_list for its select_related; another partnership's id is a plain 404.
        return self.get_object()

    lookup_url_kwarg = "invitation_id"


@extend_schema(tags=["Members"])
class InvitationListView(ListModelMixin, _InvitationAPIView):
    """Invitations, newest first (business managers); inviting emails the person a link valid for
    ``INVITATION_VALID_DAYS`` days."""

    def scoped_queryset(self, partnership: Partnership):
        query = InvitationQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        invitations = selectors.invitation_list(partnership=partnership)
        if "status" in query.validated_data:
            invitations = invitations.filter(status=query.validated_data["status"])
        return invitations

    @extend_schema(
        summary="Invitations (business managers)",
        parameters=[InvitationQuerySerializer],
        responses=_answers({200: InvitationSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Invite someone by email (business managers)",
        description=f"The link in the email is valid for {django_settings.INVITATION_VALID_DAYS} days.",
        request=InvitationCreateSerializer,
        responses=_answers({201: InvitationSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = InvitationCreateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        invitation, _token = services.invitation_create(
            partnership=self.partnership, actor=request.user, **serializer.validated_data
        )
        invitation = selectors.invitation_list(partnership=self.partnership).get(pk=invitation.pk)
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Members"])
class InvitationDetailView(_InvitationAPIView):
    @extend_schema(summary="An invitation (business managers)", responses=_answers({200: InvitationSerializer}))
    def get(self, request: Request, slug: str, invitation_id: int) -> Response:
        return Response(InvitationSerializer(self.invitation()).data)


@extend_schema(tags=["Members"])
class InvitationRevokeView(_InvitationAPIView):
    """Withdraw a pending invitation: its link stops working."""

    @extend_schema(
        summary="Withdraw an invitation (business managers)",
        request=None,
        responses=_answers({200: InvitationSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, invitation_id: int) -> Response:
        services.invitation_revoke(partnership=self.partnership, actor=request.user, invitation=self.invitation())
        return Response(InvitationSerializer(self.invitation()).data)


# --- A member's access ------------------------------------------------------------------------------------


class _MemberActionView(PartnershipScopedAPIView):
    serializer_class = MemberSerializer
    model = Membership
    read_roles = _BUSINESS_MANAGERS
    write_roles = _BUSINESS_MANAGERS

    def scoped_queryset(self, partnership: Partnership):
        return selectors.membership_list(partnership=partnership)

    def member(self) -> Membership:
        return selectors.membership_get(partnership=self.partnership, membership_id=self.kwargs["membership_id"])

    def answer(self) -> Response:
        return Response(MemberSerializer(self.get_queryset().get(pk=self.kwargs["membership_id"])).data)


@extend_schema(tags=["Members"])
class MemberDeactivateView(_MemberActionView):
    """Stop a member's access to this partnership (their other partnerships are untouched). The last
    active business manager cannot be deactivated."""

    @extend_schema(
        summary="Deactivate a member (business managers)",
        request=ReasonSerializer,
        responses=_answers(
            {200: MemberSerializer, 204: OpenApiResponse(description="You deactivated yourself."), 400: _FIELD_ERRORS},
            takes_body=True,
        ),
    )
    def post(self, request: Request, slug: str, membership_id: int) -> Response:
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = self.member()
        services.membership_deactivate(
            partnership=self.partnership,
            actor=request.user,
            membership=member,
            reason=serializer.validated_data["reason"],
        )
        if member.person_id == request.user.pk:
            # They have just closed their own way in: nothing of this partnership is theirs to read any more.
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self.answer()


@extend_schema(tags=["Members"])
class MemberReactivateView(_MemberActionView):
    @extend_schema(
        summary="Reactivate a member (business managers)",
        request=None,
        responses=_answers({200: MemberSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, membership_id: int) -> Response:
        services.membership_reactivate(partnership=self.partnership, actor=request.user, membership=self.member())
        return self.answer()


@extend_schema(tags=["Members"])
class MemberSecondFactorResetView(_MemberActionView):
    """Remove a member's authenticator app and backup codes (a lost phone, say), and their API token:
    they set up a new second factor at their next sign-in. Not your own (ask another business manager)."""

    serializer_class = SecondFactorResetSerializer

    @extend_schema(
        summary="Reset a member's second factor (business managers)",
        request=None,
        responses=_answers({200: SecondFactorResetSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, membership_id: int) -> Response:
        removed = services.membership_reset_second_factor(
            partnership=self.partnership, actor=request.user, membership=self.member()
        )
        return Response(SecondFactorResetSerializer({"devices_removed": removed}).data)
