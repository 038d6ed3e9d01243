"""The rapid review meeting: its date (with the window warning), attendees, and quorum."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from partnership.models import HistoryEntry, StatutoryPartner
from partnership.selectors import working_day_calendar
from reviews.models import MeetingAttendee, RapidReview
from reviews.selectors.decision import meeting_window_warning, quorum_refusal, rapid_review_quorum
from reviews.services.rapid_review_meeting import (
    meeting_attendee_add,
    meeting_attendee_remove,
    rapid_review_meeting_set,
)
from tests.reviews.decision_helpers import attendee_add, decision_record, notified_review, ready_review

pytestmark = pytest.mark.django_db

LA, HEALTH, POLICE = StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.HEALTH, StatutoryPartner.POLICE


# --- Quorum -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "missing"),
    [
        ((), [LA, HEALTH, POLICE]),
        ((LA,), [HEALTH, POLICE]),
        ((HEALTH,), [LA, POLICE]),
        ((POLICE,), [LA, HEALTH]),
        ((LA, HEALTH), [POLICE]),
        ((LA, POLICE), [HEALTH]),
        ((HEALTH, POLICE), [LA]),
        ((LA, HEALTH, POLICE), []),
    ],
)
def test_quorum_needs_one_attendee_for_each_partner(world_a, present, missing):
    review = notified_review(world_a)
    for partner in present:
        attendee_add(world_a, review, partner=partner)

    quorate, missing_now = rapid_review_quorum(review)

    assert quorate is (not missing)
    assert missing_now == missing


def test_attendees_of_other_agencies_do_not_count_for_quorum(world_a):
    review = notified_review(world_a)
    attendee_add(world_a, review, partner=LA)
    meeting_attendee_add(
        partnership=world_a.partnership,
        actor=world_a.bm,
        rapid_review=review,
        name="Head Teacher",
        agency=world_a.school,
    )

    assert rapid_review_quorum(review) == (False, [HEALTH, POLICE])


def test_two_attendees_for_one_partner_still_leave_the_others_missing(world_a):
    review = notified_review(world_a)
    attendee_add(world_a, review, partner=POLICE, name="Inspector One")
    attendee_add(world_a, review, partner=POLICE, name="Inspector Two")

    assert rapid_review_quorum(review) == (False, [LA, HEALTH])


def test_quorum_refusal_names_the_missing_partners():
    assert quorum_refusal([HEALTH, POLICE]) == "The meeting is not quorate: no one attended for health and police."
    assert quorum_refusal([LA]) == "The meeting is not quorate: no one attended for the local authority."
    assert quorum_refusal([LA, HEALTH, POLICE]) == (
        "The meeting is not quorate: no one attended for the local authority, health and police."
    )


def test_quorum_reads_the_loaded_attendees_without_a_query(world_a, django_assert_num_queries):
    review = ready_review(world_a)
    attendees = list(MeetingAttendee.objects.filter(rapid_review=review))
    with django_assert_num_queries(0):
        assert rapid_review_quorum(review, attendees=attendees) == (True, [])


# --- Attendees ----------------------------------------------------------------------------------


def test_represents_defaults_to_the_agency_statutory_role(world_a):
    review = notified_review(world_a)
    police = meeting_attendee_add(
        partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, name="DS Smith", agency=world_a.police
    )
    teacher = meeting_attendee_add(
        partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, name="Ms Head", agency=world_a.school
    )
    assert police.represents == POLICE
    assert teacher.represents == ""


def test_represents_can_be_set_to_none_explicitly(world_a):
    review = notified_review(world_a)
    observer = meeting_attendee_add(
        partnership=world_a.partnership,
        actor=world_a.bm,
        rapid_review=review,
        name="Police analyst",
        agency=world_a.police,
        represents="",
    )
    assert observer.represents == ""
    assert rapid_review_quorum(review)[1] == [LA, HEALTH, POLICE]


def test_a_school_cannot_represent_the_police(world_a):
    review = notified_review(world_a)
    with pytest.raises(ValidationError) as caught:
        meeting_attendee_add(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            name="Ms Head",
            agency=world_a.school,
            represents=POLICE,
        )
    assert "cannot represent police" in caught.value.message_dict["represents"][0]
    assert not MeetingAttendee.objects.exists()


def test_picking_a_member_fills_name_job_title_and_agency(world_a):
    review = notified_review(world_a)
    lead = world_a.health_lead
    lead.job_title = "Designated nurse"
    lead.save()

    attendee = meeting_attendee_add(partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, member=lead)

    assert (attendee.name, attendee.job_title, attendee.agency, attendee.represents, attendee.person) == (
        "Alpha Health Lead",
        "Designated nurse",
        world_a.icb,
        HEALTH,
        lead.person,
    )


def test_typed_values_win_over_the_member_prefill(world_a):
    review = notified_review(world_a)
    attendee = meeting_attendee_add(
        partnership=world_a.partnership,
        actor=world_a.bm,
        rapid_review=review,
        member=world_a.la_lead,
        name="A. Lead (chair)",
        job_title="Chair",
    )
    assert (attendee.name, attendee.job_title, attendee.agency) == ("A. Lead (chair)", "Chair", world_a.council)


def test_the_same_member_cannot_attend_twice(world_a):
    review = notified_review(world_a)
    meeting_attendee_add(partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, member=world_a.la_lead)
    with pytest.raises(ValidationError) as caught:
        meeting_attendee_add(
            partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, member=world_a.la_lead
        )
    assert "already listed" in caught.value.message_dict["member"][0]
    assert MeetingAttendee.objects.filter(rapid_review=review).count() == 1


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "", "agency": "council"}, "name", "Enter the attendee's name."),
        ({"name": "x" * 201, "agency": "council"}, "name", "Use at most 200 characters for the name."),
        ({"name": "Someone"}, "agency", "Choose the attendee's agency."),
        ({"name": "Someone", "agency": "council", "represents": "fire"}, "represents", "Choose the local authority"),
    ],
)
def test_attendee_input_is_checked(world_a, values, field, message):
    review = notified_review(world_a)
    if "agency" in values:
        values = {**values, "agency": getattr(world_a, values["agency"])}
    with pytest.raises(ValidationError) as caught:
        meeting_attendee_add(partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, **values)
    assert caught.value.message_dict[field][0].startswith(message)


def test_another_partnerships_agency_or_member_is_refused(world_a, world_b):
    review = notified_review(world_a)
    with pytest.raises(ValidationError) as caught:
        meeting_attendee_add(
            partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, name="X", agency=world_b.police
        )
    assert caught.value.message_dict["agency"] == ["Choose an agency of this partnership."]
    with pytest.raises(ValidationError) as caught:
        meeting_attendee_add(
            partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, member=world_b.police_lead
        )
    assert caught.value.message_dict["member"] == ["Choose an active member of this partnership."]
    assert not MeetingAttendee.objects.exists()


def test_adding_and_removing_attendees_is_recorded_in_history(world_a):
    review = notified_review(world_a)
    attendee = attendee_add(world_a, review, partner=LA, name="Mr Social Worker")
    meeting_attendee_remove(partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, attendee=attendee)

    actions = list(
        HistoryEntry.objects.filter(object_repr="Mr Social Worker")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [HistoryEntry.Action.CREATED, HistoryEntry.Action.DELETED]
    assert not MeetingAttendee.objects.filter(pk=attendee.pk).exists()


def test_attendees_and_date_are_frozen_while_the_decision_awaits_sign_off(world_a):
    review = ready_review(world_a)
    decision_record(world_a, review)
    attendee = MeetingAttendee.objects.filter(rapid_review=review).first()

    with pytest.raises(ValidationError, match="with the partners for sign-off"):
        attendee_add(world_a, review, partner=LA, name="Late arrival")
    with pytest.raises(ValidationError, match="with the partners for sign-off"):
        meeting_attendee_remove(
            partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, attendee=attendee
        )
    with pytest.raises(ValidationError) as caught:
        rapid_review_meeting_set(
            partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, meeting_on=review.meeting_on
        )
    assert "meeting_on" in caught.value.message_dict
    assert MeetingAttendee.objects.filter(rapid_review=review).count() == 3


# --- The meeting date ---------------------------------------------------------------------------


def test_the_meeting_cannot_be_before_the_notification(world_a):
    review = notified_review(world_a)
    notified = review.incident.panel_notified_on
    with pytest.raises(ValidationError) as caught:
        rapid_review_meeting_set(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            meeting_on=notified - timedelta(days=1),
        )
    assert caught.value.message_dict["meeting_on"][0].startswith("The meeting cannot be before the Panel was notified")
    review.refresh_from_db()
    assert review.meeting_on is None


def test_the_meeting_on_the_notification_day_is_accepted_with_a_warning(world_a):
    review = notified_review(world_a)
    notified = review.incident.panel_notified_on
    rapid_review_meeting_set(
        partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, meeting_on=notified
    )
    review.refresh_from_db()
    assert review.meeting_on == notified
    assert "is before the meeting window" in meeting_window_warning(review)


def test_inside_the_window_there_is_no_warning_and_outside_it_there_is(world_a):
    review = notified_review(world_a)
    calendar = working_day_calendar(partnership=world_a.partnership)
    notified = review.incident.panel_notified_on
    for day, expected in ((7, ""), (13, ""), (6, "before the meeting window"), (14, "after the meeting window")):
        rapid_review_meeting_set(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=review,
            meeting_on=calendar.add_working_days(notified, day),
        )
        review.refresh_from_db()
        warning = meeting_window_warning(review, calendar=calendar)
        assert (expected in warning) if expected else warning == "", (day, warning)


def test_a_meeting_on_a_weekend_is_warned_about(world_a):
    review = notified_review(world_a)
    calendar = working_day_calendar(partnership=world_a.partnership)
    day = review.meeting_window_opens_on
    saturday = next(d for d in (day + timedelta(days=i) for i in itertools.count()) if d.weekday() == 5)
    rapid_review_meeting_set(
        partnership=world_a.partnership, actor=world_a.bm, rapid_review=review, meeting_on=saturday
    )
    review.refresh_from_db()
    assert "is not a working day (Weekend)" in meeting_window_warning(review, calendar=calendar)


def test_the_meeting_date_refuses_a_stale_page_and_records_history(world_a):
    review = notified_review(world_a)
    seen = review.updated_at
    rapid_review_meeting_set(
        partnership=world_a.partnership,
        actor=world_a.bm,
        rapid_review=review,
        meeting_on=review.meeting_window_opens_on,
        expected_updated_at=seen,
    )
    with pytest.raises(ValidationError) as caught:
        rapid_review_meeting_set(
            partnership=world_a.partnership,
            actor=world_a.bm,
            rapid_review=RapidReview.objects.get(pk=review.pk),
            meeting_on=review.meeting_window_closes_on,
            expected_updated_at=seen,
        )
    assert caught.value.code == "stale"
    review.refresh_from_db()
    assert review.meeting_on == review.meeting_window_opens_on
    entry = HistoryEntry.objects.filter(
        object_id=str(review.pk), action=HistoryEntry.Action.UPDATED, changes__has_key="meeting_on"
    ).get()
    assert entry.changes["meeting_on"]["to"] == review.meeting_window_opens_on.isoformat()
