"""The outcomes form: its text, word limits and recommendation rows (with stable ids across edits)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from partnership.models import Partnership, Person
from partnership.services import (
    _version_check,
    tenant_update,
)
from reviews.models import (
    LearningReview,
    OutcomeRecommendation,
    OutcomesForm,
)
from reviews.selectors.learning_review import (
    EDITABLE_STATES,
    FORM_TEXT_FIELDS,
    WORD_LIMITED_FIELDS,
)
from reviews.services.learning_review.common import (
    MAX_RECOMMENDATIONS,
    RECOMMENDATION_COLUMNS,
    RECOMMENDATION_LABELS,
    State,
    _length_errors,
    _text,
)
from reviews.services.learning_review.contributors import _lock_for_author
from reviews.words import word_limit_error

# --- The outcomes form --------------------------------------------------------------------------------------


def _recommendations_clean(rows: Iterable[Mapping[str, Any]], errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """SMART rows: all three columns, or none (an empty row is dropped). Errors name the row.

    A row may carry ``id``, the saved row it is (kept as that row); a row without one is new.
    """
    cleaned: list[dict[str, Any]] = []
    messages: list[str] = []
    seen_ids: set[int] = set()
    for number, row in enumerate(rows, start=1):
        values: dict[str, Any] = {column: _text(row.get(column, "")) for column in RECOMMENDATION_COLUMNS}
        if not any(values.values()):
            continue
        row_id = row.get("id")
        if row_id not in (None, ""):
            try:
                row_id = int(row_id)
            except (TypeError, ValueError):
                row_id = -1
            if row_id in seen_ids or row_id < 1:
                messages.append(f"Recommendation {number}: this row is not one of the form's recommendations.")
            seen_ids.add(row_id)
            values["id"] = row_id
        missing = [RECOMMENDATION_LABELS[c] for c in RECOMMENDATION_COLUMNS if not values[c]]
        if missing:
            messages.append(f"Recommendation {number}: enter {' and '.join(missing)}.")
        for column in RECOMMENDATION_COLUMNS:
            limit = OutcomeRecommendation._meta.get_field(column).max_length
            if len(values[column]) > limit:
                messages.append(
                    f"Recommendation {number}: use at most {limit:,} characters for "
                    f"{RECOMMENDATION_LABELS[column]} (you used {len(values[column]):,})."
                )
        cleaned.append(values)
    if len(cleaned) > MAX_RECOMMENDATIONS:
        messages.append(f"Give at most {MAX_RECOMMENDATIONS} recommendations.")
    if messages:
        errors["recommendations"] = messages
    return cleaned


def outcomes_form_clean(
    *, fields: Mapping[str, Any], recommendations: Iterable[Mapping[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check the form's values: lengths, the 300-word limits, SMART rows. Raises one ValidationError for all."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {name: _text(fields.get(name, "")) for name in FORM_TEXT_FIELDS}
    _length_errors(OutcomesForm, values, errors)
    for name in WORD_LIMITED_FIELDS:
        message = word_limit_error(values[name])
        if message:
            errors.setdefault(name, []).insert(0, message)
    review_date = fields.get("review_date")
    if review_date is not None and not isinstance(review_date, date):
        errors["review_date"] = ["Enter a real date, for example 27 3 2026."]
    values["review_date"] = review_date
    rows = _recommendations_clean(recommendations, errors)
    if errors:
        raise ValidationError(errors)
    return values, rows


def _rows_text(rows: Iterable[Mapping[str, str]]) -> list[str]:
    return [f"{r['action']} ({r['person_responsible']}; {r['timeframe']})" for r in rows]


def _recommendations_save(
    *, partnership: Partnership, form: OutcomesForm, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Make the form's rows the given ones, keeping each saved row's id: update, add, delete.

    A row with the ``id`` of one of this form's rows updates it in place (the
    recommendations that follow link to it); a row without one is added; a
    saved row not given is deleted. An ``id`` of no row of this form (another
    form's, or removed meanwhile) is refused and nothing is written. Returns
    the rows' text before and after, in order.
    """
    saved = {r.pk: r for r in OutcomeRecommendation.objects.in_partnership(partnership).filter(form=form)}
    before = [{c: getattr(r, c) for c in RECOMMENDATION_COLUMNS} for r in sorted(saved.values(), key=_row_order)]
    unknown = [number for number, row in enumerate(rows, 1) if "id" in row and row["id"] not in saved]
    if unknown:
        raise ValidationError(
            {
                "recommendations": [
                    f"Recommendation {number}: this row is no longer on the form. Reload the page and check the rows."
                    for number in unknown
                ]
            },
            code="stale",
        )
    kept = {row["id"] for row in rows if "id" in row}
    gone = [pk for pk in saved if pk not in kept]
    if gone:
        OutcomeRecommendation.objects.in_partnership(partnership).filter(pk__in=gone).delete()
    changed: list[OutcomeRecommendation] = []
    added: list[OutcomeRecommendation] = []
    for position, row in enumerate(rows, 1):
        values = {c: row[c] for c in RECOMMENDATION_COLUMNS} | {"position": position}
        if "id" not in row:
            added.append(OutcomeRecommendation(partnership=partnership, form=form, **values))
            continue
        existing = saved[row["id"]]
        if any(getattr(existing, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(existing, name, value)
            changed.append(existing)
    if changed:
        OutcomeRecommendation.objects.in_partnership(partnership).bulk_update(
            changed, [*RECOMMENDATION_COLUMNS, "position"]
        )
    if added:
        OutcomeRecommendation.objects.bulk_create(added)
    after = [{c: row[c] for c in RECOMMENDATION_COLUMNS} for row in rows]
    return before, after


def _row_order(row: OutcomeRecommendation) -> tuple[int, int]:
    return (row.position, row.pk)


@transaction.atomic
def outcomes_form_update(
    *,
    partnership: Partnership,
    actor: Person,
    learning_review: LearningReview,
    fields: Mapping[str, Any],
    recommendations: Iterable[Mapping[str, Any]],
    expected_updated_at: datetime | None,
) -> dict[str, dict[str, Any]]:
    """Save the Learning Review Outcomes Form (the lead author or a business manager).

    ``fields`` holds every text field and ``review_date`` (a field left out is
    saved empty: the form is saved whole); ``recommendations`` the SMART rows
    in order (rows left wholly empty are dropped). A row with the ``id`` of a
    saved row updates that row in place, so its id stays stable across edits;
    a row without ``id`` is added; a saved row left out is deleted.

    Guarantees: a save from a page read before the last save is refused (code
    ``stale``) and nothing is written; only while planning or drafting (not
    while out for comment, not once final); synopsis and key findings at most
    300 words each, every row with its action, person responsible and
    timeframe, every field within its length: otherwise one ValidationError
    names every field and row. One history row lists what changed; the form's
    version moves on with any change, the rows included.
    """
    review = _lock_for_author(
        partnership=partnership, actor=actor, learning_review=learning_review, what="write the outcomes form"
    )
    form = OutcomesForm.objects.in_partnership(partnership).select_for_update().get(learning_review=review)
    _version_check(instance=form, expected_updated_at=expected_updated_at, what="this outcomes form")
    if review.state not in EDITABLE_STATES:
        if review.state == State.FINAL:
            raise ValidationError("This outcomes form is final: it cannot be changed.", code="refused_move")
        raise ValidationError(
            "The draft is with contributors for comment: take it back before changing it.", code="refused_move"
        )
    values, rows = outcomes_form_clean(fields=fields, recommendations=recommendations)
    extra: dict[str, dict[str, Any]] = {}
    before, after = _recommendations_save(partnership=partnership, form=form, rows=rows)
    if before != after:
        extra["recommendations"] = {"from": _rows_text(before), "to": _rows_text(after)}
    changes = tenant_update(partnership=partnership, actor=actor, instance=form, data=values, extra_changes=extra)
    if changes:
        # Who saved it last; and when only the rows changed (they live in their own table), this also moves the
        # form's version on, so a page drawn before this change cannot save over it.
        form.updated_by = actor
        form.save(update_fields=["updated_by", "updated_at"])
    return changes
