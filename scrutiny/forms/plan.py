"""Forms of the scrutineer's annual plan and of professional disagreements."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin
from scrutiny.selectors.disagreements import SUMMARY_HELP, DisagreementStage
from scrutiny.selectors.plan import (
    LEAD_PARTNERS,
    QUARTER_LABELS,
    ActivityKind,
    ActivityState,
    EvidenceKind,
    reporting_year_label,
)

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_ID = {"min_value": 1, "max_value": 2**63 - 1}


class PlanStartForm(AccessibleFormMixin, forms.Form):
    year = forms.TypedChoiceField(
        label="Reporting year", coerce=int, error_messages={"required": "Choose the reporting year."}
    )

    def __init__(self, *args, years=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Choose a year"), *((y, reporting_year_label(y)) for y in years)]


class PlanMoveForm(VersionedFormMixin, forms.Form):
    to = forms.ChoiceField(choices=[("agreed", "Agreed"), ("draft", "Draft")])


class ActivityForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title."})
    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        choices=[("", "Choose a quarter"), *QUARTER_LABELS.items()],
        error_messages={"required": "Choose the quarter."},
    )
    kind = forms.ChoiceField(
        label="Kind of activity",
        choices=[("", "Choose a kind"), *ActivityKind.choices],
        error_messages={"required": "Choose the kind of activity."},
    )
    theme_id = forms.TypedChoiceField(label="Learning theme (optional)", coerce=int, required=False, empty_value=None)
    description = forms.CharField(
        label="What it will look at (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, themes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = [("", "No theme"), *((t.pk, t.name) for t in themes)]


class ActivityEditForm(VersionedFormMixin, ActivityForm):
    findings = forms.CharField(
        label="Findings",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the activity found. No child's name or other identifying detail.",
    )


class ActivityMoveForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    to = forms.ChoiceField(
        label="Move the activity",
        widget=forms.RadioSelect,
        choices=[
            (ActivityState.IN_PROGRESS, "Started"),
            (ActivityState.DONE, "Done"),
            (ActivityState.DROPPED, "Dropped"),
        ],
        error_messages={"required": "Choose what happens to the activity."},
    )
    reason = forms.CharField(label="Why it is dropped", required=False, max_length=2000)


class EvidenceForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of record",
        choices=[("", "Choose a kind"), *EvidenceKind.choices],
        error_messages={"required": "Choose the kind of record."},
    )
    record_id = forms.IntegerField(
        label="Record number",
        help_text="The number in the record's web address, for example 12 in …/rapid-reviews/12/.",
        error_messages={"required": "Enter the record's number.", "invalid": "Enter a whole number."},
        **_ID,
    )
    note = forms.CharField(label="What it showed (optional)", required=False, max_length=500)


class RecommendationForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label="Recommendation",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the recommendation."},
    )
    rationale = forms.CharField(
        label="Why (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_partner = forms.ChoiceField(
        label="Lead partner",
        choices=[("", "Choose a partner"), *LEAD_PARTNERS.choices],
        error_messages={"required": "Choose the partner who leads it."},
    )


class DisagreementFilterForm(forms.Form):
    stage = forms.ChoiceField(label="Stage", required=False, choices=[("", "Any stage"), *DisagreementStage.choices])
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Open or resolved"), ("open", "Open"), ("resolved", "Resolved")]
    )

    def chosen(self) -> dict[str, str | None]:
        if not self.is_valid():
            return {"stage": None, "state": None}
        return {"stage": self.cleaned_data["stage"] or None, "state": self.cleaned_data["state"] or None}


class DisagreementForm(AccessibleFormMixin, forms.Form):
    raised_by_agency_id = forms.TypedChoiceField(
        label="Raised by", coerce=int, error_messages={"required": "Choose the agency that raised it."}
    )
    with_agency_id = forms.TypedChoiceField(
        label="Raised with", coerce=int, error_messages={"required": "Choose the agency it was raised with."}
    )
    raised_on = forms.DateField(
        label="Raised on",
        widget=_DATE,
        error_messages={"required": "Enter the date it was raised.", "invalid": "Enter a real date."},
    )
    subject_summary = forms.CharField(
        label="What the agencies disagree about",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=SUMMARY_HELP,
        error_messages={"required": "Say what the agencies disagree about."},
    )

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Choose an agency"), *((a.pk, a.name) for a in agencies)]
        self.fields["raised_by_agency_id"].choices = choices
        self.fields["with_agency_id"].choices = choices


class EscalateForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    to_stage = forms.ChoiceField(label="Escalate to", error_messages={"required": "Choose the stage it goes to."})
    escalated_on = forms.DateField(
        label="Escalated on",
        widget=_DATE,
        error_messages={"required": "Enter the date it was escalated.", "invalid": "Enter a real date."},
    )
    note = forms.CharField(
        label="Why",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why it is escalated."},
    )

    def __init__(self, *args, stages=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_stage"].choices = [("", "Choose a stage"), *stages]


class ResolveForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    resolved_on = forms.DateField(
        label="Resolved on",
        widget=_DATE,
        error_messages={"required": "Enter the date it was resolved.", "invalid": "Enter a real date."},
    )
    outcome = forms.CharField(
        label="Outcome",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say how it was resolved."},
    )
    learning = forms.CharField(
        label="Learning (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
