"""The survey's public link: answered without an account; nothing else reached with it; a closed or draft survey
refuses; bad answers drawn again by question; one response per browser; CSRF; over the rate limit, 429."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from learninghub.models import SurveyAnswer, SurveyResponse
from learninghub.services.feedback import feedback_survey_move
from tests.learninghub.feedback_helpers import question_make, survey_make, survey_open

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def _survey(world):
    survey = survey_make(world, sent_count=20)
    scale = question_make(world, survey, text="How useful was the hub?", kind="scale")
    yes = question_make(world, survey, text="Did you change your practice?", kind="yes_no")
    text = question_make(world, survey, text="What else should we know?", kind="text", required=False)
    survey_open(world, survey)
    return survey, scale, yes, text


def _url(survey, token=None):
    return reverse("learninghub_public:survey_answer", kwargs={"token": token or survey.token})


def _count(world):
    return SurveyResponse.objects.in_partnership(world.partnership).count()


def test_anyone_with_the_link_answers_once_without_an_account(world_a):
    survey, scale, yes, text = _survey(world_a)
    client = Client(enforce_csrf_checks=True)
    page = client.get(_url(survey))
    assert page.status_code == 200
    content = page.content.decode()
    assert "How useful was the hub?" in content
    assert "What else should we know? (optional)" in content
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cache-Control"] == "no-store"
    assert world_a.partnership.name not in content  # the page names no partnership and links to none of its pages
    assert f"/p/{world_a.partnership.slug}/" not in content
    token = page.cookies["csrftoken"].value
    data = {"csrfmiddlewaretoken": token, f"q{scale.pk}": "4", f"q{yes.pk}": "yes", f"q{text.pk}": "More time"}
    sent = client.post(_url(survey), data)
    assert sent.status_code == 200
    assert b"answers-sent" in sent.content
    assert _count(world_a) == 1
    assert SurveyAnswer.objects.in_partnership(world_a.partnership).count() == 3
    assert "sessionid" not in client.cookies  # no session: the link signs nobody in
    # The same browser again: thanked, not asked; a repeated post writes nothing.
    assert b"already-answered" in client.get(_url(survey)).content
    again = client.post(_url(survey), data)
    assert b"already-answered" in again.content
    assert _count(world_a) == 1
    # Another browser answers too.
    other = Client()
    assert other.post(_url(survey), {f"q{scale.pk}": "2", f"q{yes.pk}": "no"}).status_code == 200
    assert _count(world_a) == 2


def test_a_forged_answered_cookie_is_ignored(world_a):
    survey, _scale, _yes, _text = _survey(world_a)
    client = Client()
    client.cookies[f"survey_{survey.pk}"] = survey.token[:16]
    assert b"public-survey-form" in client.get(_url(survey)).content


def test_the_form_needs_its_csrf_token(world_a):
    survey, scale, yes, _text = _survey(world_a)
    client = Client(enforce_csrf_checks=True)
    client.get(_url(survey))
    response = client.post(_url(survey), {f"q{scale.pk}": "4", f"q{yes.pk}": "yes"})
    assert response.status_code == 403
    assert _count(world_a) == 0


@pytest.mark.parametrize(
    ("answers", "bad"),
    [
        ({}, {"scale", "yes"}),
        ({"scale": "9", "yes": "yes"}, {"scale"}),
        ({"scale": "4", "yes": "perhaps"}, {"yes"}),
        ({"scale": "4", "yes": "no", "text": "x" * 2001}, {"text"}),
    ],
)
def test_bad_answers_are_drawn_again_beside_their_questions(world_a, answers, bad):
    survey, scale, yes, text = _survey(world_a)
    questions = {"scale": scale, "yes": yes, "text": text}
    data = {f"q{questions[k].pk}": v for k, v in answers.items()}
    response = Client().post(_url(survey), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {f"q{questions[k].pk}" for k in bad}
    assert b"error-summary" in response.content
    assert _count(world_a) == 0


def test_a_closed_survey_refuses_and_a_draft_is_missing(world_a):
    survey, scale, yes, _text = _survey(world_a)
    feedback_survey_move(partnership=world_a.partnership, actor=world_a.bm, survey=survey, to="closed")
    client = Client()
    assert client.get(_url(survey)).status_code == 410
    response = client.post(_url(survey), {f"q{scale.pk}": "4", f"q{yes.pk}": "yes"})
    assert response.status_code == 410
    assert b"survey-closed" in response.content
    assert _count(world_a) == 0
    draft = survey_make(world_a)
    question_make(world_a, draft)
    assert client.get(_url(draft)).status_code == 404
    assert client.post(_url(draft), {}).status_code == 404


def test_the_token_grants_nothing_else(world_a, world_b):
    survey, scale, yes, _text = _survey(world_a)
    client = Client()
    assert (
        client.get(_url(survey, token=survey.token[:-1] + ("A" if survey.token[-1] != "A" else "B"))).status_code == 404
    )
    assert client.get(_url(survey, token="x" * 65)).status_code == 404
    client.get(_url(survey))
    client.post(_url(survey), {f"q{scale.pk}": "4", f"q{yes.pk}": "yes"})
    slug = world_a.partnership.slug
    cycle_page = reverse("learninghub:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": survey.cycle_id})
    for url in [
        cycle_page,
        reverse("learninghub:cycle_list", kwargs={"slug": slug}),
        f"/p/{slug}/learning-hub/{survey.cycle_id}/feedback/",
        f"/p/{slug}/s/{survey.token}/",
    ]:
        response = client.get(url)
        assert response.status_code in (302, 404), url
        if response.status_code == 302:
            assert "/account/" in response["Location"]
    api = client.get(f"/api/v1/partnerships/{slug}/learning-hub/cycles/")
    assert api.status_code in (401, 403)
    # A token in the wrong place (a query string, a header) opens nothing.
    assert client.get(cycle_page + f"?token={survey.token}").status_code == 302
    # The link reaches one survey: another partnership's survey needs its own token.
    theirs, *_ = _survey(world_b)
    assert theirs.title.encode() in client.get(_url(theirs)).content
    assert client.get(_url(theirs)).context["survey"].pk == theirs.pk


def test_over_the_limit_the_link_answers_429(world_a, settings):
    settings.LEARNINGHUB_SURVEY_RATE = (3, 60)
    survey, scale, yes, _text = _survey(world_a)
    client = Client()
    for _ in range(3):
        assert client.get(_url(survey)).status_code == 200
    limited = client.post(_url(survey), {f"q{scale.pk}": "4", f"q{yes.pk}": "yes"})
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert _count(world_a) == 0
    # Wrong tokens count too: guessing is as limited as answering.
    assert client.get(_url(survey, token="guess")).status_code == 429
    # Another address has its own allowance.
    assert Client(REMOTE_ADDR="10.1.2.3").get(_url(survey)).status_code == 200
