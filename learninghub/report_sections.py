"""The findings report's sections, contributed by the parts of the hub that own them.

The findings report (seed 000, month 4) gathers what the whole cycle produced: the priority, the delivery plan's
data then and now, audit results, feedback, findings by learning theme and draft recommendations. Each part of the
hub knows how to summarise its own records, so each registers a section provider here with ``report_section``;
the report builder asks ``report_sections_for`` for them in their ``order`` and renders whatever they return, in the
PDF and the DOCX alike. A provider returns ``None`` when it has nothing to say for a cycle (no feedback recorded yet,
say), and the report leaves the section out rather than print an empty heading.

Providers live in ``learninghub/selectors/`` and are loaded by ``LearningHubConfig.ready``, which imports every
selector module, so adding a section needs no edit here or in the report builder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from learninghub.models import HubCycle


@dataclass(frozen=True)
class ReportTable:
    """A table in a report: a caption, the column headings and the rows, every cell already text."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ReportSection:
    """One section of the findings report: a heading, paragraphs of text, then tables, in that order."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[ReportTable, ...] = field(default_factory=tuple)


SectionProvider = Callable[["HubCycle"], "ReportSection | None"]

# Orders in use: 10 the priority, 20 the delivery plan's data then and now, 30 audit results, 40 feedback,
# 50 findings by learning theme, 60 draft recommendations. Leave gaps for sections yet to come.
_providers: list[tuple[int, str, SectionProvider]] = []


def report_section(*, key: str, order: int) -> Callable[[SectionProvider], SectionProvider]:
    """Registers ``provider(cycle) -> ReportSection | None`` as the report's section ``key`` at position ``order``.

    Registering the same key twice replaces the first (a module imported again in tests must not double a section).
    """

    def register(provider: SectionProvider) -> SectionProvider:
        _providers[:] = [entry for entry in _providers if entry[1] != key]
        _providers.append((order, key, provider))
        _providers.sort(key=lambda entry: (entry[0], entry[1]))
        return provider

    return register


def report_sections_for(cycle: HubCycle) -> list[ReportSection]:
    """Every registered section with something to say about ``cycle``, in report order."""
    sections = []
    for _order, _key, provider in list(_providers):
        section = provider(cycle)
        if section is not None:
            sections.append(section)
    return sections


def report_section_keys() -> list[str]:
    """The registered sections' keys, in report order (for tests and the report's table of contents)."""
    return [key for _order, key, _provider in _providers]
