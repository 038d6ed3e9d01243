"""Where recommendations come from: each app declares its kinds of source here, so the kernel never imports it.

A source kind (``RecommendationSource``: a learning review's outcomes-form row,
a rapid review decision, an audit round, a hub cycle, a scrutiny challenge)
is declared once, from the declaring app's ``AppConfig.ready``::

    recommendation_source_register(
        kind=RecommendationSource.OUTCOMES_FORM,
        model=OutcomeRecommendation,
        url=lambda row: ...,          # the source's page
        describe=lambda row: ...,     # what the recommendation says it came from
        related=("form__learning_review",),
    )

The kernel then validates a source named by kind and id (it must be a row of
the same partnership: another partnership's id reads as a missing one), links
a recommendation to its source page, and loads the sources of a page of
recommendations in one query per kind. "Other" has no row: it is described.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from partnership.models import Partnership
from partnership.models.recommendations import Recommendation, RecommendationSource


@dataclass(frozen=True)
class SourceKind:
    kind: str
    model: type[models.Model]
    url: Callable[[models.Model], str]
    describe: Callable[[models.Model], str]
    # What url() and describe() read, loaded with the source (select_related paths).
    related: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return RecommendationSource(self.kind).label


_KINDS: dict[str, SourceKind] = {}


def recommendation_source_register(
    *,
    kind: str,
    model: type[models.Model],
    url: Callable[[models.Model], str],
    describe: Callable[[models.Model], str],
    related: Iterable[str] = (),
) -> None:
    """Declare a kind of source (one model per kind). Called from the declaring app's ``ready``."""
    if kind == RecommendationSource.OTHER or kind not in RecommendationSource.values:
        raise ValueError(f"{kind!r} is not a kind of source a model can be declared for.")
    existing = _KINDS.get(kind)
    if existing is not None and existing.model is not model:
        raise RuntimeError(f"The source kind {kind} is declared twice.")
    _KINDS[kind] = SourceKind(kind=kind, model=model, url=url, describe=describe, related=tuple(related))


def recommendation_source_kinds() -> dict[str, SourceKind]:
    """The declared kinds, by kind."""
    return dict(_KINDS)


def source_kind_for(kind: str) -> SourceKind | None:
    return _KINDS.get(kind)


def source_kind_choices() -> list[tuple[str, str]]:
    """The kinds a recommendation can be made from here: the declared ones, then "other"."""
    return [(k, RecommendationSource(k).label) for k in RecommendationSource.values if k in _KINDS] + [
        (RecommendationSource.OTHER, RecommendationSource.OTHER.label)
    ]


def source_get(*, partnership: Partnership, kind: str, source_id: int | None) -> models.Model | None:
    """The source row of ``kind`` with this id in this partnership, or None (missing, another's, undeclared)."""
    declared = _KINDS.get(kind)
    if declared is None or source_id is None:
        return None
    try:
        source_id = int(source_id)
    except (TypeError, ValueError):
        return None
    if source_id <= 0 or source_id > 2**63 - 1:
        return None
    return (
        declared.model._default_manager.filter(partnership=partnership, pk=source_id)
        .select_related(*declared.related)
        .first()
    )


def source_for_model(model: type[models.Model]) -> SourceKind | None:
    return next((k for k in _KINDS.values() if k.model is model), None)


@dataclass(frozen=True)
class SourceLink:
    label: str
    description: str
    url: str


def sources_load(*, partnership: Partnership, recommendations: Iterable[Recommendation]) -> None:
    """Set ``source_link`` (label, description, url) on each recommendation: one query per kind of source."""
    recommendations = list(recommendations)
    ids: dict[str, set[int]] = defaultdict(set)
    for recommendation in recommendations:
        if recommendation.source_kind in _KINDS and recommendation.source_id:
            ids[recommendation.source_kind].add(recommendation.source_id)
    loaded: dict[tuple[str, int], models.Model] = {}
    for kind, pks in ids.items():
        declared = _KINDS[kind]
        for row in declared.model._default_manager.filter(partnership=partnership, pk__in=pks).select_related(
            *declared.related
        ):
            loaded[(kind, row.pk)] = row
    for recommendation in recommendations:
        label = RecommendationSource(recommendation.source_kind).label
        row = loaded.get((recommendation.source_kind, recommendation.source_id or 0))
        if row is None:
            recommendation.source_link = SourceLink(label, recommendation.source_description, "")
        else:
            declared = _KINDS[recommendation.source_kind]
            recommendation.source_link = SourceLink(label, declared.describe(row), declared.url(row))


def source_content_type(kind: str) -> ContentType | None:
    declared = _KINDS.get(kind)
    return ContentType.objects.get_for_model(declared.model) if declared else None
