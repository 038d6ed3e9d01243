"""API of a cycle's feedback: sessions, children's feedback, evaluation figures, surveys with their questions,
moves and responses summary, "you said, we did"; each role's rights, another partnership's ids 404 (in the URL)
and 400 (in the body), field errors, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learninghub.models import ChildFeedback, FeedbackSurvey, PractitionerFeedbackSession, YouSaidWeDid
from learninghub.services import feedback as services
from partnership.services.learning_themes import learning_theme_create
from tests.conftest import login
from tests.learninghub.feedback_helpers import child_make, cycle_of, question_make, session_make, survey_make

pytestmark = pytest.mark.django_db

READERS = ["la_lead", "practitioner", "agency_lead", "scrutineer", "lay_member", "observer"]


def _api(person) -> APIClient:
    return login(APIClient(), person)


def _url(world, name, **kwargs):
    return reverse(f"learninghub_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


SESSION = {"title": "Forum", "held_on": "2027-03-01", "attended": 30, "quotes": ["We need time"], "theme_ids": []}
CHILD = {
    "gathered_on": "2027-03-02",
    "method": "Youth forum",
    "children": 2,
    "young_people": 7,
    "consent_recorded": True,
    "consent_how": "Written consent",
}


def test_business_manager_records_and_members_read(world_a):
    cycle = cycle_of(world_a)
    theme = learning_theme_create(partnership=world_a.partnership, actor=world_a.bm, name="Voice of the child")
    client = _api(world_a.bm)
    c = {"hub_cycle_id": cycle.pk}
    made = client.post(_url(world_a, "feedback_session_list", **c), {**SESSION, "theme_ids": [theme.pk]}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["themes"] == [{"id": theme.pk, "name": "Voice of the child"}]
    session_id = made.json()["id"]
    assert client.post(_url(world_a, "child_feedback_list", **c), CHILD, format="json").status_code == 201
    figure = {"label": "Evaluation score", "value": "4.2", "out_of": "5", "respondents": 31}
    assert client.post(_url(world_a, "evaluation_figure_list", **c), figure, format="json").status_code == 201
    changed = client.patch(
        _url(world_a, "feedback_session_detail", **c, feedback_session_id=session_id),
        {**SESSION, "attended": 33},
        format="json",
    )
    assert changed.status_code == 200
    assert changed.json()["attended"] == 33
    for role in READERS:
        reader = _api(getattr(world_a, role).person)
        assert [s["attended"] for s in reader.get(_url(world_a, "feedback_session_list", **c)).json()] == [33]
        assert reader.get(_url(world_a, "child_feedback_list", **c)).json()[0]["young_people"] == 7
        assert reader.get(_url(world_a, "evaluation_figure_list", **c)).json()[0]["value"] == "4.20"
        assert reader.post(_url(world_a, "feedback_session_list", **c), SESSION, format="json").status_code == 403
        detail = _url(world_a, "feedback_session_detail", **c, feedback_session_id=session_id)
        assert reader.delete(detail).status_code == 403
    record = ChildFeedback.objects.in_partnership(world_a.partnership).get()
    assert "name" not in " ".join(
        _api(world_a.practitioner.person)
        .get(_url(world_a, "child_feedback_detail", **c, child_feedback_id=record.pk))
        .json()
    )
    assert (
        client.delete(_url(world_a, "feedback_session_detail", **c, feedback_session_id=session_id)).status_code == 204
    )
    assert not PractitionerFeedbackSession.objects.in_partnership(world_a.partnership).exists()


@pytest.mark.parametrize(
    ("name", "body", "fields"),
    [
        ("feedback_session_list", {}, {"title", "held_on", "attended"}),
        ("feedback_session_list", {**SESSION, "attended": -1, "theme_ids": ["x"]}, {"attended", "theme_ids"}),
        ("feedback_session_list", {**SESSION, "theme_ids": [987654]}, {"theme_ids"}),
        ("child_feedback_list", {**CHILD, "consent_recorded": False}, {"consent_recorded"}),
        ("child_feedback_list", {**CHILD, "consent_how": ""}, {"consent_how"}),
        ("child_feedback_list", {**CHILD, "children": 0, "young_people": 0}, {"children"}),
        ("evaluation_figure_list", {"label": "S", "value": "9", "out_of": "5"}, {"value"}),
        ("evaluation_figure_list", {"label": "", "value": "x"}, {"label", "value"}),
        ("survey_list", {"title": "", "sent_count": -1}, {"title", "sent_count"}),
        ("you_said_we_did_list", {"you_said": "", "we_did": ""}, {"you_said", "we_did"}),
    ],
)
def test_bad_input_is_a_400_with_field_errors(world_a, name, body, fields):
    cycle = cycle_of(world_a)
    response = _api(world_a.bm).post(_url(world_a, name, hub_cycle_id=cycle.pk), body, format="json")
    assert response.status_code == 400
    assert set(response.json()) == fields


def test_another_partnerships_theme_in_a_body_is_refused_like_a_missing_one(world_a, world_b):
    theirs = learning_theme_create(partnership=world_b.partnership, actor=world_b.bm, name="Theirs")
    cycle = cycle_of(world_a)
    client = _api(world_a.bm)
    for name, body in [("feedback_session_list", SESSION), ("child_feedback_list", CHILD)]:
        response = client.post(
            _url(world_a, name, hub_cycle_id=cycle.pk), {**body, "theme_ids": [theirs.pk]}, format="json"
        )
        missing = client.post(_url(world_a, name, hub_cycle_id=cycle.pk), {**body, "theme_ids": [2**62]}, format="json")
        assert response.status_code == missing.status_code == 400
        assert response.json() == missing.json()


def test_the_survey_is_built_opened_closed_and_summarised(world_a):
    cycle = cycle_of(world_a)
    client = _api(world_a.bm)
    c = {"hub_cycle_id": cycle.pk}
    made = client.post(_url(world_a, "survey_list", **c), {"title": "Survey", "sent_count": 395}, format="json")
    assert made.status_code == 201
    body = made.json()
    assert body["state"] == "draft"
    assert "/s/" in body["public_url"]
    s = {**c, "feedback_survey_id": body["id"]}
    move = _url(world_a, "survey_move", **s)
    assert client.post(move, {"to": "open"}, format="json").status_code == 400  # no question
    assert client.post(move, {"to": "closed"}, format="json").status_code == 400  # draft cannot close
    bad = client.post(_url(world_a, "survey_question_list", **s), {"text": "", "kind": "essay"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()) == {"text", "kind"}
    added = client.post(_url(world_a, "survey_question_list", **s), {"text": "Useful?", "kind": "scale"}, format="json")
    assert added.status_code == 201
    question_id = added.json()["questions"][0]["id"]
    extra = client.post(_url(world_a, "survey_question_list", **s), {"text": "Gone", "kind": "text"}, format="json")
    extra_id = extra.json()["questions"][1]["id"]
    removed = client.delete(_url(world_a, "survey_question_detail", **s, survey_question_id=extra_id))
    assert removed.status_code == 200
    assert len(removed.json()["questions"]) == 1
    assert client.post(move, {"to": "open"}, format="json").json()["state"] == "open"
    assert client.post(move, {"to": "open"}, format="json").status_code == 400
    late = client.post(_url(world_a, "survey_question_list", **s), {"text": "Late", "kind": "text"}, format="json")
    assert late.status_code == 400
    survey = FeedbackSurvey.objects.in_partnership(world_a.partnership).get()
    for value in ("5", "4", "4"):
        services.survey_response_submit(survey=survey, answers={str(question_id): value})
    practitioner = _api(world_a.practitioner.person)
    results = practitioner.get(_url(world_a, "survey_results", **s)).json()
    assert results["responses"] == 3
    assert results["response_rate"] == "0.8"
    assert results["questions"][0]["average"] == "4.3"
    assert results["questions"][0]["scale_counts"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1}
    assert practitioner.get(_url(world_a, "survey_detail", **s)).json()["public_url"] is None
    assert practitioner.post(move, {"to": "closed"}, format="json").status_code == 403
    assert client.post(move, {"to": "closed"}, format="json").json()["state"] == "closed"
    for to in ("open", "draft"):
        assert client.post(move, {"to": to}, format="json").status_code == 400
    assert client.patch(_url(world_a, "survey_detail", **s), {"title": "New"}, format="json").status_code == 400


def test_you_said_we_did_drafts_are_missing_to_members_until_published(world_a):
    cycle = cycle_of(world_a)
    client = _api(world_a.bm)
    c = {"hub_cycle_id": cycle.pk}
    made = client.post(_url(world_a, "you_said_we_did_list", **c), {"you_said": "A", "we_did": "B"}, format="json")
    e = {**c, "you_said_we_did_id": made.json()["id"]}
    practitioner = _api(world_a.practitioner.person)
    assert practitioner.get(_url(world_a, "you_said_we_did_detail", **e)).status_code == 404
    assert practitioner.get(_url(world_a, "you_said_we_did_list", **c)).json() == []
    assert practitioner.get(_url(world_a, "you_said_we_did_published")).json()["count"] == 0
    published = client.post(_url(world_a, "you_said_we_did_move", **e), {"to": "published"}, format="json")
    assert published.status_code == 200
    assert published.json()["state"] == "published"
    assert practitioner.get(_url(world_a, "you_said_we_did_detail", **e)).json()["you_said"] == "A"
    assert practitioner.get(_url(world_a, "you_said_we_did_published")).json()["results"][0]["we_did"] == "B"
    assert (
        practitioner.post(_url(world_a, "you_said_we_did_move", **e), {"to": "draft"}, format="json").status_code == 403
    )
    again = client.post(_url(world_a, "you_said_we_did_move", **e), {"to": "published"}, format="json")
    assert again.status_code == 400
    assert client.post(_url(world_a, "you_said_we_did_move", **e), {"to": "gone"}, format="json").status_code == 400
    assert YouSaidWeDid.objects.in_partnership(world_a.partnership).get().state == "published"


def test_another_partnerships_feedback_is_404(world_a, world_b):
    session = session_make(world_a)
    cycle = session.cycle
    child = child_make(world_a, cycle=cycle)
    survey = survey_make(world_a, cycle=cycle)
    question = question_make(world_a, survey)
    client = _api(world_b.bm)
    c = {"hub_cycle_id": cycle.pk}
    s = {**c, "feedback_survey_id": survey.pk}
    for name, kwargs in [
        ("feedback_session_list", c),
        ("feedback_session_detail", {**c, "feedback_session_id": session.pk}),
        ("child_feedback_detail", {**c, "child_feedback_id": child.pk}),
        ("survey_detail", s),
        ("survey_results", s),
    ]:
        assert client.get(_url(world_b, name, **kwargs)).status_code == 404, name
        assert client.get(_url(world_a, name, **kwargs)).status_code == 404, name
    assert (
        client.delete(_url(world_b, "survey_question_detail", **s, survey_question_id=question.pk)).status_code == 404
    )
    assert client.post(_url(world_b, "survey_move", **s), {"to": "open"}, format="json").status_code == 404


def test_query_counts_do_not_grow_with_the_records(world_a, django_assert_max_num_queries):
    cycle = cycle_of(world_a)
    client = _api(world_a.practitioner.person)
    c = {"hub_cycle_id": cycle.pk}
    survey = survey_make(world_a, cycle=cycle)
    for _ in range(3):
        session_make(world_a, cycle=cycle)
        child_make(world_a, cycle=cycle)
        question_make(world_a, survey)
    with django_assert_max_num_queries(10):
        client.get(_url(world_a, "feedback_session_list", **c))
    with django_assert_max_num_queries(10):
        client.get(_url(world_a, "child_feedback_list", **c))
    with django_assert_max_num_queries(12):
        client.get(_url(world_a, "survey_results", **c, feedback_survey_id=survey.pk))
