"""A page's body drawn once and kept until the partnership's records change (issue 13).

The pages of figures (timeliness by quarter, a hub cycle's plan, a self-assessment cycle's compliance matrix, an
audit round's findings) spend most of their time in a handful of queries and in drawing a table that is the same
on every request until somebody writes to one of the partnership's rows. Their body, the page's own part under the
layout, is kept in the figures cache (``partnership.figures_cache``) under the partnership's generation, which every
write of its rows moves on, so a kept body is never served after a write it could show.

A kept body is one reader's: the key holds the reader's membership, the day, the view and its URL arguments and the
whole query string, so a body may depend on the reader's roles, the date and the filters without the view having to
say so. What it must not depend on is anything else about the request:

- the CSRF token: the body is drawn with a placeholder in its place, and the reader's own token is put in on the
  way out (every form in a kept body posts with the token of the request that shows it);
- messages, the time of day, the session: these stay in the layout or in the view, outside the body.

Bodies that show a child's identity are never kept (their views are logged one by one, and identities stay out of
the cache): only pages of figures and of the partnership's own working records use this.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from partnership.figures_cache import figures_cached


def _csrf_placeholder() -> str:
    # The same in every process (a body drawn by one web process is served by another) and not guessable from
    # outside, so no text a user typed can stand for it.
    digest = hashlib.sha256(f"kept body csrf placeholder|{settings.SECRET_KEY}".encode()).hexdigest()[:40]
    return f"keptcsrf{digest}"


def render_kept(
    request: HttpRequest,
    template: str,
    *,
    body_template: str,
    context: Callable[[], dict[str, Any]],
    page_context: dict[str, Any] | None = None,
    status: Callable[[dict[str, Any]], int] | None = None,
    page_context_of: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    """The page ``template`` (the layout and what it needs of ``page_context``) around its body, ``body_template``
    drawn with ``context()``, or the body drawn for the same reader, day, URL and query string since the
    partnership's records last changed.

    ``context`` runs only when the body is drawn: the page's reads go there, so a kept body costs no query. It may
    raise (``Http404``): nothing is kept then. ``status`` answers the response's status from that context (a filter
    form with errors: 400), and is kept with the body, as is what ``page_context_of`` takes from that context for
    the layout (a title named by a row the body reads). A body drawn for a POST (a form sent back with its errors)
    depends on what was posted: it is drawn afresh and never kept.
    """
    placeholder = _csrf_placeholder()

    def drawn() -> tuple[str, int, dict[str, Any]]:
        values = context()
        # The template's own context stands above the context processors': the placeholder hides their csrf_token.
        body = render_to_string(body_template, {**values, "csrf_token": placeholder}, request=request)
        return body, (status(values) if status else 200), (page_context_of(values) if page_context_of else {})

    match = request.resolver_match
    parts = (
        "kept body",
        body_template,
        match.view_name if match else request.path,
        sorted(match.kwargs.items()) if match else (),
        sorted(request.GET.lists()),
        request.membership.pk,
        timezone.localdate(),
    )
    if request.method in ("GET", "HEAD"):
        body, code, for_page = figures_cached(partnership_id=request.partnership.pk, parts=parts, compute=drawn)
    else:
        body, code, for_page = drawn()
    if placeholder in body:
        # get_token also marks the response to carry the CSRF cookie, as drawing the forms afresh would have.
        body = body.replace(placeholder, get_token(request))
    # The body is the template's own output, escaped as it was drawn.
    return render(request, template, {**(page_context or {}), **for_page, "body": mark_safe(body)}, status=code)
