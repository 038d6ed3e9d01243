"""Forms of a cycle's findings page: commission or link a case audit, record a finding, draft and agree
recommendations, record success measures, ask for the report.

The selects are QuickSelects (their options written in Python, not a template include each): the page draws five,
three of them of every learning theme and one of every case audit round not yet linked.
"""

from __future__ import annotations

from django import forms

from learninghub.selectors.findings import LEAD_PARTNERS
from partnership.forms.base import AccessibleFormMixin, QuickSelect

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_ID = {"required": "Choose one from the list.", "invalid_choice": "Choose one from the list."}


def _choices(rows, label=str, empty: str | None = None) -> list[tuple[str, str]]:
    head = [("", empty)] if empty is not None else []
    return head + [(str(row.pk), label(row)) for row in rows]


def _label(choice) -> str:
    """A ``learninghub.selectors.findings.Choice``'s label: the selector writes them (``findings_choices``)."""
    return choice.label


class AuditCommissionForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(
        label="Title of the case audit", max_length=200, error_messages={"required": "Enter the audit's title."}
    )
    template_version_id = forms.TypedChoiceField(
        label="Audit template",
        coerce=int,
        widget=QuickSelect,
        error_messages={"required": "Choose a published case audit template."},
    )
    due_on = forms.DateField(
        label="Returns due",
        widget=_DATE,
        error_messages={"required": "Enter the date the returns are due.", "invalid": "Enter a real date."},
    )
    theme_id = forms.TypedChoiceField(
        label="Learning theme (optional)", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    screening_criteria = forms.CharField(
        label="Which cases (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, versions=(), themes=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "commission_%s")  # several forms on one page: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["template_version_id"].choices = _choices(versions, _label, "Choose a template")
        self.fields["theme_id"].choices = _choices(themes, _label, "No theme")


class AuditLinkForm(AccessibleFormMixin, forms.Form):
    audit_round_id = forms.TypedChoiceField(label="Case audit", coerce=int, widget=QuickSelect, error_messages=_ID)

    def __init__(self, *args, rounds=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "link_%s")  # several forms on one page: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["audit_round_id"].choices = _choices(rounds, _label, "Choose a case audit")


class FindingForm(AccessibleFormMixin, forms.Form):
    theme_id = forms.TypedChoiceField(label="Learning theme", coerce=int, widget=QuickSelect, error_messages=_ID)
    text = forms.CharField(
        label="What the hub found",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the hub found."},
    )

    def __init__(self, *args, themes=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "finding_%s")  # several forms on one page: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = _choices(themes, _label, "Choose a theme")


class DraftForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label="Recommendation",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what the partnership should change."},
    )
    rationale = forms.CharField(
        label="Why (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_partner = forms.ChoiceField(
        label="Lead partner",
        widget=QuickSelect,
        choices=[("", "Choose a partner"), *LEAD_PARTNERS.items()],
        error_messages={"required": "Choose the partner who leads it.", "invalid_choice": "Choose a partner."},
    )
    theme_id = forms.TypedChoiceField(
        label="Learning theme (optional)", coerce=int, required=False, empty_value=None, widget=QuickSelect
    )

    def __init__(self, *args, themes=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "draft_%s")  # several forms on one page: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["theme_id"].choices = _choices(themes, _label, "No theme")


class DraftsAgreeForm(AccessibleFormMixin, forms.Form):
    draft_ids = forms.TypedMultipleChoiceField(
        label="The drafts the hub agrees",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one draft recommendation to agree.", **_ID},
    )
    title = forms.CharField(label="Title of the round of sign-off (optional)", required=False, max_length=200)

    def __init__(self, *args, drafts=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", "agree_%s")  # several forms on one page: ids of their own
        super().__init__(*args, **kwargs)
        self.fields["draft_ids"].choices = _choices(drafts, lambda d: d.text[:200])


class DraftMoveForm(forms.Form):
    to = forms.ChoiceField(choices=[("dropped", "Drop"), ("draft", "Take back")])


class MeasureForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(
        label="Success measure", max_length=300, error_messages={"required": "Enter the success measure."}
    )
    value_at_start = forms.DecimalField(
        label="Value at the start",
        max_digits=14,
        decimal_places=2,
        error_messages={"required": "Enter the value as a number.", "invalid": "Enter the value as a number."},
    )
    unit = forms.CharField(label="Unit (optional)", required=False, max_length=40, help_text="For example: %, a month.")
    higher_is_better = forms.BooleanField(label="A higher value is better", required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "measure_%s")  # several forms on one page: ids of their own
        super().__init__(*args, **kwargs)


class MeasureReviewForm(AccessibleFormMixin, forms.Form):
    value_at_review = forms.DecimalField(
        label="Value at the impact review",
        max_digits=14,
        decimal_places=2,
        error_messages={"required": "Enter the value as a number.", "invalid": "Enter the value as a number."},
    )


class ReportForm(forms.Form):
    format = forms.ChoiceField(choices=[("pdf", "PDF"), ("docx", "Word (DOCX)")])
