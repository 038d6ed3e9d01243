"""Shapes of the incident and rapid review API.

Children appear by pseudonym. Their name, date of birth and address are
included only when the view has revealed them for a business manager or a
partner lead (``child_identity_reveal``, which logs the view); for anyone
else the keys are absent, not null.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnership.api.serializers import AgencySummarySerializer, PartnershipAgencyField
from reviews.models import MAX_CHILDREN_PER_INCIDENT, Child, HarmOutcome, RapidReview, SeriousIncident
from reviews.services.incidents import (
    CHILD_ADDRESS_MAX_LENGTH,
    CHILD_NAME_MAX_LENGTH,
    TOO_MANY_CHILDREN,
    ChildIdentity,
)

# --- Output -----------------------------------------------------------------------------


class ChildSerializer(serializers.Serializer):
    """A child as the API shows it (documentation only: ``IncidentSerializer.get_children`` builds the rows).

    Not read-only, so that the schema can say the identity keys are optional:
    they are absent, not null, for callers who may not see them.
    """

    id = serializers.IntegerField()
    position = serializers.IntegerField()
    pseudonym = serializers.CharField()
    name = serializers.CharField(
        required=False, help_text="Business managers and partner leads only; each view is logged."
    )
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, help_text="Business managers and partner leads only."
    )
    address = serializers.CharField(required=False, help_text="Business managers and partner leads only.")


class ChildDetailSerializer(ChildSerializer):
    """One child, with the incident it belongs to and the version to send back with a correction.

    Documentation only, like ``ChildSerializer``: ``child_detail_row`` builds the answer.
    """

    incident_id = serializers.IntegerField()
    updated_at = serializers.DateTimeField(
        help_text="Send it back with a correction to be told (409) if someone else corrected the identity first."
    )


def child_row(child: Child, identity: ChildIdentity | None = None) -> dict:
    """A child as the API shows it: the identity keys only with an identity revealed (and logged) for the caller."""
    row = {"id": child.pk, "position": child.position, "pseudonym": child.pseudonym}
    if identity is not None:
        row |= {
            "name": identity.name,
            "date_of_birth": identity.date_of_birth.isoformat() if identity.date_of_birth else None,
            "address": identity.address,
        }
    return row


def child_detail_row(child: Child, identity: ChildIdentity | None = None) -> dict:
    """``ChildDetailSerializer``'s shape, built here so that the identity keys stay absent, not null."""
    return {
        **child_row(child, identity),
        "incident_id": child.incident_id,
        "updated_at": serializers.DateTimeField().to_representation(child.updated_at),
    }


class IncidentSerializer(serializers.Serializer):
    """An incident. ``children`` carry identities only where the caller may see them (detail only)."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    incident_on = serializers.DateField(read_only=True)
    la_aware_on = serializers.DateField(read_only=True)
    panel_notified_on = serializers.DateField(read_only=True)
    notification_working_days = serializers.IntegerField(
        read_only=True, help_text="Working days from the local authority becoming aware to notifying the Panel."
    )
    notified_late = serializers.BooleanField(read_only=True, help_text="More than 5 working days.")
    outcome = serializers.ChoiceField(choices=HarmOutcome.choices, read_only=True)
    child_looked_after = serializers.BooleanField(read_only=True)
    summary = serializers.CharField(read_only=True)
    referring_agency = AgencySummarySerializer(read_only=True)
    agencies = serializers.SerializerMethodField()
    children = serializers.SerializerMethodField()
    rapid_review_id = serializers.IntegerField(source="rapid_review.pk", read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change to be told (409) if someone else changed it first."
    )

    @extend_schema_field(AgencySummarySerializer(many=True))
    def get_agencies(self, incident: SeriousIncident) -> list[dict]:
        return AgencySummarySerializer(sorted(incident.agencies.all(), key=lambda a: a.name), many=True).data

    @extend_schema_field(ChildSerializer(many=True))
    def get_children(self, incident: SeriousIncident) -> list[dict]:
        identities = {i.child_id: i for i in self.context.get("identities", [])}
        return [child_row(child, identities.get(child.pk)) for child in incident.children.all()]


class MilestonesSerializer(serializers.Serializer):
    scoping_due_on = serializers.DateField(read_only=True, help_text="Working day 2: scoping requests sent.")
    returns_due_on = serializers.DateField(read_only=True, help_text="Working day 5: agencies' returns due.")
    meeting_window_opens_on = serializers.DateField(read_only=True, help_text="Working day 7.")
    meeting_window_closes_on = serializers.DateField(read_only=True, help_text="Working day 13.")
    panel_submission_due_on = serializers.DateField(
        read_only=True, help_text="Working day 15: the rapid review to the national Panel."
    )


class IncidentSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    incident_on = serializers.DateField(read_only=True)
    la_aware_on = serializers.DateField(read_only=True)
    panel_notified_on = serializers.DateField(read_only=True)
    notified_late = serializers.BooleanField(read_only=True)
    outcome = serializers.ChoiceField(choices=HarmOutcome.choices, read_only=True)


class RapidReviewSerializer(serializers.Serializer):
    """A rapid review with its computed milestone dates and working days left (from the view's context)."""

    id = serializers.IntegerField(read_only=True)
    incident = IncidentSummarySerializer(read_only=True)
    state = serializers.ChoiceField(choices=RapidReview.State.choices, read_only=True)
    milestones = serializers.SerializerMethodField()
    days_remaining = serializers.SerializerMethodField(
        help_text="Working days until the Panel submission is due (negative: overdue); null once sent."
    )
    overdue = serializers.SerializerMethodField()
    meeting_on = serializers.DateField(read_only=True, allow_null=True, help_text="Null until the meeting is set.")
    sent_to_panel_on = serializers.DateField(read_only=True, allow_null=True, help_text="Null until sent.")
    working_days_taken = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="From the notification to the Panel; null until sent."
    )
    request_count = serializers.IntegerField(read_only=True, default=0, help_text="Requests not withdrawn.")
    submitted_count = serializers.IntegerField(read_only=True, default=0)
    updated_at = serializers.DateTimeField(read_only=True)

    @extend_schema_field(MilestonesSerializer)
    def get_milestones(self, review: RapidReview) -> dict:
        return MilestonesSerializer(review).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_remaining(self, review: RapidReview) -> int | None:
        if review.sent_to_panel_on is not None:
            return None
        return self.context["calendar"].working_days_between(self.context["today"], review.panel_submission_due_on)

    @extend_schema_field(serializers.BooleanField())
    def get_overdue(self, review: RapidReview) -> bool:
        left = self.get_days_remaining(review)
        return left is not None and left < 0


class TimelineStepSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["scoping", "returns", "meeting", "panel"], read_only=True)
    label = serializers.CharField(read_only=True)
    day = serializers.CharField(read_only=True)
    due_on = serializers.DateField(read_only=True)
    opens_on = serializers.DateField(read_only=True, allow_null=True)
    done = serializers.BooleanField(read_only=True)
    done_on = serializers.DateField(read_only=True, allow_null=True)
    days_remaining = serializers.IntegerField(read_only=True, help_text="Negative: overdue by that many working days.")
    overdue = serializers.BooleanField(read_only=True)


class RapidReviewDetailSerializer(RapidReviewSerializer):
    timeline = serializers.SerializerMethodField()

    @extend_schema_field(TimelineStepSerializer(many=True))
    def get_timeline(self, review: RapidReview) -> list[dict]:
        return TimelineStepSerializer(self.context["timeline"], many=True).data


# --- Input ------------------------------------------------------------------------------


class ChildInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=CHILD_NAME_MAX_LENGTH)
    date_of_birth = serializers.DateField(required=False, allow_null=True, input_formats=["%Y-%m-%d"])
    address = serializers.CharField(max_length=CHILD_ADDRESS_MAX_LENGTH, required=False, allow_blank=True, default="")


class ChildUpdateSerializer(serializers.Serializer):
    """A correction of a child's identity: what is left out keeps its current value."""

    name = serializers.CharField(max_length=CHILD_NAME_MAX_LENGTH, required=False)
    date_of_birth = serializers.DateField(
        required=False, allow_null=True, input_formats=["%Y-%m-%d"], help_text="null clears it."
    )
    address = serializers.CharField(max_length=CHILD_ADDRESS_MAX_LENGTH, required=False, allow_blank=True)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read. If the identity has changed since, nothing is saved and the answer is 409.",
    )


_REFERENCE_MAX = SeriousIncident._meta.get_field("reference").max_length
_SUMMARY_MAX = SeriousIncident._meta.get_field("summary").max_length


class IncidentCreateSerializer(serializers.Serializer):
    reference = serializers.CharField(
        max_length=_REFERENCE_MAX,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Leave it out to number the incident SI-<year>-<nnn>.",
    )
    incident_on = serializers.DateField(input_formats=["%Y-%m-%d"])
    la_aware_on = serializers.DateField(input_formats=["%Y-%m-%d"])
    panel_notified_on = serializers.DateField(input_formats=["%Y-%m-%d"])
    outcome = serializers.ChoiceField(choices=HarmOutcome.choices)
    child_looked_after = serializers.BooleanField(required=False, default=False)
    summary = serializers.CharField(max_length=_SUMMARY_MAX, required=False, allow_blank=True, default="")
    referring_agency = PartnershipAgencyField()
    agencies = serializers.ListField(child=PartnershipAgencyField(), required=False, default=list, max_length=200)
    children = ChildInputSerializer(
        many=True,
        help_text="One to four children: Child A to D in this order. Their identities are stored encrypted.",
    )

    def validate_children(self, value: list) -> list:
        # Here rather than the list's own min/max, so the message sits on "children" like the page's.
        if len(value) > MAX_CHILDREN_PER_INCIDENT:
            raise serializers.ValidationError(TOO_MANY_CHILDREN)
        if not value:
            raise serializers.ValidationError("Name at least one child.")
        return value


class IncidentUpdateSerializer(serializers.Serializer):
    """Every field optional: what is left out keeps its current value. Children are not changed here."""

    reference = serializers.CharField(max_length=_REFERENCE_MAX, required=False)
    incident_on = serializers.DateField(input_formats=["%Y-%m-%d"], required=False)
    la_aware_on = serializers.DateField(input_formats=["%Y-%m-%d"], required=False)
    panel_notified_on = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        required=False,
        help_text="Moving it recomputes every milestone of the rapid review.",
    )
    outcome = serializers.ChoiceField(choices=HarmOutcome.choices, required=False)
    child_looked_after = serializers.BooleanField(required=False)
    summary = serializers.CharField(max_length=_SUMMARY_MAX, required=False, allow_blank=True)
    referring_agency = PartnershipAgencyField(required=False)
    agencies = serializers.ListField(child=PartnershipAgencyField(), required=False, max_length=200)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read. If the incident has changed since, nothing is saved and the answer is 409.",
    )
