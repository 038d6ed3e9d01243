"""Forms of the information request pages: asking agencies, writing the return, sending it back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django import forms
from django.utils.formats import date_format

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin, versioned_initial
from partnership.models import Agency, Membership, Person
from partnership.selectors import people_with_ids
from reviews.models import InformationRequest
from reviews.services.requests import ANSWER_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# What each question of the scoping and information-sharing template asks (seed 001), as hints.
ANSWER_HINTS = {
    "involvement": "When and how your agency was involved with the child and family. Write 'None' if it was not.",
    "key_practice_episodes": "The episodes of practice that matter most to understanding what happened.",
    "good_practice": "What went well in your agency's work with the child and family.",
    "done_differently": "What could have been done differently, with hindsight.",
    "immediate_safety_concerns": "Any concern for the safety of this or another child now, and what has been done.",
    "unexpected_issues": "Anything unexpected in practice, or any other issue the review should know.",
}


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.full_name or obj.email


class RequestCreateForm(AccessibleFormMixin, forms.Form):
    """For each agency: ask it (a checkbox) and through whom (one of its active members)."""

    due_on = forms.DateField(
        label="Due date (optional)",
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": "Enter a real date."},
    )

    def __init__(
        self,
        *args,
        agencies: Iterable[Agency],
        members: Iterable[Membership],
        asked_agency_ids: set[int],
        preselect_agency_ids: set[int],
        default_due_on: date | None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        by_agency: dict[int, list[int]] = {}
        for m in members:
            by_agency.setdefault(m.agency_id, []).append(m.person_id)
        if default_due_on is not None:
            self.fields["due_on"].help_text = (
                f"Leave it empty to ask for the returns by {date_format(default_due_on, 'j F Y')}, "
                "the returns milestone."
            )
        else:
            self.fields["due_on"].required = True
            self.fields["due_on"].label = "Due date"
            self.fields["due_on"].error_messages["required"] = "Enter the date the returns are due."
        self.rows: list[dict] = []
        for agency in agencies:
            ask_name, person_name = f"agency_{agency.pk}", f"assignee_{agency.pk}"
            people = people_with_ids(person_ids=by_agency.get(agency.pk, []))
            asked = agency.pk in asked_agency_ids
            row = {"agency": agency, "asked": asked, "ask": None, "person": None}
            if not asked:
                self.fields[ask_name] = forms.BooleanField(
                    label=f"Ask {agency.name}", required=False, initial=agency.pk in preselect_agency_ids
                )
                self.fields[person_name] = PersonChoiceField(
                    label=f"Person at {agency.name} who will complete the return",
                    queryset=people,
                    required=False,
                    empty_label="Choose a person" if people else "Nobody at this agency is a member",
                    initial=by_agency[agency.pk][0] if len(by_agency.get(agency.pk, [])) == 1 else None,
                    error_messages={"invalid_choice": f"Choose a member of {agency.name}."},
                )
                row["ask"], row["person"] = ask_name, person_name
            self.rows.append(row)
        self._agencies = {a.pk: a for a in agencies}

    def clean(self) -> dict:
        cleaned = super().clean()
        chosen = [pk for pk in self._agencies if cleaned.get(f"agency_{pk}")]
        if not chosen and not self.errors:
            raise forms.ValidationError("Choose at least one agency to ask.")
        for pk in chosen:
            if cleaned.get(f"assignee_{pk}") is None and f"assignee_{pk}" not in self.errors:
                self.add_error(
                    f"assignee_{pk}", f"Choose the person at {self._agencies[pk].name} who will complete the return."
                )
        return cleaned

    def assignments(self) -> list[tuple[Agency, Person]]:
        return [
            (agency, self.cleaned_data.get(f"assignee_{pk}"))
            for pk, agency in self._agencies.items()
            if self.cleaned_data.get(f"agency_{pk}")
        ]

    def bound_rows(self) -> list[dict]:
        return [
            {
                "agency": row["agency"],
                "asked": row["asked"],
                "ask": self[row["ask"]] if row["ask"] else None,
                "person": self[row["person"]] if row["person"] else None,
            }
            for row in self.rows
        ]


class ReturnForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    """The agency's return. No length limit in the browser (it would cut pasted text silently):
    the service measures each answer and says how much is too much, keeping what was typed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ANSWER_FIELDS:
            self.fields[name] = forms.CharField(
                label=self.label_of(name),
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 6}),
                help_text=ANSWER_HINTS[name],
            )
        # The version field last, so the answers come first when the form is iterated.
        self.fields["expected_updated_at"] = self.fields.pop("expected_updated_at")

    @staticmethod
    def answer_fields() -> tuple[str, ...]:
        return ANSWER_FIELDS

    @staticmethod
    def label_of(name: str) -> str:
        verbose = str(InformationRequest._meta.get_field(name).verbose_name)
        return verbose[:1].upper() + verbose[1:]

    @staticmethod
    def initial_for(information_request: InformationRequest) -> dict:
        return {
            **{name: getattr(information_request, name) for name in ANSWER_FIELDS},
            **versioned_initial(information_request),
        }

    def answers(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in ANSWER_FIELDS}


class SendBackForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="What needs to change",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The person who wrote the return is emailed this.",
        error_messages={"required": "Say what needs to change: the person will read this."},
    )
    due_on = forms.DateField(
        label="New due date (optional)",
        required=False,
        widget=DATE_WIDGET,
        help_text="Leave it empty to keep the current due date.",
        error_messages={"invalid": "Enter a real date."},
    )


class WithdrawForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Use at most %(limit_value)d characters."},
    )
