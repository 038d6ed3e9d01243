"""Writes of serious incident notifications, their children, and the log of who saw a child's identity.

A child's name, date of birth and address are encrypted at rest and never go
into history rows, emails, deadline titles or ``str()``: only the pseudonym
("Child A") does. ``child_identity_reveal`` is the only way to read them, and
it writes an ``IdentityView`` row per child each time. Business managers
correct them (``child_identity_update``) and add children to a recorded
incident (``child_add``); history then says which fields changed, never what
they were or became.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from partnership.models import Agency, HistoryEntry, Membership, Partnership, Person
from partnership.references import reference_next, reference_prefix
from partnership.selectors import working_day_calendar
from partnership.services import _version_check, history_record, tenant_update
from partnership.working_days import FIRST_YEAR, LAST_YEAR
from reviews.models import (
    MAX_CHILDREN_PER_INCIDENT,
    Child,
    HarmOutcome,
    IdentityView,
    SeriousIncident,
)
from reviews.selectors.incidents import identity_editor_allowed, identity_viewer_allowed
from reviews.services.rapid_review import rapid_review_open, rapid_review_reschedule

# Lengths of the encrypted identity fields (the columns are unbounded ciphertext; these bound the plaintext).
CHILD_NAME_MAX_LENGTH = 200
CHILD_ADDRESS_MAX_LENGTH = 1000
REFERENCE_MAX_LENGTH = SeriousIncident._meta.get_field("reference").max_length
SUMMARY_MAX_LENGTH = SeriousIncident._meta.get_field("summary").max_length
PSEUDONYMS = ("Child A", "Child B", "Child C", "Child D")

TOO_MANY_CHILDREN = "A serious incident notification can name at most four children."
NO_CHILDREN = "Name at least one child."
NOTIFIED_BEFORE_AWARE = "The Panel cannot have been notified before the local authority became aware."
NOTIFIED_BEFORE_INCIDENT = "The Panel cannot have been notified before the incident happened."
AWARE_BEFORE_INCIDENT = "The local authority cannot have become aware before the incident happened."


# --- Validation ---------------------------------------------------------------------------


def _date_errors(*, incident_on: date, la_aware_on: date, panel_notified_on: date, today: date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, value, what in (
        ("incident_on", incident_on, "The date of the incident"),
        ("la_aware_on", la_aware_on, "The date the local authority became aware"),
        ("panel_notified_on", panel_notified_on, "The date the Panel was notified"),
    ):
        if not isinstance(value, date):
            errors[name] = [f"{what} must be a real date."]
        elif value > today:
            errors[name] = [f"{what} cannot be in the future."]
        elif not FIRST_YEAR <= value.year <= LAST_YEAR:
            errors[name] = [f"{what} must be between {FIRST_YEAR} and {LAST_YEAR}."]
    if errors:
        return errors
    if la_aware_on < incident_on:
        errors["la_aware_on"] = [AWARE_BEFORE_INCIDENT]
    if panel_notified_on < incident_on:
        errors["panel_notified_on"] = [NOTIFIED_BEFORE_INCIDENT]
    elif panel_notified_on < la_aware_on:
        errors["panel_notified_on"] = [NOTIFIED_BEFORE_AWARE]
    return errors


def _agencies_clean(
    *, partnership: Partnership, referring_agency: Agency | None, agencies: Iterable[Agency], errors: dict
) -> list[Agency]:
    """The agencies involved, the referrer always among them; other partnerships' agencies refused."""
    chosen = list({a.pk: a for a in agencies}.values())
    if referring_agency is None:
        errors["referring_agency"] = ["Choose the agency that made the referral."]
    elif referring_agency.partnership_id != partnership.pk:
        errors["referring_agency"] = ["Choose one of this partnership's agencies."]
    if any(a.partnership_id != partnership.pk for a in chosen):
        errors["agencies"] = ["Choose only this partnership's agencies."]
    if referring_agency is not None and referring_agency.pk not in {a.pk for a in chosen}:
        # The referrer is involved by definition, and must be told the outcome like the rest.
        chosen.append(referring_agency)
    return sorted(chosen, key=lambda a: a.name)


def _children_clean(*, children: list[Mapping[str, Any]], incident_on: date | None, today: date, errors: dict) -> list:
    if len(children) > MAX_CHILDREN_PER_INCIDENT:
        errors["children"] = [TOO_MANY_CHILDREN]
        return []
    if not children:
        errors["children"] = [NO_CHILDREN]
        return []
    return [
        _child_clean(child=child, incident_on=incident_on, today=today, errors=errors, prefix=f"children.{i}.")
        for i, child in enumerate(children)
    ]


def _child_clean(
    *, child: Mapping[str, Any], incident_on: date | None, today: date, errors: dict, prefix: str = ""
) -> dict[str, Any]:
    """One child's identity, trimmed; each refusal under ``<prefix><field>`` (``children.0.name`` when recording)."""
    name = (child.get("name") or "").strip()
    address = (child.get("address") or "").strip()
    born = child.get("date_of_birth") or None
    if not name:
        errors[f"{prefix}name"] = ["Enter the child's name."]
    elif len(name) > CHILD_NAME_MAX_LENGTH:
        errors[f"{prefix}name"] = [f"Use at most {CHILD_NAME_MAX_LENGTH} characters (you used {len(name)})."]
    if len(address) > CHILD_ADDRESS_MAX_LENGTH:
        errors[f"{prefix}address"] = [f"Use at most {CHILD_ADDRESS_MAX_LENGTH} characters (you used {len(address)})."]
    if isinstance(born, str):
        try:
            born = date.fromisoformat(born)
        except ValueError:
            errors[f"{prefix}date_of_birth"] = ["Enter a real date of birth, for example 2015-03-27."]
            born = None
    if isinstance(born, datetime):
        born = born.date()
    if born is not None:
        if born > today:
            errors[f"{prefix}date_of_birth"] = ["The date of birth cannot be in the future."]
        elif isinstance(incident_on, date) and born > incident_on:
            errors[f"{prefix}date_of_birth"] = ["The date of birth cannot be after the incident."]
    return {"name": name, "date_of_birth": born, "address": address}


def _summary_clean(summary: str, errors: dict) -> str:
    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX_LENGTH:
        errors["summary"] = [f"Use at most {SUMMARY_MAX_LENGTH} characters (you used {len(summary)})."]
    return summary


def _next_reference(*, partnership: Partnership, year: int) -> str:
    """The next reference of the partnership's own series (its pattern, in Settings)."""
    pattern = partnership.incident_reference_pattern
    taken = (
        SeriousIncident.objects.in_partnership(partnership)
        .filter(reference__istartswith=reference_prefix(pattern, year=year))
        .values_list("reference", flat=True)
    )
    return reference_next(pattern, year=year, taken=taken)


def _reference_clean(*, partnership: Partnership, reference: str, incident_id: int | None, errors: dict) -> str:
    reference = reference.strip()
    if len(reference) > REFERENCE_MAX_LENGTH:
        errors["reference"] = [f"Use at most {REFERENCE_MAX_LENGTH} characters."]
    elif (
        SeriousIncident.objects.in_partnership(partnership)
        .filter(reference__iexact=reference)
        .exclude(pk=incident_id)
        .exists()
    ):
        errors["reference"] = [f"Another incident already has the reference {reference}."]
    return reference


# --- Recording and editing -------------------------------------------------------------------


@transaction.atomic
def incident_record(
    *,
    partnership: Partnership,
    actor: Person,
    reference: str | None = None,
    incident_on: date,
    la_aware_on: date,
    panel_notified_on: date,
    outcome: str,
    child_looked_after: bool = False,
    summary: str = "",
    referring_agency: Agency,
    agencies: Iterable[Agency] = (),
    children: list[Mapping[str, Any]],
    today: date | None = None,
) -> SeriousIncident:
    """Record a serious incident notification, its children, and open its rapid review.

    Guarantees: everything is checked before anything is written, and a refusal
    is a ``ValidationError`` keyed by field (``children.<i>.<field>`` for a
    child's field) so nothing entered is lost: dates in order (incident, then
    the local authority aware, then the Panel notified), none in the future;
    one to four children; agencies of this partnership only, the referring agency
    always among them. The working days from aware to notified are counted on
    the partnership's calendar (more than 5 shows as late). The reference is
    ``SI-<year of notification>-<nnn>`` unless one is given, unique per
    partnership. Children are named Child A to D in order; their identities are
    stored encrypted and kept out of history. The rapid review opens with its
    milestones and deadlines (``rapid_review_open``).
    """
    today = today or timezone.localdate()
    # One recording at a time per partnership: the next SI-<year>-<nnn> is read, then taken.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    errors = _date_errors(
        incident_on=incident_on, la_aware_on=la_aware_on, panel_notified_on=panel_notified_on, today=today
    )
    if outcome not in HarmOutcome.values:
        errors["outcome"] = ["Choose death or serious harm."]
    summary = _summary_clean(summary, errors)
    chosen = _agencies_clean(
        partnership=partnership, referring_agency=referring_agency, agencies=agencies, errors=errors
    )
    clean_children = _children_clean(
        children=list(children),
        incident_on=incident_on if "incident_on" not in errors else None,
        today=today,
        errors=errors,
    )
    if reference:
        reference = _reference_clean(partnership=partnership, reference=reference, incident_id=None, errors=errors)
    if errors:
        raise ValidationError(errors)

    calendar = working_day_calendar(partnership=partnership)
    incident = SeriousIncident(
        partnership=partnership,
        reference=reference or _next_reference(partnership=partnership, year=panel_notified_on.year),
        incident_on=incident_on,
        la_aware_on=la_aware_on,
        panel_notified_on=panel_notified_on,
        notification_working_days=calendar.working_days_between(la_aware_on, panel_notified_on),
        outcome=outcome,
        child_looked_after=bool(child_looked_after),
        summary=summary,
        referring_agency=referring_agency,
        recorded_by=actor,
    )
    incident.full_clean(exclude=["agencies"])
    incident.save()
    incident.agencies.set(chosen)
    history_record(
        partnership=partnership,
        actor=actor,
        instance=incident,
        action=HistoryEntry.Action.CREATED,
        changes={
            **{name: {"from": None, "to": value} for name, value in _incident_snapshot(incident).items()},
            "agencies": {"from": None, "to": [a.name for a in chosen]},
        },
    )
    for position, child in enumerate(clean_children, start=1):
        _child_create(partnership=partnership, actor=actor, incident=incident, position=position, **child)
    rapid_review_open(partnership=partnership, actor=actor, incident=incident, calendar=calendar)
    return incident


def _incident_snapshot(incident: SeriousIncident) -> dict[str, Any]:
    return {
        "reference": incident.reference,
        "incident_on": incident.incident_on.isoformat(),
        "la_aware_on": incident.la_aware_on.isoformat(),
        "panel_notified_on": incident.panel_notified_on.isoformat(),
        "notification_working_days": incident.notification_working_days,
        "outcome": incident.get_outcome_display(),
        "child_looked_after": incident.child_looked_after,
        "summary": incident.summary,
        "referring_agency": incident.referring_agency.name,
    }


def _child_create(
    *,
    partnership: Partnership,
    actor: Person,
    incident: SeriousIncident,
    position: int,
    name: str,
    date_of_birth: date | None,
    address: str,
) -> Child:
    child = Child(
        partnership=partnership,
        incident=incident,
        position=position,
        pseudonym=PSEUDONYMS[position - 1],
        name=name,
        date_of_birth=date_of_birth.isoformat() if date_of_birth else "",
        address=address,
    )
    child.full_clean()
    child.save()
    # Not tenant_create: its snapshot would copy the decrypted identity into the history table in clear.
    history_record(
        partnership=partnership,
        actor=actor,
        instance=child,
        action=HistoryEntry.Action.CREATED,
        changes={
            "pseudonym": {"from": None, "to": child.pseudonym},
            "incident": {"from": None, "to": incident.reference},
        },
        reason="Identity recorded encrypted; not shown in history.",
    )
    return child


@transaction.atomic
def incident_update(
    *,
    partnership: Partnership,
    actor: Person,
    incident: SeriousIncident,
    incident_on: date,
    la_aware_on: date,
    panel_notified_on: date,
    outcome: str,
    child_looked_after: bool,
    summary: str,
    referring_agency: Agency,
    agencies: Iterable[Agency],
    reference: str | None = None,
    expected_updated_at: datetime | None = None,
    today: date | None = None,
) -> dict[str, dict[str, Any]]:
    """Change an incident's facts. Returns the changes (empty: nothing was written).

    Guarantees: with ``expected_updated_at``, a change made from a read older
    than the incident's last save is refused (code ``stale``) and nothing is
    written; the same checks as ``incident_record``; a new awareness or
    notification date recounts the working days to notify; a new notification
    date recomputes the rapid review's milestones and moves their deadlines and
    the open requests' due dates (``rapid_review_reschedule``). One history row
    for the incident, the agencies' change included.
    """
    today = today or timezone.localdate()
    # References are checked then taken: one change at a time per partnership, as when recording.
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    incident = (
        SeriousIncident.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("referring_agency")
        .get(pk=incident.pk)
    )
    _version_check(instance=incident, expected_updated_at=expected_updated_at, what="this incident")
    errors = _date_errors(
        incident_on=incident_on, la_aware_on=la_aware_on, panel_notified_on=panel_notified_on, today=today
    )
    if outcome not in HarmOutcome.values:
        errors["outcome"] = ["Choose death or serious harm."]
    summary = _summary_clean(summary, errors)
    chosen = _agencies_clean(
        partnership=partnership, referring_agency=referring_agency, agencies=agencies, errors=errors
    )
    if reference is not None:
        if not reference.strip():
            errors["reference"] = ["Enter a reference."]
        else:
            reference = _reference_clean(
                partnership=partnership, reference=reference, incident_id=incident.pk, errors=errors
            )
    if not errors:
        # Children's dates of birth must still come before the incident.
        earliest_allowed = incident_on
        born = Child.objects.in_partnership(partnership).filter(incident=incident).only("pseudonym", "date_of_birth")
        for child in born:
            if child.date_of_birth and date.fromisoformat(child.date_of_birth) > earliest_allowed:
                errors["incident_on"] = [f"{child.pseudonym} was born after this date."]
                break
    if errors:
        raise ValidationError(errors)

    calendar = working_day_calendar(partnership=partnership)
    old_notified_on = incident.panel_notified_on
    before_agencies = sorted(incident.agencies.values_list("name", flat=True))
    after_agencies = [a.name for a in chosen]
    data: dict[str, Any] = {
        "incident_on": incident_on,
        "la_aware_on": la_aware_on,
        "panel_notified_on": panel_notified_on,
        "notification_working_days": calendar.working_days_between(la_aware_on, panel_notified_on),
        "outcome": outcome,
        "child_looked_after": bool(child_looked_after),
        "summary": summary,
        "referring_agency": referring_agency,
    }
    if reference is not None:
        data["reference"] = reference
    extra = {"agencies": {"from": before_agencies, "to": after_agencies}} if before_agencies != after_agencies else {}
    changes = tenant_update(partnership=partnership, actor=actor, instance=incident, data=data, extra_changes=extra)
    if extra:
        incident.agencies.set(chosen)
        if set(changes) == {"agencies"}:
            # Only the agencies changed: the incident's version must still move on.
            incident.save(update_fields=["updated_at"])
    if panel_notified_on != old_notified_on:
        review = incident.rapid_review
        rapid_review_reschedule(partnership=partnership, actor=actor, rapid_review=review, calendar=calendar)
    return changes


# --- Identities ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildIdentity:
    """A child's identity, decrypted for one viewer who is allowed it."""

    child_id: int
    incident_id: int
    position: int
    pseudonym: str
    name: str
    date_of_birth: date | None
    address: str

    def __str__(self) -> str:
        # Even a stray str() of an identity shows the pseudonym, never the name.
        return self.pseudonym


@transaction.atomic
def child_identity_reveal(
    *,
    partnership: Partnership,
    viewer_membership: Membership,
    context: str,
    child: Child | None = None,
    incident: SeriousIncident | None = None,
) -> list[ChildIdentity]:
    """Children's identities for a viewer allowed them, each view logged; nothing for anyone else.

    Give either ``child`` or ``incident`` (all its children). Only business
    managers and partner leads of this partnership (an active membership of it)
    are allowed: they get the decrypted identities, and one ``IdentityView`` row
    per child (who, when, ``context``: where it was shown) is written in the
    same transaction, before the caller can show them. Anyone else gets an empty
    list and nothing is written.
    """
    if (child is None) == (incident is None):
        raise ValueError("Give exactly one of child or incident.")
    if (
        viewer_membership.partnership_id != partnership.pk
        or not viewer_membership.is_active
        or not identity_viewer_allowed(membership=viewer_membership)
    ):
        return []
    rows = Child.objects.in_partnership(partnership)
    rows = rows.filter(pk=child.pk) if child is not None else rows.filter(incident=incident)
    identities = [
        ChildIdentity(
            child_id=c.pk,
            incident_id=c.incident_id,
            position=c.position,
            pseudonym=c.pseudonym,
            name=c.name,
            date_of_birth=date.fromisoformat(c.date_of_birth) if c.date_of_birth else None,
            address=c.address,
        )
        for c in rows.order_by("position")
    ]
    now = timezone.now()
    IdentityView.objects.bulk_create(
        [
            IdentityView(
                partnership=partnership,
                child_id=i.child_id,
                viewer_id=viewer_membership.person_id,
                viewed_at=now,
                context=context[:100],
            )
            for i in identities
        ]
    )
    return identities


# --- Correcting identities, adding children ----------------------------------------------------


class Keep(Enum):
    """An identity field a correction leaves as it is (an API ``PATCH`` that does not send it)."""

    KEEP = "keep"


KEEP = Keep.KEEP
IDENTITY_FIELDS = ("name", "date_of_birth", "address")
# What history shows for an identity field that changed: that it changed, never the value before or after.
IDENTITY_NOT_SHOWN = "(encrypted, not shown)"
IDENTITY_CORRECTED_REASON = "Identity corrected; the values are encrypted and not shown in history."
ONLY_MANAGERS_EDIT_IDENTITIES = "Only business managers can correct children's identities or add children."


def _require_identity_editor(*, partnership: Partnership, actor: Person) -> None:
    if not identity_editor_allowed(partnership=partnership, person=actor):
        raise PermissionDenied(ONLY_MANAGERS_EDIT_IDENTITIES)


def _incident_lock(*, partnership: Partnership, incident_id: int) -> SeriousIncident:
    # As incident_update does: a child's date of birth and the incident's date are checked against each
    # other, so one change at a time to an incident and its children; and the next position is read, then taken.
    return SeriousIncident.objects.in_partnership(partnership).select_for_update().get(pk=incident_id)


@transaction.atomic
def child_identity_update(
    *,
    partnership: Partnership,
    actor: Person,
    child: Child,
    name: str | Keep = KEEP,
    date_of_birth: date | Keep | None = KEEP,
    address: str | Keep = KEEP,
    expected_updated_at: datetime | None = None,
    today: date | None = None,
) -> dict[str, dict[str, str]]:
    """Correct a child's name, date of birth or address. Returns the changes (empty: nothing was written).

    Guarantees: business managers of the partnership only (``PermissionDenied``
    for anyone else); with ``expected_updated_at``, a correction made from a
    read older than the child's last save is refused (code ``stale``) and
    nothing is written; the same checks as recording (a name, lengths, a date
    of birth neither in the future nor after the incident), refused as a
    ``ValidationError`` keyed ``name``, ``date_of_birth``, ``address``. A field
    left as ``KEEP`` keeps its value; ``date_of_birth=None`` clears it. Only the
    fields that changed are encrypted and written again. One history row says
    which fields changed and never their values, before or after.
    """
    _require_identity_editor(partnership=partnership, actor=actor)
    today = today or timezone.localdate()
    incident = _incident_lock(partnership=partnership, incident_id=child.incident_id)
    locked = Child.objects.in_partnership(partnership).select_for_update().get(pk=child.pk, incident=incident)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what=f"{locked.pseudonym}'s identity")
    wanted = {
        field: getattr(locked, field) if value is KEEP else value
        for field, value in (("name", name), ("date_of_birth", date_of_birth), ("address", address))
    }
    errors: dict[str, list[str]] = {}
    clean = _child_clean(child=wanted, incident_on=incident.incident_on, today=today, errors=errors)
    if errors:
        raise ValidationError(errors)
    stored = {**clean, "date_of_birth": clean["date_of_birth"].isoformat() if clean["date_of_birth"] else ""}
    changed = [field for field in IDENTITY_FIELDS if getattr(locked, field) != stored[field]]
    if not changed:
        return {}
    for field in changed:
        setattr(locked, field, stored[field])
    locked.full_clean()
    locked.save(update_fields=[*changed, "updated_at"])
    # Not tenant_update: its changes would copy the decrypted identity, before and after, into history in clear.
    changes = {field: {"from": IDENTITY_NOT_SHOWN, "to": IDENTITY_NOT_SHOWN} for field in changed}
    history_record(
        partnership=partnership,
        actor=actor,
        instance=locked,
        action=HistoryEntry.Action.UPDATED,
        changes=changes,
        reason=IDENTITY_CORRECTED_REASON,
    )
    return changes


@transaction.atomic
def child_add(
    *,
    partnership: Partnership,
    actor: Person,
    incident: SeriousIncident,
    name: str,
    date_of_birth: date | None,
    address: str,
    today: date | None = None,
) -> Child:
    """Add a child to a recorded incident, with the next pseudonym (Child B after Child A...).

    Guarantees: business managers of the partnership only (``PermissionDenied``
    for anyone else); an incident names four children at most, a fifth is
    refused with ``TOO_MANY_CHILDREN`` (code ``too_many_children``); the same
    checks as recording, keyed ``name``, ``date_of_birth``, ``address``. The
    identity is stored encrypted and kept out of history: the child's history
    row and the incident's ("Children: Child A → Child A, Child B") name
    pseudonyms only.
    """
    _require_identity_editor(partnership=partnership, actor=actor)
    today = today or timezone.localdate()
    incident = _incident_lock(partnership=partnership, incident_id=incident.pk)
    existing = list(
        Child.objects.in_partnership(partnership)
        .filter(incident=incident)
        .order_by("position")
        .values_list("position", "pseudonym")
    )
    if len(existing) >= MAX_CHILDREN_PER_INCIDENT:
        raise ValidationError(TOO_MANY_CHILDREN, code="too_many_children")
    errors: dict[str, list[str]] = {}
    clean = _child_clean(
        child={"name": name, "date_of_birth": date_of_birth, "address": address},
        incident_on=incident.incident_on,
        today=today,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    position = max((p for p, _ in existing), default=0) + 1
    child = _child_create(partnership=partnership, actor=actor, incident=incident, position=position, **clean)
    before = [pseudonym for _, pseudonym in existing]
    history_record(
        partnership=partnership,
        actor=actor,
        instance=incident,
        action=HistoryEntry.Action.UPDATED,
        changes={"children": {"from": before, "to": [*before, child.pseudonym]}},
    )
    return child


__all__ = [
    "AWARE_BEFORE_INCIDENT",
    "CHILD_ADDRESS_MAX_LENGTH",
    "CHILD_NAME_MAX_LENGTH",
    "IDENTITY_NOT_SHOWN",
    "KEEP",
    "NOTIFIED_BEFORE_AWARE",
    "NOTIFIED_BEFORE_INCIDENT",
    "NO_CHILDREN",
    "ONLY_MANAGERS_EDIT_IDENTITIES",
    "PSEUDONYMS",
    "TOO_MANY_CHILDREN",
    "ChildIdentity",
    "Keep",
    "child_add",
    "child_identity_reveal",
    "child_identity_update",
    "incident_record",
    "incident_update",
]
