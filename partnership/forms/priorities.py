"""Forms of the priorities page."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin, versioned_initial
from partnership.selectors.priorities import lead_partner_choices


class PriorityForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Priority", max_length=200, error_messages={"required": "Enter the priority."})
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the partnership wants to change, and how it will know.",
    )
    success_measures = forms.CharField(
        label="Success measures (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="How the partnership will know the priority is met: one measure a line.",
    )
    lead_partner = forms.ChoiceField(label="Led by", required=False, choices=lead_partner_choices)
    start_year = forms.IntegerField(
        label="From (year)",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Enter the year it starts, for example 2026.", "invalid": "Enter a year."},
    )
    end_year = forms.IntegerField(
        label="To (year)",
        min_value=2000,
        max_value=2100,
        error_messages={"required": "Enter the year it ends, for example 2027.", "invalid": "Enter a year."},
    )


class PriorityEditForm(VersionedFormMixin, PriorityForm):
    is_active = forms.BooleanField(
        label="Current (untick to retire it: audits linked to it keep the link)", required=False
    )

    @staticmethod
    def initial_for(priority) -> dict:
        return {
            "title": priority.title,
            "description": priority.description,
            "success_measures": priority.success_measures,
            "lead_partner": priority.lead_partner,
            "start_year": priority.start_year,
            "end_year": priority.end_year,
            "is_active": priority.is_active,
            **versioned_initial(priority),
        }
