"""The dashboard's filters."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin
from scrutiny.selectors.period import EVERY_YEAR, PERIOD_KINDS, Period, PeriodError, period_resolve


class DashboardFilterForm(AccessibleFormMixin, forms.Form):
    """Period (every year, a year, a quarter, custom dates) and agency, from the page's GET form.

    ``?year=2025`` alone (the first slice's links) still means that year, and ``?year=`` every year."""

    period = forms.ChoiceField(label="Period", choices=PERIOD_KINDS, required=False)
    year = forms.TypedChoiceField(label="Year", coerce=int, required=False, empty_value=None)
    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[
            ("", "Choose"),
            (1, "Q1 (January to March)"),
            (2, "Q2 (April to June)"),
            (3, "Q3 (July to September)"),
            (4, "Q4 (October to December)"),
        ],
    )
    start = forms.DateField(
        label="From",
        required=False,
        help_text="Custom dates only.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label="To",
        required=False,
        help_text="At most ten years after the first day.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    agency = forms.TypedChoiceField(label="Agency", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], agencies: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years"), *((y, str(y)) for y in years)]
        self.fields["agency"].choices = [("", "All agencies"), *agencies]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        kind = data.get("period") or ("year" if data.get("year") is not None else "all")
        try:
            data["resolved"] = period_resolve(
                kind=kind,
                year=data.get("year"),
                quarter=data.get("quarter"),
                start=data.get("start"),
                end=data.get("end"),
            )
        except PeriodError as error:
            for field, message in error.errors.items():
                self.add_error(field, message)
        return data

    def chosen(self) -> tuple[Period, int | None]:
        """The period and agency chosen; every year and every agency when the input is refused (its errors show)."""
        if self.is_valid():
            return self.cleaned_data["resolved"], self.cleaned_data.get("agency")
        return EVERY_YEAR, None


class AgencyFilterForm(forms.Form):
    agency = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def chosen_agency(self) -> int | None:
        return self.cleaned_data.get("agency") if self.is_valid() else None
