"""The dashboard's filters."""

from __future__ import annotations

from django import forms


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Year of notification", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years"), *((y, str(y)) for y in years)]
        self.fields["year"].widget.attrs["class"] = "select"

    def chosen_year(self) -> int | None:
        # A year not offered (no review notified then) is every year, as on the timeliness page.
        return self.cleaned_data.get("year") if self.is_valid() else None


class AgencyFilterForm(forms.Form):
    agency = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)

    def chosen_agency(self) -> int | None:
        return self.cleaned_data.get("agency") if self.is_valid() else None
