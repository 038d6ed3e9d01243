"""The floor page: the least a signed-in partnership page can cost, so every page is measured against it.

Signed in (session, person, second factor), the partnership resolved from the
URL by ``partnership_view`` like every page under /p/<slug>/, the base layout
with its navigation and partnership switcher drawn, and one query of its own
(a primary-key read). A page can be no cheaper than this; a page at 3x the
floor spends twice the floor's time on its own work.

It exists only in the benchmarks' URLconf (``tests.benchmarks.urls``, used by
``tests.benchmarks.settings``): it is not a route of the application.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.views.decorators.http import require_GET

from partnership.access import partnership_view
from partnership.models import Partnership

_TEMPLATE = engines["django"].from_string(
    """{% extends "base.html" %}{% block title %}Floor{% endblock %}{% block content %}
<h1>{{ name }}</h1>
<p>The benchmarks' floor page: the base layout and one query.</p>
{% endblock %}"""
)


@require_GET
@partnership_view()
def floor(request: HttpRequest) -> HttpResponse:
    # The one query of its own: a primary-key read, as cheap as a query gets.
    name = Partnership.objects.filter(pk=request.partnership.pk).values_list("name", flat=True).get()
    return HttpResponse(_TEMPLATE.render({"name": name}, request))
