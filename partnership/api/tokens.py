"""API tokens over the API: a partnership's own systems get their keys from a service account.

Business managers (past the second factor, by session or by a token that
carries it) add service accounts, issue their tokens and revoke any member's
token. A person's own tokens are made on their account page only, from a
signed-in session, so that issuing one always follows a real sign-in.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from partnership import selectors
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.serializers import MemberSerializer, PartnershipAgencyField
from partnership.api.views import _BUSINESS_MANAGERS, _FIELD_ERRORS, _answers
from partnership.models import ApiToken, Membership, Partnership, Role
from partnership.selectors import access as access_selectors
from partnership.services import access as access_services
from partnership.services.access import API_TOKEN_DEFAULT_DAYS, API_TOKEN_LIFETIMES_DAYS


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    key_prefix = serializers.CharField(read_only=True, help_text="The key's first 8 characters, to tell tokens apart.")
    created_at = serializers.DateTimeField(read_only=True)
    expires_at = serializers.DateTimeField(read_only=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_reason = serializers.CharField(read_only=True)
    is_live = serializers.BooleanField(read_only=True)


class IssuedApiTokenSerializer(serializers.Serializer):
    token = ApiTokenSerializer(read_only=True)
    key = serializers.CharField(read_only=True, help_text="Shown this once: only a hash is kept.")


class ApiTokenIssueSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=ApiToken._meta.get_field("name").max_length)
    days = serializers.ChoiceField(choices=API_TOKEN_LIFETIMES_DAYS, default=API_TOKEN_DEFAULT_DAYS)


class ServiceAccountCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    agency = PartnershipAgencyField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), min_length=1, max_length=len(Role.choices)
    )


class _MemberScoped(PartnershipScopedAPIView):
    read_roles = _BUSINESS_MANAGERS
    write_roles = _BUSINESS_MANAGERS

    def member(self, membership_id: int) -> Membership:
        return selectors.membership_get(partnership=self.partnership, membership_id=membership_id)


@extend_schema(tags=["Members"])
class ServiceAccountListView(ListModelMixin, _MemberScoped):
    """The partnership's service accounts: its own systems, which use the API with tokens only."""

    serializer_class = MemberSerializer
    model = Membership

    def scoped_queryset(self, partnership: Partnership):
        return selectors.membership_list(partnership=partnership).filter(person__is_service_account=True)

    @extend_schema(
        summary="Service accounts (business managers)", responses=_answers({200: MemberSerializer(many=True)})
    )
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Add a service account (business managers)",
        request=ServiceAccountCreateSerializer,
        responses=_answers({201: MemberSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = ServiceAccountCreateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = access_services.service_account_create(
            partnership=self.partnership,
            actor=request.user,
            name=data["name"],
            agency=data["agency"],
            roles=data["roles"],
        )
        membership = selectors.membership_get(partnership=self.partnership, membership_id=membership.pk)
        return Response(MemberSerializer(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Members"])
class MemberApiTokenListView(ListModelMixin, _MemberScoped):
    """A member's API tokens in this partnership; a service account's are issued here."""

    serializer_class = ApiTokenSerializer
    model = ApiToken

    def scoped_queryset(self, partnership: Partnership):
        membership = self.member(self.kwargs["membership_id"])
        return access_selectors.api_tokens_of_member(partnership=partnership, membership=membership)

    @extend_schema(
        summary="A member's API tokens (business managers)", responses=_answers({200: ApiTokenSerializer(many=True)})
    )
    def get(self, request: Request, slug: str, membership_id: int) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Issue a token to a service account (business managers); the key is in this answer only",
        request=ApiTokenIssueSerializer,
        responses=_answers({201: IssuedApiTokenSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, membership_id: int) -> Response:
        membership = self.member(membership_id)
        serializer = ApiTokenIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = access_services.service_account_token_issue(
            partnership=self.partnership,
            actor=request.user,
            membership=membership,
            name=serializer.validated_data["name"],
            days=serializer.validated_data["days"],
            # The base class refuses a business manager who has not passed it, by session or by token.
            actor_passed_second_factor=True,
        )
        return Response(IssuedApiTokenSerializer(issued).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Members"])
class MemberApiTokenRevokeView(_MemberScoped):
    """Revoke one of a member's tokens in this partnership."""

    serializer_class = ApiTokenSerializer
    model = ApiToken

    @extend_schema(
        summary="Revoke a member's API token (business managers)",
        request=None,
        # No body is needed; one that is sent is still parsed (400 if malformed, 413, 415).
        responses=_answers({200: ApiTokenSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, membership_id: int, token_id: int) -> Response:
        membership = self.member(membership_id)
        token = access_selectors.api_token_of_member_get(
            partnership=self.partnership, membership=membership, token_id=token_id
        )
        access_services.api_token_revoke_for_member(
            partnership=self.partnership, actor=request.user, membership=membership, token_id=token.pk
        )
        token.refresh_from_db()
        return Response(ApiTokenSerializer(token).data)
