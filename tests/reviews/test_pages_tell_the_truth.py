"""Pages say nothing the data contradicts: a meeting to come is not "not quorate"; no "Done" for an empty round."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.models import StatutoryPartner
from reviews.services.learning_review import learning_review_start_drafting
from reviews.services.rapid_review_meeting import rapid_review_meeting_set
from tests.reviews.decision_helpers import attendee_add, meeting_held, notified_review
from tests.reviews.factories import information_request_make
from tests.reviews.learning_review_factories import learning_review_make

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_a_meeting_still_to_come_is_not_called_not_quorate_and_the_form_waits_for_it(world_a, client_for):
    review = notified_review(world_a, working_days=3)
    meeting_on = timezone.localdate() + timedelta(days=7)
    rapid_review_meeting_set(
        partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, meeting_on=meeting_on
    )
    attendee_add(world_a, review, partner=StatutoryPartner.LOCAL_AUTHORITY)
    html = (
        client_for(world_a.bm).get(_url(world_a, "rapid_review_decision", rapid_review_id=review.pk)).content.decode()
    )
    assert "not quorate" not in html
    assert "to be quorate, someone must attend for health and police." in html
    assert "The decision form opens once the meeting has been held, on" in html
    assert 'data-testid="decision-form"' not in html


def test_a_held_meeting_without_quorum_still_says_so(world_a, client_for):
    review = notified_review(world_a)
    meeting_held(world_a, review)
    html = (
        client_for(world_a.bm).get(_url(world_a, "rapid_review_decision", rapid_review_id=review.pk)).content.decode()
    )
    assert "The meeting is not quorate: no one attended for the local authority, health and police." in html
    assert 'data-testid="decision-form"' in html


def _information_status(html: str) -> str:
    row = html.split('<th scope="row">Information gathering</th>', 1)[1]
    return row.split("</tr>", 1)[0]


def test_information_gathering_is_not_done_when_no_agency_was_asked(world_a, client_for):
    review = learning_review_make(world_a)
    learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    html = (
        client_for(world_a.bm)
        .get(_url(world_a, "learning_review_detail", learning_review_id=review.pk))
        .content.decode()
    )
    status = _information_status(html)
    assert "Done" not in status
    assert "Closed</span> with no agency asked" in status


def test_information_gathering_is_done_when_agencies_were_asked(world_a, client_for):
    review = learning_review_make(world_a)
    information_request_make(world_a, learning_review=review, due_on=timezone.localdate() + timedelta(days=7))
    learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    html = (
        client_for(world_a.bm)
        .get(_url(world_a, "learning_review_detail", learning_review_id=review.pk))
        .content.decode()
    )
    assert "Done" in _information_status(html)
