"""Learning hub membership: nominations by the partners, the business manager's shortlist, the partners'
sign-off, confirmed members invited with their letter and information pack (a PDF read back here)."""

from __future__ import annotations

import itertools
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from pypdf import PdfReader

from learninghub.models import HubCycle, HubMembershipRound, HubNomination, HubRole
from learninghub.services.cycles import hub_cycle_move
from learninghub.services.members import (
    LETTER_KIND,
    hub_membership_submit,
    hub_nomination_create,
    hub_nomination_shortlist,
    hub_nomination_withdraw,
)
from partnership.models import Document, DocumentVersion, HistoryEntry, Role, SignOff
from partnership.selectors.documents import document_version_pdf_pieces
from partnership.services.documents import document_render_version
from partnership.services.signoff import sign_off_approve, sign_off_send_back
from partnership.services.states import state_move
from tests.factories import membership_make
from tests.learninghub.helpers import cycle_make
from tests.learninghub.member_helpers import approve_by_all, nominate, shortlist, sign_off_of, submit
from tests.mail_backends import outbox_to

pytestmark = pytest.mark.django_db
State = HubNomination.State


@pytest.fixture
def cycle(world_a):
    return cycle_make(world_a)


# --- Nominating ------------------------------------------------------------------------------------------------


def test_a_partner_lead_nominates_a_member_for_their_agency_with_a_role_in_the_hub(world_a, cycle):
    nomination = nominate(world_a, cycle, world_a.practitioner, hub_role=HubRole.MANAGER)
    assert nomination.state == State.NOMINATED
    assert nomination.agency == world_a.school  # the member's own agency by default
    assert nomination.hub_role == HubRole.MANAGER
    assert nomination.nominated_by == world_a.la_lead.person
    assert HistoryEntry.objects.filter(object_id=str(nomination.pk), action=HistoryEntry.Action.CREATED).exists()


@pytest.mark.parametrize("nominator", ["business_manager", "la_lead", "health_lead", "police_lead", "agency_lead"])
def test_the_partners_agency_leads_and_business_managers_nominate(world_a, cycle, nominator):
    nomination = nominate(world_a, cycle, world_a.practitioner, by=getattr(world_a, nominator))
    assert nomination.pk


@pytest.mark.parametrize("role", ["practitioner", "scrutineer", "lay_member", "observer"])
def test_other_roles_do_not_nominate(world_a, cycle, role):
    with pytest.raises(PermissionDenied):
        nominate(world_a, cycle, world_a.practitioner, by=getattr(world_a, role))
    assert not HubNomination.objects.exists()


def test_an_agency_lead_nominates_people_of_their_own_agency_only(world_a, cycle):
    with pytest.raises(ValidationError) as exc:
        nominate(world_a, cycle, world_a.scrutineer, by=world_a.agency_lead)  # the council's
    assert "member_id" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        nominate(world_a, cycle, world_a.practitioner, by=world_a.agency_lead, agency=world_a.police)
    assert "agency_id" in exc.value.message_dict


def test_another_partnerships_member_or_agency_is_refused_as_unknown(world_a, world_b, cycle):
    with pytest.raises(ValidationError) as exc:
        nominate(world_a, cycle, world_b.practitioner)
    assert exc.value.message_dict["member_id"] == ["Choose a member of this partnership."]
    with pytest.raises(ValidationError) as exc:
        nominate(world_a, cycle, world_a.practitioner, agency=world_b.school)
    assert exc.value.message_dict["agency_id"] == ["Choose one of this partnership's agencies."]
    with pytest.raises(ValidationError) as exc:
        hub_nomination_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.business_manager,
            cycle=cycle,
            member_id=987654,
            hub_role="chair",
        )
    assert set(exc.value.message_dict) == {"member_id", "hub_role"}


def test_an_inactive_member_is_not_nominated(world_a, cycle):
    gone = membership_make(partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER])
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError) as exc:
        nominate(world_a, cycle, gone)
    assert "member_id" in exc.value.message_dict


def test_a_person_is_nominated_once_per_cycle_unless_withdrawn(world_a, cycle):
    first = nominate(world_a, cycle, world_a.practitioner)
    with pytest.raises(ValidationError) as exc:
        nominate(world_a, cycle, world_a.practitioner, by=world_a.health_lead)
    assert exc.value.message_dict["member_id"] == ["This person has already been nominated for this cycle."]
    hub_nomination_withdraw(
        partnership=world_a.partnership, actor=world_a.la_lead.person, membership=world_a.la_lead, nomination=first
    )
    again = nominate(world_a, cycle, world_a.practitioner, by=world_a.health_lead)
    assert again.state == State.NOMINATED


def test_a_closed_cycle_takes_no_nominations(world_a, cycle):
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=HubCycle.State.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        nominate(world_a, cycle, world_a.practitioner)


def test_a_too_long_why_is_refused(world_a, cycle):
    with pytest.raises(ValidationError) as exc:
        hub_nomination_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.business_manager,
            cycle=cycle,
            member_id=world_a.practitioner.pk,
            hub_role=HubRole.PRACTITIONER,
            why="x" * 2001,
        )
    assert "why" in exc.value.message_dict


# --- Every move of the table, allowed and refused --------------------------------------------------------------

ALL_MOVES = list(itertools.product(State.values, State.values))


@pytest.mark.parametrize(("current", "to"), ALL_MOVES)
def test_the_kernel_helper_allows_exactly_the_tables_moves(world_a, cycle, current, to):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    HubNomination.objects.filter(pk=nomination.pk).update(state=current)
    nomination.refresh_from_db()
    allowed = to in HubNomination.ALLOWED_MOVES[current]
    if allowed:
        state_move(partnership=world_a.partnership, actor=world_a.bm, instance=nomination, to=to)
        assert HubNomination.objects.get(pk=nomination.pk).state == to
    else:
        with pytest.raises(ValidationError) as exc:
            state_move(partnership=world_a.partnership, actor=world_a.bm, instance=nomination, to=to)
        assert exc.value.code == "refused_move"
        assert HubNomination.objects.get(pk=nomination.pk).state == current


@pytest.mark.parametrize("current", State.values)
@pytest.mark.parametrize("yes", [True, False])
def test_shortlisting_and_declining_move_only_as_the_table_allows(world_a, cycle, current, yes):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    HubNomination.objects.filter(pk=nomination.pk).update(state=current)
    to = State.SHORTLISTED if yes else State.DECLINED
    if to in HubNomination.ALLOWED_MOVES[current]:
        moved = shortlist(world_a, nomination, yes=yes, reason="" if yes else "Already on two hubs")
        assert moved.state == to
        assert moved.decline_reason == ("" if yes else "Already on two hubs")
    else:
        with pytest.raises(ValidationError) as exc:
            shortlist(world_a, nomination, yes=yes, reason="Because")
        assert exc.value.code == "refused_move"
        assert "cannot be" in exc.value.messages[0]


@pytest.mark.parametrize("current", State.values)
def test_withdrawing_moves_only_as_the_table_allows(world_a, cycle, current):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    HubNomination.objects.filter(pk=nomination.pk).update(state=current)
    kwargs = {"partnership": world_a.partnership, "actor": world_a.bm, "membership": world_a.business_manager}
    if State.WITHDRAWN in HubNomination.ALLOWED_MOVES[current]:
        assert hub_nomination_withdraw(**kwargs, nomination=nomination).state == State.WITHDRAWN
    else:
        with pytest.raises(ValidationError):
            hub_nomination_withdraw(**kwargs, nomination=nomination)


def test_a_decline_needs_a_reason_and_a_declined_nomination_can_be_reconsidered(world_a, cycle):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    with pytest.raises(ValidationError) as exc:
        shortlist(world_a, nomination, yes=False, reason="  ")
    assert "reason" in exc.value.message_dict
    shortlist(world_a, nomination, yes=False, reason="Already on the exploitation hub")
    assert HubNomination.objects.get(pk=nomination.pk).state == State.DECLINED
    moved = shortlist(world_a, nomination)
    assert (moved.state, moved.decline_reason) == (State.SHORTLISTED, "")


@pytest.mark.parametrize("role", ["la_lead", "agency_lead", "practitioner", "scrutineer"])
def test_only_business_managers_shortlist(world_a, cycle, role):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    member = getattr(world_a, role)
    with pytest.raises(PermissionDenied):
        hub_nomination_shortlist(
            partnership=world_a.partnership,
            actor=member.person,
            membership=member,
            nomination=nomination,
            shortlist=True,
        )


def test_a_nomination_is_withdrawn_by_whoever_made_it_or_a_business_manager(world_a, cycle):
    nomination = nominate(world_a, cycle, world_a.practitioner, by=world_a.health_lead)
    with pytest.raises(PermissionDenied):
        hub_nomination_withdraw(
            partnership=world_a.partnership,
            actor=world_a.la_lead.person,
            membership=world_a.la_lead,
            nomination=nomination,
        )
    moved = hub_nomination_withdraw(
        partnership=world_a.partnership,
        actor=world_a.health_lead.person,
        membership=world_a.health_lead,
        nomination=nomination,
        reason="Changed jobs",
    )
    assert moved.state == State.WITHDRAWN


# --- Submitting the shortlist, and the partners' sign-off -----------------------------------------------------


def _shortlisted(world, cycle):
    one = nominate(world, cycle, world.practitioner)
    two = nominate(world, cycle, world.scrutineer, hub_role=HubRole.MANAGER, by=world.health_lead)
    declined = nominate(world, cycle, world.lay_member, by=world.police_lead)
    shortlist(world, one)
    shortlist(world, two)
    shortlist(world, declined, yes=False, reason="Not a practitioner")
    return one, two, declined


@pytest.mark.parametrize("role", ["la_lead", "agency_lead", "practitioner"])
def test_only_business_managers_submit_the_shortlist(world_a, cycle, role):
    _shortlisted(world_a, cycle)
    member = getattr(world_a, role)
    with pytest.raises(PermissionDenied):
        hub_membership_submit(partnership=world_a.partnership, actor=member.person, membership=member, cycle=cycle)


def test_nothing_shortlisted_is_nothing_to_submit(world_a, cycle):
    nominate(world_a, cycle, world_a.practitioner)
    with pytest.raises(ValidationError, match="Shortlist at least one"):
        submit(world_a, cycle)
    assert not HubMembershipRound.objects.exists()


def test_submitting_puts_the_shortlist_to_the_three_partners(world_a, cycle, django_capture_on_commit_callbacks):
    one, two, declined = _shortlisted(world_a, cycle)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        round_ = submit(world_a, cycle)
    states = dict(HubNomination.objects.values_list("pk", "state"))
    assert states == {one.pk: State.SUBMITTED, two.pk: State.SUBMITTED, declined.pk: State.DECLINED}
    sign_off = sign_off_of(world_a, round_)
    assert sign_off.state == SignOff.State.AWAITING
    assert sign_off.is_statutory
    for lead in ("la-lead", "health-lead", "police-lead"):
        assert "2 nominees" in outbox_to(f"{lead}@alpha.example")[0].body
    with pytest.raises(ValidationError, match="already awaiting"):
        submit(world_a, cycle)


def test_signed_off_members_are_confirmed_and_invited_with_their_letter(
    world_a, cycle, django_capture_on_commit_callbacks
):
    one, two, declined = _shortlisted(world_a, cycle)
    round_ = submit(world_a, cycle)
    mail.outbox.clear()
    sign_off = sign_off_of(world_a, round_)
    sign_off_approve(partnership=world_a.partnership, membership=world_a.la_lead, sign_off=sign_off)
    assert HubNomination.objects.get(pk=one.pk).state == State.SUBMITTED  # two of three still to decide
    sign_off = sign_off_of(world_a, round_)
    with django_capture_on_commit_callbacks(execute=True):
        for lead in ("health_lead", "police_lead"):
            sign_off = sign_off_approve(
                partnership=world_a.partnership, membership=getattr(world_a, lead), sign_off=sign_off
            )
    assert sign_off.state == SignOff.State.APPROVED
    confirmed = HubNomination.objects.filter(state=State.CONFIRMED)
    assert set(confirmed.values_list("pk", flat=True)) == {one.pk, two.pk}
    assert all(n.confirmed_at for n in confirmed)
    assert HubNomination.objects.get(pk=declined.pk).state == State.DECLINED

    invitation = outbox_to("practitioner@alpha.example")
    assert len(invitation) == 1
    assert "you are a member of the learning hub" in invitation[0].subject
    assert "as a practitioner for Alpha Primary School" in invitation[0].body
    document = Document.objects.get(subject_id=one.pk, kind=LETTER_KIND)
    version = DocumentVersion.objects.get(document=document)
    assert f"/documents/{version.pk}/" in invitation[0].body
    assert not outbox_to("lay@alpha.example")  # declined: not invited

    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY
    pdf = b"".join(document_version_pdf_pieces(partnership=world_a.partnership, version_id=version.pk))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)
    assert "Dear Alpha Practitioner" in text
    assert cycle.title in text
    assert "Missing children and exploitation" in text  # the priority
    assert "Fewer repeat missing episodes" in text  # its success measures
    assert "Month 1: scoping" in text  # the phases and their dates
    assert "28 January 2027" in text
    assert "Terms of reference" in text
    assert "Alpha Scrutineer" in text  # the hub's members
    assert "preparing the delivery plan" in text  # none started yet


def test_the_letter_carries_the_delivery_plan_as_it_stands(world_a, cycle, django_capture_on_commit_callbacks):
    from tests.learninghub.plan_helpers import figure_add, measure_add, plan_make

    _cycle, plan = plan_make(world_a, cycle=cycle)
    figure_add(world_a, plan, period="2025-26 Q1", value="40")
    figure_add(world_a, plan, period="2025-26 Q2", value="35")
    measure_add(world_a, plan, title="Half the repeat missing episodes by March")
    one, _two, _declined = _shortlisted(world_a, cycle)
    round_ = submit(world_a, cycle)
    with django_capture_on_commit_callbacks(execute=True):
        sign_off = sign_off_of(world_a, round_)
        for lead in ("la_lead", "health_lead", "police_lead"):
            sign_off = sign_off_approve(
                partnership=world_a.partnership, membership=getattr(world_a, lead), sign_off=sign_off
            )
    version = DocumentVersion.objects.get(document__subject_id=one.pk, document__kind=LETTER_KIND)
    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY
    pdf = b"".join(document_version_pdf_pieces(partnership=world_a.partnership, version_id=version.pk))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages)
    assert "The delivery plan" in text
    assert "Repeat missing episodes (episodes)" in text
    assert "2025-26 Q1 2025-26 Q2" in text  # the periods as columns
    assert "40 35" in text
    assert "Success and impact measure" in text
    assert "Half the repeat missing episodes by March" in text
    assert "preparing the delivery plan" not in text


def test_sent_back_returns_the_shortlist_and_resubmitting_is_the_next_round(world_a, cycle):
    one, two, _ = _shortlisted(world_a, cycle)
    round_ = submit(world_a, cycle)
    sign_off_send_back(
        partnership=world_a.partnership,
        membership=world_a.police_lead,
        sign_off=sign_off_of(world_a, round_),
        comment="No one from the police",
    )
    assert set(HubNomination.objects.filter(pk__in=[one.pk, two.pk]).values_list("state", flat=True)) == {
        State.SHORTLISTED
    }
    three = nominate(world_a, cycle, world_a.police_lead, by=world_a.police_lead, hub_role=HubRole.MANAGER)
    shortlist(world_a, three)
    again = submit(world_a, cycle)
    assert again == round_
    sign_off = sign_off_of(world_a, round_)
    assert (sign_off.state, sign_off.round) == (SignOff.State.AWAITING, 2)
    approve_by_all(world_a, round_)
    assert HubNomination.objects.filter(state=State.CONFIRMED).count() == 3


def test_a_new_shortlist_after_sign_off_is_a_new_round(world_a, cycle):
    _shortlisted(world_a, cycle)
    first = submit(world_a, cycle)
    approve_by_all(world_a, first)
    late = nominate(world_a, cycle, world_a.agency_lead)
    shortlist(world_a, late)
    second = submit(world_a, cycle)
    assert second != first
    approve_by_all(world_a, second)
    assert HubNomination.objects.get(pk=late.pk).state == State.CONFIRMED


def test_a_closed_cycles_shortlist_cannot_be_signed_off(world_a, cycle):
    _shortlisted(world_a, cycle)
    round_ = submit(world_a, cycle)
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=HubCycle.State.WITHDRAWN)
    with pytest.raises(ValidationError, match="no longer in progress"):
        sign_off_approve(
            partnership=world_a.partnership, membership=world_a.la_lead, sign_off=sign_off_of(world_a, round_)
        )


def test_the_findings_report_lists_the_members_once_signed_off(world_a, cycle):
    from learninghub.report_sections import report_sections_for

    _shortlisted(world_a, cycle)
    assert "hub_members" not in [s.key for s in report_sections_for(cycle)]
    approve_by_all(world_a, submit(world_a, cycle))
    section = next(s for s in report_sections_for(cycle) if s.key == "hub_members")
    assert section.paragraphs == (
        "2 members from 2 agencies, signed off by the partners: 1 practitioner and 1 manager.",
    )
    assert section.tables[0].rows == (
        ("Alpha Scrutineer", "Alpha Council", "Manager"),
        ("Alpha Practitioner", "Alpha Primary School", "Practitioner"),
    )
