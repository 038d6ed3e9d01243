"""The dashboard's filters."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, QuickSelect
from scrutiny.selectors.dashboard import STATUTORY_PARTNERS
from scrutiny.selectors.period import EVERY_YEAR, PERIOD_KINDS, Period, PeriodError, period_resolve

# The heat maps' cycle fields, by panel key: named after the panel, offered the partnership's cycles of its kind.
CYCLE_FIELDS = {"section_11": "section_11_cycle", "section_175": "section_175_cycle"}


def _cycle_field(label: str, kind_words: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The latest cycle opened in the period, unless you choose one.",
        widget=QuickSelect,
        # Another partnership's cycle, the other kind's or a word: not one offered, said in the form's words.
        error_messages={"invalid_choice": f"Choose one of the partnership's {kind_words} cycles from the list."},
    )


class DashboardFilterForm(AccessibleFormMixin, forms.Form):
    """Period (every year, a year, a quarter, custom dates), agency and the heat maps' cycles, from the page's GET
    form.

    ``?year=2025`` alone (the first slice's links) still means that year, and ``?year=`` every year."""

    # The selects are QuickSelects: their options are written in Python, not one template include each.
    period = forms.ChoiceField(label="Period", choices=PERIOD_KINDS, required=False, widget=QuickSelect)
    year = forms.TypedChoiceField(label="Year", coerce=int, required=False, empty_value=None, widget=QuickSelect)
    quarter = forms.TypedChoiceField(
        label="Quarter",
        coerce=int,
        required=False,
        empty_value=None,
        widget=QuickSelect,
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
    agency = forms.TypedChoiceField(label="Agency", coerce=int, required=False, empty_value=None, widget=QuickSelect)
    section_11_cycle = _cycle_field("Section 11 cycle", "Section 11")
    section_175_cycle = _cycle_field("s175 cycle (schools)", "s175")

    def __init__(
        self,
        *args,
        years: list[int],
        agencies: list[tuple[int, str]],
        cycles: dict[str, list[tuple[int, str]]],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years"), *((y, str(y)) for y in years)]
        self.fields["agency"].choices = [("", "All agencies"), *agencies]
        for key, name in CYCLE_FIELDS.items():
            self.fields[name].choices = [("", "Latest in the period"), *cycles.get(key, [])]

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

    def chosen_cycles(self) -> dict[str, int]:
        """The cycle chosen for each heat map ({panel key: cycle id}); none when the input is refused."""
        if not self.is_valid():
            return {}
        return {key: self.cleaned_data[name] for key, name in CYCLE_FIELDS.items() if self.cleaned_data.get(name)}


class OverdueActionsFilterForm(forms.Form):
    """The overdue actions list's filters: the lead agency and the statutory partner leading the recommendation, as
    the dashboard's figures link to them. Another partnership's agency is a valid number that lists nothing."""

    agency = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    partner = forms.ChoiceField(required=False, choices=[("", "Any"), *STATUTORY_PARTNERS])
