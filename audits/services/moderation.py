"""Moderation of submitted self-assessment returns, and what their challenge event agreed.

The partnership's leadership (business managers and the three partners' leads)
moderates a submitted return: a moderated score for each standard where it
differs from (or confirms) the self score, challenge notes, the date of the
challenge event, and actions agreed there. Moderating moves the return to
"moderated"; it can be revised afterwards. Every change names the return's
edit version it was based on (a stale one is refused, code ``stale``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audits.models import GapAction, QuestionKind, ReturnStandard, SelfAssessmentReturn
from audits.selectors.templates import version_structure
from audits.services.self_assessment import gap_action_fields
from partnership.models import HistoryEntry, Partnership, Person
from partnership.services.history import history_record, tenant_create
from partnership.services.states import state_move

NOTES_MAX = 4000
MODERATION_STATES = (SelfAssessmentReturn.State.SUBMITTED, SelfAssessmentReturn.State.MODERATED)
STALE = (
    "Someone else moderated this return while you were working on it, so nothing of yours was saved. "
    "Their moderation is shown now: make your changes again on it."
)


def moderated_field(section_key: str) -> str:
    return f"moderated_{section_key}"


def notes_field(section_key: str) -> str:
    return f"notes_{section_key}"


def _locked(*, partnership: Partnership, assessment_return: SelfAssessmentReturn, expected_version: int | None):
    locked = (
        SelfAssessmentReturn.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("cycle__version")
        .get(pk=assessment_return.pk)
    )
    if expected_version is not None and locked.edit_version != expected_version:
        raise ValidationError(STALE, code="stale")
    if locked.state not in MODERATION_STATES:
        raise ValidationError(
            f"Only a submitted return can be moderated: this one is {locked.get_state_display().lower()}.",
            code="not_editable",
        )
    return locked


def _clean_score(section, raw: Any) -> tuple[int | None, str | None]:
    if raw is None or raw == "":
        return None, None
    grade = next((q for q in section.questions.all() if q.kind == QuestionKind.GRADE), None)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        value = None
    if grade is None or isinstance(raw, bool) or value not in {o.value for o in grade.scale.options.all()}:
        return None, "Choose a score from the list."
    return value, None


def _clean_moderation(
    *, sections: dict, scores: dict[str, Any], notes: dict[str, str], challenge_event_on: date | None
) -> dict[str, int | None]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, int | None] = {}
    for key, raw in scores.items():
        if key not in sections:
            errors[moderated_field(str(key)[:60])] = ["This return has no such standard."]
            continue
        value, error = _clean_score(sections[key], raw)
        if error:
            errors[moderated_field(key)] = [error]
        else:
            cleaned[key] = value
    for key, text in notes.items():
        if key not in sections:
            errors[notes_field(str(key)[:60])] = ["This return has no such standard."]
        elif not isinstance(text, str) or len(text.strip()) > NOTES_MAX:
            errors[notes_field(key)] = [f"Use at most {NOTES_MAX:,} characters of text."]
    if challenge_event_on is not None and challenge_event_on > timezone.localdate():
        errors["challenge_event_on"] = ["The challenge event cannot be in the future: record it once held."]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def return_moderate(
    *,
    partnership: Partnership,
    actor: Person,
    assessment_return: SelfAssessmentReturn,
    scores: dict[str, Any],
    notes: dict[str, str],
    challenge_event_on: date | None,
    expected_version: int | None,
) -> SelfAssessmentReturn:
    """Record moderated scores (``{standard key: score or None}``) and challenge notes (``{standard key: text}``).

    A score must be one of the standard's scale; a standard left out keeps
    its moderation. Errors on ``moderated_<key>`` / ``notes_<key>`` /
    ``challenge_event_on``; nothing is written then. A submitted return
    becomes moderated; the history records each change.
    """
    locked = _locked(partnership=partnership, assessment_return=assessment_return, expected_version=expected_version)
    sections = {s.key: s for s in version_structure(partnership=partnership, version=locked.cycle.version)}
    cleaned_scores = _clean_moderation(
        sections=sections, scores=scores, notes=notes, challenge_event_on=challenge_event_on
    )
    changes: dict[str, dict[str, Any]] = {}
    for standard in ReturnStandard.objects.in_partnership(partnership).filter(assessment_return=locked):
        update = []
        key = standard.section_key
        if key in cleaned_scores and standard.moderated_score != cleaned_scores[key]:
            changes[f"moderated score ({key})"] = {"from": standard.moderated_score, "to": cleaned_scores[key]}
            standard.moderated_score = cleaned_scores[key]
            update.append("moderated_score")
        if key in notes and standard.challenge_notes != notes[key].strip():
            changes[f"challenge notes ({key})"] = {"from": standard.challenge_notes, "to": notes[key].strip()}
            standard.challenge_notes = notes[key].strip()
            update.append("challenge_notes")
        if update:
            standard.save(update_fields=update)
    fields = {
        "edit_version": locked.edit_version + 1,
        "moderated_at": timezone.now(),
        "moderated_by": actor,
        "challenge_event_on": challenge_event_on,
    }
    if locked.state == SelfAssessmentReturn.State.SUBMITTED:
        return state_move(
            partnership=partnership,
            actor=actor,
            instance=locked,
            to=SelfAssessmentReturn.State.MODERATED,
            fields=fields,
            reason="Moderated.",
        )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save(update_fields=[*fields, "updated_at"])
    if changes:
        history_record(
            partnership=partnership, actor=actor, instance=locked, action=HistoryEntry.Action.UPDATED, changes=changes
        )
    return locked


@transaction.atomic
def agreed_action_add(
    *,
    partnership: Partnership,
    actor: Person,
    assessment_return: SelfAssessmentReturn,
    standard: ReturnStandard,
    action: str,
    owner: str,
    due_on: date | None,
) -> GapAction:
    """An action agreed at the challenge event for one standard of a submitted (or moderated) return."""
    locked = _locked(partnership=partnership, assessment_return=assessment_return, expected_version=None)
    if standard.assessment_return_id != locked.pk:
        raise ValidationError({"standard": ["Choose one of this return's standards."]})
    action, owner = gap_action_fields(action=action, owner=owner, due_on=due_on, missing="Say what was agreed.")
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=GapAction(
            partnership=partnership,
            standard=standard,
            action=action,
            owner=owner,
            due_on=due_on,
            agreed_at_challenge=True,
        ),
    )
