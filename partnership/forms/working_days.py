"""The working days question: from a start date, add working days or count them up to an end date."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin
from partnership.working_days import FIRST_YEAR, LAST_YEAR, MAX_WORKING_DAYS

_DATE_HINT = "For example 2026-03-27, or 27/03/2026."


class WorkingDaysForm(AccessibleFormMixin, forms.Form):
    """Answers either "which date is working day N?" or "how many working days until this date?"."""

    start = forms.DateField(
        label="Start date (day 0)",
        help_text="Day 0 is this date; day 1 is the next working day. " + _DATE_HINT,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Enter the start date.",
            "invalid": "Enter the start date as a real date, for example 2026-03-27 or 27/03/2026.",
        },
    )
    days = forms.IntegerField(
        label="Number of working days",
        required=False,
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        help_text=f"A whole number from 0 to {MAX_WORKING_DAYS}. Leave empty to count up to an end date instead.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of working days as a whole number, like 15.",
            "min_value": "Enter a number of working days of 0 or more.",
            "max_value": f"Enter a number of working days of {MAX_WORKING_DAYS} or fewer.",
        },
    )
    end = forms.DateField(
        label="Or an end date",
        required=False,
        help_text="Counts the working days after the start date up to and including this date. " + _DATE_HINT,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the end date as a real date, for example 2026-04-17 or 17/04/2026."},
    )

    def _check_year(self, name: str, label: str):
        value = self.cleaned_data.get(name)
        if value is not None and not FIRST_YEAR <= value.year <= LAST_YEAR:
            # The bank holiday data covers these years only.
            raise forms.ValidationError(f"Enter {label} between {FIRST_YEAR} and {LAST_YEAR}.")
        return value

    def clean_start(self):
        return self._check_year("start", "a start date")

    def clean_end(self):
        return self._check_year("end", "an end date")

    def clean(self) -> dict:
        data = super().clean()
        days, end = data.get("days"), data.get("end")
        if "days" in self.errors or "end" in self.errors:
            return data
        if days is None and end is None:
            self.add_error("days", "Enter a number of working days or an end date.")
        elif days is not None and end is not None:
            self.add_error("days", "Enter a number of working days or an end date, not both.")
        elif end is not None and data.get("start") is not None and end < data["start"]:
            self.add_error("end", "The end date must be on or after the start date.")
        return data
