"""Every date field on a page shows a saved date back to the browser.

A ``<input type="date">`` accepts only ``2026-12-03``. Django renders a DateInput's
value in the locale's first input format, which for en-GB is ``03/12/2026``: the
browser then shows the field empty, and saving the form again loses or refuses the
date. Every form's date widget must carry the ISO format.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date

import pytest
from django import forms
from django.utils import translation

APPS = ("partnership", "reviews", "audits", "learninghub", "scrutiny")


def _form_classes():
    for app in APPS:
        try:
            package = importlib.import_module(f"{app}.forms")
        except ModuleNotFoundError:
            continue
        modules = [package]
        if hasattr(package, "__path__"):
            modules += [
                importlib.import_module(m.name) for m in pkgutil.iter_modules(package.__path__, f"{app}.forms.")
            ]
        for module in modules:
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                    yield cls


def _date_fields():
    for cls in _form_classes():
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field.widget, forms.DateInput) and field.widget.input_type == "date":
                yield pytest.param(field.widget, id=f"{cls.__module__}.{cls.__name__}.{name}")


def test_the_check_finds_date_fields():
    assert len(list(_date_fields())) >= 10


@pytest.mark.parametrize("widget", list(_date_fields()))
def test_a_date_field_shows_its_date_in_the_format_the_browser_reads(widget):
    with translation.override("en-gb"):
        html = widget.render("on", date(2026, 12, 3))
    assert 'value="2026-12-03"' in html
