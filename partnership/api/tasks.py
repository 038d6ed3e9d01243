"""The caller's "my tasks" over the API: what their My tasks page shows, from the same selector."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from partnership.api.base import PartnershipScopedAPIView
from partnership.api.views import _answers
from partnership.models import Deadline
from partnership.selectors.tasks import my_tasks


class TaskSerializer(serializers.Serializer):
    source = serializers.CharField(read_only=True, help_text='Where it comes from: "deadline", "sign_off"...')
    kind = serializers.CharField(source="kind_label", read_only=True, help_text="What kind of work it is, in words.")
    title = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="The page where it is done (a path on this site), or empty.")
    due_on = serializers.DateField(read_only=True, allow_null=True, help_text="Null: waiting, with no date of its own.")
    overdue = serializers.BooleanField(read_only=True)
    working_days_left = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text="Working days after today up to the due date: 0 on the day, negative once past.",
    )
    working_days_overdue = serializers.IntegerField(read_only=True)
    due_today = serializers.BooleanField(read_only=True)
    assigned_to_you = serializers.BooleanField(
        read_only=True,
        help_text="False: no one else can act on it (no assignee, or one who has left): the business managers'.",
    )
    assignee = serializers.CharField(
        source="assignee_label", read_only=True, help_text="Who it was assigned to, when that is not you."
    )


@extend_schema(tags=["My tasks"])
class MyTaskListView(PartnershipScopedAPIView):
    """Everything waiting for you in this partnership, as your My tasks page shows it (the same selector):
    deadlines, returns, comments, sign-offs awaiting your decision. Overdue first, then by due date, undated
    last. Days are working days on the partnership's calendar."""

    serializer_class = TaskSerializer
    model = Deadline
    read_roles: frozenset[str] = frozenset()  # every member has tasks

    @extend_schema(summary="Your tasks", responses=_answers({200: TaskSerializer(many=True)}))
    def get(self, request: Request, slug: str) -> Response:
        tasks = my_tasks(
            person=request.user, partnership=self.partnership, today=timezone.localdate(), membership=self.membership
        ).tasks
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(TaskSerializer(page, many=True).data)
