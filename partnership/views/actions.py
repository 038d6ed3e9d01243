"""The one shape of a page's action: a valid form → one service → a message → a redirect.

Every page that changes something does the same four steps, and the same two
refusals: a form that does not validate, and a service that raises
``ValidationError`` (its messages go beside the fields they name, the rest at
the top; the person's input stays in the bound form). Either way the page is
drawn again with the form and answers 400 (``form_status``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from partnership.forms.base import add_service_errors

# A refused form: the page is drawn again with the errors beside their fields.
REFUSED = 400

Result = TypeVar("Result")


def form_action(
    request: HttpRequest,
    form: forms.Form,
    service: Callable[[dict[str, Any]], Result],
    *,
    success: Callable[[Result], HttpResponse],
    message: str | Callable[[Result], str] | None = None,
) -> HttpResponse | None:
    """Run ``service(form.cleaned_data)`` when the bound form is valid; answer its ``success`` redirect.

    Returns None when there is nothing to do (an unbound form), the form does
    not validate, or the service refuses (``ValidationError``, put on the
    form's fields): the caller then draws its page again with the form, with
    ``status=form_status(form)``. On success ``message`` (or ``message(result)``)
    is flashed and ``success(result)`` answered.
    """
    if not form.is_bound or not form.is_valid():
        return None
    try:
        result = service(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    if message is not None:
        messages.success(request, message(result) if callable(message) else message)
    return success(result)


def form_status(*forms_drawn: forms.Form | None) -> int:
    """400 when any of the page's forms was sent and refused, else 200."""
    return REFUSED if any(f is not None and f.is_bound and f.errors for f in forms_drawn) else 200
