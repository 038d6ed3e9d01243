"""Correcting a child's identity and adding a child to a recorded incident: rules, versions, encryption, history."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from partnership.models import HistoryEntry
from reviews.models import Child
from reviews.services.incidents import (
    IDENTITY_NOT_SHOWN,
    TOO_MANY_CHILDREN,
    child_add,
    child_identity_update,
    incident_update,
)
from tests.reviews.factories import CHILD_ADDRESS, CHILD_BORN, CHILD_NAME, child_data, incident_make

NEW_NAME = "Jordan Correctedname"
NEW_ADDRESS = "2 Other Road, Newtown"
NEW_BORN = date(2014, 11, 2)
ADDED_NAME = "Riley Addedchild"


def _stored(child: Child) -> dict[str, str]:
    """The columns as the database holds them (ciphertext for the identity)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, date_of_birth, address FROM reviews_child WHERE id = %s", [child.pk])
        name, born, address = cursor.fetchone()
    return {"name": name, "date_of_birth": born, "address": address}


def _history_text(world) -> str:
    """Everything history holds for the partnership, as the database stores it."""
    rows = HistoryEntry.objects.filter(partnership=world.partnership)
    return " ".join(f"{r.object_repr} {json.dumps(r.changes)} {r.reason}" for r in rows)


def _correct(world, child, **changes):
    values = {
        "name": CHILD_NAME,
        "date_of_birth": CHILD_BORN,
        "address": CHILD_ADDRESS,
        "expected_updated_at": child.updated_at,
    }
    values.update(changes)
    return child_identity_update(partnership=world.partnership, actor=world.bm, child=child, **values)


# --- Correcting an identity -------------------------------------------------------------------------


def test_a_business_manager_corrects_a_childs_identity(world_a):
    incident = incident_make(world_a)
    child = incident.children.get()
    before = child.updated_at
    changes = _correct(world_a, child, name=f"  {NEW_NAME} ", date_of_birth=NEW_BORN, address=NEW_ADDRESS)
    assert set(changes) == {"name", "date_of_birth", "address"}
    child.refresh_from_db()
    assert (child.name, child.date_of_birth, child.address) == (NEW_NAME, NEW_BORN.isoformat(), NEW_ADDRESS)
    assert child.pseudonym == "Child A"
    assert child.updated_at > before


def test_the_corrected_identity_is_new_ciphertext_at_rest(world_a):
    child = incident_make(world_a).children.get()
    old = _stored(child)
    _correct(world_a, child, name=NEW_NAME)
    new = _stored(child)
    assert new["name"] != old["name"]
    assert new["name"].startswith("fernet:")
    assert NEW_NAME not in new["name"]
    # Only what changed is written again: the other fields keep their ciphertext.
    assert new["date_of_birth"] == old["date_of_birth"]
    assert new["address"] == old["address"]


def test_history_says_which_fields_changed_never_their_values(world_a):
    child = incident_make(world_a).children.get()
    _correct(world_a, child, name=NEW_NAME, address=NEW_ADDRESS)
    entry = HistoryEntry.objects.filter(
        partnership=world_a.partnership, object_id=str(child.pk), action=HistoryEntry.Action.UPDATED
    ).get()
    assert entry.object_repr == "Child A"
    assert entry.actor == world_a.bm
    assert entry.changes == {
        "name": {"from": IDENTITY_NOT_SHOWN, "to": IDENTITY_NOT_SHOWN},
        "address": {"from": IDENTITY_NOT_SHOWN, "to": IDENTITY_NOT_SHOWN},
    }
    dumped = _history_text(world_a)
    for plain in (CHILD_NAME, NEW_NAME, CHILD_ADDRESS, NEW_ADDRESS, CHILD_BORN.isoformat()):
        assert plain not in dumped
    # The raw JSON column too (what a database dump would show).
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes FROM partnership_historyentry WHERE id = %s", [entry.pk])
        (raw,) = cursor.fetchone()
    raw = raw if isinstance(raw, str) else json.dumps(raw)
    assert NEW_NAME not in raw
    assert CHILD_NAME not in raw


def test_a_correction_with_nothing_changed_writes_nothing(world_a):
    child = incident_make(world_a).children.get()
    before = (child.updated_at, _stored(child), HistoryEntry.objects.count())
    assert _correct(world_a, child, name=f" {CHILD_NAME} ") == {}
    child.refresh_from_db()
    assert (child.updated_at, _stored(child), HistoryEntry.objects.count()) == before


def test_fields_left_out_keep_their_value_and_a_date_of_birth_can_be_cleared(world_a):
    child = incident_make(world_a).children.get()
    changes = child_identity_update(partnership=world_a.partnership, actor=world_a.bm, child=child, name=NEW_NAME)
    assert set(changes) == {"name"}
    child.refresh_from_db()
    assert (child.date_of_birth, child.address) == (CHILD_BORN.isoformat(), CHILD_ADDRESS)
    child_identity_update(partnership=world_a.partnership, actor=world_a.bm, child=child, date_of_birth=None)
    child.refresh_from_db()
    assert child.date_of_birth == ""
    assert child.name == NEW_NAME


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "  "}, "name", "Enter the child's name."),
        ({"name": "x" * 201}, "name", "Use at most 200 characters (you used 201)."),
        ({"address": "x" * 1001}, "address", "Use at most 1000 characters (you used 1001)."),
        ({"date_of_birth": timezone.localdate() + timedelta(days=1)}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": "2015-02-30"}, "date_of_birth", "Enter a real date of birth"),
    ],
    ids=["no name", "long name", "long address", "born in the future", "not a date"],
)
def test_a_correction_is_checked_like_a_recording(world_a, changes, field, message):
    child = incident_make(world_a).children.get()
    stored = _stored(child)
    with pytest.raises(ValidationError) as exc:
        _correct(world_a, child, **changes)
    assert any(message in m for m in exc.value.message_dict[field])
    assert _stored(child) == stored


def test_a_date_of_birth_after_the_incident_is_refused(world_a):
    incident = incident_make(
        world_a, incident_on=date(2023, 5, 1), la_aware_on=date(2023, 5, 2), panel_notified_on=date(2023, 5, 3)
    )
    child = incident.children.get()
    with pytest.raises(ValidationError) as exc:
        _correct(world_a, child, date_of_birth=date(2023, 5, 2))
    assert exc.value.message_dict == {"date_of_birth": ["The date of birth cannot be after the incident."]}
    child.refresh_from_db()
    assert child.date_of_birth == CHILD_BORN.isoformat()


def test_a_correction_from_an_out_of_date_read_is_refused_and_writes_nothing(world_a):
    child = incident_make(world_a).children.get()
    read_at = child.updated_at
    _correct(world_a, child, name="First correction")
    child.refresh_from_db()
    stored = _stored(child)
    with pytest.raises(ValidationError) as exc:
        _correct(world_a, child, name="Second correction", expected_updated_at=read_at)
    assert exc.value.code == "stale"
    child.refresh_from_db()
    assert child.name == "First correction"
    assert _stored(child) == stored


@pytest.mark.parametrize("role", ["la_lead", "health_lead", "police_lead", "scrutineer", "practitioner"])
def test_only_business_managers_correct_identities(world_a, role):
    child = incident_make(world_a).children.get()
    with pytest.raises(PermissionDenied):
        child_identity_update(
            partnership=world_a.partnership, actor=getattr(world_a, role).person, child=child, name=NEW_NAME
        )
    child.refresh_from_db()
    assert child.name == CHILD_NAME


def test_another_partnerships_business_manager_cannot_correct(world_a, world_b):
    child = incident_make(world_a).children.get()
    with pytest.raises(PermissionDenied):
        child_identity_update(partnership=world_a.partnership, actor=world_b.bm, child=child, name=NEW_NAME)


def test_an_inactive_business_manager_cannot_correct(world_a):
    child = incident_make(world_a).children.get()
    world_a.business_manager.is_active = False
    world_a.business_manager.save()
    with pytest.raises(PermissionDenied):
        _correct(world_a, child, name=NEW_NAME)


# --- Adding a child ------------------------------------------------------------------------------------


def _add(world, incident, **overrides):
    values = {"name": ADDED_NAME, "date_of_birth": date(2016, 1, 2), "address": NEW_ADDRESS}
    values.update(overrides)
    return child_add(partnership=world.partnership, actor=world.bm, incident=incident, **values)


def test_an_added_child_gets_the_next_pseudonym_and_is_encrypted(world_a):
    incident = incident_make(world_a, children=child_data(2))
    child = _add(world_a, incident)
    assert (child.position, child.pseudonym) == (3, "Child C")
    stored = _stored(child)
    assert all(v.startswith("fernet:") for v in stored.values())
    assert ADDED_NAME not in stored["name"]
    assert Child.objects.get(pk=child.pk).name == ADDED_NAME


def test_adding_a_child_is_in_history_by_pseudonym_only(world_a):
    incident = incident_make(world_a)
    child = _add(world_a, incident)
    on_incident = HistoryEntry.objects.filter(
        partnership=world_a.partnership, object_id=str(incident.pk), action=HistoryEntry.Action.UPDATED
    ).get()
    assert on_incident.changes == {"children": {"from": ["Child A"], "to": ["Child A", "Child B"]}}
    assert HistoryEntry.objects.filter(object_id=str(child.pk), action=HistoryEntry.Action.CREATED).exists()
    dumped = _history_text(world_a)
    assert ADDED_NAME not in dumped
    assert NEW_ADDRESS not in dumped
    assert "2016-01-02" not in dumped


def test_children_are_added_up_to_four_and_a_fifth_is_refused(world_a):
    incident = incident_make(world_a, children=child_data(2))
    assert _add(world_a, incident, name="Third").pseudonym == "Child C"
    assert _add(world_a, incident, name="Fourth").pseudonym == "Child D"
    history = HistoryEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        _add(world_a, incident, name="Fifth")
    assert exc.value.messages == [TOO_MANY_CHILDREN]
    assert exc.value.code == "too_many_children"
    assert incident.children.count() == 4
    assert HistoryEntry.objects.count() == history


def test_an_added_child_is_checked_like_a_recording(world_a):
    incident = incident_make(
        world_a, incident_on=date(2023, 5, 1), la_aware_on=date(2023, 5, 2), panel_notified_on=date(2023, 5, 3)
    )
    with pytest.raises(ValidationError) as exc:
        _add(world_a, incident, name="", date_of_birth=date(2023, 6, 1))
    assert exc.value.message_dict == {
        "name": ["Enter the child's name."],
        "date_of_birth": ["The date of birth cannot be after the incident."],
    }
    assert incident.children.count() == 1


@pytest.mark.parametrize("role", ["la_lead", "scrutineer", "practitioner"])
def test_only_business_managers_add_children(world_a, role):
    incident = incident_make(world_a)
    with pytest.raises(PermissionDenied):
        child_add(
            partnership=world_a.partnership,
            actor=getattr(world_a, role).person,
            incident=incident,
            name=ADDED_NAME,
            date_of_birth=None,
            address="",
        )
    assert incident.children.count() == 1


def test_an_added_childs_birth_still_bounds_the_incident_date(world_a):
    incident = incident_make(world_a)  # the incident yesterday; Child A born in 2015
    _add(world_a, incident, date_of_birth=date(2020, 6, 1))
    incident.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        incident_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            incident=incident,
            incident_on=date(2019, 1, 1),
            la_aware_on=incident.la_aware_on,
            panel_notified_on=incident.panel_notified_on,
            outcome=incident.outcome,
            child_looked_after=incident.child_looked_after,
            summary=incident.summary,
            referring_agency=incident.referring_agency,
            agencies=list(incident.agencies.all()),
        )
    assert exc.value.message_dict["incident_on"] == ["Child B was born after this date."]
