"""Forms of a case audit's findings page."""

from __future__ import annotations

from django import forms

from audits.selectors.findings import FINDING_KIND_CHOICES, LEAD_PARTNER_CHOICES
from partnership.forms.base import AccessibleFormMixin


class FindingForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of finding",
        choices=FINDING_KIND_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a strength or an area to improve."},
    )
    text = forms.CharField(
        label="Finding",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Write the finding."},
    )
    theme_id = forms.TypedChoiceField(
        label="Learning theme", required=False, coerce=int, empty_value=None, help_text="The audit's own theme if none."
    )

    def __init__(self, *args, themes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = [("", "The audit's theme"), *((str(t.pk), t.name) for t in themes)]


class RaiseForm(AccessibleFormMixin, forms.Form):
    finding_ids = forms.TypedMultipleChoiceField(
        label="Findings to raise as recommendations",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one finding to raise."},
    )
    lead_partner = forms.ChoiceField(
        label="Partner who leads them",
        choices=LEAD_PARTNER_CHOICES,
        error_messages={"required": "Choose the partner who leads them."},
    )

    def __init__(self, *args, findings=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding_ids"].choices = [(f.pk, f"{f.get_kind_display()}: {f.text}") for f in findings]
