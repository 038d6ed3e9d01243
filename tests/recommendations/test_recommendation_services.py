"""Recommendations' services: drafting from a source, rounds, the partners' sign-off, every move allowed and refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.models import Deadline, SignOff
from partnership.models.recommendations import ActionPlan, Recommendation, RecommendationSource
from partnership.selectors.tasks import my_tasks
from partnership.services.recommendations import (
    recommendation_close,
    recommendation_round_create,
    recommendation_themes_set,
    recommendation_update,
)
from partnership.services.signoff import sign_off_approve
from partnership.services.states import state_move
from reviews.models import OutcomeRecommendation
from tests.recommendations.helpers import (
    all_three_approve,
    final_review_with_rows,
    recommendation_make,
    round_make,
    round_sign_off,
    send_back,
    themes,
)
from tests.reviews.decision_helpers import decision_record, notified_review, quorate_meeting

State = Recommendation.State
pytestmark = pytest.mark.django_db


def test_a_draft_is_numbered_in_the_partnerships_series(world_a):
    first = recommendation_make(world_a)
    second = recommendation_make(world_a)
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"REC-{year}-001", f"REC-{year}-002")
    assert first.state == State.DRAFT


def test_other_needs_a_description(world_a):
    with pytest.raises(ValidationError) as exc:
        recommendation_make(world_a, source_description="  ")
    assert "source_description" in exc.value.message_dict


def test_source_of_another_partnership_is_refused_like_a_missing_one(world_a, world_b):
    theirs = final_review_with_rows(world_b)
    their_row = OutcomeRecommendation.objects.filter(partnership=world_b.partnership).first()
    errors = []
    for source_id in (their_row.pk, 99_999_999):
        with pytest.raises(ValidationError) as exc:
            recommendation_make(world_a, source_kind=RecommendationSource.OUTCOMES_FORM, source_id=source_id)
        errors.append(exc.value.message_dict)
    assert errors[0] == errors[1] == {"source_id": ["No learning review of this partnership has this id."]}
    assert theirs.partnership_id == world_b.partnership.pk


def test_a_source_row_gives_the_description(world_a):
    review = final_review_with_rows(world_a)
    row = OutcomeRecommendation.objects.filter(partnership=world_a.partnership).order_by("position").first()
    recommendation = recommendation_make(world_a, source_kind=RecommendationSource.OUTCOMES_FORM, source_id=row.pk)
    assert recommendation.source == row
    assert recommendation.source_description.startswith(review.reference)


def test_theme_of_another_partnership_is_refused_like_a_missing_one(world_a, world_b):
    theirs = themes(world_b)[0]
    messages = []
    for theme_id in (theirs.pk, 99_999_999):
        with pytest.raises(ValidationError) as exc:
            recommendation_make(world_a, theme_ids=[theme_id])
        messages.append(exc.value.message_dict)
    assert messages[0] == messages[1]
    assert "themes" in messages[0]


def test_a_retired_theme_keeps_its_tags_but_cannot_be_newly_tagged(world_a):
    from partnership.services.learning_themes import learning_theme_retire

    neglect, voice = [t for t in themes(world_a) if t.name in ("Neglect", "Voice of the child")]
    recommendation = recommendation_make(world_a, theme_ids=[neglect.pk])
    learning_theme_retire(partnership=world_a.partnership, actor=world_a.bm, theme=neglect)
    # Still tagged, and kept when the themes are set again with it.
    kept = recommendation_themes_set(
        partnership=world_a.partnership,
        actor=world_a.bm,
        recommendation=recommendation,
        theme_ids=[neglect.pk, voice.pk],
    )
    assert {t.name for t in kept} == {"Neglect", "Voice of the child"}
    other = recommendation_make(world_a)
    with pytest.raises(ValidationError) as exc:
        recommendation_themes_set(
            partnership=world_a.partnership, actor=world_a.bm, recommendation=other, theme_ids=[neglect.pk]
        )
    assert "retired" in exc.value.message_dict["themes"][0]


def test_an_edit_from_a_stale_page_is_refused(world_a):
    recommendation = recommendation_make(world_a)
    seen = recommendation.updated_at
    recommendation_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        recommendation=recommendation,
        text="First change",
        rationale="",
        lead_partner="health",
        expected_updated_at=seen,
    )
    with pytest.raises(ValidationError) as exc:
        recommendation_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            recommendation=Recommendation.objects.get(pk=recommendation.pk),
            text="Second change, from the old page",
            rationale="",
            lead_partner="police",
            expected_updated_at=seen,
        )
    assert exc.value.code == "stale"
    assert Recommendation.objects.get(pk=recommendation.pk).text == "First change"


def test_a_round_puts_them_to_the_partners_and_emails_the_leads(world_a, django_capture_on_commit_callbacks):
    first, second = recommendation_make(world_a), recommendation_make(world_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        round_ = round_make(world_a, first, second, title="Board, March")
    assert set(Recommendation.objects.filter(pk__in=[first.pk, second.pk]).values_list("state", flat=True)) == {
        State.PROPOSED
    }
    assert round_sign_off(world_a, round_).state == SignOff.State.AWAITING
    sent_to = {address for message in mail.outbox for address in message.to}
    assert sent_to == {"la-lead@alpha.example", "health-lead@alpha.example", "police-lead@alpha.example"}
    assert f"/p/{world_a.partnership.slug}/recommendations/rounds/{round_.pk}/" in mail.outbox[0].body


def test_each_partner_lead_sees_the_round_on_my_tasks(world_a):
    round_ = round_make(world_a)
    for lead in (world_a.la_lead, world_a.health_lead, world_a.police_lead):
        tasks = my_tasks(person=lead.person, partnership=world_a.partnership, membership=lead)
        titles = [t.title for t in tasks.tasks if t.source == "sign_off"]
        assert any(round_.title in title for title in titles), titles
        assert any(t.url.endswith(f"/recommendations/rounds/{round_.pk}/") for t in tasks.tasks)
    sign_off_approve(
        partnership=world_a.partnership, membership=world_a.health_lead, sign_off=round_sign_off(world_a, round_)
    )
    done = my_tasks(person=world_a.health_lead.person, partnership=world_a.partnership, membership=world_a.health_lead)
    assert not [t for t in done.tasks if t.source == "sign_off"]


def test_signed_off_by_all_three_each_gets_its_action_plan(world_a):
    first, second = recommendation_make(world_a), recommendation_make(world_a)
    round_ = round_make(world_a, first, second)
    sign_off = round_sign_off(world_a, round_)
    sign_off_approve(partnership=world_a.partnership, membership=world_a.la_lead, sign_off=sign_off)
    sign_off_approve(partnership=world_a.partnership, membership=world_a.health_lead, sign_off=sign_off)
    assert Recommendation.objects.get(pk=first.pk).state == State.PROPOSED  # two of three is not enough
    sign_off_approve(partnership=world_a.partnership, membership=world_a.police_lead, sign_off=sign_off)
    for recommendation in Recommendation.objects.filter(pk__in=[first.pk, second.pk]):
        assert recommendation.state == State.ACTION_PLANNING
        assert recommendation.signed_off_at is not None
        plan = ActionPlan.objects.get(recommendation=recommendation)
        deadline = Deadline.objects.get(subject_id=plan.pk, kind="action_plan.due")
        assert deadline.assignee_id == world_a.bm.pk
        assert deadline.due_on > timezone.localdate()


def test_sent_back_each_carries_the_reason_and_can_be_proposed_again(world_a):
    first, second = recommendation_make(world_a), recommendation_make(world_a)
    round_ = round_make(world_a, first, second)
    send_back(world_a, round_, comment="Make the timeframe measurable.")
    for recommendation in Recommendation.objects.filter(pk__in=[first.pk, second.pk]):
        assert recommendation.state == State.SENT_BACK
        assert recommendation.sent_back_reason == "Make the timeframe measurable."
    revised = Recommendation.objects.get(pk=first.pk)
    recommendation_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        recommendation=revised,
        text="Revised, measurable by June.",
        rationale="",
        lead_partner="police",
        expected_updated_at=revised.updated_at,
    )
    again = round_make(world_a, revised)
    assert again.pk != round_.pk
    assert Recommendation.objects.get(pk=first.pk).sent_back_reason == ""
    all_three_approve(world_a, again)
    assert Recommendation.objects.get(pk=first.pk).state == State.ACTION_PLANNING
    assert Recommendation.objects.get(pk=second.pk).state == State.SENT_BACK


def test_a_round_refuses_a_recommendation_already_proposed_naming_it(world_a):
    recommendation = recommendation_make(world_a)
    round_make(world_a, recommendation)
    with pytest.raises(ValidationError) as exc:
        round_make(world_a, recommendation)
    message = exc.value.message_dict["recommendations"][0]
    assert recommendation.reference in message
    assert "cannot be put to the partners" in message


def test_a_round_refuses_a_recommendation_of_another_partnership_like_a_missing_one(world_a, world_b):
    ours, theirs = recommendation_make(world_a), recommendation_make(world_b)
    messages = []
    for other_id in (theirs.pk, 99_999_999):
        with pytest.raises(ValidationError) as exc:
            recommendation_round_create(
                partnership=world_a.partnership, actor=world_a.bm, recommendation_ids=[ours.pk, other_id]
            )
        messages.append(exc.value.message_dict)
    assert messages[0] == messages[1]
    assert Recommendation.objects.get(pk=theirs.pk).state == State.DRAFT
    assert Recommendation.objects.get(pk=ours.pk).state == State.DRAFT


def test_close_from_draft_sent_back_and_completed_only(world_a):
    draft = recommendation_make(world_a)
    recommendation_close(partnership=world_a.partnership, actor=world_a.bm, recommendation=draft, reason="Duplicate")
    assert Recommendation.objects.get(pk=draft.pk).state == State.CLOSED
    proposed = recommendation_make(world_a)
    round_make(world_a, proposed)
    with pytest.raises(ValidationError) as exc:
        recommendation_close(partnership=world_a.partnership, actor=world_a.bm, recommendation=proposed)
    assert exc.value.messages == ["A recommendation that is “awaiting sign-off” cannot be closed."]


def test_edit_refused_once_proposed(world_a):
    recommendation = recommendation_make(world_a)
    round_make(world_a, recommendation)
    recommendation.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        recommendation_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            recommendation=recommendation,
            text="Changed after proposing",
            rationale="",
            lead_partner="health",
        )
    assert exc.value.code == "refused_move"


ALL_MOVES = [(a, b) for a in State.values for b in State.values if a != b]


@pytest.mark.parametrize(("current", "to"), ALL_MOVES)
def test_every_move_is_allowed_or_refused_by_the_table(world_a, current, to):
    recommendation = recommendation_make(world_a)
    Recommendation.objects.filter(pk=recommendation.pk).update(state=current)
    recommendation.state = current
    allowed = to in Recommendation.ALLOWED_MOVES[current]
    if allowed:
        state_move(partnership=world_a.partnership, actor=world_a.bm, instance=recommendation, to=to)
        assert Recommendation.objects.get(pk=recommendation.pk).state == to
    else:
        with pytest.raises(ValidationError) as exc:
            state_move(partnership=world_a.partnership, actor=world_a.bm, instance=recommendation, to=to)
        assert exc.value.code == "refused_move"
        assert Recommendation.objects.get(pk=recommendation.pk).state == current


def test_a_rapid_review_decision_is_a_source(world_a):
    rapid_review = quorate_meeting(world_a, notified_review(world_a))
    decision = decision_record(world_a, rapid_review)
    recommendation = recommendation_make(
        world_a, source_kind=RecommendationSource.RAPID_REVIEW_DECISION, source_id=decision.pk
    )
    assert recommendation.source == decision
    assert "decision" in recommendation.source_description


def test_deciding_a_round_whose_recommendations_moved_on_is_refused(world_a):
    recommendation = recommendation_make(world_a)
    round_ = round_make(world_a, recommendation)
    Recommendation.objects.filter(pk=recommendation.pk).update(state=State.DRAFT)
    with pytest.raises(ValidationError) as exc:
        sign_off_approve(
            partnership=world_a.partnership, membership=world_a.la_lead, sign_off=round_sign_off(world_a, round_)
        )
    assert exc.value.code == "wrong_state"
    assert timezone.now() - timedelta(minutes=1) < Recommendation.objects.get(pk=recommendation.pk).updated_at
