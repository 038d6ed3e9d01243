"""Recommendations: drafted from a source, put to the three partners in rounds, signed off or sent back, closed.

The workflow (``Recommendation.ALLOWED_MOVES``), moved only through the
kernel's ``state_move``::

    draft ──put to the partners (a round)──▶ proposed ──all three approve──▶ signed off ──▶ action planning ...
      ▲                                         │
      └──── revised (edit) ◀── sent back ◀──────┘ (any one partner, with a reason)

A round (``RecommendationRound``) is one kernel sign-off whose subject is the
round: the partner leads decide on the recommendations together, on the
round's page, the sign-off page or the sign-off API; whichever they use, the
round's recommendations move with the sign-off through
``recommendation_round_sign_off_settled`` (declared in
``partnership.recommendation_subjects``). Approved: each is signed off and its
action plan opens (``action_plan_start``: due in 10 working days). Sent back:
each is sent back with the reason, revised, and put to a new round.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from partnership.models import (
    PARTNER_LEAD_ROLES,
    MembershipRole,
    Partnership,
    Person,
    SignOff,
    StatutoryPartner,
)
from partnership.models.recommendations import (
    Recommendation,
    RecommendationRound,
    RecommendationRoundItem,
    RecommendationSource,
)
from partnership.recommendation_sources import source_get, source_kind_for
from partnership.references import reference_next, reference_prefix
from partnership.services.action_plans import action_plan_start
from partnership.services.history import _version_check, tenant_create, tenant_update
from partnership.services.learning_themes import theme_tags_set
from partnership.services.mail import email_send_after_commit
from partnership.services.signoff import sign_off_request
from partnership.services.states import REFUSED_MOVE, refuse_unless_allowed, state_move
from partnership.subjects import subject_url

State = Recommendation.State

RECOMMENDATION_REFERENCE_PATTERN = "REC-{year}-{number}"
TEXT_MAX_LENGTH = 4000
DESCRIPTION_MAX_LENGTH = 300
ROUND_TITLE_MAX_LENGTH = 200
ROUND_SIZE_MAX = 50
EDITABLE_STATES = frozenset({State.DRAFT, State.SENT_BACK})
# What each move is called in a refusal: "A recommendation that is “signed off” cannot be closed."
_MOVE_WORDS = {
    State.PROPOSED: "put to the partners",
    State.SIGNED_OFF: "signed off",
    State.SENT_BACK: "sent back",
    State.DRAFT: "returned to draft",
    State.ACTION_PLANNING: "given an action plan",
    State.IN_PROGRESS: "started",
    State.COMPLETED: "completed",
    State.CLOSED: "closed",
}


def _refusal(current: str, to: str) -> str:
    return f"A recommendation that is “{State(current).label.lower()}” cannot be {_MOVE_WORDS[State(to)]}."


def recommendation_refusal(recommendation: Recommendation, to: str) -> str:
    """The sentence a refused move answers with (for pages that explain why a button is missing)."""
    return f"{recommendation.reference}: {_refusal(recommendation.state, to)}"


# --- Drafting -------------------------------------------------------------------------------------------


def _next_reference(*, partnership: Partnership) -> str:
    """The next REC-<year>-<number>; the caller holds the partnership's lock."""
    year = timezone.localdate().year
    pattern = RECOMMENDATION_REFERENCE_PATTERN
    taken = (
        Recommendation.objects.in_partnership(partnership)
        .filter(reference__istartswith=reference_prefix(pattern, year=year))
        .values_list("reference", flat=True)
    )
    return reference_next(pattern, year=year, taken=taken)


def _clean_content(*, text: str, rationale: str, lead_partner: str) -> tuple[dict, dict[str, list[str]]]:
    text, rationale = (text or "").strip(), (rationale or "").strip()
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = ["Enter the recommendation: what the partnership resolves to change."]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [f"Use at most {TEXT_MAX_LENGTH} characters (you used {len(text)})."]
    if len(rationale) > TEXT_MAX_LENGTH:
        errors["rationale"] = [f"Use at most {TEXT_MAX_LENGTH} characters (you used {len(rationale)})."]
    if lead_partner not in StatutoryPartner.values:
        errors["lead_partner"] = ["Choose the partner who leads it: the local authority, health or the police."]
    return {"text": text, "rationale": rationale, "lead_partner": lead_partner}, errors


def source_resolve(
    *, partnership: Partnership, source_kind: str, source_id: int | None, source_description: str
) -> tuple[dict, dict[str, list[str]]]:
    """The source fields of a recommendation from what was sent, or the errors to show beside them.

    A declared kind needs the id of a row of this partnership: a missing id and
    another partnership's are refused with the same words. "Other" needs a description.
    """
    description = (source_description or "").strip()
    errors: dict[str, list[str]] = {}
    if len(description) > DESCRIPTION_MAX_LENGTH:
        errors["source_description"] = [f"Use at most {DESCRIPTION_MAX_LENGTH} characters."]
    if source_kind == RecommendationSource.OTHER:
        if not description:
            errors["source_description"] = ["Describe where the recommendation came from."]
        return {
            "source_kind": source_kind,
            "source_type": None,
            "source_id": None,
            "source_description": description,
        }, (errors)
    declared = source_kind_for(source_kind) if source_kind in RecommendationSource.values else None
    if declared is None:
        errors["source_kind"] = ["Choose where the recommendation came from."]
        return {}, errors
    row = source_get(partnership=partnership, kind=source_kind, source_id=source_id)
    if row is None:
        errors["source_id"] = [f"No {declared.label.lower()} of this partnership has this id."]
        return {}, errors
    return {
        "source_kind": source_kind,
        "source_type": ContentType.objects.get_for_model(declared.model),
        "source_id": row.pk,
        "source_description": declared.describe(row)[:DESCRIPTION_MAX_LENGTH],
    }, errors


@transaction.atomic
def recommendation_create(
    *,
    partnership: Partnership,
    actor: Person | None,
    text: str,
    lead_partner: str,
    source_kind: str,
    source_id: int | None = None,
    source_description: str = "",
    rationale: str = "",
    theme_ids: Iterable = (),
) -> Recommendation:
    """Draft a recommendation from its source, numbered in the partnership's series (REC-2026-001...).

    Validates everything before writing (field errors: ``text``, ``rationale``,
    ``lead_partner``, ``source_kind``, ``source_id``, ``source_description``,
    ``themes``); records history; tags its themes.
    """
    content, errors = _clean_content(text=text, rationale=rationale, lead_partner=lead_partner)
    source, source_errors = source_resolve(
        partnership=partnership, source_kind=source_kind, source_id=source_id, source_description=source_description
    )
    errors |= source_errors
    if errors:
        raise ValidationError(errors)
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
    recommendation = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=Recommendation(
            partnership=partnership,
            reference=_next_reference(partnership=partnership),
            created_by=actor,
            **content,
            **source,
        ),
    )
    theme_ids = list(theme_ids)
    if theme_ids:
        theme_tags_set(partnership=partnership, actor=actor, record=recommendation, theme_ids=theme_ids)
    return recommendation


def _lock(*, partnership: Partnership, recommendation: Recommendation) -> Recommendation:
    locked = (
        Recommendation.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .filter(pk=recommendation.pk)
        .first()
    )
    if locked is None:
        raise ValidationError("No such recommendation in this partnership.")
    return locked


@transaction.atomic
def recommendation_update(
    *,
    partnership: Partnership,
    actor: Person,
    recommendation: Recommendation,
    text: str,
    rationale: str,
    lead_partner: str,
    source_description: str | None = None,
    expected_updated_at: datetime | None = None,
) -> dict:
    """Revise a draft or sent-back recommendation's text, rationale and lead partner ("other": its description).

    Refused when someone saved it since ``expected_updated_at`` (code ``stale``)
    and once it has been put to the partners (``refused_move``): what the
    partners sign off is what they read. Returns the changes.
    """
    locked = _lock(partnership=partnership, recommendation=recommendation)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this recommendation")
    if locked.state not in EDITABLE_STATES:
        raise ValidationError(
            f"{locked.reference} is “{locked.get_state_display().lower()}”: only a draft or a recommendation sent "
            "back can be changed.",
            code=REFUSED_MOVE,
        )
    data, errors = _clean_content(text=text, rationale=rationale, lead_partner=lead_partner)
    if source_description is not None and locked.source_kind == RecommendationSource.OTHER:
        description = source_description.strip()
        if not description:
            errors["source_description"] = ["Describe where the recommendation came from."]
        elif len(description) > DESCRIPTION_MAX_LENGTH:
            errors["source_description"] = [f"Use at most {DESCRIPTION_MAX_LENGTH} characters."]
        data["source_description"] = description
    if errors:
        raise ValidationError(errors)
    changes = tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    for name in (*data, "updated_at"):
        setattr(recommendation, name, getattr(locked, name))
    return changes


@transaction.atomic
def recommendation_themes_set(
    *,
    partnership: Partnership,
    actor: Person,
    recommendation: Recommendation,
    theme_ids: Iterable,
    expected_updated_at: datetime | None = None,
) -> list:
    """Tag the recommendation's themes (any state but closed: themes are how the learning is found again)."""
    locked = _lock(partnership=partnership, recommendation=recommendation)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this recommendation")
    if locked.state == State.CLOSED:
        raise ValidationError(f"{locked.reference} is closed: its themes are kept as they were.", code=REFUSED_MOVE)
    themes = theme_tags_set(partnership=partnership, actor=actor, record=locked, theme_ids=theme_ids)
    # The themes are part of what an edit was based on: a later edit from an older page is stale.
    locked.save(update_fields=["updated_at"])
    recommendation.updated_at = locked.updated_at
    return themes


@transaction.atomic
def recommendation_close(
    *,
    partnership: Partnership,
    actor: Person,
    recommendation: Recommendation,
    reason: str = "",
    expected_updated_at: datetime | None = None,
) -> Recommendation:
    """Close a recommendation: a draft or sent-back one withdrawn, or a completed one done with.

    Any other state is refused with the reason (``refused_move``). Its open
    deadlines are cancelled by ``state_move`` (a closing state).
    """
    locked = _lock(partnership=partnership, recommendation=recommendation)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this recommendation")
    reason = (reason or "").strip()
    if len(reason) > TEXT_MAX_LENGTH:
        raise ValidationError({"reason": [f"Use at most {TEXT_MAX_LENGTH} characters."]})
    refuse_unless_allowed(locked, State.CLOSED, refusal=_refusal)
    state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=State.CLOSED,
        fields={"closed_at": timezone.now()},
        reason=reason or "Closed",
        refusal=_refusal,
    )
    for name in ("state", "closed_at", "updated_at"):
        setattr(recommendation, name, getattr(locked, name))
    return recommendation


# --- Rounds: putting recommendations to the partners ---------------------------------------------------


def recommendations_resolve(
    *, partnership: Partnership, recommendation_ids: Sequence, field: str = "recommendations"
) -> list[Recommendation]:
    """This partnership's recommendations of these ids, locked, in order; missing and foreign refused alike."""
    ids: list[int] = []
    for raw in recommendation_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({field: ["Choose recommendations from the list."]}) from None
        if value <= 0 or value > 2**63 - 1:
            raise ValidationError({field: ["Choose recommendations from the list."]})
        if value not in ids:
            ids.append(value)
    if not ids:
        raise ValidationError({field: ["Choose at least one recommendation to put to the partners."]})
    if len(ids) > ROUND_SIZE_MAX:
        raise ValidationError({field: [f"Put at most {ROUND_SIZE_MAX} recommendations to the partners at once."]})
    found = {
        r.pk: r
        for r in Recommendation.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .filter(pk__in=ids)
        .order_by("pk")
    }
    if len(found) != len(ids):
        raise ValidationError({field: ["One of the recommendations is not a recommendation of this partnership."]})
    return [found[i] for i in ids]


@transaction.atomic
def recommendation_round_create(
    *,
    partnership: Partnership,
    actor: Person,
    recommendation_ids: Sequence,
    title: str = "",
) -> RecommendationRound:
    """Put draft or sent-back recommendations to the three partners together: one round, one sign-off.

    Each recommendation becomes "awaiting sign-off" (its old send-back reason
    cleared), the kernel's sign-off is requested with the statutory approvers
    on the round, and the partner leads are emailed a link to the round after
    commit. Refused, with nothing written, when any recommendation is not
    this partnership's or cannot be proposed now (naming it).
    """
    title = " ".join((title or "").split())
    if len(title) > ROUND_TITLE_MAX_LENGTH:
        raise ValidationError({"title": [f"Use at most {ROUND_TITLE_MAX_LENGTH} characters."]})
    recommendations = recommendations_resolve(partnership=partnership, recommendation_ids=recommendation_ids)
    for recommendation in recommendations:
        if recommendation.state not in (State.DRAFT, State.SENT_BACK):
            raise ValidationError(
                {"recommendations": [recommendation_refusal(recommendation, State.PROPOSED)]}, code=REFUSED_MOVE
            )
    if not title:
        references = ", ".join(r.reference for r in recommendations[:5])
        more = f" and {len(recommendations) - 5} more" if len(recommendations) > 5 else ""
        title = f"Recommendations {references}{more}"[:ROUND_TITLE_MAX_LENGTH]
    round_ = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=RecommendationRound(partnership=partnership, title=title, requested_by=actor),
    )
    RecommendationRoundItem.objects.bulk_create(
        [RecommendationRoundItem(partnership=partnership, round=round_, recommendation=r) for r in recommendations]
    )
    for recommendation in recommendations:
        state_move(
            partnership=partnership,
            actor=actor,
            instance=recommendation,
            to=State.PROPOSED,
            fields={"sent_back_reason": ""},
            reason=f"Put to the partners: {title}",
            refusal=_refusal,
        )
    sign_off_request(partnership=partnership, actor=actor, subject=round_)
    _ask_partner_leads(partnership=partnership, round_=round_, count=len(recommendations))
    return round_


def _ask_partner_leads(*, partnership: Partnership, round_: RecommendationRound, count: int) -> None:
    """Email the partner leads (after commit) that the round awaits their signature, with its page's link."""
    recipients = sorted(
        set(
            MembershipRole.objects.filter(
                membership__partnership=partnership,
                membership__is_active=True,
                membership__person__is_active=True,
                role__in=list(PARTNER_LEAD_ROLES),
            ).values_list("membership__person__email", flat=True)
        )
    )
    if not recipients:
        return
    round_.partnership = partnership
    body = render_to_string(
        "emails/recommendation_round_sign_off_requested.txt",
        {"partnership": partnership, "round": round_, "count": count, "url": settings.SITE_URL + subject_url(round_)},
    )
    email_send_after_commit(
        subject=f"{partnership.name}: {count} recommendation{'s' if count != 1 else ''} need your sign-off"[:250],
        body=body,
        to=recipients,
    )


def _round_recommendations(*, partnership: Partnership, round_: RecommendationRound) -> list[Recommendation]:
    return list(
        Recommendation.objects.in_partnership(partnership)
        .filter(round_items__round=round_)
        .select_for_update(of=("self",))
        .order_by("pk")
    )


def recommendation_round_sign_off_prepare(*, partnership: Partnership, round: RecommendationRound) -> None:
    """Before any partner decides: lock the round's recommendations; refuse unless they all await sign-off.

    Declared as the round's ``sign_off_prepare``, so every way of deciding (page, sign-off page, API) locks
    the recommendations before the sign-off, in the same order.
    """
    recommendations = _round_recommendations(partnership=partnership, round_=round)
    not_waiting = [r for r in recommendations if r.state != State.PROPOSED]
    if not recommendations or not_waiting:
        names = ", ".join(f"{r.reference} is {r.get_state_display().lower()}" for r in not_waiting[:3])
        raise ValidationError(
            f"These recommendations are no longer awaiting sign-off ({names or 'the round is empty'}).",
            code="wrong_state",
        )


def recommendation_round_sign_off_settled(
    *,
    partnership: Partnership,
    round: RecommendationRound,
    sign_off: SignOff,
    actor: Person,
    reason: str,
) -> None:
    """The partners' decision on a round, applied to each of its recommendations in the same transaction.

    Approved by all three: each is signed off (``signed_off_at``) and its action
    plan opens (due 10 working days later, chased with the one who put the round
    to the partners). Sent back by any one: each is sent back with the reason,
    shown on its page until it is proposed again.
    """
    recommendations = _round_recommendations(partnership=partnership, round_=round)
    if sign_off.state == SignOff.State.APPROVED:
        signed_off_at = sign_off.completed_at or timezone.now()
        owner = round.requested_by if round.requested_by_id else None
        for recommendation in recommendations:
            state_move(
                partnership=partnership,
                actor=actor,
                instance=recommendation,
                to=State.SIGNED_OFF,
                fields={"signed_off_at": signed_off_at},
                reason=f"Signed off by the three partners in “{round.title}”.",
                refusal=_refusal,
            )
            action_plan_start(partnership=partnership, recommendation=recommendation, actor=actor, owner=owner)
    elif sign_off.state == SignOff.State.SENT_BACK:
        for recommendation in recommendations:
            state_move(
                partnership=partnership,
                actor=actor,
                instance=recommendation,
                to=State.SENT_BACK,
                fields={"sent_back_reason": reason[:TEXT_MAX_LENGTH]},
                reason=reason,
                refusal=_refusal,
            )
