"""Form plumbing shared by every page: accessible widgets, service errors on fields, edit versions."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.html import format_html, format_html_join

VERSION_FIELD = "expected_updated_at"
STALE_FORM_MESSAGE = "This page is out of date. Reload it and make your change again."


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


def version_of(instance: models.Model) -> str:
    """The value of a versioned form's hidden field for ``instance``: its ``updated_at``, to the microsecond."""
    return instance.updated_at.isoformat()


class VersionedFormMixin:
    """A hidden ``expected_updated_at`` field: the version of the row the page showed.

    Edit forms carry it so that the service can refuse a change when someone
    else has saved the row since the page was drawn, instead of silently
    writing over their change (``services._version_check``). A missing or
    malformed version is refused here, at the top of the form (a hidden field
    has no place of its own to show an error). After cleaning,
    ``cleaned_data["expected_updated_at"]`` is an aware datetime.

    Draw the form with ``initial={..., **versioned_initial(row)}`` and put
    ``{{ form.expected_updated_at }}`` inside the ``<form>``.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict:
        cleaned = super().clean()
        try:
            moment = datetime.fromisoformat(cleaned.get(VERSION_FIELD) or "")
        except ValueError:
            moment = None
        if moment is None or timezone.is_naive(moment):
            raise forms.ValidationError(STALE_FORM_MESSAGE)
        cleaned[VERSION_FIELD] = moment
        return cleaned

    def add_refusal(self, error: ValidationError, *, saved: models.Model) -> bool:
        """Show a service's refusal and carry the version of the row as ``saved`` now.

        The person's input stays; only the hidden version moves on to ``saved``'s,
        so sending the kept input again applies it over the version they are now
        shown. Returns True when ``saved`` differs from the version the page had
        drawn: the page must then show ``saved`` beside the form, so that nobody
        overwrites a change they have not seen.
        """
        conflict = self.cleaned_data.get(VERSION_FIELD) != saved.updated_at
        data = self.data.copy()
        data[self.add_prefix(VERSION_FIELD)] = version_of(saved)
        # Read when the form is drawn again (BoundField.value), after validation has run.
        self.data = data
        add_service_errors(self, error)
        return conflict


def versioned_initial(instance: models.Model) -> dict[str, str]:
    """The initial value of a versioned form's hidden field, for a page drawn from ``instance``."""
    return {VERSION_FIELD: version_of(instance)}


class QuickSelect(forms.Select):
    """A ``<select>`` written in Python, the same HTML as Django's.

    Django renders each ``<option>`` through its own template include: on a filter form of a few selects with
    tens of options (the scrutiny dashboard's years, quarters, agencies and cycles) that was half of the page's
    template time. The context (``get_context``: attributes, the chosen value, optgroups) is Django's own.
    """

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            written = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((str(o["value"]), _attributes(o["attrs"]), o["label"]) for o in options),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, written) if group_name else written
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            format_html_join("", "{}", ((g,) for g in groups)),
        )


def _attributes(attrs: dict) -> str:
    """Attributes as Django's ``attrs.html`` writes them: in order, ``True`` bare, ``False`` and ``None`` left out."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False and value is not None
        ),
    )
