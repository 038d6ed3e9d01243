"""Forms of a return: the answers (built from the template version's questions), moderation, sending back."""

from __future__ import annotations

from django import forms

from audits.selectors.access import QuestionKind, YesPartlyNo
from partnership.forms.base import AccessibleFormMixin

VERSION = "version"


def _question_field(question) -> forms.Field:
    common = {"label": question.text, "required": False, "help_text": question.guidance}
    if question.kind == QuestionKind.GRADE:
        choices = [(str(o.value), o.label) for o in question.scale.options.all()]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.YES_PARTLY_NO:
        return forms.ChoiceField(choices=YesPartlyNo.choices, widget=forms.RadioSelect, **common)
    if question.kind == QuestionKind.NUMBER:
        return forms.CharField(max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if question.kind == QuestionKind.EVIDENCE:
        return forms.FileField(**common)
    return forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 4}), **common)


def _initial(question, answer) -> object:
    if answer is None:
        return None
    if question.kind == QuestionKind.GRADE:
        return str(answer.option.value) if answer.option_id else None
    if question.kind == QuestionKind.YES_PARTLY_NO:
        return answer.choice or None
    if question.kind == QuestionKind.NUMBER:
        return "" if answer.number is None else f"{answer.number.normalize():f}"
    if question.kind == QuestionKind.TEXT:
        return answer.text
    return None


class ReturnAnswersForm(AccessibleFormMixin, forms.Form):
    """One field per question, named by its key; every field optional here (submitting checks what is required)."""

    def __init__(self, *args, sheet, version: int, **kwargs) -> None:
        self.sheet = sheet
        initial = {VERSION: version}
        for part in sheet:
            for item in part.items:
                initial[item.question.key] = _initial(item.question, item.answer)
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields[VERSION] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        for part in sheet:
            for item in part.items:
                self.fields[item.question.key] = _question_field(item.question)
                item.field_name = item.question.key

    def answers(self) -> dict:
        evidence = {item.question.key for part in self.sheet for item in part.items if item.question.kind == "evidence"}
        return {k: v for k, v in self.cleaned_data.items() if k != VERSION and k not in evidence}

    def files_sent(self) -> dict:
        return {k: f for k, f in self.cleaned_data.items() if hasattr(f, "read") and f}


class ModerationForm(AccessibleFormMixin, forms.Form):
    """Per graded question: the moderated grade (empty: agrees) and the rationale where it differs."""

    def __init__(self, *args, sheet, version: int, **kwargs) -> None:
        initial = {VERSION: version}
        self.graded = []
        for part in sheet:
            for item in part.items:
                if item.question.kind == QuestionKind.GRADE:
                    self.graded.append(item)
                    answer = item.answer
                    if answer is not None and answer.moderated_option_id:
                        initial[f"grade-{item.question.key}"] = str(answer.moderated_option.value)
                        initial[f"rationale-{item.question.key}"] = answer.moderation_rationale
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields[VERSION] = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
        for item in self.graded:
            q = item.question
            choices = [("", "Agree with the agency's grade"), *((str(o.value), o.label) for o in q.scale.options.all())]
            self.fields[f"grade-{q.key}"] = forms.ChoiceField(
                label=f"Moderated grade: {q.text}", choices=choices, required=False
            )
            self.fields[f"rationale-{q.key}"] = forms.CharField(
                label="Rationale (where the grade differs)",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            item.grade_field = f"grade-{q.key}"
            item.rationale_field = f"rationale-{q.key}"

    def grades(self) -> dict:
        return {i.question.key: self.cleaned_data.get(f"grade-{i.question.key}") for i in self.graded}

    def rationales(self) -> dict:
        return {i.question.key: self.cleaned_data.get(f"rationale-{i.question.key}") for i in self.graded}

    def add_service_errors(self, error) -> None:
        for key, messages in getattr(error, "message_dict", {"__all__": error.messages}).items():
            name = f"grade-{key}" if f"grade-{key}" in self.fields else None
            if name and "rationale" in " ".join(messages).lower():
                name = f"rationale-{key}"
            self.add_error(name, messages)


class SendBackForm(AccessibleFormMixin, forms.Form):
    reason = forms.CharField(
        label="What should the practitioner look at again?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say what the practitioner should look at again."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
