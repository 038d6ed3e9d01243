"""The administration, "my tasks" and sign-off over the API: what the Settings, Members, My tasks and
sign-off pages do, with the same roles and tenancy; 400 with field errors, 409 on stale settings."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from partnership.models import ApiToken, ClosureDay, Deadline, HistoryEntry, Invitation, Membership, Nation, SignOff
from partnership.services import closure_day_add, invitation_create
from partnership.services.deadlines import deadline_set
from partnership.services.signoff import sign_off_request
from tests.factories import api_token_key, totp_device_make

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}


def url(world, name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def send(client, method: str, target: str, body: dict | None = None):
    return getattr(client, method)(target, data=json.dumps(body or {}), content_type="application/json")


# --- Settings -------------------------------------------------------------------------------------------


def test_a_business_manager_reads_and_changes_the_settings(world_a, client_for):
    client = client_for(world_a.bm)
    read = client.get(url(world_a, "settings")).json()
    assert read["nation"] == Nation.ENGLAND

    response = send(
        client,
        "patch",
        url(world_a, "settings"),
        {"nation": Nation.WALES, "reminder_working_days": 5, "updated_at": read["updated_at"]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["nation"] == Nation.WALES
    assert response.json()["reminder_working_days"] == 5
    assert response.json()["name"] == read["name"]  # left out: kept
    world_a.partnership.refresh_from_db()
    assert (world_a.partnership.nation, world_a.partnership.reminder_working_days) == (Nation.WALES, 5)
    assert HistoryEntry.objects.filter(partnership=world_a.partnership, actor=world_a.bm).exists()


def test_settings_changed_since_they_were_read_are_409_and_nothing_is_saved(world_a, client_for):
    client = client_for(world_a.bm)
    stale = client.get(url(world_a, "settings")).json()["updated_at"]
    changed = send(client, "patch", url(world_a, "settings"), {"reminder_working_days": 3, "updated_at": stale})
    assert changed.status_code == 200

    response = send(client, "patch", url(world_a, "settings"), {"nation": Nation.SCOTLAND, "updated_at": stale})

    assert response.status_code == 409
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.nation == Nation.ENGLAND


def test_settings_changed_without_a_version_are_428_and_nothing_is_saved(world_a, client_for):
    response = send(client_for(world_a.bm), "patch", url(world_a, "settings"), {"reminder_working_days": 3})

    assert response.status_code == 428
    assert "updated_at" in response.json()
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.reminder_working_days == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"nation": "XYZ"}, "nation"),
        ({"reminder_working_days": 11}, "reminder_working_days"),
        ({"reminder_working_days": "soon"}, "reminder_working_days"),
        ({"name": "   "}, "name"),
    ],
)
def test_bad_settings_are_400_with_the_field(world_a, client_for, body, field):
    client = client_for(world_a.bm)
    version = client.get(url(world_a, "settings")).json()["updated_at"]
    response = send(client, "patch", url(world_a, "settings"), {**body, "updated_at": version})

    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("who", ["la_lead", "practitioner", "scrutineer"])
def test_only_business_managers_see_or_change_the_settings(world_a, client_for, who):
    client = client_for(getattr(world_a, who).person)

    assert client.get(url(world_a, "settings")).status_code == 403
    assert send(client, "patch", url(world_a, "settings"), {"reminder_working_days": 1}).status_code == 403


def test_another_partnerships_business_manager_gets_404_for_settings(world_a, world_b, client_for):
    client = client_for(world_b.bm)

    assert client.get(url(world_a, "settings")).json() == NOT_FOUND
    assert send(client, "patch", url(world_a, "settings"), {"nation": Nation.WALES}).status_code == 404
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.nation == Nation.ENGLAND


# --- Closure days ---------------------------------------------------------------------------------------


def test_closure_days_are_listed_with_ids_added_and_removed(world_a, client_for):
    client = client_for(world_a.bm)

    created = send(client, "post", url(world_a, "closure_day_list"), {"date": "2030-12-24", "reason": "Winter"})
    assert created.status_code == 201, created.content
    day_id = created.json()["id"]
    listed = client.get(url(world_a, "closure_day_list")).json()
    assert listed["count"] == 1
    assert listed["results"] == [{"id": day_id, "date": "2030-12-24", "reason": "Winter"}]
    assert client.get(url(world_a, "partnership_detail")).json()["closure_days"][0]["id"] == day_id

    removed = client.delete(url(world_a, "closure_day_detail", closure_day_id=day_id))

    assert removed.status_code == 204
    assert not ClosureDay.objects.filter(pk=day_id).exists()
    assert client.get(url(world_a, "closure_day_detail", closure_day_id=day_id)).status_code == 404


def test_a_closure_day_moves_the_reminders_of_open_deadlines(world_a, client_for):
    # Due on a Friday, reminded two working days before (Wednesday); a closure on Thursday moves it to Tuesday.
    due = date(2030, 6, 14)
    deadline = deadline_set(
        partnership=world_a.partnership, subject=world_a.school, kind="test", title="T", due_on=due, assignee=world_a.bm
    )
    assert deadline.remind_on == date(2030, 6, 12)

    send(client_for(world_a.bm), "post", url(world_a, "closure_day_list"), {"date": "2030-06-13"})

    assert Deadline.objects.get(pk=deadline.pk).remind_on == date(2030, 6, 11)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "date"),
        ({"date": "24/12/2030"}, "date"),
        ({"date": "9999-12-31"}, "date"),
        ({"date": "2030-01-02", "reason": "x" * 201}, "reason"),
    ],
)
def test_a_bad_closure_day_is_400_with_the_field(world_a, client_for, body, field):
    response = send(client_for(world_a.bm), "post", url(world_a, "closure_day_list"), body)

    assert response.status_code == 400
    assert field in response.json()


def test_the_same_closure_day_twice_is_400(world_a, client_for):
    client = client_for(world_a.bm)
    send(client, "post", url(world_a, "closure_day_list"), {"date": "2030-12-24"})

    response = send(client, "post", url(world_a, "closure_day_list"), {"date": "2030-12-24"})

    assert response.status_code == 400
    assert "date" in response.json()


def test_any_member_reads_closure_days_but_only_business_managers_change_them(world_a, client_for):
    day = closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=date(2030, 1, 2))
    client = client_for(world_a.practitioner.person)

    assert client.get(url(world_a, "closure_day_list")).status_code == 200
    assert send(client, "post", url(world_a, "closure_day_list"), {"date": "2030-01-03"}).status_code == 403
    assert client.delete(url(world_a, "closure_day_detail", closure_day_id=day.pk)).status_code == 403
    assert ClosureDay.objects.filter(pk=day.pk).exists()


def test_another_partnerships_closure_day_is_404(world_a, world_b, client_for):
    day = closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=date(2030, 1, 2))
    client = client_for(world_b.bm)

    assert client.delete(url(world_b, "closure_day_detail", closure_day_id=day.pk)).json() == NOT_FOUND
    assert client.delete(url(world_a, "closure_day_detail", closure_day_id=day.pk)).json() == NOT_FOUND
    assert ClosureDay.objects.filter(pk=day.pk).exists()


# --- Invitations ----------------------------------------------------------------------------------------


def _invite(world, email: str = "newcomer@alpha.example") -> Invitation:
    invitation, _token = invitation_create(
        partnership=world.partnership,
        actor=world.bm,
        email=email,
        full_name="New Comer",
        agency=world.school,
        roles=["practitioner"],
    )
    return invitation


def test_a_business_manager_invites_lists_and_revokes(world_a, client_for, django_capture_on_commit_callbacks):
    client = client_for(world_a.bm)
    body = {
        "email": "Sam@Alpha.example",
        "full_name": "Sam Newcomer",
        "agency": world_a.school.pk,
        "roles": ["practitioner"],
    }

    with django_capture_on_commit_callbacks(execute=True):
        created = send(client, "post", url(world_a, "invitation_list"), body)

    assert created.status_code == 201, created.content
    data = created.json()
    assert (data["email"], data["status"], data["agency"]["id"]) == ("sam@alpha.example", "pending", world_a.school.pk)
    assert [m.to for m in mail.outbox] == [["sam@alpha.example"]]
    assert client.get(url(world_a, "invitation_list") + "?status=pending").json()["count"] == 1

    revoked = send(client, "post", url(world_a, "invitation_revoke", invitation_id=data["id"]))

    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert client.get(url(world_a, "invitation_list") + "?status=pending").json()["count"] == 0
    # Only a pending invitation can be withdrawn.
    again = send(client, "post", url(world_a, "invitation_revoke", invitation_id=data["id"]))
    assert again.status_code == 400
    assert "non_field_errors" in again.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "full_name": "X", "roles": ["practitioner"]}, "email"),
        ({"email": "x@alpha.example", "full_name": "", "roles": ["practitioner"]}, "full_name"),
        ({"email": "x@alpha.example", "full_name": "X", "roles": ["emperor"]}, "roles"),
        # A partner lead's role only for that statutory partner's agency.
        ({"email": "x@alpha.example", "full_name": "X", "roles": ["partner_lead_police"]}, "roles"),
    ],
)
def test_a_bad_invitation_is_400_with_the_field(world_a, client_for, body, field):
    response = send(
        client_for(world_a.bm), "post", url(world_a, "invitation_list"), {"agency": world_a.school.pk, **body}
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not Invitation.objects.exists()


def test_an_invitation_for_another_partnerships_agency_is_a_field_error(world_a, world_b, client_for):
    body = {"email": "x@alpha.example", "full_name": "X", "agency": world_b.school.pk, "roles": ["practitioner"]}

    response = send(client_for(world_a.bm), "post", url(world_a, "invitation_list"), body)

    assert response.status_code == 400
    assert "agency" in response.json()


@pytest.mark.parametrize("who", ["la_lead", "practitioner", "scrutineer", "agency_lead"])
def test_only_business_managers_handle_invitations(world_a, client_for, who):
    invitation = _invite(world_a)
    client = client_for(getattr(world_a, who).person)

    assert client.get(url(world_a, "invitation_list")).status_code == 403
    assert send(client, "post", url(world_a, "invitation_revoke", invitation_id=invitation.pk)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_another_partnerships_invitation_is_404(world_a, world_b, client_for):
    invitation = _invite(world_a)
    client = client_for(world_b.bm)

    assert client.get(url(world_b, "invitation_detail", invitation_id=invitation.pk)).json() == NOT_FOUND
    assert send(client, "post", url(world_b, "invitation_revoke", invitation_id=invitation.pk)).status_code == 404
    assert client.get(url(world_b, "invitation_list")).json()["count"] == 0
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


# --- A member's access ------------------------------------------------------------------------------------


def test_a_business_manager_deactivates_and_reactivates_a_member(world_a, client_for):
    client = client_for(world_a.bm)
    target = world_a.practitioner

    off = send(client, "post", url(world_a, "member_deactivate", membership_id=target.pk), {"reason": "Left"})
    assert off.status_code == 200
    assert off.json()["is_active"] is False
    assert client_for(target.person).get(url(world_a, "partnership_detail")).status_code == 404

    on = send(client, "post", url(world_a, "member_reactivate", membership_id=target.pk))
    assert on.json()["is_active"] is True
    assert client_for(target.person).get(url(world_a, "partnership_detail")).status_code == 200


def test_the_last_business_manager_cannot_be_deactivated(world_a, client_for):
    response = send(
        client_for(world_a.bm), "post", url(world_a, "member_deactivate", membership_id=world_a.business_manager.pk)
    )

    assert response.status_code == 400
    assert Membership.objects.get(pk=world_a.business_manager.pk).is_active


def test_a_too_long_reason_is_400(world_a, client_for):
    response = send(
        client_for(world_a.bm),
        "post",
        url(world_a, "member_deactivate", membership_id=world_a.practitioner.pk),
        {"reason": "x" * 501},
    )

    assert response.status_code == 400
    assert "reason" in response.json()
    assert Membership.objects.get(pk=world_a.practitioner.pk).is_active


def test_a_business_manager_resets_a_members_second_factor_and_token(world_a, client_for):
    person = world_a.la_lead.person
    totp_device_make(person)
    api_token_key(person)

    response = send(
        client_for(world_a.bm), "post", url(world_a, "member_reset_second_factor", membership_id=world_a.la_lead.pk)
    )

    assert response.status_code == 200
    assert response.json() == {"devices_removed": 1}
    assert not person.totpdevice_set.exists()
    assert not ApiToken.objects.filter(person=person, revoked_at__isnull=True).exists()
    own = send(
        client_for(world_a.bm),
        "post",
        url(world_a, "member_reset_second_factor", membership_id=world_a.business_manager.pk),
    )
    assert own.status_code == 400


@pytest.mark.parametrize("name", ["member_deactivate", "member_reactivate", "member_reset_second_factor"])
def test_member_actions_are_for_business_managers_of_this_partnership(world_a, world_b, client_for, name):
    target = world_a.practitioner.pk

    assert send(client_for(world_a.la_lead.person), "post", url(world_a, name, membership_id=target)).status_code == 403
    assert send(client_for(world_b.bm), "post", url(world_b, name, membership_id=target)).json() == NOT_FOUND
    assert Membership.objects.get(pk=target).is_active


# --- My tasks -------------------------------------------------------------------------------------------------


def test_my_tasks_are_the_callers_open_deadlines_earliest_first(world_a, world_b, client_for):
    today = timezone.localdate()
    for title, due, person in [
        ("Later", today + timedelta(days=20), world_a.practitioner.person),
        ("Overdue", today - timedelta(days=7), world_a.practitioner.person),
        ("Someone else's", today, world_a.la_lead.person),
    ]:
        deadline_set(
            partnership=world_a.partnership,
            subject=world_a.school,
            kind=title,
            title=title,
            due_on=due,
            assignee=person,
        )

    response = client_for(world_a.practitioner.person).get(url(world_a, "my_tasks"))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["title"], r["overdue"], r["assigned_to_you"]) for r in rows] == [
        ("Overdue", True, True),
        ("Later", False, True),
    ]
    assert rows[0]["working_days_overdue"] > 0
    # Another partnership's member sees none of them, and world_a's slug is a 404 to them.
    assert client_for(world_b.practitioner.person).get(url(world_b, "my_tasks")).json()["count"] == 0
    assert client_for(world_b.practitioner.person).get(url(world_a, "my_tasks")).json() == NOT_FOUND


def test_business_managers_also_get_the_deadlines_no_one_else_can_act_on(world_a, client_for):
    deadline_set(
        partnership=world_a.partnership, subject=world_a.school, kind="k", title="Nobody's", due_on=timezone.localdate()
    )

    rows = client_for(world_a.bm).get(url(world_a, "my_tasks")).json()["results"]

    assert [(r["title"], r["assigned_to_you"], r["assignee"]) for r in rows] == [("Nobody's", False, "")]
    assert client_for(world_a.practitioner.person).get(url(world_a, "my_tasks")).json()["count"] == 0


def test_my_tasks_runs_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    for n in range(12):
        deadline_set(
            partnership=world_a.partnership,
            subject=world_a.school,
            kind=f"k{n}",
            title=f"T{n}",
            due_on=timezone.localdate(),
            assignee=world_a.bm,
        )

    with django_assert_max_num_queries(8):
        assert client.get(url(world_a, "my_tasks")).json()["count"] == 12


# --- Sign-off ---------------------------------------------------------------------------------------------


def _sign_off(world) -> SignOff:
    return sign_off_request(partnership=world.partnership, actor=world.bm, subject=world.school)


def test_the_three_partner_leads_sign_off_over_the_api(world_a, client_for):
    sign_off = _sign_off(world_a)
    target = url(world_a, "sign_off", sign_off_id=sign_off.pk)
    read = client_for(world_a.la_lead.person).get(target).json()
    assert read["state"] == "awaiting"
    assert [(p["partner"], p["you_may_decide"]) for p in read["partners"]] == [
        ("local_authority", True),
        ("health", False),
        ("police", False),
    ]

    for who in ("la_lead", "health_lead", "police_lead"):
        response = send(
            client_for(getattr(world_a, who).person),
            "post",
            url(world_a, "sign_off_approve", sign_off_id=sign_off.pk),
            {"round": 1},
        )
        assert response.status_code == 200, response.content

    assert response.json()["state"] == "approved"
    assert SignOff.objects.get(pk=sign_off.pk).state == SignOff.State.APPROVED


def test_a_partner_lead_sends_back_with_a_comment(world_a, client_for):
    sign_off = _sign_off(world_a)
    target = url(world_a, "sign_off_send_back", sign_off_id=sign_off.pk)
    client = client_for(world_a.police_lead.person)

    assert send(client, "post", target, {"round": 1}).status_code == 400  # no comment
    response = send(client, "post", target, {"round": 1, "comment": "The chronology is incomplete."})

    assert response.status_code == 200
    assert response.json()["state"] == "sent_back"
    assert response.json()["history"][-1]["comment"] == "The chronology is incomplete."


def test_a_decision_on_a_stale_round_is_409(world_a, client_for):
    sign_off = _sign_off(world_a)

    response = send(
        client_for(world_a.la_lead.person),
        "post",
        url(world_a, "sign_off_approve", sign_off_id=sign_off.pk),
        {"round": 2},
    )

    assert response.status_code == 409
    assert SignOff.objects.get(pk=sign_off.pk).state == SignOff.State.AWAITING


@pytest.mark.parametrize(
    ("who", "read", "decide"), [("bm", 200, 403), ("scrutineer", 200, 403), ("practitioner", 403, 403)]
)
def test_sign_off_roles_are_the_pages(world_a, client_for, who, read, decide):
    sign_off = _sign_off(world_a)
    person = world_a.bm if who == "bm" else getattr(world_a, who).person
    client = client_for(person)

    assert client.get(url(world_a, "sign_off", sign_off_id=sign_off.pk)).status_code == read
    assert (
        send(client, "post", url(world_a, "sign_off_approve", sign_off_id=sign_off.pk), {"round": 1}).status_code
        == decide
    )


def test_another_partnerships_sign_off_is_404(world_a, world_b, client_for):
    sign_off = _sign_off(world_a)
    client = client_for(world_b.la_lead.person)

    assert client.get(url(world_b, "sign_off", sign_off_id=sign_off.pk)).json() == NOT_FOUND
    assert (
        send(client, "post", url(world_b, "sign_off_approve", sign_off_id=sign_off.pk), {"round": 1}).status_code == 404
    )
    assert SignOff.objects.get(pk=sign_off.pk).state == SignOff.State.AWAITING


def test_the_administration_lists_run_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    for n in range(8):
        _invite(world_a, email=f"invitee-{n}@alpha.example")
        closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=date(2030, 1, 2) + timedelta(days=n))
    client = client_for(world_a.bm)

    for name in ("invitation_list", "closure_day_list"):
        with django_assert_max_num_queries(7):
            assert client.get(url(world_a, name)).json()["count"] == 8


def test_an_unknown_invitation_status_filter_is_400(world_a, client_for):
    response = client_for(world_a.bm).get(url(world_a, "invitation_list") + "?status=lost")

    assert response.status_code == 400
    assert "status" in response.json()
