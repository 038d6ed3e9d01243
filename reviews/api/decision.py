"""API of the rapid review meeting, decision, partners' sign-off, Panel submission and timeliness.

The same permissions and tenancy as the pages: business managers, partner
leads and the scrutineer read; business managers write the meeting, the
decision and the Panel submission; each partner lead approves or sends back
for their own partner. A rapid review of another partnership is a 404.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.documents import (
    DocumentSerializer,
    DocumentVersionSerializer,
    document_version_data,
    documents_data,
)
from partnership.api.versions import expected_version, optional_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from partnership.models import MANAGER_ROLES, PARTNER_LEAD_ROLES, Partnership
from partnership.selectors.documents import documents_for_subject
from reviews.api.decision_serializers import (
    AttendeeInputSerializer,
    AttendeeSerializer,
    DecisionInputSerializer,
    DecisionStatusSerializer,
    MeetingDateInputSerializer,
    MeetingSerializer,
    QuarterTimelinessSerializer,
    SendBackInputSerializer,
    SentToPanelInputSerializer,
    SignOffInputSerializer,
    TimelinessQuerySerializer,
)
from reviews.models import MeetingAttendee, RapidReview, RapidReviewDecision
from reviews.selectors.decision import (
    decision_overview,
    meeting_attendee_get,
    meeting_attendee_list,
    rapid_review_decision_or_none,
    rapid_review_get_for_decision,
)
from reviews.selectors.incidents import identity_viewer_allowed
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES, rapid_review_list
from reviews.selectors.timeliness import TIMELINESS_READER_ROLES, rapid_review_timeliness
from reviews.services.decision import (
    rapid_review_decision_approve,
    rapid_review_decision_record,
    rapid_review_decision_send_back,
    rapid_review_send_to_panel,
)
from reviews.services.rapid_review_document import rapid_review_template_render_request
from reviews.services.rapid_review_meeting import (
    meeting_attendee_add,
    meeting_attendee_remove,
    rapid_review_meeting_set,
)

READERS = RAPID_REVIEW_READ_ROLES
MANAGERS = MANAGER_ROLES
PARTNER_LEADS = frozenset(PARTNER_LEAD_ROLES)
TIMELINESS_READERS = TIMELINESS_READER_ROLES

_REFUSED = OpenApiResponse(
    description=(
        'Field errors {"field": ["message"]}, or {"non_field_errors": [...]} when the review is in the wrong '
        "state for this (for example the meeting is not quorate, or the decision is not awaiting sign-off)."
    )
)
_WRONG_PARTNER = OpenApiResponse(
    description=(
        'Refused, with the reason: {"partner": ["Only the police partner lead can sign off for the police."]} '
        'when you are not that partner\'s lead, or {"non_field_errors": [...]} when you have already decided '
        "this round or the decision is not awaiting sign-off."
    )
)


class _RapidReviewAPIView(PartnershipScopedAPIView):
    read_roles = READERS
    write_roles = MANAGERS
    # get_object (DRF's OPTIONS answer uses it for PUT) finds the review of the URL among this partnership's.
    lookup_field = "pk"
    lookup_url_kwarg = "rapid_review_id"

    def scoped_queryset(self, partnership: Partnership):
        return rapid_review_list(partnership=partnership)

    def rapid_review(self) -> RapidReview:
        return rapid_review_get_for_decision(
            partnership=self.partnership, rapid_review_id=self.kwargs["rapid_review_id"]
        )

    def status_data(self, rapid_review: RapidReview) -> dict:
        overview = decision_overview(
            partnership=self.partnership, rapid_review=rapid_review, membership=self.membership
        )
        return {
            "rapid_review_id": rapid_review.pk,
            "state": rapid_review.state,
            "meeting_on": rapid_review.meeting_on,
            "quorate": overview.quorate,
            "missing_partners": overview.missing_partners,
            "quorum_message": overview.quorum_message,
            "decision": overview.decision,
            "sign_off": overview.sign_off,
            "partners": overview.partners,
            "sign_off_history": overview.history,
            "panel_submission_due_on": rapid_review.panel_submission_due_on,
            "sent_to_panel_on": rapid_review.sent_to_panel_on,
            "working_days_taken": rapid_review.working_days_taken,
            "delay_reason": rapid_review.delay_reason,
        }

    def status_response(self, *, code: int = status.HTTP_200_OK) -> Response:
        # Read again: the service has moved the state, the sign-off and the decision on.
        return Response(DecisionStatusSerializer(self.status_data(self.rapid_review())).data, status=code)


# --- The meeting ----------------------------------------------------------------------------------


@extend_schema(tags=["Rapid review decisions"])
class MeetingView(_RapidReviewAPIView):
    """The meeting: its date, the window it should fall in, the attendees and whether it is quorate."""

    serializer_class = MeetingSerializer
    model = RapidReview

    def meeting_data(self, rapid_review: RapidReview) -> dict:
        overview = decision_overview(partnership=self.partnership, rapid_review=rapid_review)
        return {
            "rapid_review_id": rapid_review.pk,
            "state": rapid_review.state,
            "meeting_on": rapid_review.meeting_on,
            "meeting_window_opens_on": rapid_review.meeting_window_opens_on,
            "meeting_window_closes_on": rapid_review.meeting_window_closes_on,
            "window_warning": overview.window_warning,
            "quorate": overview.quorate,
            "missing_partners": overview.missing_partners,
            "quorum_message": overview.quorum_message,
            "attendees": overview.attendees,
            "updated_at": rapid_review.updated_at,
        }

    @extend_schema(summary="A rapid review's meeting", responses=_answers({200: MeetingSerializer}))
    def get(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        return Response(MeetingSerializer(self.meeting_data(self.rapid_review())).data)

    @extend_schema(
        summary="Set the meeting date (business managers)",
        description="A date outside working days 7 to 13 is kept: window_warning says so.",
        request=MeetingDateInputSerializer,
        responses=_answers({200: MeetingSerializer, 400: _REFUSED, 409: _conflict("rapid review")}, takes_body=True),
    )
    def put(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        rapid_review = self.rapid_review()
        serializer = MeetingDateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rapid_review_meeting_set(
            partnership=self.partnership,
            actor=request.user,
            rapid_review=rapid_review,
            meeting_on=serializer.validated_data["meeting_on"],
            expected_updated_at=expected_version(request, serializer.validated_data),
        )
        return Response(MeetingSerializer(self.meeting_data(self.rapid_review())).data)


@extend_schema(tags=["Rapid review decisions"])
class AttendeeListView(_RapidReviewAPIView):
    """Who attended the meeting, for which statutory partner. Business managers add them."""

    serializer_class = AttendeeSerializer
    model = MeetingAttendee
    pagination_class = None  # a meeting has tens of attendees at most

    def scoped_queryset(self, partnership: Partnership):
        return meeting_attendee_list(partnership=partnership, rapid_review=self.rapid_review())

    @extend_schema(summary="The meeting's attendees", responses=_answers({200: AttendeeSerializer(many=True)}))
    def get(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        return Response(AttendeeSerializer(self.get_queryset(), many=True).data)

    @extend_schema(
        summary="Add an attendee (business managers)",
        request=AttendeeInputSerializer,
        responses=_answers({201: AttendeeSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        rapid_review = self.rapid_review()
        serializer = AttendeeInputSerializer(data=request.data, context={"partnership": self.partnership})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        attendee = meeting_attendee_add(
            partnership=self.partnership,
            actor=request.user,
            rapid_review=rapid_review,
            member=data.get("member"),
            name=data.get("name", ""),
            job_title=data.get("job_title", ""),
            agency=data.get("agency"),
            represents=data.get("represents"),
        )
        saved = meeting_attendee_get(partnership=self.partnership, rapid_review=rapid_review, attendee_id=attendee.pk)
        return Response(AttendeeSerializer(saved).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["Rapid review decisions"])
class AttendeeDetailView(_RapidReviewAPIView):
    serializer_class = AttendeeSerializer
    model = MeetingAttendee
    lookup_url_kwarg = "attendee_id"

    def scoped_queryset(self, partnership: Partnership):
        return meeting_attendee_list(partnership=partnership, rapid_review=self.rapid_review())

    def attendee(self) -> tuple[RapidReview, MeetingAttendee]:
        rapid_review = self.rapid_review()
        attendee = meeting_attendee_get(
            partnership=self.partnership, rapid_review=rapid_review, attendee_id=self.kwargs["attendee_id"]
        )
        return rapid_review, attendee

    @extend_schema(summary="One attendee", responses=_answers({200: AttendeeSerializer}))
    def get(self, request: Request, slug: str, rapid_review_id: int, attendee_id: int) -> Response:
        return Response(AttendeeSerializer(self.attendee()[1]).data)

    @extend_schema(
        summary="Remove an attendee (business managers)",
        description="Refused once the decision has gone for sign-off.",
        responses=_answers({204: None, 400: _REFUSED}),
    )
    def delete(self, request: Request, slug: str, rapid_review_id: int, attendee_id: int) -> Response:
        rapid_review, attendee = self.attendee()
        meeting_attendee_remove(
            partnership=self.partnership, actor=request.user, rapid_review=rapid_review, attendee=attendee
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The decision, its sign-off and the Panel ----------------------------------------------------


@extend_schema(tags=["Rapid review decisions"])
class DecisionView(_RapidReviewAPIView):
    """The meeting's decision with quorum, sign-off and Panel submission.

    PUT records the decision (or records it again after a send-back) and asks
    the three partner leads to sign it off. Send back the decision's
    ``updated_at`` you read: if someone else changed it since, nothing is
    saved and the answer is 409.
    """

    serializer_class = DecisionStatusSerializer
    model = RapidReviewDecision

    @extend_schema(summary="A rapid review's decision", responses=_answers({200: DecisionStatusSerializer}))
    def get(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        return Response(DecisionStatusSerializer(self.status_data(self.rapid_review())).data)

    @extend_schema(
        summary="Record the decision and ask for sign-off (business managers)",
        description=(
            "Refused (400) when the meeting is not quorate (the message names the missing partners), has no date "
            "or is still to come, or when the decision is awaiting sign-off or signed off."
        ),
        request=DecisionInputSerializer,
        responses=_answers(
            {200: DecisionStatusSerializer, 201: DecisionStatusSerializer, 400: _REFUSED, 409: _conflict("decision")},
            takes_body=True,
        ),
    )
    def put(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        rapid_review = self.rapid_review()
        existed = rapid_review_decision_or_none(rapid_review=rapid_review) is not None
        serializer = DecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # The first decision has no version to be based on: without one, the call may only create (a decision
        # recorded by someone else meanwhile is refused, 409), never overwrite.
        expected = optional_version(request, data)
        data.pop("updated_at", None)
        rapid_review_decision_record(
            partnership=self.partnership,
            actor=request.user,
            rapid_review=rapid_review,
            expected_updated_at=expected,
            expect_new=expected is None,
            **data,
        )
        return self.status_response(code=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


@extend_schema(tags=["Rapid review decisions"])
class DecisionApproveView(_RapidReviewAPIView):
    """A partner lead approves the decision for their own partner."""

    serializer_class = DecisionStatusSerializer
    model = RapidReviewDecision
    write_roles = PARTNER_LEADS

    @extend_schema(
        summary="Approve the decision (partner leads)",
        request=SignOffInputSerializer,
        responses=_answers({200: DecisionStatusSerializer, 400: _WRONG_PARTNER}, takes_body=True),
    )
    def post(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        rapid_review = self.rapid_review()
        serializer = SignOffInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rapid_review_decision_approve(
            partnership=self.partnership,
            membership=self.membership,
            rapid_review=rapid_review,
            partner=serializer.validated_data.get("partner"),
        )
        return self.status_response()


@extend_schema(tags=["Rapid review decisions"])
class DecisionSendBackView(_RapidReviewAPIView):
    """A partner lead sends the decision back with a comment; the business manager can then change it."""

    serializer_class = DecisionStatusSerializer
    model = RapidReviewDecision
    write_roles = PARTNER_LEADS

    @extend_schema(
        summary="Send the decision back (partner leads)",
        request=SendBackInputSerializer,
        responses=_answers({200: DecisionStatusSerializer, 400: _WRONG_PARTNER}, takes_body=True),
    )
    def post(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        rapid_review = self.rapid_review()
        serializer = SendBackInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rapid_review_decision_send_back(
            partnership=self.partnership,
            membership=self.membership,
            rapid_review=rapid_review,
            comment=serializer.validated_data["comment"],
            partner=serializer.validated_data.get("partner"),
        )
        return self.status_response()


@extend_schema(tags=["Rapid review decisions"])
class SentToPanelView(_RapidReviewAPIView):
    """Mark the signed-off template as sent to the national Panel; every agency involved is told the outcome."""

    serializer_class = DecisionStatusSerializer
    model = RapidReview

    @extend_schema(
        summary="Mark as sent to the national Panel (business managers)",
        description=(
            "The date cannot be before the sign-off was completed nor in the future; a reason for the delay is "
            "required beyond 15 working days after the notification."
        ),
        request=SentToPanelInputSerializer,
        responses=_answers({200: DecisionStatusSerializer, 400: _REFUSED}, takes_body=True),
    )
    def post(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        rapid_review = self.rapid_review()
        serializer = SentToPanelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rapid_review_send_to_panel(
            partnership=self.partnership, actor=request.user, rapid_review=rapid_review, **serializer.validated_data
        )
        return self.status_response()


# --- Timeliness -----------------------------------------------------------------------------------


@extend_schema(tags=["Rapid review decisions"])
class TimelinessView(PartnershipScopedAPIView):
    """Timeliness per quarter of notification: completed, share within 15 working days, median, delays."""

    serializer_class = QuarterTimelinessSerializer
    model = RapidReview
    read_roles = TIMELINESS_READERS
    pagination_class = None  # a few quarters a year

    @extend_schema(
        summary="Rapid review timeliness (business managers, scrutineer)",
        parameters=[TimelinessQuerySerializer],
        responses=_answers({200: QuarterTimelinessSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = TimelinessQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        quarters = rapid_review_timeliness(
            partnership=self.partnership, today=timezone.localdate(), year=query.validated_data.get("year")
        )
        rows = [
            {**asdict(q), "label": q.label, "share_on_time": q.share_on_time, "completed_on_time": q.on_time}
            for q in quarters
        ]
        return Response(QuarterTimelinessSerializer(rows, many=True).data)


# --- The Rapid Review Template's PDF and the review's documents --------------------------------------------


class TemplatePdfInputSerializer(serializers.Serializer):
    identified = serializers.BooleanField(
        required=False,
        default=False,
        help_text=(
            "The version for the national Panel, with the children's identities (business managers and partner "
            "leads only; each child's reveal is logged)."
        ),
    )


@extend_schema(tags=["Rapid review decisions"])
class TemplatePdfView(_RapidReviewAPIView):
    """A PDF of the Rapid Review Template as it is now; the same content is one version."""

    serializer_class = DocumentVersionSerializer
    write_roles = READERS  # as the page: whoever reads the review may ask for its template

    @extend_schema(
        summary="Ask for the rapid review template's PDF",
        request=TemplatePdfInputSerializer,
        responses=_answers(
            {
                202: OpenApiResponse(
                    DocumentVersionSerializer, description="The version asked for: poll its status_url."
                ),
                400: _FIELD_ERRORS,
            },
            takes_body=True,
        ),
    )
    def post(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        rapid_review = self.rapid_review()
        serializer = TemplatePdfInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identified = serializer.validated_data["identified"]
        if identified and not identity_viewer_allowed(membership=self.membership):
            raise PermissionDenied("Only business managers and partner leads may have the identified version.")
        version = rapid_review_template_render_request(
            partnership=self.partnership, membership=self.membership, rapid_review=rapid_review, identified=identified
        )
        return Response(document_version_data(version, partnership=self.partnership), status=status.HTTP_202_ACCEPTED)


@extend_schema(tags=["Rapid review decisions"])
class RapidReviewDocumentListView(_RapidReviewAPIView):
    """The review's documents you may open (its templates), each with its newest version and status."""

    serializer_class = DocumentSerializer
    # A review has a handful of documents: all of them, at once.
    pagination_class = None

    @extend_schema(summary="A rapid review's documents", responses=_answers({200: DocumentSerializer(many=True)}))
    def get(self, request: Request, slug: str, rapid_review_id: int) -> Response:
        documents = documents_for_subject(
            partnership=self.partnership, subject=self.rapid_review(), membership=self.membership
        )
        return Response(documents_data(documents, partnership=self.partnership))
