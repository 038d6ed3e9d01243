"""An approver's decision on a sign-off (a partner lead's, for the statutory set): approve, or send back with a comment.

Drawn by ``templates/partnership/signoff/_decision_form.html`` on any page
that shows the sign-off panel, and posted to that page's own view (see
``partnership.views.signoff.sign_off_decision_handle``). The form only checks
the shape of the input; who may decide, and when, is the service's rule.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from partnership.forms.base import AccessibleFormMixin
from partnership.models import StatutoryPartner
from partnership.selectors.signoff import SignOffPanel
from partnership.services.signoff import COMMENT_MAX_LENGTH

APPROVE = "approve"
SEND_BACK = "send_back"
SEND_BACK_NEEDS_A_COMMENT = "Say why you are sending it back."


class SignOffDecisionForm(AccessibleFormMixin, forms.Form):
    """Approve or send back. ``round`` carries the round the page showed, so a stale page is refused."""

    prefix = "sign_off"

    partner = forms.ChoiceField(
        label="Which partner are you deciding for?",
        choices=StatutoryPartner.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which partner you are deciding for.",
            "invalid_choice": "Choose the local authority, health or the police.",
        },
    )
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[(APPROVE, "Approve"), (SEND_BACK, "Send back with a comment")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether to approve or send it back.",
            "invalid_choice": "Choose whether to approve or send it back.",
        },
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed when you send it back: say what has to change. Everyone who can see the sign-off reads it.",
        error_messages={"max_length": f"Use at most {COMMENT_MAX_LENGTH} characters."},
    )
    round = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, panel: SignOffPanel, **kwargs) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("round", panel.sign_off.round)
        decidable = panel.decidable_partners
        if len(decidable) == 1:
            kwargs["initial"].setdefault("partner", decidable[0].key)
        super().__init__(*args, **kwargs)
        self.panel = panel
        self.fields["partner"].choices = [(a.key, a.label) for a in panel.sign_off.approver_set]
        if not panel.is_statutory:
            self.fields["partner"].label = "Which approver are you deciding for?"
            self.fields["partner"].error_messages["invalid_choice"] = "Choose one of the approvers."
            self.fields["partner"].error_messages["required"] = "Choose which approver you are deciding for."
        if len(decidable) <= 1:
            # Only one partner to decide for: say it in the legend instead of asking.
            self.fields["partner"].widget = forms.HiddenInput()
            # The service names who may decide when nothing (or something forged) is sent.
            self.fields["partner"].required = False
        else:
            self.fields["partner"].choices = [(a.key, a.label) for a in decidable]
        if len(decidable) == 1:
            label = decidable[0].label.lower() if panel.is_statutory else decidable[0].label
            self.fields["decision"].label = f"Your decision for {label}"

    @classmethod
    def was_posted(cls, data: QueryDict) -> bool:
        """Whether a POST came from this form (a page may carry other forms too)."""
        return f"{cls.prefix}-round" in data

    @property
    def asks_partner(self) -> bool:
        return not isinstance(self.fields["partner"].widget, forms.HiddenInput)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("decision") == SEND_BACK and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", SEND_BACK_NEEDS_A_COMMENT)
        if "round" in self.errors:
            # A hidden field has no place to show its error: say it at the top.
            del self.errors["round"]
            self.add_error(None, "This page is out of date. Reload it and decide again.")
        if "partner" in self.errors and not self.asks_partner:
            messages = self.errors.pop("partner")
            self.add_error(None, messages)
        return cleaned

    def service_kwargs(self) -> dict:
        """The keyword arguments for ``sign_off_approve`` / ``sign_off_send_back`` from the cleaned input."""
        data = self.cleaned_data
        kwargs = {"partner": data.get("partner") or None, "expected_round": data["round"]}
        if data["decision"] == SEND_BACK:
            kwargs["comment"] = data["comment"]
        return kwargs
