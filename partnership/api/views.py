"""API endpoints. Each one: parse input → one selector or service → serialise.

Tenant resolution, second factor and role checks happen in
``PartnershipScopedAPIView`` before any handler here runs.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from partnership import selectors, services
from partnership.api.base import BaseAPIView, PartnershipScopedAPIView
from partnership.api.serializers import (
    AgencyCreateSerializer,
    AgencySerializer,
    AgencyUpdateSerializer,
    MemberSerializer,
    MemberUpdateSerializer,
    PartnershipDetailSerializer,
    PartnershipSummarySerializer,
    WorkingDaysQuerySerializer,
    WorkingDaysSerializer,
)
from partnership.api.versions import expected_version
from partnership.models import MANAGER_ROLES, Agency, ApiToken, Membership, Partnership, StatutoryPartner

_DETAIL = inline_serializer("Detail", fields={"detail": drf_serializers.CharField()})
_NOT_FOUND = OpenApiResponse(_DETAIL, description="No such partnership or object, or not yours: the two look the same.")
_FORBIDDEN = OpenApiResponse(
    _DETAIL,
    description="Second factor not passed or CSRF token missing (session sign-in), or your roles do not allow this.",
)
_FIELD_ERRORS = OpenApiResponse(
    description='Field errors: {"field": ["message", ...]}, with "non_field_errors" for the rest.'
)
_UNAUTHENTICATED = OpenApiResponse(_DETAIL, description="No credentials, or a token or session that is not valid.")
_TOO_LARGE = OpenApiResponse(_DETAIL, description="The request body is over the size limit.")
_NOT_JSON = OpenApiResponse(_DETAIL, description="The request body is not JSON (send Content-Type: application/json).")
_BUSINESS_MANAGERS = MANAGER_ROLES


def _answers(responses: dict, *, scoped: bool = True, takes_body: bool = False) -> dict:
    """An operation's own ``responses`` plus those the base classes give before its handler runs.

    Every endpoint: 401. Under a partnership (``PartnershipScopedAPIView``):
    403 (second factor or roles) and 404 (not a member), whatever the method.
    With a body (``SizeLimitedJSONParser``): 413 and 415.
    """
    # 403 everywhere: a session that owes its second factor is refused on every route (SecondFactorMiddleware).
    base = {401: _UNAUTHENTICATED, 403: _FORBIDDEN}
    if scoped:
        base |= {404: _NOT_FOUND}
    if takes_body:
        base |= {413: _TOO_LARGE, 415: _NOT_JSON}
    if 409 in responses:
        # A versioned change: without updated_at or If-Match it is refused (partnership/api/versions.py).
        base |= {428: _VERSION_REQUIRED}
    # Sorted by status code; a key may also be (status, media type), as for a PDF download.
    return dict(
        sorted((base | responses).items(), key=lambda item: str(item[0][0] if isinstance(item[0], tuple) else item[0]))
    )


_VERSION_REQUIRED = OpenApiResponse(
    description="No version sent: send back the updated_at you read, or If-Match with the ETag. Nothing is saved."
)


def _conflict(what: str) -> OpenApiResponse:
    return OpenApiResponse(
        _DETAIL, description=f"The {what} has changed since the version sent (updated_at or If-Match)."
    )


@extend_schema(tags=["Partnerships"])
class PartnershipListView(ListModelMixin, BaseAPIView):
    """The caller's active partnerships.

    Names and the caller's own roles only. A session that owes its second
    factor is refused here too (403), like everywhere but the sign-in steps.
    """

    serializer_class = PartnershipSummarySerializer

    def get_queryset(self):
        memberships = selectors.memberships_for_person(person=self.request.user)
        token = self.request.auth
        if isinstance(token, ApiToken):
            # A token belongs to one partnership and shows no other.
            memberships = memberships.filter(partnership_id=token.partnership_id)
        return memberships

    @extend_schema(
        summary="Your partnerships", responses=_answers({200: PartnershipSummarySerializer(many=True)}, scoped=False)
    )
    def get(self, request: Request) -> Response:
        return self.list(request)


@extend_schema(tags=["Partnerships"])
class PartnershipDetailView(PartnershipScopedAPIView):
    """A partnership you belong to: its nation, your roles and agency, its statutory partners and closure days."""

    serializer_class = PartnershipDetailSerializer
    model = Partnership

    @extend_schema(
        summary="A partnership: its statutory partners and closure days",
        responses=_answers({200: PartnershipDetailSerializer}),
    )
    def get(self, request: Request, slug: str) -> Response:
        partners = selectors.statutory_partners(partnership=self.partnership)
        data = {
            "slug": self.partnership.slug,
            "name": self.partnership.name,
            "nation": self.partnership.nation,
            "your_roles": sorted(self.membership.role_set),
            "your_agency": self.membership.agency,
            "statutory_partners": [
                {"kind": kind, "agency": partners[kind]} for kind in StatutoryPartner.values if kind in partners
            ],
            "closure_days": selectors.closure_day_list(partnership=self.partnership),
        }
        return Response(PartnershipDetailSerializer(data).data)


@extend_schema(tags=["Agencies"])
class AgencyListView(ListModelMixin, PartnershipScopedAPIView):
    """Any member reads the agencies; business managers add them."""

    serializer_class = AgencySerializer
    model = Agency
    write_roles = _BUSINESS_MANAGERS

    def scoped_queryset(self, partnership: Partnership):
        return selectors.agency_list(partnership=partnership)

    @extend_schema(summary="The partnership's agencies", responses=_answers({200: AgencySerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Add an agency (business managers)",
        request=AgencyCreateSerializer,
        responses=_answers({201: AgencySerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = AgencyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = services.agency_create(partnership=self.partnership, actor=request.user, **serializer.validated_data)
        return Response(AgencySerializer(self.get_queryset().get(pk=agency.pk)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Agencies"])
class AgencyDetailView(PartnershipScopedAPIView):
    """One agency. Any member reads it; business managers change it.

    Send back the ``updated_at`` you read with a change: if someone else has
    changed the agency since, nothing is saved and the answer is 409.
    """

    serializer_class = AgencySerializer
    model = Agency
    write_roles = _BUSINESS_MANAGERS
    lookup_field = "pk"
    lookup_url_kwarg = "agency_id"

    def scoped_queryset(self, partnership: Partnership):
        return selectors.agency_list(partnership=partnership)

    @extend_schema(summary="One agency", responses=_answers({200: AgencySerializer}))
    def get(self, request: Request, slug: str, agency_id: int) -> Response:
        return Response(AgencySerializer(self.get_object()).data)

    @extend_schema(
        summary="Change an agency (business managers)",
        request=AgencyUpdateSerializer,
        responses=_answers({200: AgencySerializer, 400: _FIELD_ERRORS, 409: _conflict("agency")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, agency_id: int) -> Response:
        agency = self.get_object()
        serializer = AgencyUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # A stale updated_at makes the service raise code="stale", answered 409 by the exception handler.
        # Without one, the fields left out come from the read above: check against that read, so that a
        # change saved in between is refused rather than written over with those old values.
        services.agency_update(
            partnership=self.partnership,
            actor=request.user,
            agency=agency,
            name=data.get("name", agency.name),
            agency_type=data.get("agency_type", agency.agency_type),
            statutory_partner=data.get("statutory_partner", agency.statutory_partner),
            is_active=data.get("is_active", agency.is_active),
            expected_updated_at=expected_version(request, data),
        )
        return Response(AgencySerializer(self.get_object()).data)


@extend_schema(tags=["Members"])
class MemberListView(ListModelMixin, PartnershipScopedAPIView):
    """Members with their agency and roles: business managers only."""

    serializer_class = MemberSerializer
    model = Membership
    read_roles = _BUSINESS_MANAGERS
    write_roles = _BUSINESS_MANAGERS

    def scoped_queryset(self, partnership: Partnership):
        return selectors.membership_list(partnership=partnership)

    @extend_schema(
        summary="The partnership's members (business managers)",
        responses=_answers({200: MemberSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)


@extend_schema(tags=["Members"])
class MemberDetailView(PartnershipScopedAPIView):
    """One member: business managers only. A change of agency or roles is checked against the agency's role.

    Send back the ``updated_at`` you read with a change: if someone else has
    changed the member since (their roles included), nothing is saved and the
    answer is 409.
    """

    serializer_class = MemberSerializer
    model = Membership
    read_roles = _BUSINESS_MANAGERS
    write_roles = _BUSINESS_MANAGERS
    lookup_field = "pk"
    lookup_url_kwarg = "membership_id"

    def scoped_queryset(self, partnership: Partnership):
        return selectors.membership_list(partnership=partnership)

    @extend_schema(
        summary="One member (business managers)",
        responses=_answers({200: MemberSerializer}),
    )
    def get(self, request: Request, slug: str, membership_id: int) -> Response:
        return Response(MemberSerializer(self.get_object()).data)

    @extend_schema(
        summary="Change a member's agency, roles or job title (business managers)",
        request=MemberUpdateSerializer,
        responses=_answers({200: MemberSerializer, 400: _FIELD_ERRORS, 409: _conflict("member")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, membership_id: int) -> Response:
        membership = self.get_object()
        serializer = MemberUpdateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # A stale updated_at makes the service raise code="stale", answered 409 by the exception handler.
        # Without one, the fields left out come from the read above: check against that read, so that a
        # change saved in between is refused rather than written over with those old values.
        services.membership_update(
            partnership=self.partnership,
            actor=request.user,
            membership=membership,
            agency=data.get("agency", membership.agency),
            roles=data.get("roles", membership.role_set),
            job_title=data.get("job_title", membership.job_title),
            expected_updated_at=expected_version(request, data),
        )
        return Response(MemberSerializer(self.get_object()).data)


@extend_schema(tags=["Working days"])
class WorkingDaysView(PartnershipScopedAPIView):
    """Add working days to a date, or count them between two dates, on this partnership's calendar.

    Day 0 is the start date; day N is the N-th working day after it (bank
    holidays of the partnership's nation and its closure days do not count).
    """

    serializer_class = WorkingDaysSerializer

    @extend_schema(
        summary="Working days on the partnership's calendar",
        parameters=[WorkingDaysQuerySerializer],
        responses=_answers({200: WorkingDaysSerializer, 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = WorkingDaysQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        start = query.validated_data["start"]
        calendar = selectors.working_day_calendar(partnership=self.partnership)
        if "days" in query.validated_data:
            days = query.validated_data["days"]
            try:
                end = calendar.add_working_days(start, days)
            except ValueError as exc:  # the count runs past the years the bank-holiday data covers
                raise ValidationError({"days": [str(exc)]}) from exc
        else:
            end = query.validated_data["end"]
            days = calendar.working_days_between(start, end)
        data = {
            "start": start,
            "end": end,
            "working_days": days,
            "start_is_working_day": calendar.is_working_day(start),
            "end_is_working_day": calendar.is_working_day(end),
        }
        return Response(WorkingDaysSerializer(data).data)


# Exempt from CSRF: it changes nothing, and without the exemption a POST or PATCH to a malformed
# path (a slug with "=" in it) got Django's HTML "CSRF verification failed" page instead of this 404.
@csrf_exempt
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Anything else under /api/v1/, whatever the method: the API's own 404, not the site's HTML page."""
    # Compact, byte for byte the body DRF gives an unknown object.
    return JsonResponse({"detail": "Not found."}, status=404, json_dumps_params={"separators": (",", ":")})
