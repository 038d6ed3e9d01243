"""Shapes of the rapid review meeting, decision, sign-off, Panel and timeliness endpoints.

Input serializers check types and lengths only; the rules (quorum, methodology
for another learning review, a reason for each criterion, dates in order) live
in the services, whose ``ValidationError`` the exception handler turns into the
same ``{field: [messages]}`` shape.
"""

from __future__ import annotations

from rest_framework import serializers

from partnership.api.serializers import AgencySummarySerializer, PartnershipAgencyField, PersonSummarySerializer
from partnership.api.signoff import SignOffActionSerializer  # one shape of a sign-off action, kernel's
from partnership.models import Membership, SignOff, StatutoryPartner
from reviews.models import DecisionOutcome, MeetingAttendee, Methodology, RapidReview, RapidReviewDecision
from reviews.selectors.decision import attendee_member_choices

_TEXT = RapidReviewDecision._meta.get_field("reason_panel_view").max_length
_NAME = MeetingAttendee._meta.get_field("name").max_length
_DELAY = RapidReview._meta.get_field("delay_reason").max_length


def _partner_field(**kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=StatutoryPartner.choices, **kwargs)


# --- Output -----------------------------------------------------------------------------------


class AttendeeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    job_title = serializers.CharField(read_only=True)
    agency = AgencySummarySerializer(read_only=True)
    represents = serializers.ChoiceField(
        choices=StatutoryPartner.choices,
        allow_blank=True,
        read_only=True,
        help_text="The statutory partner they speak for (what quorum counts); empty: none of the three.",
    )
    person = PersonSummarySerializer(read_only=True, allow_null=True, help_text="The member, when one was picked.")


class MeetingSerializer(serializers.Serializer):
    rapid_review_id = serializers.IntegerField(read_only=True)
    state = serializers.ChoiceField(choices=RapidReview.State.choices, read_only=True)
    meeting_on = serializers.DateField(read_only=True, allow_null=True)
    meeting_window_opens_on = serializers.DateField(read_only=True)
    meeting_window_closes_on = serializers.DateField(read_only=True)
    window_warning = serializers.CharField(
        read_only=True, help_text="Set when the meeting falls outside working days 7 to 13 or on a non-working day."
    )
    quorate = serializers.BooleanField(read_only=True)
    missing_partners = serializers.ListField(child=_partner_field(), read_only=True)
    quorum_message = serializers.CharField(read_only=True)
    attendees = AttendeeSerializer(many=True, read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text="The rapid review's version: send it back with a new date to be told (409) of a change since.",
    )


class DecisionSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices, read_only=True)
    methodology = serializers.ChoiceField(choices=Methodology.choices, allow_blank=True, read_only=True)
    reason_improvements_needed = serializers.CharField(read_only=True)
    reason_recurrent_themes = serializers.CharField(read_only=True)
    reason_agencies_working_together = serializers.CharField(read_only=True)
    reason_panel_view = serializers.CharField(read_only=True)
    immediate_actions = serializers.CharField(read_only=True)
    recorded_by = PersonSummarySerializer(read_only=True, allow_null=True)
    recorded_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change to be told (409) if someone else changed it first."
    )


class PartnerSignOffSerializer(serializers.Serializer):
    partner = _partner_field(read_only=True)
    action = SignOffActionSerializer(read_only=True, allow_null=True, help_text="Null: not decided this round.")
    you_may_act = serializers.BooleanField(read_only=True, source="viewer_may_act")


class SignOffSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=SignOff.State.choices, read_only=True)
    round = serializers.IntegerField(read_only=True)
    completed_at = serializers.DateTimeField(read_only=True, allow_null=True)


class DecisionStatusSerializer(serializers.Serializer):
    """The decision of one rapid review with everything around it: quorum, sign-off, the Panel."""

    rapid_review_id = serializers.IntegerField(read_only=True)
    state = serializers.ChoiceField(choices=RapidReview.State.choices, read_only=True)
    meeting_on = serializers.DateField(read_only=True, allow_null=True)
    quorate = serializers.BooleanField(read_only=True)
    missing_partners = serializers.ListField(child=_partner_field(), read_only=True)
    quorum_message = serializers.CharField(read_only=True)
    decision = DecisionSerializer(
        read_only=True, allow_null=True, help_text="Null until the meeting's decision is recorded."
    )
    sign_off = SignOffSerializer(read_only=True, allow_null=True)
    partners = PartnerSignOffSerializer(many=True, read_only=True, help_text="Each partner in the current round.")
    sign_off_history = SignOffActionSerializer(many=True, read_only=True, help_text="Every round, oldest first.")
    panel_submission_due_on = serializers.DateField(read_only=True)
    sent_to_panel_on = serializers.DateField(read_only=True, allow_null=True)
    working_days_taken = serializers.IntegerField(read_only=True, allow_null=True)
    delay_reason = serializers.CharField(read_only=True)


class DelaySerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    working_days_taken = serializers.IntegerField(read_only=True)
    reason = serializers.CharField(read_only=True)
    still_open = serializers.BooleanField(
        read_only=True, help_text="Not yet sent: working_days_taken is the working days so far, past day 15."
    )


class QuarterTimelinessSerializer(serializers.Serializer):
    year = serializers.IntegerField(read_only=True)
    quarter = serializers.IntegerField(read_only=True, help_text="1: January to March ... 4: October to December.")
    label = serializers.CharField(read_only=True)
    notified = serializers.IntegerField(read_only=True, help_text="Rapid reviews notified to the Panel in the quarter.")
    completed = serializers.IntegerField(read_only=True, help_text="Of those, sent to the Panel.")
    completed_on_time = serializers.IntegerField(read_only=True, help_text="Sent within 15 working days.")
    late = serializers.IntegerField(
        read_only=True, help_text="Sent after 15 working days, or still open with day 15 passed (as of today)."
    )
    open_past_due = serializers.IntegerField(read_only=True, help_text="Of the late ones, those still open.")
    in_progress = serializers.IntegerField(read_only=True, help_text="Still open and not yet due.")
    notified_late = serializers.IntegerField(
        read_only=True, help_text="The Panel was notified more than 5 working days after the local authority knew."
    )
    share_on_time = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="completed_on_time / (completed_on_time + late); null when none is known yet.",
    )
    median_working_days = serializers.FloatField(read_only=True, allow_null=True)
    delays = DelaySerializer(many=True, read_only=True, help_text="Each late review with its recorded reason.")


class TimelinessQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=1900, max_value=2100, help_text="Only reviews notified in this calendar year."
    )


# --- Input --------------------------------------------------------------------------------------


class MeetingDateInputSerializer(serializers.Serializer):
    meeting_on = serializers.DateField()
    updated_at = serializers.DateTimeField(
        required=False, help_text="The rapid review's updated_at you read; if it changed since, 409 and nothing saved."
    )


class PartnershipMemberField(serializers.PrimaryKeyRelatedField):
    """A membership id among this partnership's active members; another partnership's id is "not found"."""

    default_error_messages = {
        "does_not_exist": "Member not found in this partnership.",
        "incorrect_type": "Give the member's id as a number.",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Membership.objects.none(), **kwargs)

    def get_queryset(self):
        return attendee_member_choices(partnership=self.context["partnership"])


class AttendeeInputSerializer(serializers.Serializer):
    member = PartnershipMemberField(
        required=False,
        allow_null=True,
        help_text="A member's id (GET /members/): their name, job title and agency fill in what is left out.",
    )
    name = serializers.CharField(max_length=_NAME, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=_NAME, required=False, allow_blank=True)
    agency = PartnershipAgencyField(required=False, allow_null=True)
    represents = serializers.ChoiceField(
        choices=StatutoryPartner.choices,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text='Left out or null: the agency\'s own statutory role; "": none of the three partners.',
    )


class DecisionInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=DecisionOutcome.choices)
    methodology = serializers.ChoiceField(
        choices=Methodology.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text='Required when outcome is "learning_review"; ignored otherwise.',
    )
    reason_improvements_needed = serializers.CharField(max_length=_TEXT, allow_blank=True, trim_whitespace=True)
    reason_recurrent_themes = serializers.CharField(max_length=_TEXT, allow_blank=True)
    reason_agencies_working_together = serializers.CharField(max_length=_TEXT, allow_blank=True)
    reason_panel_view = serializers.CharField(max_length=_TEXT, allow_blank=True)
    immediate_actions = serializers.CharField(max_length=_TEXT, allow_blank=True, required=False, default="")
    updated_at = serializers.DateTimeField(
        required=False, help_text="The decision's updated_at you read; if it changed since, 409 and nothing saved."
    )


class SignOffInputSerializer(serializers.Serializer):
    partner = serializers.ChoiceField(
        choices=StatutoryPartner.choices,
        required=False,
        allow_null=True,
        help_text="The partner you decide for; needed only when you lead more than one.",
    )


class SendBackInputSerializer(SignOffInputSerializer):
    comment = serializers.CharField(max_length=4000, allow_blank=True, help_text="Why it is sent back (required).")


class SentToPanelInputSerializer(serializers.Serializer):
    sent_on = serializers.DateField()
    delay_reason = serializers.CharField(
        max_length=_DELAY,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when sent more than 15 working days after the Panel was notified.",
    )
