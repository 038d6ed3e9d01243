"""Reads of Section 11 and s175 self-assessments, and the rule of who may see and answer a return."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from audits.models import (
    GapAction,
    ReturnStandard,
    ReturnUserObjectPermission,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
    TemplateKind,
    TemplateSection,
    TemplateVersion,
)
from audits.selectors.access import AGENCY_LEAD, CYCLE_MANAGERS, CYCLE_READERS
from audits.selectors.templates import section_questions
from partnership.models import Membership, Partnership
from partnership.models.recommendations import StoredFile

RETURN_DEADLINE = "sa.return"
CHANGE_RETURN = "change_selfassessmentreturn"


def cycle_list(*, partnership: Partnership) -> QuerySet[SelfAssessmentCycle]:
    """The cycles, newest year first, each with its number of returns and of submitted ones."""
    return (
        SelfAssessmentCycle.objects.in_partnership(partnership)
        .select_related("version__template")
        .annotate(
            return_count=Count("returns"),
            submitted_count=Count(
                "returns",
                filter=Q(
                    returns__state__in=[SelfAssessmentReturn.State.SUBMITTED, SelfAssessmentReturn.State.MODERATED]
                ),
            ),
        )
        .order_by("-year", "kind")
    )


def cycle_get(*, partnership: Partnership, cycle_id: int) -> SelfAssessmentCycle:
    cycle = (
        SelfAssessmentCycle.objects.in_partnership(partnership)
        .select_related("version__template")
        .filter(pk=cycle_id)
        .first()
    )
    if cycle is None:
        raise Http404("No such cycle.")
    return cycle


def cycle_state_counts(*, partnership: Partnership, cycle: SelfAssessmentCycle) -> dict[str, int]:
    counts = dict(
        SelfAssessmentReturn.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .order_by()  # not by agency name (the model's ordering): no join to the agencies
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return {state: counts.get(state, 0) for state in SelfAssessmentReturn.State.values}


def cycle_returns(
    *, partnership: Partnership, cycle: SelfAssessmentCycle, state: str = "", search: str = ""
) -> QuerySet[SelfAssessmentReturn]:
    """A cycle's returns by agency name, with the agency and school joined and the standards scored counted.

    The count is a subquery per row, not a join grouped over the whole cycle: PostgreSQL then counts for the
    page of rows it returns only (and the paginator's count reads no standard), so a page of 25 costs the
    same with 535 schools as with 30."""
    scored = (
        ReturnStandard.objects.in_partnership(partnership)
        .filter(assessment_return=OuterRef("pk"), self_score__isnull=False)
        .order_by()
        .values("assessment_return")
        .annotate(n=Count("pk"))
        .values("n")
    )
    returns = (
        SelfAssessmentReturn.objects.in_partnership(partnership)
        # The agencies' partnership said as well (it is the return's): see ``matrix_returns``.
        .filter(cycle=cycle, agency__partnership=partnership)
        .select_related("agency", "school")
        .annotate(scored=Coalesce(Subquery(scored), 0))
        .order_by("agency__name", "pk")
    )
    if state:
        returns = returns.filter(state=state)
    if search.strip():
        returns = returns.filter(Q(agency__name__icontains=search.strip()) | Q(school__urn=search.strip()))
    return returns


def published_self_assessment_versions(*, partnership: Partnership) -> list[TemplateVersion]:
    """The published Section 11 and s175 template versions a cycle can ask, newest first."""
    return list(
        TemplateVersion.objects.in_partnership(partnership)
        .filter(state=TemplateVersion.State.PUBLISHED, template__kind__in=[k.value for k in _KINDS])
        .select_related("template")
        .order_by("template__name", "-number")
    )


_KINDS = (TemplateKind.SECTION_11, TemplateKind.SECTION_175)


# --- Who may see and answer a return --------------------------------------------------------


def return_answerable_by(*, membership: Membership, assessment_return: SelfAssessmentReturn) -> bool:
    """An agency lead of the return's own agency, or someone granted the return (django-guardian)."""
    if membership.partnership_id != assessment_return.partnership_id or not membership.is_active:
        return False
    if membership.has_role(AGENCY_LEAD) and membership.agency_id == assessment_return.agency_id:
        return True
    if getattr(assessment_return, "grant_read_for", None) == membership.person_id:
        return assessment_return.granted_to_reader  # read with the return by return_get: no query of its own
    return _grants(membership).filter(content_object=assessment_return).exists()


def _grants(membership: Membership) -> QuerySet[ReturnUserObjectPermission]:
    """The member's django-guardian grants to answer a return."""
    return ReturnUserObjectPermission.objects.filter(user_id=membership.person_id, permission__codename=CHANGE_RETURN)


def return_visible_to(*, membership: Membership, assessment_return: SelfAssessmentReturn) -> bool:
    return membership.has_role(*CYCLE_READERS) or return_answerable_by(
        membership=membership, assessment_return=assessment_return
    )


def return_get(*, partnership: Partnership, membership: Membership, return_id: int) -> SelfAssessmentReturn:
    """A return the member may see; another agency's, another partnership's or a missing one is 404 alike.

    Whether the member was granted the return comes in the same query, so that deciding who may see and
    answer it (``return_answerable_by``) on the return's pages costs none of its own. The cycle comes without its
    template version and template, which no return page shows: each table joined makes PostgreSQL weigh more
    join orders, and with them this one query took 2.8 ms to plan and 0.3 ms to run (issue 13)."""
    found = (
        SelfAssessmentReturn.objects.in_partnership(partnership)
        .select_related("cycle", "agency", "school", "submitted_by", "moderated_by")
        .annotate(granted_to_reader=Exists(_grants(membership).filter(content_object=OuterRef("pk"))))
        .filter(pk=return_id)
        .first()
    )
    if found is None:
        raise Http404("No such return.")
    found.grant_read_for = membership.person_id
    if not return_visible_to(membership=membership, assessment_return=found):
        raise Http404("No such return.")
    return found


def returns_for_member(*, partnership: Partnership, membership: Membership) -> QuerySet[SelfAssessmentReturn]:
    """The returns this member answers: their agency's (as its lead) and any granted to them; newest first,
    with the cycle, agency and school joined."""
    granted = _grants(membership).filter(content_object__partnership=partnership).values("content_object_id")
    mine = Q(pk__in=granted)
    if membership.has_role(AGENCY_LEAD):
        mine |= Q(agency_id=membership.agency_id)
    return (
        SelfAssessmentReturn.objects.in_partnership(partnership)
        .filter(mine)
        .select_related("cycle", "agency", "school")  # the API gives each school's URN
        .order_by("-cycle__year", "agency__name")
    )


def can_manage_cycles(membership: Membership) -> bool:
    return membership.has_role(*CYCLE_MANAGERS)


# --- A return's page ------------------------------------------------------------------------


@dataclass
class StandardView:
    standard: ReturnStandard
    section: TemplateSection
    questions: list
    actions: list[GapAction]
    files: list[StoredFile]

    def _label(self, value: int | None) -> str:
        for question in self.questions:
            if question.kind == "grade":
                return next((o.label for o in question.scale.options.all() if o.value == value), "")
        return ""

    @property
    def self_score_label(self) -> str:
        return self._label(self.standard.self_score)

    @property
    def moderated_score_label(self) -> str:
        return self._label(self.standard.moderated_score)


def return_standards(*, partnership: Partnership, assessment_return: SelfAssessmentReturn) -> list[StandardView]:
    """Every standard of the return with its section, questions, scale options, actions and evidence: five
    queries (the sections come joined to the standards, one to one, not read apart)."""
    standards = list(
        ReturnStandard.objects.in_partnership(partnership)
        .filter(assessment_return=assessment_return)
        .select_related("section")
        .prefetch_related(
            Prefetch("section__questions", queryset=section_questions(partnership=partnership)),
            Prefetch("actions", queryset=GapAction.objects.in_partnership(partnership)),
        )
        .order_by("position", "pk")
    )
    files: dict[int, list[StoredFile]] = {}
    owner_type = ContentType.objects.get_for_model(ReturnStandard)
    for stored in (
        StoredFile.objects.in_partnership(partnership)
        .filter(owner_type=owner_type, owner_id__in=[s.pk for s in standards])
        .defer("data")
        .order_by("pk")
    ):
        files.setdefault(stored.owner_id, []).append(stored)
    return [
        StandardView(
            standard=s,
            section=s.section,
            questions=list(s.section.questions.all()),
            actions=list(s.actions.all()),
            files=files.get(s.pk, []),
        )
        for s in standards
    ]


def return_standard_get(
    *, partnership: Partnership, assessment_return: SelfAssessmentReturn, standard_id: int
) -> ReturnStandard:
    standard = (
        ReturnStandard.objects.in_partnership(partnership)
        .filter(assessment_return=assessment_return, pk=standard_id)
        .select_related("section")
        .first()
    )
    if standard is None:
        raise Http404("No such standard.")
    return standard


def standard_evidence_get(*, partnership: Partnership, standard: ReturnStandard, evidence_id: int) -> StoredFile:
    stored = (
        StoredFile.objects.in_partnership(partnership)
        .filter(owner_type=ContentType.objects.get_for_model(ReturnStandard), owner_id=standard.pk, pk=evidence_id)
        .first()
    )
    if stored is None:
        raise Http404("No such file.")
    return stored


def gap_action_get(*, partnership: Partnership, standard: ReturnStandard, gap_action_id: int) -> GapAction:
    action = GapAction.objects.in_partnership(partnership).filter(standard=standard, pk=gap_action_id).first()
    if action is None:
        raise Http404("No such action.")
    return action
