"""Finished work stops chasing: sending a rapid review to the Panel closes what was still outstanding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import Deadline, HistoryEntry
from partnership.selectors.tasks import my_tasks
from reviews.models import InformationRequest
from reviews.selectors.rapid_review import rapid_review_deadlines
from reviews.services.decision import rapid_review_send_to_panel
from tests.reviews.decision_helpers import all_approve, decision_record, ready_review
from tests.reviews.factories import information_request_make

pytestmark = pytest.mark.django_db


def _signed_off_with_requests(world):
    review = ready_review(world)
    due_on = timezone.localdate() + timedelta(days=7)
    school = information_request_make(world, rapid_review=review, due_on=due_on)
    police = information_request_make(
        world, rapid_review=review, agency=world.police, assignee=world.police_lead.person, due_on=due_on
    )
    decision_record(world, review)
    all_approve(world, review)
    return review, school, police


def _send(world, review, **extra):
    return rapid_review_send_to_panel(
        partnership=world.partnership,
        actor=world.bm,
        rapid_review=review,
        sent_on=timezone.localdate(),
        delay_reason="Complex case",
        **extra,
    )


def test_sending_with_returns_outstanding_needs_a_reason(world_a):
    review, _, _ = _signed_off_with_requests(world_a)
    with pytest.raises(ValidationError) as refused:
        _send(world_a, review)
    [message] = refused.value.message_dict["outstanding_returns_reason"]
    assert message.startswith("2 agencies' returns still outstanding (Alpha ")
    review.refresh_from_db()
    assert review.sent_to_panel_on is None


def test_sending_closes_the_requests_cancels_the_deadlines_and_clears_the_tasks(
    world_a, django_capture_on_commit_callbacks
):
    review, school, police = _signed_off_with_requests(world_a)
    practitioner = world_a.practitioner.person
    assert [t.source for t in my_tasks(person=practitioner, partnership=world_a.partnership).tasks] == ["deadline"]
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        _send(world_a, review, outstanding_returns_reason="The Panel asked for it now; agencies will follow up.")

    for request in (school, police):
        request.refresh_from_db()
        assert request.state == InformationRequest.State.WITHDRAWN
        entry = (
            HistoryEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(request), object_id=request.pk, changes__has_key="state"
            )
            .order_by("-at", "-id")
            .first()
        )
        assert "went to the national Panel without it" in entry.reason
        assert "agencies will follow up" in entry.reason
    deadlines = rapid_review_deadlines(partnership=world_a.partnership, rapid_review=review)
    assert {d.state for d in deadlines.values()} <= {Deadline.State.MET, Deadline.State.CANCELLED}
    assert deadlines[f"request.{school.pk}"].state == Deadline.State.CANCELLED
    # Nothing waits for the practitioner any more.
    assert my_tasks(person=practitioner, partnership=world_a.partnership).tasks == []
    # The review's history says what was closed and why.
    review_entry = (
        HistoryEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(review), object_id=review.pk, changes__has_key="state"
        )
        .order_by("-at", "-id")
        .first()
    )
    assert "2 agencies' returns still outstanding" in review_entry.reason
    assert "closed unanswered: The Panel asked for it now" in review_entry.reason
    # Each person asked is told they need not complete it.
    closed = [m for m in mail.outbox if m.subject.startswith("Information request closed")]
    assert sorted(m.to[0] for m in closed) == sorted([practitioner.email, world_a.police_lead.person.email])


def test_sending_with_every_return_in_needs_no_reason(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    all_approve(world_a, review)
    _send(world_a, review)
    deadlines = rapid_review_deadlines(partnership=world_a.partnership, rapid_review=review)
    assert Deadline.State.OPEN not in {d.state for d in deadlines.values()}


def test_the_review_page_shows_closed_steps_not_days_left(world_a, client_for):
    review, _, _ = _signed_off_with_requests(world_a)
    _send(world_a, review, outstanding_returns_reason="Panel deadline.")
    url = reverse(
        "reviews:rapid_review_detail", kwargs={"slug": world_a.partnership.slug, "rapid_review_id": review.pk}
    )
    html = client_for(world_a.bm).get(url).content.decode()
    assert "Closed</span> when the review went to the Panel" in html
    assert "working days left" not in html
    assert "Overdue</span>" not in html


def test_the_page_asks_for_confirmation_and_a_reason(world_a, client_for):
    review, school, _ = _signed_off_with_requests(world_a)
    url = reverse(
        "reviews:rapid_review_sent_to_panel", kwargs={"slug": world_a.partnership.slug, "rapid_review_id": review.pk}
    )
    client = client_for(world_a.bm)
    form = {"sent_on": timezone.localdate().isoformat(), "delay_reason": "Complex case"}
    html = client.post(url, form).content.decode()
    assert "2 agencies&#x27; returns are still outstanding" in html
    assert "Confirm that the review goes to the Panel without the outstanding returns" in html
    assert "Say why the review goes to the Panel without them." in html
    school.refresh_from_db()
    assert school.state == InformationRequest.State.REQUESTED

    response = client.post(
        url,
        {**form, "send_without_returns": "on", "outstanding_returns_reason": "The Panel asked for it."},
        follow=True,
    )
    assert "2 outstanding requests were closed and the people asked were told." in response.content.decode()
    school.refresh_from_db()
    assert school.state == InformationRequest.State.WITHDRAWN
