"""Forms of the challenge log: raise and change a challenge, answer it, accept, escalate or close it, make a
recommendation from it, and the list's filter."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin
from scrutiny.selectors.challenges import (
    LEAD_PARTNER_CHOICES,
    REASON_MAX_LENGTH,
    SUBJECT_LABEL_MAX_LENGTH,
    SUBJECT_PATH_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    State,
)

_PARTNER_NAMES = dict(LEAD_PARTNER_CHOICES)

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_DUE = {"required": "Enter when the answer is due.", "invalid": "Enter a real date."}


class ChallengeDetailsForm(AccessibleFormMixin, forms.Form):
    subject_label = forms.CharField(
        label="What you are challenging",
        max_length=SUBJECT_LABEL_MAX_LENGTH,
        help_text="The record or figure, in words: “Rapid review timeliness, 2026 Q1, late”. Do not name a child.",
        error_messages={"required": "Name the record or figure you are challenging."},
    )
    question = forms.CharField(
        label="Your challenge",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you ask the partner or agency to explain or do. Do not name a child or family.",
        error_messages={"required": "Enter your challenge."},
    )
    due_on = forms.DateField(label="Answer due", widget=_DATE, error_messages=_DUE)


class ChallengeRaiseForm(ChallengeDetailsForm):
    agency_id = forms.TypedChoiceField(
        label="Addressed to",
        coerce=int,
        help_text="A statutory partner (its partner lead answers, as do its agency leads) or another agency.",
        error_messages={"required": "Choose the partner or agency the challenge is for."},
    )
    subject_path = forms.CharField(
        label="Link to the record or figure",
        max_length=SUBJECT_PATH_MAX_LENGTH,
        help_text="The address of its page in Learning Loop, starting /p/.",
        error_messages={"required": "Link to the record or figure you are challenging."},
    )
    field_order = ["agency_id", "subject_label", "subject_path", "question", "due_on"]

    def __init__(self, *args, agencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_id"].choices = [
            ("", "Choose a partner or agency"),
            *(
                (
                    a.pk,
                    f"{a.name} (statutory partner: {_PARTNER_NAMES[a.statutory_partner].lower()})"
                    if a.statutory_partner
                    else a.name,
                )
                for a in agencies
            ),
        ]


class ChallengeEditForm(VersionedFormMixin, ChallengeDetailsForm):
    pass


class ChallengeResponseForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    response = forms.CharField(
        label="Your answer",
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="For your agency: what happened, what you are doing about it and by when. Do not name a child.",
        error_messages={"required": "Enter your agency's answer."},
    )


class ChallengeAcceptForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    note = forms.CharField(
        label="Why you accept the answer (optional)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ChallengeEscalateForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it goes to the partnership board",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why the answer goes to the partnership board."},
    )


class ChallengeCloseForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    outcome = forms.CharField(
        label="What the challenge concluded",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the challenge concluded."},
    )


class ChallengeRecommendForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label="Recommendation",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the partnership should change. It goes to the recommendations register as a draft.",
        error_messages={"required": "Enter the recommendation: what the partnership resolves to change."},
    )
    lead_partner = forms.ChoiceField(
        label="Lead partner",
        choices=[("", "Choose a partner"), *LEAD_PARTNER_CHOICES],
        error_messages={"required": "Choose the partner who leads it: the local authority, health or the police."},
    )
    rationale = forms.CharField(
        label="Rationale (optional)", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ChallengeFilterForm(forms.Form):
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Every state"), *State.choices])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].widget.attrs["class"] = "select"

    def chosen_state(self) -> str:
        return self.cleaned_data.get("state", "") if self.is_valid() else ""
