"""The scrutiny reports' sections, contributed by the parts of scrutiny that own them.

The quarterly scrutiny report and the annual report (issue 17, item 5) gather the dashboard's charts and tables,
challenges and responses, recommendations and action progress, themes, the quarterly data sets, the scrutiny plan's
activities, professional disagreements, the agencies' annual reports and the narrative the scrutineer writes. Each
part of scrutiny knows how to summarise its own records for a period, so each registers a section provider here
with ``report_section``; the report builder asks ``report_sections_for`` for them in their ``order`` and renders
whatever they return, in the PDF and the DOCX alike. A provider returns ``None`` when it has nothing to say for the
period, and the report leaves the section out rather than print an empty heading.

Providers live in ``scrutiny/selectors/`` and are loaded by ``ScrutinyConfig.ready``, which imports every selector
module, so adding a section needs no edit here or in the report builder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from partnership.models import Partnership


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: one partnership, the first and last day of its period, and which report it is."""

    partnership: Partnership
    start: date
    end: date
    kind: str  # "quarterly" or "annual"


@dataclass(frozen=True)
class ReportChart:
    """A chart in a report: the SVG (from ``scrutiny.charts``, the same code the pages use) and its text equivalent."""

    title: str
    description: str
    svg: str


@dataclass(frozen=True)
class ReportTable:
    """A table in a report: a caption, the column headings and the rows, every cell already text."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ReportSection:
    """One section of a report: a heading, paragraphs of text, charts, then tables, in that order."""

    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    charts: tuple[ReportChart, ...] = field(default_factory=tuple)
    tables: tuple[ReportTable, ...] = field(default_factory=tuple)


SectionProvider = Callable[[ReportScope], "ReportSection | None"]

# Orders in use: 10 the scrutineer's narrative (introduction), 20 the dashboard's figures, 25 open reviews and their
# deadlines, 30 recommendations and action progress, 40 learning themes, 50 quarterly data sets, 60 challenges and
# responses, 70 the scrutiny plan's activities, 80 professional disagreements, 90 the agencies' annual reports, 100
# the narrative's conclusions. Leave gaps for sections yet to come.
_providers: list[tuple[int, str, SectionProvider]] = []


def report_section(*, key: str, order: int) -> Callable[[SectionProvider], SectionProvider]:
    """Registers ``provider(scope) -> ReportSection | None`` as the reports' section ``key`` at position ``order``.

    Registering the same key twice replaces the first (a module imported again in tests must not double a section).
    """

    def register(provider: SectionProvider) -> SectionProvider:
        _providers[:] = [entry for entry in _providers if entry[1] != key]
        _providers.append((order, key, provider))
        _providers.sort(key=lambda entry: (entry[0], entry[1]))
        return provider

    return register


def report_sections_for(scope: ReportScope) -> list[ReportSection]:
    """Every registered section with something to say about ``scope``, in report order."""
    sections = []
    for _order, _key, provider in list(_providers):
        section = provider(scope)
        if section is not None:
            sections.append(section)
    return sections


def report_section_keys() -> list[str]:
    """The registered sections' keys, in report order (for tests and the report's table of contents)."""
    return [key for _order, key, _provider in _providers]
