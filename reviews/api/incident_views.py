"""Incident and rapid review endpoints under /api/v1/partnerships/<slug>/.

Readers: business managers, partner leads and the independent scrutineer;
writers: business managers. A child's identity appears only in an incident's
detail and a child's, only for business managers and partner leads, and each
answer that carries it writes an IdentityView row first. Business managers
correct a child's identity and add children (four at most).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.models import MANAGER_ROLES, Partnership
from partnership.selectors import working_day_calendar
from reviews.api.incident_serializers import (
    ChildDetailSerializer,
    ChildInputSerializer,
    ChildUpdateSerializer,
    IncidentCreateSerializer,
    IncidentSerializer,
    IncidentUpdateSerializer,
    RapidReviewDetailSerializer,
    RapidReviewSerializer,
    child_detail_row,
)
from reviews.models import Child, IdentityView, RapidReview, SeriousIncident
from reviews.selectors.identity_log import IDENTITY_LOG_READER_ROLES, identity_log_entries
from reviews.selectors.incidents import child_get, children_pseudonyms, incident_get, incident_list
from reviews.selectors.rapid_review import (
    RAPID_REVIEW_READ_ROLES,
    rapid_review_deadlines,
    rapid_review_list,
    rapid_review_timeline,
)
from reviews.selectors.requests import information_request_list
from reviews.services.incidents import (
    KEEP,
    child_add,
    child_identity_reveal,
    child_identity_update,
    incident_record,
    incident_update,
)

_MANAGERS = MANAGER_ROLES


@extend_schema(tags=["Serious incidents"])
class IncidentListView(ListModelMixin, PartnershipScopedAPIView):
    """Serious incident notifications, newest first; children by pseudonym only. Business managers record them."""

    serializer_class = IncidentSerializer
    model = SeriousIncident
    read_roles = RAPID_REVIEW_READ_ROLES
    write_roles = _MANAGERS

    def scoped_queryset(self, partnership: Partnership):
        return incident_list(partnership=partnership)

    @extend_schema(summary="Serious incidents", responses=_answers({200: IncidentSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)

    @extend_schema(
        summary="Record a serious incident and open its rapid review (business managers)",
        request=IncidentCreateSerializer,
        responses=_answers({201: IncidentSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = IncidentCreateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        incident = incident_record(
            partnership=self.partnership,
            actor=request.user,
            reference=data.get("reference") or None,
            incident_on=data["incident_on"],
            la_aware_on=data["la_aware_on"],
            panel_notified_on=data["panel_notified_on"],
            outcome=data["outcome"],
            child_looked_after=data["child_looked_after"],
            summary=data["summary"],
            referring_agency=data["referring_agency"],
            agencies=data["agencies"],
            children=[dict(c) for c in data["children"]],
        )
        # The answer carries pseudonyms only: the caller has just sent the identities.
        return Response(
            IncidentSerializer(self.get_queryset().get(pk=incident.pk)).data, status=status.HTTP_201_CREATED
        )


@extend_schema(tags=["Serious incidents"])
class IncidentDetailView(PartnershipScopedAPIView):
    """One incident. Business managers and partner leads also get each child's identity (and the view is logged).

    Send back the ``updated_at`` you read with a change: if someone else has
    changed the incident since, nothing is saved and the answer is 409.
    """

    serializer_class = IncidentSerializer
    model = SeriousIncident
    read_roles = RAPID_REVIEW_READ_ROLES
    write_roles = _MANAGERS
    lookup_field = "pk"
    lookup_url_kwarg = "incident_id"

    def scoped_queryset(self, partnership: Partnership):
        return incident_list(partnership=partnership)

    def _answer(self, incident: SeriousIncident) -> Response:
        identities = child_identity_reveal(
            partnership=self.partnership,
            viewer_membership=self.membership,
            incident=incident,
            context=f"API: incident {incident.reference}",
        )
        return Response(IncidentSerializer(incident, context={"identities": identities}).data)

    @extend_schema(summary="One serious incident", responses=_answers({200: IncidentSerializer}))
    def get(self, request: Request, slug: str, incident_id: int) -> Response:
        return self._answer(self.get_object())

    @extend_schema(
        summary="Change a serious incident (business managers)",
        request=IncidentUpdateSerializer,
        responses=_answers({200: IncidentSerializer, 400: _FIELD_ERRORS, 409: _conflict("incident")}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, incident_id: int) -> Response:
        incident = self.get_object()
        serializer = IncidentUpdateSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # A stale updated_at makes the service raise code="stale", answered 409 by the exception handler.
        # Without one, the fields left out come from the read above: check against that read.
        incident_update(
            partnership=self.partnership,
            actor=request.user,
            incident=incident,
            reference=data.get("reference", incident.reference),
            incident_on=data.get("incident_on", incident.incident_on),
            la_aware_on=data.get("la_aware_on", incident.la_aware_on),
            panel_notified_on=data.get("panel_notified_on", incident.panel_notified_on),
            outcome=data.get("outcome", incident.outcome),
            child_looked_after=data.get("child_looked_after", incident.child_looked_after),
            summary=data.get("summary", incident.summary),
            referring_agency=data.get("referring_agency", incident.referring_agency),
            agencies=data.get("agencies", list(incident.agencies.all())),
            expected_updated_at=expected_version(request, data),
        )
        return self._answer(self.get_object())


class _IncidentChildAPIView(PartnershipScopedAPIView):
    """A child of the incident in the URL: the incident and the child are looked up before the body is read."""

    model = Child
    read_roles = RAPID_REVIEW_READ_ROLES
    write_roles = _MANAGERS
    lookup_field = "pk"
    lookup_url_kwarg = "child_id"

    def scoped_queryset(self, partnership: Partnership):
        return children_pseudonyms(partnership=partnership).filter(incident_id=self.kwargs["incident_id"])

    def incident(self) -> SeriousIncident:
        return incident_get(partnership=self.partnership, incident_id=self.kwargs["incident_id"])


@extend_schema(tags=["Serious incidents"])
class IncidentChildListView(_IncidentChildAPIView):
    """Add a child to a recorded incident (business managers): the next pseudonym, four children at most."""

    serializer_class = ChildDetailSerializer

    @extend_schema(
        summary="Add a child to a serious incident (business managers)",
        description="The answer carries the pseudonym only: the caller has just sent the identity. "
        "A fifth child is refused (400, non_field_errors).",
        request=ChildInputSerializer,
        responses=_answers({201: ChildDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, incident_id: int) -> Response:
        incident = self.incident()
        serializer = ChildInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        child = child_add(
            partnership=self.partnership,
            actor=request.user,
            incident=incident,
            name=data["name"],
            date_of_birth=data.get("date_of_birth"),
            address=data.get("address", ""),
        )
        saved = child_get(partnership=self.partnership, incident=incident, child_id=child.pk)
        return Response(child_detail_row(saved), status=status.HTTP_201_CREATED)


@extend_schema(tags=["Serious incidents"])
class IncidentChildDetailView(_IncidentChildAPIView):
    """One child. Business managers and partner leads also get the identity (and the view is logged).

    Business managers correct it. Send back the ``updated_at`` you read with a
    correction: if someone else has corrected the identity since, nothing is
    saved and the answer is 409.
    """

    serializer_class = ChildDetailSerializer

    def _answer(self, incident: SeriousIncident, child: Child) -> Response:
        identities = child_identity_reveal(
            partnership=self.partnership,
            viewer_membership=self.membership,
            child=child,
            context=f"API: {child.pseudonym} of incident {incident.reference}",
        )
        return Response(child_detail_row(child, identities[0] if identities else None))

    def _child(self) -> tuple[SeriousIncident, Child]:
        incident = self.incident()
        return incident, child_get(partnership=self.partnership, incident=incident, child_id=self.kwargs["child_id"])

    @extend_schema(summary="One child of a serious incident", responses=_answers({200: ChildDetailSerializer}))
    def get(self, request: Request, slug: str, incident_id: int, child_id: int) -> Response:
        return self._answer(*self._child())

    @extend_schema(
        summary="Correct a child's identity (business managers)",
        request=ChildUpdateSerializer,
        responses=_answers(
            {200: ChildDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("child's identity")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, incident_id: int, child_id: int) -> Response:
        incident, child = self._child()
        serializer = ChildUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        # What is left out keeps its value (KEEP); a stale updated_at is answered 409 by the exception handler.
        child_identity_update(
            partnership=self.partnership,
            actor=request.user,
            child=child,
            name=data.get("name", KEEP),
            date_of_birth=data.get("date_of_birth", KEEP),
            address=data.get("address", KEEP),
            expected_updated_at=expected_version(request, data),
        )
        return self._answer(incident, child_get(partnership=self.partnership, incident=incident, child_id=child.pk))


def _review_context(partnership: Partnership) -> dict:
    return {"calendar": working_day_calendar(partnership=partnership), "today": timezone.localdate()}


@extend_schema(tags=["Rapid reviews"])
class RapidReviewListView(ListModelMixin, PartnershipScopedAPIView):
    """Rapid reviews with their milestone dates and working days left, newest notification first."""

    serializer_class = RapidReviewSerializer
    model = RapidReview
    read_roles = RAPID_REVIEW_READ_ROLES

    def scoped_queryset(self, partnership: Partnership):
        return rapid_review_list(partnership=partnership)

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), **_review_context(self.partnership)}

    @extend_schema(summary="Rapid reviews", responses=_answers({200: RapidReviewSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)


@extend_schema(tags=["Rapid reviews"])
class RapidReviewDetailView(PartnershipScopedAPIView):
    """One rapid review: milestones, the timeline (done, overdue, working days left) and request counts."""

    serializer_class = RapidReviewDetailSerializer
    model = RapidReview
    read_roles = RAPID_REVIEW_READ_ROLES
    lookup_field = "pk"
    lookup_url_kwarg = "rapid_review_id"

    def scoped_queryset(self, partnership: Partnership):
        return rapid_review_list(partnership=partnership)

    @extend_schema(summary="One rapid review", responses=_answers({200: RapidReviewDetailSerializer}))
    def get(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        review = self.get_object()
        context = _review_context(self.partnership)
        context["timeline"] = rapid_review_timeline(
            rapid_review=review,
            calendar=context["calendar"],
            today=context["today"],
            deadlines=rapid_review_deadlines(partnership=self.partnership, rapid_review=review),
            requests=list(information_request_list(partnership=self.partnership, rapid_review=review)),
        )
        return Response(RapidReviewDetailSerializer(review, context=context).data)


class IdentityLogEntrySerializer(serializers.Serializer):
    seen_at = serializers.DateTimeField(read_only=True)
    viewer_name = serializers.CharField(read_only=True)
    viewer_email = serializers.EmailField(read_only=True)
    reference = serializers.CharField(read_only=True, allow_null=True, help_text="The incident's reference.")
    child_pseudonym = serializers.CharField(
        read_only=True, help_text="Empty for a download of the identified template: every child is in it."
    )
    place = serializers.CharField(read_only=True, help_text="Where the identities were shown.")
    version_number = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The downloaded version; null for a view."
    )


@extend_schema(tags=["Serious incidents"])
class IdentityLogView(ListModelMixin, PartnershipScopedAPIView):
    """Every time children's identities were shown (on a page, through the API, in a PDF), newest first:
    business managers and the scrutineer. Pseudonyms and references only."""

    serializer_class = IdentityLogEntrySerializer
    model = IdentityView
    read_roles = IDENTITY_LOG_READER_ROLES

    def scoped_queryset(self, partnership: Partnership):
        return identity_log_entries(partnership=partnership)

    @extend_schema(
        summary="Who saw children's identities (business managers, the scrutineer)",
        responses=_answers({200: IdentityLogEntrySerializer(many=True)}),
    )
    def get(self, request: Request, slug: str) -> Response:
        return self.list(request)
