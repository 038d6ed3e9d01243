"""API of the challenge log: list and raise challenges, read and change one, answer it, accept, escalate or close
it, and draft recommendations from it.

Leadership and the scrutineer read every challenge, an agency lead their own agency's (another's, like another
partnership's, is a 404). Only the scrutineer raises, changes, accepts, escalates, closes and recommends; only
whoever answers for the addressed agency answers (403 for anyone else). Every change but raising and recommending
names the version it was based on (``updated_at`` or ``If-Match``): 409 when stale, 428 when missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.mixins import ListModelMixin
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from scrutiny.selectors import challenges as selectors
from scrutiny.selectors.challenges import (
    CHALLENGE_PAGE_ROLES,
    CHALLENGE_SCRUTINEER_ROLES,
    LEAD_PARTNER_CHOICES,
    REASON_MAX_LENGTH,
    SUBJECT_LABEL_MAX_LENGTH,
    SUBJECT_PATH_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    State,
)
from scrutiny.services import challenges as services

if TYPE_CHECKING:
    from scrutiny.models import Challenge

TAG = "Scrutiny"
_ID = {"min_value": 1, "max_value": 2**63 - 1}
_VERSION = {"required": False, "help_text": "The version you read (or send If-Match with the ETag)."}


class ChallengeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    agency_id = serializers.IntegerField(read_only=True, help_text="The partner or agency asked.")
    agency = serializers.CharField(source="agency.name", read_only=True)
    subject_path = serializers.CharField(read_only=True, help_text="The page of the record or figure challenged.")
    subject_label = serializers.CharField(read_only=True)
    question = serializers.CharField(read_only=True)
    raised_by_id = serializers.IntegerField(read_only=True, help_text="The scrutineer's membership.")
    raised_on = serializers.DateField(read_only=True)
    due_on = serializers.DateField(read_only=True)
    response = serializers.CharField(read_only=True)
    responded_by_id = serializers.IntegerField(read_only=True, allow_null=True)
    responded_on = serializers.DateField(read_only=True, allow_null=True)
    escalation_reason = serializers.CharField(read_only=True)
    outcome = serializers.CharField(read_only=True)
    closed_on = serializers.DateField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change: if it has changed since, the answer is 409."
    )


class ChallengeListQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=State.choices, required=False, help_text="Only this state.")


class ChallengeCreateSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField(
        help_text="An active agency (or statutory partner) of this partnership.", **_ID
    )
    subject_path = serializers.CharField(
        max_length=SUBJECT_PATH_MAX_LENGTH, help_text="The path of the record's or figure's page: /p/<slug>/..."
    )
    subject_label = serializers.CharField(max_length=SUBJECT_LABEL_MAX_LENGTH)
    question = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    due_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="After today; 15 working days from today if left out."
    )


class ChallengeUpdateSerializer(serializers.Serializer):
    subject_label = serializers.CharField(max_length=SUBJECT_LABEL_MAX_LENGTH)
    question = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    due_on = serializers.DateField()
    updated_at = serializers.DateTimeField(**_VERSION)


class ChallengeRespondSerializer(serializers.Serializer):
    response = serializers.CharField(max_length=TEXT_MAX_LENGTH)
    updated_at = serializers.DateTimeField(**_VERSION)


class ChallengeAcceptSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    updated_at = serializers.DateTimeField(**_VERSION)


class ChallengeEscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text="Why it goes to the partnership board.")
    updated_at = serializers.DateTimeField(**_VERSION)


class ChallengeCloseSerializer(serializers.Serializer):
    outcome = serializers.CharField(max_length=REASON_MAX_LENGTH, help_text="What the challenge concluded.")
    updated_at = serializers.DateTimeField(**_VERSION)


class ChallengeRecommendSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    lead_partner = serializers.ChoiceField(choices=LEAD_PARTNER_CHOICES)
    rationale = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ChallengeRecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    state = serializers.CharField()


class _ChallengeAPIView(PartnershipScopedAPIView):
    read_roles = CHALLENGE_PAGE_ROLES
    write_roles = CHALLENGE_SCRUTINEER_ROLES
    serializer_class = ChallengeSerializer

    def scoped_queryset(self, partnership):
        return selectors.challenges_visible(partnership=partnership, membership=self.membership)

    def challenge(self, challenge_id: int) -> Challenge:
        return selectors.challenge_get(
            partnership=self.partnership, membership=self.membership, challenge_id=challenge_id
        )

    def answer(self, challenge_id: int, *, code: int = status.HTTP_200_OK) -> Response:
        return Response(ChallengeSerializer(self.challenge(challenge_id)).data, status=code)

    def common(self, challenge_id: int) -> dict:
        return {
            "partnership": self.partnership,
            "actor": self.request.user,
            "membership": self.membership,
            "challenge": self.challenge(challenge_id),
        }


@extend_schema(tags=[TAG])
class ChallengeListView(ListModelMixin, _ChallengeAPIView):
    """The challenges the caller may read, newest first; the scrutineer raises one."""

    def scoped_queryset(self, partnership):
        rows = super().scoped_queryset(partnership)
        state = getattr(self, "_state", "")
        return rows.filter(state=state) if state else rows

    @extend_schema(
        summary="Scrutiny challenges",
        parameters=[ChallengeListQuerySerializer],
        responses=_answers({200: ChallengeSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        query = ChallengeListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        self._state = query.validated_data.get("state", "")
        return self.list(request)

    @extend_schema(
        summary="Raise a challenge (the scrutineer)",
        request=ChallengeCreateSerializer,
        responses=_answers({201: ChallengeSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = ChallengeCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = services.challenge_raise(
            partnership=self.partnership, actor=request.user, membership=self.membership, **serializer.validated_data
        )
        return self.answer(challenge.pk, code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class ChallengeDetailView(_ChallengeAPIView):
    """One challenge; the scrutineer rewords an open one or moves its due date."""

    @extend_schema(summary="A scrutiny challenge", responses=_answers({200: ChallengeSerializer}))
    def get(self, request: Request, slug: str, challenge_id: int) -> Response:
        return self.answer(challenge_id)

    @extend_schema(
        summary="Change an open challenge (the scrutineer)",
        request=ChallengeUpdateSerializer,
        responses=_answers(
            {200: ChallengeSerializer, 400: _FIELD_ERRORS, 409: _conflict("challenge")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, challenge_id: int) -> Response:
        common = self.common(challenge_id)  # another partnership's challenge: 404 before the body is read
        serializer = ChallengeUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.challenge_update(**common, expected_updated_at=expected, **data)
        return self.answer(challenge_id)


class _MoveView(_ChallengeAPIView):
    request_serializer: type[serializers.Serializer]

    def move(self, request: Request, challenge_id: int, service) -> Response:
        common = self.common(challenge_id)  # another partnership's challenge: 404 before the body is read
        serializer = self.request_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        service(**common, expected_updated_at=expected, **data)
        return self.answer(challenge_id)


def _move_schema(summary: str, request) -> dict:
    return {
        "tags": [TAG],
        "summary": summary,
        "request": request,
        "responses": _answers(
            {200: ChallengeSerializer, 400: _FIELD_ERRORS, 409: _conflict("challenge")}, takes_body=True
        ),
    }


class ChallengeRespondView(_MoveView):
    """Answer an open challenge: the addressed agency's lead, or the statutory partner's lead (403 for others)."""

    # Any reader may ask; the service lets only whoever answers for the addressed agency answer.
    write_roles = CHALLENGE_PAGE_ROLES
    request_serializer = ChallengeRespondSerializer

    @extend_schema(**_move_schema("Answer a challenge (the addressed agency or partner)", ChallengeRespondSerializer))
    def post(self, request: Request, slug: str, challenge_id: int) -> Response:
        return self.move(request, challenge_id, services.challenge_respond)


class ChallengeAcceptView(_MoveView):
    """Accept the answer to a challenge."""

    request_serializer = ChallengeAcceptSerializer

    @extend_schema(**_move_schema("Accept the answer (the scrutineer)", ChallengeAcceptSerializer))
    def post(self, request: Request, slug: str, challenge_id: int) -> Response:
        return self.move(request, challenge_id, services.challenge_accept)


class ChallengeEscalateView(_MoveView):
    """Escalate an answered challenge to the partnership board, with the reason."""

    request_serializer = ChallengeEscalateSerializer

    @extend_schema(**_move_schema("Escalate to the partnership board (the scrutineer)", ChallengeEscalateSerializer))
    def post(self, request: Request, slug: str, challenge_id: int) -> Response:
        return self.move(request, challenge_id, services.challenge_escalate)


class ChallengeCloseView(_MoveView):
    """Close an accepted or escalated challenge with its outcome."""

    request_serializer = ChallengeCloseSerializer

    @extend_schema(**_move_schema("Close a challenge (the scrutineer)", ChallengeCloseSerializer))
    def post(self, request: Request, slug: str, challenge_id: int) -> Response:
        return self.move(request, challenge_id, services.challenge_close)


class ChallengeRecommendationsView(_ChallengeAPIView):
    """The recommendations a challenge produced; the scrutineer drafts one from an accepted or escalated challenge."""

    pagination_class = None
    serializer_class = ChallengeRecommendationSerializer

    @extend_schema(
        tags=[TAG],
        summary="Recommendations made from a challenge",
        responses=_answers({200: ChallengeRecommendationSerializer(many=True)}),
    )
    def get(self, request: Request, slug: str, challenge_id: int) -> Response:
        rows = selectors.challenge_recommendations(partnership=self.partnership, challenge=self.challenge(challenge_id))
        return Response(ChallengeRecommendationSerializer(rows, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Draft a recommendation from a challenge (the scrutineer)",
        request=ChallengeRecommendSerializer,
        responses=_answers({201: ChallengeRecommendationSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, challenge_id: int) -> Response:
        common = self.common(challenge_id)  # another partnership's challenge: 404 before the body is read
        serializer = ChallengeRecommendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recommendation = services.challenge_recommend(**common, **serializer.validated_data)
        return Response(ChallengeRecommendationSerializer(recommendation).data, status=status.HTTP_201_CREATED)
