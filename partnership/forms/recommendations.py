"""Forms of the recommendation pages. They check the shape of the input; the services decide the rest
(a source, theme or recommendation of another partnership is refused there, like a missing one)."""

from __future__ import annotations

from django import forms

from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin
from partnership.models import StatutoryPartner
from partnership.models.recommendations import DisseminationKind, LearningTheme, Recommendation, RecommendationSource
from partnership.recommendation_sources import source_kind_choices
from partnership.selectors.recommendations import RegisterFilters
from partnership.services.files import ACCEPT_ATTRIBUTE, ACCEPTED_HINT

_LEAD_CHOICES = [("", "Choose the lead partner"), *list(StatutoryPartner.choices)]
_DATE_WIDGET = {
    "input_formats": ["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
}


def theme_choices(themes, *, tagged_ids=frozenset()) -> list[tuple[int, str]]:
    """Current themes, plus any retired theme already tagged (kept unless unticked)."""
    return [
        (t.pk, t.name if t.is_active else f"{t.name} (retired)") for t in themes if t.is_active or t.pk in tagged_ids
    ]


class ThemesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Learning themes")
        kwargs.setdefault("required", False)
        kwargs.setdefault("error_messages", {"invalid_choice": "Choose themes from the list."})
        super().__init__(**kwargs)


class RecommendationForm(AccessibleFormMixin, forms.Form):
    text = forms.CharField(
        label="Recommendation",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the partnership resolves to change, as a SMART statement.",
        error_messages={"required": "Enter the recommendation."},
    )
    rationale = forms.CharField(
        label="Rationale (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_partner = forms.ChoiceField(
        label="Lead partner", choices=_LEAD_CHOICES, error_messages={"required": "Choose the partner who leads it."}
    )
    source_kind = forms.ChoiceField(
        label="Where it came from", choices=(), error_messages={"required": "Choose where it came from."}
    )
    source_id = forms.IntegerField(
        label="Source number (optional for “other”)",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The number in the source's address, for example 42 in …/learning-reviews/42/.",
        error_messages={"invalid": "Enter the source's number.", "min_value": "Enter the source's number."},
    )
    source_description = forms.CharField(
        label="Description of the source (needed for “other”)", required=False, max_length=300
    )
    themes = ThemesField()

    def __init__(self, *args, themes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_kind"].choices = [("", "Choose where it came from"), *source_kind_choices()]
        self.fields["themes"].choices = theme_choices(themes)


class RecommendationEditForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    text = RecommendationForm.base_fields["text"]
    rationale = RecommendationForm.base_fields["rationale"]
    lead_partner = RecommendationForm.base_fields["lead_partner"]
    source_description = forms.CharField(label="Description of the source", required=False, max_length=300)

    @staticmethod
    def initial_for(recommendation: Recommendation) -> dict:
        from partnership.forms.base import versioned_initial

        return {
            "text": recommendation.text,
            "rationale": recommendation.rationale,
            "lead_partner": recommendation.lead_partner,
            "source_description": recommendation.source_description,
            **versioned_initial(recommendation),
        }


class ThemesForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    themes = ThemesField()

    def __init__(self, *args, themes=(), tagged_ids=frozenset(), versioned: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.versioned = versioned
        self.fields["themes"].choices = theme_choices(themes, tagged_ids=set(tagged_ids))
        self.fields["themes"].initial = [str(i) for i in tagged_ids]

    def clean(self) -> dict:
        if not self.versioned:  # a review's themes: tags only, no version of the review to compare
            return forms.Form.clean(self)
        return super().clean()


class CloseForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why close it? (optional)", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RoundForm(AccessibleFormMixin, forms.Form):
    recommendations = forms.MultipleChoiceField(
        label="Recommendations to put to the partners",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one recommendation to put to the partners.",
            "invalid_choice": "Choose recommendations from the list.",
        },
    )
    title = forms.CharField(
        label="Title of the round (optional)",
        required=False,
        max_length=200,
        help_text="For example “Board, 12 March: learning review LR-2026-003”.",
    )

    def __init__(self, *args, proposable=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recommendations"].choices = [
            (r.pk, f"{r.reference} ({r.get_state_display().lower()}): {r.text[:120]}") for r in proposable
        ]


class RegisterFilterForm(forms.Form):
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *Recommendation.State.choices])
    source_kind = forms.ChoiceField(
        label="Source", required=False, choices=[("", "Any source"), *RecommendationSource.choices]
    )
    lead_partner = forms.ChoiceField(
        label="Lead partner", required=False, choices=[("", "Any partner"), *StatutoryPartner.choices]
    )
    theme = forms.TypedChoiceField(label="Theme", required=False, coerce=int, empty_value=None, choices=())
    overdue = forms.BooleanField(label="Only overdue", required=False)

    def __init__(self, *args, themes=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", "Any theme"), *((t.pk, t.name) for t in themes)]
        for name in ("state", "source_kind", "lead_partner", "theme"):
            self.fields[name].widget.attrs["class"] = "select"

    def filters(self) -> RegisterFilters:
        """The filters asked for; anything invalid (a stale link) is simply not applied."""
        if not self.is_bound:
            return RegisterFilters()
        self.is_valid()  # an invalid field is dropped from cleaned_data; the valid ones still apply
        data = self.cleaned_data
        return RegisterFilters(
            state=data.get("state") or "",
            source_kind=data.get("source_kind") or "",
            lead_partner=data.get("lead_partner") or "",
            theme_id=data.get("theme"),
            overdue=bool(data.get("overdue")),
        )


class ThemeForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=100, error_messages={"required": "Enter the theme's name."})
    description = forms.CharField(
        label="Description (optional)", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ThemeEditForm(VersionedFormMixin, ThemeForm):
    is_active = forms.BooleanField(
        label="In use (untick to retire it: its tags stay, nothing new is tagged with it)", required=False
    )

    @staticmethod
    def initial_for(theme: LearningTheme) -> dict:
        from partnership.forms.base import versioned_initial

        return {
            "name": theme.name,
            "description": theme.description,
            "is_active": theme.is_active,
            **versioned_initial(theme),
        }


class DisseminationForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="How was it shared?",
        choices=[("", "Choose one"), *DisseminationKind.choices],
        error_messages={"required": "Choose how the learning was shared."},
    )
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Enter a title."})
    on = forms.DateField(
        label="Date",
        help_text="For example, 14/03/2026.",
        error_messages={"required": "Enter the date.", "invalid": "Enter a real date, like 2026-03-14"},
        **_DATE_WIDGET,
    )
    audience = forms.CharField(
        label="Audience",
        max_length=300,
        help_text="Who it was for, for example school designated safeguarding leads.",
        error_messages={"required": "Say who it was for."},
    )
    reach = forms.IntegerField(
        label="People reached (optional)",
        required=False,
        min_value=0,
        max_value=10_000_000,
        error_messages={"invalid": "Enter a whole number.", "min_value": "Enter 0 or more."},
    )
    link = forms.CharField(label="Link (optional if you attach the file)", required=False, max_length=500)
    file = forms.FileField(
        label="File (optional if you give a link)",
        required=False,
        help_text=ACCEPTED_HINT,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    # What it is of: a recommendation, or a learning record (a learning review, a rapid review).
    recommendation = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1)
    record_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    record_id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1)
