"""Invitations and deadlines made many at once (a self-assessment cycle's 535 schools): the same rows, history
and emails as one at a time, all or nothing, in queries that do not grow with the number."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from partnership.models import Deadline, HistoryEntry, Invitation, OutboundEmail, Role
from partnership.services.deadlines import DeadlineItem, deadline_set, deadlines_create_many
from partnership.services.invitations import Invitee, invitation_for_token, invitations_create_many

pytestmark = pytest.mark.django_db


def invitees(world, count: int, *, start: int = 0) -> list[Invitee]:
    return [
        Invitee(email=f"Lead{n}@School.example", full_name=f"Lead {n}", agency=world.school, roles=(Role.AGENCY_LEAD,))
        for n in range(start, start + count)
    ]


def test_many_invitations_are_made_like_one(world_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        made = invitations_create_many(partnership=world_a.partnership, actor=world_a.bm, invitees=invitees(world_a, 3))

    assert [i.email for i in made] == [f"lead{n}@school.example" for n in range(3)]  # addresses kept lower-case
    assert all(i.status == Invitation.Status.PENDING and i.roles == [Role.AGENCY_LEAD] for i in made)
    assert all(i.invited_by == world_a.bm and i.expires_at > made[0].created_at for i in made)
    history = HistoryEntry.objects.in_partnership(world_a.partnership).filter(content_type__model="invitation")
    assert sorted(int(h.object_id) for h in history) == sorted(i.pk for i in made)
    assert all(h.action == HistoryEntry.Action.CREATED and h.actor == world_a.bm for h in history)
    emails = [e for e in OutboundEmail.objects.order_by("pk") if e.to[0].endswith("@school.example")]
    assert [e.to for e in emails] == [[i.email] for i in made]
    # Each email carries its own working link: the token's hash is what was stored.
    token = emails[1].body.split("/invitation/")[1].split("/")[0]
    assert invitation_for_token(token=token) == made[1]
    assert len(callbacks) == 1  # the worker is asked only once the rows are committed


def test_one_refused_invitee_refuses_them_all_and_says_who(world_a, world_b):
    invitations_create_many(partnership=world_a.partnership, actor=world_a.bm, invitees=invitees(world_a, 1))
    batch = [
        *invitees(world_a, 2),  # lead0 is waiting already
        Invitee(email="not an address", full_name="X", agency=world_a.school, roles=(Role.AGENCY_LEAD,)),
        Invitee(email="bm@alpha.example", full_name="BM", agency=world_a.school, roles=(Role.AGENCY_LEAD,)),
        Invitee(email="other@x.example", full_name="Other", agency=world_b.school, roles=(Role.AGENCY_LEAD,)),
        Invitee(email="lead@x.example", full_name="Lead", agency=world_a.school, roles=(Role.PARTNER_LEAD_POLICE,)),
        Invitee(email="twice@x.example", full_name="Twice", agency=world_a.school, roles=(Role.AGENCY_LEAD,)),
        Invitee(email="Twice@x.example", full_name="Twice", agency=world_a.school, roles=(Role.AGENCY_LEAD,)),
    ]
    before = Invitation.objects.in_partnership(world_a.partnership).count()

    with pytest.raises(ValidationError) as refused:
        invitations_create_many(partnership=world_a.partnership, actor=world_a.bm, invitees=batch)

    problems = refused.value.message_dict["invitees"]
    assert any(p.startswith("lead0@school.example: an invitation") for p in problems)
    assert any(p.startswith("not an address:") for p in problems)
    assert any(p.startswith("bm@alpha.example: already a member") for p in problems)
    assert any(p.startswith("other@x.example: choose one of this partnership's") for p in problems)
    assert any(p.startswith("lead@x.example: Partner lead (police) must belong") for p in problems)
    assert any(p.startswith("twice@x.example: invited twice") for p in problems)
    assert Invitation.objects.in_partnership(world_a.partnership).count() == before  # nothing half-made


def test_invitations_take_the_same_queries_for_three_or_thirty(world_a, django_assert_max_num_queries):
    invitations_create_many(partnership=world_a.partnership, actor=world_a.bm, invitees=invitees(world_a, 1))
    with django_assert_max_num_queries(12) as few:
        invitations_create_many(
            partnership=world_a.partnership, actor=world_a.bm, invitees=invitees(world_a, 3, start=1)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        invitations_create_many(
            partnership=world_a.partnership, actor=world_a.bm, invitees=invitees(world_a, 30, start=4)
        )
    assert Invitation.objects.in_partnership(world_a.partnership).count() == 34


def test_deadlines_made_many_at_once_match_one_made_alone(world_a, world_b):
    due = date(2027, 1, 29)
    alone = deadline_set(partnership=world_a.partnership, subject=world_a.council, kind="k", title="Alone", due_on=due)
    made = deadlines_create_many(
        partnership=world_a.partnership,
        kind="k",
        due_on=due,
        items=[
            (world_a.council, "Kept as it was", None),  # has one already: unchanged
            (world_a.icb, "ICB return", world_a.health_lead.person),
            DeadlineItem(world_a.police, "Police return", assignee_role=Role.PARTNER_LEAD_POLICE),
        ],
    )

    assert made == 2
    deadlines = {d.subject_id: d for d in Deadline.objects.in_partnership(world_a.partnership).filter(kind="k")}
    assert deadlines[world_a.council.pk].title == "Alone"
    assert deadlines[world_a.icb.pk].remind_on == alone.remind_on  # the same calendar, computed once
    assert deadlines[world_a.icb.pk].assignee == world_a.health_lead.person
    assert deadlines[world_a.police.pk].state == Deadline.State.OPEN
    assert (deadlines[world_a.police.pk].assignee, deadlines[world_a.police.pk].assignee_role) == (
        None,
        Role.PARTNER_LEAD_POLICE,
    )
    with pytest.raises(ValueError, match="another partnership"):  # never across partnerships
        deadlines_create_many(partnership=world_a.partnership, kind="k", due_on=due, items=[(world_b.icb, "X", None)])
    with pytest.raises(ValidationError):
        deadlines_create_many(partnership=world_a.partnership, kind="k", due_on=due, items=[(world_a.icb, " ", None)])
    # A role that is no role is refused, one deadline or many, and nothing is written.
    with pytest.raises(ValidationError, match="assignee_role"):
        deadlines_create_many(
            partnership=world_a.partnership,
            kind="k",
            due_on=due,
            items=[DeadlineItem(world_a.school, "School return", assignee_role="chief")],
        )
    with pytest.raises(ValidationError, match="assignee_role"):
        deadline_set(
            partnership=world_a.partnership,
            subject=world_a.school,
            kind="k",
            title="S",
            due_on=due,
            assignee_role="chief",
        )
    assert not Deadline.objects.in_partnership(world_a.partnership).filter(subject_id=world_a.school.pk).exists()
