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


def _rapid_review(p: Partnership, pk: int) -> EvidenceRecord:
    review = rapid_review_get(partnership=p, rapid_review_id=pk)
    return EvidenceRecord(
        str(review), reverse("reviews:rapid_review_detail", kwargs={"slug": p.slug, "rapid_review_id": pk})
    )


def _learning_review(p: Partnership, pk: int) -> EvidenceRecord:
    review = learning_review_get(partnership=p, learning_review_id=pk)
    return EvidenceRecord(
        f"{review.reference}: {review.title}",
        reverse("reviews:learning_review_detail", kwargs={"slug": p.slug, "learning_review_id": pk}),
    )


def _audit_round(p: Partnership, pk: int) -> EvidenceRecord:
    audit_round = audit_round_get(partnership=p, pk=pk)
    return EvidenceRecord(
        f"Case audit: {audit_round.title}",
        reverse("audits:round_detail", kwargs={"slug": p.slug, "audit_round_id": pk}),
    )


def _hub_cycle(p: Partnership, pk: int) -> EvidenceRecord:
    cycle = hub_cycle_get(partnership=p, cycle_id=pk)
    return EvidenceRecord(
        f"Learning hub: {cycle.title}",
        reverse("learninghub:cycle_detail", kwargs={"slug": p.slug, "hub_cycle_id": pk}),
    )


def _recommendation(p: Partnership, pk: int) -> EvidenceRecord:
    recommendation = recommendation_get(partnership=p, recommendation_id=pk)
    return EvidenceRecord(
        str(recommendation),
        reverse("partnership:recommendation_detail", kwargs={"slug": p.slug, "recommendation_id": pk}),
    )


_RESOLVERS: dict[str, Callable[[Partnership, int], EvidenceRecord]] = {
    EvidenceKind.RAPID_REVIEW: _rapid_review,
    EvidenceKind.LEARNING_REVIEW: _learning_review,
    EvidenceKind.AUDIT_ROUND: _audit_round,
    EvidenceKind.HUB_CYCLE: _hub_cycle,
    EvidenceKind.RECOMMENDATION: _recommendation,
}


def evidence_resolve(*, partnership: Partnership, kind: str, record_id) -> EvidenceRecord | None:
    """The record's name and page, or None: an unknown kind, a bad id, a missing or another partnership's record."""
    resolver = _RESOLVERS.get(kind)
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        return None
    if resolver is None or not 0 < record_id <= MAX_ID:
        return None
    try:
        return resolver(partnership, record_id)
    except Http404:
        return None


def evidence_url(*, partnership: Partnership, kind: str, record_id: int) -> str:
    """The page of a linked record, built from its kind and id without reading it (a list of links in no queries).
    A record deleted since answers its own page's 404."""
    names = {
        EvidenceKind.RAPID_REVIEW: ("reviews:rapid_review_detail", "rapid_review_id"),
        EvidenceKind.LEARNING_REVIEW: ("reviews:learning_review_detail", "learning_review_id"),
        EvidenceKind.AUDIT_ROUND: ("audits:round_detail", "audit_round_id"),
        EvidenceKind.HUB_CYCLE: ("learninghub:cycle_detail", "hub_cycle_id"),
        EvidenceKind.RECOMMENDATION: ("partnership:recommendation_detail", "recommendation_id"),
    }
    name, kwarg = names[kind]
    return reverse(name, kwargs={"slug": partnership.slug, kwarg: record_id})
