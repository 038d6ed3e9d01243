"""Shapes of the API's input and output.

Input serializers check types and lengths only (lengths match the model
columns, so an oversized value is a field error, never a database error);
the rules of the domain live in the services, whose ``ValidationError``
the exception handler turns into the same ``{field: [messages]}`` shape.
"""

from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnership import selectors
from partnership.models import Agency, AgencyType, Membership, Nation, Role, StatutoryPartner
from partnership.working_days import FIRST_YEAR, LAST_YEAR, MAX_WORKING_DAYS

# --- Output -----------------------------------------------------------------------

# The roles a membership holds, sorted: what get_roles below returns.
RolesField = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), read_only=True)


class AgencySummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class PartnershipSummarySerializer(serializers.Serializer):
    """One of the person's partnerships, with their place in it."""

    slug = serializers.CharField(source="partnership.slug", read_only=True)
    name = serializers.CharField(source="partnership.name", read_only=True)
    nation = serializers.ChoiceField(source="partnership.nation", choices=Nation.choices, read_only=True)
    roles = serializers.SerializerMethodField()
    agency = AgencySummarySerializer(read_only=True)

    @extend_schema_field(RolesField)
    def get_roles(self, membership) -> list[str]:
        return sorted(membership.role_set)


class StatutoryPartnerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StatutoryPartner.choices, read_only=True)
    agency = AgencySummarySerializer(read_only=True)


class ClosureDaySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True, help_text="Remove it at /closure-days/<id>/.")
    date = serializers.DateField(read_only=True)
    reason = serializers.CharField(read_only=True)


class PartnershipDetailSerializer(serializers.Serializer):
    slug = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    nation = serializers.ChoiceField(choices=Nation.choices, read_only=True)
    your_roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), read_only=True)
    your_agency = AgencySummarySerializer(read_only=True)
    statutory_partners = StatutoryPartnerSerializer(many=True, read_only=True)
    closure_days = ClosureDaySerializer(many=True, read_only=True)


class AgencySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    agency_type = serializers.ChoiceField(choices=AgencyType.choices, read_only=True)
    statutory_partner = serializers.ChoiceField(choices=StatutoryPartner.choices, read_only=True, allow_blank=True)
    is_active = serializers.BooleanField(read_only=True)
    member_count = serializers.IntegerField(read_only=True, default=0)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change to be told (409) if someone else changed it first."
    )


class PersonSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    person = PersonSummarySerializer(read_only=True)
    agency = AgencySummarySerializer(read_only=True)
    roles = serializers.SerializerMethodField()
    job_title = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text=(
            "Moves on with any change, of roles too. Send it back with a change to be told (409) "
            "if someone else changed the member first."
        ),
    )

    @extend_schema_field(RolesField)
    def get_roles(self, membership) -> list[str]:
        return sorted(membership.role_set)


class WorkingDaysSerializer(serializers.Serializer):
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    working_days = serializers.IntegerField(
        read_only=True, help_text="Working days after start, up to and including end."
    )
    start_is_working_day = serializers.BooleanField(read_only=True)
    end_is_working_day = serializers.BooleanField(read_only=True)


# --- Input ------------------------------------------------------------------------


class AgencyCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=Agency._meta.get_field("name").max_length)
    agency_type = serializers.ChoiceField(choices=AgencyType.choices)
    statutory_partner = serializers.ChoiceField(
        choices=StatutoryPartner.choices,
        allow_blank=True,
        default="",
        help_text="Leave empty unless this agency is the partnership's statutory partner of its kind.",
    )


class AgencyUpdateSerializer(AgencyCreateSerializer):
    """Every field optional: what is left out keeps its current value."""

    name = serializers.CharField(max_length=Agency._meta.get_field("name").max_length, required=False)
    agency_type = serializers.ChoiceField(choices=AgencyType.choices, required=False)
    statutory_partner = serializers.ChoiceField(choices=StatutoryPartner.choices, allow_blank=True, required=False)
    is_active = serializers.BooleanField(required=False)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read. If the agency has changed since, nothing is saved and the answer is 409.",
    )


class PartnershipAgencyField(serializers.PrimaryKeyRelatedField):
    """An agency id, looked up among this partnership's agencies only.

    Another partnership's id gets the same error as an id that does not exist.
    """

    default_error_messages = {
        "does_not_exist": "Agency not found in this partnership.",
        "incorrect_type": "Give the agency's id as a number.",
    }

    def __init__(self, **kwargs) -> None:
        # The model for schema generation; the real rows come from get_queryset.
        super().__init__(queryset=Agency.objects.none(), **kwargs)

    def get_queryset(self):
        return selectors.agency_list(partnership=self.context["partnership"])


class MemberUpdateSerializer(serializers.Serializer):
    """Every field optional: what is left out keeps its current value."""

    agency = PartnershipAgencyField(required=False)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices), max_length=len(Role.choices), required=False
    )
    job_title = serializers.CharField(
        max_length=Membership._meta.get_field("job_title").max_length, allow_blank=True, required=False
    )
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read. If the member has changed since, nothing is saved and the answer is 409.",
    )


# The years the bank-holiday data covers: outside them the calendar refuses to count.
EARLIEST_DATE = date(FIRST_YEAR, 1, 1)
LATEST_DATE = date(LAST_YEAR, 12, 31)
# As many calendar days as MAX_WORKING_DAYS working days span, about 19 years.
MAX_SPAN_DAYS = MAX_WORKING_DAYS * 7 // 5


def _within_supported_years(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise serializers.ValidationError(f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}.")
    return value


class WorkingDaysQuerySerializer(serializers.Serializer):
    start = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        validators=[_within_supported_years],
        help_text="Day 0, as YYYY-MM-DD.",
    )
    days = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        help_text="Working days to add to start. Give either days or end.",
    )
    end = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[_within_supported_years],
        help_text="Count the working days from start to this date (YYYY-MM-DD). Give either days or end.",
    )

    def validate(self, attrs):
        has_days, has_end = "days" in attrs, "end" in attrs
        if has_days == has_end:
            raise serializers.ValidationError(
                {"days": ["Give either days (to find a date) or end (to count working days), not both or neither."]}
            )
        if has_end and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["Give an end date on or after the start date."]})
        if has_end and (attrs["end"] - attrs["start"]).days > MAX_SPAN_DAYS:
            raise serializers.ValidationError(
                {"end": [f"Give an end date at most {MAX_SPAN_DAYS} days after the start date."]}
            )
        return attrs
