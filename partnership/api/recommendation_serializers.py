"""Shapes of the recommendations API: recommendations, rounds, learning themes, dissemination records."""

from __future__ import annotations

from rest_framework import serializers

from partnership.api.serializers import PersonSummarySerializer
from partnership.models import SignOff, StatutoryPartner
from partnership.models.recommendations import DisseminationKind, Recommendation, RecommendationSource

_ID = {"min_value": 1, "max_value": 2**63 - 1}
_VERSION_HELP = "Send it back with a change: if it has changed since, the answer is 409."


class ThemeSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)


class SourceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RecommendationSource.choices, read_only=True)
    label = serializers.CharField(read_only=True)
    id = serializers.IntegerField(read_only=True, allow_null=True, help_text="The source row's id; null for other.")
    description = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="The source's page (a path on this site); empty for other.")


class RegisteredRecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True)
    text = serializers.CharField(read_only=True)
    rationale = serializers.CharField(read_only=True)
    source = SourceSerializer(read_only=True)
    lead_partner = serializers.ChoiceField(choices=StatutoryPartner.choices, read_only=True)
    state = serializers.ChoiceField(choices=Recommendation.State.choices, read_only=True)
    overdue = serializers.BooleanField(read_only=True)
    sent_back_reason = serializers.CharField(read_only=True)
    signed_off_at = serializers.DateTimeField(read_only=True, allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    themes = ThemeSummarySerializer(many=True, read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text=_VERSION_HELP)


class RecommendationCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    rationale = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    lead_partner = serializers.ChoiceField(choices=StatutoryPartner.choices)
    source_kind = serializers.ChoiceField(choices=RecommendationSource.choices)
    source_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="The source row's id (not for other).", **_ID
    )
    source_description = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="Needed for other."
    )
    themes = serializers.ListField(
        child=serializers.IntegerField(**_ID), required=False, default=list, max_length=20, help_text="Theme ids."
    )


class RecommendationUpdateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)
    rationale = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    lead_partner = serializers.ChoiceField(choices=StatutoryPartner.choices)
    source_description = serializers.CharField(max_length=300, required=False, allow_blank=True, allow_null=True)
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class RecommendationVersionSerializer(serializers.Serializer):
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class RecommendationCloseSerializer(RecommendationVersionSerializer):
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ThemesInputSerializer(RecommendationVersionSerializer):
    themes = serializers.ListField(child=serializers.IntegerField(**_ID), max_length=20, help_text="Theme ids.")


class ReviewThemesInputSerializer(serializers.Serializer):
    themes = serializers.ListField(child=serializers.IntegerField(**_ID), max_length=20, help_text="Theme ids.")


class RoundCreateSerializer(serializers.Serializer):
    recommendations = serializers.ListField(
        child=serializers.IntegerField(**_ID), min_length=1, max_length=50, help_text="Draft or sent-back ids."
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RoundSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    requested_by = PersonSummarySerializer(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    sign_off_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Decide through /sign-offs/<id>/approve/ or /send-back/."
    )
    sign_off_state = serializers.ChoiceField(choices=SignOff.State.choices, read_only=True, allow_null=True)
    recommendations = RegisteredRecommendationSerializer(many=True, read_only=True)


class ThemeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    tag_count = serializers.IntegerField(read_only=True, help_text="How many records are tagged with it.")
    updated_at = serializers.DateTimeField(read_only=True, help_text=_VERSION_HELP)


class ThemeCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ThemeUpdateSerializer(ThemeCreateSerializer):
    is_active = serializers.BooleanField(required=False, allow_null=True, default=None)
    updated_at = serializers.DateTimeField(required=False, help_text="The version you read (or send If-Match).")


class TaggedRecordSerializer(serializers.Serializer):
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True)
    on = serializers.DateField(read_only=True, allow_null=True)
    state = serializers.CharField(read_only=True)


class ThemeDetailSerializer(ThemeSerializer):
    tagged = TaggedRecordSerializer(many=True, read_only=True, help_text="This page's tagged records you may see.")
    count = serializers.IntegerField(read_only=True, help_text="Tags of this theme in kinds you may read.")


class StoredFileSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    media_type = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)


class DisseminationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    recommendation_id = serializers.IntegerField(read_only=True, allow_null=True)
    record_key = serializers.CharField(
        read_only=True, help_text="learning_review, rapid_review...; empty if of a recommendation."
    )
    record_id = serializers.IntegerField(read_only=True, allow_null=True)
    kind = serializers.ChoiceField(choices=DisseminationKind.choices, read_only=True)
    title = serializers.CharField(read_only=True)
    on = serializers.DateField(read_only=True)
    audience = serializers.CharField(read_only=True)
    reach = serializers.IntegerField(read_only=True, allow_null=True)
    link = serializers.CharField(read_only=True)
    files = StoredFileSerializer(many=True, read_only=True)


class DisseminationQuerySerializer(serializers.Serializer):
    recommendation = serializers.IntegerField(required=False, **_ID)
    record_key = serializers.CharField(required=False, max_length=40)
    record_id = serializers.IntegerField(required=False, **_ID)


class DisseminationCreateSerializer(DisseminationQuerySerializer):
    kind = serializers.ChoiceField(choices=DisseminationKind.choices)
    title = serializers.CharField(max_length=200)
    on = serializers.DateField()
    audience = serializers.CharField(max_length=300)
    reach = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10_000_000, default=None)
    link = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_null=True, default=None, allow_empty_file=True)


class OutcomesRowInputSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The outcomes form row's id.", **_ID)
    lead_partner = serializers.ChoiceField(choices=StatutoryPartner.choices)
    themes = serializers.ListField(child=serializers.IntegerField(**_ID), required=False, default=list, max_length=20)


class OutcomesConversionSerializer(serializers.Serializer):
    rows = OutcomesRowInputSerializer(many=True, help_text="Every row not yet made into a recommendation.")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OutcomesRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    action = serializers.CharField(read_only=True)
    person_responsible = serializers.CharField(read_only=True)
    timeframe = serializers.CharField(read_only=True)
    recommendations = RegisteredRecommendationSerializer(many=True, read_only=True)


class OutcomesConversionResultSerializer(serializers.Serializer):
    rows = OutcomesRowSerializer(many=True, read_only=True)
    round_id = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="The round just put to the partners; null when nothing was left."
    )
