"""Template helpers of the self-assessment pages: a standard's form fields, an answer as people read it."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def standard_fields(form, view) -> list:
    """The bound fields of one standard's questions, in order."""
    return form.answer_fields(view)


@register.simple_tag
def answer_text(question, answers: dict) -> str:
    """The answer to ``question`` in ``answers`` as shown to people: a grade's label, yes/partly/no, text."""
    value = answers.get(question.key)
    if value is None:
        return ""
    if question.kind == "grade":
        return next((o.label for o in question.scale.options.all() if o.value == value), str(value))
    if question.kind == "yes_partly_no":
        return {"yes": "Yes", "partly": "Partly", "no": "No"}.get(value, str(value))
    return str(value)


@register.simple_tag
def moderation_fields(form, view) -> list:
    """The bound moderation fields of one standard (its moderated score and challenge notes)."""
    return form.standard_fields(view)
