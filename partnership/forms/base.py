"""Form plumbing shared by every page: accessible widgets and service errors on fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


class AccessibleFormMixin:
    """Point each widget at its hint and error (aria-describedby) and flag invalid ones."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for _name, field in self.fields.items():
            classes = field.widget.attrs.get("class", "")
            if isinstance(
                field.widget,
                (
                    forms.TextInput,
                    forms.EmailInput,
                    forms.NumberInput,
                    forms.DateInput,
                    forms.PasswordInput,
                    forms.URLInput,
                ),
            ):
                field.widget.attrs["class"] = (classes + " input").strip()
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["class"] = (classes + " textarea").strip()
            elif isinstance(field.widget, forms.Select) and not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = (classes + " select").strip()

    def full_clean(self) -> None:
        super().full_clean()
        self._describe_widgets()

    def _describe_widgets(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            ids = []
            if field.help_text:
                ids.append(f"{bound.auto_id}-hint")
            if name in self.errors:
                ids.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids and not isinstance(field.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                field.widget.attrs["aria-describedby"] = " ".join(ids)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the matching fields, the rest at the top.

    The person's input stays in the bound form, so nothing they typed is lost.
    """
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
    form._describe_widgets()
