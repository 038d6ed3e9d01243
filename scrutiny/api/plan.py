"""API of the scrutineer's annual plan: plans by reporting year, their activities by quarter and theme, each
activity's findings, evidence seen and recommendations raised.

Leadership and the scrutineer read; the scrutineer alone writes (their own plan). Changes to a plan's state or an
activity carry the ``updated_at`` read (or If-Match): a stale one is 409, none at all 428. Another partnership's plan,
activity or evidence is 404; another partnership's record or theme named in a body is a 400 on that field.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict
from scrutiny.selectors import plan as selectors
from scrutiny.selectors.evidence import evidence_url
from scrutiny.selectors.plan import (
    LEAD_PARTNERS,
    PLAN_READ_ROLES,
    PLAN_WRITE_ROLES,
    QUARTER_LABELS,
    ActivityKind,
    ActivityState,
    EvidenceKind,
    PlanState,
)
from scrutiny.services import plan as services

TAG = "Scrutiny"
_ID = {"min_value": 1, "max_value": 2**63 - 1}
# The moves an activity can be asked to make (planned is where it starts).
ACTIVITY_MOVES = [
    (ActivityState.IN_PROGRESS.value, "In progress"),
    (ActivityState.DONE.value, "Done"),
    (ActivityState.DROPPED.value, "Dropped"),
]
_VERSION = serializers.DateTimeField(required=False, help_text="The updated_at you read (or send If-Match).")

# The plan's quarters with their labels: the schema names them ScrutinyPlanQuarterEnum (config/settings.py).
PLAN_QUARTERS = list(QUARTER_LABELS.items())


class PlanSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(read_only=True, help_text="The reporting year by its April: 2026 is 2026/27.")
    label = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=PlanState.choices, read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text="Send it back with a change: 409 if it moved on.")


class PlanCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class PlanMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=PlanState.choices)
    updated_at = _VERSION


class ScrutinyEvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, read_only=True)
    record_id = serializers.IntegerField(read_only=True)
    description = serializers.CharField(read_only=True, help_text="The record's reference and title when linked.")
    note = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="The record's page.")


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    plan_id = serializers.IntegerField(read_only=True)
    quarter = serializers.IntegerField(read_only=True, help_text="1: April to June ... 4: January to March.")
    kind = serializers.ChoiceField(choices=ActivityKind.choices, read_only=True)
    theme_id = serializers.IntegerField(read_only=True, allow_null=True)
    theme = serializers.CharField(read_only=True, allow_null=True)
    title = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=ActivityState.choices, read_only=True)
    findings = serializers.CharField(read_only=True)
    dropped_reason = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class ActivityDetailSerializer(ActivitySerializer):
    evidence = ScrutinyEvidenceSerializer(many=True, read_only=True)
    recommendation_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)


class PlanDetailSerializer(PlanSerializer):
    activities = ActivitySerializer(many=True, read_only=True, help_text="By quarter, then as added.")


class ActivityCreateSerializer(serializers.Serializer):
    quarter = serializers.ChoiceField(choices=PLAN_QUARTERS)
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    theme_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)


class ActivityUpdateSerializer(ActivityCreateSerializer):
    findings = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")
    updated_at = _VERSION


class ActivityMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=ACTIVITY_MOVES)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    updated_at = _VERSION


class EvidenceCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices)
    record_id = serializers.IntegerField(help_text="The record's id in this partnership.", **_ID)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RecommendationRaiseSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    rationale = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    lead_partner = serializers.ChoiceField(choices=LEAD_PARTNERS.choices)


class RecommendationRaisedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    state = serializers.CharField()


def _plan_data(plan) -> dict:
    return {
        "id": plan.pk,
        "year": plan.year,
        "label": plan.label,
        "state": plan.state,
        "starts_on": plan.starts_on,
        "ends_on": plan.ends_on,
        "updated_at": plan.updated_at,
    }


def _activity_data(activity) -> dict:
    return {
        "id": activity.pk,
        "plan_id": activity.plan_id,
        "quarter": activity.quarter,
        "kind": activity.kind,
        "theme_id": activity.theme_id,
        "theme": activity.theme.name if activity.theme else None,
        "title": activity.title,
        "description": activity.description,
        "state": activity.state,
        "findings": activity.findings,
        "dropped_reason": activity.dropped_reason,
        "updated_at": activity.updated_at,
    }


def _evidence_data(partnership, link) -> dict:
    return {
        "id": link.pk,
        "kind": link.kind,
        "record_id": link.record_id,
        "description": link.description,
        "note": link.note,
        "url": evidence_url(partnership=partnership, kind=link.kind, record_id=link.record_id),
    }


class _PlanAPIView(PartnershipScopedAPIView):
    read_roles = PLAN_READ_ROLES
    write_roles = PLAN_WRITE_ROLES
    serializer_class = PlanSerializer
    pagination_class = None

    def scoped_queryset(self, partnership):
        return selectors.scrutiny_plans(partnership=partnership)

    def plan_answer(self, plan_id: int, *, code: int = status.HTTP_200_OK) -> Response:
        plan = selectors.scrutiny_plan_get(partnership=self.partnership, plan_id=plan_id)
        page = selectors.scrutiny_plan_page(partnership=self.partnership, plan=plan)
        activities = [_activity_data(a) for quarter in page.quarters for a in quarter.activities]
        return Response({**_plan_data(plan), "activities": activities}, status=code)

    def activity_answer(self, activity_id: int, *, code: int = status.HTTP_200_OK) -> Response:
        activity = selectors.plan_activity_get(partnership=self.partnership, activity_id=activity_id)
        page = selectors.plan_activity_page(partnership=self.partnership, activity=activity)
        evidence = [_evidence_data(self.partnership, link) for link in page.evidence]
        data = {
            **_activity_data(activity),
            "evidence": evidence,
            "recommendation_ids": [r.pk for r in page.recommendations],
        }
        return Response(data, status=code)


@extend_schema(tags=[TAG])
class PlanListView(_PlanAPIView):
    """The scrutiny plans by reporting year, newest first; the scrutineer starts one."""

    @extend_schema(summary="Scrutiny plans", responses=_answers({200: PlanSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        return Response([PlanSerializer(_plan_data(p)).data for p in self.get_queryset()])

    @extend_schema(
        summary="Start the plan of a reporting year (the scrutineer)",
        request=PlanCreateSerializer,
        responses=_answers({201: PlanDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = PlanCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan = services.scrutiny_plan_create(
            partnership=self.partnership, actor=request.user, **serializer.validated_data
        )
        return self.plan_answer(plan.pk, code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class PlanDetailView(_PlanAPIView):
    """One plan with its activities by quarter."""

    @extend_schema(summary="A scrutiny plan", responses=_answers({200: PlanDetailSerializer}))
    def get(self, request: Request, slug: str, scrutiny_plan_id: int) -> Response:
        return self.plan_answer(scrutiny_plan_id)


@extend_schema(tags=[TAG])
class PlanMoveView(_PlanAPIView):
    """Agree the plan with the partners, or take it back to draft."""

    @extend_schema(
        summary="Agree a plan or take it back to draft (the scrutineer)",
        request=PlanMoveSerializer,
        responses=_answers({200: PlanDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("plan")}, takes_body=True),
    )
    def post(self, request: Request, slug: str, scrutiny_plan_id: int) -> Response:
        plan = selectors.scrutiny_plan_get(partnership=self.partnership, plan_id=scrutiny_plan_id)
        serializer = PlanMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        expected = expected_version(request, serializer.validated_data)
        services.scrutiny_plan_move(
            partnership=self.partnership,
            actor=request.user,
            plan=plan,
            to=serializer.validated_data["to"],
            expected_updated_at=expected,
        )
        return self.plan_answer(plan.pk)


@extend_schema(tags=[TAG])
class ActivityListView(_PlanAPIView):
    """A plan's activities; the scrutineer adds one."""

    @extend_schema(summary="A plan's activities", responses=_answers({200: ActivitySerializer(many=True)}))
    def get(self, request: Request, slug: str, scrutiny_plan_id: int) -> Response:
        plan = selectors.scrutiny_plan_get(partnership=self.partnership, plan_id=scrutiny_plan_id)
        page = selectors.scrutiny_plan_page(partnership=self.partnership, plan=plan)
        return Response([_activity_data(a) for quarter in page.quarters for a in quarter.activities])

    @extend_schema(
        summary="Add an activity to a plan (the scrutineer)",
        request=ActivityCreateSerializer,
        responses=_answers({201: ActivityDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, scrutiny_plan_id: int) -> Response:
        plan = selectors.scrutiny_plan_get(partnership=self.partnership, plan_id=scrutiny_plan_id)
        serializer = ActivityCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = services.plan_activity_create(
            partnership=self.partnership, actor=request.user, plan=plan, **serializer.validated_data
        )
        return self.activity_answer(activity.pk, code=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class ActivityDetailView(_PlanAPIView):
    """One activity with its findings, evidence and the recommendations it raised."""

    @extend_schema(summary="A scrutiny activity", responses=_answers({200: ActivityDetailSerializer}))
    def get(self, request: Request, slug: str, plan_activity_id: int) -> Response:
        return self.activity_answer(plan_activity_id)

    @extend_schema(
        summary="Change an activity and its findings (the scrutineer)",
        request=ActivityUpdateSerializer,
        responses=_answers(
            {200: ActivityDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("activity")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, plan_activity_id: int) -> Response:
        activity = selectors.plan_activity_get(partnership=self.partnership, activity_id=plan_activity_id)
        serializer = ActivityUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.plan_activity_update(
            partnership=self.partnership, actor=request.user, activity=activity, expected_updated_at=expected, **data
        )
        return self.activity_answer(activity.pk)


@extend_schema(tags=[TAG])
class ActivityMoveView(_PlanAPIView):
    """Start, finish (its findings written) or drop (with the reason) an activity."""

    @extend_schema(
        summary="Move an activity (the scrutineer)",
        request=ActivityMoveSerializer,
        responses=_answers(
            {200: ActivityDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("activity")}, takes_body=True
        ),
    )
    def post(self, request: Request, slug: str, plan_activity_id: int) -> Response:
        activity = selectors.plan_activity_get(partnership=self.partnership, activity_id=plan_activity_id)
        serializer = ActivityMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        services.plan_activity_move(
            partnership=self.partnership,
            actor=request.user,
            activity=activity,
            to=data["to"],
            reason=data["reason"],
            expected_updated_at=expected,
        )
        return self.activity_answer(activity.pk)


@extend_schema(tags=[TAG])
class EvidenceListView(_PlanAPIView):
    """The records seen for an activity; the scrutineer links one of this partnership's records."""

    @extend_schema(summary="An activity's evidence", responses=_answers({200: ScrutinyEvidenceSerializer(many=True)}))
    def get(self, request: Request, slug: str, plan_activity_id: int) -> Response:
        activity = selectors.plan_activity_get(partnership=self.partnership, activity_id=plan_activity_id)
        page = selectors.plan_activity_page(partnership=self.partnership, activity=activity)
        return Response([_evidence_data(self.partnership, link) for link in page.evidence])

    @extend_schema(
        summary="Link a record seen (the scrutineer)",
        request=EvidenceCreateSerializer,
        responses=_answers({201: ScrutinyEvidenceSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, plan_activity_id: int) -> Response:
        activity = selectors.plan_activity_get(partnership=self.partnership, activity_id=plan_activity_id)
        serializer = EvidenceCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = services.evidence_link_add(
            partnership=self.partnership, actor=request.user, activity=activity, **serializer.validated_data
        )
        return Response(_evidence_data(self.partnership, link), status=status.HTTP_201_CREATED)


@extend_schema(tags=[TAG])
class EvidenceDetailView(_PlanAPIView):
    """Take a record off an activity's evidence (the record itself stays)."""

    @extend_schema(summary="Take a record off the evidence (the scrutineer)", responses=_answers({204: None}))
    def delete(self, request: Request, slug: str, plan_activity_id: int, evidence_link_id: int) -> Response:
        activity = selectors.plan_activity_get(partnership=self.partnership, activity_id=plan_activity_id)
        link = selectors.evidence_link_get(partnership=self.partnership, activity=activity, link_id=evidence_link_id)
        services.evidence_link_remove(partnership=self.partnership, actor=request.user, link=link)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=[TAG])
class RecommendationRaiseView(_PlanAPIView):
    """Draft a recommendation from an activity: a kernel recommendation naming the activity as its source."""

    @extend_schema(
        summary="Raise a recommendation from an activity (the scrutineer)",
        request=RecommendationRaiseSerializer,
        responses=_answers({201: RecommendationRaisedSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, plan_activity_id: int) -> Response:
        activity = selectors.plan_activity_get(partnership=self.partnership, activity_id=plan_activity_id)
        serializer = RecommendationRaiseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        recommendation = services.plan_activity_recommendation_raise(
            partnership=self.partnership, actor=request.user, activity=activity, **serializer.validated_data
        )
        data = {"id": recommendation.pk, "reference": recommendation.reference, "state": recommendation.state}
        return Response(data, status=status.HTTP_201_CREATED)
