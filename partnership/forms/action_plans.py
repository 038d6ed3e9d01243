"""Forms of the action plan, action and board report pages: shapes only; the rules come back from the services."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin
from partnership.services.action_plans import EVIDENCE_FILES_MAX, PROGRESS_RAGS
from partnership.services.files import ACCEPT_ATTRIBUTE, ACCEPTED_HINT

DATE_ERRORS = {"required": "Enter the date.", "invalid": "Enter a real date, for example 27 3 2027."}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ActionForm(AccessibleFormMixin, forms.Form):
    """A SMART action: what, who leads it in which agency, by when, and how success is measured."""

    what = forms.CharField(
        label="What will be done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="Specific and achievable: one action, described so that anyone can tell when it is done.",
        error_messages={"required": "Say what will be done.", "max_length": "Use at most 4,000 characters."},
    )
    lead_agency = forms.TypedChoiceField(
        label="Lead agency",
        coerce=int,
        error_messages={
            "required": "Choose the agency that leads the action.",
            "invalid_choice": "Choose an agency from the list.",
        },
    )
    lead_person = forms.TypedChoiceField(
        label="Lead person (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="They are reminded before the due date and chased when it has passed.",
        error_messages={"invalid_choice": "Choose a member from the list."},
    )
    due_on = forms.DateField(label="Due date", widget=DateInput, error_messages=DATE_ERRORS)
    measure_of_success = forms.CharField(
        label="Measure of success",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text="How you will know it worked, for example “9 in 10 designated leads trained by March”.",
        error_messages={
            "required": "Say how you will know it worked: the measure of success.",
            "max_length": "Use at most 4,000 characters.",
        },
    )

    def __init__(self, *args, agencies, people, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].choices = [("", "Choose an agency"), *((a.pk, a.name) for a in agencies)]
        self.fields["lead_person"].choices = [("", "Nobody named"), *people]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "what": data["what"],
            "lead_agency_id": data["lead_agency"],
            "lead_person_id": data["lead_person"],
            "due_on": data["due_on"],
            "measure_of_success": data["measure_of_success"],
        }


class ActionEditForm(VersionedFormMixin, ActionForm):
    """The action form with the version of the action the page showed."""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); the files service checks each one."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ActionUpdateForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    on = forms.DateField(label="Date of the update", widget=DateInput, error_messages=DATE_ERRORS)
    note = forms.CharField(
        label="Progress",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        help_text="What has happened since the last update, and what is next.",
        error_messages={
            "required": "Write what has happened since the last update.",
            "max_length": "Use at most 10,000 characters.",
        },
    )
    rag = forms.ChoiceField(
        label="RAG status",
        choices=[(r.value, r.label) for r in PROGRESS_RAGS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose red, amber or green.", "invalid_choice": "Choose red, amber or green."},
    )
    evidence = MultipleFileField(
        label="Evidence (optional)",
        required=False,
        help_text=f"Up to {EVIDENCE_FILES_MAX} files: {ACCEPTED_HINT} each.",
        error_messages={"empty": "The file is empty."},
    )


class ActionCompleteForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    note = forms.CharField(
        label="What was achieved (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=10000,
        error_messages={"max_length": "Use at most 10,000 characters."},
    )


class RecommendationCompleteForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    impact_evidence = forms.CharField(
        label="Evidence of impact",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text="What changed for children and families, and how you know (an audit, feedback, data).",
        error_messages={
            "required": "Describe the impact: what changed for children and families, and how you know.",
            "max_length": "Use at most 10,000 characters.",
        },
    )


class RecommendationReopenForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why reopen it",
        max_length=500,
        error_messages={
            "required": "Say why the recommendation is reopened.",
            "max_length": "Use at most 500 characters.",
        },
    )


class VersionOnlyForm(VersionedFormMixin, forms.Form):
    """A button that changes a row: it carries only the version of the row the page showed."""


class ProgressReportForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Give the report a title.", "max_length": "Use at most 200 characters."},
    )
    as_of = forms.DateField(
        label="As at",
        widget=DateInput,
        help_text="Overdue plans and actions, and the ages of recommendations, are counted at this date.",
        error_messages=DATE_ERRORS,
    )
