"""Sign-off by a set of approvers: by default the local authority, health and police leads each approve.

Reusable by anything that needs it (rapid-review decisions now,
recommendations later): the thing signed off is a generic ``subject``, and
each sign-off keeps the set of approvers it was requested from (the three
statutory partners, a board, a head and a governor, a hub's members...).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils import timezone

from partnership.models import Membership, Person, Role, StatutoryPartner, TenantModel


@dataclass(frozen=True)
class Approver:
    """One place in a sign-off's set of approvers: someone must approve for it in every round.

    A member may decide for it when they match everything it names: a
    ``role`` they hold (and, with ``agency_id``, in that agency), or exactly
    ``person_id``. ``key`` is unique within the set and is what each decision
    records (``SignOffAction.partner``); for the statutory set it is the
    partner (``local_authority``, ``health``, ``police``).
    """

    key: str
    label: str
    role: str = ""
    agency_id: int | None = None
    person_id: int | None = None

    def __post_init__(self) -> None:
        if not self.key or len(self.key) > 60:
            raise ValueError("An approver needs a key of at most 60 characters.")
        if not (self.role or self.person_id):
            raise ValueError(f"The approver “{self.label}” names neither a role nor a person.")
        if self.role and self.role not in Role.values:
            raise ValueError(f"Unknown role: {self.role}.")

    def admits(self, membership: Membership) -> bool:
        """Whether this active member may decide for this place."""
        if not membership.is_active:
            return False
        if self.person_id is not None and membership.person_id != self.person_id:
            return False
        if self.role and not membership.has_role(self.role):
            return False
        return self.agency_id is None or membership.agency_id == self.agency_id

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "role": self.role,
            "agency_id": self.agency_id,
            "person_id": self.person_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Approver:
        return cls(
            key=data["key"],
            label=data["label"],
            role=data.get("role", ""),
            agency_id=data.get("agency_id"),
            person_id=data.get("person_id"),
        )

    @classmethod
    def person(cls, person: Person, *, label: str = "") -> Approver:
        """A named person as an approver (a head teacher, a governor, a member of a hub)."""
        return cls(key=f"person:{person.pk}", label=label or str(person), person_id=person.pk)


# The default set, and the rule for rapid review decisions (and recommendations): the three statutory partners'
# leads, in the order every page lists them.
STATUTORY_APPROVERS: tuple[Approver, ...] = (
    Approver(
        key=StatutoryPartner.LOCAL_AUTHORITY,
        label=StatutoryPartner.LOCAL_AUTHORITY.label,
        role=Role.PARTNER_LEAD_LOCAL_AUTHORITY,
    ),
    Approver(key=StatutoryPartner.HEALTH, label=StatutoryPartner.HEALTH.label, role=Role.PARTNER_LEAD_HEALTH),
    Approver(key=StatutoryPartner.POLICE, label=StatutoryPartner.POLICE.label, role=Role.PARTNER_LEAD_POLICE),
)


def statutory_approvers_json() -> list[dict[str, Any]]:
    return [a.as_json() for a in STATUTORY_APPROVERS]


class SignOff(TenantModel):
    """The sign-off of one subject. Complete only when every approver of its set has approved the current round.

    A send-back by any approver ends the round; when the subject is resubmitted
    a new round starts and every approver decides again.
    """

    class State(models.TextChoices):
        AWAITING = "awaiting", "Awaiting sign-off"
        SENT_BACK = "sent_back", "Sent back"
        APPROVED = "approved", "Signed off by all three partners"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="sign_offs")
    subject_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    state = models.CharField(max_length=10, choices=State.choices, default=State.AWAITING)
    # The approvers of the current round (``Approver.as_json`` each), as the request named them.
    approvers = models.JSONField(default=statutory_approvers_json)
    round = models.PositiveSmallIntegerField(default=1)
    requested_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "subject_type", "subject_id"], name="one_sign_off_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"Sign-off of {self.subject_type.model} {self.subject_id}"

    # All models carry this table; partnership.services.states.state_move checks it. An approved sign-off is final.
    ALLOWED_MOVES: dict[str, frozenset[str]] = {
        State.AWAITING: frozenset({State.APPROVED, State.SENT_BACK}),
        State.SENT_BACK: frozenset({State.AWAITING}),
        State.APPROVED: frozenset(),
    }

    @property
    def approver_set(self) -> tuple[Approver, ...]:
        return tuple(Approver.from_json(a) for a in self.approvers)

    @property
    def is_statutory(self) -> bool:
        """Whether the approvers are the three statutory partners (pages and emails then say so)."""
        return self.approver_set == STATUTORY_APPROVERS

    def approver_label(self, key: str) -> str:
        return next((a.label for a in self.approver_set if a.key == key), key)


class SignOffAction(TenantModel):
    """One partner lead's approval or send-back, in one round. Never edited: this is the history."""

    class Action(models.TextChoices):
        REQUESTED = "requested", "Requested sign-off"
        APPROVED = "approved", "Approved"
        SENT_BACK = "sent_back", "Sent back"

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="+")
    sign_off = models.ForeignKey(SignOff, on_delete=models.CASCADE, related_name="actions")
    round = models.PositiveSmallIntegerField()
    # The approver decided for (``Approver.key``: the partner, for the statutory set); empty for "requested".
    partner = models.CharField(max_length=60, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    actor = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    comment = models.TextField(blank=True, max_length=4000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            # A partner decides once per round: a second click (or two tabs) cannot approve twice.
            models.UniqueConstraint(
                fields=["sign_off", "round", "partner"],
                condition=models.Q(action__in=["approved", "sent_back"]),
                name="one_decision_per_partner_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.partner or 'business manager'}, round {self.round})"

    @property
    def approver_label(self) -> str:
        """Who this decision was for, as people read it ("Health", "Head teacher"); the sign-off must be loaded."""
        return self.sign_off.approver_label(self.partner) if self.partner else ""
