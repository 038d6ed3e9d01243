"""Fixtures of the kernel's tests: the two template engines the site's builtin filters are compared between."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, engines


@pytest.fixture
def site_engine() -> Engine:
    """The site's engine, with its builtins (``partnership.templatetags.fast_dates``, ``fast_text``)."""
    return engines["django"].engine


@pytest.fixture
def django_engine(site_engine) -> Engine:
    """The site's engine as it would be without the builtins: Django's own filters."""
    return Engine(dirs=site_engine.dirs, app_dirs=False, builtins=[])


def filter_used(engine: Engine, name: str):
    """The filter templates get under ``name``: the last builtin library naming it."""
    return [library.filters[name] for library in engine.template_builtins if name in library.filters][-1]


def rendered(engine: Engine, value, expression: str) -> str:
    """``{{ value|<expression> }}`` rendered by ``engine``: ``rendered(engine, day, 'date:"j F Y"')``."""
    return engine.from_string("{{ value|" + expression + " }}").render(Context({"value": value}))
