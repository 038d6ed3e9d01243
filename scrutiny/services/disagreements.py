"""Professional disagreements: recorded, escalated stage by stage, resolved with the outcome and the learning.

Who acts: the business managers on any; an agency lead on those their agency is a party to; once a disagreement
reaches the independent scrutineer's stage, the scrutineer alone (the last stage of the procedure is theirs).
Others are refused with ``PermissionDenied``. Every write records history; escalating and resolving carry the
version the writer read (a stale one is refused with code ``stale``).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from partnership.models import Agency, Membership, Partnership, Person, Role
from partnership.services.history import _version_check, tenant_create, tenant_update
from partnership.services.states import refuse_unless_allowed, state_move
from scrutiny.models import DisagreementEscalation, DisagreementStage, ProfessionalDisagreement
from scrutiny.models.disagreements import STAGE_ORDER, no_child_identifiers

SUMMARY_MAX = 2000
TEXT_MAX = 4000
NOTE_MAX = 2000


def disagreement_may_act(*, membership: Membership, disagreement: ProfessionalDisagreement) -> bool:
    """Whether ``membership`` escalates or resolves this disagreement at the stage it has reached."""
    if disagreement.stage == DisagreementStage.SCRUTINEER:
        return membership.has_role(Role.SCRUTINEER)
    if membership.has_role(Role.BUSINESS_MANAGER):
        return True
    return membership.has_role(Role.AGENCY_LEAD) and membership.agency_id in (
        disagreement.raised_by_agency_id,
        disagreement.with_agency_id,
    )


def _refuse_unless_may_act(membership: Membership, disagreement: ProfessionalDisagreement) -> None:
    if not disagreement_may_act(membership=membership, disagreement=disagreement):
        if disagreement.stage == DisagreementStage.SCRUTINEER:
            raise PermissionDenied("At the scrutineer's stage only the independent scrutineer acts on it.")
        raise PermissionDenied("Only the business managers and the two agencies' leads act on this disagreement.")


def _clean_text(value: str, *, field: str, limit: int, required: str | None, errors: dict) -> str:
    value = (value or "").strip()
    if not value and required:
        errors[field] = [required]
    elif len(value) > limit:
        errors[field] = [f"Use at most {limit} characters (you used {len(value)})."]
    return value


def _clean_day(day, *, field: str, today: date, not_before: date | None, before_what: str, errors: dict) -> None:
    if not isinstance(day, date):
        errors[field] = ["Enter a real date."]
    elif day > today:
        errors[field] = ["The date cannot be in the future."]
    elif not_before is not None and day < not_before:
        errors[field] = [f"The date cannot be before {before_what} ({not_before:%-d %B %Y})."]


@transaction.atomic
def disagreement_record(
    *,
    partnership: Partnership,
    actor: Person | None,
    membership: Membership,
    raised_by_agency_id: int,
    with_agency_id: int,
    raised_on: date,
    subject_summary: str,
    today: date,
) -> ProfessionalDisagreement:
    """Record a disagreement at the practitioner stage. Field errors: the agencies (of this partnership, not the
    same), ``raised_on`` (not in the future), ``subject_summary`` (required; nothing identifying a child). An agency
    lead records only those their agency is a party to, and no one else but a business manager records one
    (``PermissionDenied``)."""
    if not membership.has_role(Role.BUSINESS_MANAGER, Role.AGENCY_LEAD):
        raise PermissionDenied("The business managers and agency leads record disagreements.")
    errors: dict[str, list[str]] = {}
    agencies = {
        a.pk: a
        for a in Agency.objects.in_partnership(partnership).filter(
            pk__in=[raised_by_agency_id or 0, with_agency_id or 0]
        )
    }
    if raised_by_agency_id not in agencies:
        errors["raised_by_agency_id"] = ["Choose the agency that raised it."]
    if with_agency_id not in agencies:
        errors["with_agency_id"] = ["Choose the agency it was raised with."]
    elif raised_by_agency_id == with_agency_id:
        errors["with_agency_id"] = ["Choose another agency: a disagreement is between two agencies."]
    summary = _clean_text(
        subject_summary,
        field="subject_summary",
        limit=SUMMARY_MAX,
        required="Say what the agencies disagree about.",
        errors=errors,
    )
    if "subject_summary" not in errors:
        try:
            no_child_identifiers(summary)
        except ValidationError as exc:
            errors["subject_summary"] = exc.messages
    _clean_day(raised_on, field="raised_on", today=today, not_before=None, before_what="", errors=errors)
    if errors:
        raise ValidationError(errors)
    if not membership.has_role(Role.BUSINESS_MANAGER) and membership.agency_id not in (
        raised_by_agency_id,
        with_agency_id,
    ):
        raise PermissionDenied("An agency lead records the disagreements their own agency is a party to.")
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=ProfessionalDisagreement(
            partnership=partnership,
            raised_by_agency=agencies[raised_by_agency_id],
            with_agency=agencies[with_agency_id],
            raised_on=raised_on,
            subject_summary=summary,
            created_by=actor,
        ),
    )


def _lock(*, partnership: Partnership, disagreement: ProfessionalDisagreement) -> ProfessionalDisagreement:
    locked = (
        ProfessionalDisagreement.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .filter(pk=disagreement.pk)
        .first()
    )
    if locked is None:
        raise ValueError(f"No disagreement {disagreement.pk} in this partnership.")
    return locked


def _last_moved_on(*, partnership: Partnership, disagreement: ProfessionalDisagreement) -> date:
    last = (
        DisagreementEscalation.objects.in_partnership(partnership)
        .filter(disagreement=disagreement)
        .order_by("-escalated_on")
        .values_list("escalated_on", flat=True)
        .first()
    )
    return last or disagreement.raised_on


@transaction.atomic
def disagreement_escalate(
    *,
    partnership: Partnership,
    actor: Person | None,
    membership: Membership,
    disagreement: ProfessionalDisagreement,
    to_stage: str,
    escalated_on: date,
    note: str,
    today: date,
    expected_updated_at: datetime | None = None,
) -> ProfessionalDisagreement:
    """Take an open disagreement up to a later stage, dated, with a note (one escalation row and the history).

    Refused: a resolved one; a stage not after the current one (``to_stage``); a date in the future or before the
    last move (``escalated_on``); no note."""
    locked = _lock(partnership=partnership, disagreement=disagreement)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this disagreement")
    _refuse_unless_may_act(membership, locked)
    if locked.state != ProfessionalDisagreement.State.OPEN:
        raise ValidationError("This disagreement is resolved: it cannot be escalated.", code="closed")
    errors: dict[str, list[str]] = {}
    if to_stage not in STAGE_ORDER or STAGE_ORDER.index(to_stage) <= STAGE_ORDER.index(locked.stage):
        errors["to_stage"] = ["Choose a stage after the one it has reached."]
    note = _clean_text(note, field="note", limit=NOTE_MAX, required="Say why it is escalated.", errors=errors)
    last = _last_moved_on(partnership=partnership, disagreement=locked)
    _clean_day(
        escalated_on, field="escalated_on", today=today, not_before=last, before_what="its last move", errors=errors
    )
    if errors:
        raise ValidationError(errors)
    DisagreementEscalation.objects.create(
        partnership=partnership,
        disagreement=locked,
        from_stage=locked.stage,
        to_stage=to_stage,
        escalated_on=escalated_on,
        note=note,
        created_by=actor,
    )
    tenant_update(partnership=partnership, actor=actor, instance=locked, data={"stage": to_stage}, reason=note)
    return locked


@transaction.atomic
def disagreement_resolve(
    *,
    partnership: Partnership,
    actor: Person | None,
    membership: Membership,
    disagreement: ProfessionalDisagreement,
    resolved_on: date,
    outcome: str,
    learning: str = "",
    today: date,
    expected_updated_at: datetime | None = None,
) -> ProfessionalDisagreement:
    """Resolve an open disagreement (``state_move``): the date (not in the future, not before its last move), the
    outcome (required) and what was learnt."""
    locked = _lock(partnership=partnership, disagreement=disagreement)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this disagreement")
    _refuse_unless_may_act(membership, locked)
    refuse_unless_allowed(locked, ProfessionalDisagreement.State.RESOLVED)
    errors: dict[str, list[str]] = {}
    outcome = _clean_text(outcome, field="outcome", limit=TEXT_MAX, required="Say how it was resolved.", errors=errors)
    learning = _clean_text(learning, field="learning", limit=TEXT_MAX, required=None, errors=errors)
    last = _last_moved_on(partnership=partnership, disagreement=locked)
    _clean_day(
        resolved_on, field="resolved_on", today=today, not_before=last, before_what="its last move", errors=errors
    )
    if errors:
        raise ValidationError(errors)
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=ProfessionalDisagreement.State.RESOLVED,
        fields={"resolved_on": resolved_on, "outcome": outcome, "learning": learning},
    )
