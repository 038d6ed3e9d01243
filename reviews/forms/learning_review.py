"""Forms of the learning review pages: the plan, contributors, the outcomes form and its SMART rows,
circulation, comments, the publication decision.

They check the shape of input (required, a real date, a choice from the list,
the 300-word limits, a complete SMART row); the rules of the workflow live in
``reviews.services.learning_review`` and come back onto the fields.
"""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin, versioned_initial
from partnership.models import Partnership, Person
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
    OUTCOMES_SECTIONS,
    SECTIONS_BY_NAME,
    WORD_LIMITED_FIELDS,
    lead_author_choices,
)
from reviews.services.learning_review import MAX_RECOMMENDATIONS, RECOMMENDATION_COLUMNS, RECOMMENDATION_LABELS
from reviews.words import word_count_status, word_limit_error

DATE_WIDGET_ATTRS = {"type": "date"}
DATE_HINT = "For example, 27 3 2026 (your browser may offer a calendar)."


def _date_field(label: str, *, required: bool = True, help_text: str = DATE_HINT) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs=DATE_WIDGET_ATTRS, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date.", "required": f"Enter the {label[:1].lower()}{label[1:]}."},
    )


def _text_field(model, name: str, *, label: str | None = None, rows: int = 5, **kwargs) -> forms.CharField:
    """A textarea without a browser length limit (it would cut pasted text silently): the service
    measures it and says how much is too much, keeping what was typed."""
    field = model._meta.get_field(name)
    return forms.CharField(
        label=label or str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:],
        widget=forms.Textarea(attrs={"rows": rows}),
        strip=False,
        **kwargs,
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name or obj.email


# --- The plan ------------------------------------------------------------------------------------


class LearningReviewPlanForm(AccessibleFormMixin, forms.Form):
    """Opening a review: methodology, title, scope, key lines of enquiry, timescales, lead author, event."""

    methodology = forms.ChoiceField(
        label="Methodology",
        choices=Methodology.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose one of the four methodologies.",
            "invalid_choice": "Choose one of the four.",
        },
    )
    title = forms.CharField(
        label="Title",
        max_length=LearningReview._meta.get_field("title").max_length,
        help_text="How people will refer to the review. No names of children or family members.",
        error_messages={
            "required": "Enter a title for the review.",
            "max_length": "Use at most %(limit_value)d characters.",
        },
    )
    scope = _text_field(
        LearningReview,
        "scope",
        label="Scope",
        help_text="The theme and the period the review covers.",
        error_messages={"required": "Enter the scope of the review."},
    )
    key_lines_of_enquiry = _text_field(
        LearningReview,
        "key_lines_of_enquiry",
        label="Key lines of enquiry",
        help_text="Agencies are asked to keep the information they give to these.",
        error_messages={"required": "Enter the key lines of enquiry."},
    )
    information_due_on = _date_field("Information gathering due")
    report_due_on = _date_field(
        "Report due", help_text="The date the lead author's outcomes form is due: on or after information gathering."
    )
    lead_author = PersonChoiceField(
        label="Lead author",
        queryset=Person.objects.none(),
        empty_label="Choose the lead author",
        help_text="An active member of this partnership, independent of the circumstances of the case.",
        error_messages={
            "required": "Choose the lead author.",
            "invalid_choice": "Choose an active member of this partnership.",
        },
    )
    practitioner_event_on = _date_field("Date of the practitioner event (optional)", required=False)
    practitioner_event_details = _text_field(
        LearningReview,
        "practitioner_event_details",
        label="Practitioner event details (optional)",
        rows=3,
        required=False,
        help_text="Where and how, who is invited, the questions for exploration.",
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_author"].queryset = lead_author_choices(partnership=partnership)

    def plan(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields if name != "expected_updated_at"}


class LearningReviewFromRapidReviewForm(LearningReviewPlanForm):
    """Opening the review a rapid review decided on: the decision has already chosen the methodology."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["methodology"]


class LearningReviewEditForm(VersionedFormMixin, LearningReviewPlanForm):
    @staticmethod
    def initial_for(review: LearningReview) -> dict:
        return {
            "methodology": review.methodology,
            "title": review.title,
            "scope": review.scope,
            "key_lines_of_enquiry": review.key_lines_of_enquiry,
            "information_due_on": review.information_due_on,
            "report_due_on": review.report_due_on,
            "lead_author": review.lead_author_id,
            "practitioner_event_on": review.practitioner_event_on,
            "practitioner_event_details": review.practitioner_event_details,
            **versioned_initial(review),
        }


# --- Contributors ----------------------------------------------------------------------------------


class ContributorAddForm(AccessibleFormMixin, forms.Form):
    person = PersonChoiceField(
        label="Member",
        queryset=Person.objects.none(),
        empty_label="Choose a member",
        help_text="Their agency is the one they belong to in this partnership.",
        error_messages={
            "required": "Choose a member.",
            "invalid_choice": "Choose an active member of this partnership.",
        },
    )
    attended_event = forms.BooleanField(label="Attended the practitioner event", required=False)
    unable_to_contribute = forms.BooleanField(label="Unable to contribute", required=False)

    def __init__(self, *args, partnership: Partnership, exclude_ids: set[int] = frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = lead_author_choices(partnership=partnership).exclude(pk__in=exclude_ids)


class ContributorFlagsForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    attended_event = forms.BooleanField(label="Attended the practitioner event", required=False)
    unable_to_contribute = forms.BooleanField(label="Unable to contribute", required=False)


# --- The outcomes form -----------------------------------------------------------------------------


class WordLimitedTextarea(forms.Textarea):
    """A textarea the live counter (static/js/word-count.js) watches: it reads the limit from here."""

    def __init__(self, attrs=None) -> None:
        super().__init__({"rows": 8, "data-word-limit": str(OUTCOMES_WORD_LIMIT), **(attrs or {})})


class OutcomesFormForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    """Every field of the Learning Review Outcomes Form (seed 003, appendix 1) the author writes.

    The lead author comes from the review's plan; the recommendations are the
    formset beside this form. Synopsis and key findings are refused here beyond
    300 words (the service refuses them too), keeping what was typed.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        version = self.fields.pop("expected_updated_at")
        for section in OUTCOMES_SECTIONS:
            if section.name in FORM_TEXT_FIELDS:
                widget = WordLimitedTextarea() if section.word_limited else forms.Textarea(attrs={"rows": 5})
                self.fields[section.name] = forms.CharField(
                    label=section.heading, required=False, strip=False, widget=widget, help_text=section.guidance
                )
            elif section.name == "review_date":
                self.fields["review_date"] = _date_field(section.heading, required=False)
        self.fields["expected_updated_at"] = version
        for name in WORD_LIMITED_FIELDS:
            # The counter's text as of this drawing; the script keeps it current as the person types.
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}-hint id_{name}-count"

    def _clean_words(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        message = word_limit_error(value)
        if message:
            raise forms.ValidationError(message, code="word_limit")
        return value

    def clean_synopsis(self) -> str:
        return self._clean_words("synopsis")

    def clean_key_findings(self) -> str:
        return self._clean_words("key_findings")

    def full_clean(self) -> None:
        super().full_clean()
        # AccessibleFormMixin rewrites aria-describedby; keep the counter in it.
        for name in WORD_LIMITED_FIELDS:
            ids = self.fields[name].widget.attrs.get("aria-describedby", "")
            if f"id_{name}-count" not in ids:
                self.fields[name].widget.attrs["aria-describedby"] = f"{ids} id_{name}-count".strip()

    def word_counts(self) -> dict[str, str]:
        """What each counter says now (from the typed text when bound, else the saved text)."""
        return {name: word_count_status(self[name].value()) for name in WORD_LIMITED_FIELDS}

    def fields_data(self) -> dict:
        data = {name: self.cleaned_data.get(name, "") for name in FORM_TEXT_FIELDS}
        data["review_date"] = self.cleaned_data.get("review_date")
        return data

    @staticmethod
    def initial_from_data(data) -> dict:
        """What was sent, as the initial values of an unbound form (drawn again without checking it)."""
        return {name: data.get(name, "") for name in (*FORM_TEXT_FIELDS, "review_date", "expected_updated_at")}

    @staticmethod
    def initial_for(form: OutcomesForm) -> dict:
        return {
            **{name: getattr(form, name) for name in FORM_TEXT_FIELDS},
            "review_date": form.review_date,
            **versioned_initial(form),
        }


class RecommendationForm(AccessibleFormMixin, forms.Form):
    """One SMART row. Wholly empty rows are dropped; a row with any column needs all three.

    ``id`` (hidden) is the saved row this one is: the service updates it in place, so its id survives the edit.
    """

    id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    action = forms.CharField(label="Action", required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2}))
    person_responsible = forms.CharField(label="Person responsible", required=False)
    timeframe = forms.CharField(label="Timeframe", required=False, help_text="For example, by 31 March 2027.")

    def clean(self) -> dict:
        cleaned = super().clean()
        values = {c: (cleaned.get(c) or "").strip() for c in RECOMMENDATION_COLUMNS}
        if self.cleaned_data.get("DELETE") or not any(values.values()):
            return cleaned
        for column in RECOMMENDATION_COLUMNS:
            limit = OutcomeRecommendation._meta.get_field(column).max_length
            if not values[column]:
                self.add_error(column, f"Enter {RECOMMENDATION_LABELS[column]}: a SMART row needs all three.")
            elif len(values[column]) > limit:
                self.add_error(column, f"Use at most {limit:,} characters (you used {len(values[column]):,}).")
        return cleaned


class BaseRecommendationFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, str]]:
        """The rows to save, in order: not removed, not wholly empty."""
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {}) or {}
            if data.get("DELETE"):
                continue
            values: dict = {c: (data.get(c) or "").strip() for c in RECOMMENDATION_COLUMNS}
            if any(values.values()):
                if data.get("id"):
                    values["id"] = data["id"]
                rows.append(values)
        return rows


RecommendationFormSet = forms.formset_factory(
    RecommendationForm,
    formset=BaseRecommendationFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_RECOMMENDATIONS,
    validate_max=True,
    absolute_max=MAX_RECOMMENDATIONS + 10,
)


def recommendation_formset(*, data=None, rows=None, add_row: bool = False) -> BaseRecommendationFormSet:
    """The formset bound to ``data``, or drawn from saved ``rows`` with one empty row to fill in.

    ``add_row`` (the "Add another recommendation" button, which works without
    JavaScript) draws the rows as sent, unbound (nothing is checked or saved
    yet), with one more empty row.
    """
    if data is not None and not add_row:
        return RecommendationFormSet(data, prefix="recommendations")
    if data is not None:
        try:
            total = min(int(data.get("recommendations-TOTAL_FORMS") or 0), MAX_RECOMMENDATIONS)
        except ValueError:
            total = 0
        initial = [
            {c: data.get(f"recommendations-{i}-{c}", "") for c in ("id", *RECOMMENDATION_COLUMNS)}
            for i in range(total)
            if not data.get(f"recommendations-{i}-DELETE")
        ]
    else:
        initial = [{"id": r.pk} | {c: getattr(r, c) for c in RECOMMENDATION_COLUMNS} for r in rows or []]
    formset = RecommendationFormSet(initial=initial, prefix="recommendations")
    formset.extra = 1 if len(initial) < MAX_RECOMMENDATIONS else 0
    return formset


# --- Circulation, comments, publication ---------------------------------------------------------------


class CirculateForm(AccessibleFormMixin, forms.Form):
    comments_due_on = _date_field("Comments due by")
    message = forms.CharField(
        label="Message to the contributors (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent with the link to the draft.",
    )


class TakeBackForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Note for the history (optional)",
        required=False,
        max_length=500,
        error_messages={"max_length": "Use at most %(limit_value)d characters."},
    )


class CommentForm(AccessibleFormMixin, forms.Form):
    section = forms.ChoiceField(
        label="Which part of the form is your comment about?",
        choices=COMMENT_SECTIONS,
        required=False,
        error_messages={"invalid_choice": "Choose a section of the form, or the form as a whole."},
    )
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 5}),
        strip=False,
        error_messages={"required": "Enter your comment."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].help_text = (
            f"At most {OutcomeComment._meta.get_field('body').max_length:,} characters. "
            "The lead author and the business managers read it; other contributors do too."
        )


class PublicationForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    publication = forms.ChoiceField(
        label="Publication",
        choices=Publication.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to publish the full report, a summary, or nothing."},
    )
    publication_reasons = forms.CharField(
        label="Reasons",
        widget=forms.Textarea(attrs={"rows": 5}),
        strip=False,
        help_text="The risks and benefits weighed, the family's views included.",
        error_messages={"required": "Give the reasons: the risks and benefits of publishing were weighed."},
    )

    @staticmethod
    def initial_for(review: LearningReview) -> dict:
        return {
            "publication": review.publication or None,
            "publication_reasons": review.publication_reasons,
            **versioned_initial(review),
        }


def section_heading(name: str) -> str:
    if not name:
        return "The form as a whole"
    section = SECTIONS_BY_NAME.get(name)
    return section.heading if section else name
