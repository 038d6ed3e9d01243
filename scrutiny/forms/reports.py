"""The scrutiny reports' forms: starting a report, its narrative, rendering, the agencies' annual reports."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin
from partnership.services.files import ACCEPT_ATTRIBUTE, ACCEPTED_HINT
from scrutiny.selectors.reports import AGENCY_REPORT_KINDS, QUARTERS, REPORT_KINDS, year_label

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_CHOOSE = {"required": "Choose one from the list.", "invalid_choice": "Choose one from the list."}


def _year_choices(current: int) -> list[tuple[int, str]]:
    return [(y, f"{year_label(y)} (April {y} to March {y + 1})") for y in range(current + 1, current - 6, -1)]


class ReportCreateForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Report", choices=REPORT_KINDS.choices, widget=forms.RadioSelect, error_messages=_CHOOSE
    )
    reporting_year = forms.TypedChoiceField(label="Reporting year", coerce=int, error_messages=_CHOOSE)
    quarter = forms.TypedChoiceField(
        label="Quarter (quarterly reports only)",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "Not a quarterly report"), *((q, f"Q{q}: {name}") for q, name in QUARTERS.items())],
        error_messages=_CHOOSE,
    )
    title = forms.CharField(
        label="Title (optional)",
        required=False,
        max_length=200,
        help_text="Left empty, the title says which report and period it is.",
    )

    def __init__(self, *args, current_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporting_year"].choices = _year_choices(current_year)


class NarrativeForm(AccessibleFormMixin, VersionedFormMixin, forms.Form):
    heading = forms.CharField(label="Heading", required=False, max_length=200)
    body = forms.CharField(
        label="Text",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Leave a blank line between paragraphs. Name no child: the report is read beyond the case work.",
    )

    def __init__(self, *args, further: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not further:
            del self.fields["heading"]


class NarrativeAddForm(AccessibleFormMixin, forms.Form):
    heading = forms.CharField(
        label="Heading", max_length=200, error_messages={"required": "Give the section a heading."}
    )
    body = forms.CharField(
        label="Text",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Write the section."},
        help_text="Leave a blank line between paragraphs. Name no child.",
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "add_%s")
        super().__init__(*args, **kwargs)


class VersionForm(VersionedFormMixin, forms.Form):
    """Only the version the page showed (publish, take back to draft, remove a section)."""


class AgencyReportRequestForm(AccessibleFormMixin, forms.Form):
    agency = forms.TypedChoiceField(label="Agency", coerce=int, error_messages=_CHOOSE)
    kind = forms.ChoiceField(label="Report", choices=AGENCY_REPORT_KINDS.choices, error_messages=_CHOOSE)
    subject = forms.CharField(label="What the report is about (for “Other” only)", required=False, max_length=120)
    reporting_year = forms.TypedChoiceField(label="Reporting year", coerce=int, error_messages=_CHOOSE)
    due_on = forms.DateField(
        label="Due",
        widget=_DATE,
        error_messages={"required": "Enter the date the report is due.", "invalid": "Enter a real date."},
    )

    def __init__(self, *args, agencies, current_year: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Choose an agency"), *agencies]
        self.fields["reporting_year"].choices = _year_choices(current_year)


class AgencyReportReceiveForm(AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label="The agency's report",
        help_text=ACCEPTED_HINT,
        error_messages={"required": "Choose the report's file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    received_on = forms.DateField(
        label="Received on",
        widget=_DATE,
        error_messages={"required": "Enter the date the report was received.", "invalid": "Enter a real date."},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "receive_%s")
        super().__init__(*args, **kwargs)


class AgencyReportSummaryForm(AccessibleFormMixin, VersionedFormMixin, forms.Form):
    summary = forms.CharField(
        label="Summary for the annual report",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the report tells the partnership, in a few paragraphs. Name no child.",
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "summary_%s")
        super().__init__(*args, **kwargs)
