"""Sign-off of any subject over the API: what the sign-off page (``partnership.views.signoff``) shows and takes.

The same readers as the page (business managers, partner leads, the
scrutineer: the comments can carry case detail) and the same services: a
partner lead approves or sends back for their own partner, in the round they
read (``round``: a decision made on a stale read is refused, 409). A subject whose
own workflow moves on with its sign-off (a rapid review's decision) is decided
on that workflow's endpoint instead, as the page sends people to the subject's
page; here it is refused with a 400 that says where.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.serializers import PersonSummarySerializer
from partnership.api.views import _answers
from partnership.models import Partnership, SignOff, SignOffAction
from partnership.selectors.signoff import (
    SignOffPanel,
    sign_off_all,
    sign_off_get,
    sign_off_history,
    sign_off_panel,
    sign_off_readable,
)
from partnership.services.signoff import COMMENT_MAX_LENGTH, sign_off_approve, sign_off_send_back

_STALE = OpenApiResponse(description="The sign-off has moved to another round since the one you read.")
_REFUSED = OpenApiResponse(
    description=(
        'Refused, with the reason: {"partner": [...]} when you may not decide for that approver, {"comment": [...]}, '
        'or {"non_field_errors": [...]} when it is not awaiting decisions (or its subject refuses the decision).'
    )
)


class SignOffActionSerializer(serializers.Serializer):
    round = serializers.IntegerField(read_only=True)
    partner = serializers.CharField(
        read_only=True,
        help_text="The approver decided for (for the three statutory partners: local_authority, health, police); "
        "empty for the request.",
    )
    action = serializers.ChoiceField(choices=SignOffAction.Action.choices, read_only=True)
    actor = PersonSummarySerializer(read_only=True, allow_null=True)
    comment = serializers.CharField(read_only=True)
    at = serializers.DateTimeField(read_only=True)


class PartnerDecisionSerializer(serializers.Serializer):
    partner = serializers.CharField(read_only=True, help_text="The approver's key: send it as `partner` to decide.")
    label = serializers.CharField(read_only=True, help_text='Who this approver is, e.g. "Health".')
    decision = SignOffActionSerializer(read_only=True, allow_null=True, help_text="Null: not decided this round.")
    you_may_decide = serializers.BooleanField(read_only=True)


class SignOffDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    subject_type = serializers.CharField(
        read_only=True, help_text='What is signed off, e.g. "reviews.rapidreviewdecision".'
    )
    subject_id = serializers.IntegerField(read_only=True)
    state = serializers.ChoiceField(choices=SignOff.State.choices, read_only=True)
    round = serializers.IntegerField(read_only=True, help_text="Send it back with your decision.")
    completed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    partners = PartnerDecisionSerializer(many=True, read_only=True)
    history = SignOffActionSerializer(many=True, read_only=True, help_text="Every round, oldest first.")


class SignOffDecisionInputSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, help_text="The round you read.")
    partner = serializers.CharField(
        max_length=60,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The approver you decide for; needed only when you may decide for more than one.",
    )


class SignOffSendBackInputSerializer(SignOffDecisionInputSerializer):
    comment = serializers.CharField(max_length=COMMENT_MAX_LENGTH, help_text="Why it is sent back: what has to change.")


class _SignOffAPIView(PartnershipScopedAPIView):
    serializer_class = SignOffDetailSerializer
    model = SignOff
    # Any member may ask; sign_off_readable decides (it also admits approvers named by person or role).
    read_roles = frozenset()
    write_roles = frozenset()
    lookup_url_kwarg = "sign_off_id"

    def scoped_queryset(self, partnership: Partnership):
        return sign_off_all(partnership=partnership)

    def sign_off(self) -> SignOff:
        sign_off = sign_off_get(partnership=self.partnership, sign_off_id=self.kwargs["sign_off_id"])
        if not sign_off_readable(sign_off=sign_off, membership=self.membership):
            raise PermissionDenied("Your roles in this partnership do not allow this.")
        return sign_off

    def answer(self) -> Response:
        sign_off = self.sign_off()
        panel: SignOffPanel = sign_off_panel(sign_off=sign_off, membership=self.membership)
        decidable = {approver.key for approver in panel.decidable_partners}
        data = {
            "id": sign_off.pk,
            "subject_type": f"{sign_off.subject_type.app_label}.{sign_off.subject_type.model}",
            "subject_id": sign_off.subject_id,
            "state": sign_off.state,
            "round": sign_off.round,
            "completed_at": sign_off.completed_at,
            "partners": [
                {
                    "partner": approver.key,
                    "label": approver.label,
                    "decision": action,
                    "you_may_decide": approver.key in decidable,
                }
                for approver, action in panel.summary
            ],
            "history": list(sign_off_history(sign_off=sign_off)),
        }
        return Response(SignOffDetailSerializer(data).data)

    def decide(self, request: Request, serializer_class, service) -> Response:
        """Validate the decision posted, record it with ``service`` (approve or send back), answer the sign-off."""
        sign_off = self.decidable_sign_off()
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        service(
            partnership=self.partnership,
            membership=self.membership,
            sign_off=sign_off,
            partner=data.pop("partner", None) or None,
            expected_round=data.pop("round"),
            **data,  # the send-back's comment
        )
        return self.answer()

    def decidable_sign_off(self) -> SignOff:
        # Deciding here moves the subject's own workflow too, through its declared hook, as on any page.
        sign_off = self.sign_off()
        if not any(approver.admits(self.membership) for approver in sign_off.approver_set):
            raise PermissionDenied("You are not one of this sign-off's approvers.")
        return sign_off


@extend_schema(tags=["Sign-off"])
class SignOffDetailView(_SignOffAPIView):
    """A sign-off: its state and round, each partner's decision this round, and its whole history."""

    @extend_schema(summary="A sign-off", responses=_answers({200: SignOffDetailSerializer}))
    def get(self, request: Request, slug: str, sign_off_id: int) -> Response:
        return self.answer()


@extend_schema(tags=["Sign-off"])
class SignOffApproveView(_SignOffAPIView):
    """Approve for your place in the approver set. The last approval completes the sign-off."""

    @extend_schema(
        summary="Approve (approvers)",
        request=SignOffDecisionInputSerializer,
        responses=_answers({200: SignOffDetailSerializer, 400: _REFUSED, 409: _STALE}, takes_body=True),
    )
    def post(self, request: Request, slug: str, sign_off_id: int) -> Response:
        return self.decide(request, SignOffDecisionInputSerializer, sign_off_approve)


@extend_schema(tags=["Sign-off"])
class SignOffSendBackView(_SignOffAPIView):
    """Send it back with a comment (approvers): that ends the round."""

    @extend_schema(
        summary="Send back (approvers)",
        request=SignOffSendBackInputSerializer,
        responses=_answers({200: SignOffDetailSerializer, 400: _REFUSED, 409: _STALE}, takes_body=True),
    )
    def post(self, request: Request, slug: str, sign_off_id: int) -> Response:
        return self.decide(request, SignOffSendBackInputSerializer, sign_off_send_back)
