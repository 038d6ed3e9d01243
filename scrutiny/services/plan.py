"""The scrutineer's annual plan: plans by reporting year, their activities, evidence seen and recommendations raised.

Only the independent scrutineer writes here (their own plan: a scrutineer is read-only everywhere else but their
challenges and report narrative); the pages and the API hold everyone else to reading. Every write records
history; edits carry the version the writer read (``expected_updated_at``: a change from an older read is refused
with code ``stale``).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnership.models import LearningTheme, Partnership, Person, StatutoryPartner
from partnership.models.recommendations import Recommendation, RecommendationSource
from partnership.services.history import _version_check, tenant_create, tenant_delete, tenant_update
from partnership.services.recommendations import recommendation_create
from partnership.services.states import refuse_unless_allowed, state_move
from scrutiny.models import ActivityKind, EvidenceLink, PlanActivity, ScrutinyPlan
from scrutiny.models.plan import QUARTER_LABELS
from scrutiny.selectors.evidence import evidence_resolve

TITLE_MAX = 200
DESCRIPTION_MAX = 4000
FINDINGS_MAX = 10000
REASON_MAX = 2000
NOTE_MAX = 500


def _lock(model, *, partnership: Partnership, instance):
    locked = model.objects.in_partnership(partnership).select_for_update(of=("self",)).filter(pk=instance.pk).first()
    if locked is None:
        raise ValueError(f"No {model._meta.verbose_name} {instance.pk} in this partnership.")
    return locked


@transaction.atomic
def scrutiny_plan_create(*, partnership: Partnership, actor: Person | None, year: int) -> ScrutinyPlan:
    """Start the plan of a reporting year (one per year: a second is refused on ``year``). Records history."""
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": ["Enter a reporting year between 2000 and 2100."]})
    if ScrutinyPlan.objects.in_partnership(partnership).filter(year=year).exists():
        raise ValidationError({"year": ["There is already a plan for this reporting year."]})
    try:
        with transaction.atomic():
            return tenant_create(
                partnership=partnership,
                actor=actor,
                instance=ScrutinyPlan(partnership=partnership, year=year, created_by=actor),
            )
    except IntegrityError as exc:  # another scrutineer started the same year a moment ago
        raise ValidationError({"year": ["There is already a plan for this reporting year."]}) from exc


def scrutiny_plan_move(
    *,
    partnership: Partnership,
    actor: Person | None,
    plan: ScrutinyPlan,
    to: str,
    expected_updated_at: datetime | None = None,
) -> ScrutinyPlan:
    """Agree the plan with the partners, or take it back to draft (``state_move``: locked, checked, recorded)."""
    with transaction.atomic():
        locked = _lock(ScrutinyPlan, partnership=partnership, instance=plan)
        _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this plan")
        return state_move(partnership=partnership, actor=actor, instance=locked, to=to)


def _clean_activity(
    *, partnership: Partnership, quarter, kind: str, theme_id, title: str, description: str
) -> tuple[dict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    title, description = (title or "").strip(), (description or "").strip()
    if quarter not in QUARTER_LABELS:
        errors["quarter"] = ["Choose the quarter of the reporting year."]
    if kind not in ActivityKind.values:
        errors["kind"] = ["Choose what kind of activity it is."]
    if not title:
        errors["title"] = ["Enter a title: what the activity looks at."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"Use at most {TITLE_MAX} characters (you used {len(title)})."]
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [f"Use at most {DESCRIPTION_MAX} characters (you used {len(description)})."]
    theme = None
    if theme_id not in (None, ""):
        theme = LearningTheme.objects.in_partnership(partnership).filter(pk=theme_id, is_active=True).first()
        if theme is None:
            errors["theme_id"] = ["Choose one of the partnership's learning themes."]
    data = {"quarter": quarter, "kind": kind, "theme": theme, "title": title, "description": description}
    return data, errors


@transaction.atomic
def plan_activity_create(
    *,
    partnership: Partnership,
    actor: Person | None,
    plan: ScrutinyPlan,
    quarter: int,
    kind: str,
    title: str,
    description: str = "",
    theme_id: int | None = None,
) -> PlanActivity:
    """Add a planned activity to a plan (field errors: quarter, kind, theme_id, title, description)."""
    data, errors = _clean_activity(
        partnership=partnership, quarter=quarter, kind=kind, theme_id=theme_id, title=title, description=description
    )
    if errors:
        raise ValidationError(errors)
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=PlanActivity(partnership=partnership, plan=plan, created_by=actor, **data),
    )


@transaction.atomic
def plan_activity_update(
    *,
    partnership: Partnership,
    actor: Person | None,
    activity: PlanActivity,
    quarter: int,
    kind: str,
    title: str,
    description: str = "",
    theme_id: int | None = None,
    findings: str = "",
    expected_updated_at: datetime | None = None,
) -> PlanActivity:
    """Change an activity and what it found. A dropped activity is closed: refused. Stale reads: ``stale``."""
    locked = _lock(PlanActivity, partnership=partnership, instance=activity)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this activity")
    if locked.state == PlanActivity.State.DROPPED:
        raise ValidationError("This activity was dropped: it cannot be changed.", code="closed")
    data, errors = _clean_activity(
        partnership=partnership, quarter=quarter, kind=kind, theme_id=theme_id, title=title, description=description
    )
    findings = (findings or "").strip()
    if len(findings) > FINDINGS_MAX:
        errors["findings"] = [f"Use at most {FINDINGS_MAX} characters (you used {len(findings)})."]
    if errors:
        raise ValidationError(errors)
    tenant_update(partnership=partnership, actor=actor, instance=locked, data={**data, "findings": findings})
    return locked


@transaction.atomic
def plan_activity_move(
    *,
    partnership: Partnership,
    actor: Person | None,
    activity: PlanActivity,
    to: str,
    reason: str = "",
    expected_updated_at: datetime | None = None,
) -> PlanActivity:
    """Start, finish or drop an activity. Dropping needs the reason (kept on the activity and in its history);
    finishing needs its findings written first."""
    locked = _lock(PlanActivity, partnership=partnership, instance=activity)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this activity")
    if to not in PlanActivity.State.values:
        raise ValidationError({"to": ["Choose what happens to the activity."]})
    refuse_unless_allowed(locked, to)
    reason = (reason or "").strip()
    fields = {}
    if to == PlanActivity.State.DROPPED:
        if not reason:
            raise ValidationError({"reason": ["Say why the activity is dropped."]})
        if len(reason) > REASON_MAX:
            raise ValidationError({"reason": [f"Use at most {REASON_MAX} characters (you used {len(reason)})."]})
        fields["dropped_reason"] = reason
    if to == PlanActivity.State.DONE and not locked.findings.strip():
        raise ValidationError({"to": ["Write what the activity found before marking it done."]})
    return state_move(partnership=partnership, actor=actor, instance=locked, to=to, fields=fields, reason=reason)


def _open(activity: PlanActivity) -> None:
    if activity.state == PlanActivity.State.DROPPED:
        raise ValidationError("This activity was dropped: nothing more is added to it.", code="closed")


@transaction.atomic
def evidence_link_add(
    *, partnership: Partnership, actor: Person | None, activity: PlanActivity, kind: str, record_id: int, note: str = ""
) -> EvidenceLink:
    """Link a record of this partnership the scrutineer saw. Another partnership's record is refused like a
    missing one (``record_id``); the same record twice is refused. The link keeps the record's name as it was."""
    _open(activity)
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if len(note) > NOTE_MAX:
        errors["note"] = [f"Use at most {NOTE_MAX} characters (you used {len(note)})."]
    record = evidence_resolve(partnership=partnership, kind=kind, record_id=record_id)
    if record is None:
        errors.setdefault("record_id", []).append("No record of that kind in this partnership has this number.")
    if errors:
        raise ValidationError(errors)
    if (
        EvidenceLink.objects.in_partnership(partnership)
        .filter(activity=activity, kind=kind, record_id=record_id)
        .exists()
    ):
        raise ValidationError({"record_id": ["This record is already linked to the activity."]})
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=EvidenceLink(
            partnership=partnership,
            activity=activity,
            kind=kind,
            record_id=record_id,
            description=record.description[:300],
            note=note,
            created_by=actor,
        ),
    )


@transaction.atomic
def evidence_link_remove(*, partnership: Partnership, actor: Person | None, link: EvidenceLink) -> None:
    """Take a record off an activity's evidence (the record itself is untouched)."""
    tenant_delete(partnership=partnership, actor=actor, instance=link)


@transaction.atomic
def plan_activity_recommendation_raise(
    *,
    partnership: Partnership,
    actor: Person | None,
    activity: PlanActivity,
    text: str,
    lead_partner: str,
    rationale: str = "",
) -> Recommendation:
    """Draft a kernel recommendation with the activity as its source (it then goes to the partners' sign-off as
    any other); tagged with the activity's theme. Field errors as ``recommendation_create``'s."""
    _open(activity)
    if lead_partner not in StatutoryPartner.values:
        raise ValidationError(
            {"lead_partner": ["Choose the partner who leads it: the local authority, health or the police."]}
        )
    return recommendation_create(
        partnership=partnership,
        actor=actor,
        text=text,
        rationale=rationale,
        lead_partner=lead_partner,
        source_kind=RecommendationSource.SCRUTINY_ACTIVITY,
        source_id=activity.pk,
        theme_ids=[activity.theme_id] if activity.theme_id else [],
    )
