"""The overview page: each role's start (what waits for me; figures linking to their lists; recent changes)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from partnership.services.deadlines import deadline_set
from tests.reviews.decision_helpers import decision_record, notified_review, ready_review

pytestmark = pytest.mark.django_db

ROLES = ["la_lead", "health_lead", "police_lead", "practitioner", "agency_lead", "scrutineer", "lay_member", "observer"]


def home_url(world) -> str:
    return reverse("partnership:home", kwargs={"slug": world.partnership.slug})


def person_of(world, role):
    return world.bm if role == "bm" else getattr(world, role).person


def test_a_health_lead_sees_the_decision_waiting_for_them(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    html = client_for(world_a.health_lead.person).get(home_url(world_a)).content.decode()
    decision_url = reverse(
        "reviews:rapid_review_decision", kwargs={"slug": world_a.partnership.slug, "rapid_review_id": review.pk}
    )
    assert f'href="{decision_url}"' in html
    assert "Sign off for health" in html
    # The review was notified 20 working days ago: the sign-off is overdue against the Panel's day 15.
    assert "Overdue (1)" in html


def test_overdue_and_due_this_week_are_apart(world_a, client_for):
    person = world_a.practitioner.person
    today = timezone.localdate()
    for kind, due_on in (("late", date(2020, 1, 6)), ("this-week", today), ("later", date(2099, 1, 5))):
        deadline_set(
            partnership=world_a.partnership,
            subject=world_a.school,
            kind=kind,
            title=f"Task {kind}",
            due_on=due_on,
            assignee=person,
        )
    html = client_for(person).get(home_url(world_a)).content.decode()
    assert "Overdue (1)" in html
    assert "Task late" in html
    assert "Due this week (1)" in html
    assert "Task this-week" in html
    assert "Task later" not in html
    assert "1 more due after this week" in html


def test_the_business_managers_figures_link_to_the_reviews_they_count(world_a, client_for):
    notified_review(world_a, working_days=20)  # overdue for the Panel
    notified_review(world_a, working_days=3)  # open, not yet due
    html = client_for(world_a.bm).get(home_url(world_a)).content.decode()
    list_url = reverse("reviews:rapid_review_list", kwargs={"slug": world_a.partnership.slug})
    assert re.search(rf'href="{list_url}\?open=1">2<', html)
    assert re.search(rf'href="{list_url}\?overdue=1">1<', html)
    # Each count's list shows the same number of reviews.
    client = client_for(world_a.bm)
    assert "2 rapid reviews" in client.get(list_url, {"open": "1"}).content.decode()
    assert "1 rapid review<" in client.get(list_url, {"overdue": "1"}).content.decode()


@pytest.mark.parametrize("role", ["scrutineer", "lay_member", "observer"])
def test_read_only_roles_get_a_summary_not_an_empty_page(world_a, client_for, role):
    html = client_for(person_of(world_a, role)).get(home_url(world_a)).content.decode()
    assert "What waits for you" in html
    assert "Learning reviews" in html
    if role == "scrutineer":
        assert "Open rapid reviews" in html
        assert "You can read every rapid review" in html
    else:
        # Lay members and observers do not read rapid reviews: no figure about them, no link to 403.
        assert "Open rapid reviews" not in html
        assert "you contribute to or lead" in html


def test_recent_changes_show_the_reviews_state_moves(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    html = client_for(world_a.scrutineer.person).get(home_url(world_a)).content.decode()
    assert "Recent changes" in html
    assert f"Rapid review {review.incident.reference}: now “Decision awaiting partner sign-off”." in html


@pytest.mark.parametrize("reviews", [1, 5])
@pytest.mark.parametrize("role", ["bm", "health_lead", "lay_member"])
def test_the_page_runs_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries, reviews, role):
    for _ in range(reviews):
        decision_record(world_a, ready_review(world_a))
    client = client_for(person_of(world_a, role))
    client.get(home_url(world_a))
    with django_assert_max_num_queries(17):
        assert client.get(home_url(world_a)).status_code == 200


def test_another_partnerships_member_gets_404(world_a, world_b, client_for):
    assert client_for(world_b.bm).get(home_url(world_a)).status_code == 404
