"""Forms of a cycle's delivery plan: a figure, a measure / reference / piece of evidence, an upload, a version.

Each carries the plan's version (``expected_updated_at``): an edit made from a page drawn before someone else
changed the plan is refused, and the person's input kept.
"""

from __future__ import annotations

from django import forms

from learninghub.selectors.plans import LINK_AUDIT_ROUND, LINK_EARLIER_HUB, LINK_SELF_ASSESSMENT, SOURCE_CHOICES
from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin
from partnership.services.files import MAX_FILE_BYTES

LINK_FIELDS = {
    LINK_EARLIER_HUB: "earlier_cycle_id",
    LINK_SELF_ASSESSMENT: "self_assessment_id",
    LINK_AUDIT_ROUND: "audit_round_id",
}


class IndicatorForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label="Indicator",
        max_length=200,
        help_text="For example: Children reported missing more than three times",
        error_messages={"required": "Enter the indicator's name."},
    )
    unit = forms.CharField(label="Unit (optional)", max_length=40, required=False, help_text="For example: %, children")
    period_label = forms.CharField(
        label="Period",
        max_length=60,
        help_text="For example: 2025-26 Q1",
        error_messages={"required": "Enter the period, for example 2025-26 Q1."},
    )
    value = forms.CharField(label="Value", max_length=40, error_messages={"required": "Enter the value."})
    agency_id = forms.TypedChoiceField(
        label="Agency (optional)", coerce=int, empty_value=None, required=False, help_text="Blank: the partnership."
    )

    def __init__(self, *args, agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = [("", "The whole partnership"), *((str(a.pk), a.name) for a in agencies)]


class ItemForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter a title."})
    detail = forms.CharField(
        label="Detail (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    url = forms.CharField(label="Web address (optional)", required=False, max_length=500, help_text="https://…")
    citation = forms.CharField(
        label="Citation (optional)",
        required=False,
        max_length=300,
        help_text="For example: Working Together to Safeguard Children 2023, chapter 3",
    )
    source = forms.ChoiceField(label="Where the evidence comes from", required=False)
    link = forms.ChoiceField(
        label="Linked record (optional)",
        required=False,
        help_text=(
            "An earlier hub, a self-assessment or a case audit held here. Reviews and inspections: give a citation."
        ),
    )

    def __init__(self, *args, kind: str, links=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind == "evidence":
            self.fields["source"].choices = [("", "Choose"), *SOURCE_CHOICES]
            self.fields["source"].help_text = "Follows the linked record when there is one."
            self.fields["link"].choices = [("", "None"), *links]
        else:
            del self.fields["source"]
            del self.fields["link"]
        if kind == "measure":
            del self.fields["url"]
            del self.fields["citation"]

    def service_data(self) -> dict:
        """What the service takes: the linked record as the id of its kind."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"link", "expected_updated_at"}}
        link = self.cleaned_data.get("link") or ""
        if link:
            kind, _, pk = link.partition(":")
            data[LINK_FIELDS[kind]] = int(pk)
        return data


class UploadForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV or Excel file",
        help_text=(
            "Line 1 names the columns: indicator, unit (optional), period, value, agency (optional). "
            f"One figure a line; up to {MAX_FILE_BYTES // (1024 * 1024)} MB."
        ),
        error_messages={"required": "Choose a file to upload."},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class VersionForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    label = forms.CharField(
        label="Name of the version",
        max_length=100,
        help_text=(
            "For example: Month 1, or Month 4. The version keeps the plan as it is now; "
            "later changes leave it as it was."
        ),
        error_messages={"required": "Name the version, for example Month 1."},
    )


class PlanRemoveForm(VersionedFormMixin, forms.Form):
    """A remove button's form: only the plan's version."""
