"""The one shape of a page's action (``partnership.views.actions.form_action``)."""

from __future__ import annotations

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.test import RequestFactory

from partnership.forms.base import AccessibleFormMixin
from partnership.views.actions import REFUSED, form_action, form_status


class NameForm(AccessibleFormMixin, forms.Form):
    name = forms.CharField()


def _request():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def test_a_valid_form_runs_the_service_once_says_so_and_answers_its_redirect():
    request, calls = _request(), []
    form = NameForm({"name": "Ashby"})
    answer = form_action(
        request,
        form,
        lambda data: calls.append(data["name"]) or data["name"].upper(),
        message=lambda result: f"Saved {result}.",
        success=lambda result: HttpResponseRedirect(f"/{result}/"),
    )
    assert calls == ["Ashby"]
    assert answer.url == "/ASHBY/"
    assert [str(m) for m in get_messages(request)] == ["Saved ASHBY."]
    assert form_status(form) == 200


def test_a_refusal_of_the_service_goes_beside_its_field_and_the_page_is_drawn_again():
    request = _request()
    form = NameForm({"name": "Ashby"})

    def refuse(data):
        raise ValidationError({"name": ["Another partnership already has this name."], "other": ["At the top."]})

    assert form_action(request, form, refuse, message="never", success=lambda _: HttpResponseRedirect("/")) is None
    assert form.errors["name"] == ["Another partnership already has this name."]
    assert form.non_field_errors() == ["At the top."]
    assert list(get_messages(request)) == []
    assert form_status(form) == REFUSED


def test_an_invalid_or_unbound_form_never_reaches_the_service():
    def must_not_run(data):
        raise AssertionError("the service ran")

    invalid = NameForm({"name": ""})
    assert form_action(_request(), invalid, must_not_run, success=lambda _: None) is None
    assert form_status(invalid) == REFUSED
    unbound = NameForm()
    assert form_action(_request(), unbound, must_not_run, success=lambda _: None) is None
    assert form_status(unbound, None) == 200
