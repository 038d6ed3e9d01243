"""API of learning hub cycles: their phases and checklist tasks.

Every member reads cycles; the business managers set them up, change them, move phases, give tasks to named
members and close them; a task is ticked by its owner (the member named, or a holder of the role named) or a
business manager. Another partnership's cycle, phase or task is a 404. Bad input is a 400 with field errors.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from learninghub.selectors import cycles as selectors
from learninghub.selectors.cycles import CYCLE_MANAGE_ROLES, PHASE_LABELS, CycleState
from learninghub.services import cycles as services
from partnership.api.base import PartnershipScopedAPIView
from partnership.api.versions import expected_version
from partnership.api.views import _FIELD_ERRORS, _answers, _conflict

TAG = "Learning hub"


class HubPhaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=list(PHASE_LABELS.items()), read_only=True)
    label = serializers.CharField(source="get_kind_display", read_only=True)
    position = serializers.IntegerField(read_only=True)
    starts_on = serializers.DateField(read_only=True)
    ends_on = serializers.DateField(read_only=True, help_text="The phase's tasks are due on this day.")


class HubTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    phase_id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(read_only=True)
    owner_member_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="The member who owns it.")
    owner_role = serializers.CharField(read_only=True, help_text="Or the role whose holders own it.")
    due_on = serializers.DateField(read_only=True)
    done_at = serializers.DateTimeField(read_only=True, allow_null=True)
    done_by_id = serializers.IntegerField(read_only=True, allow_null=True)


class HubCycleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    priority_id = serializers.IntegerField(read_only=True)
    priority_title = serializers.CharField(source="priority.title", read_only=True)
    starts_on = serializers.DateField(read_only=True)
    has_pre_meet = serializers.BooleanField(read_only=True)
    state = serializers.ChoiceField(choices=CycleState.choices, read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change: if it has changed since, the answer is 409."
    )


class HubCycleDetailSerializer(HubCycleSerializer):
    current_phase_id = serializers.IntegerField(read_only=True, allow_null=True, help_text="The phase today is in.")
    next_phase_id = serializers.IntegerField(read_only=True, allow_null=True)
    late_task_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    phases = HubPhaseSerializer(many=True, read_only=True)


class HubCycleCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    priority_id = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text="One of the partnership's current priorities."
    )
    starts_on = serializers.DateField(help_text="A working day on the partnership's calendar.")
    has_pre_meet = serializers.BooleanField(required=False, default=True)


class HubCycleUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    priority_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class HubPhaseMoveSerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()


class HubPhaseMovedSerializer(serializers.Serializer):
    moved = HubPhaseSerializer(many=True, help_text="Every phase that moved, this one first; empty when none did.")


class HubTaskTickSerializer(serializers.Serializer):
    done = serializers.BooleanField(help_text="true: done; false: not done after all.")


class HubTaskAssignSerializer(serializers.Serializer):
    owner_member_id = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text="An active member of this partnership (a member id, as the members list gives it); they own "
        "the task instead of its role, see it on their tasks and may tick it.",
    )


class HubCycleMoveSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=[CycleState.CLOSED, CycleState.WITHDRAWN])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class _CycleAPIView(PartnershipScopedAPIView):
    write_roles = CYCLE_MANAGE_ROLES
    serializer_class = HubCycleSerializer

    def scoped_queryset(self, partnership):
        return selectors.hub_cycle_list(partnership=partnership)

    def cycle_answer(self, hub_cycle_id: int, *, code: int = status.HTTP_200_OK) -> Response:
        cycle = selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        page = selectors.hub_cycle_page(partnership=self.partnership, cycle=cycle, membership=self.membership)
        data = {
            **HubCycleSerializer(cycle).data,
            "current_phase_id": page.current.pk if page.current else None,
            "next_phase_id": page.next_phase.pk if page.next_phase else None,
            "late_task_ids": [t.pk for t in page.late],
            "phases": HubPhaseSerializer([v.phase for v in page.phases], many=True).data,
        }
        return Response(data, status=code)


class CycleListView(_CycleAPIView):
    """The learning hub's cycles, newest start first, 25 at a time (``?limit=``, ``?offset=``): four a year, kept for
    good; business managers set one up."""

    @extend_schema(tags=[TAG], summary="Learning hub cycles", responses=_answers({200: HubCycleSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(HubCycleSerializer(page, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary="Set up a cycle with its phases and checklist (business managers)",
        request=HubCycleCreateSerializer,
        responses=_answers({201: HubCycleDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str) -> Response:
        serializer = HubCycleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        cycle = services.hub_cycle_create(partnership=self.partnership, actor=request.user, **serializer.validated_data)
        return self.cycle_answer(cycle.pk, code=status.HTTP_201_CREATED)


class CycleDetailView(_CycleAPIView):
    """One cycle: its phases, where it is and what is late."""

    @extend_schema(tags=[TAG], summary="A learning hub cycle", responses=_answers({200: HubCycleDetailSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        return self.cycle_answer(hub_cycle_id)

    @extend_schema(
        tags=[TAG],
        summary="Change a cycle's title or priority (business managers)",
        request=HubCycleUpdateSerializer,
        responses=_answers(
            {200: HubCycleDetailSerializer, 400: _FIELD_ERRORS, 409: _conflict("cycle")}, takes_body=True
        ),
    )
    def patch(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        serializer = HubCycleUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        expected = expected_version(request, data)
        data.pop("updated_at", None)
        services.hub_cycle_update(
            partnership=self.partnership, actor=request.user, cycle=cycle, expected_updated_at=expected, **data
        )
        return self.cycle_answer(cycle.pk)


class CycleMoveView(_CycleAPIView):
    """Close or withdraw a cycle: its open tasks' deadlines are cancelled."""

    @extend_schema(
        tags=[TAG],
        summary="Close or withdraw a cycle (business managers)",
        request=HubCycleMoveSerializer,
        responses=_answers({200: HubCycleDetailSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        serializer = HubCycleMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.hub_cycle_move(
            partnership=self.partnership, actor=request.user, cycle=cycle, **serializer.validated_data
        )
        return self.cycle_answer(cycle.pk)


class PhaseDetailView(_CycleAPIView):
    """One phase of a cycle; moving it moves every later phase by as many working days as its end moved."""

    serializer_class = HubPhaseSerializer

    @extend_schema(tags=[TAG], summary="A phase", responses=_answers({200: HubPhaseSerializer}))
    def get(self, request: Request, slug: str, hub_cycle_id: int, hub_phase_id: int) -> Response:
        cycle = selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        phase = selectors.hub_phase_get(partnership=self.partnership, cycle=cycle, phase_id=hub_phase_id)
        return Response(HubPhaseSerializer(phase).data)

    @extend_schema(
        tags=[TAG],
        summary="Move a phase, and the phases after it (business managers)",
        request=HubPhaseMoveSerializer,
        responses=_answers({200: HubPhaseMovedSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def patch(self, request: Request, slug: str, hub_cycle_id: int, hub_phase_id: int) -> Response:
        cycle = selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        phase = selectors.hub_phase_get(partnership=self.partnership, cycle=cycle, phase_id=hub_phase_id)
        serializer = HubPhaseMoveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shifts = services.hub_phase_move(
            partnership=self.partnership, actor=request.user, cycle=cycle, phase=phase, **serializer.validated_data
        )
        return Response({"moved": HubPhaseSerializer([s.phase for s in shifts], many=True).data})


class CycleTaskListView(_CycleAPIView):
    """A cycle's checklist, in order."""

    pagination_class = None
    serializer_class = HubTaskSerializer

    @extend_schema(tags=[TAG], summary="A cycle's tasks", responses=_answers({200: HubTaskSerializer(many=True)}))
    def get(self, request: Request, slug: str, hub_cycle_id: int) -> Response:
        cycle = selectors.hub_cycle_get(partnership=self.partnership, cycle_id=hub_cycle_id)
        return Response(
            HubTaskSerializer(selectors.hub_tasks(partnership=self.partnership, cycle=cycle), many=True).data
        )


class TaskTickView(_CycleAPIView):
    """Tick a task as done, or not done again: its owner or a business manager (403 for anyone else)."""

    # Any member may ask; the service lets only the task's owner or a business manager tick it.
    write_roles = frozenset()
    serializer_class = HubTaskSerializer

    @extend_schema(
        tags=[TAG],
        summary="Tick a task done or not done (its owner, or business managers)",
        request=HubTaskTickSerializer,
        responses=_answers({200: HubTaskSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_task_id: int) -> Response:
        task = selectors.hub_task_get(partnership=self.partnership, task_id=hub_task_id)
        serializer = HubTaskTickSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticked = services.hub_task_tick(
            partnership=self.partnership,
            actor=request.user,
            membership=self.membership,
            task=task,
            done=serializer.validated_data["done"],
        )
        return Response(HubTaskSerializer(ticked).data)


class TaskAssignView(_CycleAPIView):
    """Give a checklist task to a named member of the partnership: its deadline follows (business managers)."""

    serializer_class = HubTaskSerializer

    @extend_schema(
        tags=[TAG],
        summary="Give a task to a named member (business managers)",
        request=HubTaskAssignSerializer,
        responses=_answers({200: HubTaskSerializer, 400: _FIELD_ERRORS}, takes_body=True),
    )
    def post(self, request: Request, slug: str, hub_task_id: int) -> Response:
        task = selectors.hub_task_get(partnership=self.partnership, task_id=hub_task_id)
        serializer = HubTaskAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assigned = services.hub_task_assign(
            partnership=self.partnership,
            actor=request.user,
            task=task,
            owner_member_id=serializer.validated_data["owner_member_id"],
        )
        return Response(HubTaskSerializer(assigned).data)
