"""The form that turns a final outcomes form's SMART rows into recommendations: a lead partner (and themes) per row."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin
from partnership.forms.recommendations import ThemesField, theme_choices
from partnership.models import StatutoryPartner


def row_field(row_id: int, name: str) -> str:
    return f"row-{row_id}-{name}"


class OutcomesRowsForm(AccessibleFormMixin, forms.Form):
    """One lead-partner select and one set of theme boxes per row not yet converted."""

    title = forms.CharField(label="Title of the round (optional)", required=False, max_length=200)

    def __init__(self, *args, rows=(), themes=(), **kwargs) -> None:
        self.rows = list(rows)
        super().__init__(*args, **kwargs)
        choices = theme_choices(themes)
        for row in self.rows:
            self.fields[row_field(row.pk, "lead_partner")] = forms.ChoiceField(
                label=f"Lead partner for recommendation {row.position}",
                choices=[("", "Choose the lead partner"), *StatutoryPartner.choices],
                error_messages={"required": f"Choose the partner who leads recommendation {row.position}."},
            )
            field = ThemesField(label=f"Learning themes of recommendation {row.position} (optional)")
            field.choices = choices
            self.fields[row_field(row.pk, "themes")] = field
        self._describe_widgets()

    def bound_rows(self):
        """(row, its lead-partner field, its themes field) for the template."""
        return [(row, self[row_field(row.pk, "lead_partner")], self[row_field(row.pk, "themes")]) for row in self.rows]

    def service_rows(self) -> dict[int, dict]:
        return {
            row.pk: {
                "lead_partner": self.cleaned_data[row_field(row.pk, "lead_partner")],
                "theme_ids": self.cleaned_data[row_field(row.pk, "themes")],
            }
            for row in self.rows
        }
