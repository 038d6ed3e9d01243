"""Forms of a cycle's month-3 feedback, and the public survey's form (one field per question)."""

from __future__ import annotations

from django import forms

from learninghub.selectors.feedback import EntryState, QuestionKind, SurveyState
from partnership.forms.base import AccessibleFormMixin

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_COUNT = {"required": "Enter a number.", "invalid": "Enter a whole number.", "min_value": "Enter 0 or more."}


def _theme_field(help_text: str) -> forms.TypedMultipleChoiceField:
    return forms.TypedMultipleChoiceField(
        label="Learning themes",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
        error_messages={"invalid_choice": "Choose themes from the list."},
    )


class _ThemesForm(AccessibleFormMixin, forms.Form):
    def __init__(self, *args, themes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme_ids"].choices = [(t.pk, t.name) for t in themes]


class FeedbackSessionForm(_ThemesForm):
    title = forms.CharField(
        label="Session",
        max_length=200,
        help_text="For example: practitioner forum, north locality.",
        error_messages={"required": "Enter what the session was."},
    )
    held_on = forms.DateField(
        label="Held on",
        widget=_DATE,
        error_messages={"required": "Enter the date the session was held.", "invalid": "Enter a real date."},
    )
    attended = forms.IntegerField(
        label="Practitioners attending",
        min_value=0,
        max_value=100_000,
        error_messages={**_COUNT, "required": "Enter how many practitioners attended."},
    )
    theme_ids = _theme_field("The partnership's learning themes the session raised.")
    summary = forms.CharField(label="What was said (summary)", required=False, widget=forms.Textarea, max_length=5000)
    quotes = forms.CharField(
        label="Quotes",
        required=False,
        widget=forms.Textarea,
        max_length=50_000,
        help_text="One quote a line, without names.",
    )


class ChildFeedbackForm(_ThemesForm):
    gathered_on = forms.DateField(
        label="Gathered on",
        widget=_DATE,
        error_messages={"required": "Enter the date the feedback was gathered.", "invalid": "Enter a real date."},
    )
    method = forms.CharField(
        label="How it was gathered",
        max_length=200,
        help_text="For example: a group discussion at the youth forum, or return interviews.",
        error_messages={"required": "Say how the feedback was gathered."},
    )
    children = forms.IntegerField(label="Children", min_value=0, max_value=100_000, initial=0, error_messages=_COUNT)
    young_people = forms.IntegerField(
        label="Young people", min_value=0, max_value=100_000, initial=0, error_messages=_COUNT
    )
    families = forms.IntegerField(label="Families", min_value=0, max_value=100_000, initial=0, error_messages=_COUNT)
    theme_ids = _theme_field("The partnership's learning themes the feedback raised.")
    summary = forms.CharField(
        label="What they told us (summary)",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        help_text="Do not write names or anything else that identifies a child, young person or family.",
    )
    consent_recorded = forms.BooleanField(
        label="Consent was obtained from everyone counted here",
        required=False,
        help_text="Feedback without consent is not kept.",
    )
    consent_how = forms.CharField(
        label="How consent was obtained",
        max_length=500,
        help_text="For example: written consent from each young person and a parent.",
        error_messages={"required": "Say how consent was obtained."},
    )

    def clean(self):
        data = super().clean()
        if not data.get("consent_recorded"):
            self.add_error(
                "consent_recorded", "Confirm that consent was obtained: feedback without consent is not kept."
            )
        return data


class SurveyForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the survey's title."})
    introduction = forms.CharField(
        label="Introduction",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
        help_text="Shown at the top of the survey to the people answering.",
    )
    sent_count = forms.IntegerField(
        label="Sent to (number of people)",
        min_value=0,
        max_value=100_000,
        initial=0,
        help_text="How many practitioners were sent the link: the response rate is worked out from it.",
        error_messages=_COUNT,
    )


class QuestionForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(label="Question", max_length=500, error_messages={"required": "Enter the question."})
    kind = forms.ChoiceField(
        label="Answer",
        choices=QuestionKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of answer."},
    )
    required = forms.BooleanField(label="An answer is required", required=False, initial=True)


class SurveyMoveForm(forms.Form):
    to = forms.ChoiceField(choices=[(SurveyState.OPEN, "Open"), (SurveyState.CLOSED, "Close")])


class EvaluationFigureForm(AccessibleFormMixin, forms.Form):
    label = forms.CharField(
        label="Figure",
        max_length=200,
        help_text="For example: sessions' average evaluation score.",
        error_messages={"required": "Say what the figure is."},
    )
    value = forms.DecimalField(
        label="Value",
        max_digits=9,
        decimal_places=2,
        min_value=0,
        error_messages={"required": "Enter the figure.", "invalid": "Enter a number."},
    )
    out_of = forms.DecimalField(
        label="Out of (optional)",
        max_digits=9,
        decimal_places=2,
        min_value=0,
        required=False,
        error_messages={"invalid": "Enter a number."},
    )
    respondents = forms.IntegerField(
        label="From how many people (optional)", min_value=0, max_value=100_000, required=False, error_messages=_COUNT
    )
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class YouSaidWeDidForm(AccessibleFormMixin, forms.Form):
    you_said = forms.CharField(
        label="You said",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what practitioners said."},
    )
    we_did = forms.CharField(
        label="We did",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter what the partnership did."},
    )


class EntryMoveForm(forms.Form):
    to = forms.ChoiceField(choices=[(EntryState.PUBLISHED, "Publish"), (EntryState.DRAFT, "Back to draft")])


SCALE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


class PublicSurveyForm(AccessibleFormMixin, forms.Form):
    """One field per question, named ``q<id>``: the service checks the answers again."""

    def __init__(self, *args, questions=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for question in questions:
            messages = {"required": "Answer this question.", "invalid_choice": "Choose one of the answers."}
            if question.kind == QuestionKind.TEXT:
                field = forms.CharField(widget=forms.Textarea, max_length=2000, error_messages=messages)
            elif question.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(
                    choices=SCALE_CHOICES,
                    widget=forms.RadioSelect,
                    help_text="1 is the lowest, 5 the highest.",
                    error_messages={**messages, "required": "Choose a number from 1 to 5."},
                )
            else:
                field = forms.ChoiceField(
                    choices=YES_NO_CHOICES,
                    widget=forms.RadioSelect,
                    error_messages={**messages, "required": "Choose yes or no."},
                )
            field.label = question.text if question.required else f"{question.text} (optional)"
            field.required = question.required
            self.fields[f"q{question.pk}"] = field
        self._describe_widgets()

    def answers(self) -> dict[str, str]:
        return {name[1:]: value for name, value in self.cleaned_data.items() if name.startswith("q")}
