"""Forms of a learning hub cycle's membership: nominate, decline with a reason, withdraw."""

from __future__ import annotations

from django import forms

from learninghub.selectors.members import HUB_ROLE_CHOICES
from partnership.forms.base import AccessibleFormMixin


class NominationForm(AccessibleFormMixin, forms.Form):
    member_id = forms.TypedChoiceField(
        label="Who", coerce=int, error_messages={"required": "Choose the person you nominate."}
    )
    hub_role = forms.ChoiceField(
        label="Role in the hub",
        choices=HUB_ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose practitioner or manager."},
    )
    agency_id = forms.TypedChoiceField(
        label="For the agency (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Left empty: the person's own agency.",
    )
    why = forms.CharField(
        label="Why this person (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Their experience of the priority, for the business manager's shortlist.",
    )

    def __init__(self, *args, members=(), agencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member_id"].choices = [
            ("", "Choose a person"),
            *((str(m.pk), f"{m.person.full_name or m.person.email} ({m.agency.name})") for m in members),
        ]
        self.fields["agency_id"].choices = [("", "Their own agency"), *((str(a.pk), a.name) for a in agencies)]


class DeclineForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why is the nomination declined?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the nomination is declined."},
        help_text="The nominating partner reads it on the members page.",
    )
