"""Forms of the moderation page: shapes only; the rules come back from the services."""

from __future__ import annotations

from django import forms

from audits.forms.self_assessment import DATE_ERRORS, DateInput
from audits.services.moderation import moderated_field, notes_field
from partnership.forms.base import AccessibleFormMixin


class ModerationForm(AccessibleFormMixin, forms.Form):
    """A moderated score and challenge notes per standard (``moderated_<key>``, ``notes_<key>``)."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    challenge_event_on = forms.DateField(
        label="Date of the challenge event (optional)",
        required=False,
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )

    def __init__(self, *args, standards: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.standards = standards
        for view in standards:
            key = view.section.key
            grade = next((q for q in view.questions if q.kind == "grade"), None)
            if grade is not None:
                self.fields[moderated_field(key)] = forms.TypedChoiceField(
                    label=f"Moderated score: {view.section.title}",
                    choices=[("", "Not moderated")] + [(o.value, o.label) for o in grade.scale.options.all()],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    initial=view.standard.moderated_score,
                )
            self.fields[notes_field(key)] = forms.CharField(
                label=f"Challenge notes: {view.section.title}",
                widget=forms.Textarea(attrs={"rows": 2}),
                max_length=4000,
                required=False,
                initial=view.standard.challenge_notes,
                error_messages={"max_length": "Use at most 4,000 characters."},
            )
        self._describe_widgets()

    def standard_fields(self, view) -> list:
        names = [moderated_field(view.section.key), notes_field(view.section.key)]
        return [self[name] for name in names if name in self.fields]

    def scores(self) -> dict:
        return {
            name.removeprefix("moderated_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("moderated_")
        }

    def notes(self) -> dict:
        return {
            name.removeprefix("notes_"): value for name, value in self.cleaned_data.items() if name.startswith("notes_")
        }


class AgreedActionForm(AccessibleFormMixin, forms.Form):
    standard = forms.TypedChoiceField(
        label="Standard",
        coerce=int,
        error_messages={"required": "Choose the standard.", "invalid_choice": "Choose a standard from the list."},
    )
    action = forms.CharField(
        label="Action agreed",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        error_messages={"required": "Say what was agreed.", "max_length": "Use at most 1,000 characters."},
    )
    owner = forms.CharField(
        label="Owner",
        max_length=200,
        error_messages={"required": "Say who owns the action.", "max_length": "Use at most 200 characters."},
    )
    due_on = forms.DateField(label="Due on", widget=DateInput, error_messages=DATE_ERRORS)

    def __init__(self, *args, standards: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = [("", "Choose a standard")] + [
            (v.standard.pk, v.section.title) for v in standards
        ]
