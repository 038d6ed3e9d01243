"""The online survey's public link: answered without an account, and giving access to nothing else.

``/s/<token>/`` (outside every partnership's pages) shows one open survey and takes one response per browser:

- the token is 256 random bits; a draft's link, a wrong token and a malformed one are the same 404;
- every request to a link, right or wrong, counts against the address's limit in the cache (``429`` over it),
  so tokens cannot be guessed at speed and one address cannot flood a survey;
- the form is CSRF-protected like every other; bad answers are drawn again beside their questions (400);
- a browser that has answered carries a signed cookie for this survey's path and is thanked instead of asked
  again (a repeated submission writes nothing);
- a closed survey refuses answers (410) and says so;
- the page names no partnership page, sets no session, and keeps its URL out of other sites' Referer headers and
  out of caches;
- on PostgreSQL the rest of the request sees only the survey's partnership's rows (row-level security).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from learninghub.forms.feedback import PublicSurveyForm
from learninghub.selectors.feedback import SurveyState, survey_by_token, survey_questions
from learninghub.services.feedback import survey_response_submit
from partnership.access import client_ip_address
from partnership.forms.base import add_service_errors
from partnership.tenancy_db import tenant_db_scope_enter

COOKIE_SALT = "learninghub.survey.answered"
COOKIE_AGE = 60 * 60 * 24 * 365


def _limit() -> tuple[int, int]:
    """Requests allowed per address, and the window in seconds (``LEARNINGHUB_SURVEY_RATE``, default 60/minute)."""
    return getattr(settings, "LEARNINGHUB_SURVEY_RATE", (60, 60))


def _over_limit(request: HttpRequest) -> bool:
    allowed, window = _limit()
    key = f"learninghub:survey-link:{client_ip_address(request) or 'unknown'}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > allowed


def _cookie_name(survey) -> str:
    return f"survey_{survey.pk}"


def _has_answered(request: HttpRequest, survey) -> bool:
    value = request.get_signed_cookie(_cookie_name(survey), default=None, salt=COOKIE_SALT, max_age=COOKIE_AGE)
    return value == survey.token[:16]


def _private(response: HttpResponse) -> HttpResponse:
    # same-origin, not no-referrer: with no-referrer a browser posts the form with "Origin: null", which CSRF refuses.
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, token: str) -> HttpResponse:
    if _over_limit(request):
        response = render(request, "learninghub/survey/public_limited.html", status=429)
        response["Retry-After"] = str(_limit()[1])
        return _private(response)
    survey = survey_by_token(token=token)
    tenant_db_scope_enter(partnership_id=survey.partnership_id, person_id=None)
    context = {"survey": survey}
    if survey.state == SurveyState.CLOSED:
        return _private(render(request, "learninghub/survey/public_closed.html", context, status=410))
    if _has_answered(request, survey):
        return _private(render(request, "learninghub/survey/public_thanks.html", {**context, "again": True}))
    questions = survey_questions(partnership=survey.partnership, survey=survey)
    if request.method == "POST":
        form = PublicSurveyForm(data=request.POST, questions=questions)
        if form.is_valid():
            try:
                survey_response_submit(survey=survey, answers=form.answers())
            except ValidationError as exc:
                if getattr(exc, "code", None) == "closed":
                    return _private(render(request, "learninghub/survey/public_closed.html", context, status=410))
                add_service_errors(form, exc)
            else:
                response = render(request, "learninghub/survey/public_thanks.html", context)
                response.set_signed_cookie(
                    _cookie_name(survey),
                    survey.token[:16],
                    salt=COOKIE_SALT,
                    max_age=COOKIE_AGE,
                    path=request.path,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
                return _private(response)
        status = 400
    else:
        form = PublicSurveyForm(questions=questions)
        status = 200
    return _private(render(request, "learninghub/survey/public.html", {**context, "form": form}, status=status))
