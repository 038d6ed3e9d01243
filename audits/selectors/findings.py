"""Findings of a case audit: grade distributions per question and agency, findings by learning theme."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear
from django.http import Http404

from audits.models import (
    AuditAnswer,
    AuditFinding,
    AuditReturn,
    AuditRound,
    FindingKind,
    QuestionKind,
    ScaleOption,
    TemplateQuestion,
)
from partnership.models import Partnership, StatutoryPartner

IN_STATES = (AuditReturn.State.SUBMITTED, AuditReturn.State.MODERATED)


@dataclass
class Distribution:
    question: object
    # (label, count, meets_standard) in the scale's order.
    overall: list[tuple[str, int, bool]]
    total: int
    # agency name -> counts in the same order
    by_agency: list[tuple[str, list[int]]] = field(default_factory=list)


def grade_distributions(*, partnership: Partnership, audit_round: AuditRound) -> list[Distribution]:
    """Per graded question of the round's template: how many submitted returns gave each grade, overall and
    per agency, counting the moderated grade where there is one. Two queries."""
    return grade_distributions_of_rounds(partnership=partnership, rounds=[audit_round])[audit_round.pk]


def grade_distributions_of_rounds(
    *, partnership: Partnership, rounds: list[AuditRound], by_agency: bool = True
) -> dict[int, list[Distribution]]:
    """``grade_distributions`` of several rounds at once, by round id: two queries however many rounds (the
    learning hub's findings page shows every round the cycle commissioned). Without ``by_agency`` only the overall
    counts (each ``Distribution.by_agency`` empty), counted without joining the agencies: the learning hub shows no
    more."""
    if not rounds:
        return {}
    scales = _graded_questions(partnership=partnership, versions={r.template_version_id for r in rounds})
    # Counted in the database, by the final grade (the moderated one where there is one): a round's answers run
    # into the thousands (the learning hub's findings page reads two rounds' worth), and bringing each one over to
    # count it here was most of the page's time.
    columns = ["audit_return__case__round_id", "question_id", "final"]
    if by_agency:
        columns.append("audit_return__agency__name")
    answers = (
        AuditAnswer.objects.in_partnership(partnership)
        .filter(audit_return__case__round__in=rounds, audit_return__state__in=IN_STATES)
        .annotate(final=Coalesce("moderated_option_id", "option_id"))
        .filter(final__isnull=False)
        .values_list(*columns)
        .annotate(n=Count("pk"))
        .order_by()
    )
    # round id -> question id -> option id -> count (overall, and per agency name)
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    per_agency: dict[tuple[int, int], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for round_id, question_id, final, *agency_name, n in answers:
        counts[round_id, question_id][final] += n
        if by_agency:
            per_agency[round_id, question_id][agency_name[0]][final] += n
    return {
        r.pk: _distributions(scales.get(r.template_version_id, []), counts, per_agency, round_id=r.pk) for r in rounds
    }


def _graded_questions(
    *, partnership: Partnership, versions: set[int]
) -> dict[int, list[tuple[TemplateQuestion, list[ScaleOption]]]]:
    """The versions' graded questions in the template's order (by section, then within it), each with its scale's
    options in order, by version id: one query, a row per question and option (the scale's options joined on, in
    the partnership too), where sections, questions and options were three."""
    rows = (
        TemplateQuestion.objects.in_partnership(partnership)
        .filter(version_id__in=versions, kind=QuestionKind.GRADE)
        .annotate(
            scale_option=FilteredRelation("scale__options", condition=Q(scale__options__partnership=partnership)),
            option_pk=F("scale_option__id"),
            option_label=F("scale_option__label"),
            option_meets_standard=F("scale_option__meets_standard"),
        )
        .order_by("section__position", "section_id", "position", "id", "scale_option__position", "scale_option__value")
    )
    questions: dict[int, tuple[TemplateQuestion, list[ScaleOption]]] = {}
    for row in rows:
        _question, options = questions.setdefault(row.pk, (row, []))
        if row.option_pk is not None:
            options.append(
                ScaleOption(pk=row.option_pk, label=row.option_label, meets_standard=row.option_meets_standard)
            )
    by_version: dict[int, list[tuple[TemplateQuestion, list[ScaleOption]]]] = defaultdict(list)
    for question, options in questions.values():
        by_version[question.version_id].append((question, options))
    return by_version


def _distributions(questions, counts, per_agency, *, round_id: int) -> list[Distribution]:
    result = []
    for q, options in questions:
        c = counts.get((round_id, q.pk), {})
        option_ids = [o.pk for o in options]
        # dict.get, not a Counter's lookup: a missing grade went through Counter.__missing__, a Python call for
        # every option of every agency of every question (a fifth of the hub findings page's own time).
        result.append(
            Distribution(
                question=q,
                overall=[(o.label, c.get(o.pk, 0), o.meets_standard) for o in options],
                total=sum(c.values()),
                by_agency=[
                    (name, [agency_counts.get(pk, 0) for pk in option_ids])
                    for name, agency_counts in sorted(per_agency.get((round_id, q.pk), {}).items())
                ],
            )
        )
    return result


@dataclass
class ThemeFindings:
    theme: str
    strengths: list[AuditFinding]
    improvements: list[AuditFinding]


def findings_by_theme(*, partnership: Partnership, audit_round: AuditRound) -> list[ThemeFindings]:
    """The round's findings grouped by learning theme (those without one last), strengths then areas. One query."""
    return findings_by_theme_of_rounds(partnership=partnership, rounds=[audit_round])[audit_round.pk]


def findings_by_theme_of_rounds(
    *, partnership: Partnership, rounds: list[AuditRound]
) -> dict[int, list[ThemeFindings]]:
    """``findings_by_theme`` of several rounds at once, by round id: one query however many rounds."""
    if not rounds:
        return {}
    findings = (
        AuditFinding.objects.in_partnership(partnership)
        .filter(round__in=rounds)
        .select_related("theme", "recommendation")
        .order_by("theme__name", "id")
    )
    groups: dict[int, dict[str, ThemeFindings]] = {r.pk: {} for r in rounds}
    for f in findings:
        name = f.theme.name if f.theme_id else "No theme"
        group = groups[f.round_id].setdefault(name, ThemeFindings(theme=name, strengths=[], improvements=[]))
        (group.strengths if f.kind == FindingKind.STRENGTH else group.improvements).append(f)
    return {
        round_id: sorted(by_name.values(), key=lambda g: (g.theme == "No theme", g.theme))
        for round_id, by_name in groups.items()
    }


def audit_finding_get(*, partnership: Partnership, audit_round: AuditRound, pk: int) -> AuditFinding:
    finding = AuditFinding.objects.in_partnership(partnership).filter(round=audit_round, pk=pk).first()
    if finding is None:
        raise Http404("No such finding.")
    return finding


def findings_open(*, partnership: Partnership, audit_round: AuditRound) -> QuerySet[AuditFinding]:
    """The findings not yet raised as recommendations, for the raise form."""
    return (
        AuditFinding.objects.in_partnership(partnership)
        .filter(round=audit_round, recommendation__isnull=True)
        .select_related("theme")
        .order_by("kind", "id")
    )


def practitioners_words(
    *, partnership: Partnership, audit_round: AuditRound, keys: tuple[str, ...]
) -> list[AuditAnswer]:
    """What the submitted returns said to the questions of these keys (e.g. what worked well): one query."""
    return list(
        AuditAnswer.objects.in_partnership(partnership)
        .filter(audit_return__case__round=audit_round, audit_return__state__in=IN_STATES, question__key__in=keys)
        .exclude(text="")
        .select_related("question", "audit_return__agency", "audit_return__case")
        .order_by("question__key", "audit_return__case__position", "audit_return__agency__name")
    )


FINDING_KIND_CHOICES = FindingKind.choices
LEAD_PARTNER_CHOICES = [("", "Choose a partner"), *StatutoryPartner.choices]


# --- Across rounds, for the scrutiny dashboard ------------------------------------------------------------------

# A return's grades, the moderated one where there is one: some grade below the scale's standard, or none.
GRADE_OUTCOMES = (("meets", "Every grade meets the standard"), ("below", "A grade below the standard"))


def _below_standard(return_ref) -> Exists:
    below = Q(moderated_option__isnull=False, moderated_option__meets_standard=False) | Q(
        moderated_option__isnull=True, option__isnull=False, option__meets_standard=False
    )
    return Exists(AuditAnswer.objects.filter(audit_return=return_ref).filter(below))


def _graded_returns(
    *, partnership: Partnership, start: date | None, end: date | None, agency_id: int | None
) -> QuerySet[AuditReturn]:
    # The returns submitted or moderated in rounds due in the period (the round's due day dates its grades).
    returns = AuditReturn.objects.in_partnership(partnership).filter(state__in=IN_STATES)
    if start is not None:
        returns = returns.filter(case__round__due_on__gte=start)
    if end is not None:
        returns = returns.filter(case__round__due_on__lte=end)
    if agency_id is not None:
        returns = returns.filter(agency_id=agency_id)
    return returns.annotate(below=_below_standard(OuterRef("pk")), year=ExtractYear("case__round__due_on"))


def grade_outcomes_by_year(
    *, partnership: Partnership, start: date | None, end: date | None, agency_id: int | None
) -> dict[int, dict[str, int]]:
    """Per year of the rounds' due day (oldest first), the case audit returns whose grades all meet the standard and
    those with one below it: the trend of audit grades across rounds and templates. One query."""
    rows = (
        _graded_returns(partnership=partnership, start=start, end=end, agency_id=agency_id)
        .order_by()
        .values("year")
        .annotate(meets=Count("pk", filter=Q(below=False)), below_count=Count("pk", filter=Q(below=True)))
        .order_by("year")
    )
    return {row["year"]: {"meets": row["meets"], "below": row["below_count"]} for row in rows}


def graded_returns_for_figure(
    *, partnership: Partnership, start: date | None, end: date | None, agency_id: int | None, year: int, outcome: str
) -> QuerySet[AuditReturn]:
    """The returns behind one figure of ``grade_outcomes_by_year``; ``ValueError`` for an unknown outcome."""
    if outcome not in dict(GRADE_OUTCOMES):
        raise ValueError(f"No grade outcome called {outcome!r}.")
    return (
        _graded_returns(partnership=partnership, start=start, end=end, agency_id=agency_id)
        .filter(year=year, below=outcome == "below")
        .select_related("agency", "case__round")
        .order_by("-case__round__due_on", "agency__name", "pk")
    )
