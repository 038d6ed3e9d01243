"""What an export of a self-assessment cycle is asked for with (``audits.exports``): from a page's form or the
API's JSON body alike, so both give the same field errors."""

from __future__ import annotations

from django import forms

from audits.forms.self_assessment import STATE_CHOICES
from audits.selectors.compliance_matrix import BASES, SELF, MatrixFilters

FORMATS = {"csv": "CSV", "xlsx": "Excel (XLSX)"}


class CycleExportForm(forms.Form):
    """The whole cycle's returns: the cycle is all there is to choose."""

    cycle = forms.IntegerField(min_value=1, max_value=2**62, error_messages={"required": "Name the cycle to export."})


class MatrixExportForm(CycleExportForm):
    """The compliance matrix with the page's filters (named as in the API's matrix endpoints) and a format."""

    format = forms.ChoiceField(choices=list(FORMATS.items()))
    search = forms.CharField(required=False, max_length=200)
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False)
    standard = forms.ChoiceField(required=False)
    at_most = forms.IntegerField(required=False, min_value=-1000, max_value=1000)
    basis = forms.ChoiceField(choices=[(b, b) for b in BASES], required=False)

    def __init__(self, *args, standard_keys: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["standard"].choices = [("", "Any standard")] + [(key, key) for key in standard_keys]
        for name in ("format", "state", "standard", "basis"):
            self.fields[name].error_messages["invalid_choice"] = "Choose one of the options."

    def filters(self) -> MatrixFilters:
        data = self.cleaned_data
        return MatrixFilters(
            search=data["search"],
            state=data["state"],
            standard=data["standard"],
            at_most=data["at_most"],
            basis=data["basis"] or SELF,
        )
