"""Forms of learning hub cycles: set up, change, move a phase, tick a task, close."""

from __future__ import annotations

from django import forms

from learninghub.selectors.cycles import CycleState
from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin

# ISO dates: a date input shows nothing for a value in any other format (an initial date drawn by locale).
_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class CycleForm(AccessibleFormMixin, forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        error_messages={"required": "Enter a title for the cycle."},
        help_text="For example: Priority 1, children who go missing.",
    )
    priority_id = forms.TypedChoiceField(
        label="Partnership priority", coerce=int, error_messages={"required": "Choose the priority the hub works."}
    )
    starts_on = forms.DateField(
        label="Preparation starts",
        widget=_DATE,
        help_text="A working day. The other phases' dates follow on the partnership's calendar; you can move them.",
        error_messages={"required": "Enter the date the cycle starts.", "invalid": "Enter a real date."},
    )
    has_pre_meet = forms.BooleanField(
        label="Hold a pre-meet before month 1 (culture, hopes and worries, success measures)",
        required=False,
        initial=True,
    )

    def __init__(self, *args, priorities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority_id"].choices = [("", "Choose a priority"), *((str(p.pk), p.title) for p in priorities)]


class CycleEditForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    title = CycleForm.base_fields["title"]
    priority_id = CycleForm.base_fields["priority_id"]

    def __init__(self, *args, priorities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["priority_id"].choices = [("", "Choose a priority"), *((str(p.pk), p.title) for p in priorities)]


class PhaseMoveForm(AccessibleFormMixin, forms.Form):
    starts_on = forms.DateField(
        label="Starts",
        widget=_DATE,
        error_messages={"required": "Enter the date the phase starts.", "invalid": "Enter a real date."},
    )
    ends_on = forms.DateField(
        label="Ends",
        widget=_DATE,
        help_text="Its tasks are due on this day. Later phases move by as many working days as this end moves.",
        error_messages={"required": "Enter the date the phase ends.", "invalid": "Enter a real date."},
    )


class TaskTickForm(forms.Form):
    done = forms.TypedChoiceField(choices=[("1", "Done"), ("0", "Not done")], coerce=lambda v: v == "1")


class CycleMoveForm(AccessibleFormMixin, forms.Form):
    to = forms.ChoiceField(
        label="Close the cycle",
        choices=[(CycleState.CLOSED, "Closed: its work is done"), (CycleState.WITHDRAWN, "Withdrawn: it stopped")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the cycle ends."},
    )
    reason = forms.CharField(label="Why (optional)", required=False, max_length=500)
