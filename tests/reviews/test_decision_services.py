"""The decision, its three-partner sign-off, the state moves, and the submission to the Panel (services)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from partnership.models import Deadline, HistoryEntry, SignOff, SignOffAction, StatutoryPartner
from partnership.services.signoff import sign_off_approve
from reviews.models import (
    DecisionOutcome,
    Methodology,
    RapidReview,
    RapidReviewDecision,
)
from reviews.selectors.decision import decision_overview, outcome_recipients
from reviews.selectors.rapid_review import DEADLINE_MEETING, DEADLINE_PANEL
from reviews.services.decision import (
    _set_state,
    rapid_review_decision_approve,
    rapid_review_decision_record,
    rapid_review_decision_send_back,
    rapid_review_send_to_panel,
)
from reviews.services.rapid_review_meeting import rapid_review_meeting_set
from tests.factories import World
from tests.partnership.test_signoff import _run_together as run_together
from tests.reviews.decision_helpers import (
    REASONS,
    all_approve,
    attendee_add,
    decision_record,
    decision_values,
    meeting_held,
    notified_review,
    ready_review,
    signed_off_review,
)
from tests.reviews.factories import CHILD_NAME, information_request_make

pytestmark = pytest.mark.django_db

State = RapidReview.State
LA, HEALTH, POLICE = StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.HEALTH, StatutoryPartner.POLICE


def _deadline(review: RapidReview, kind: str) -> Deadline:
    return Deadline.objects.get(
        subject_type=ContentType.objects.get_for_model(RapidReview), subject_id=review.pk, kind=kind
    )


def _sign_off(review: RapidReview) -> SignOff:
    return SignOff.objects.get(
        subject_type=ContentType.objects.get_for_model(RapidReviewDecision), subject_id=review.decision.pk
    )


# --- Recording the decision -------------------------------------------------------------------


def test_no_decision_without_quorum_and_the_refusal_names_the_missing_partners(world_a):
    review = notified_review(world_a)
    meeting_held(world_a, review)
    attendee_add(world_a, review, partner=LA)

    with pytest.raises(ValidationError) as caught:
        decision_record(world_a, review)

    assert caught.value.messages == ["The meeting is not quorate: no one attended for health and police."]
    assert caught.value.code == "not_quorate"
    review.refresh_from_db()
    assert review.state == State.GATHERING
    assert not RapidReviewDecision.objects.exists()
    assert not SignOff.objects.exists()


def test_no_decision_before_the_meeting_date_is_set_or_while_it_is_to_come(world_a):
    review = notified_review(world_a, working_days=3)
    for partner in StatutoryPartner.values:
        attendee_add(world_a, review, partner=partner)
    with pytest.raises(ValidationError, match="Set the date of the meeting first"):
        decision_record(world_a, review)

    rapid_review_meeting_set(
        partnership=world_a.partnership,
        actor=world_a.bm,
        rapid_review=review,
        meeting_on=timezone.localdate() + timedelta(days=3),
    )
    with pytest.raises(ValidationError, match="record its decision once it has been held"):
        decision_record(world_a, review)
    assert not RapidReviewDecision.objects.exists()


def test_another_learning_review_needs_a_methodology(world_a):
    review = ready_review(world_a)
    with pytest.raises(ValidationError) as caught:
        decision_record(world_a, review, outcome=DecisionOutcome.LEARNING_REVIEW, methodology="")
    assert caught.value.message_dict == {"methodology": ["Choose the methodology of the learning review."]}

    decision = decision_record(
        world_a, review, outcome=DecisionOutcome.LEARNING_REVIEW, methodology=Methodology.PRACTITIONER
    )
    assert decision.methodology == Methodology.PRACTITIONER


def test_a_methodology_left_from_another_choice_is_dropped(world_a):
    review = ready_review(world_a)
    decision = decision_record(world_a, review, outcome=DecisionOutcome.NO_FURTHER_REVIEW, methodology="desktop")
    assert decision.methodology == ""


def test_every_criterion_needs_its_reasons_and_nothing_is_lost_on_refusal(world_a):
    review = ready_review(world_a)
    with pytest.raises(ValidationError) as caught:
        rapid_review_decision_record(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            outcome="maybe",
            reason_improvements_needed="Given",
            reason_recurrent_themes="  ",
            reason_agencies_working_together="",
            reason_panel_view="x" * 5001,
        )
    errors = caught.value.message_dict
    assert set(errors) == {
        "outcome",
        "reason_recurrent_themes",
        "reason_agencies_working_together",
        "reason_panel_view",
    }
    assert errors["reason_recurrent_themes"] == [
        "Give the reasons against this criterion: “It highlights recurrent themes”."
    ]
    assert errors["reason_panel_view"] == ["Use at most 5000 characters (you used 5001)."]
    assert not RapidReviewDecision.objects.exists()


def test_recording_asks_for_sign_off_moves_the_review_and_meets_the_meeting_deadline(
    world_a, django_capture_on_commit_callbacks
):
    review = ready_review(world_a)
    with django_capture_on_commit_callbacks(execute=True):
        decision = decision_record(world_a, review, immediate_actions="Strategy meeting for the sibling.")

    review.refresh_from_db()
    assert review.state == State.AWAITING_SIGN_OFF
    assert decision.recorded_by == world_a.bm
    sign_off = _sign_off(review)
    assert (sign_off.state, sign_off.round) == (SignOff.State.AWAITING, 1)
    assert _deadline(review, DEADLINE_MEETING).state == Deadline.State.MET
    assert _deadline(review, DEADLINE_PANEL).state == Deadline.State.OPEN
    asked = [m for m in mail.outbox if "needs your sign-off" in m.subject]
    assert len(asked) == 1
    assert sorted(asked[0].to) == sorted(
        m.person.email for m in (world_a.la_lead, world_a.health_lead, world_a.police_lead)
    )
    assert review.incident.reference in asked[0].body
    history = HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RapidReview),
        object_id=str(review.pk),
        action=HistoryEntry.Action.UPDATED,
        changes__has_key="state",
    ).get()
    assert history.changes["state"] == {"from": "Gathering information", "to": "Decision awaiting partner sign-off"}
    assert history.actor == world_a.bm
    assert "Decision recorded" in history.reason


def test_a_decision_written_over_a_stale_read_is_refused(world_a):
    review = ready_review(world_a)
    decision = decision_record(world_a, review)
    seen = decision.updated_at
    rapid_review_decision_send_back(
        partnership=world_a.partnership, membership=world_a.police_lead, rapid_review=review, comment="Add detail"
    )
    decision_record(world_a, review, immediate_actions="Added by a colleague")

    # Back again, then the first person saves from the page they drew before the colleague's change.
    rapid_review_decision_send_back(
        partnership=world_a.partnership, membership=world_a.police_lead, rapid_review=review, comment="Once more"
    )
    with pytest.raises(ValidationError) as caught:
        rapid_review_decision_record(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            expected_updated_at=seen,
            **decision_values(immediate_actions="Mine"),
        )
    assert caught.value.code == "stale"
    with pytest.raises(ValidationError) as caught:
        rapid_review_decision_record(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            expect_new=True,
            **decision_values(immediate_actions="Mine"),
        )
    assert caught.value.code == "stale"
    assert RapidReviewDecision.objects.get().immediate_actions == "Added by a colleague"


# --- Sign-off -----------------------------------------------------------------------------------


def test_signed_off_only_when_all_three_partners_approve(world_a, django_capture_on_commit_callbacks):
    review = ready_review(world_a)
    decision_record(world_a, review)

    for lead, state_after in (
        (world_a.la_lead, State.AWAITING_SIGN_OFF),
        (world_a.health_lead, State.AWAITING_SIGN_OFF),
        (world_a.police_lead, State.SIGNED_OFF),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            rapid_review_decision_approve(partnership=world_a.partnership, membership=lead, rapid_review=review)
        review.refresh_from_db()
        assert review.state == state_after

    sign_off = _sign_off(review)
    assert sign_off.state == SignOff.State.APPROVED
    assert set(
        SignOffAction.objects.filter(sign_off=sign_off, action="approved").values_list("partner", flat=True)
    ) == {LA, HEALTH, POLICE}
    told = [m for m in mail.outbox if world_a.bm.email in m.to and "Signed off by all three" in m.subject]
    assert len(told) == 1
    assert review.incident.reference in told[0].subject


def test_a_send_back_returns_the_review_to_gathering_with_the_comment(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)

    rapid_review_decision_send_back(
        partnership=world_a.partnership,
        membership=world_a.health_lead,
        rapid_review=review,
        comment="The health chronology is missing.",
    )

    review = RapidReview.objects.select_related("incident", "decision").get(pk=review.pk)
    assert review.state == State.GATHERING
    overview = decision_overview(partnership=world_a.partnership, rapid_review=review)
    assert overview.last_send_back.comment == "The health chronology is missing."
    assert overview.last_send_back.partner == HEALTH
    history = HistoryEntry.objects.filter(object_id=str(review.pk), reason__startswith="Sent back by").get()
    assert history.reason == "Sent back by Alpha Health Lead: The health chronology is missing."
    assert history.changes["state"]["to"] == "Gathering information"


def test_recording_again_starts_a_new_round_in_which_everyone_approves_afresh(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)
    rapid_review_decision_send_back(
        partnership=world_a.partnership, membership=world_a.police_lead, rapid_review=review, comment="Reconsider"
    )

    decision = decision_record(world_a, review, outcome=DecisionOutcome.NO_FURTHER_REVIEW)

    assert decision.outcome == DecisionOutcome.NO_FURTHER_REVIEW
    sign_off = _sign_off(review)
    assert (sign_off.state, sign_off.round) == (SignOff.State.AWAITING, 2)
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.health_lead, rapid_review=review)
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.police_lead, rapid_review=review)
    review.refresh_from_db()
    # The local authority approved round 1 only: round 2 waits for it.
    assert review.state == State.AWAITING_SIGN_OFF
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)
    review.refresh_from_db()
    assert review.state == State.SIGNED_OFF
    history = decision_overview(partnership=world_a.partnership, rapid_review=review).history
    assert [(a.round, a.partner, a.action) for a in history] == [
        (1, "", "requested"),
        (1, LA, "approved"),
        (1, POLICE, "sent_back"),
        (2, "", "requested"),
        (2, HEALTH, "approved"),
        (2, POLICE, "approved"),
        (2, LA, "approved"),
    ]


def test_the_decision_is_editable_after_a_send_back_only(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    with pytest.raises(ValidationError, match="with the partners for sign-off"):
        decision_record(world_a, review, outcome=DecisionOutcome.NO_FURTHER_REVIEW)
    assert RapidReviewDecision.objects.get().outcome == DecisionOutcome.LCSPR


@pytest.mark.parametrize(
    ("who", "partner", "message"),
    [
        ("health_lead", POLICE, "Only the police partner lead can sign off for the police."),
        ("business_manager", None, "Only the local authority, health and police partner leads can sign off."),
        ("scrutineer", LA, "Only the local authority partner lead can sign off for the local authority."),
    ],
)
def test_only_that_partners_lead_can_sign_off(world_a, who, partner, message):
    review = ready_review(world_a)
    decision_record(world_a, review)
    membership = getattr(world_a, who)
    for act in (
        lambda: rapid_review_decision_approve(
            partnership=world_a.partnership, membership=membership, rapid_review=review, partner=partner
        ),
        lambda: rapid_review_decision_send_back(
            partnership=world_a.partnership, membership=membership, rapid_review=review, comment="No", partner=partner
        ),
    ):
        with pytest.raises(ValidationError) as caught:
            act()
        assert caught.value.messages == [message]
    assert not SignOffAction.objects.exclude(action="requested").exists()
    review.refresh_from_db()
    assert review.state == State.AWAITING_SIGN_OFF


def test_another_partnerships_lead_cannot_sign_off(world_a, world_b):
    review = ready_review(world_a)
    decision_record(world_a, review)
    with pytest.raises(ValidationError):
        rapid_review_decision_approve(
            partnership=world_a.partnership, membership=world_b.police_lead, rapid_review=review
        )
    assert not SignOffAction.objects.exclude(action="requested").exists()


def test_a_partner_decides_once_per_round(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)
    with pytest.raises(ValidationError, match=r"You have already approved this round\."):
        rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)
    with pytest.raises(ValidationError, match="already"):
        rapid_review_decision_send_back(
            partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review, comment="Changed my mind"
        )


def test_a_send_back_needs_a_comment(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    with pytest.raises(ValidationError) as caught:
        rapid_review_decision_send_back(
            partnership=world_a.partnership, membership=world_a.police_lead, rapid_review=review, comment="  "
        )
    assert caught.value.message_dict == {"comment": ["Say why you are sending it back."]}
    review.refresh_from_db()
    assert review.state == State.AWAITING_SIGN_OFF


# --- State moves --------------------------------------------------------------------------------

ALLOWED = {
    (State.GATHERING, State.AWAITING_SIGN_OFF),
    (State.AWAITING_SIGN_OFF, State.SIGNED_OFF),
    (State.AWAITING_SIGN_OFF, State.GATHERING),
    (State.SIGNED_OFF, State.SENT_TO_PANEL),
}


def test_the_table_of_moves_is_exactly_the_workflow():
    assert {(a, b) for a, targets in RapidReview.ALLOWED_MOVES.items() for b in targets} == ALLOWED
    assert set(RapidReview.ALLOWED_MOVES) == set(State.values)


@pytest.mark.parametrize(("before", "after"), [(a, b) for a in State.values for b in State.values])
def test_every_move_is_allowed_or_refused_by_the_table(world_a, before, after):
    review = notified_review(world_a)
    RapidReview.objects.filter(pk=review.pk).update(state=before)
    review.refresh_from_db()
    entries_before = HistoryEntry.objects.count()

    if (before, after) in ALLOWED:
        _set_state(partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, to=after, reason="Test")
        review.refresh_from_db()
        assert review.state == after
        entry = HistoryEntry.objects.latest("at", "id")
        assert entry.changes["state"] == {"from": State(before).label, "to": State(after).label}
        assert (entry.actor, entry.reason) == (world_a.bm, "Test")
    else:
        with pytest.raises(ValidationError) as caught:
            _set_state(partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, to=after)
        assert caught.value.code == "refused_move"
        review.refresh_from_db()
        assert review.state == before
        assert HistoryEntry.objects.count() == entries_before


def test_side_effects_run_only_after_commit(world_a, django_capture_on_commit_callbacks):
    review = notified_review(world_a)
    ran = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _set_state(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            to=State.AWAITING_SIGN_OFF,
            after_commit=[lambda: ran.append("sent")],
        )
    assert ran == []
    assert len(callbacks) == 1


def test_services_refuse_to_act_in_the_wrong_state(world_a):
    review = ready_review(world_a)
    with pytest.raises(ValidationError, match="not awaiting sign-off"):
        rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)
    with pytest.raises(ValidationError, match="not awaiting sign-off"):
        rapid_review_decision_send_back(
            partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review, comment="x"
        )
    with pytest.raises(ValidationError, match="Only a decision signed off by all three partners goes to the Panel"):
        rapid_review_send_to_panel(
            partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, sent_on=timezone.localdate()
        )
    decision_record(world_a, review)
    with pytest.raises(ValidationError, match="Only a decision signed off"):
        rapid_review_send_to_panel(
            partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, sent_on=timezone.localdate()
        )
    all_approve(world_a, review)
    with pytest.raises(ValidationError, match="cannot change now"):
        decision_record(world_a, review)
    with pytest.raises(ValidationError, match="not awaiting sign-off"):
        rapid_review_decision_send_back(
            partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review, comment="Too late"
        )


# --- To the Panel, and the agencies told --------------------------------------------------------


def test_the_panel_date_is_not_before_the_sign_off_nor_in_the_future(world_a):
    review = signed_off_review(world_a)
    today = timezone.localdate()
    for day, message in (
        (today - timedelta(days=1), "it cannot have gone to the Panel before that"),
        (today + timedelta(days=1), "cannot be in the future"),
    ):
        with pytest.raises(ValidationError) as caught:
            rapid_review_send_to_panel(
                partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, sent_on=day, delay_reason="x"
            )
        assert message in caught.value.message_dict["sent_on"][0]
    review.refresh_from_db()
    assert (review.state, review.sent_to_panel_on) == (State.SIGNED_OFF, None)


def test_a_late_submission_needs_a_reason(world_a):
    review = signed_off_review(world_a, working_days=20)
    with pytest.raises(ValidationError) as caught:
        rapid_review_send_to_panel(
            partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, sent_on=timezone.localdate()
        )
    assert caught.value.message_dict["delay_reason"] == [
        "It went 20 working days after the Panel was notified, more than 15: say why it was late."
    ]
    rapid_review_send_to_panel(
        partnership=world_a.partnership,
        actor=world_a.bm,
        rapid_review=review,
        sent_on=timezone.localdate(),
        delay_reason="Waiting for the post-mortem report.",
    )
    review.refresh_from_db()
    assert (review.state, review.working_days_taken, review.delay_reason) == (
        State.SENT_TO_PANEL,
        20,
        "Waiting for the post-mortem report.",
    )


def test_on_time_needs_no_reason_and_meets_the_panel_deadline(world_a):
    review = signed_off_review(world_a, working_days=12)
    rapid_review_send_to_panel(
        partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, sent_on=timezone.localdate()
    )
    review.refresh_from_db()
    assert (review.state, review.sent_to_panel_on, review.working_days_taken, review.delay_reason) == (
        State.SENT_TO_PANEL,
        timezone.localdate(),
        12,
        "",
    )
    assert _deadline(review, DEADLINE_PANEL).state == Deadline.State.MET
    entry = HistoryEntry.objects.filter(
        object_id=str(review.pk), action=HistoryEntry.Action.UPDATED, changes__has_key="working_days_taken"
    ).get()
    assert entry.changes["state"]["to"] == "Sent to the national Panel"
    assert entry.changes["working_days_taken"] == {"from": None, "to": 12}


def test_every_involved_agency_is_told_the_outcome_without_names(world_a, django_capture_on_commit_callbacks):
    # The school referred; the council and the police were involved; the ICB was not.
    review = ready_review(
        world_a, referring_agency=world_a.school, agencies=[world_a.school, world_a.council, world_a.police]
    )
    # The health agency was asked for a return, so it is involved too; its named person hears the outcome.
    information_request_make(
        world_a,
        rapid_review=review,
        agency=world_a.icb,
        assignee=world_a.health_lead.person,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    decision_record(world_a, review, outcome=DecisionOutcome.LEARNING_REVIEW, methodology=Methodology.DESKTOP)
    all_approve(world_a, review)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        rapid_review_send_to_panel(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            sent_on=timezone.localdate(),
            delay_reason="Complex",
            outstanding_returns_reason="The ICB's return can follow.",
        )

    outcome_mails = [m for m in mail.outbox if m.subject.endswith(": outcome")]
    by_agency = {}
    for message in outcome_mails:
        for agency in (world_a.school, world_a.council, world_a.police, world_a.icb):
            if f"{agency.name} made the referral" in message.body or f"{agency.name} was involved" in message.body:
                by_agency[agency.name] = sorted(message.to)
    assert by_agency == {
        # The referrer: its agency lead (its practitioner and observer are not written to).
        "Alpha Primary School": ["agency-lead@alpha.example"],
        # The council: business manager and the LA partner lead (not the scrutineer or lay member).
        "Alpha Council": ["bm@alpha.example", "la-lead@alpha.example"],
        "Alpha Police": ["police-lead@alpha.example"],
        "Alpha ICB": ["health-lead@alpha.example"],
    }
    school = next(m for m in outcome_mails if "made the referral" in m.body)
    assert "Alpha Primary School made the referral" in school.body
    for message in outcome_mails:
        assert review.incident.reference in message.subject
        assert "Child A" in message.body
        assert "Another learning review (Desktop review)" in message.body
        assert CHILD_NAME not in message.body
        assert CHILD_NAME not in message.subject
        # The reasons stay out: free text can name people.
        assert REASONS["reason_agencies_working_together"] not in message.body


def test_an_involved_agency_with_nobody_to_write_to_is_listed_not_mailed(world_a):
    review = ready_review(world_a, agencies=[world_a.council, world_a.school])
    # The school's agency lead leaves; its practitioner and observer are not written to.
    world_a.agency_lead.is_active = False
    world_a.agency_lead.save()

    recipients = {
        r.agency.name: r.emails for r in outcome_recipients(partnership=world_a.partnership, rapid_review=review)
    }

    assert recipients == {"Alpha Council": ["bm@alpha.example", "la-lead@alpha.example"], "Alpha Primary School": []}


# --- The decision page and the shared sign-off page at the same moment (PostgreSQL) -------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_approvals_from_both_pages_at_once_take_the_locks_in_one_order(attempt):
    # One partner through the decision's own service, the others through the generic sign-off service:
    # both lock the rapid review before the sign-off, so neither deadlocks and the review moves on once.
    world = World(f"Both{attempt}")
    review = ready_review(world)
    decision_record(world, review)
    sign_off = SignOff.objects.get()

    outcomes = run_together(
        lambda: rapid_review_decision_approve(
            partnership=world.partnership, membership=world.la_lead, rapid_review=review
        ),
        lambda: sign_off_approve(partnership=world.partnership, membership=world.health_lead, sign_off=sign_off),
        lambda: sign_off_approve(partnership=world.partnership, membership=world.police_lead, sign_off=sign_off),
    )

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert SignOff.objects.get().state == SignOff.State.APPROVED
    assert RapidReview.objects.get(pk=review.pk).state == State.SIGNED_OFF
    moves = HistoryEntry.objects.filter(object_id=review.pk, changes__state__to="Decision signed off")
    assert moves.count() == 1
