"""A cycle's findings and what follows: commissioned case audits (from month 2), findings by learning theme,
draft recommendations the hub agrees (month 4) and the success measures compared at the impact review.

Every write names its partnership and records history; a cycle that is closed or withdrawn changes no more.
Ids sent in (an audit round, a theme, drafts) that are missing or another partnership's are refused alike, as a
field error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audits.models import AuditRound
from audits.services.rounds import audit_round_create
from learninghub.models import HubAuditLink, HubCycle, HubDraftRecommendation, HubFinding, HubMeasure, HubPhase
from learninghub.models.cycles import PhaseKind
from partnership.models import Partnership, Person, StatutoryPartner
from partnership.models.recommendations import LearningTheme, RecommendationRound, RecommendationSource
from partnership.services.history import tenant_create, tenant_delete, tenant_update
from partnership.services.recommendations import recommendation_create, recommendation_round_create
from partnership.services.states import state_move

DraftState = HubDraftRecommendation.State
FINDING_MAX_LENGTH = 2000
TEXT_MAX_LENGTH = 4000
MEASURE_NAME_MAX_LENGTH = 300
UNIT_MAX_LENGTH = 40
VALUE_LIMIT = Decimal("999999999999.99")
DRAFTS_AGREED_MAX = 50


def _locked_cycle(partnership: Partnership, cycle: HubCycle) -> HubCycle:
    locked = HubCycle.objects.in_partnership(partnership).select_for_update().filter(pk=cycle.pk).first()
    if locked is None:
        raise ValidationError("No such learning hub cycle in this partnership.")
    if locked.state != HubCycle.State.ACTIVE:
        raise ValidationError(f"This cycle is {locked.get_state_display().lower()}: it can no longer change.")
    return locked


def hub_phase_of(*, partnership: Partnership, cycle: HubCycle, kind: str) -> HubPhase | None:
    return HubPhase.objects.in_partnership(partnership).filter(cycle=cycle, kind=kind).first()


def _started(*, partnership: Partnership, cycle: HubCycle, kind: str, today: date | None, doing: str) -> None:
    """Refuse ``doing`` before the cycle's phase ``kind`` starts (the seed's month-by-month order)."""
    today = today or timezone.localdate()
    phase = hub_phase_of(partnership=partnership, cycle=cycle, kind=kind)
    if phase is None or today < phase.starts_on:
        when = f" on {phase.starts_on:%-d %B %Y}" if phase else ""
        raise ValidationError(f"The hub {doing} from {PhaseKind(kind).label.lower()}, which starts{when}.")


def _id(raw, *, field: str, message: str) -> int:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({field: [message]}) from None
    if value <= 0 or value > 2**63 - 1:
        raise ValidationError({field: [message]})
    return value


def _theme(*, partnership: Partnership, theme_id, field: str, required: bool) -> LearningTheme | None:
    message = "Choose one of the partnership's current learning themes."
    if theme_id in (None, ""):
        if required:
            raise ValidationError({field: [message]})
        return None
    pk = _id(theme_id, field=field, message=message)
    theme = LearningTheme.objects.in_partnership(partnership).filter(pk=pk, is_active=True).first()
    if theme is None:
        raise ValidationError({field: [message]})
    return theme


def _text(value: str, *, field: str, limit: int, missing: str, errors: dict, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = [missing]
    elif len(value) > limit:
        errors[field] = [f"Use at most {limit} characters (you used {len(value)})."]
    return value


# --- Month 2: the case audits the cycle commissions -------------------------------------------------------


def _link(*, partnership: Partnership, actor: Person, cycle: HubCycle, audit_round: AuditRound) -> HubAuditLink:
    if HubAuditLink.objects.in_partnership(partnership).filter(cycle=cycle, audit_round=audit_round).exists():
        raise ValidationError({"audit_round_id": ["This case audit is already one of the cycle's."]})
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=HubAuditLink(partnership=partnership, cycle=cycle, audit_round=audit_round, created_by=actor),
    )


@transaction.atomic
def hub_audit_round_commission(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    title: str,
    template_version_id: int | None,
    due_on: date | None,
    theme_id: int | None = None,
    screening_criteria: str = "",
    today: date | None = None,
) -> HubAuditLink:
    """Open a new case audit round for the cycle (the audits' own ``audit_round_create``, with its field errors)
    and link it to the cycle. From month 2 (auditing) only, while the cycle is in progress."""
    locked = _locked_cycle(partnership, cycle)
    _started(partnership=partnership, cycle=locked, kind=PhaseKind.AUDITING, today=today, doing="commissions audits")
    audit_round = audit_round_create(
        partnership=partnership,
        actor=actor,
        title=title,
        template_version_id=template_version_id,
        due_on=due_on,
        theme_id=theme_id,
        screening_criteria=screening_criteria,
    )
    return _link(partnership=partnership, actor=actor, cycle=locked, audit_round=audit_round)


@transaction.atomic
def hub_audit_round_link(
    *, partnership: Partnership, actor: Person, cycle: HubCycle, audit_round_id, today: date | None = None
) -> HubAuditLink:
    """Link an existing case audit round of the partnership to the cycle (from month 2). Another partnership's
    round reads as a missing one (``audit_round_id``); a round already linked is refused."""
    locked = _locked_cycle(partnership, cycle)
    _started(partnership=partnership, cycle=locked, kind=PhaseKind.AUDITING, today=today, doing="commissions audits")
    message = "Choose one of the partnership's case audits."
    pk = _id(audit_round_id, field="audit_round_id", message=message)
    audit_round = AuditRound.objects.in_partnership(partnership).filter(pk=pk).first()
    if audit_round is None:
        raise ValidationError({"audit_round_id": [message]})
    return _link(partnership=partnership, actor=actor, cycle=locked, audit_round=audit_round)


@transaction.atomic
def hub_audit_round_unlink(*, partnership: Partnership, actor: Person, link: HubAuditLink) -> None:
    """Take a case audit off the cycle's findings (the round itself stays in the audits)."""
    _locked_cycle(partnership, link.cycle)
    tenant_delete(partnership=partnership, actor=actor, instance=link, reason="Taken off the cycle's findings")


# --- Findings by learning theme ---------------------------------------------------------------------------


@transaction.atomic
def hub_finding_add(*, partnership: Partnership, actor: Person, cycle: HubCycle, theme_id, text: str) -> HubFinding:
    """Record what the hub found under one of the partnership's current learning themes."""
    locked = _locked_cycle(partnership, cycle)
    errors: dict[str, list[str]] = {}
    text = _text(text, field="text", limit=FINDING_MAX_LENGTH, missing="Enter what the hub found.", errors=errors)
    theme = None
    try:
        theme = _theme(partnership=partnership, theme_id=theme_id, field="theme_id", required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=HubFinding(partnership=partnership, cycle=locked, theme=theme, text=text, created_by=actor),
    )


@transaction.atomic
def hub_finding_remove(*, partnership: Partnership, actor: Person, finding: HubFinding) -> None:
    _locked_cycle(partnership, finding.cycle)
    tenant_delete(partnership=partnership, actor=actor, instance=finding)


# --- Draft recommendations and the hub's agreement --------------------------------------------------------


@transaction.atomic
def hub_draft_add(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    text: str,
    lead_partner: str,
    rationale: str = "",
    theme_id=None,
) -> HubDraftRecommendation:
    """Draft a recommendation for the hub to agree, with the partner who would lead it and its theme."""
    locked = _locked_cycle(partnership, cycle)
    errors: dict[str, list[str]] = {}
    text = _text(
        text, field="text", limit=TEXT_MAX_LENGTH, missing="Enter what the partnership should change.", errors=errors
    )
    rationale = _text(rationale, field="rationale", limit=TEXT_MAX_LENGTH, missing="", errors=errors, required=False)
    if lead_partner not in StatutoryPartner.values:
        errors["lead_partner"] = ["Choose the partner who leads it: the local authority, health or the police."]
    theme = None
    try:
        theme = _theme(partnership=partnership, theme_id=theme_id, field="theme_id", required=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=HubDraftRecommendation(
            partnership=partnership,
            cycle=locked,
            text=text,
            rationale=rationale,
            lead_partner=lead_partner,
            theme=theme,
            created_by=actor,
        ),
    )


@transaction.atomic
def hub_draft_move(
    *, partnership: Partnership, actor: Person, draft: HubDraftRecommendation, to: str, reason: str = ""
) -> HubDraftRecommendation:
    """Drop a draft, or take a dropped one back (agreeing goes through ``hub_drafts_agree``)."""
    if to == DraftState.AGREED:
        raise ValidationError("A draft is agreed with the others the hub agrees, in one round of sign-off.")
    _locked_cycle(partnership, draft.cycle)
    return state_move(partnership=partnership, actor=actor, instance=draft, to=to, reason=reason)


@transaction.atomic
def hub_drafts_agree(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    draft_ids: Sequence,
    title: str = "",
    today: date | None = None,
) -> RecommendationRound:
    """The hub agrees these drafts (month 4 onwards): each becomes a kernel recommendation (source: this cycle,
    tagged with its theme), and together they are put to the three partners in one round of sign-off
    (``recommendation_round_create``): each partner signs off or sends back, and on sign-off each
    recommendation's action plan clock starts. Each draft moves to "agreed" and keeps its recommendation.

    ``draft_ids`` must name drafts of this cycle still in draft (field ``draft_ids``; another partnership's or
    another cycle's read as missing). Nothing is written when anything is refused.
    """
    locked = _locked_cycle(partnership, cycle)
    _started(
        partnership=partnership, cycle=locked, kind=PhaseKind.FINDINGS, today=today, doing="agrees recommendations"
    )
    message = "Choose draft recommendations of this cycle."
    ids: list[int] = []
    for raw in draft_ids:
        value = _id(raw, field="draft_ids", message=message)
        if value not in ids:
            ids.append(value)
    if not ids:
        raise ValidationError({"draft_ids": ["Choose at least one draft recommendation to agree."]})
    if len(ids) > DRAFTS_AGREED_MAX:
        raise ValidationError({"draft_ids": [f"Agree at most {DRAFTS_AGREED_MAX} recommendations at once."]})
    found = {
        d.pk: d
        for d in HubDraftRecommendation.objects.in_partnership(partnership)
        .select_for_update()
        .filter(cycle=locked, pk__in=ids)
    }
    if len(found) != len(ids):
        raise ValidationError({"draft_ids": [message]})
    drafts = [found[i] for i in ids]
    not_draft = [d for d in drafts if d.state != DraftState.DRAFT]
    if not_draft:
        raise ValidationError(
            {"draft_ids": [f"“{not_draft[0].text[:60]}” is {not_draft[0].get_state_display().lower()}: only drafts."]}
        )
    recommendations = []
    for draft in drafts:
        recommendation = recommendation_create(
            partnership=partnership,
            actor=actor,
            text=draft.text,
            rationale=draft.rationale,
            lead_partner=draft.lead_partner,
            source_kind=RecommendationSource.HUB_CYCLE,
            source_id=locked.pk,
            theme_ids=[draft.theme_id] if draft.theme_id else [],
        )
        recommendations.append(recommendation)
        state_move(
            partnership=partnership,
            actor=actor,
            instance=draft,
            to=DraftState.AGREED,
            fields={"recommendation": recommendation},
            reason=f"Agreed by the hub as {recommendation.reference}",
        )
    return recommendation_round_create(
        partnership=partnership,
        actor=actor,
        recommendation_ids=[r.pk for r in recommendations],
        title=title or f"Learning hub: {locked.title}",
    )


# --- Success measures: at the start and at the impact review ----------------------------------------------


def _value(raw, *, field: str, errors: dict) -> Decimal | None:
    if raw is None or raw == "":
        errors[field] = ["Enter the value as a number."]
        return None
    try:
        value = Decimal(str(raw))
    except (ArithmeticError, ValueError):
        errors[field] = ["Enter the value as a number."]
        return None
    if not value.is_finite() or abs(value) > VALUE_LIMIT:
        errors[field] = ["Enter a number between -999,999,999,999.99 and 999,999,999,999.99."]
        return None
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def hub_measure_add(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    name: str,
    value_at_start,
    unit: str = "",
    higher_is_better: bool = True,
    today: date | None = None,
) -> HubMeasure:
    """Record a success measure's value at the start. Before the impact review begins only: a baseline set once
    the results are in would not be a baseline."""
    locked = _locked_cycle(partnership, cycle)
    today = today or timezone.localdate()
    review = hub_phase_of(partnership=partnership, cycle=locked, kind=PhaseKind.IMPACT_REVIEW)
    if review is not None and today >= review.starts_on:
        raise ValidationError("The impact review has begun: the values at the start can no longer be recorded.")
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = ["Enter the success measure."]
    elif len(name) > MEASURE_NAME_MAX_LENGTH:
        errors["name"] = [f"Use at most {MEASURE_NAME_MAX_LENGTH} characters."]
    elif HubMeasure.objects.in_partnership(partnership).filter(cycle=locked, name__iexact=name).exists():
        errors["name"] = ["The cycle already has this measure."]
    unit = _text(unit, field="unit", limit=UNIT_MAX_LENGTH, missing="", errors=errors, required=False)
    value = _value(value_at_start, field="value_at_start", errors=errors)
    if errors:
        raise ValidationError(errors)
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=HubMeasure(
            partnership=partnership,
            cycle=locked,
            name=name,
            unit=unit,
            value_at_start=value,
            higher_is_better=bool(higher_is_better),
        ),
    )


@transaction.atomic
def hub_measure_review(
    *, partnership: Partnership, actor: Person, measure: HubMeasure, value_at_review, today: date | None = None
) -> HubMeasure:
    """Record the measure's value at the impact review (from the day the review starts; again to correct it)."""
    locked_cycle = _locked_cycle(partnership, measure.cycle)
    _started(
        partnership=partnership,
        cycle=locked_cycle,
        kind=PhaseKind.IMPACT_REVIEW,
        today=today,
        doing="records the values at the impact review",
    )
    errors: dict[str, list[str]] = {}
    value = _value(value_at_review, field="value_at_review", errors=errors)
    if errors:
        raise ValidationError(errors)
    locked = HubMeasure.objects.in_partnership(partnership).select_for_update().get(pk=measure.pk)
    tenant_update(
        partnership=partnership,
        actor=actor,
        instance=locked,
        data={"value_at_review": value, "reviewed_at": timezone.now()},
    )
    return locked


__all__ = [
    "DraftState",
    "hub_audit_round_commission",
    "hub_audit_round_link",
    "hub_audit_round_unlink",
    "hub_draft_add",
    "hub_draft_move",
    "hub_drafts_agree",
    "hub_finding_add",
    "hub_finding_remove",
    "hub_measure_add",
    "hub_measure_review",
    "hub_phase_of",
]
