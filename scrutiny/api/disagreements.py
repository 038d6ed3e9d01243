"""API of professional disagreements between agencies: the list (by stage and state, paginated), recording one, one
with its escalations, escalating and resolving it, and the dashboard's figures (open ones by stage, ages in working
days).

Read by leadership, the scrutineer and the agency leads. Recorded by the business managers and agency leads (an
agency lead: their own agency's); escalated and resolved by them, and by the scrutineer alone at the scrutineer's
stage (403 for anyone else). Escalating and resolving carry the ``updated_at`` read (or If-Match): stale 409, none
428. Another partnership's disagreement is 404; another partnership's agency in a body is a 400 on that field.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from scrutiny.selectors import disagreements as selectors
from scrutiny.selectors.disagreements import (
    DISAGREEMENT_ACT_ROLES,
    DISAGREEMENT_READ_ROLES,
    SUMMARY_HELP,
    DisagreementStage,
    DisagreementState,
)
from scrutiny.services import disagreements as services

TAG = "Scrutiny"
_ID = {"min_value": 1, "max_value": 2**63 - 1}


class EscalationSerializer(serializers.Serializer):
    from_stage = serializers.ChoiceField(choices=DisagreementStage.choices)
    to_stage = serializers.ChoiceField(choices=DisagreementStage.choices)
    escalated_on = serializers.DateField()
    note = serializers.CharField()


class DisagreementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    raised_by_agency_id = serializers.IntegerField(read_only=True)
    raised_by_agency = serializers.CharField(source="raised_by_agency.name", read_only=True)
    with_agency_id = serializers.IntegerField(read_only=True)
    with_agency = serializers.CharField(source="with_agency.name", read_only=True)
    raised_on = serializers.DateField(read_only=True)
    subject_summary = serializers.CharField(read_only=True)
    stage = serializers.ChoiceField(choices=DisagreementStage.choices, read_only=True)
    state = serializers.ChoiceField(choices=DisagreementState.choices, read_only=True)
    resolved_on = serializers.DateField(read_only=True, allow_null=True)
    outcome = serializers.CharField(read_only=True)
    learning = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back with a change: 409 if it moved on.")


class DisagreementDetailSerializer(DisagreementSerializer):
    escalations = EscalationSerializer(many=True, read_only=True)


class DisagreementCreateSerializer(serializers.Serializer):
    raised_by_agency_id = serializers.IntegerField(**_ID)
    with_agency_id = serializers.IntegerField(**_ID)
    raised_on = serializers.DateField(help_text="Not in the future.")
    subject_summary = serializers.CharField(max_length=2000, help_text=SUMMARY_HELP)


class EscalateSerializer(serializers.Serializer):
    to_stage = serializers.ChoiceField(choices=DisagreementStage.choices, help_text="A stage after the current one.")
    escalated_on = serializers.DateField(help_text="Not in the future nor before its last move.")
    note = serializers.CharField(max_length=2000)
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class ResolveSerializer(serializers.Serializer):
    resolved_on = serializers.DateField(help_text="Not in the future nor before its last move.")
    outcome = serializers.CharField(max_length=4000)
    learning = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class StageFiguresSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=DisagreementStage.choices)
    label = serializers.CharField()
    open = serializers.IntegerField()


class FiguresSerializer(serializers.Serializer):
    as_of = serializers.DateField(source="today")
    stages = StageFiguresSerializer(many=True, help_text="Open disagreements by the stage reached.")
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    median_age = serializers.FloatField(allow_null=True, help_text="Working days since raised, of the open ones.")
    oldest_age = serializers.IntegerField(allow_null=True, help_text="Working days since raised, of the oldest open.")


_FILTERS = [
    OpenApiParameter("stage", str, enum=DisagreementStage.values, description="Only those at this stage."),
    OpenApiParameter("state", str, enum=DisagreementState.values, description="Open or resolved."),
]


class _DisagreementAPIView(PartnershipScopedAPIView):
    read_roles = DISAGREEMENT_READ_ROLES
    write_roles = DISAGREEMENT_ACT_ROLES
    serializer_class = DisagreementSerializer

    def scoped_queryset(self, partnership):
        return selectors.disagreement_list(partnership=partnership)

    def answer(self, disagreement_id: int, *, code: int = status.HTTP_200_OK) -> Response:
        d = selectors.disagreement_get(partnership=self.partnership, disagreement_id=disagreement_id)
        data = {
            **DisagreementSerializer(d).data,
            "escalations": EscalationSerializer(
                selectors.disagreement_escalations(partnership=self.partnership, disagreement=d), many=True
            ).data,
        }
        return Response(data, status=code)


@extend_schema(tags=[TAG])
class DisagreementListView(_DisagreementAPIView):
    """Professional disagreements, newest raised first; the business managers and agency leads record one."""

    @extend_schema(
        summary="Professional disagreements",
        parameters=_FILTERS,
        responses=_answers({200: DisagreementSerializer(many=True), 400: _FIELD_ERRORS}),
    )
    def get(self, request: Request, slug: str) -> Response:
        stage, state = request.query_params.get("stage") or None, request.query_params.get("state") or None
        errors = {}
        if stage is not None and stage not in DisagreementStage.values:
            errors["stage"] = ["Send one of: " + ", ".join(DisagreementStage.values) + "."]
        if state is not None and state not in DisagreementState.values:
            errors["state"] = ["Send open or resolved."]
        if errors:
            raise ValidationError(errors)
        page = self.paginate_queryset(
            selectors.disagreement_list(partnership=self.partnership, stage=stage, state=state)
        )
        return self.get_paginated_response(DisagreementSerializer(page, many=True).data)

    @extend_schema(
        summary="Record a disagreement at the practitioner stage (business managers, agency leads)",
        request=DisagreementCreateSerializer,
        responses=_answers({201: DisagreementDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = DisagreementCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        d = services.disagreement_record(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            today=timezone.localdate(),
            **serializer.validated_data,
        )
        return self.answer(d.pk, code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class DisagreementFiguresView(_DisagreementAPIView):
    """The dashboard's figures: open disagreements by stage, and their median and oldest age in working days."""

    pagination_class = None

    @extend_schema(summary="Professional disagreements by stage and age", responses=_answers({200: FiguresSerializer}))
    def get(self, request: Request, slug: str) -> Response:
        figures = selectors.disagreement_figures(partnership=self.partnership, today=timezone.localdate())
        return Response(FiguresSerializer(figures).data)


@extend_schema(tags=[TAG])
class DisagreementDetailView(_DisagreementAPIView):
    """One disagreement with its escalations."""

    @extend_schema(summary="A professional disagreement", responses=_answers({200: DisagreementDetailSerializer}))
    def get(self, request: Request, slug: str, disagreement_id: int) -> Response:
        return self.answer(disagreement_id)


@extend_schema(tags=[TAG])
class DisagreementEscalateView(_DisagreementAPIView):
    """Escalate an open disagreement to a later stage, dated, with a note."""

    @extend_schema(
        summary="Escalate a disagreement",
        request=EscalateSerializer,
        responses=_answers(
            {200: DisagreementDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("disagreement")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, disagreement_id: int) -> Response:
        d = selectors.disagreement_get(partnership=self.partnership, disagreement_id=disagreement_id)
        serializer = EscalateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.disagreement_escalate(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            disagreement=d,
            today=timezone.localdate(),
            expected_updated_at=expected,
            **data,
        )
        return self.answer(d.pk)


@extend_schema(tags=[TAG])
class DisagreementResolveView(_DisagreementAPIView):
    """Resolve an open disagreement with the outcome and the learning."""

    @extend_schema(
        summary="Resolve a disagreement",
        request=ResolveSerializer,
        responses=_answers(
            {200: DisagreementDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("disagreement")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, disagreement_id: int) -> Response:
        d = selectors.disagreement_get(partnership=self.partnership, disagreement_id=disagreement_id)
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.disagreement_resolve(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            disagreement=d,
            today=timezone.localdate(),
            expected_updated_at=expected,
            **data,
        )
        return self.answer(d.pk)
