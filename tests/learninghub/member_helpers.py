"""Makers of the learning hub membership tests."""

from __future__ import annotations

from learninghub.models import HubRole
from learninghub.services.members import hub_membership_submit, hub_nomination_create, hub_nomination_shortlist
from partnership.models import SignOff
from partnership.selectors.signoff import sign_off_for_subject
from partnership.services.signoff import sign_off_approve

PARTNER_LEADS = ("la_lead", "health_lead", "police_lead")


def nominate(world, cycle, member, *, by=None, hub_role=HubRole.PRACTITIONER, agency=None):
    by = by or world.la_lead
    return hub_nomination_create(
        partnership=world.partnership,
        actor=by.person,
        membership=by,
        cycle=cycle,
        member_id=member.pk,
        hub_role=hub_role,
        agency_id=agency.pk if agency is not None else None,
        why="Knows the missing children protocol",
    )


def shortlist(world, nomination, *, yes=True, reason=""):
    return hub_nomination_shortlist(
        partnership=world.partnership,
        actor=world.bm,
        membership=world.business_manager,
        nomination=nomination,
        shortlist=yes,
        reason=reason,
    )


def submit(world, cycle):
    return hub_membership_submit(
        partnership=world.partnership, actor=world.bm, membership=world.business_manager, cycle=cycle
    )


def sign_off_of(world, round_) -> SignOff:
    return sign_off_for_subject(partnership=world.partnership, subject=round_)


def approve_by_all(world, round_) -> SignOff:
    sign_off = sign_off_of(world, round_)
    for lead in PARTNER_LEADS:
        sign_off = sign_off_approve(partnership=world.partnership, membership=getattr(world, lead), sign_off=sign_off)
    return sign_off
