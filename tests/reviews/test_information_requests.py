"""Agency information requests and their returns: asking, drafts, submission, send-back, withdrawal, deadlines.

The same services serve rapid reviews and learning reviews.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership.models import Deadline, HistoryEntry
from partnership.subjects import deadline_url
from reviews.models import InformationRequest
from reviews.selectors.rapid_review import DEADLINE_RETURNS, DEADLINE_SCOPING, rapid_review_deadlines, rapid_review_list
from reviews.selectors.requests import information_request_readable
from reviews.services.requests import (
    ALLOWED_MOVES,
    ALREADY_SUBMITTED,
    deadline_kind,
    information_request_create,
    information_request_move_due,
    information_request_save_draft,
    information_request_send_back,
    information_request_submit,
    information_request_withdraw,
    information_requests_create,
)
from tests.reviews.factories import information_request_make, rapid_review_make
from tests.reviews.learning_review_factories import learning_review_make

State = InformationRequest.State
ANSWERS = {"involvement": "School nurse saw the child twice in March.", "good_practice": "Quick referral."}


def _deadline(request: InformationRequest) -> Deadline:
    review = request.rapid_review or request.learning_review
    return Deadline.objects.get(partnership=request.partnership, subject_id=review.pk, kind=deadline_kind(request))


def _draft(world, request, answers=None, version=None):
    return information_request_save_draft(
        partnership=world.partnership,
        actor=request.assignee,
        information_request=request,
        answers=answers if answers is not None else ANSWERS,
        expected_updated_at=version or InformationRequest.objects.get(pk=request.pk).updated_at,
    )


def _submit(world, request, answers=None, version=None):
    return information_request_submit(
        partnership=world.partnership,
        actor=request.assignee,
        information_request=request,
        answers=answers if answers is not None else ANSWERS,
        expected_updated_at=version,
    )


# --- Asking ------------------------------------------------------------------------------


def test_a_request_is_due_on_the_returns_milestone_with_a_deadline_and_an_email(
    world_a, django_capture_on_commit_callbacks
):
    review = rapid_review_make(world_a)
    with django_capture_on_commit_callbacks(execute=True):
        request = information_request_make(world_a, rapid_review=review)
    assert request.state == State.REQUESTED
    assert request.due_on == review.returns_due_on
    deadline = _deadline(request)
    assert deadline.kind == f"request.{request.pk}"
    assert deadline.assignee == world_a.practitioner.person
    assert deadline.due_on == review.returns_due_on
    # Its link, computed from the review's declaration: the return's own page.
    assert deadline_url(deadline) == f"/p/{world_a.partnership.slug}/requests/{request.pk}/"
    [email] = mail.outbox
    assert email.to == [world_a.practitioner.person.email]
    assert review.incident.reference in email.subject
    assert deadline_url(deadline) in email.body
    # Sending the first request is the "scoping sent" milestone.
    assert rapid_review_deadlines(partnership=world_a.partnership, rapid_review=review)[DEADLINE_SCOPING].state == "met"


def test_several_agencies_are_asked_at_once_or_not_at_all(world_a):
    review = rapid_review_make(world_a)
    with pytest.raises(ValidationError) as exc:
        information_requests_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            assignments=[(world_a.school, world_a.practitioner.person), (world_a.police, world_a.practitioner.person)],
        )
    assert exc.value.message_dict[f"assignee_{world_a.police.pk}"] == [
        f"{world_a.practitioner.person} is not an active member of {world_a.police.name} in this partnership."
    ]
    assert not InformationRequest.objects.exists()
    created = information_requests_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        rapid_review=review,
        assignments=[(world_a.school, world_a.practitioner.person), (world_a.police, world_a.police_lead.person)],
    )
    assert [r.agency for r in created] == [world_a.school, world_a.police]


def test_an_agency_is_asked_once_per_review_until_withdrawn(world_a):
    review = rapid_review_make(world_a)
    first = information_request_make(world_a, rapid_review=review)
    with pytest.raises(ValidationError) as exc:
        information_request_make(world_a, rapid_review=review, assignee=world_a.agency_lead.person)
    assert exc.value.message_dict[f"agency_{world_a.school.pk}"] == [
        f"{world_a.school.name} has already been asked for its return to this review."
    ]
    information_request_withdraw(partnership=world_a.partnership, actor=world_a.bm, information_request=first)
    again = information_request_make(world_a, rapid_review=review, assignee=world_a.agency_lead.person)
    assert again.state == State.REQUESTED


def test_another_partnerships_agency_or_person_is_refused(world_a, world_b):
    review = rapid_review_make(world_a)
    with pytest.raises(ValidationError) as exc:
        information_request_make(world_a, rapid_review=review, agency=world_b.school)
    assert exc.value.message_dict["agencies"] == ["Choose only this partnership's agencies."]
    with pytest.raises(ValidationError) as exc:
        information_request_make(world_a, rapid_review=review, assignee=world_b.practitioner.person)
    assert f"assignee_{world_a.school.pk}" in exc.value.message_dict


def test_an_inactive_member_cannot_be_named(world_a):
    review = rapid_review_make(world_a)
    world_a.practitioner.is_active = False
    world_a.practitioner.save()
    with pytest.raises(ValidationError):
        information_request_make(world_a, rapid_review=review)


def test_a_past_due_date_is_refused(world_a):
    review = rapid_review_make(world_a)
    with pytest.raises(ValidationError) as exc:
        information_request_make(world_a, rapid_review=review, due_on=timezone.localdate() - timedelta(days=1))
    assert exc.value.message_dict["due_on"] == ["The due date cannot be in the past."]


def test_when_the_returns_milestone_has_passed_a_date_must_be_given(world_a):
    from datetime import date

    review = rapid_review_make(
        world_a, incident_on=date(2023, 5, 1), la_aware_on=date(2023, 5, 2), panel_notified_on=date(2023, 5, 3)
    )
    with pytest.raises(ValidationError) as exc:
        information_request_make(world_a, rapid_review=review)
    assert "has passed: give a due date" in exc.value.message_dict["due_on"][0]
    later = timezone.localdate() + timedelta(days=3)
    assert information_request_make(world_a, rapid_review=review, due_on=later).due_on == later


def test_learning_reviews_use_the_same_requests_with_a_given_date(world_a):
    review = learning_review_make(world_a)
    with pytest.raises(ValidationError) as exc:
        information_request_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            learning_review=review,
            agency=world_a.school,
            assignee=world_a.agency_lead.person,
        )
    assert exc.value.message_dict["due_on"] == ["Enter the date the returns are due."]
    request = information_request_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        learning_review=review,
        agency=world_a.school,
        assignee=world_a.agency_lead.person,
        due_on=review.information_due_on,
    )
    assert request.learning_review == review
    assert request.rapid_review is None
    assert _deadline(request).due_on == review.information_due_on
    _draft(world_a, request)
    submitted = _submit(world_a, request)
    assert submitted.state == State.SUBMITTED
    assert _deadline(request).state == Deadline.State.MET
    # The lead author reads the returns of their review.
    assert information_request_readable(membership=world_a.practitioner, information_request=request)


def _police_request(world, review) -> InformationRequest:
    return information_request_make(world, rapid_review=review, agency=world.police, assignee=world.police_lead.person)


def _returns_state(world, review) -> str:
    return rapid_review_deadlines(partnership=world.partnership, rapid_review=review)[DEADLINE_RETURNS].state


# --- Drafts and submission ------------------------------------------------------------------


def test_the_first_draft_moves_to_draft_and_later_saves_only_update(world_a):
    request = information_request_make(world_a)
    history = HistoryEntry.objects.filter(object_id=str(request.pk), content_type__model="informationrequest")
    saved = _draft(world_a, request)
    assert saved.state == State.DRAFT
    assert saved.draft_saved_at is not None
    assert history.count() == 2  # created, then requested -> draft
    again = _draft(world_a, request, answers={"involvement": "More detail."})
    assert again.involvement == "More detail."
    assert again.good_practice == ANSWERS["good_practice"]  # answers left out keep their text
    assert history.count() == 2


def test_a_draft_save_that_changes_nothing_keeps_the_version(world_a):
    request = information_request_make(world_a)
    saved = _draft(world_a, request)
    again = _draft(world_a, request, version=saved.updated_at)
    assert again.updated_at == saved.updated_at


def test_a_draft_from_an_out_of_date_page_is_refused_not_overwritten(world_a):
    request = information_request_make(world_a)
    tab_one = InformationRequest.objects.get(pk=request.pk).updated_at
    _draft(world_a, request, answers={"involvement": "Typed in tab two."})
    with pytest.raises(ValidationError) as exc:
        _draft(world_a, request, answers={"involvement": "Typed in tab one."}, version=tab_one)
    assert exc.value.code == "stale"
    assert InformationRequest.objects.get(pk=request.pk).involvement == "Typed in tab two."


def test_an_oversized_answer_is_a_field_error_and_nothing_is_saved(world_a):
    request = information_request_make(world_a)
    with pytest.raises(ValidationError) as exc:
        _draft(world_a, request, answers={"involvement": "ok", "good_practice": "x" * 20001})
    assert exc.value.message_dict == {"good_practice": ["Use at most 20,000 characters (you used 20,001)."]}
    request.refresh_from_db()
    assert request.state == State.REQUESTED
    assert request.involvement == ""


def test_only_the_assignee_writes_the_return(world_a):
    request = information_request_make(world_a)
    with pytest.raises(ValidationError) as exc:
        information_request_save_draft(
            partnership=world_a.partnership,
            actor=world_a.bm,
            information_request=request,
            answers=ANSWERS,
            expected_updated_at=None,
        )
    assert exc.value.code == "not_assignee"


def test_submission_needs_the_involvement_answer(world_a):
    request = information_request_make(world_a)
    with pytest.raises(ValidationError) as exc:
        _submit(world_a, request, answers={"good_practice": "Something"})
    assert "involvement" in exc.value.message_dict
    assert InformationRequest.objects.get(pk=request.pk).state == State.REQUESTED


def test_submission_makes_the_return_read_only_and_meets_its_deadline(world_a, django_capture_on_commit_callbacks):
    request = information_request_make(world_a)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = _submit(world_a, request)
    assert submitted.state == State.SUBMITTED
    assert submitted.submitted_by == world_a.practitioner.person
    assert submitted.submitted_at is not None
    assert _deadline(request).state == Deadline.State.MET
    assert any("Return submitted" in m.subject and m.to == [world_a.bm.email] for m in mail.outbox)
    with pytest.raises(ValidationError) as exc:
        _draft(world_a, request)
    assert exc.value.messages[0].startswith(ALREADY_SUBMITTED)


def test_a_second_submission_is_refused_with_a_clear_message(world_a):
    request = information_request_make(world_a)
    version = InformationRequest.objects.get(pk=request.pk).updated_at
    _submit(world_a, request, version=version)
    with pytest.raises(ValidationError) as exc:
        # The same page sent again: the refusal says what happened, not "changed since you read it".
        _submit(world_a, request, answers={"involvement": "Again"}, version=version)
    assert exc.value.messages == [
        "This return has already been submitted. It can only be changed if the business manager sends it back."
    ]
    assert InformationRequest.objects.get(pk=request.pk).involvement == ANSWERS["involvement"]


def test_the_returns_milestone_is_met_when_every_request_is_in(world_a):
    review = rapid_review_make(world_a)
    school = information_request_make(world_a, rapid_review=review)
    police = information_request_make(
        world_a, rapid_review=review, agency=world_a.police, assignee=world_a.police_lead.person
    )
    _submit(world_a, school)
    assert (
        rapid_review_deadlines(partnership=world_a.partnership, rapid_review=review)[DEADLINE_RETURNS].state == "open"
    )
    _submit(world_a, police)
    assert _returns_state(world_a, review) == "met"


def test_withdrawing_the_last_outstanding_request_meets_the_returns_milestone(world_a):
    review = rapid_review_make(world_a)
    school = information_request_make(world_a, rapid_review=review)
    police = information_request_make(
        world_a, rapid_review=review, agency=world_a.police, assignee=world_a.police_lead.person
    )
    _submit(world_a, school)
    information_request_withdraw(partnership=world_a.partnership, actor=world_a.bm, information_request=police)
    assert _returns_state(world_a, review) == "met"
    assert _deadline(police).state == Deadline.State.CANCELLED


# --- Send back and withdraw ------------------------------------------------------------------


def test_send_back_needs_a_reason_and_a_business_manager(world_a):
    request = information_request_make(world_a)
    _submit(world_a, request)
    with pytest.raises(ValidationError) as exc:
        information_request_send_back(
            partnership=world_a.partnership, actor=world_a.bm, information_request=request, reason="   "
        )
    assert exc.value.message_dict["reason"] == ["Say what needs to change: the person will read this."]
    with pytest.raises(ValidationError) as exc:
        information_request_send_back(
            partnership=world_a.partnership, actor=world_a.la_lead.person, information_request=request, reason="No"
        )
    assert exc.value.code == "not_manager"
    assert InformationRequest.objects.get(pk=request.pk).state == State.SUBMITTED


def test_send_back_reopens_the_return_and_its_deadline_and_emails_the_reason(
    world_a, django_capture_on_commit_callbacks
):
    request = information_request_make(world_a)
    _submit(world_a, request)
    new_due = timezone.localdate() + timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        sent_back = information_request_send_back(
            partnership=world_a.partnership,
            actor=world_a.bm,
            information_request=request,
            reason="Please add the March home visit.",
            due_on=new_due,
        )
    assert sent_back.state == State.SENT_BACK
    assert sent_back.sent_back_reason == "Please add the March home visit."
    deadline = _deadline(request)
    assert deadline.state == Deadline.State.OPEN
    assert deadline.due_on == new_due
    [email] = [m for m in mail.outbox if "sent back" in m.subject.lower()]
    assert email.to == [world_a.practitioner.person.email]
    assert "Please add the March home visit." in email.body
    # The author can edit and submit again.
    assert _draft(world_a, request).state == State.DRAFT
    assert _submit(world_a, request).state == State.SUBMITTED
    assert _deadline(request).state == Deadline.State.MET


def test_sending_back_the_only_return_reopens_the_returns_milestone_until_it_is_in_again(world_a):
    request = information_request_make(world_a)
    review = request.rapid_review
    _submit(world_a, request)
    assert _returns_state(world_a, review) == Deadline.State.MET

    information_request_send_back(
        partnership=world_a.partnership, actor=world_a.bm, information_request=request, reason="Add the GP visit."
    )
    assert _returns_state(world_a, review) == Deadline.State.OPEN

    _submit(world_a, request)
    assert _returns_state(world_a, review) == Deadline.State.MET


def test_an_oversized_send_back_reason_is_refused(world_a):
    request = information_request_make(world_a)
    _submit(world_a, request)
    with pytest.raises(ValidationError) as exc:
        information_request_send_back(
            partnership=world_a.partnership, actor=world_a.bm, information_request=request, reason="x" * 2001
        )
    assert exc.value.message_dict["reason"] == ["Use at most 2,000 characters (you used 2,001)."]


def test_move_due_moves_the_deadline(world_a):
    request = information_request_make(world_a)
    later = request.due_on + timedelta(days=7)
    information_request_move_due(
        partnership=world_a.partnership, actor=world_a.bm, information_request=request, due_on=later
    )
    assert _deadline(request).due_on == later


# --- The table of moves ------------------------------------------------------------------------


def test_the_table_is_the_documented_workflow():
    assert {
        State.REQUESTED: {State.DRAFT, State.SUBMITTED, State.WITHDRAWN},
        State.DRAFT: {State.SUBMITTED, State.WITHDRAWN},
        State.SENT_BACK: {State.DRAFT, State.SUBMITTED, State.WITHDRAWN},
        State.SUBMITTED: {State.SENT_BACK},
        State.WITHDRAWN: set(),
    } == {k: set(v) for k, v in ALLOWED_MOVES.items()}


def _in_state(world, state):
    request = information_request_make(world)
    if state == State.DRAFT:
        _draft(world, request)
    elif state == State.SUBMITTED:
        _submit(world, request)
    elif state == State.SENT_BACK:
        _submit(world, request)
        information_request_send_back(
            partnership=world.partnership, actor=world.bm, information_request=request, reason="Fix"
        )
    elif state == State.WITHDRAWN:
        information_request_withdraw(partnership=world.partnership, actor=world.bm, information_request=request)
    return InformationRequest.objects.get(pk=request.pk)


MOVES = {
    State.DRAFT: _draft,
    State.SUBMITTED: _submit,
    State.SENT_BACK: lambda w, r: information_request_send_back(
        partnership=w.partnership, actor=w.bm, information_request=r, reason="Needs more"
    ),
    State.WITHDRAWN: lambda w, r: information_request_withdraw(
        partnership=w.partnership, actor=w.bm, information_request=r
    ),
}


@pytest.mark.parametrize("start", list(State))
@pytest.mark.parametrize("to", [State.DRAFT, State.SUBMITTED, State.SENT_BACK, State.WITHDRAWN])
def test_every_move_is_allowed_or_refused_as_the_table_says(world_a, start, to):
    request = _in_state(world_a, start)
    allowed = to in ALLOWED_MOVES[start] or (start == State.DRAFT and to == State.DRAFT)
    if allowed:
        assert MOVES[to](world_a, request).state == to
    else:
        with pytest.raises(ValidationError):
            MOVES[to](world_a, request)
        assert InformationRequest.objects.get(pk=request.pk).state == start


def test_the_list_counts_each_reviews_requests_leaving_out_withdrawn_ones(world_a):
    review = rapid_review_make(world_a)
    quiet = rapid_review_make(world_a, reference="SI-QUIET-1")
    submitted = information_request_make(world_a, rapid_review=review)
    _police_request(world_a, review)
    withdrawn = information_request_make(
        world_a, rapid_review=review, agency=world_a.icb, assignee=world_a.health_lead.person
    )
    _submit(world_a, submitted)
    information_request_withdraw(partnership=world_a.partnership, actor=world_a.bm, information_request=withdrawn)

    counts = {r.pk: (r.request_count, r.submitted_count) for r in rapid_review_list(partnership=world_a.partnership)}
    assert counts == {review.pk: (2, 1), quiet.pk: (0, 0)}


def test_a_reviews_requests_are_read_without_joining_the_review_again(world_a, django_assert_num_queries):
    """The review given is each row's own (its incident with it): five tables to plan, not eight (issue 13)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reviews.selectors.decision import rapid_review_get_for_decision
    from reviews.selectors.requests import information_request_list

    made = information_request_make(world_a)
    review = rapid_review_get_for_decision(partnership=world_a.partnership, rapid_review_id=made.rapid_review_id)
    with CaptureQueriesContext(connection) as queries:
        (request,) = information_request_list(partnership=world_a.partnership, rapid_review=review)
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "reviews_seriousincident" not in sql
    assert "reviews_learningreview" not in sql
    assert f'"reviews_informationrequest"."partnership_id" = {world_a.partnership.pk}' in sql
    with django_assert_num_queries(0):
        assert request.rapid_review is review
        assert request.rapid_review.incident.reference == review.incident.reference
        assert request.learning_review is None
        assert request.agency.name
