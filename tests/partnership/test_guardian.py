"""Per-object grants with django-guardian's direct foreign-key models, never leaking across tenants."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm

from partnership.models import AgencyUserObjectPermission, Membership, Person, Role
from partnership.selectors import agencies_granted_to
from partnership.services import membership_deactivate, membership_reactivate
from tests.factories import membership_make

pytestmark = pytest.mark.django_db

VIEW_AGENCY = "partnership.view_agency"


def _fresh(person: Person) -> Person:
    # Django caches permissions on the instance: read the person again, as a new request would.
    return Person.objects.get(pk=person.pk)


def test_an_object_grant_returns_that_agency_only(world_a):
    observer = world_a.observer.person
    assign_perm(VIEW_AGENCY, observer, world_a.school)

    granted = agencies_granted_to(person=_fresh(observer), partnership=world_a.partnership, perm=VIEW_AGENCY)

    assert list(granted) == [world_a.school]


def test_without_a_grant_nothing_is_returned(world_a):
    granted = agencies_granted_to(
        person=_fresh(world_a.observer.person), partnership=world_a.partnership, perm=VIEW_AGENCY
    )

    assert list(granted) == []


def test_the_grant_is_stored_in_the_direct_foreign_key_table(world_a):
    observer = world_a.observer.person

    assign_perm(VIEW_AGENCY, observer, world_a.school)

    row = AgencyUserObjectPermission.objects.get(user=observer)
    assert row.content_object == world_a.school
    assert row.permission.codename == "view_agency"
    # Guardian's generic table (object_pk as a string) is not used for agencies.
    assert not UserObjectPermission.objects.exists()


def test_a_global_permission_grants_no_agencies(world_a, world_b):
    observer = world_a.observer.person
    observer.user_permissions.add(Permission.objects.get(content_type__app_label="partnership", codename="view_agency"))
    observer = _fresh(observer)
    assert observer.has_perm(VIEW_AGENCY)  # the global permission really is held

    assert list(agencies_granted_to(person=observer, partnership=world_a.partnership, perm=VIEW_AGENCY)) == []
    assert list(agencies_granted_to(person=observer, partnership=world_b.partnership, perm=VIEW_AGENCY)) == []


def test_a_global_permission_adds_nothing_to_an_object_grant(world_a, world_b):
    observer = world_a.observer.person
    assign_perm(VIEW_AGENCY, observer, world_a.school)
    observer.user_permissions.add(Permission.objects.get(content_type__app_label="partnership", codename="view_agency"))

    granted = agencies_granted_to(person=_fresh(observer), partnership=world_a.partnership, perm=VIEW_AGENCY)

    assert list(granted) == [world_a.school]


def test_a_grant_in_one_partnership_shows_nothing_in_another(world_a, world_b):
    # A person in both partnerships, granted an agency of world_a only.
    person = world_a.observer.person
    assign_perm(VIEW_AGENCY, person, world_a.school)

    granted = agencies_granted_to(person=_fresh(person), partnership=world_b.partnership, perm=VIEW_AGENCY)

    assert list(granted) == []


def test_a_superuser_is_granted_nothing_implicitly(world_a, world_b):
    superuser = Person.objects.create_superuser("root@example.org", "a-long-password-for-root", full_name="Root")

    for world in (world_a, world_b):
        assert list(agencies_granted_to(person=superuser, partnership=world.partnership, perm=VIEW_AGENCY)) == []

    # A grant alone is not enough: it counts only for an active member of the agency's partnership.
    assign_perm(VIEW_AGENCY, superuser, world_b.police)
    assert list(agencies_granted_to(person=_fresh(superuser), partnership=world_b.partnership, perm=VIEW_AGENCY)) == []
    membership_make(partnership=world_b.partnership, agency=world_b.police, roles=[Role.OBSERVER], person=superuser)
    granted = agencies_granted_to(person=_fresh(superuser), partnership=world_b.partnership, perm=VIEW_AGENCY)
    assert list(granted) == [world_b.police]


def test_grants_are_per_permission(world_a):
    observer = world_a.observer.person
    assign_perm("partnership.change_agency", observer, world_a.school)

    assert list(agencies_granted_to(person=_fresh(observer), partnership=world_a.partnership, perm=VIEW_AGENCY)) == []


# --- Grants depend on membership (issue 15, item 3) ----------------------------------


def test_a_grant_to_someone_with_no_membership_here_counts_for_nothing(world_a, world_b):
    # An observer of Bravo, with no membership in Alpha, granted an Alpha agency.
    outsider = world_b.observer.person
    assign_perm(VIEW_AGENCY, outsider, world_a.school)
    outsider = _fresh(outsider)

    assert list(agencies_granted_to(person=outsider, partnership=world_a.partnership, perm=VIEW_AGENCY)) == []
    assert not outsider.has_perm(VIEW_AGENCY, world_a.school)
    # The row exists: it is the membership check, not a missing grant, that refuses.
    assert AgencyUserObjectPermission.objects.filter(user=outsider, content_object=world_a.school).exists()


def test_has_perm_holds_for_an_active_member_only(world_a):
    observer = world_a.observer
    assign_perm(VIEW_AGENCY, observer.person, world_a.school)
    assert _fresh(observer.person).has_perm(VIEW_AGENCY, world_a.school)

    Membership.objects.filter(pk=observer.pk).update(is_active=False)  # inactive by any route, service or not

    assert not _fresh(observer.person).has_perm(VIEW_AGENCY, world_a.school)
    assert (
        list(agencies_granted_to(person=_fresh(observer.person), partnership=world_a.partnership, perm=VIEW_AGENCY))
        == []
    )


def test_deactivation_removes_the_grants_on_that_partnership_only(world_a, world_b):
    person = world_a.observer.person
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.OBSERVER], person=person)
    assign_perm(VIEW_AGENCY, person, world_a.school)
    assign_perm(VIEW_AGENCY, person, world_b.school)

    membership_deactivate(partnership=world_a.partnership, actor=world_a.bm, membership=world_a.observer)

    assert not AgencyUserObjectPermission.objects.filter(user=person, content_object=world_a.school).exists()
    assert AgencyUserObjectPermission.objects.filter(user=person, content_object=world_b.school).exists()
    membership_reactivate(partnership=world_a.partnership, actor=world_a.bm, membership=world_a.observer)
    assert not _fresh(person).has_perm(VIEW_AGENCY, world_a.school)  # not restored by reactivation
    assert _fresh(person).has_perm(VIEW_AGENCY, world_b.school)
