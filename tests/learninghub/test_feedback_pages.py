"""Pages of a cycle's feedback: recording sessions and children's feedback, the survey builder and its results,
evaluation figures, "you said, we did" published to members; each role's rights, another partnership's ids 404,
bad input drawn again with an error summary, and query counts that do not grow with the records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from learninghub.models import ChildFeedback, FeedbackSurvey, PractitionerFeedbackSession, YouSaidWeDid
from learninghub.services import feedback as services
from partnership.services.learning_themes import learning_theme_create
from tests.learninghub.feedback_helpers import (
    child_make,
    cycle_of,
    question_make,
    session_make,
    survey_make,
    survey_open,
)

pytestmark = pytest.mark.django_db

READERS = [
    "la_lead",
    "health_lead",
    "police_lead",
    "practitioner",
    "agency_lead",
    "scrutineer",
    "lay_member",
    "observer",
]


def _url(world, name, **kwargs):
    return reverse(f"learninghub:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _session_data(**changes):
    return {"title": "Forum", "held_on": "2027-03-01", "attended": "30", "summary": "", "quotes": "One\nTwo", **changes}


def _child_data(**changes):
    return {
        "gathered_on": "2027-03-02",
        "method": "Youth forum",
        "children": "3",
        "young_people": "5",
        "families": "0",
        "summary": "",
        "consent_recorded": "on",
        "consent_how": "Written consent",
        **changes,
    }


def test_the_business_manager_records_feedback_and_every_member_reads_it(world_a, client_for):
    cycle = cycle_of(world_a)
    client = client_for(world_a.bm)
    response = client.post(_url(world_a, "feedback_session_create", hub_cycle_id=cycle.pk), _session_data())
    assert response.status_code == 302
    session = PractitionerFeedbackSession.objects.in_partnership(world_a.partnership).get()
    assert session.quotes == ["One", "Two"]
    form = client.get(_url(world_a, "child_feedback_create", hub_cycle_id=cycle.pk))
    assert b"no-identities" in form.content
    assert not [name for name in form.context["form"].fields if "name" in name]
    assert client.post(_url(world_a, "child_feedback_create", hub_cycle_id=cycle.pk), _child_data()).status_code == 302
    assert ChildFeedback.objects.in_partnership(world_a.partnership).get().total == 8
    figure = {"label": "Session evaluation score", "value": "4.3", "out_of": "5", "respondents": "28", "note": ""}
    assert client.post(_url(world_a, "evaluation_figure_create", hub_cycle_id=cycle.pk), figure).status_code == 302
    for role in READERS:
        reader = client_for(getattr(world_a, role).person)
        page = reader.get(_url(world_a, "feedback", hub_cycle_id=cycle.pk))
        assert page.status_code == 200, role
        content = page.content.decode()
        assert "Forum" in content, role
        assert "Youth forum" in content
        assert "4.3 out of 5" in content
        assert "Record a session" not in content
        assert reader.get(_url(world_a, "feedback_session_create", hub_cycle_id=cycle.pk)).status_code == 403
        assert (
            reader.post(_url(world_a, "child_feedback_create", hub_cycle_id=cycle.pk), _child_data()).status_code == 403
        )
    assert "Record a session" in client.get(_url(world_a, "feedback", hub_cycle_id=cycle.pk)).content.decode()
    edit = client.post(
        _url(world_a, "feedback_session_edit", hub_cycle_id=cycle.pk, feedback_session_id=session.pk),
        _session_data(attended="31"),
    )
    assert edit.status_code == 302
    session.refresh_from_db()
    assert session.attended == 31
    remove = _url(world_a, "feedback_session_delete", hub_cycle_id=cycle.pk, feedback_session_id=session.pk)
    assert client_for(world_a.practitioner.person).post(remove).status_code == 403
    assert client.post(remove).status_code == 302
    assert not PractitionerFeedbackSession.objects.in_partnership(world_a.partnership).exists()


@pytest.mark.parametrize(
    ("name", "data", "fields"),
    [
        (
            "feedback_session_create",
            _session_data(title="", held_on="", attended="-1"),
            {"title", "held_on", "attended"},
        ),
        ("feedback_session_create", _session_data(theme_ids=["999999"]), {"theme_ids"}),
        (
            "child_feedback_create",
            _child_data(consent_recorded="", consent_how=""),
            {"consent_recorded", "consent_how"},
        ),
        ("child_feedback_create", _child_data(children="0", young_people="0"), {"children"}),
        ("evaluation_figure_create", {"label": "", "value": "x"}, {"label", "value"}),
        ("evaluation_figure_create", {"label": "Score", "value": "7", "out_of": "5"}, {"value"}),
        ("you_said_we_did_create", {"you_said": "", "we_did": ""}, {"you_said", "we_did"}),
        ("survey_create", {"title": "", "sent_count": "-2"}, {"title", "sent_count"}),
    ],
)
def test_bad_input_is_drawn_again_with_an_error_summary(world_a, client_for, name, data, fields):
    cycle = cycle_of(world_a)
    response = client_for(world_a.bm).post(_url(world_a, name, hub_cycle_id=cycle.pk), data)
    assert response.status_code == 400
    assert set(response.context["form"].errors) == fields
    assert b"error-summary" in response.content


def test_the_survey_builder_opens_and_closes_and_results_show_the_response_rate(world_a, client_for):
    cycle = cycle_of(world_a)
    client = client_for(world_a.bm)
    created = client.post(
        _url(world_a, "survey_create", hub_cycle_id=cycle.pk),
        {"title": "Practitioner survey", "introduction": "", "sent_count": "395"},
    )
    survey = FeedbackSurvey.objects.in_partnership(world_a.partnership).get()
    builder = _url(world_a, "survey_builder", hub_cycle_id=cycle.pk, feedback_survey_id=survey.pk)
    assert created["Location"] == builder
    bad = client.post(builder, {"question-text": "", "question-kind": "essay"})
    assert bad.status_code == 400
    assert set(bad.context["question_form"].errors) == {"text", "kind"}
    move = _url(world_a, "survey_move", hub_cycle_id=cycle.pk, feedback_survey_id=survey.pk)
    client.post(move, {"to": "open"})  # refused: no question yet
    survey.refresh_from_db()
    assert survey.state == "draft"
    added = client.post(
        builder, {"question-text": "Was it useful?", "question-kind": "yes_no", "question-required": "on"}
    )
    assert added.status_code == 302
    details = client.post(builder, {"details-title": "Survey", "details-introduction": "", "details-sent_count": "400"})
    assert details.status_code == 302
    assert client.post(move, {"to": "open"}).status_code == 302
    survey.refresh_from_db()
    assert survey.state == "open"
    assert survey.sent_count == 400
    page = client.get(builder)
    assert survey.token in page.context["public_url"]
    for answer in ("yes", "yes", "no"):
        services.survey_response_submit(survey=survey, answers={str(survey.questions.get().pk): answer})
    results = client_for(world_a.practitioner.person).get(
        _url(world_a, "survey_results", hub_cycle_id=cycle.pk, feedback_survey_id=survey.pk)
    )
    assert results.status_code == 200
    assert b'data-testid="response-rate">0.8%' in results.content
    assert b"Yes: <strong>2</strong>" in results.content
    assert client_for(world_a.practitioner.person).get(builder).status_code == 403
    assert client_for(world_a.practitioner.person).post(move, {"to": "closed"}).status_code == 403
    assert client.post(move, {"to": "closed"}).status_code == 302
    survey.refresh_from_db()
    assert survey.state == "closed"
    client.post(move, {"to": "open"})  # refused: closed is final
    survey.refresh_from_db()
    assert survey.state == "closed"


def test_you_said_we_did_reaches_members_once_published(world_a, client_for):
    cycle = cycle_of(world_a)
    client = client_for(world_a.bm)
    client.post(
        _url(world_a, "you_said_we_did_create", hub_cycle_id=cycle.pk),
        {"you_said": "Return interviews come too late", "we_did": "Same-week interviews"},
    )
    entry = YouSaidWeDid.objects.in_partnership(world_a.partnership).get()
    practitioner = client_for(world_a.practitioner.person)
    listing = _url(world_a, "you_said_we_did_list")
    assert b"Return interviews come too late" not in practitioner.get(listing).content
    assert (
        b"Return interviews come too late"
        not in practitioner.get(_url(world_a, "feedback", hub_cycle_id=cycle.pk)).content
    )
    move = _url(world_a, "you_said_we_did_move", hub_cycle_id=cycle.pk, you_said_we_did_id=entry.pk)
    assert practitioner.post(move, {"to": "published"}).status_code == 403
    assert client.post(move, {"to": "published"}).status_code == 302
    for role in READERS:
        assert b"Return interviews come too late" in client_for(getattr(world_a, role).person).get(listing).content
    assert practitioner.post(move, {"to": "draft"}).status_code == 403
    assert client.post(move, {"to": "draft"}).status_code == 302
    assert b"Return interviews come too late" not in practitioner.get(listing).content


def test_another_partnerships_feedback_is_404(world_a, world_b, client_for):
    session = session_make(world_a)
    cycle = session.cycle
    child = child_make(world_a, cycle=cycle)
    survey = survey_make(world_a, cycle=cycle)
    question = question_make(world_a, survey)
    entry = services.you_said_we_did_create(
        partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, you_said="a", we_did="b"
    )
    client = client_for(world_b.bm)
    c = {"hub_cycle_id": cycle.pk}
    for name, kwargs in [
        ("feedback", c),
        ("feedback_session_create", c),
        ("feedback_session_edit", {**c, "feedback_session_id": session.pk}),
        ("child_feedback_edit", {**c, "child_feedback_id": child.pk}),
        ("survey_builder", {**c, "feedback_survey_id": survey.pk}),
        ("survey_results", {**c, "feedback_survey_id": survey.pk}),
        ("you_said_we_did_edit", {**c, "you_said_we_did_id": entry.pk}),
    ]:
        assert client.get(_url(world_b, name, **kwargs)).status_code == 404, name
    for name, kwargs, data in [
        ("survey_move", {**c, "feedback_survey_id": survey.pk}, {"to": "open"}),
        ("survey_question_remove", {**c, "feedback_survey_id": survey.pk, "survey_question_id": question.pk}, {}),
        ("you_said_we_did_move", {**c, "you_said_we_did_id": entry.pk}, {"to": "published"}),
        ("child_feedback_delete", {**c, "child_feedback_id": child.pk}, {}),
        ("child_feedback_create", c, _child_data()),
    ]:
        assert client.post(_url(world_b, name, **kwargs), data).status_code == 404, name
    # World A's own records under another of its cycles' URLs are missing too.
    other = cycle_of(world_b)
    assert (
        client.get(
            _url(world_b, "feedback_session_edit", hub_cycle_id=other.pk, feedback_session_id=session.pk)
        ).status_code
        == 404
    )
    # Another partnership's theme in a form is refused on its field.
    theme_b = learning_theme_create(partnership=world_b.partnership, actor=world_b.bm, name="B only")
    response = client_for(world_a.bm).post(
        _url(world_a, "feedback_session_create", hub_cycle_id=cycle.pk), _session_data(theme_ids=[str(theme_b.pk)])
    )
    assert response.status_code == 400
    assert "theme_ids" in response.context["form"].errors


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("drawn_afresh")  # the drawn body's reads
def test_query_counts_are_pinned_and_do_not_grow(world_a, client_for, django_assert_max_num_queries):
    cycle = cycle_of(world_a)
    survey = survey_make(world_a, cycle=cycle)
    scale = question_make(world_a, survey, kind="scale")
    text = question_make(world_a, survey, kind="text", text="Anything else?")
    survey_open(world_a, survey)

    def add():
        session_make(world_a, cycle=cycle)
        child_make(world_a, cycle=cycle)
        services.evaluation_figure_create(
            partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, label="Score", value="4"
        )
        entry = services.you_said_we_did_create(
            partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, you_said="a", we_did="b"
        )
        services.you_said_we_did_move(partnership=world_a.partnership, actor=world_a.bm, entry=entry, to="published")
        services.survey_response_submit(survey=survey, answers={str(scale.pk): "3", str(text.pk): "Fine"})

    add()
    client = client_for(world_a.bm)
    page = _url(world_a, "feedback", hub_cycle_id=cycle.pk)
    results = _url(world_a, "survey_results", hub_cycle_id=cycle.pk, feedback_survey_id=survey.pk)
    builder = _url(world_a, "survey_builder", hub_cycle_id=cycle.pk, feedback_survey_id=survey.pk)
    listing = _url(world_a, "you_said_we_did_list")
    with django_assert_max_num_queries(14):
        client.get(page)
    with django_assert_max_num_queries(11):
        client.get(results)
    with django_assert_max_num_queries(9):
        client.get(builder)
    with django_assert_max_num_queries(7):  # the page's count rides on its rows' query
        client.get(listing)
    before = [_count(client, url) for url in (page, results, builder, listing)]
    for _ in range(3):
        add()
    assert [_count(client, url) for url in (page, results, builder, listing)] == before
