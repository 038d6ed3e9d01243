"""Forms of the rapid review meeting, decision, sign-off and Panel submission pages.

They parse and check the shape of input only (a real date, lengths); the
rules (quorum, a methodology only for another learning review, a reason
against each criterion, dates in order) live in the services and come back
onto the fields through ``add_service_errors``.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from partnership.forms.base import STALE_FORM_MESSAGE, AccessibleFormMixin, VersionedFormMixin
from partnership.models import Agency, Membership, Partnership, StatutoryPartner
from reviews.models import (
    MEETING_WINDOW_CLOSES_DAY,
    MEETING_WINDOW_OPENS_DAY,
    PANEL_SUBMISSION_DAY,
    DecisionOutcome,
    Methodology,
    RapidReview,
    RapidReviewDecision,
)
from reviews.selectors.decision import attendee_agency_choices, attendee_member_choices

_DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
_DATE_ERRORS = {"required": "Enter the date.", "invalid": "Enter a real date, for example 14 March 2026."}
# The decision form's version when the page showed no decision yet.
NEW_DECISION = "new"
# The represents select: empty takes the agency's own statutory role; NONE means none of the three.
REPRESENTS_FROM_AGENCY = ""
REPRESENTS_NONE = "none"


def _day(value) -> str:
    return date_format(value, "j F Y")


class MeetingDateForm(AccessibleFormMixin, VersionedFormMixin, forms.Form):
    meeting_on = forms.DateField(label="Date of the rapid review meeting", error_messages=_DATE_ERRORS, **_DATE_WIDGET)

    def __init__(self, *args, rapid_review: RapidReview, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting_on"].help_text = (
            f"Between working days {MEETING_WINDOW_OPENS_DAY} and {MEETING_WINDOW_CLOSES_DAY} after the notification: "
            f"{_day(rapid_review.meeting_window_opens_on)} to {_day(rapid_review.meeting_window_closes_on)}. "
            "A date outside the window is kept, with a warning."
        )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        name = obj.person.full_name or obj.person.email
        return f"{name}, {obj.agency.name}" + (f" ({obj.job_title})" if obj.job_title else "")


class AttendeeForm(AccessibleFormMixin, forms.Form):
    member = MemberChoiceField(
        label="A member of the partnership (optional)",
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Someone who is not a member",
        help_text="Their name, job title and agency fill in any of the fields below you leave empty.",
        error_messages={"invalid_choice": "Choose one of this partnership's members."},
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        required=False,
        error_messages={"max_length": "Use at most 200 characters for the name."},
    )
    job_title = forms.CharField(
        label="Job title or role",
        max_length=200,
        required=False,
        error_messages={"max_length": "Use at most 200 characters for the job title."},
    )
    agency = forms.ModelChoiceField(
        label="Agency or organisation",
        queryset=Agency.objects.none(),
        required=False,
        empty_label="Choose an agency",
        error_messages={"invalid_choice": "Choose one of this partnership's agencies."},
    )
    represents = forms.ChoiceField(
        label="Statutory partner they represent",
        choices=[
            (REPRESENTS_FROM_AGENCY, "As their agency (if it is a statutory partner)"),
            (REPRESENTS_NONE, "None of the three partners"),
            *StatutoryPartner.choices,
        ],
        required=False,
        help_text=(
            "What counts for quorum: the local authority, health and the police each need at least one "
            "representative. Only someone from an agency of that kind can represent a partner."
        ),
        error_messages={"invalid_choice": "Choose from the list."},
    )

    def __init__(self, *args, partnership: Partnership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = attendee_member_choices(partnership=partnership)
        self.fields["agency"].queryset = attendee_agency_choices(partnership=partnership)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        represents = {REPRESENTS_FROM_AGENCY: None, REPRESENTS_NONE: ""}.get(data["represents"], data["represents"])
        return {
            "member": data["member"],
            "name": data["name"],
            "job_title": data["job_title"],
            "agency": data["agency"],
            "represents": represents,
        }


class DecisionForm(AccessibleFormMixin, forms.Form):
    """The decision. The hidden version is the decision's ``updated_at``, or "new" when the page showed none."""

    outcome = forms.ChoiceField(
        label="Decision",
        choices=DecisionOutcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    methodology = forms.ChoiceField(
        label="Methodology of the learning review",
        choices=Methodology.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text="Only when the decision is another learning review.",
    )
    reason_improvements_needed = forms.CharField(
        label=RapidReviewDecision._meta.get_field("reason_improvements_needed").verbose_name,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reason_recurrent_themes = forms.CharField(
        label=RapidReviewDecision._meta.get_field("reason_recurrent_themes").verbose_name,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reason_agencies_working_together = forms.CharField(
        label=RapidReviewDecision._meta.get_field("reason_agencies_working_together").verbose_name,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reason_panel_view = forms.CharField(
        label=RapidReviewDecision._meta.get_field("reason_panel_view").verbose_name,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    immediate_actions = forms.CharField(
        label="Immediate actions",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Anything agreed to keep children safe now, and who does it.",
    )
    expected_updated_at = forms.CharField(widget=forms.HiddenInput, required=False)

    REASON_FIELDS = (
        "reason_improvements_needed",
        "reason_recurrent_themes",
        "reason_agencies_working_together",
        "reason_panel_view",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in self.REASON_FIELDS:
            self.fields[name].help_text = "Why the case does, or does not, meet this criterion."

    @classmethod
    def initial_for(cls, decision: RapidReviewDecision | None) -> dict:
        if decision is None:
            return {"expected_updated_at": NEW_DECISION}
        return {
            "outcome": decision.outcome,
            "methodology": decision.methodology,
            **{name: getattr(decision, name) for name in cls.REASON_FIELDS},
            "immediate_actions": decision.immediate_actions,
            "expected_updated_at": decision.updated_at.isoformat(),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        version = cleaned.get("expected_updated_at") or ""
        cleaned["expect_new"] = version == NEW_DECISION
        cleaned["expected_updated_at"] = None
        if not cleaned["expect_new"]:
            try:
                moment = datetime.fromisoformat(version)
            except ValueError:
                moment = None
            if moment is None or timezone.is_naive(moment):
                raise forms.ValidationError(STALE_FORM_MESSAGE)
            cleaned["expected_updated_at"] = moment
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "methodology": data["methodology"],
            **{name: data[name] for name in self.REASON_FIELDS},
            "immediate_actions": data["immediate_actions"],
            "expected_updated_at": data["expected_updated_at"],
            "expect_new": data["expect_new"],
        }

    def carry_version(self, decision: RapidReviewDecision | None) -> None:
        """After a refusal, move the hidden version on to the decision as saved now (the input stays)."""
        data = self.data.copy()
        data["expected_updated_at"] = NEW_DECISION if decision is None else decision.updated_at.isoformat()
        self.data = data


class SignOffForm(AccessibleFormMixin, forms.Form):
    """Approve, or send back with a comment, for one partner (the buttons carry which)."""

    partner = forms.ChoiceField(choices=StatutoryPartner.choices, widget=forms.HiddenInput)
    comment = forms.CharField(
        label="Why are you sending it back?",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The business manager sees this, and the decision can then be changed.",
    )


class SentToPanelForm(AccessibleFormMixin, forms.Form):
    sent_on = forms.DateField(
        label="Date the template was sent to the national Panel", error_messages=_DATE_ERRORS, **_DATE_WIDGET
    )
    delay_reason = forms.CharField(
        label="Reason for the delay",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text=(
            f"Needed when it went more than {PANEL_SUBMISSION_DAY} working days after the Panel was notified. "
            "Scrutiny reads these reasons."
        ),
        error_messages={"max_length": "Use at most 2000 characters."},
    )
    # Only when agencies' returns are still outstanding: sending closes them, so it is confirmed and explained.
    send_without_returns = forms.BooleanField(
        label="Send it without the outstanding returns, and close their requests",
        required=False,
    )
    outstanding_returns_reason = forms.CharField(
        label="Why it goes without them",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
        help_text="Recorded in the review's history and in each closed request's; each agency's contact is told.",
        error_messages={"max_length": "Use at most 2000 characters."},
    )

    def __init__(self, *args, outstanding: list | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outstanding = outstanding or []
        if not self.outstanding:
            del self.fields["send_without_returns"]
            del self.fields["outstanding_returns_reason"]

    def clean(self):
        cleaned = super().clean()
        if self.outstanding and not cleaned.get("send_without_returns"):
            self.add_error(
                "send_without_returns",
                "Confirm that the review goes to the Panel without the outstanding returns, or wait for them.",
            )
        if self.outstanding and not (cleaned.get("outstanding_returns_reason") or "").strip():
            self.add_error("outstanding_returns_reason", "Say why the review goes to the Panel without them.")
        return cleaned


class TimelinessFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="Year of notification", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years"), *((y, str(y)) for y in years)]
        self.fields["year"].widget.attrs["class"] = "select"

    def chosen_year(self) -> int | None:
        return self.cleaned_data.get("year") if self.is_valid() else None
