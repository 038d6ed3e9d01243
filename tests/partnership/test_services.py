"""Services of the kernel behind the administration pages: rules, history, concurrency, email."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from partnership import services
from partnership.models import (
    Agency,
    AgencyType,
    ClosureDay,
    HistoryEntry,
    Invitation,
    Membership,
    Nation,
    Role,
    StatutoryPartner,
)
from partnership.selectors import history_rows_for_model, history_rows_for_object
from tests.factories import AgencyFactory, membership_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every World gives nine people a password; the real hasher makes each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def history_of(obj) -> list[HistoryEntry]:
    """Oldest first, for readable assertions."""
    return list(
        HistoryEntry.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("at", "id")
    )


# --- Agencies -----------------------------------------------------------------------


def test_agency_create_saves_and_records_who_created_it(world_a):
    agency = services.agency_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        name="  Alpha Youth Justice Service ",
        agency_type=AgencyType.OTHER,
    )

    assert agency.name == "Alpha Youth Justice Service"
    assert agency.partnership == world_a.partnership
    [entry] = history_of(agency)
    assert entry.action == HistoryEntry.Action.CREATED
    assert entry.actor == world_a.bm
    assert entry.partnership == world_a.partnership
    assert entry.changes["name"] == {"from": None, "to": "Alpha Youth Justice Service"}
    assert entry.changes["agency_type"] == {"from": None, "to": "Other"}


def test_a_second_statutory_partner_of_the_same_kind_is_refused_and_nothing_is_saved(world_a):
    agencies_before = Agency.objects.count()
    history_before = HistoryEntry.objects.count()

    with pytest.raises(ValidationError) as caught:
        services.agency_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            name="Alpha Borough Council",
            agency_type=AgencyType.LOCAL_AUTHORITY,
            statutory_partner=StatutoryPartner.LOCAL_AUTHORITY,
        )

    assert caught.value.message_dict == {
        "statutory_partner": [
            "Alpha Council is already the local authority statutory partner. "
            "Clear it there first: each kind has exactly one."
        ]
    }
    assert Agency.objects.count() == agencies_before
    assert HistoryEntry.objects.count() == history_before


def test_the_statutory_partner_must_match_the_agency_type(world_a):
    world_a.police.statutory_partner = ""
    world_a.police.save()

    with pytest.raises(ValidationError) as caught:
        services.agency_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            name="Alpha Academy Trust",
            agency_type=AgencyType.EDUCATION,
            statutory_partner=StatutoryPartner.POLICE,
        )

    assert caught.value.message_dict["statutory_partner"] == [
        "Only a police agency can be the police statutory partner."
    ]
    assert not Agency.objects.filter(name="Alpha Academy Trust").exists()


def test_agency_names_are_unique_in_a_partnership_ignoring_case(world_a):
    with pytest.raises(ValidationError) as caught:
        services.agency_create(
            partnership=world_a.partnership, actor=world_a.bm, name="alpha police", agency_type=AgencyType.POLICE
        )

    assert caught.value.message_dict["name"] == ["This partnership already has an agency with this name."]


def test_another_partnership_may_use_the_same_agency_name_and_partner_kind(world_a, world_b):
    agency = services.agency_create(
        partnership=world_b.partnership,
        actor=world_b.bm,
        name="Alpha Council",
        agency_type=AgencyType.LOCAL_AUTHORITY,
    )

    assert agency.partnership == world_b.partnership


def test_agency_update_records_only_the_fields_that_changed(world_a):
    changes = services.agency_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        agency=world_a.school,
        name="Alpha Primary Academy",
        agency_type=AgencyType.EDUCATION,
        is_active=False,
        expected_updated_at=world_a.school.updated_at,
    )

    assert changes == {
        "name": {"from": "Alpha Primary School", "to": "Alpha Primary Academy"},
        "is_active": {"from": True, "to": False},
    }
    world_a.school.refresh_from_db()
    assert world_a.school.name == "Alpha Primary Academy"
    assert world_a.school.is_active is False
    entry = history_of(world_a.school)[-1]
    assert entry.action == HistoryEntry.Action.UPDATED
    assert entry.actor == world_a.bm
    assert entry.changes == changes
    [row] = history_rows_for_object(partnership=world_a.partnership, obj=world_a.school)
    assert [(c.label, c.before, c.after) for c in row.field_changes] == [
        ("Name", "Alpha Primary School", "Alpha Primary Academy"),
        ("Active", "Yes", "No"),
    ]


def test_agency_update_without_changes_writes_nothing(world_a):
    before = world_a.school.updated_at

    changes = services.agency_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        agency=world_a.school,
        name=world_a.school.name,
        agency_type=world_a.school.agency_type,
    )

    assert changes == {}
    world_a.school.refresh_from_db()
    assert world_a.school.updated_at == before
    assert history_of(world_a.school) == []


def test_agency_update_refuses_a_stale_version_and_keeps_the_other_edit(world_a):
    loaded_version = world_a.school.updated_at
    # Someone else saves first.
    services.agency_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        agency=world_a.school,
        name="Alpha Primary (renamed by a colleague)",
        agency_type=AgencyType.EDUCATION,
        expected_updated_at=loaded_version,
    )

    with pytest.raises(ValidationError) as caught:
        services.agency_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            agency=world_a.school,
            name="Alpha Primary (my edit)",
            agency_type=AgencyType.EDUCATION,
            expected_updated_at=loaded_version,
        )

    assert "Someone else changed this agency" in caught.value.messages[0]
    world_a.school.refresh_from_db()
    assert world_a.school.name == "Alpha Primary (renamed by a colleague)"
    assert len(history_of(world_a.school)) == 1


def test_agency_update_cannot_take_a_statutory_role_another_agency_holds(world_a):
    transport_police = AgencyFactory(
        partnership=world_a.partnership, name="Alpha Transport Police", agency_type=AgencyType.POLICE
    )

    with pytest.raises(ValidationError) as caught:
        services.agency_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            agency=transport_police,
            name=transport_police.name,
            agency_type=AgencyType.POLICE,
            statutory_partner=StatutoryPartner.POLICE,
        )

    assert "Alpha Police is already the police statutory partner" in caught.value.message_dict["statutory_partner"][0]
    transport_police.refresh_from_db()
    assert transport_police.statutory_partner == ""


def test_agency_update_keeps_the_statutory_role_while_partner_leads_depend_on_it(world_a):
    with pytest.raises(ValidationError) as caught:
        services.agency_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            agency=world_a.icb,
            name=world_a.icb.name,
            agency_type=AgencyType.HEALTH,
            statutory_partner="",
        )

    assert "partner leads" in caught.value.message_dict["statutory_partner"][0]
    world_a.icb.refresh_from_db()
    assert world_a.icb.statutory_partner == StatutoryPartner.HEALTH


# --- Partnership settings and closure days ---------------------------------------


def test_settings_update_records_the_changed_fields(world_a):
    changes = services.partnership_update_settings(
        partnership=world_a.partnership, actor=world_a.bm, name="Alpha and Beyond Partnership", nation=Nation.WALES
    )

    assert changes == {
        "name": {"from": "Alpha Safeguarding Partnership", "to": "Alpha and Beyond Partnership"},
        "nation": {"from": "England", "to": "Wales"},
    }
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.nation == Nation.WALES
    [entry] = history_of(world_a.partnership)
    assert entry.actor == world_a.bm
    assert entry.partnership == world_a.partnership


def test_settings_refuse_another_partnerships_name_and_an_unknown_nation(world_a, world_b):
    with pytest.raises(ValidationError) as caught:
        services.partnership_update_settings(
            partnership=world_a.partnership, actor=world_a.bm, name="bravo safeguarding partnership", nation="XX"
        )

    assert caught.value.message_dict == {
        "name": ["Another partnership already has this name."],
        "nation": ["Choose England, Wales, Scotland or Northern Ireland."],
    }
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.name == "Alpha Safeguarding Partnership"
    assert history_of(world_a.partnership) == []


def test_closure_day_add_records_history_and_refuses_a_duplicate(world_a):
    day = services.closure_day_add(
        partnership=world_a.partnership, actor=world_a.bm, day=date(2026, 12, 24), reason=" Winter closure "
    )

    assert day.reason == "Winter closure"
    [entry] = history_of(day)
    assert entry.action == HistoryEntry.Action.CREATED
    assert entry.actor == world_a.bm
    assert entry.changes["date"] == {"from": None, "to": "2026-12-24"}
    [row] = history_rows_for_object(partnership=world_a.partnership, obj=day)
    assert ("Date", "(none)", "24 December 2026") in [(c.label, c.before, c.after) for c in row.field_changes]

    with pytest.raises(ValidationError) as caught:
        services.closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=date(2026, 12, 24))
    assert caught.value.message_dict == {"date": ["24 December 2026 is already a closure day."]}
    assert ClosureDay.objects.in_partnership(world_a.partnership).count() == 1


def test_the_same_closure_day_may_be_added_by_another_partnership(world_a, world_b):
    services.closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=date(2026, 12, 24))

    day = services.closure_day_add(partnership=world_b.partnership, actor=world_b.bm, day=date(2026, 12, 24))

    assert day.partnership == world_b.partnership


def test_closure_day_remove_keeps_a_record_of_what_was_removed(world_a):
    day = services.closure_day_add(
        partnership=world_a.partnership, actor=world_a.bm, day=date(2026, 12, 29), reason="Winter closure"
    )
    day_id = day.pk

    services.closure_day_remove(partnership=world_a.partnership, actor=world_a.bm, closure_day=day)

    assert not ClosureDay.objects.filter(pk=day_id).exists()
    deleted = HistoryEntry.objects.get(object_id=str(day_id), action=HistoryEntry.Action.DELETED)
    assert deleted.actor == world_a.bm
    assert deleted.changes["reason"] == {"from": "Winter closure", "to": None}
    [row] = history_rows_for_model(partnership=world_a.partnership, model=ClosureDay, limit=1)
    assert row.action == HistoryEntry.Action.DELETED


def test_closure_day_remove_refuses_another_partnerships_day(world_a, world_b):
    day = services.closure_day_add(partnership=world_b.partnership, actor=world_b.bm, day=date(2026, 12, 24))

    with pytest.raises(ValidationError):
        services.closure_day_remove(partnership=world_a.partnership, actor=world_a.bm, closure_day=day)

    assert ClosureDay.objects.filter(pk=day.pk).exists()


# --- Roles and memberships ---------------------------------------------------------


def test_roles_validate_for_agency_returns_clean_sorted_roles(world_a):
    roles = services.roles_validate_for_agency(
        roles=[Role.PRACTITIONER, Role.PARTNER_LEAD_HEALTH, Role.PRACTITIONER], agency=world_a.icb
    )

    assert roles == sorted([Role.PARTNER_LEAD_HEALTH, Role.PRACTITIONER])


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        ([], "Choose at least one role."),
        (["captain"], "Unknown role: captain."),
        (
            [Role.PARTNER_LEAD_HEALTH],
            "Partner lead (health) must belong to the health statutory partner agency; Alpha Council is not.",
        ),
        (
            [Role.PRACTITIONER, Role.PARTNER_LEAD_POLICE],
            "Partner lead (police) must belong to the police statutory partner agency; Alpha Council is not.",
        ),
    ],
)
def test_roles_validate_for_agency_refuses_roles_that_do_not_fit(world_a, roles, message):
    with pytest.raises(ValidationError) as caught:
        services.roles_validate_for_agency(roles=roles, agency=world_a.council)

    assert caught.value.message_dict == {"roles": [message]}


def test_membership_update_records_role_changes_with_labels(world_a):
    changes = services.membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=world_a.practitioner,
        agency=world_a.school,
        roles=[Role.PRACTITIONER, Role.AGENCY_LEAD],
        job_title="Designated safeguarding lead",
    )

    assert changes == {
        "job_title": {"from": "", "to": "Designated safeguarding lead"},
        "roles": {"from": ["Practitioner"], "to": ["Agency lead", "Practitioner"]},
    }
    assert world_a.practitioner.role_set == {Role.PRACTITIONER, Role.AGENCY_LEAD}
    entry = history_of(world_a.practitioner)[-1]
    assert entry.actor == world_a.bm
    assert entry.changes == changes
    [row] = history_rows_for_object(partnership=world_a.partnership, obj=world_a.practitioner)
    assert [(c.label, c.before, c.after) for c in row.field_changes] == [
        ("Job title", "(none)", "Designated safeguarding lead"),
        ("Roles", "Practitioner", "Agency lead, Practitioner"),
    ]


def test_membership_update_refuses_a_partner_lead_outside_the_statutory_agency(world_a):
    with pytest.raises(ValidationError) as caught:
        services.membership_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.health_lead,
            agency=world_a.school,
            roles=[Role.PARTNER_LEAD_HEALTH],
        )

    assert "must belong to the health statutory partner agency" in caught.value.message_dict["roles"][0]
    world_a.health_lead.refresh_from_db()
    assert world_a.health_lead.agency == world_a.icb
    assert history_of(world_a.health_lead) == []


def test_membership_update_refuses_another_partnerships_agency(world_a, world_b):
    with pytest.raises(ValidationError) as caught:
        services.membership_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.practitioner,
            agency=world_b.school,
            roles=[Role.PRACTITIONER],
        )

    assert caught.value.message_dict == {"agency": ["Choose one of this partnership's agencies."]}


def test_the_only_business_manager_cannot_drop_their_own_role(world_a):
    with pytest.raises(ValidationError) as caught:
        services.membership_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.business_manager,
            agency=world_a.council,
            roles=[Role.PRACTITIONER],
        )

    assert "at least one active business manager" in caught.value.messages[0]
    assert world_a.business_manager.role_set == {Role.BUSINESS_MANAGER}


def test_membership_deactivate_records_the_reason(world_a):
    services.membership_deactivate(
        partnership=world_a.partnership, actor=world_a.bm, membership=world_a.observer, reason="Left in March"
    )

    world_a.observer.refresh_from_db()
    assert world_a.observer.is_active is False
    assert world_a.observer.deactivated_at is not None
    entry = history_of(world_a.observer)[-1]
    assert entry.reason == "Left in March"
    assert entry.actor == world_a.bm
    assert entry.changes["is_active"] == {"from": True, "to": False}


def test_the_last_business_manager_cannot_be_deactivated(world_a):
    with pytest.raises(ValidationError) as caught:
        services.membership_deactivate(
            partnership=world_a.partnership, actor=world_a.bm, membership=world_a.business_manager
        )

    assert caught.value.messages == [
        "A partnership needs at least one active business manager. Give the role to someone else first."
    ]
    world_a.business_manager.refresh_from_db()
    assert world_a.business_manager.is_active is True


def test_a_business_manager_can_be_deactivated_when_another_remains(world_a):
    second = membership_make(partnership=world_a.partnership, agency=world_a.council, roles=[Role.BUSINESS_MANAGER])

    services.membership_deactivate(
        partnership=world_a.partnership, actor=second.person, membership=world_a.business_manager
    )

    world_a.business_manager.refresh_from_db()
    assert world_a.business_manager.is_active is False


def test_a_deactivated_business_manager_does_not_count_as_the_other_one(world_a):
    second = membership_make(partnership=world_a.partnership, agency=world_a.council, roles=[Role.BUSINESS_MANAGER])
    services.membership_deactivate(partnership=world_a.partnership, actor=world_a.bm, membership=second)

    with pytest.raises(ValidationError):
        services.membership_deactivate(
            partnership=world_a.partnership, actor=world_a.bm, membership=world_a.business_manager
        )


def test_membership_reactivate_restores_access_and_records_it(world_a):
    services.membership_deactivate(partnership=world_a.partnership, actor=world_a.bm, membership=world_a.observer)

    services.membership_reactivate(partnership=world_a.partnership, actor=world_a.bm, membership=world_a.observer)

    world_a.observer.refresh_from_db()
    assert world_a.observer.is_active is True
    assert world_a.observer.deactivated_at is None
    assert history_of(world_a.observer)[-1].changes["is_active"] == {"from": False, "to": True}


# --- Invitations -------------------------------------------------------------------


def invite(world, **overrides):
    fields = {
        "partnership": world.partnership,
        "actor": world.bm,
        "email": "New.Person@Example.org",
        "full_name": "New Person",
        "agency": world.school,
        "roles": [Role.PRACTITIONER],
    }
    fields.update(overrides)
    return services.invitation_create(**fields)


def test_invitation_create_saves_a_hash_and_emails_the_link_only_after_commit(
    world_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        invitation, token = invite(world_a)
        assert mail.outbox == []  # nothing leaves before the transaction commits

    assert len(callbacks) == 1
    assert invitation.email == "new.person@example.org"
    assert invitation.status == Invitation.Status.PENDING
    assert invitation.roles == [Role.PRACTITIONER]
    assert token not in invitation.token_hash
    assert invitation.expires_at > timezone.now() + timedelta(days=13)
    [message] = mail.outbox
    assert message.to == ["new.person@example.org"]
    assert services.invitation_url(token) in message.body
    assert "Alpha Safeguarding Partnership" in message.subject
    [entry] = history_of(invitation)
    assert entry.action == HistoryEntry.Action.CREATED
    assert entry.actor == world_a.bm


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "Enter an email address in the right format, like name@example.org."),
        ({"email": ""}, "email", "Enter an email address in the right format, like name@example.org."),
        ({"full_name": "   "}, "full_name", "Enter the person's full name."),
        ({"roles": []}, "roles", "Choose at least one role."),
        (
            {"roles": [Role.PARTNER_LEAD_POLICE]},
            "roles",
            "Partner lead (police) must belong to the police statutory partner agency; Alpha Primary School is not.",
        ),
    ],
)
def test_invitation_create_refuses_bad_input_and_sends_nothing(
    world_a, django_capture_on_commit_callbacks, overrides, field, message
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError) as caught:
        invite(world_a, **overrides)

    assert caught.value.message_dict[field] == [message]
    assert callbacks == []
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_invitation_create_refuses_a_second_pending_invitation_to_the_same_address(world_a):
    invite(world_a)

    with pytest.raises(ValidationError) as caught:
        invite(world_a, email="new.person@EXAMPLE.org")

    assert caught.value.message_dict["email"] == [
        "An invitation to this address is already waiting. Revoke it to send a new one."
    ]
    assert Invitation.objects.count() == 1


def test_invitation_create_refuses_someone_already_a_member(world_a):
    with pytest.raises(ValidationError) as caught:
        invite(world_a, email=world_a.practitioner.person.email.upper())

    assert caught.value.message_dict["email"] == ["This person is already a member of the partnership."]


def test_a_member_of_another_partnership_can_be_invited(world_a, world_b):
    invitation, _token = invite(world_a, email=world_b.practitioner.person.email)

    assert invitation.partnership == world_a.partnership


def test_invitation_create_refuses_another_partnerships_agency_and_an_inactive_one(world_a, world_b):
    with pytest.raises(ValidationError) as caught:
        invite(world_a, agency=world_b.school)
    assert caught.value.message_dict["agency"] == ["Choose one of this partnership's agencies."]

    world_a.school.is_active = False
    world_a.school.save()
    with pytest.raises(ValidationError) as caught:
        invite(world_a)
    assert caught.value.message_dict["agency"] == ["This agency is inactive; choose another or reactivate it."]


def test_invitation_revoke_withdraws_it_once_and_frees_the_address(world_a):
    invitation, _token = invite(world_a)

    services.invitation_revoke(partnership=world_a.partnership, actor=world_a.bm, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    entry = history_of(invitation)[-1]
    assert entry.actor == world_a.bm
    assert entry.changes == {"status": {"from": "Pending", "to": "Revoked"}}
    with pytest.raises(ValidationError, match=r"Only a pending invitation can be withdrawn\."):
        services.invitation_revoke(partnership=world_a.partnership, actor=world_a.bm, invitation=invitation)
    again, _token = invite(world_a)
    assert again.status == Invitation.Status.PENDING


def test_invitation_revoke_cannot_reach_another_partnerships_invitation(world_a, world_b):
    invitation, _token = invite(world_b)

    with pytest.raises(Invitation.DoesNotExist):
        services.invitation_revoke(partnership=world_a.partnership, actor=world_a.bm, invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_invitations_expire_stale_marks_only_old_pending_ones_and_is_idempotent(world_a, world_b):
    stale, _token = invite(world_a)
    fresh, _token = invite(world_b)
    Invitation.objects.filter(pk=stale.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    assert services.invitations_expire_stale() == 1
    assert services.invitations_expire_stale() == 0

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Invitation.Status.EXPIRED
    assert fresh.status == Invitation.Status.PENDING
    entry = history_of(stale)[-1]
    assert entry.actor is None
    assert entry.reason == "Expired unused"
    assert entry.partnership == world_a.partnership


def test_invitation_accept_turns_the_invitation_into_a_membership(world_a):
    invitation, token = invite(world_a)

    membership = services.invitation_accept(token=token, password="a-long-enough-passphrase-42")

    assert isinstance(membership, Membership)
    assert membership.partnership == world_a.partnership
    assert membership.role_set == {Role.PRACTITIONER}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
