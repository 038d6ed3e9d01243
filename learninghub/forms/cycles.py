"""Forms of learning hub cycles: set up, change, move a phase, tick a task, give a task to a member, close."""

from __future__ import annotations

from django import forms

from learninghub.selectors.cycles import CycleState
from learninghub.selectors.sessions import member_label
from partnership.forms.base import AccessibleFormMixin, QuickSelect, VersionedFormMixin

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


class TaskAssignForm(AccessibleFormMixin, forms.Form):
    """Give one checklist task to a named member, on the task's own page (ids ``task-<id>-owner_member_id``); the
    posted name is the API's."""

    owner_member_id = forms.TypedChoiceField(
        label="Give it to",
        coerce=int,
        widget=QuickSelect,  # every member of the partnership: written in Python, not a template per option
        error_messages={
            "required": "Choose the member who owns it.",
            "invalid_choice": "Choose an active member of this partnership.",
        },
    )

    def __init__(self, *args, task, members=(), **kwargs) -> None:
        kwargs.setdefault("auto_id", f"task-{task.pk}-%s")
        if task.owner_member_id is not None:
            kwargs.setdefault("initial", {"owner_member_id": task.owner_member_id})
        super().__init__(*args, **kwargs)
        self.task = task
        self.fields["owner_member_id"].choices = [
            ("", "Choose a member"),
            *((str(m.pk), member_label(m)) for m in members),
        ]


class CycleMoveForm(AccessibleFormMixin, forms.Form):
    to = forms.ChoiceField(
        label="Close the cycle",
        choices=[(CycleState.CLOSED, "Closed: its work is done"), (CycleState.WITHDRAWN, "Withdrawn: it stopped")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the cycle ends."},
    )
    reason = forms.CharField(label="Why (optional)", required=False, max_length=500)
