"""The caller's "my tasks" over the API: what their My tasks page shows, from the same selector."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.serializers import PersonSummarySerializer
from partnership.api.views import _answers
from partnership.models import Deadline
from partnership.selectors.deadlines import tasks_for_person


class TaskSerializer(serializers.Serializer):
    deadline_id = serializers.IntegerField(source="deadline.id", read_only=True)
    kind = serializers.CharField(source="deadline.kind", read_only=True, help_text="What the deadline is for.")
    title = serializers.CharField(source="deadline.title", read_only=True)
    url = serializers.CharField(
        source="deadline.url", read_only=True, help_text="The page where it is done (a path on this site), or empty."
    )
    due_on = serializers.DateField(source="deadline.due_on", read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    due_today = serializers.BooleanField(read_only=True)
    working_days_left = serializers.IntegerField(
        read_only=True, help_text="Working days after today up to the due date: 0 on the day, negative once past."
    )
    working_days_overdue = serializers.IntegerField(read_only=True)
    assigned_to_you = serializers.BooleanField(
        read_only=True,
        help_text="False: no one else can act on it (no assignee, or one who has left): the business managers'.",
    )
    assignee = PersonSummarySerializer(source="deadline.assignee", read_only=True, allow_null=True)


@extend_schema(tags=["My tasks"])
class MyTaskListView(PartnershipScopedAPIView):
    """Your open deadlines in this partnership, earliest due first (so overdue ones lead). Business
    managers also get the deadlines no one else can act on. Days are working days on the partnership's
    calendar."""

    serializer_class = TaskSerializer
    model = Deadline
    read_roles: frozenset[str] = frozenset()  # every member has tasks

    @extend_schema(summary="Your tasks", responses=_answers({200: TaskSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        tasks = tasks_for_person(person=request.user, partnership=self.partnership, today=timezone.localdate())
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(TaskSerializer(page, many=True).data)
