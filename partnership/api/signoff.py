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
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.serializers import PersonSummarySerializer
from partnership.api.views import _answers
from partnership.models import Partnership, Role, SignOff, SignOffAction, StatutoryPartner
from partnership.selectors.signoff import SignOffPanel, sign_off_get, sign_off_history, sign_off_panel
from partnership.services.signoff import COMMENT_MAX_LENGTH, sign_off_approve, sign_off_send_back

SIGN_OFF_READERS = frozenset(
    {
        Role.BUSINESS_MANAGER,
        Role.PARTNER_LEAD_LOCAL_AUTHORITY,
        Role.PARTNER_LEAD_HEALTH,
        Role.PARTNER_LEAD_POLICE,
        Role.SCRUTINEER,
    }
)
PARTNER_LEADS = frozenset({Role.PARTNER_LEAD_LOCAL_AUTHORITY, Role.PARTNER_LEAD_HEALTH, Role.PARTNER_LEAD_POLICE})

_STALE = OpenApiResponse(description="The sign-off has moved to another round since the one you read.")
_REFUSED = OpenApiResponse(
    description=(
        'Refused, with the reason: {"partner": [...]} when you do not lead that partner, {"comment": [...]}, or '
        '{"non_field_errors": [...]} when it is not awaiting decisions or is decided on its own workflow.'
    )
)


class SignOffActionSerializer(serializers.Serializer):
    round = serializers.IntegerField(read_only=True)
    partner = serializers.ChoiceField(
        choices=StatutoryPartner.choices, allow_blank=True, read_only=True, help_text="Empty for the request."
    )
    action = serializers.ChoiceField(choices=SignOffAction.Action.choices, read_only=True)
    actor = PersonSummarySerializer(read_only=True, allow_null=True)
    comment = serializers.CharField(read_only=True)
    at = serializers.DateTimeField(read_only=True)


class PartnerDecisionSerializer(serializers.Serializer):
    partner = serializers.ChoiceField(choices=StatutoryPartner.choices, read_only=True)
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
    decided_on_its_own_workflow = serializers.BooleanField(
        read_only=True, help_text="True: decide on the subject's own endpoint (a rapid review's decision)."
    )
    partners = PartnerDecisionSerializer(many=True, read_only=True)
    history = SignOffActionSerializer(many=True, read_only=True, help_text="Every round, oldest first.")


class SignOffDecisionInputSerializer(serializers.Serializer):
    round = serializers.IntegerField(min_value=1, help_text="The round you read.")
    partner = serializers.ChoiceField(
        choices=StatutoryPartner.choices,
        required=False,
        allow_null=True,
        help_text="The partner you decide for; needed only when you lead more than one.",
    )


class SignOffSendBackInputSerializer(SignOffDecisionInputSerializer):
    comment = serializers.CharField(max_length=COMMENT_MAX_LENGTH, help_text="Why it is sent back: what has to change.")


def _decided_elsewhere(sign_off: SignOff) -> bool:
    return bool(getattr(sign_off.subject, "sign_off_decided_on_own_page", False))


class _SignOffAPIView(PartnershipScopedAPIView):
    serializer_class = SignOffDetailSerializer
    model = SignOff
    read_roles = SIGN_OFF_READERS
    write_roles = PARTNER_LEADS
    lookup_url_kwarg = "sign_off_id"

    def scoped_queryset(self, partnership: Partnership):
        return SignOff.objects.in_partnership(partnership)

    def sign_off(self) -> SignOff:
        return sign_off_get(partnership=self.partnership, sign_off_id=self.kwargs["sign_off_id"])

    def answer(self) -> Response:
        sign_off = self.sign_off()
        panel: SignOffPanel = sign_off_panel(sign_off=sign_off, membership=self.membership)
        decidable = {p.value for p in panel.decidable_partners}
        elsewhere = _decided_elsewhere(sign_off)
        data = {
            "id": sign_off.pk,
            "subject_type": f"{sign_off.subject_type.app_label}.{sign_off.subject_type.model}",
            "subject_id": sign_off.subject_id,
            "state": sign_off.state,
            "round": sign_off.round,
            "completed_at": sign_off.completed_at,
            "decided_on_its_own_workflow": elsewhere,
            "partners": [
                {
                    "partner": partner.value,
                    "decision": action,
                    "you_may_decide": partner.value in decidable and not elsewhere,
                }
                for partner, action in panel.summary
            ],
            "history": list(sign_off_history(sign_off=sign_off)),
        }
        return Response(SignOffDetailSerializer(data).data)

    def decidable_sign_off(self) -> SignOff:
        sign_off = self.sign_off()
        if _decided_elsewhere(sign_off):
            raise ValidationError(
                {"non_field_errors": ["This is decided on its own workflow's endpoint (a rapid review's decision)."]}
            )
        return sign_off


@extend_schema(tags=["Sign-off"])
class SignOffDetailView(_SignOffAPIView):
    """A sign-off: its state and round, each partner's decision this round, and its whole history."""

    @extend_schema(summary="A sign-off", responses=_answers({200: SignOffDetailSerializer}))
    def get(self, request: Request, slug: str, sign_off_id: int) -> Response:
        return self.answer()


@extend_schema(tags=["Sign-off"])
class SignOffApproveView(_SignOffAPIView):
    """Approve for your partner (partner leads). The third approval completes the sign-off."""

    @extend_schema(
        summary="Approve (partner leads)",
        request=SignOffDecisionInputSerializer,
        responses=_answers({200: SignOffDetailSerializer, 400: _REFUSED, 409: _STALE}, takes_body=True),
    )
    def post(self, request: Request, slug: str, sign_off_id: int) -> Response:
        sign_off = self.decidable_sign_off()
        serializer = SignOffDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sign_off_approve(
            partnership=self.partnership,
            membership=self.membership,
            sign_off=sign_off,
            partner=data.get("partner") or None,
            expected_round=data["round"],
        )
        return self.answer()


@extend_schema(tags=["Sign-off"])
class SignOffSendBackView(_SignOffAPIView):
    """Send it back for your partner with a comment (partner leads): that ends the round."""

    @extend_schema(
        summary="Send back (partner leads)",
        request=SignOffSendBackInputSerializer,
        responses=_answers({200: SignOffDetailSerializer, 400: _REFUSED, 409: _STALE}, takes_body=True),
    )
    def post(self, request: Request, slug: str, sign_off_id: int) -> Response:
        sign_off = self.decidable_sign_off()
        serializer = SignOffSendBackInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        sign_off_send_back(
            partnership=self.partnership,
            membership=self.membership,
            sign_off=sign_off,
            comment=data["comment"],
            partner=data.get("partner") or None,
            expected_round=data["round"],
        )
        return self.answer()
