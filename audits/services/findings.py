"""Findings of a case audit: strengths and areas to improve under learning themes, raised as recommendations.

A finding is raised once: ``audit_findings_raise`` drafts one recommendation
per finding through the kernel (source kind "audit round", the round as its
source, the finding's theme tagged) and links each finding to it, all in one
transaction, so a refused one raises none.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from audits.models import AuditFinding, AuditRound, FindingKind
from audits.selectors.findings import findings_by_theme, grade_distributions, practitioners_words
from audits.selectors.rounds import ROUND_READ_ROLES, audit_round_page
from audits.services.rounds import _theme
from partnership.models import LearningTheme, Partnership, Person
from partnership.models.recommendations import RecommendationSource
from partnership.services.documents import document_render_request
from partnership.services.history import tenant_create, tenant_delete, tenant_update
from partnership.services.recommendations import recommendation_create

TEXT_MAX_LENGTH = 1000
FINDINGS_PER_RAISE_MAX = 50


@transaction.atomic
def audit_finding_add(
    *, partnership: Partnership, actor: Person, audit_round: AuditRound, kind: str, text: str, theme_id=None
) -> AuditFinding:
    """Record a strength or an area to improve (under the round's theme unless another is chosen)."""
    errors: dict[str, list[str]] = {}
    text = " ".join((text or "").split())
    if kind not in FindingKind.values:
        errors["kind"] = ["Choose a strength or an area to improve."]
    if not text:
        errors["text"] = ["Write the finding."]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [f"Use at most {TEXT_MAX_LENGTH:,} characters."]
    theme = _theme(partnership=partnership, theme_id=theme_id, errors=errors)
    if errors:
        raise ValidationError(errors)
    if theme is None and audit_round.theme_id is not None:
        theme = LearningTheme.objects.in_partnership(partnership).filter(pk=audit_round.theme_id).first()
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=AuditFinding(partnership=partnership, round=audit_round, kind=kind, text=text, theme=theme),
    )


@transaction.atomic
def audit_finding_remove(*, partnership: Partnership, actor: Person, finding: AuditFinding) -> None:
    """Take a finding away; one raised as a recommendation stays (the recommendation cites it)."""
    locked = AuditFinding.objects.in_partnership(partnership).select_for_update().filter(pk=finding.pk).first()
    if locked is None:
        raise ValidationError("No such finding in this partnership.")
    if locked.recommendation_id is not None:
        raise ValidationError("This finding has been raised as a recommendation: it stays.", code="raised")
    tenant_delete(partnership=partnership, actor=actor, instance=locked)


@transaction.atomic
def audit_findings_raise(
    *,
    partnership: Partnership,
    actor: Person,
    audit_round: AuditRound,
    finding_ids: Iterable,
    lead_partner: str,
) -> list[AuditFinding]:
    """Raise the chosen areas to improve as draft recommendations, in one step; returns the findings raised."""
    ids: list[int] = []
    for raw in finding_ids:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise ValidationError({"finding_ids": ["Choose findings from the list."]}) from None
        if value not in ids:
            ids.append(value)
    if not ids:
        raise ValidationError({"finding_ids": ["Choose at least one finding to raise."]})
    if len(ids) > FINDINGS_PER_RAISE_MAX:
        raise ValidationError({"finding_ids": [f"Raise at most {FINDINGS_PER_RAISE_MAX} at a time."]})
    findings = list(
        AuditFinding.objects.in_partnership(partnership)
        .select_for_update()
        .filter(round=audit_round, pk__in=[i for i in ids if 0 < i < 2**63])
        .order_by("id")
    )
    if len(findings) != len(ids):
        raise ValidationError({"finding_ids": ["Choose findings of this audit from the list."]})
    if any(f.recommendation_id for f in findings):
        raise ValidationError({"finding_ids": ["One of these has been raised already."]})
    for finding in findings:
        recommendation = recommendation_create(
            partnership=partnership,
            actor=actor,
            text=finding.text,
            lead_partner=lead_partner,
            source_kind=RecommendationSource.AUDIT_ROUND,
            source_id=audit_round.pk,
            rationale=f"{finding.get_kind_display()} found by the case audit “{audit_round.title}”.",
            theme_ids=[finding.theme_id] if finding.theme_id else [],
        )
        tenant_update(partnership=partnership, actor=actor, instance=finding, data={"recommendation": recommendation})
    return findings


DOCUMENT_KIND = "audit_findings"
DOCUMENT_TEMPLATE = "audits/findings_print.html"


@transaction.atomic
def audit_findings_pdf_request(*, partnership: Partnership, actor: Person, audit_round: AuditRound):
    """Ask the worker for the findings summary PDF of the round as it is now (the kernel's documents service).

    Returns the document version (an existing one when nothing changed since). Readable by the roles that
    read case audits.
    """
    page = audit_round_page(partnership=partnership, audit_round=audit_round)
    context = {
        "audit_round": audit_round,
        "theme_name": audit_round.theme.name if audit_round.theme_id else "",
        "template_name": str(audit_round.template_version.template),
        "version_number": audit_round.template_version.number,
        "screened": page.screened,
        "selected": page.selected,
        "returns_by_state": page.returns_by_state,
        "distributions": grade_distributions(partnership=partnership, audit_round=audit_round),
        "themes": findings_by_theme(partnership=partnership, audit_round=audit_round),
        "words": practitioners_words(
            partnership=partnership, audit_round=audit_round, keys=("overall-strengths", "overall-improvements")
        ),
        "partnership_name": partnership.name,
    }
    return document_render_request(
        partnership=partnership,
        actor=actor,
        subject=audit_round,
        kind=DOCUMENT_KIND,
        title=f"Findings of the case audit “{audit_round.title}”",
        template_name=DOCUMENT_TEMPLATE,
        context=context,
        audience=sorted(ROUND_READ_ROLES),
    )
