"""Forms of the audit programme, rounds and cases."""

from __future__ import annotations

from django import forms

from audits.selectors.rounds import RoundState
from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin

MONTH_CHOICES = [
    ("", "Choose a month"),
    *(
        (str(n), name)
        for n, name in enumerate(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
            start=1,
        )
    ),
]


def _choices(rows, label, *, empty: str) -> list[tuple[str, str]]:
    return [("", empty), *((str(r.pk), label(r)) for r in rows)]


class PlannedAuditForm(AccessibleFormMixin, forms.Form):
    year = forms.IntegerField(
        label="Year",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Enter the year.", "invalid": "Enter a year."},
    )
    month = forms.TypedChoiceField(
        label="Month", choices=MONTH_CHOICES, coerce=int, error_messages={"required": "Choose a month."}
    )
    title = forms.CharField(
        label="What will be audited", max_length=200, error_messages={"required": "Enter what will be audited."}
    )
    theme_id = forms.TypedChoiceField(label="Learning theme (optional)", required=False, coerce=int, empty_value=None)
    priority_id = forms.TypedChoiceField(
        label="Partnership priority (optional)", required=False, coerce=int, empty_value=None
    )
    notes = forms.CharField(
        label="Notes (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, themes=(), priorities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = _choices(themes, lambda t: t.name, empty="No theme")
        self.fields["priority_id"].choices = _choices(priorities, lambda p: p.title, empty="No priority")


class PlannedAuditEditForm(VersionedFormMixin, PlannedAuditForm):
    pass


class VersionOnlyForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    """No fields but the row's version: removing, moving a stage."""


class RoundForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter the audit's title."})
    template_version_id = forms.TypedChoiceField(
        label="Template", coerce=int, error_messages={"required": "Choose a published case audit template."}
    )
    theme_id = forms.TypedChoiceField(label="Learning theme (optional)", required=False, coerce=int, empty_value=None)
    due_on = forms.DateField(
        label="Returns due",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter the date the returns are due.", "invalid": "Enter a real date."},
    )
    screening_criteria = forms.CharField(
        label="How the cases are screened (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: referrals to the front door in March where domestic abuse was a factor.",
    )
    planned_id = forms.TypedChoiceField(
        label="From the programme (optional)", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, versions=(), themes=(), planned=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_version_id"].choices = _choices(
            versions, lambda v: f"{v.template.name} (version {v.number})", empty="Choose a template"
        )
        self.fields["theme_id"].choices = _choices(themes, lambda t: t.name, empty="No theme")
        self.fields["planned_id"].choices = _choices(planned, str, empty="Not in the programme")


class RoundEditForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    title = RoundForm.base_fields["title"]
    theme_id = forms.TypedChoiceField(label="Learning theme (optional)", required=False, coerce=int, empty_value=None)
    due_on = RoundForm.base_fields["due_on"]
    screening_criteria = RoundForm.base_fields["screening_criteria"]

    def __init__(self, *args, themes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = _choices(themes, lambda t: t.name, empty="No theme")


class RoundMoveForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    to = forms.ChoiceField(choices=RoundState.choices, widget=forms.HiddenInput)


class ScreenForm(AccessibleFormMixin, forms.Form):
    references = forms.CharField(
        label="Screened cases",
        max_length=60000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One pseudonymised reference a line (for example CA-2026-014). Never a child's or family's name.",
        error_messages={"required": "Enter at least one case reference, one a line."},
    )


class CaseSelectForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    selected = forms.BooleanField(label="Selected for audit", required=False)
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        help_text="Why the case was selected, or left out.",
    )


class CaseDiscussionForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    discussion_on = forms.DateField(
        label="Date of the discussion (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date."},
    )
    notes = forms.CharField(
        label="Notes of the reflective discussion",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Write the notes of the discussion."},
    )


class AssignForm(AccessibleFormMixin, forms.Form):
    agency_id = forms.TypedChoiceField(label="Agency", coerce=int, error_messages={"required": "Choose an agency."})
    practitioner_id = forms.TypedChoiceField(
        label="Named practitioner",
        coerce=int,
        help_text="Someone who works for that agency.",
        error_messages={"required": "Choose the practitioner who will answer."},
    )

    def __init__(self, *args, agencies=(), people=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = _choices(agencies, lambda a: a.name, empty="Choose an agency")
        self.fields["practitioner_id"].choices = _choices(
            people, lambda m: f"{m.person.full_name} ({m.agency.name})", empty="Choose a person"
        )
