"""Serializers of the case audit API: the programme, rounds, cases, returns."""

from __future__ import annotations

from rest_framework import serializers

from audits.selectors.findings import FINDING_KIND_CHOICES, LEAD_PARTNER_CHOICES
from audits.selectors.rounds import ReturnState, RoundState

_ID = {"min_value": 1, "max_value": 2**63 - 1}
_VERSION_HELP = "Send it back with a change: if it has changed since, the answer is 409."
_SENT_VERSION = "The version you read (or send If-Match)."
_COUNTER = "The return's edit counter as you read it: a change based on an older one is refused with 409."


class PlannedAuditSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    month = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    theme_id = serializers.IntegerField(read_only=True, allow_null=True)
    priority_id = serializers.IntegerField(read_only=True, allow_null=True)
    notes = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text=_VERSION_HELP)


class PlannedAuditInputSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    title = serializers.CharField(max_length=200)
    theme_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    priority_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    updated_at = serializers.DateTimeField(required=False, help_text=_SENT_VERSION)


class AuditVersionInputSerializer(serializers.Serializer):
    updated_at = serializers.DateTimeField(required=False, help_text=_SENT_VERSION)


class AuditReturnSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    case_id = serializers.IntegerField(read_only=True)
    agency_id = serializers.IntegerField(read_only=True)
    agency = serializers.CharField(read_only=True, source="agency.name")
    practitioner_id = serializers.IntegerField(read_only=True, help_text="The practitioner's membership id.")
    practitioner = serializers.CharField(read_only=True, source="practitioner.person.full_name")
    state = serializers.ChoiceField(choices=ReturnState.choices, read_only=True)
    version = serializers.IntegerField(read_only=True, help_text=_COUNTER)


class AuditCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True, help_text="A pseudonymised reference, never a name.")
    selected = serializers.BooleanField(read_only=True)
    reason = serializers.CharField(read_only=True)
    discussion_on = serializers.DateField(read_only=True, allow_null=True)
    discussion_notes = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text=_VERSION_HELP)
    returns = AuditReturnSummarySerializer(many=True, read_only=True, source="round_returns")


class AuditRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    template_version_id = serializers.IntegerField(read_only=True)
    theme_id = serializers.IntegerField(read_only=True, allow_null=True)
    planned_id = serializers.IntegerField(read_only=True, allow_null=True)
    due_on = serializers.DateField(read_only=True)
    screening_criteria = serializers.CharField(read_only=True)
    state = serializers.ChoiceField(choices=RoundState.choices, read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text=_VERSION_HELP)


class AuditRoundDetailSerializer(AuditRoundSerializer):
    screened = serializers.IntegerField(read_only=True)
    selected = serializers.IntegerField(read_only=True)
    cases = AuditCaseSerializer(many=True, read_only=True)


class AuditRoundCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    template_version_id = serializers.IntegerField(**_ID)
    due_on = serializers.DateField()
    theme_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    planned_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    screening_criteria = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class AuditRoundUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField()
    theme_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    screening_criteria = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    updated_at = serializers.DateTimeField(required=False, help_text=_SENT_VERSION)


class AuditRoundMoveSerializer(AuditVersionInputSerializer):
    to = serializers.ChoiceField(choices=RoundState.choices)


class ScreenSerializer(serializers.Serializer):
    references = serializers.ListField(
        child=serializers.CharField(max_length=100),
        min_length=1,
        max_length=1000,
        help_text="Pseudonymised references.",
    )


class CaseSelectSerializer(AuditVersionInputSerializer):
    selected = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class CaseDiscussionSerializer(AuditVersionInputSerializer):
    discussion_on = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(max_length=10000)


class AssignSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField(**_ID)
    practitioner_id = serializers.IntegerField(**_ID, help_text="The membership id of a member of that agency.")


class AuditAnswerSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(read_only=True)
    key = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    value = serializers.CharField(
        read_only=True, allow_null=True, help_text="A grade's value, yes/partly/no, a number or text."
    )
    moderated_value = serializers.IntegerField(read_only=True, allow_null=True)
    moderation_rationale = serializers.CharField(read_only=True)
    evidence = serializers.ListField(child=serializers.CharField(), read_only=True, help_text="Evidence file names.")


class AuditReturnSerializer(AuditReturnSummarySerializer):
    round_id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    sent_back_reason = serializers.CharField(read_only=True)
    answers = AuditAnswerSerializer(many=True, read_only=True)


class ReturnSaveSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(max_length=10000, allow_blank=True, allow_null=True),
        help_text="By question key: a grade's value, yes/partly/no, a number, or text; empty clears an answer.",
    )
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=_COUNTER)


class ModerateSerializer(serializers.Serializer):
    grades = serializers.DictField(
        child=serializers.CharField(max_length=10, allow_blank=True, allow_null=True),
        help_text="By graded question key: the moderated grade's value; empty agrees with the agency.",
    )
    rationales = serializers.DictField(
        child=serializers.CharField(max_length=4000, allow_blank=True), required=False, default=dict
    )
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=_COUNTER)


class AuditSendBackSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, help_text=_COUNTER)


class GradeCountSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    count = serializers.IntegerField(read_only=True)
    meets_standard = serializers.BooleanField(read_only=True)


class AgencyGradesSerializer(serializers.Serializer):
    agency = serializers.CharField(read_only=True)
    counts = serializers.ListField(child=serializers.IntegerField(), read_only=True, help_text="In the grades' order.")


class DistributionSerializer(serializers.Serializer):
    question_id = serializers.IntegerField(read_only=True)
    key = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    total = serializers.IntegerField(read_only=True)
    grades = GradeCountSerializer(many=True, read_only=True)
    by_agency = AgencyGradesSerializer(many=True, read_only=True)


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=FINDING_KIND_CHOICES, read_only=True)
    text = serializers.CharField(read_only=True)
    theme_id = serializers.IntegerField(read_only=True, allow_null=True)
    theme = serializers.CharField(read_only=True, help_text="The learning theme's name; empty when none.")
    recommendation_id = serializers.IntegerField(read_only=True, allow_null=True)


class FindingsSerializer(serializers.Serializer):
    distributions = DistributionSerializer(many=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)


class FindingInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FINDING_KIND_CHOICES)
    text = serializers.CharField(max_length=1000)
    theme_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)


class RaiseSerializer(serializers.Serializer):
    finding_ids = serializers.ListField(child=serializers.IntegerField(**_ID), min_length=1, max_length=50)
    lead_partner = serializers.ChoiceField(choices=LEAD_PARTNER_CHOICES[1:])


class DocumentQueuedSerializer(serializers.Serializer):
    version_id = serializers.IntegerField(read_only=True, help_text="Follow it at /documents/<version_id>/.")
    state = serializers.CharField(read_only=True)
