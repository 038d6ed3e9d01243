"""Forms of learning hub sessions: schedule and change one, record attendance, add and tick actions, move it."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone

from learninghub.selectors.sessions import SESSION_KIND_LABELS, SessionState, member_label
from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin

# ISO dates and 24-hour times: the inputs show nothing for a value in any other format.
_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


class SessionForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of session",
        choices=[("", "Choose a kind"), *SESSION_KIND_LABELS.items()],
        error_messages={"required": "Choose what kind of session it is."},
    )
    title = forms.CharField(
        label="Title (optional)", required=False, max_length=200, help_text="Leave empty to use the kind's name."
    )
    day = forms.DateField(
        label="Date", widget=_DATE, error_messages={"required": "Enter the date.", "invalid": "Enter a real date."}
    )
    starts_at = forms.TimeField(
        label="Starts",
        widget=_TIME,
        help_text="UK time.",
        error_messages={"required": "Enter the time it starts.", "invalid": "Enter a time such as 10:00."},
    )
    ends_at = forms.TimeField(
        label="Ends",
        widget=_TIME,
        error_messages={"required": "Enter the time it ends.", "invalid": "Enter a time such as 12:30."},
    )
    place = forms.CharField(label="Place", required=False, max_length=300, help_text="A room and its address.")
    online_url = forms.CharField(
        label="Online link",
        required=False,
        max_length=500,
        help_text="For a session held online or hybrid: the meeting's web address, starting https://.",
    )
    agenda = forms.CharField(label="Agenda", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def clean(self) -> dict:
        cleaned = super().clean()
        day = cleaned.pop("day", None)
        for name in ("starts_at", "ends_at"):
            moment = cleaned.get(name)
            cleaned[name] = timezone.make_aware(datetime.combine(day, moment)) if day and moment else None
        return cleaned

    @staticmethod
    def initial_from(session) -> dict:
        starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        return {
            "kind": session.kind,
            "title": session.title,
            "day": starts.date(),
            "starts_at": starts.time(),
            "ends_at": ends.time(),
            "place": session.place,
            "online_url": session.online_url,
            "agenda": session.agenda,
            "notes": session.notes,
        }


class SessionEditForm(VersionedFormMixin, SessionForm):
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 10}))


def _member_choices(members) -> list[tuple[str, str]]:
    return [(str(m.pk), member_label(m)) for m in members]


class AttendanceForm(AccessibleFormMixin, forms.Form):
    attended_ids = forms.TypedMultipleChoiceField(
        label="Attended", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    apologies_ids = forms.TypedMultipleChoiceField(
        label="Sent apologies", coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("attended_ids", "apologies_ids"):
            self.fields[name].choices = _member_choices(members)


class ActionForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(label="Action", max_length=500, error_messages={"required": "Enter what is to be done."})
    owner_id = forms.TypedChoiceField(
        label="Owner", coerce=int, error_messages={"required": "Choose the member who owns it."}
    )
    due_on = forms.DateField(
        label="Due",
        widget=_DATE,
        error_messages={"required": "Enter the date it is due.", "invalid": "Enter a real date."},
    )

    def __init__(self, *args, members=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_id"].choices = [("", "Choose a member"), *_member_choices(members)]


class SessionMoveForm(forms.Form):
    to = forms.ChoiceField(choices=SessionState.choices)
    reason = forms.CharField(required=False, max_length=500)


class ActionTickForm(forms.Form):
    done = forms.TypedChoiceField(choices=[("1", "Done"), ("0", "Not done")], coerce=lambda v: v == "1")
