"""Shapes of the learning review API's input and output.

Input serializers check types, lengths (matching the columns, so an oversized
value is a field error) and the outcomes form's 300-word limits (the same
``reviews.words`` the pages and the service use); the workflow rules live in
``reviews.services.learning_review`` and come back as the same
``{field: [messages]}``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from partnership.api.serializers import AgencySummarySerializer, PersonSummarySerializer
from partnership.models import Person
from reviews.models import (
    OUTCOMES_WORD_LIMIT,
    LearningReview,
    Methodology,
    OutcomeComment,
    OutcomeRecommendation,
    OutcomesForm,
    Publication,
)
from reviews.selectors.learning_review import (
    COMMENT_SECTIONS,
    FORM_TEXT_FIELDS,
    SECTIONS_BY_NAME,
    WORD_LIMITED_FIELDS,
    lead_author_choices,
)
from reviews.services.learning_review import MAX_RECOMMENDATIONS
from reviews.words import word_count, word_limit_error

# --- Output -----------------------------------------------------------------------------------------------


class ContributorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    person = PersonSummarySerializer(read_only=True)
    agency = AgencySummarySerializer(read_only=True)
    attended_event = serializers.BooleanField(read_only=True)
    unable_to_contribute = serializers.BooleanField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back (or If-Match) with a change: 409 if someone changed it first."
    )


class LearningReviewSerializer(serializers.Serializer):
    """A learning review as listed: its plan, timescales, state and publication decision."""

    id = serializers.IntegerField(read_only=True)
    reference = serializers.CharField(read_only=True, help_text='"LR-<year>-<nnn>", numbered per partnership.')
    title = serializers.CharField(read_only=True)
    methodology = serializers.ChoiceField(choices=Methodology.choices, read_only=True)
    state = serializers.ChoiceField(choices=LearningReview.State.choices, read_only=True)
    rapid_review_id = serializers.IntegerField(read_only=True, allow_null=True)
    scope = serializers.CharField(read_only=True)
    key_lines_of_enquiry = serializers.CharField(read_only=True)
    information_due_on = serializers.DateField(read_only=True)
    report_due_on = serializers.DateField(read_only=True)
    lead_author = PersonSummarySerializer(read_only=True)
    practitioner_event_on = serializers.DateField(read_only=True, allow_null=True)
    practitioner_event_details = serializers.CharField(read_only=True)
    comments_due_on = serializers.DateField(read_only=True, allow_null=True)
    publication = serializers.ChoiceField(choices=Publication.choices, read_only=True, allow_blank=True)
    publication_reasons = serializers.CharField(read_only=True)
    finalised_at = serializers.DateTimeField(read_only=True, allow_null=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a change to be told (409) if someone else changed it first."
    )


class LearningReviewListItemSerializer(LearningReviewSerializer):
    contributor_count = serializers.IntegerField(read_only=True)
    request_count = serializers.IntegerField(read_only=True, help_text="Agency information requests not withdrawn.")
    submitted_count = serializers.IntegerField(read_only=True, help_text="Of those, returns submitted.")


class InformationRequestSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    agency = AgencySummarySerializer(read_only=True)
    assignee = PersonSummarySerializer(read_only=True)
    due_on = serializers.DateField(read_only=True)
    state = serializers.CharField(read_only=True)


class LearningReviewDetailSerializer(LearningReviewSerializer):
    contributors = ContributorSerializer(many=True, read_only=True)
    requests = InformationRequestSummarySerializer(many=True, read_only=True)


class RecommendationSerializer(serializers.Serializer):
    """A SMART row: all three columns are required. ``id`` keeps a saved row (stable across edits); none: a new row."""

    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="The saved row this is (from a read of the form): it is updated in place and keeps its id. "
        "Left out or null: a new row. A saved row not sent is deleted.",
    )
    action = serializers.CharField(
        max_length=OutcomeRecommendation._meta.get_field("action").max_length,
        error_messages={"blank": "Enter the action: a SMART row needs all three.", "required": "Enter the action."},
    )
    person_responsible = serializers.CharField(
        max_length=OutcomeRecommendation._meta.get_field("person_responsible").max_length,
        error_messages={
            "blank": "Enter the person responsible: a SMART row needs all three.",
            "required": "Enter the person responsible.",
        },
    )
    timeframe = serializers.CharField(
        max_length=OutcomeRecommendation._meta.get_field("timeframe").max_length,
        error_messages={
            "blank": "Enter the timeframe: a SMART row needs all three.",
            "required": "Enter the timeframe.",
        },
    )


class WordCountsSerializer(serializers.Serializer):
    synopsis = serializers.IntegerField(read_only=True)
    key_findings = serializers.IntegerField(read_only=True)
    limit = serializers.IntegerField(read_only=True)


def _text_output_fields() -> dict:
    return {
        name: serializers.CharField(read_only=True, help_text=SECTIONS_BY_NAME[name].heading)
        for name in FORM_TEXT_FIELDS
    }


class OutcomesFormSerializer(serializers.Serializer):
    """The Learning Review Outcomes Form: every field of seed 003's appendix (the lead author is the review's)."""

    learning_review_id = serializers.IntegerField(read_only=True)
    state = serializers.ChoiceField(choices=LearningReview.State.choices, read_only=True)
    editable = serializers.BooleanField(read_only=True, help_text="Whether you may change it now.")
    lead_author = PersonSummarySerializer(read_only=True)
    review_date = serializers.DateField(
        read_only=True, allow_null=True, help_text=SECTIONS_BY_NAME["review_date"].heading
    )
    recommendations = RecommendationSerializer(many=True, read_only=True)
    word_counts = WordCountsSerializer(read_only=True)
    updated_at = serializers.DateTimeField(
        read_only=True, help_text="Send it back with a PUT: if the form has changed since, the answer is 409."
    )

    def get_fields(self):
        fields = super().get_fields()
        for name, field in _text_output_fields().items():
            fields[name] = field
        return fields


def outcomes_form_data(*, form: OutcomesForm, review: LearningReview, editable: bool) -> dict:
    return {
        "learning_review_id": review.pk,
        "state": review.state,
        "editable": editable,
        "lead_author": review.lead_author,
        "review_date": form.review_date,
        "recommendations": list(form.recommendations.all()),
        "word_counts": {
            "synopsis": word_count(form.synopsis),
            "key_findings": word_count(form.key_findings),
            "limit": OUTCOMES_WORD_LIMIT,
        },
        "updated_at": form.updated_at,
        **{name: getattr(form, name) for name in FORM_TEXT_FIELDS},
    }


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    section = serializers.ChoiceField(
        choices=COMMENT_SECTIONS, read_only=True, help_text="A field of the form, or empty for the whole form."
    )
    section_heading = serializers.SerializerMethodField()
    body = serializers.CharField(read_only=True)
    author = PersonSummarySerializer(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    late = serializers.BooleanField(
        read_only=True, help_text="Made after the comments due date: accepted, marked late."
    )

    @extend_schema_field(serializers.CharField())
    def get_section_heading(self, comment: OutcomeComment) -> str:
        return (
            SECTIONS_BY_NAME[comment.section].heading if comment.section in SECTIONS_BY_NAME else "The form as a whole"
        )


# --- Input --------------------------------------------------------------------------------------------------


class PartnershipMemberField(serializers.PrimaryKeyRelatedField):
    """A person's id, among the active members of this partnership only (another's is "not found")."""

    default_error_messages = {
        "does_not_exist": "No active member of this partnership has this id.",
        "incorrect_type": "Give the person's id as a number.",
    }

    def __init__(self, **kwargs) -> None:
        super().__init__(queryset=Person.objects.none(), **kwargs)

    def get_queryset(self):
        return lead_author_choices(partnership=self.context["partnership"])


def _limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


class LearningReviewCreateSerializer(serializers.Serializer):
    rapid_review_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=(
            "Open the review a rapid review decided on (its decision must be another learning review, signed off): "
            "the decision's methodology is used and methodology is ignored."
        ),
    )
    methodology = serializers.ChoiceField(choices=Methodology.choices, required=False)
    title = serializers.CharField(max_length=_limit(LearningReview, "title"))
    scope = serializers.CharField(max_length=_limit(LearningReview, "scope"))
    key_lines_of_enquiry = serializers.CharField(max_length=_limit(LearningReview, "key_lines_of_enquiry"))
    information_due_on = serializers.DateField()
    report_due_on = serializers.DateField(help_text="On or after information_due_on.")
    lead_author = PartnershipMemberField(help_text="The id of an active member of the partnership.")
    practitioner_event_on = serializers.DateField(required=False, allow_null=True)
    practitioner_event_details = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=_limit(LearningReview, "practitioner_event_details")
    )

    def validate(self, attrs):
        if not attrs.get("rapid_review_id") and not attrs.get("methodology"):
            raise serializers.ValidationError({"methodology": ["Choose one of the four methodologies."]})
        return attrs


class LearningReviewUpdateSerializer(serializers.Serializer):
    """Every field optional: what is left out keeps its value."""

    methodology = serializers.ChoiceField(choices=Methodology.choices, required=False)
    title = serializers.CharField(max_length=_limit(LearningReview, "title"), required=False)
    scope = serializers.CharField(max_length=_limit(LearningReview, "scope"), required=False)
    key_lines_of_enquiry = serializers.CharField(
        max_length=_limit(LearningReview, "key_lines_of_enquiry"), required=False
    )
    information_due_on = serializers.DateField(required=False)
    report_due_on = serializers.DateField(required=False)
    lead_author = PartnershipMemberField(required=False)
    practitioner_event_on = serializers.DateField(required=False, allow_null=True)
    practitioner_event_details = serializers.CharField(
        required=False, allow_blank=True, max_length=_limit(LearningReview, "practitioner_event_details")
    )
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read. If the review has changed since, nothing is saved and the answer is 409.",
    )


def _word_limited(value: str) -> str:
    message = word_limit_error(value)
    if message:
        raise serializers.ValidationError(message)
    return value


class OutcomesFormInputSerializer(serializers.Serializer):
    """The whole form: a text field left out is saved empty; ``recommendations`` are the rows (by ``id``)."""

    review_date = serializers.DateField(required=False, allow_null=True, default=None)
    recommendations = RecommendationSerializer(many=True, required=False, default=list, max_length=MAX_RECOMMENDATIONS)
    updated_at = serializers.DateTimeField(
        required=False,
        help_text="The updated_at you read (or send If-Match). If the form has changed since, nothing is saved "
        "and the answer is 409; without either, 428.",
    )

    def get_fields(self):
        fields = super().get_fields()
        for name in FORM_TEXT_FIELDS:
            fields[name] = serializers.CharField(
                required=False,
                allow_blank=True,
                default="",
                trim_whitespace=False,
                max_length=_limit(OutcomesForm, name),
                validators=[_word_limited] if name in WORD_LIMITED_FIELDS else [],
                help_text=SECTIONS_BY_NAME[name].heading
                + (f" (at most {OUTCOMES_WORD_LIMIT} words)" if name in WORD_LIMITED_FIELDS else ""),
            )
        return fields


class CommentCreateSerializer(serializers.Serializer):
    section = serializers.ChoiceField(
        choices=COMMENT_SECTIONS, required=False, allow_blank=True, default="", help_text="Empty: the whole form."
    )
    body = serializers.CharField(max_length=_limit(OutcomeComment, "body"))


class PublicationInputSerializer(serializers.Serializer):
    publication = serializers.ChoiceField(choices=Publication.choices)
    publication_reasons = serializers.CharField(max_length=_limit(LearningReview, "publication_reasons"))
    updated_at = serializers.DateTimeField(required=False)
