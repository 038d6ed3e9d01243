"""Forms of a cycle's observers: invite a person of a collaborating partnership, revoke."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class ObserverInviteForm(AccessibleFormMixin, forms.Form):
    collaboration_id = forms.TypedChoiceField(
        label="Collaboration",
        coerce=int,
        error_messages={"required": "Choose the collaboration the observer's partnership shares with yours."},
        help_text="Observers come from the other partnerships of a collaboration yours belongs to.",
    )
    grantee_email = forms.CharField(
        label="Observer's email address",
        max_length=254,
        error_messages={"required": "Enter the email address of the person to invite."},
        help_text="A member of another partnership in the collaboration.",
    )
    ends_on = forms.DateField(
        label="Observes until",
        widget=_DATE,
        help_text="At most a year from today. You can revoke it at any time before.",
        error_messages={"required": "Enter the date the observing ends.", "invalid": "Enter a real date."},
    )

    def __init__(self, *args, collaborations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collaboration_id"].choices = [
            ("", "Choose a collaboration"),
            *((str(c.pk), c.name) for c in collaborations),
        ]


class ObserverRevokeForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False)
