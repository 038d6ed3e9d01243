"""Pages of the rapid review meeting, decision, sign-off and Panel: roles, tenancy, forms, refusals, queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from partnership.models import HistoryEntry, SignOff, SignOffAction, StatutoryPartner
from partnership.selectors import working_day_calendar
from reviews.models import DecisionOutcome, MeetingAttendee, RapidReview, RapidReviewDecision
from reviews.services.decision import rapid_review_decision_approve
from tests.conftest import session_in_cache
from tests.reviews.decision_helpers import (
    REASONS,
    attendee_add,
    decision_record,
    meeting_held,
    notified_review,
    ready_review,
    signed_off_review,
)

pytestmark = pytest.mark.django_db

State = RapidReview.State
READERS = ["business_manager", "la_lead", "health_lead", "police_lead", "scrutineer"]
OTHERS = ["practitioner", "agency_lead", "lay_member", "observer"]


def url(world, name: str, review: RapidReview, **kwargs) -> str:
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, "rapid_review_id": review.pk, **kwargs})


def text(response) -> str:
    return response.content.decode()


def field_group(response, field_id: str) -> str:
    """The HTML of the form group holding the field with this id (its label, error and input)."""
    html = text(response)
    position = html.index(f'id="{field_id}"')
    start = html.rindex('<div class="form-group', 0, position)
    return html[start : position + 200]


def decision_post(**overrides) -> dict:
    return {
        "outcome": DecisionOutcome.LCSPR,
        "methodology": "",
        **REASONS,
        "immediate_actions": "",
        "expected_updated_at": "new",
        **overrides,
    }


# --- Who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["rapid_review_meeting", "rapid_review_decision", "rapid_review_template"])
@pytest.mark.parametrize("role", READERS + OTHERS)
def test_reading_pages_per_role(world_a, client_for, page, role):
    review = notified_review(world_a)
    status = client_for(getattr(world_a, role).person).get(url(world_a, page, review)).status_code
    assert status == (200 if role in READERS else 403)


@pytest.mark.parametrize(
    "route",
    [
        ("rapid_review_meeting", "get", {}),
        ("rapid_review_meeting_date", "post", {}),
        ("rapid_review_attendee_add", "post", {}),
        ("rapid_review_attendee_remove", "post", {"attendee_id": None}),
        ("rapid_review_decision", "get", {}),
        ("rapid_review_decision_record", "post", {}),
        ("rapid_review_decision_approve", "post", {}),
        ("rapid_review_decision_send_back", "post", {}),
        ("rapid_review_sent_to_panel", "post", {}),
        ("rapid_review_template", "get", {}),
        ("rapid_review_template_pdf", "post", {}),
    ],
)
def test_every_page_is_404_for_another_partnerships_member(world_a, world_b, client_for, route):
    name, method, kwargs = route
    review = ready_review(world_a)
    if "attendee_id" in kwargs:
        kwargs = {"attendee_id": MeetingAttendee.objects.filter(rapid_review=review).first().pk}
    for member in (world_b.bm, world_b.police_lead.person, world_b.scrutineer.person):
        response = getattr(client_for(member), method)(url(world_a, name, review, **kwargs))
        assert response.status_code == 404, (name, member)
    assert MeetingAttendee.objects.filter(rapid_review=review).count() == 3


@pytest.mark.parametrize(
    "name",
    [
        "rapid_review_meeting_date",
        "rapid_review_attendee_add",
        "rapid_review_decision_record",
        "rapid_review_sent_to_panel",
    ],
)
@pytest.mark.parametrize("role", ["la_lead", "scrutineer", "practitioner"])
def test_only_business_managers_write_the_meeting_decision_and_panel(world_a, client_for, name, role):
    review = ready_review(world_a)
    assert client_for(getattr(world_a, role).person).post(url(world_a, name, review), {}).status_code == 403


@pytest.mark.parametrize("name", ["rapid_review_decision_approve", "rapid_review_decision_send_back"])
@pytest.mark.parametrize("role", ["business_manager", "scrutineer", "agency_lead"])
def test_only_partner_leads_reach_the_sign_off_actions(world_a, client_for, name, role):
    review = ready_review(world_a)
    decision_record(world_a, review)
    response = client_for(getattr(world_a, role).person).post(url(world_a, name, review), {"partner": "police"})
    assert response.status_code == 403
    assert not SignOffAction.objects.exclude(action="requested").exists()


# --- The meeting page -----------------------------------------------------------------------------


def test_meeting_page_shows_quorum_and_why_it_is_not_quorate(world_a, client_for):
    review = notified_review(world_a)
    attendee_add(world_a, review, partner=StatutoryPartner.LOCAL_AUTHORITY, name="Ms Social Work")

    html = text(client_for(world_a.bm).get(url(world_a, "rapid_review_meeting", review)))

    assert "The meeting is not quorate: no one attended for health and police." in html
    assert "Ms Social Work" in html
    assert 'data-testid="attendee-form"' in html
    assert 'data-testid="meeting-date-form"' in html


def test_meeting_page_is_read_only_for_partner_leads(world_a, client_for):
    review = ready_review(world_a)
    html = text(client_for(world_a.health_lead.person).get(url(world_a, "rapid_review_meeting", review)))
    assert "Quorate: the local authority, health and the police are each represented." in html
    assert 'data-testid="attendee-form"' not in html
    assert "Remove" not in html


def test_setting_the_meeting_date_outside_the_window_saves_it_with_a_warning(world_a, client_for):
    review = notified_review(world_a)
    calendar = working_day_calendar(partnership=world_a.partnership)
    day = calendar.add_working_days(review.incident.panel_notified_on, 15)
    client = client_for(world_a.bm)

    response = client.post(
        url(world_a, "rapid_review_meeting_date", review),
        {"meeting_on": day.isoformat(), "expected_updated_at": review.updated_at.isoformat()},
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.meeting_on == day
    html = text(client.get(url(world_a, "rapid_review_meeting", review)))
    assert 'data-testid="window-warning"' in html
    assert "is after the meeting window" in html


def test_a_meeting_before_the_notification_is_refused_beside_the_field(world_a, client_for):
    review = notified_review(world_a)
    before = review.incident.panel_notified_on - timedelta(days=1)

    response = client_for(world_a.bm).post(
        url(world_a, "rapid_review_meeting_date", review),
        {"meeting_on": before.isoformat(), "expected_updated_at": review.updated_at.isoformat()},
    )

    assert response.status_code == 400
    group = field_group(response, "id_meeting_on")
    assert "The meeting cannot be before the Panel was notified" in group
    assert f'value="{before.isoformat()}"' in group
    assert "There is a problem" in text(response)
    review.refresh_from_db()
    assert review.meeting_on is None


def test_adding_a_member_as_attendee_and_removing_them(world_a, client_for):
    review = notified_review(world_a)
    client = client_for(world_a.bm)

    response = client.post(url(world_a, "rapid_review_attendee_add", review), {"member": world_a.police_lead.pk})

    assert response.status_code == 302
    attendee = MeetingAttendee.objects.get(rapid_review=review)
    assert (attendee.name, attendee.agency, attendee.represents) == ("Alpha Police Lead", world_a.police, "police")
    response = client.post(url(world_a, "rapid_review_attendee_remove", review, attendee_id=attendee.pk))
    assert response.status_code == 302
    assert not MeetingAttendee.objects.filter(rapid_review=review).exists()


def test_an_attendee_refused_keeps_what_was_typed(world_a, client_for):
    review = notified_review(world_a)
    response = client_for(world_a.bm).post(
        url(world_a, "rapid_review_attendee_add", review),
        {"name": "Mrs Teacher", "job_title": "DSL", "agency": world_a.school.pk, "represents": "police"},
    )
    assert response.status_code == 400
    assert "cannot represent police" in field_group(response, "id_represents")
    assert 'value="Mrs Teacher"' in text(response)
    assert not MeetingAttendee.objects.exists()


def test_another_partnerships_attendee_id_is_404(world_a, world_b, client_for):
    review = ready_review(world_a)
    other = ready_review(world_b)
    theirs = MeetingAttendee.objects.filter(rapid_review=other).first()
    response = client_for(world_a.bm).post(url(world_a, "rapid_review_attendee_remove", review, attendee_id=theirs.pk))
    assert response.status_code == 404
    assert MeetingAttendee.objects.filter(pk=theirs.pk).exists()


# --- The decision page ----------------------------------------------------------------------------


def test_the_decision_form_is_disabled_with_the_reason_when_not_quorate(world_a, client_for):
    review = notified_review(world_a)
    meeting_held(world_a, review)
    attendee_add(world_a, review, partner=StatutoryPartner.HEALTH)

    html = text(client_for(world_a.bm).get(url(world_a, "rapid_review_decision", review)))

    assert re.search(r"<fieldset[^>]* disabled aria-describedby=\"decision-refusal\"", html)
    refusal = re.search(r'data-testid="decision-refusal">([^<]+)<', html).group(1)
    assert refusal == "The meeting is not quorate: no one attended for the local authority and police."


def test_the_decision_form_has_radios_in_a_fieldset_with_a_legend(world_a, client_for):
    review = ready_review(world_a)
    html = text(client_for(world_a.bm).get(url(world_a, "rapid_review_decision", review)))
    assert '<legend class="label">Decision</legend>' in html
    assert '<legend class="label">Methodology of the learning review</legend>' in html
    assert 'type="radio" name="outcome" value="learning_review"' in html
    assert "disabled" not in html.split('data-testid="decision-form"', 1)[1].split("</form>", 1)[0]


def test_a_decision_posted_without_quorum_is_refused_and_the_text_kept(world_a, client_for):
    review = notified_review(world_a)
    meeting_held(world_a, review)

    response = client_for(world_a.bm).post(url(world_a, "rapid_review_decision_record", review), decision_post())

    assert response.status_code == 400
    html = text(response)
    assert "The meeting is not quorate: no one attended for the local authority, health and police." in html
    assert REASONS["reason_recurrent_themes"] in html
    assert not RapidReviewDecision.objects.exists()


def test_methodology_is_required_beside_its_field(world_a, client_for):
    review = ready_review(world_a)
    response = client_for(world_a.bm).post(
        url(world_a, "rapid_review_decision_record", review),
        decision_post(outcome=DecisionOutcome.LEARNING_REVIEW, reason_panel_view=""),
    )
    assert response.status_code == 400
    html = text(response)
    assert 'href="#id_methodology_0">Choose the methodology of the learning review.' in html
    assert "Give the reasons against this criterion: “The national Panel&#x27;s view or likely view”." in html
    assert 'value="learning_review" required' not in html  # nothing forced client-side
    assert re.search(r'value="learning_review"[^>]*checked', html)


def test_recording_the_decision_from_the_page(world_a, client_for):
    review = ready_review(world_a)
    response = client_for(world_a.bm).post(
        url(world_a, "rapid_review_decision_record", review),
        decision_post(outcome=DecisionOutcome.LEARNING_REVIEW, methodology="thematic", immediate_actions="Safety plan"),
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == State.AWAITING_SIGN_OFF
    decision = RapidReviewDecision.objects.get()
    assert (decision.outcome, decision.methodology, decision.immediate_actions) == (
        "learning_review",
        "thematic",
        "Safety plan",
    )


def test_a_decision_recorded_meanwhile_is_shown_and_not_overwritten(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review, immediate_actions="Colleague's actions")
    RapidReview.objects.filter(pk=review.pk).update(state=State.GATHERING)  # as after a send-back

    response = client_for(world_a.bm).post(
        url(world_a, "rapid_review_decision_record", review), decision_post(immediate_actions="My actions")
    )

    assert response.status_code == 400
    html = text(response)
    assert 'data-testid="saved-version"' in html
    assert "Colleague&#x27;s actions" in html
    assert "My actions" in html
    decision = RapidReviewDecision.objects.get()
    assert decision.immediate_actions == "Colleague's actions"
    assert f'value="{decision.updated_at.isoformat()}"' in html


# --- Sign-off on the page -------------------------------------------------------------------------


def test_a_partner_lead_sees_the_buttons_for_their_own_partner_only(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)

    health = text(client_for(world_a.health_lead.person).get(url(world_a, "rapid_review_decision", review)))
    assert 'data-testid="sign-off-actions-health"' in health
    assert "Approve for health" in health
    assert "sign-off-actions-police" not in health
    assert "sign-off-actions-local_authority" not in health
    for who in (world_a.bm, world_a.scrutineer.person):
        html = text(client_for(who).get(url(world_a, "rapid_review_decision", review)))
        assert "sign-off-actions-" not in html
        assert 'data-testid="sign-off-panel"' in html


def test_buttons_go_once_the_partner_has_decided(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)
    html = text(client_for(world_a.la_lead.person).get(url(world_a, "rapid_review_decision", review)))
    assert "sign-off-actions-" not in html
    assert "Approved" in html


def test_approving_from_the_page(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    response = client_for(world_a.police_lead.person).post(
        url(world_a, "rapid_review_decision_approve", review), {"partner": "police"}
    )
    assert response.status_code == 302
    assert SignOffAction.objects.filter(action="approved", partner="police").count() == 1


def _shared_sign_off_page(world, sign_off) -> str:
    return reverse("partnership:sign_off_detail", kwargs={"slug": world.partnership.slug, "sign_off_id": sign_off.pk})


def _decide_on_shared_page(client, page, sign_off, decision, comment=""):
    return client.post(
        page, {"sign_off-decision": decision, "sign_off-round": sign_off.round, "sign_off-comment": comment}
    )


def test_approving_on_the_shared_sign_off_page_moves_the_rapid_review_on(world_a, client_for):
    # The decision's declared hook moves the review wherever the partners approve: no detour to its own page.
    review = ready_review(world_a)
    decision_record(world_a, review)
    sign_off = SignOff.objects.get()
    page = _shared_sign_off_page(world_a, sign_off)

    for lead in (world_a.la_lead, world_a.health_lead):
        response = _decide_on_shared_page(client_for(lead.person), page, sign_off, "approve")
        assert response.status_code == 302
        assert response.url == page
        assert RapidReview.objects.get(pk=review.pk).state == State.AWAITING_SIGN_OFF
    client = client_for(world_a.police_lead.person)
    assert client.get(page).status_code == 200
    response = _decide_on_shared_page(client, page, sign_off, "approve")

    assert response.status_code == 302
    assert response.url == page
    assert SignOff.objects.get().state == SignOff.State.APPROVED
    assert RapidReview.objects.get(pk=review.pk).state == State.SIGNED_OFF
    moved = HistoryEntry.objects.filter(object_id=review.pk, changes__has_key="state").latest("at", "id")
    assert moved.changes["state"]["to"] == "Decision signed off"
    assert moved.actor == world_a.police_lead.person
    # And the decision page agrees: the review is ready to go to the Panel.
    assert "Decision signed off" in text(client.get(url(world_a, "rapid_review_decision", review)))


def test_sending_back_on_the_shared_sign_off_page_returns_the_rapid_review_to_gathering(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    sign_off = SignOff.objects.get()
    page = _shared_sign_off_page(world_a, sign_off)

    response = _decide_on_shared_page(
        client_for(world_a.health_lead.person), page, sign_off, "send_back", comment="Name the health actions."
    )

    assert response.status_code == 302
    assert SignOff.objects.get().state == SignOff.State.SENT_BACK
    assert RapidReview.objects.get(pk=review.pk).state == State.GATHERING
    # The decision can be recorded again, which starts round 2 for all three partners.
    decision_record(world_a, RapidReview.objects.get(pk=review.pk))
    assert SignOff.objects.get().round == 2
    assert RapidReview.objects.get(pk=review.pk).state == State.AWAITING_SIGN_OFF


def test_the_shared_page_refuses_once_the_review_has_moved_on(world_a, client_for):
    # Sent to the Panel, the review no longer awaits sign-off: a decision there is refused, nothing written.
    review = ready_review(world_a)
    decision_record(world_a, review)
    sign_off = SignOff.objects.get()
    RapidReview.objects.filter(pk=review.pk).update(state=State.GATHERING)
    page = _shared_sign_off_page(world_a, sign_off)

    response = _decide_on_shared_page(client_for(world_a.police_lead.person), page, sign_off, "approve")

    assert response.status_code == 400
    assert "not awaiting sign-off" in text(response)
    assert not SignOffAction.objects.filter(action="approved").exists()


def test_signing_off_for_another_partner_is_refused_with_the_reason(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    response = client_for(world_a.health_lead.person).post(
        url(world_a, "rapid_review_decision_approve", review), {"partner": "police"}
    )
    assert response.status_code == 400
    assert "Only the police partner lead can sign off for the police." in text(response)
    assert not SignOffAction.objects.exclude(action="requested").exists()


def test_sending_back_needs_a_comment_shown_beside_the_field(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    response = client_for(world_a.police_lead.person).post(
        url(world_a, "rapid_review_decision_send_back", review), {"partner": "police", "comment": " "}
    )
    assert response.status_code == 400
    assert "Say why you are sending it back." in field_group(response, "id_police_comment")
    review.refresh_from_db()
    assert review.state == State.AWAITING_SIGN_OFF


def test_a_send_back_is_shown_to_the_business_manager_with_the_form_open_again(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    response = client_for(world_a.police_lead.person).post(
        url(world_a, "rapid_review_decision_send_back", review),
        {"partner": "police", "comment": "The police chronology is incomplete."},
    )
    assert response.status_code == 302

    html = text(client_for(world_a.bm).get(url(world_a, "rapid_review_decision", review)))
    sent_back = html.split('data-testid="sent-back"', 1)[1].split("</div>", 1)[0]
    assert "The police chronology is incomplete." in sent_back
    assert "Alpha Police Lead" in sent_back
    assert 'data-testid="decision-form"' in html
    assert REASONS["reason_panel_view"] in html  # the decision is there to edit


# --- To the Panel ---------------------------------------------------------------------------------


def test_marking_it_sent_late_needs_a_reason(world_a, client_for):
    review = signed_off_review(world_a)
    client = client_for(world_a.bm)
    today = timezone.localdate().isoformat()

    response = client.post(url(world_a, "rapid_review_sent_to_panel", review), {"sent_on": today})
    assert response.status_code == 400
    assert "more than 15: say why it was late." in field_group(response, "id_delay_reason")

    response = client.post(
        url(world_a, "rapid_review_sent_to_panel", review), {"sent_on": today, "delay_reason": "Complex family"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.delay_reason) == (State.SENT_TO_PANEL, "Complex family")
    html = text(client.get(url(world_a, "rapid_review_decision", review)))
    assert 'data-testid="outcome-recipients"' in html
    assert "Alpha Council (the referrer)" in html


def test_the_panel_form_shows_only_once_signed_off(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    html = text(client_for(world_a.bm).get(url(world_a, "rapid_review_decision", review)))
    assert 'data-testid="panel-form"' not in html
    response = client_for(world_a.bm).post(
        url(world_a, "rapid_review_sent_to_panel", review),
        {"sent_on": timezone.localdate().isoformat(), "delay_reason": "x"},
    )
    assert response.status_code == 400
    assert "Only a decision signed off by all three partners goes to the Panel" in text(response)


# --- The section on the rapid review page, and query counts ----------------------------------------------


def test_the_rapid_review_page_shows_the_decision_section(world_a, client_for):
    review = ready_review(world_a)
    decision_record(world_a, review)
    detail = reverse(
        "reviews:rapid_review_detail", kwargs={"slug": world_a.partnership.slug, "rapid_review_id": review.pk}
    )
    html = text(client_for(world_a.police_lead.person).get(detail))
    section = html.split('data-testid="decision-section"', 1)[1].split("</section>", 1)[0]
    assert "Local child safeguarding practice review" in section
    assert "Sign off the decision" in section
    assert url(world_a, "rapid_review_decision", review) in section


@pytest.mark.parametrize(
    # The decision page: 10, plus 3 for the review's learning (issue 9): recommendations, themes, disseminations.
    ("page", "limit"),
    [("rapid_review_meeting", 9), ("rapid_review_decision", 13), ("rapid_review_template", 11)],
)
def test_pages_run_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries, page, limit):
    review = ready_review(world_a)
    decision_record(world_a, review)
    client = client_for(world_a.bm)
    client.get(url(world_a, page, review))  # warm the session and content-type caches
    with django_assert_max_num_queries(limit):
        client.get(url(world_a, page, review))
    for n in range(6):
        MeetingAttendee.objects.create(
            partnership=world_a.partnership, rapid_review=review, name=f"Extra {n}", agency=world_a.school
        )
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)
    with django_assert_max_num_queries(limit):
        client.get(url(world_a, page, review))


def test_the_meeting_page_with_its_forms_runs_a_fixed_number_of_queries(
    world_a, client_for, django_assert_max_num_queries
):
    review = ready_review(world_a)
    client = client_for(world_a.bm)
    client.get(url(world_a, "rapid_review_meeting", review))
    # The two selects of the attendee form (members, agencies) on top of the read-only page.
    with django_assert_max_num_queries(9):
        html = text(client.get(url(world_a, "rapid_review_meeting", review)))
    assert 'data-testid="attendee-form"' in html


def _section(world, membership, **context) -> str:
    request = RequestFactory().get("/")
    request.user = membership.person
    request.membership = membership
    request.partnership = world.partnership
    return render_to_string("reviews/rapid_review/_decision_section.html", context, request=request)


def test_the_section_loads_its_own_overview_when_the_page_gives_only_the_review(world_a):
    review = ready_review(world_a)
    html = _section(world_a, world_a.business_manager, rapid_review=RapidReview.objects.get(pk=review.pk))
    assert 'data-testid="decision-section"' in html
    assert "Record the decision" in html
    assert "3: quorate" in html


def test_the_section_shows_nothing_to_roles_that_do_not_read_rapid_reviews(world_a):
    review = ready_review(world_a)
    assert _section(world_a, world_a.practitioner, review=review).strip() == ""


def test_the_rapid_review_page_with_meeting_decision_and_sign_off_runs_a_fixed_number_of_queries(
    world_a, client_for, django_assert_max_num_queries
):
    # Every section drawn: timeline, requests, attendees, decision, the partners' sign-off so far.
    review = ready_review(world_a)
    decision_record(world_a, review)
    rapid_review_decision_approve(partnership=world_a.partnership, membership=world_a.la_lead, rapid_review=review)
    client = client_for(world_a.bm)
    client.get(url(world_a, "rapid_review_detail", review))
    # 12 where Redis holds the sessions (production), one more where the database does (SQLite here).
    limit = 13 - session_in_cache()
    with django_assert_max_num_queries(limit):
        response = client.get(url(world_a, "rapid_review_detail", review))
    assert response.status_code == 200
    assert "Local authority: approved" in text(response)
