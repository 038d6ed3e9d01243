"""Membership of a learning hub cycle: the partners' nominations, the business manager's shortlist, the board's
sign-off.

Seed 000: "Three safeguarding partners put forward nominations for membership of the Learning Hub according to
the priority being considered and agree a shortlist; the full Partnership Board reviews and signs off the
membership", then "an introductory letter and information pack is sent to the Learning Hub members".

A nomination names a member of the partnership, the agency they represent and their place in the hub
(practitioner or manager). The business manager shortlists or declines it, then puts the shortlist to the three
partners in a ``HubMembershipRound``: the subject of one kernel sign-off. Signed off, each nomination of the round
is confirmed and its member invited with their letter; sent back, each returns to the shortlist.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from learninghub.models.cycles import HubCycle
from partnership.models import Agency, Membership, Partnership, SubjectModel, TenantModel


class HubRole(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"


class HubMembershipRound(SubjectModel, TenantModel):
    """One shortlist put to the partners for sign-off; resubmitted after a send-back as the sign-off's next round."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="membership_rounds")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "created_at", "id"]
        verbose_name = "learning hub membership sign-off"

    def __str__(self) -> str:
        return f"Membership of {self.cycle.title}"[:200]


class HubNomination(SubjectModel, TenantModel):
    """A member of the partnership put forward for one cycle's hub, by a partner."""

    class State(models.TextChoices):
        NOMINATED = "nominated", "Nominated"
        SHORTLISTED = "shortlisted", "Shortlisted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        SUBMITTED = "submitted", "Awaiting sign-off"
        CONFIRMED = "confirmed", "Confirmed member"

    # Declined is not final: the business manager may reconsider. A sent-back round returns its nominations to the
    # shortlist. Confirmed and withdrawn are closing states.
    ALLOWED_MOVES = {
        State.NOMINATED: frozenset({State.SHORTLISTED, State.DECLINED, State.WITHDRAWN}),
        State.SHORTLISTED: frozenset({State.DECLINED, State.WITHDRAWN, State.SUBMITTED}),
        State.DECLINED: frozenset({State.SHORTLISTED}),
        State.SUBMITTED: frozenset({State.CONFIRMED, State.SHORTLISTED}),
        State.CONFIRMED: frozenset(),
        State.WITHDRAWN: frozenset(),
    }

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(HubCycle, on_delete=models.CASCADE, related_name="nominations")
    member = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    hub_role = models.CharField(max_length=20, choices=HubRole.choices)
    why = models.TextField(blank=True, default="")
    state = models.CharField(max_length=12, choices=State.choices, default=State.NOMINATED)
    decline_reason = models.TextField(blank=True, default="")
    round = models.ForeignKey(
        HubMembershipRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="nominations"
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "created_at", "id"]
        verbose_name = "learning hub nomination"
        constraints = [
            # A person is put forward once per cycle (a withdrawn nomination may be made again).
            models.UniqueConstraint(
                fields=["cycle", "member"], condition=~Q(state="withdrawn"), name="hub_nomination_once_per_cycle"
            ),
        ]

    def __str__(self) -> str:
        person = self.member.person
        return f"{person.full_name or person.email} ({self.get_hub_role_display().lower()})"[:200]
