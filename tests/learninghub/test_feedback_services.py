"""Month 3's feedback services: sessions with themes and quotes, children's feedback with consent and no identity,
the survey's states (every move allowed and refused), its questions and responses, the response rate, evaluation
figures, "you said, we did" published and taken back, and the findings report's feedback section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError

from learninghub.models import (
    ChildFeedback,
    FeedbackSurvey,
    HubCycle,
    PractitionerFeedbackSession,
    SurveyAnswer,
    SurveyResponse,
    YouSaidWeDid,
)
from learninghub.report_sections import report_section_keys, report_sections_for
from learninghub.selectors.feedback import feedback_page, response_rate, survey_results
from learninghub.services import feedback as services
from learninghub.services.cycles import hub_cycle_move
from partnership.models import HistoryEntry
from partnership.models.recommendations import LearningTheme
from partnership.services.learning_themes import learning_theme_create, learning_theme_retire
from partnership.services.states import REFUSED_MOVE
from tests.learninghub.feedback_helpers import child_make, question_make, session_make, survey_make, survey_open

pytestmark = pytest.mark.django_db

State = FeedbackSurvey.State


def _history(world, instance):
    return HistoryEntry.objects.in_partnership(world.partnership).filter(
        content_type=ContentType.objects.get_for_model(instance), object_id=instance.pk
    )


def _theme(world, name="Voice of the child"):
    theme = LearningTheme.objects.in_partnership(world.partnership).filter(name=name).first()
    return theme or learning_theme_create(partnership=world.partnership, actor=world.bm, name=name)


def test_a_session_keeps_its_themes_quotes_and_history(world_a):
    theme = _theme(world_a)
    session = session_make(world_a, theme_ids=[theme.pk], quotes="  We need more time.\n\nSupervision helps  ")
    assert session.quotes == ["We need more time.", "Supervision helps"]
    assert list(session.themes.all()) == [theme]
    rows = _history(world_a, session)
    assert rows.count() == 2  # created, then its themes
    updated = services.feedback_session_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        session=session,
        title="Forum",
        held_on=date(2027, 3, 2),
        attended=40,
        quotes=[],
        theme_ids=[],
    )
    assert updated.attended == 40
    assert list(updated.themes.all()) == []


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"title": "", "held_on": None, "attended": None}, {"title", "held_on", "attended"}),
        ({"attended": -1}, {"attended"}),
        ({"attended": "lots"}, {"attended"}),
        ({"theme_ids": [999999]}, {"theme_ids"}),
        ({"theme_ids": ["x"]}, {"theme_ids"}),
        ({"quotes": ["x" * 1001]}, {"quotes"}),
    ],
)
def test_bad_session_input_is_refused_by_field(world_a, changes, fields):
    with pytest.raises(ValidationError) as caught:
        session_make(world_a, **changes)
    assert set(caught.value.message_dict) == fields
    assert not PractitionerFeedbackSession.objects.in_partnership(world_a.partnership).exists()


def test_another_partnerships_theme_or_a_retired_one_is_refused(world_a, world_b):
    theirs = _theme(world_b)
    with pytest.raises(ValidationError) as caught:
        session_make(world_a, theme_ids=[theirs.pk])
    assert "theme_ids" in caught.value.message_dict
    retired = _theme(world_a, "Retired theme")
    learning_theme_retire(partnership=world_a.partnership, actor=world_a.bm, theme=retired)
    with pytest.raises(ValidationError) as caught:
        session_make(world_a, theme_ids=[retired.pk])
    assert "retired" in caught.value.message_dict["theme_ids"][0]


def test_childrens_feedback_needs_consent_and_someone_counted(world_a):
    record = child_make(world_a)
    assert record.total == 12
    assert record.consent_recorded
    for changes, field in [
        ({"consent_recorded": False}, "consent_recorded"),
        ({"consent_recorded": None}, "consent_recorded"),
        ({"consent_how": ""}, "consent_how"),
        ({"children": 0, "young_people": 0, "families": 0}, "children"),
        ({"method": ""}, "method"),
    ]:
        with pytest.raises(ValidationError) as caught:
            child_make(world_a, **changes)
        assert field in caught.value.message_dict
    assert ChildFeedback.objects.in_partnership(world_a.partnership).count() == 1


def test_childrens_feedback_has_no_field_for_an_identity():
    names = {f.name for f in ChildFeedback._meta.get_fields()}
    assert not {n for n in names if "name" in n or "dob" in n or "birth" in n or "address" in n or "email" in n}
    with pytest.raises(TypeError):
        services.child_feedback_create(full_name="A Child")  # the service takes no identity at all


def test_survey_moves_draft_open_closed_and_refuses_every_other(world_a):
    survey = survey_make(world_a)
    with pytest.raises(ValidationError) as caught:  # no question yet
        services.feedback_survey_move(partnership=world_a.partnership, actor=world_a.bm, survey=survey, to=State.OPEN)
    assert "to" in caught.value.message_dict
    question_make(world_a, survey)
    refused = [(State.DRAFT, State.DRAFT), (State.DRAFT, State.CLOSED)]
    for current, to in refused:
        with pytest.raises(ValidationError) as caught:
            services.feedback_survey_move(partnership=world_a.partnership, actor=world_a.bm, survey=survey, to=to)
        assert caught.value.code == REFUSED_MOVE
        assert survey.state == current
    services.feedback_survey_move(partnership=world_a.partnership, actor=world_a.bm, survey=survey, to=State.OPEN)
    survey.refresh_from_db()
    assert survey.state == State.OPEN
    assert survey.opened_at is not None
    for to in (State.DRAFT, State.OPEN):
        with pytest.raises(ValidationError) as caught:
            services.feedback_survey_move(partnership=world_a.partnership, actor=world_a.bm, survey=survey, to=to)
        assert caught.value.code == REFUSED_MOVE
    services.feedback_survey_move(partnership=world_a.partnership, actor=world_a.bm, survey=survey, to=State.CLOSED)
    survey.refresh_from_db()
    assert survey.state == State.CLOSED
    assert survey.closed_at is not None
    for to in (State.DRAFT, State.OPEN, State.CLOSED):
        with pytest.raises(ValidationError) as caught:
            services.feedback_survey_move(partnership=world_a.partnership, actor=world_a.bm, survey=survey, to=to)
        assert caught.value.code == REFUSED_MOVE
    states = [
        row.changes["state"]["to"]
        for row in _history(world_a, survey).order_by("pk")
        if "state" in row.changes and row.changes["state"]["from"]
    ]
    assert states == ["Open", "Closed"]


def test_questions_change_only_in_a_draft(world_a):
    survey = survey_make(world_a)
    question = question_make(world_a, survey)
    with pytest.raises(ValidationError) as caught:
        question_make(world_a, survey, text="", kind="essay")
    assert set(caught.value.message_dict) == {"text", "kind"}
    survey_open(world_a, survey)
    with pytest.raises(ValidationError):
        question_make(world_a, survey, text="Late question")
    with pytest.raises(ValidationError):
        services.survey_question_remove(
            partnership=world_a.partnership, actor=world_a.bm, survey=survey, question=question
        )


def test_the_token_is_long_random_and_not_in_the_history(world_a):
    one, two = survey_make(world_a), survey_make(world_a)
    assert one.token != two.token
    assert len(one.token) >= 40
    rows = _history(world_a, one)
    assert all(one.token not in str(row.changes) for row in rows)


def test_responses_are_validated_and_counted_with_the_response_rate(world_a):
    survey = survey_make(world_a, sent_count=395)
    scale = question_make(world_a, survey, text="How useful was the hub?", kind="scale")
    yes = question_make(world_a, survey, text="Did you change your practice?", kind="yes_no")
    text = question_make(world_a, survey, text="What else?", kind="text", required=False)
    with pytest.raises(ValidationError) as caught:  # a draft takes no answers
        services.survey_response_submit(survey=survey, answers={str(scale.pk): "4", str(yes.pk): "yes"})
    assert caught.value.code == "closed"
    survey_open(world_a, survey)
    for answers, field in [
        ({str(scale.pk): "6", str(yes.pk): "yes"}, f"q{scale.pk}"),
        ({str(scale.pk): "four", str(yes.pk): "yes"}, f"q{scale.pk}"),
        ({str(scale.pk): "4", str(yes.pk): "maybe"}, f"q{yes.pk}"),
        ({str(scale.pk): "4"}, f"q{yes.pk}"),
        ({str(scale.pk): "4", str(yes.pk): "no", str(text.pk): "x" * 2001}, f"q{text.pk}"),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.survey_response_submit(survey=survey, answers=answers)
        assert field in caught.value.message_dict
    assert not SurveyResponse.objects.in_partnership(world_a.partnership).exists()
    for value, answer in [("5", "yes"), ("4", "yes"), ("2", "no")]:
        services.survey_response_submit(
            survey=survey, answers={str(scale.pk): value, str(yes.pk): answer, str(text.pk): f"Said {value}"}
        )
    results = survey_results(partnership=world_a.partnership, survey=survey)
    assert results.responses == 3
    assert results.rate == Decimal("0.8")
    by_question = {r.question.pk: r for r in results.questions}
    assert by_question[scale.pk].average == Decimal("3.7")
    assert dict(by_question[scale.pk].scale_counts) == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert (by_question[yes.pk].yes, by_question[yes.pk].no) == (2, 1)
    assert set(by_question[text.pk].texts) == {"Said 5", "Said 4", "Said 2"}
    assert SurveyAnswer.objects.in_partnership(world_a.partnership).count() == 9
    services.feedback_survey_move(partnership=world_a.partnership, actor=world_a.bm, survey=survey, to=State.CLOSED)
    with pytest.raises(ValidationError) as caught:
        services.survey_response_submit(survey=survey, answers={str(scale.pk): "4", str(yes.pk): "yes"})
    assert caught.value.code == "closed"


def test_response_rate_as_in_seed_001():
    assert response_rate(responses=33, sent=395) == Decimal("8.4")
    assert response_rate(responses=3, sent=0) is None


def test_evaluation_figures_are_checked(world_a):
    cycle = HubCycle.objects.in_partnership(world_a.partnership).first() or survey_make(world_a).cycle
    figure = services.evaluation_figure_create(
        partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, label="Score", value="4.2", out_of="5"
    )
    assert figure.value == Decimal("4.20")
    for changes, field in [
        ({"value": "6"}, "value"),
        ({"value": "nan"}, "value"),
        ({"value": ""}, "value"),
        ({"label": ""}, "label"),
        ({"out_of": "0", "value": "0"}, "out_of"),
        ({"respondents": "-3"}, "respondents"),
    ]:
        data = {"label": "Score", "value": "4", "out_of": "5", **changes}
        with pytest.raises(ValidationError) as caught:
            services.evaluation_figure_create(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, **data)
        assert field in caught.value.message_dict


def test_you_said_we_did_is_published_and_taken_back(world_a):
    cycle = survey_make(world_a).cycle
    entry = services.you_said_we_did_create(
        partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, you_said="Too many forms", we_did="One form"
    )
    E = YouSaidWeDid.State  # noqa: N806
    with pytest.raises(ValidationError) as caught:
        services.you_said_we_did_move(partnership=world_a.partnership, actor=world_a.bm, entry=entry, to=E.DRAFT)
    assert caught.value.code == REFUSED_MOVE
    services.you_said_we_did_move(partnership=world_a.partnership, actor=world_a.bm, entry=entry, to=E.PUBLISHED)
    assert entry.state == E.PUBLISHED
    assert entry.published_at is not None
    with pytest.raises(ValidationError) as caught:
        services.you_said_we_did_move(partnership=world_a.partnership, actor=world_a.bm, entry=entry, to=E.PUBLISHED)
    assert caught.value.code == REFUSED_MOVE
    services.you_said_we_did_move(partnership=world_a.partnership, actor=world_a.bm, entry=entry, to=E.DRAFT)
    assert entry.state == E.DRAFT
    assert entry.published_at is None
    with pytest.raises(ValidationError) as caught:
        services.you_said_we_did_create(
            partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, you_said="", we_did=""
        )
    assert set(caught.value.message_dict) == {"you_said", "we_did"}


def test_a_closed_cycle_keeps_its_feedback_as_it_was(world_a):
    session = session_make(world_a)
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=session.cycle, to=HubCycle.State.CLOSED)
    session.cycle.refresh_from_db()
    with pytest.raises(ValidationError):
        session_make(world_a, cycle=session.cycle)
    with pytest.raises(ValidationError):
        services.feedback_record_delete(partnership=world_a.partnership, actor=world_a.bm, instance=session)


def test_the_page_and_the_report_section_summarise_it_all(world_a, django_assert_num_queries):
    session = session_make(world_a, quotes=["Supervision helps"])
    cycle = session.cycle
    child_make(world_a, cycle=cycle)
    survey = survey_make(world_a, cycle=cycle, sent_count=10)
    question = question_make(world_a, survey, kind="yes_no")
    survey_open(world_a, survey)
    services.survey_response_submit(survey=survey, answers={str(question.pk): "yes"})
    services.evaluation_figure_create(
        partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, label="Score", value="4.5", out_of="5"
    )
    entry = services.you_said_we_did_create(
        partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, you_said="Said", we_did="Did"
    )
    draft = services.you_said_we_did_create(
        partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, you_said="Draft", we_did="Not yet"
    )
    services.you_said_we_did_move(partnership=world_a.partnership, actor=world_a.bm, entry=entry, to="published")
    with django_assert_num_queries(8):
        page = feedback_page(partnership=world_a.partnership, cycle=cycle, membership=world_a.practitioner)
    assert page.entries == [entry]
    assert page.attended_total == 25
    assert page.surveys[0].rate == Decimal("10.0")
    assert (
        draft
        in feedback_page(partnership=world_a.partnership, cycle=cycle, membership=world_a.business_manager).entries
    )
    assert "feedback" in report_section_keys()
    section = next(s for s in report_sections_for(cycle) if s.key == "feedback")
    captions = [t.caption for t in section.tables]
    assert captions == [
        "Practitioner feedback sessions",
        "Children, young people and families",
        "Online surveys",
        "Evaluation figures",
        "You said, we did",
    ]
    assert ("Survey of practitioners", "10", "1", "10.0%") in section.tables[2].rows
    assert section.tables[4].rows == (("Said", "Did"),)
    assert "“Supervision helps”" in section.paragraphs


def test_a_cycle_without_feedback_has_no_feedback_section(world_a):
    cycle = survey_make(world_a).cycle  # a draft survey is not reported
    assert all(s.key != "feedback" for s in report_sections_for(cycle))
