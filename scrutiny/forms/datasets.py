"""The quarterly data sets' forms: indicators, figures, uploads, an agency's analysis, the trend's span."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin
from partnership.services.files import MAX_FILE_BYTES
from scrutiny.selectors.datasets import DIRECTION_CHOICES, PART_CHOICES


class IndicatorForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    """Define or change an indicator. A new one carries no version (there is no row yet): the view gives it the
    moment the page was drawn, which the service does not check."""

    part = forms.ChoiceField(
        label="Part of the data set",
        choices=PART_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Part A (multi-agency) or Part B (themed)."},
    )
    theme = forms.CharField(
        label="Theme (Part B)",
        max_length=100,
        required=False,
        help_text="The theme under review, for example Domestic abuse, or Child sexual exploitation.",
    )
    name = forms.CharField(
        label="Indicator",
        max_length=200,
        help_text="For example: Children subject to a child protection plan for a second or later time",
        error_messages={"required": "Enter the indicator's name."},
    )
    definition = forms.CharField(
        label="Definition (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is counted, from which system, and how.",
    )
    unit = forms.CharField(label="Unit (optional)", max_length=40, required=False, help_text="For example: %, children")
    good_direction = forms.ChoiceField(
        label="Which way is better",
        choices=DIRECTION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether a higher or a lower figure is better."},
    )
    amber_threshold = forms.CharField(
        label="Amber threshold (optional)",
        max_length=40,
        required=False,
        help_text="A figure worse than this is amber.",
    )
    red_threshold = forms.CharField(
        label="Red threshold (optional)",
        max_length=40,
        required=False,
        help_text="A figure worse than this is red.",
    )
    order = forms.IntegerField(
        label="Position in its part",
        min_value=0,
        max_value=10000,
        initial=0,
        help_text="Lower numbers come first.",
        error_messages={"required": "Enter a whole number from 0 to 10000.", "invalid": "Enter a whole number."},
    )
    active = forms.BooleanField(label="Collected each quarter", required=False, initial=True)


class ValuesForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    """One agency's (or the partnership's) figures for one quarter: a field per indicator, ``value_<id>``. The
    version is that of the figures as the page read them (empty when there were none)."""

    def __init__(self, *args, indicators=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for indicator in self.indicators:
            self.fields[f"value_{indicator.pk}"] = forms.CharField(
                label=indicator.name,
                max_length=40,
                required=False,
                help_text=" ".join(
                    part for part in (indicator.unit and f"In {indicator.unit}.", "Blank: no figure.") if part
                ),
            )
        self.fields["expected_updated_at"].required = False

    def clean(self) -> dict:
        # No figures yet is a version too (empty); anything else must be a moment, as the mixin checks.
        cleaned = forms.Form.clean(self)
        if cleaned.get("expected_updated_at") in ("", None) and self.data.get(
            self.add_prefix("expected_updated_at")
        ) in (
            "",
            None,
        ):
            cleaned["expected_updated_at"] = None
            return cleaned
        return super().clean()

    def values(self) -> dict[int, str]:
        return {indicator.pk: self.cleaned_data.get(f"value_{indicator.pk}", "") for indicator in self.indicators}

    def value_fields(self):
        return [self[f"value_{indicator.pk}"] for indicator in self.indicators]


class UploadForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file or Excel workbook",
        help_text=f"Up to {MAX_FILE_BYTES // (1024 * 1024)} MB.",
        error_messages={"required": "Choose a file to upload."},
    )


class AnalysisForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label="Analysis",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="What the figures show this quarter: patterns, trends, what needs a closer look, what the agency "
        "is doing about it. No child's name or details.",
        error_messages={"required": "Write the agency's analysis of its figures."},
    )

    def clean(self) -> dict:
        if not self.data.get(self.add_prefix("expected_updated_at")):
            cleaned = forms.Form.clean(self)
            cleaned["expected_updated_at"] = None
            return cleaned
        return super().clean()


class TrendForm(forms.Form):
    quarters = forms.TypedChoiceField(label="Quarters shown", coerce=int, required=False, empty_value=None, choices=())
    to = forms.CharField(label="Up to the quarter", required=False, max_length=20, help_text="For example 2025-26 Q4.")

    def __init__(self, *args, lengths=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quarters"].choices = [(n, f"{n} quarters ({n // 4} year{'s' if n > 4 else ''})") for n in lengths]
        self.fields["quarters"].widget.attrs["class"] = "select"
        self.fields["to"].widget.attrs["class"] = "input"
