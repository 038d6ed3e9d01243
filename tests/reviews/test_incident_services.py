"""Recording and editing serious incidents; the children's encrypted identities and the log of who saw them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from partnership.models import Agency, HistoryEntry
from reviews.models import Child, IdentityView, RapidReview, SeriousIncident
from reviews.services.incidents import (
    AWARE_BEFORE_INCIDENT,
    NOTIFIED_BEFORE_AWARE,
    NOTIFIED_BEFORE_INCIDENT,
    TOO_MANY_CHILDREN,
    child_identity_reveal,
    incident_update,
)
from tests.reviews.factories import CHILD_ADDRESS, CHILD_BORN, CHILD_NAME, child_data, incident_make

D = date


def _messages(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_recording_opens_the_rapid_review_and_names_the_children_by_pseudonym(world_a):
    incident = incident_make(
        world_a,
        incident_on=D(2023, 5, 1),
        la_aware_on=D(2023, 5, 2),
        panel_notified_on=D(2023, 5, 3),
        children=child_data(3),
    )
    assert incident.reference == "SI-2023-001"
    assert [c.pseudonym for c in incident.children.order_by("position")] == ["Child A", "Child B", "Child C"]
    review = RapidReview.objects.get(incident=incident)
    assert review.state == RapidReview.State.GATHERING
    assert review.panel_submission_due_on == D(2023, 5, 25)
    assert incident.recorded_by == world_a.bm


def test_references_number_on_per_year_and_per_partnership(world_a, world_b):
    first = incident_make(
        world_a, incident_on=D(2023, 1, 3), la_aware_on=D(2023, 1, 3), panel_notified_on=D(2023, 1, 4)
    )
    second = incident_make(
        world_a, incident_on=D(2023, 2, 1), la_aware_on=D(2023, 2, 1), panel_notified_on=D(2023, 2, 1)
    )
    next_year = incident_make(
        world_a, incident_on=D(2024, 2, 1), la_aware_on=D(2024, 2, 1), panel_notified_on=D(2024, 2, 1)
    )
    other = incident_make(
        world_b, incident_on=D(2023, 2, 1), la_aware_on=D(2023, 2, 1), panel_notified_on=D(2023, 2, 1)
    )
    assert [first.reference, second.reference, next_year.reference] == ["SI-2023-001", "SI-2023-002", "SI-2024-001"]
    assert other.reference == "SI-2023-001"


def test_a_reference_given_must_be_unique_in_the_partnership(world_a):
    incident_make(world_a, reference="LA/2026/17")
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, reference="la/2026/17")
    assert _messages(exc)["reference"] == ["Another incident already has the reference la/2026/17."]


@pytest.mark.parametrize(
    ("days_to_notify", "working_days", "late"),
    [(0, 0, False), (7, 5, False), (8, 6, True)],
)
def test_notification_working_days_and_the_late_flag(world_a, days_to_notify, working_days, late):
    aware = D(2024, 6, 3)  # a Monday: +7 calendar days is the next Monday (5 working days)
    incident = incident_make(
        world_a, incident_on=aware, la_aware_on=aware, panel_notified_on=aware + timedelta(days=days_to_notify)
    )
    assert incident.notification_working_days == working_days
    assert incident.notified_late is late


def test_late_notification_counts_working_days_across_bank_holidays(world_a):
    # Aware Thu 20 Dec 2018... use 2022: aware Thu 22 Dec, notified Fri 30 Dec: 23, 28, 29, 30 (26, 27 holidays).
    incident = incident_make(
        world_a, incident_on=D(2022, 12, 22), la_aware_on=D(2022, 12, 22), panel_notified_on=D(2022, 12, 30)
    )
    assert incident.notification_working_days == 4
    assert not incident.notified_late


@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        ((D(2023, 5, 2), D(2023, 5, 3), D(2023, 5, 1)), "panel_notified_on", NOTIFIED_BEFORE_INCIDENT),
        ((D(2023, 5, 1), D(2023, 5, 3), D(2023, 5, 2)), "panel_notified_on", NOTIFIED_BEFORE_AWARE),
        ((D(2023, 5, 2), D(2023, 5, 1), D(2023, 5, 3)), "la_aware_on", AWARE_BEFORE_INCIDENT),
    ],
    ids=["notified before the incident", "notified before aware", "aware before the incident"],
)
def test_dates_out_of_order_are_refused_on_the_field(world_a, dates, field, message):
    incident_on, aware, notified = dates
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, incident_on=incident_on, la_aware_on=aware, panel_notified_on=notified)
    assert message in _messages(exc)[field]
    assert not SeriousIncident.objects.exists()
    assert not RapidReview.objects.exists()


def test_the_panel_message_reads_as_the_brief_says(world_a):
    assert NOTIFIED_BEFORE_AWARE == "The Panel cannot have been notified before the local authority became aware."


def test_dates_in_the_future_are_refused(world_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, panel_notified_on=tomorrow)
    assert _messages(exc)["panel_notified_on"] == ["The date the Panel was notified cannot be in the future."]


def test_a_fifth_child_is_refused_and_nothing_is_written(world_a):
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, children=child_data(5))
    assert _messages(exc)["children"] == [TOO_MANY_CHILDREN]
    assert TOO_MANY_CHILDREN == "A serious incident notification can name at most four children."
    assert not Child.objects.exists()
    assert not SeriousIncident.objects.exists()


def test_four_children_are_accepted(world_a):
    incident = incident_make(world_a, children=child_data(4))
    assert incident.children.count() == 4
    assert incident.children.order_by("-position").first().pseudonym == "Child D"


def test_no_child_is_refused(world_a):
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, children=[])
    assert _messages(exc)["children"] == ["Name at least one child."]


def test_child_fields_are_checked_one_by_one(world_a):
    children = child_data(2)
    children[1]["name"] = "x" * 201
    children[0]["date_of_birth"] = D(2030, 1, 1)
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, children=children)
    errors = _messages(exc)
    assert errors["children.1.name"] == ["Use at most 200 characters (you used 201)."]
    assert errors["children.0.date_of_birth"] == ["The date of birth cannot be in the future."]


def test_an_oversized_summary_is_refused_on_its_field(world_a):
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, summary="x" * 5001)
    assert _messages(exc)["summary"] == ["Use at most 5000 characters (you used 5001)."]


def test_another_partnerships_agency_is_refused(world_a, world_b):
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, agencies=[world_a.icb, world_b.icb])
    assert _messages(exc)["agencies"] == ["Choose only this partnership's agencies."]
    with pytest.raises(ValidationError) as exc:
        incident_make(world_a, referring_agency=world_b.council)
    assert _messages(exc)["referring_agency"] == ["Choose one of this partnership's agencies."]


def test_the_referring_agency_is_always_among_the_agencies_involved(world_a):
    incident = incident_make(world_a, referring_agency=world_a.school, agencies=[world_a.police])
    assert set(incident.agencies.all()) == {world_a.school, world_a.police}


# --- Encryption and history --------------------------------------------------------------------


def test_identities_are_ciphertext_in_the_database(world_a):
    incident = incident_make(world_a)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, date_of_birth, address, pseudonym FROM reviews_child WHERE incident_id = %s", [incident.pk]
        )
        name, born, address, pseudonym = cursor.fetchone()
    assert pseudonym == "Child A"
    for stored, plain in ((name, CHILD_NAME), (born, CHILD_BORN.isoformat()), (address, CHILD_ADDRESS)):
        assert stored.startswith("fernet:")
        assert plain not in stored
    # Through the model, the plaintext.
    assert Child.objects.get(incident=incident).name == CHILD_NAME


def test_identities_never_reach_history_or_str(world_a):
    incident = incident_make(world_a)
    rows = HistoryEntry.objects.filter(partnership=world_a.partnership)
    dumped = " ".join(f"{r.object_repr} {r.changes} {r.reason}" for r in rows)
    assert "Child A" in dumped
    assert CHILD_NAME not in dumped
    assert CHILD_ADDRESS not in dumped
    assert CHILD_BORN.isoformat() not in dumped
    child = incident.children.get()
    assert str(child) == "Child A"


# --- Identity reveal -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["business_manager", "la_lead", "health_lead", "police_lead"])
def test_managers_and_partner_leads_see_identities_and_each_view_is_logged(world_a, role):
    incident = incident_make(world_a, children=child_data(2))
    membership = getattr(world_a, role)
    identities = child_identity_reveal(
        partnership=world_a.partnership, viewer_membership=membership, incident=incident, context="test"
    )
    assert [i.name for i in identities] == [CHILD_NAME, f"{CHILD_NAME} 2"]
    assert identities[0].date_of_birth == CHILD_BORN
    assert str(identities[0]) == "Child A"
    views = IdentityView.objects.filter(partnership=world_a.partnership)
    assert views.count() == 2
    assert {v.viewer_id for v in views} == {membership.person_id}
    assert {v.context for v in views} == {"test"}
    # Again: logged again.
    child_identity_reveal(
        partnership=world_a.partnership, viewer_membership=membership, child=incident.children.first(), context="x"
    )
    assert IdentityView.objects.filter(partnership=world_a.partnership).count() == 3


@pytest.mark.parametrize("role", ["practitioner", "agency_lead", "scrutineer", "lay_member", "observer"])
def test_other_roles_get_nothing_and_nothing_is_logged(world_a, role):
    incident = incident_make(world_a)
    identities = child_identity_reveal(
        partnership=world_a.partnership, viewer_membership=getattr(world_a, role), incident=incident, context="test"
    )
    assert identities == []
    assert not IdentityView.objects.exists()


def test_a_member_of_another_partnership_gets_nothing(world_a, world_b):
    incident = incident_make(world_a)
    identities = child_identity_reveal(
        partnership=world_a.partnership, viewer_membership=world_b.business_manager, incident=incident, context="t"
    )
    assert identities == []


def test_an_inactive_membership_gets_nothing(world_a):
    incident = incident_make(world_a)
    world_a.la_lead.is_active = False
    world_a.la_lead.save()
    assert (
        child_identity_reveal(
            partnership=world_a.partnership, viewer_membership=world_a.la_lead, incident=incident, context="t"
        )
        == []
    )


# --- Editing ------------------------------------------------------------------------------------


def _update(world, incident, **changes):
    values = {
        "incident_on": incident.incident_on,
        "la_aware_on": incident.la_aware_on,
        "panel_notified_on": incident.panel_notified_on,
        "outcome": incident.outcome,
        "child_looked_after": incident.child_looked_after,
        "summary": incident.summary,
        "referring_agency": incident.referring_agency,
        "agencies": list(incident.agencies.all()),
        "expected_updated_at": incident.updated_at,
    }
    values.update(changes)
    return incident_update(partnership=world.partnership, actor=world.bm, incident=incident, **values)


def test_an_edit_from_an_out_of_date_page_is_refused_and_writes_nothing(world_a):
    incident = incident_make(world_a)
    read_at = incident.updated_at
    _update(world_a, incident, summary="First change")
    with pytest.raises(ValidationError) as exc:
        _update(world_a, incident, summary="Second change", expected_updated_at=read_at)
    assert exc.value.code == "stale"
    incident.refresh_from_db()
    assert incident.summary == "First change"


def test_an_edit_recounts_the_notification_working_days(world_a):
    incident = incident_make(
        world_a, incident_on=D(2024, 6, 3), la_aware_on=D(2024, 6, 3), panel_notified_on=D(2024, 6, 4)
    )
    assert not incident.notified_late
    changes = _update(world_a, incident, panel_notified_on=D(2024, 6, 12))
    incident.refresh_from_db()
    assert incident.notification_working_days == 7
    assert incident.notified_late
    assert changes["panel_notified_on"] == {"from": "2024-06-04", "to": "2024-06-12"}


def test_an_edit_is_checked_like_a_recording(world_a):
    incident = incident_make(
        world_a, incident_on=D(2024, 6, 3), la_aware_on=D(2024, 6, 3), panel_notified_on=D(2024, 6, 4)
    )
    with pytest.raises(ValidationError) as exc:
        _update(world_a, incident, panel_notified_on=D(2024, 6, 1))
    assert NOTIFIED_BEFORE_INCIDENT in exc.value.message_dict["panel_notified_on"]


def test_changing_only_the_agencies_moves_the_version_on_and_records_history(world_a):
    incident = incident_make(world_a, agencies=[world_a.council])
    before = incident.updated_at
    changes = _update(world_a, incident, agencies=[world_a.council, world_a.police])
    assert changes == {
        "agencies": {"from": [world_a.council.name], "to": sorted([world_a.council.name, world_a.police.name])}
    }
    incident.refresh_from_db()
    assert incident.updated_at > before


def test_an_edit_with_no_change_writes_nothing(world_a):
    incident = incident_make(world_a)
    count = HistoryEntry.objects.count()
    assert _update(world_a, incident) == {}
    assert HistoryEntry.objects.count() == count


def test_inactive_agencies_do_not_break_editing(world_a):
    incident = incident_make(world_a)
    Agency.objects.filter(pk=world_a.school.pk).update(is_active=False)
    incident.refresh_from_db()
    assert _update(world_a, incident, summary="Still editable") != {}


def test_an_incident_date_before_a_childs_birth_is_refused(world_a):
    incident = incident_make(world_a)  # Child A born 27 March 2015
    with pytest.raises(ValidationError) as exc:
        _update(world_a, incident, incident_on=D(2015, 1, 1))
    assert exc.value.message_dict["incident_on"] == ["Child A was born after this date."]


def test_an_edited_reference_must_stay_unique(world_a):
    incident_make(world_a, reference="TAKEN-1")
    incident = incident_make(world_a)
    with pytest.raises(ValidationError) as exc:
        _update(world_a, incident, reference="TAKEN-1")
    assert exc.value.message_dict["reference"] == ["Another incident already has the reference TAKEN-1."]
