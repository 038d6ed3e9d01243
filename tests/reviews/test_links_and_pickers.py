"""Pickers offer only people who can do the job; pages link only where the role can follow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from reviews.selectors.learning_review import lead_author_choices
from reviews.selectors.requests import request_assignee_choices
from reviews.services.requests import information_request_create
from tests.reviews.factories import information_request_make, rapid_review_make

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_a_return_is_offered_only_to_people_who_write_returns(world_a, client_for):
    offered = {m.person_id for m in request_assignee_choices(partnership=world_a.partnership)}
    for reader in ("scrutineer", "lay_member", "observer"):
        assert getattr(world_a, reader).person.pk not in offered
    for worker in ("practitioner", "agency_lead", "la_lead", "health_lead", "police_lead"):
        assert getattr(world_a, worker).person.pk in offered
    page = client_for(world_a.bm).get(_url(world_a, "request_create", rapid_review_id=rapid_review_make(world_a).pk))
    html = page.content.decode()
    assert world_a.practitioner.person.full_name in html
    assert world_a.observer.person.full_name not in html
    assert world_a.lay_member.person.full_name not in html


def test_the_service_refuses_a_reader_as_the_person_asked(world_a):
    review = rapid_review_make(world_a)
    with pytest.raises(ValidationError) as refused:
        information_request_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            agency=world_a.school,
            assignee=world_a.observer.person,
            rapid_review=review,
        )
    [message] = refused.value.message_dict[f"assignee_{world_a.school.pk}"]
    assert "roles here do not include writing returns" in message


def test_lead_authors_and_contributors_are_people_who_do_the_work(world_a):
    offered = set(lead_author_choices(partnership=world_a.partnership).values_list("pk", flat=True))
    assert world_a.practitioner.person.pk in offered
    assert world_a.scrutineer.person.pk not in offered
    assert world_a.lay_member.person.pk not in offered


def test_the_scrutineer_sees_the_tracker_without_links_to_returns_they_cannot_open(world_a, client_for):
    review = rapid_review_make(world_a)
    request = information_request_make(world_a, rapid_review=review, due_on=timezone.localdate() + timedelta(days=5))
    return_url = _url(world_a, "request_detail", request_id=request.pk)
    page = _url(world_a, "rapid_review_detail", rapid_review_id=review.pk)

    scrutineer = client_for(world_a.scrutineer.person)
    html = scrutineer.get(page).content.decode()
    assert world_a.school.name in html
    assert f'href="{return_url}"' not in html
    assert scrutineer.get(return_url).status_code == 404  # what the link would have led to

    assert f'href="{return_url}"' in client_for(world_a.bm).get(page).content.decode()
