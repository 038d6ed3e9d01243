"""Evidence the scrutineer saw: a record of the partnership named by kind and id, read through its own app's selector.

"Freedom to roam": the independent scrutineer may read every record of the partnership that does not identify a
child, so the records that can be evidence are named by reference and title only (a rapid review by its incident's
reference, never the child). A record of another partnership resolves as a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404
from django.urls import reverse

from audits.selectors.rounds import audit_round_get
from learninghub.selectors.cycles import hub_cycle_get
from partnership.models import Partnership
from partnership.selectors.recommendations import recommendation_get
from reviews.selectors.learning_review import learning_review_get
from reviews.selectors.rapid_review import rapid_review_get
from scrutiny.models import EvidenceKind

MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class EvidenceRecord:
    description: str
    url: str


# Each kind: its page (URL name and the id's keyword) and how to read and name the record through its app's selector.
_PAGES: dict[str, tuple[str, str]] = {
    EvidenceKind.RAPID_REVIEW: ("reviews:rapid_review_detail", "rapid_review_id"),
    EvidenceKind.LEARNING_REVIEW: ("reviews:learning_review_detail", "learning_review_id"),
    EvidenceKind.AUDIT_ROUND: ("audits:round_detail", "audit_round_id"),
    EvidenceKind.HUB_CYCLE: ("learninghub:cycle_detail", "hub_cycle_id"),
    EvidenceKind.RECOMMENDATION: ("partnership:recommendation_detail", "recommendation_id"),
}


def _learning_review_name(p: Partnership, pk: int) -> str:
    review = learning_review_get(partnership=p, learning_review_id=pk)
    return f"{review.reference}: {review.title}"


_NAMES: dict[str, Callable[[Partnership, int], str]] = {
    # The incident's reference, never the child.
    EvidenceKind.RAPID_REVIEW: lambda p, pk: str(rapid_review_get(partnership=p, rapid_review_id=pk)),
    EvidenceKind.LEARNING_REVIEW: _learning_review_name,
    EvidenceKind.AUDIT_ROUND: lambda p, pk: f"Case audit: {audit_round_get(partnership=p, pk=pk).title}",
    EvidenceKind.HUB_CYCLE: lambda p, pk: f"Learning hub: {hub_cycle_get(partnership=p, cycle_id=pk).title}",
    EvidenceKind.RECOMMENDATION: lambda p, pk: str(recommendation_get(partnership=p, recommendation_id=pk)),
}


def evidence_resolve(*, partnership: Partnership, kind: str, record_id) -> EvidenceRecord | None:
    """The record's name and page, or None: an unknown kind, a bad id, a missing or another partnership's record."""
    name = _NAMES.get(kind)
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        return None
    if name is None or not 0 < record_id <= MAX_ID:
        return None
    try:
        description = name(partnership, record_id)
    except Http404:
        return None
    return EvidenceRecord(description, evidence_url(partnership=partnership, kind=kind, record_id=record_id))


def evidence_url(*, partnership: Partnership, kind: str, record_id: int) -> str:
    """The page of a linked record, built from its kind and id without reading it (a list of links in no queries).
    A record deleted since answers its own page's 404."""
    name, kwarg = _PAGES[kind]
    return reverse(name, kwargs={"slug": partnership.slug, kwarg: record_id})
