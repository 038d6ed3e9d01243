"""Shapes of the information request (agency return) API."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnership.api.serializers import AgencySummarySerializer, PartnershipAgencyField
from partnership.models import Person
from partnership.selectors import member_people
from reviews.models import InformationRequest
from reviews.services.requests import ANSWER_FIELDS, SEND_BACK_REASON_MAX_LENGTH


class PersonNameSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)


class InformationRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    rapid_review_id = serializers.IntegerField(read_only=True, allow_null=True)
    learning_review_id = serializers.IntegerField(read_only=True, allow_null=True)
    agency = AgencySummarySerializer(read_only=True)
    assignee = PersonNameSerializer(read_only=True)
    due_on = serializers.DateField(read_only=True)
    days_remaining = serializers.SerializerMethodField(
        help_text="Working days until due (negative: overdue) while the return is owed; null otherwise."
    )
    state = serializers.ChoiceField(choices=InformationRequest.State.choices, read_only=True)
    involvement = serializers.CharField(read_only=True)
    key_practice_episodes = serializers.CharField(read_only=True)
    good_practice = serializers.CharField(read_only=True)
    done_differently = serializers.CharField(read_only=True)
    immediate_safety_concerns = serializers.CharField(read_only=True)
    unexpected_issues = serializers.CharField(read_only=True)
    sent_back_reason = serializers.CharField(read_only=True)
    requested_at = serializers.DateTimeField(read_only=True)
    draft_saved_at = serializers.DateTimeField(read_only=True, allow_null=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a draft or a submission: a save over a newer version is 409."
    )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_remaining(self, request: InformationRequest) -> int | None:
        rows = self.context.get("days_remaining", {})
        return rows.get(request.pk)


class AnswersSerializer(serializers.Serializer):
    """The return's answers: any left out keep their saved text. Lengths are checked by the service."""

    involvement = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    key_practice_episodes = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    good_practice = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    done_differently = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    immediate_safety_concerns = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    unexpected_issues = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read. If the return was saved since (another tab or device), nothing is "
        "saved and the answer is 409.",
    )

    def answers(self) -> dict[str, str]:
        return {name: self.validated_data[name] for name in ANSWER_FIELDS if name in self.validated_data}


class PartnershipPersonField(serializers.PrimaryKeyRelatedField):
    """A person's id among this partnership's active members; anyone else reads as not found."""

    default_error_messages = {
        "does_not_exist": "Person not found among this partnership's members.",
        "incorrect_type": "Give the person's id as a number.",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Person.objects.none(), **kwargs)

    def get_queryset(self):
        return member_people(partnership=self.context["partnership"])


class InformationRequestCreateSerializer(serializers.Serializer):
    agency = PartnershipAgencyField()
    assignee = PartnershipPersonField(help_text="An active member of that agency in this partnership.")
    due_on = serializers.DateField(
        required=False, allow_null=True, input_formats=["%Y-%m-%d"], help_text="Default: the returns milestone."
    )


class SendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=SEND_BACK_REASON_MAX_LENGTH)
    due_on = serializers.DateField(required=False, allow_null=True, input_formats=["%Y-%m-%d"])
