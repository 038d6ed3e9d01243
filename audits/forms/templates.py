"""Forms of the template pages."""

from __future__ import annotations

from django import forms

from audits.selectors.access import QuestionKind, TemplateKind
from audits.selectors.templates import builtin_template_list
from partnership.forms.base import AccessibleFormMixin, VersionedFormMixin


class TemplateCopyForm(AccessibleFormMixin, forms.Form):
    builtin_key = forms.ChoiceField(
        label="Built-in template",
        choices=lambda: [(t.key, t.name) for t in builtin_template_list()],
        error_messages={"required": "Choose a built-in template.", "invalid_choice": "Choose a built-in template."},
    )


class TemplateCreateForm(AccessibleFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Kind of audit",
        choices=[("", "Choose one"), *TemplateKind.choices],
        error_messages={"required": "Choose the kind of audit."},
    )
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the template's name."})
    description = forms.CharField(
        label="Description (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class TemplateEditForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    name = forms.CharField(label="Name", max_length=200, error_messages={"required": "Enter the template's name."})
    description = forms.CharField(
        label="Description (optional)", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DraftVersionForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    """No fields but the draft's version: publishing, removing a section or a question."""


class SectionForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    title = forms.CharField(label="Section title", max_length=200, error_messages={"required": "Enter a title."})
    guidance = forms.CharField(
        label="Guidance (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to the people answering, at the top of the section.",
    )


class QuestionForm(VersionedFormMixin, AccessibleFormMixin, forms.Form):
    text = forms.CharField(label="Question", max_length=500, error_messages={"required": "Enter the question."})
    guidance = forms.CharField(
        label="Guidance (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What a good answer looks at, shown beside the question.",
    )
    kind = forms.ChoiceField(
        label="Kind of answer",
        choices=[("", "Choose one"), *QuestionKind.choices],
        error_messages={"required": "Choose the kind of answer."},
    )
    scale_id = forms.TypedChoiceField(
        label="Scale (for a grade only)", required=False, coerce=int, empty_value=None, choices=()
    )
    required = forms.BooleanField(label="An answer is required before the return can be submitted", required=False)

    def __init__(self, *args, scales=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scale_id"].choices = [("", "No scale"), *((s.pk, s.name) for s in scales)]
