"""Reads of a cycle's findings: its commissioned case audits (grades and findings, through the audits' own
selectors), what the hub found by learning theme, its draft recommendations and its success measures; and the
findings report's sections for them (``learninghub.report_sections``).

The findings page reads a fixed number of queries for the cycle's own rows, plus the audits' selectors' few for all
of its commissioned rounds at once (a cycle commissions one or two), plus one for the managers' forms' choices.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db.models import DateField, F, IntegerField, QuerySet, Value
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from audits.models import AuditRound
from audits.selectors.findings import (
    Distribution,
    ThemeFindings,
    findings_by_theme_of_rounds,
    grade_distributions_of_rounds,
)
from audits.selectors.rounds import case_audit_version_choices
from learninghub.models import HubAuditLink, HubCycle, HubDraftRecommendation, HubFinding, HubMeasure, HubPhase
from learninghub.models.cycles import PhaseKind
from learninghub.report_sections import ReportSection, ReportTable, report_section
from learninghub.selectors.cycles import hub_phases
from partnership.figures_cache import figures_cached
from partnership.models import MANAGER_ROLES, OVERSIGHT_ROLES, Partnership, StatutoryPartner
from partnership.models.recommendations import LearningTheme

# The business managers, who run the hub, write the findings; leadership and the scrutineer read them (they
# hold the audits' grades, which the audits show to the same roles).
FINDINGS_READ_ROLES = OVERSIGHT_ROLES
FINDINGS_MANAGE_ROLES = MANAGER_ROLES
DraftState = HubDraftRecommendation.State
LEAD_PARTNERS = dict(StatutoryPartner.choices)
# The findings report's DOCX, a kind of export (``learninghub.export_declarations``).
FINDINGS_REPORT_KIND = "hub.findings_report"


@dataclass
class AuditResult:
    link: HubAuditLink
    audit_round: AuditRound
    distributions: list[Distribution]
    themes: list[ThemeFindings]


@dataclass
class ThemeGroup:
    theme: LearningTheme
    findings: list[HubFinding]


@dataclass
class FindingsPage:
    cycle: HubCycle
    audits: list[AuditResult]
    themes: list[ThemeGroup]
    drafts: list[HubDraftRecommendation]
    measures: list[HubMeasure]
    phases: dict[str, HubPhase] = field(default_factory=dict)
    today: date | None = None

    def _from(self, kind: str) -> bool:
        phase = self.phases.get(kind)
        return phase is not None and self.today is not None and self.today >= phase.starts_on

    @property
    def audits_open(self) -> bool:
        """Month 2 has begun: the hub commissions audits."""
        return self._from(PhaseKind.AUDITING)

    @property
    def agreeing_open(self) -> bool:
        """Month 4 has begun: the hub agrees its recommendations."""
        return self._from(PhaseKind.FINDINGS)

    @property
    def review_open(self) -> bool:
        """The impact review has begun: the values after are recorded, the values at the start no more."""
        return self._from(PhaseKind.IMPACT_REVIEW)

    @property
    def open_drafts(self) -> list[HubDraftRecommendation]:
        return [d for d in self.drafts if d.state == DraftState.DRAFT]


def hub_audit_links(*, partnership: Partnership, cycle: HubCycle) -> list[HubAuditLink]:
    """The cycle's audits with their rounds: what the page, the report and the API say of a round is its title,
    state and template version (an id), so no theme or template is joined (four tables to build SQL for and
    plan, on every findings page)."""
    return list(
        HubAuditLink.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .select_related("audit_round")
        .order_by("created_at", "id")
    )


def hub_audit_link_get(*, partnership: Partnership, cycle: HubCycle, link_id: int) -> HubAuditLink:
    link = HubAuditLink.objects.in_partnership(partnership).filter(cycle=cycle, pk=link_id).first()
    if link is None:
        raise Http404("No such audit of this cycle.")
    return link


def hub_audit_results(*, partnership: Partnership, cycle: HubCycle) -> list[AuditResult]:
    """Each commissioned round with its grade distributions and findings by theme (the audits' selectors, which
    read every round at once: four queries however many rounds the cycle commissioned)."""
    links = hub_audit_links(partnership=partnership, cycle=cycle)
    rounds = [link.audit_round for link in links]
    # Overall counts only: the hub's page, report and API show no agency's.
    distributions = grade_distributions_of_rounds(partnership=partnership, rounds=rounds, by_agency=False)
    themes = findings_by_theme_of_rounds(partnership=partnership, rounds=rounds)
    return [
        AuditResult(
            link=link,
            audit_round=link.audit_round,
            distributions=distributions[link.audit_round_id],
            themes=themes[link.audit_round_id],
        )
        for link in links
    ]


def hub_audit_results_kept(*, partnership: Partnership, cycle: HubCycle) -> list[AuditResult]:
    """``hub_audit_results``, kept until the partnership's records change (``partnership.figures_cache``): a
    cycle's audits' grades and findings are figures, the same for every reader of the findings page and its API,
    and their four queries were a fifth of that page (issue 13). The first reader after any change works them out
    afresh."""
    return figures_cached(
        partnership_id=partnership.pk,
        parts=("hub audit results", cycle.pk),
        compute=lambda: hub_audit_results(partnership=partnership, cycle=cycle),
    )


def hub_findings(*, partnership: Partnership, cycle: HubCycle) -> list[HubFinding]:
    return list(
        HubFinding.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .select_related("theme")
        .order_by("theme__name", "created_at", "id")
    )


def hub_finding_queryset(*, partnership: Partnership) -> QuerySet[HubFinding]:
    """The partnership's hub findings, every cycle's (the API's scoped rows)."""
    return HubFinding.objects.in_partnership(partnership).select_related("theme")


def hub_findings_by_theme(findings: list[HubFinding]) -> list[ThemeGroup]:
    groups: dict[int, ThemeGroup] = {}
    for finding in findings:
        groups.setdefault(finding.theme_id, ThemeGroup(theme=finding.theme, findings=[])).findings.append(finding)
    return sorted(groups.values(), key=lambda g: g.theme.name.lower())


def hub_finding_get(*, partnership: Partnership, cycle: HubCycle, finding_id: int) -> HubFinding:
    finding = HubFinding.objects.in_partnership(partnership).filter(cycle=cycle, pk=finding_id).first()
    if finding is None:
        raise Http404("No such finding.")
    return finding


def hub_drafts(*, partnership: Partnership, cycle: HubCycle) -> list[HubDraftRecommendation]:
    return list(
        HubDraftRecommendation.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .select_related("theme", "recommendation")
        .order_by("created_at", "id")
    )


def hub_draft_get(*, partnership: Partnership, cycle: HubCycle, draft_id: int) -> HubDraftRecommendation:
    draft = (
        HubDraftRecommendation.objects.in_partnership(partnership)
        .filter(cycle=cycle, pk=draft_id)
        .select_related("theme", "recommendation")
        .first()
    )
    if draft is None:
        raise Http404("No such draft recommendation.")
    return draft


def hub_measures(*, partnership: Partnership, cycle: HubCycle) -> list[HubMeasure]:
    return list(HubMeasure.objects.in_partnership(partnership).filter(cycle=cycle).order_by("created_at", "id"))


def hub_measure_get(*, partnership: Partnership, cycle: HubCycle, measure_id: int) -> HubMeasure:
    measure = HubMeasure.objects.in_partnership(partnership).filter(cycle=cycle, pk=measure_id).first()
    if measure is None:
        raise Http404("No such success measure.")
    return measure


def hub_findings_page(
    *, partnership: Partnership, cycle: HubCycle, phases: list[HubPhase] | None = None, today: date | None = None
) -> FindingsPage:
    """Everything the findings page shows: four queries for the cycle's rows (five without its ``phases``, which
    ``hub_cycle_with_phases_get`` reads with the cycle), and the audits' four for every round at once, kept between
    requests until the partnership's records change (``hub_audit_results_kept``)."""
    if phases is None:
        phases = hub_phases(partnership=partnership, cycle=cycle)
    findings = hub_findings(partnership=partnership, cycle=cycle)
    return FindingsPage(
        cycle=cycle,
        audits=hub_audit_results_kept(partnership=partnership, cycle=cycle),
        themes=hub_findings_by_theme(findings),
        drafts=hub_drafts(partnership=partnership, cycle=cycle),
        measures=hub_measures(partnership=partnership, cycle=cycle),
        phases={p.kind: p for p in phases},
        today=today or timezone.localdate(),
    )


def audit_round_link_choices(*, partnership: Partnership, cycle: HubCycle) -> QuerySet[AuditRound]:
    """The partnership's case audit rounds not yet linked to the cycle, newest due first."""
    linked = HubAuditLink.objects.in_partnership(partnership).filter(cycle=cycle).values("audit_round_id")
    return AuditRound.objects.in_partnership(partnership).exclude(pk__in=linked).order_by("-due_on", "-id")


def _active_themes(*, partnership: Partnership) -> QuerySet[LearningTheme]:
    return LearningTheme.objects.in_partnership(partnership).filter(is_active=True).order_by("name")


class Choice(NamedTuple):
    pk: int
    label: str


@dataclass
class FindingsChoices:
    """What the managers' forms offer: the active learning themes (by name), the published case audit template
    versions (by template, newest version first) and the rounds not yet linked to the cycle (newest due first)."""

    themes: list[Choice]
    versions: list[Choice]
    rounds: list[Choice]


_THEME, _VERSION, _ROUND = 0, 1, 2


def findings_choices(*, partnership: Partnership, cycle: HubCycle) -> FindingsChoices:
    """The three lists of ``FindingsChoices`` in one query (a union of the three reads, each in the partnership),
    where they were three of the findings page's queries. One ``ORDER BY`` keeps each list in its own order: the
    themes by name, the versions by template name then newest number, the rounds (their sort text empty) newest due
    first."""
    # Typed NULLs: PostgreSQL takes two bare ones in a column for text, which a date or a number then fails to match.
    no_number, no_day = Cast(Value(None), IntegerField()), Cast(Value(None), DateField())
    themes = (
        _active_themes(partnership=partnership)
        .annotate(kind=Value(_THEME), sort_text=F("name"), label=F("name"), number=no_number, due_on_=no_day)
        .values_list("kind", "pk", "sort_text", "label", "number", "due_on_")
        .order_by()
    )
    versions = (
        case_audit_version_choices(partnership=partnership)
        .annotate(kind=Value(_VERSION), sort_text=F("template__name"), label=F("template__name"), due_on_=no_day)
        .values_list("kind", "pk", "sort_text", "label", "number", "due_on_")
        .order_by()
    )
    rounds = (
        audit_round_link_choices(partnership=partnership, cycle=cycle)
        .annotate(kind=Value(_ROUND), sort_text=Value(""), label=F("title"), number_=no_number)
        .values_list("kind", "pk", "sort_text", "label", "number_", "due_on")
        .order_by()
    )
    rows = themes.union(versions, rounds, all=True).order_by("kind", "sort_text", "-number", "-due_on_", "-pk")
    lists: dict[int, list[Choice]] = {_THEME: [], _VERSION: [], _ROUND: []}
    for kind, pk, _sort_text, label, number, _due_on in rows:
        lists[kind].append(Choice(pk, f"{label} (version {number})" if kind == _VERSION else label))
    return FindingsChoices(themes=lists[_THEME], versions=lists[_VERSION], rounds=lists[_ROUND])


def success_measure_suggestions(*, cycle: HubCycle, measures: list[HubMeasure]) -> list[str]:
    """The priority's success measures (one a line) the cycle has no value for yet."""
    have = {m.name.lower() for m in measures}
    lines = [" ".join(line.split()) for line in (cycle.priority.success_measures or "").splitlines()]
    return [line for line in lines if line and line.lower() not in have]


# --- The findings report's sections -----------------------------------------------------------------------


def _number(value) -> str:
    if value is None:
        return "Not recorded"
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _measure_row(measure: HubMeasure) -> tuple[str, ...]:
    unit = f" {measure.unit}" if measure.unit else ""
    change = measure.change
    if change is None:
        verdict = "Not reviewed yet"
    else:
        improved = measure.improved
        verdict = "No change" if improved is None else ("Better" if improved else "Worse")
        verdict = f"{'+' if change > 0 else ''}{_number(change)}{unit} ({verdict.lower()})"
    return (
        measure.name,
        f"{_number(measure.value_at_start)}{unit}",
        f"{_number(measure.value_at_review)}{unit}" if measure.value_at_review is not None else "Not recorded",
        verdict,
    )


@report_section(key="priority", order=10)
def priority_section(cycle: HubCycle) -> ReportSection:
    partnership = cycle.partnership
    priority = cycle.priority
    paragraphs = [f"{priority.title} ({priority.period})."]
    if priority.description:
        paragraphs.append(priority.description)
    lead = LEAD_PARTNERS.get(priority.lead_partner, "")
    paragraphs.append(f"Led by {lead.lower()}." if lead else "Led by the three partners together.")
    measures = hub_measures(partnership=partnership, cycle=cycle)
    tables = ()
    if measures:
        tables = (
            ReportTable(
                caption="Success measures at the start of the cycle and at the impact review",
                headers=("Measure", "At the start", "At the impact review", "Change"),
                rows=tuple(_measure_row(m) for m in measures),
            ),
        )
    elif priority.success_measures.strip():
        paragraphs.append("Success measures: " + "; ".join(success_measure_suggestions(cycle=cycle, measures=[])))
    return ReportSection(key="priority", title="The priority", paragraphs=tuple(paragraphs), tables=tables)


@report_section(key="audit_results", order=30)
def audit_results_section(cycle: HubCycle) -> ReportSection | None:
    results = hub_audit_results(partnership=cycle.partnership, cycle=cycle)
    if not results:
        return None
    paragraphs: list[str] = []
    tables: list[ReportTable] = []
    for result in results:
        paragraphs.append(f"Case audit “{result.audit_round.title}” ({result.audit_round.get_state_display()}).")
        for group in result.themes:
            for finding in group.strengths:
                paragraphs.append(f"{group.theme}, strength: {finding.text}")
            for finding in group.improvements:
                paragraphs.append(f"{group.theme}, area to improve: {finding.text}")
        graded = [d for d in result.distributions if d.total]
        if graded:
            labels = tuple(label for label, _count, _meets in graded[0].overall)
            tables.append(
                ReportTable(
                    caption=f"Grades given in “{result.audit_round.title}”",
                    headers=("Question", *labels, "Returns"),
                    rows=tuple(
                        (str(d.question.text), *(str(count) for _l, count, _m in d.overall), str(d.total))
                        for d in graded
                    ),
                )
            )
    return ReportSection(key="audit_results", title="Audit results", paragraphs=tuple(paragraphs), tables=tuple(tables))


@report_section(key="findings_by_theme", order=50)
def findings_by_theme_section(cycle: HubCycle) -> ReportSection | None:
    groups = hub_findings_by_theme(hub_findings(partnership=cycle.partnership, cycle=cycle))
    if not groups:
        return None
    return ReportSection(
        key="findings_by_theme",
        title="Findings by learning theme",
        tables=(
            ReportTable(
                caption="What the hub found",
                headers=("Learning theme", "Finding"),
                rows=tuple((g.theme.name, f.text) for g in groups for f in g.findings),
            ),
        ),
    )


@report_section(key="draft_recommendations", order=60)
def draft_recommendations_section(cycle: HubCycle) -> ReportSection | None:
    drafts = [d for d in hub_drafts(partnership=cycle.partnership, cycle=cycle) if d.state != DraftState.DROPPED]
    if not drafts:
        return None
    rows = tuple(
        (
            d.text,
            LEAD_PARTNERS[d.lead_partner],
            d.theme.name if d.theme_id else "",
            f"Agreed: {d.recommendation.reference}, {d.recommendation.get_state_display().lower()}"
            if d.recommendation_id
            else d.get_state_display(),
        )
        for d in drafts
    )
    return ReportSection(
        key="draft_recommendations",
        title="Recommendations",
        tables=(
            ReportTable(
                caption="Recommendations drafted by the hub",
                headers=("Recommendation", "Lead partner", "Learning theme", "Where it is"),
                rows=rows,
            ),
        ),
    )
