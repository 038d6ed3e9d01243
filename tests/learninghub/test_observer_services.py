"""Observers of a hub cycle: the kernel's cross-partnership grant, made, read and revoked for one cycle."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from learninghub.models import HubCycle, HubObserver, HubTask
from learninghub.selectors.observers import hub_observations_for, hub_observed_cycle_page, hub_observers
from learninghub.services.observers import hub_observer_revoke
from partnership.models import AccessGrant, Collaboration, HistoryEntry
from partnership.services import membership_deactivate
from partnership.services.access import collaboration_leave
from tests.factories import World
from tests.learninghub.helpers import cycle_make, priority_make
from tests.learninghub.observer_helpers import forum_make, observer_invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(world_a, world_b):
    return forum_make(world_a.partnership, world_b.partnership)


@pytest.fixture
def cycle(world_a):
    return cycle_make(world_a)


def cycle_history(world, cycle) -> list[HistoryEntry]:
    return list(
        HistoryEntry.objects.in_partnership(world.partnership).filter(
            content_type=ContentType.objects.get_for_model(HubCycle), object_id=cycle.pk
        )
    )


# --- Inviting ---------------------------------------------------------------------------------------


def test_a_business_manager_invites_a_person_of_a_collaborating_partnership(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)

    grant = observer.grant
    assert observer.partnership == world_a.partnership
    assert observer.cycle == cycle
    assert grant.partnership == world_a.partnership
    assert grant.grantee == world_b.practitioner.person
    assert grant.grantee_partnership == world_b.partnership
    assert grant.collaboration == forum
    assert grant.content_type.model_class() is HubCycle
    assert int(grant.object_id) == cycle.pk
    assert grant.fields == ["title", "priority", "starts_on", "state"]
    shared = [h for h in cycle_history(world_a, cycle) if "shared with" in h.changes]
    assert len(shared) == 1
    assert shared[0].actor == world_a.bm
    assert "Bravo Practitioner" in shared[0].changes["shared with"]["to"]


@pytest.mark.parametrize(
    "role",
    ["la_lead", "health_lead", "police_lead", "practitioner", "agency_lead", "scrutineer", "lay_member", "observer"],
)
def test_only_a_business_manager_invites(world_a, world_b, forum, cycle, role):
    with pytest.raises(ValidationError):
        observer_invite(world_a, cycle, world_b.practitioner.person, forum, actor=getattr(world_a, role).person)
    assert not HubObserver.objects.in_partnership(world_a.partnership).exists()
    assert not AccessGrant.objects.in_partnership(world_a.partnership).exists()


def test_a_business_manager_of_another_partnership_cannot_invite_to_this_cycle(world_a, world_b, forum, cycle):
    with pytest.raises(ValidationError) as excinfo:
        observer_invite(world_a, cycle, world_b.practitioner.person, forum, partnership=world_b.partnership)
    assert "cycle" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        observer_invite(world_a, cycle, world_b.practitioner.person, forum, actor=world_b.bm)
    assert not AccessGrant.objects.dangerously_unscoped().exists()


def test_the_collaboration_must_be_one_the_host_is_in(world_a, world_b, forum, cycle):
    elsewhere = forum_make(world_b.partnership, name="Another forum", slug="another")
    for collaboration_id in (None, elsewhere.pk, 2**40):
        with pytest.raises(ValidationError) as excinfo:
            observer_invite(world_a, cycle, world_b.practitioner.person, forum, collaboration_id=collaboration_id)
        assert list(excinfo.value.message_dict) == ["collaboration"]
    assert not AccessGrant.objects.dangerously_unscoped().exists()


def test_a_member_of_the_host_is_not_an_observer(world_a, forum, cycle):
    with pytest.raises(ValidationError) as excinfo:
        observer_invite(world_a, cycle, world_a.practitioner.person, forum)
    assert "member of your partnership" in excinfo.value.message_dict["grantee_email"][0]


def test_a_person_outside_the_collaboration_cannot_be_invited(world_a, world_b, forum, cycle):
    outsider = World("Charlie")
    with pytest.raises(ValidationError) as excinfo:
        observer_invite(world_a, cycle, outsider.practitioner.person, forum)
    assert list(excinfo.value.message_dict) == ["grantee_email"]
    with pytest.raises(ValidationError) as excinfo:
        observer_invite(world_a, cycle, outsider.practitioner.person, forum, grantee_email="nobody@example.org")
    assert list(excinfo.value.message_dict) == ["grantee_email"]


def test_bad_end_dates_are_refused_on_the_field(world_a, world_b, forum, cycle):
    for ends_on in (None, timezone.localdate() - timedelta(days=1), timezone.localdate() + timedelta(days=400)):
        with pytest.raises(ValidationError) as excinfo:
            observer_invite(world_a, cycle, world_b.practitioner.person, forum, ends_on=ends_on)
        assert "ends_on" in excinfo.value.message_dict


def test_one_grant_in_force_per_person_and_cycle_invited_again_after_revoking(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    with pytest.raises(ValidationError) as excinfo:
        observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    assert "already observes" in excinfo.value.message_dict["grantee_email"][0]
    hub_observer_revoke(partnership=world_a.partnership, actor=world_a.bm, observer=observer)

    again = observer_invite(world_a, cycle, world_b.practitioner.person, forum)

    assert again.pk != observer.pk
    # Another cycle of the same host is a separate invitation.
    other = cycle_make(world_a, title="Priority 2", priority=priority_make(world_a, title="Neglect"))
    assert observer_invite(world_a, other, world_b.practitioner.person, forum).cycle == other


# --- Revoking ---------------------------------------------------------------------------------------


def test_revoking_ends_it_and_is_recorded_on_the_cycle(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)

    assert hub_observer_revoke(partnership=world_a.partnership, actor=world_a.bm, observer=observer, reason="Done")

    observer.grant.refresh_from_db()
    assert observer.grant.revoked_at is not None
    assert observer.grant.revoked_by == world_a.bm
    revoked = [h for h in cycle_history(world_a, cycle) if "observer" in h.changes]
    assert revoked[0].changes["observer"] == {
        "from": "Bravo Practitioner (Bravo Safeguarding Partnership)",
        "to": "revoked",
    }
    assert revoked[0].reason == "Done"
    # Twice changes nothing.
    assert not hub_observer_revoke(partnership=world_a.partnership, actor=world_a.bm, observer=observer)
    assert len([h for h in cycle_history(world_a, cycle) if "observer" in h.changes]) == 1


@pytest.mark.parametrize("role", ["la_lead", "practitioner", "scrutineer"])
def test_only_a_business_manager_revokes(world_a, world_b, forum, cycle, role):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    with pytest.raises(ValidationError):
        hub_observer_revoke(partnership=world_a.partnership, actor=getattr(world_a, role).person, observer=observer)
    observer.grant.refresh_from_db()
    assert observer.grant.revoked_at is None


def test_a_manager_of_another_partnership_cannot_revoke(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    with pytest.raises(HubObserver.DoesNotExist):
        hub_observer_revoke(partnership=world_b.partnership, actor=world_b.bm, observer=observer)
    observer.grant.refresh_from_db()
    assert observer.grant.revoked_at is None


# --- What the observer reads --------------------------------------------------------------------------


def test_the_observer_sees_exactly_the_one_cycle(world_a, world_b, forum, cycle):
    cycle_make(world_a, title="Priority 2: not shared", priority=priority_make(world_a, title="Neglect"))
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    person = world_b.practitioner.person

    observed = list(hub_observations_for(person=person))

    assert [g.hub_observer.cycle for g in observed] == [cycle]
    page = hub_observed_cycle_page(person=person, observation_id=observer.pk)
    assert page.cycle == cycle
    assert page.grant.partnership == world_a.partnership
    assert [f.label for f in page.summary] == ["Title", "Priority", "Starts", "Stage"]
    assert (
        sum(len(p.tasks) for p in page.phases)
        == HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).count()
    )
    # Nobody else holds it: the host's own members, other people of the observer's partnership.
    for other in (world_b.bm, world_a.bm, world_b.observer.person):
        assert not hub_observations_for(person=other).exists()
        with pytest.raises(Http404):
            hub_observed_cycle_page(person=other, observation_id=observer.pk)


def test_the_observer_is_not_shown_the_hosts_people(world_a, world_b, forum, cycle):
    task = HubTask.objects.in_partnership(world_a.partnership).filter(cycle=cycle).first()
    HubTask.objects.in_partnership(world_a.partnership).filter(pk=task.pk).update(
        owner_member=world_a.practitioner, owner_role=""
    )
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)

    page = hub_observed_cycle_page(person=world_b.practitioner.person, observation_id=observer.pk)

    labels = {t.pk: t.owner_label for p in page.phases for t in p.tasks}
    assert labels[task.pk] == "A hub member"
    assert not any("Alpha" in label for label in labels.values())


def test_revoking_ends_the_observers_sight_at_once(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    person = world_b.practitioner.person
    hub_observed_cycle_page(person=person, observation_id=observer.pk)

    hub_observer_revoke(partnership=world_a.partnership, actor=world_a.bm, observer=observer)

    assert not hub_observations_for(person=person).exists()
    with pytest.raises(Http404):
        hub_observed_cycle_page(person=person, observation_id=observer.pk)


def test_sight_ends_after_the_last_day(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    AccessGrant.objects.in_partnership(world_a.partnership).filter(pk=observer.grant_id).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(Http404):
        hub_observed_cycle_page(person=world_b.practitioner.person, observation_id=observer.pk)
    assert [r.in_force for r in hub_observers(partnership=world_a.partnership, cycle=cycle)] == [False]


def test_sight_ends_when_the_home_membership_ends(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    membership_deactivate(partnership=world_b.partnership, actor=world_b.bm, membership=world_b.practitioner)
    with pytest.raises(Http404):
        hub_observed_cycle_page(person=world_b.practitioner.person, observation_id=observer.pk)


def test_sight_ends_when_either_partnership_leaves_the_collaboration(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    collaboration_leave(collaboration=forum, partnership=world_b.partnership, actor=None)
    with pytest.raises(Http404):
        hub_observed_cycle_page(person=world_b.practitioner.person, observation_id=observer.pk)
    assert Collaboration.objects.get(pk=forum.pk).partnerships.count() == 1


def test_the_hosts_list_says_who_is_in_force_and_how_often_they_looked(world_a, world_b, forum, cycle):
    from partnership.services.access import access_grant_record_view

    first = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    second = observer_invite(world_a, cycle, world_b.observer.person, forum)
    access_grant_record_view(grant=first.grant, person=world_b.practitioner.person)
    hub_observer_revoke(partnership=world_a.partnership, actor=world_a.bm, observer=second)

    rows = hub_observers(partnership=world_a.partnership, cycle=cycle)

    assert [(r.observer, r.in_force, r.view_count) for r in rows] == [(second, False, 0), (first, True, 1)]
    assert hub_observers(partnership=world_b.partnership, cycle=cycle) == []
