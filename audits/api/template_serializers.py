"""Serializers of the audit templates API."""

from __future__ import annotations

from rest_framework import serializers

from audits.selectors.access import QuestionKind, TemplateKind, VersionState

_ID = {"min_value": 1, "max_value": 2**63 - 1}
_VERSION_HELP = "Send it back with a change: if it has changed since, the answer is 409."
_SENT_VERSION = "The version you read (or send If-Match)."


class ScaleOptionSerializer(serializers.Serializer):
    value = serializers.IntegerField(read_only=True)
    label = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    meets_standard = serializers.BooleanField(read_only=True, help_text="Counted as a strength in findings.")


class ScaleSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    key = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    options = ScaleOptionSerializer(many=True, read_only=True, source="options.all")


class QuestionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    key = serializers.CharField(read_only=True, help_text="Stable across versions: answers carry forward by it.")
    text = serializers.CharField(read_only=True)
    guidance = serializers.CharField(read_only=True)
    kind = serializers.ChoiceField(choices=QuestionKind.choices, read_only=True)
    scale_id = serializers.IntegerField(read_only=True, allow_null=True)
    required = serializers.BooleanField(read_only=True)
    position = serializers.IntegerField(read_only=True)


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    key = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    guidance = serializers.CharField(read_only=True)
    position = serializers.IntegerField(read_only=True)
    questions = QuestionSerializer(many=True, read_only=True, source="questions.all")


class VersionSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    number = serializers.IntegerField(read_only=True)
    state = serializers.ChoiceField(choices=VersionState.choices, read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text=_VERSION_HELP)


class VersionSerializer(VersionSummarySerializer):
    template_id = serializers.IntegerField(read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    scales = ScaleSerializer(many=True, read_only=True, help_text="The scales the grade questions use.")


class TemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = serializers.ChoiceField(choices=TemplateKind.choices, read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    builtin_key = serializers.CharField(read_only=True, help_text="The built-in it was copied from; empty if none.")
    is_archived = serializers.BooleanField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True, help_text=_VERSION_HELP)


class TemplateDetailSerializer(TemplateSerializer):
    versions = VersionSummarySerializer(many=True, read_only=True)


class TemplateCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=TemplateKind.choices)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class TemplateCopySerializer(serializers.Serializer):
    builtin_key = serializers.CharField(max_length=60, help_text="multi-agency-case-audit, section-11...")


class TemplateUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    is_archived = serializers.BooleanField(required=False, allow_null=True, default=None)
    updated_at = serializers.DateTimeField(required=False, help_text=_SENT_VERSION)


class DraftVersionInputSerializer(serializers.Serializer):
    updated_at = serializers.DateTimeField(required=False, help_text="The draft version's updated_at you read.")


class SectionInputSerializer(DraftVersionInputSerializer):
    title = serializers.CharField(max_length=200)
    guidance = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class QuestionInputSerializer(DraftVersionInputSerializer):
    text = serializers.CharField(max_length=500)
    guidance = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    scale_id = serializers.IntegerField(required=False, allow_null=True, default=None, **_ID)
    required = serializers.BooleanField(required=False, default=True)
