"""The summary PDF of one agency's (or school's) self-assessment return, rendered by the worker.

``return_summary_pdf_request`` draws the return as it is now (each standard's
self and moderated scores, the challenge notes, the evidence narrative, the
names of the evidence files, the gap actions and those agreed at the challenge
event, the signatures, and the change per standard since the previous cycle,
read with the compliance matrix's own ``matrix_rows``) and hands it to the
kernel's documents service: a new version when anything changed since the last
one, the same version otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from audits.models import QuestionKind, SelfAssessmentReturn, YesPartlyNo
from audits.selectors.compliance_matrix import MODERATED, SELF, MatrixCell, matrix_rows, previous_cycle_of
from audits.selectors.self_assessment import StandardView, return_standards, return_visible_to
from partnership.models import DocumentVersion, Membership, Partnership
from partnership.services.documents import document_render_request

DOCUMENT_KIND = "self_assessment_summary"
DOCUMENT_TEMPLATE = "audits/self_assessment/return_print.html"
NOT_VISIBLE = "Only those who may read this return can ask for its summary."


@dataclass(frozen=True)
class StandardSummary:
    view: StandardView
    # The standard's written answers (the evidence narrative and any other text), as (question, answer).
    narrative: list[tuple[str, str]]
    self_change: MatrixCell
    moderated_change: MatrixCell

    @property
    def own_actions(self):
        return [a for a in self.view.actions if not a.agreed_at_challenge]

    @property
    def agreed_actions(self):
        return [a for a in self.view.actions if a.agreed_at_challenge]


def _narrative(view: StandardView) -> list[tuple[str, str]]:
    """Every answer but the score and the files (shown apart): the evidence narrative, and in a partnership's
    own template any yes/partly/no or number questions, in the template's order."""
    written = []
    for question in view.questions:
        answer = view.standard.answers.get(question.key)
        if question.kind in (QuestionKind.GRADE, QuestionKind.EVIDENCE) or answer is None:
            continue
        if question.kind == QuestionKind.YES_PARTLY_NO:
            answer = dict(YesPartlyNo.choices).get(answer, answer)
        answer = str(answer).strip()
        if answer:
            written.append((question.text, answer))
    return written


def return_summary(*, partnership: Partnership, assessment_return: SelfAssessmentReturn) -> dict:
    """What the summary shows, as the template's context. The year-on-year change comes from the compliance
    matrix's ``matrix_rows`` on both bases (self and moderated) for this one return."""
    views = return_standards(partnership=partnership, assessment_return=assessment_return)
    sections = [v.section for v in views]
    previous = previous_cycle_of(partnership=partnership, cycle=assessment_return.cycle)
    rows = {
        basis: matrix_rows(
            partnership=partnership,
            returns=[assessment_return],
            standards=sections,
            previous_cycle=previous,
            basis=basis,
        )[0].cells
        for basis in (SELF, MODERATED)
    }
    standards = [
        StandardSummary(
            view=view, narrative=_narrative(view), self_change=rows[SELF][n], moderated_change=rows[MODERATED][n]
        )
        for n, view in enumerate(views)
    ]
    return {
        "ret": assessment_return,
        "cycle": assessment_return.cycle,
        "school": assessment_return.school,
        "previous_cycle": previous,
        "standards": standards,
        "scored": sum(1 for s in standards if s.view.standard.self_score is not None),
    }


@transaction.atomic
def return_summary_pdf_request(
    *, partnership: Partnership, membership: Membership, assessment_return: SelfAssessmentReturn
) -> DocumentVersion:
    """Ask the worker for the return's summary PDF as the return is now (the kernel's documents service).

    Anyone who may read the return may ask (its agency's lead, someone granted it, the partnership's
    leadership and oversight); anyone else is refused (code ``not_allowed``) and nothing is stored. Returns
    the document version: a new, queued one when the return changed since the last version, else that one.
    Who may open the PDF is decided per return by the return's subject type (the audience is left open).
    """
    if not return_visible_to(membership=membership, assessment_return=assessment_return):
        raise ValidationError(NOT_VISIBLE, code="not_allowed")
    who = assessment_return.school.name if assessment_return.school_id else assessment_return.agency.name
    return document_render_request(
        partnership=partnership,
        actor=membership.person,
        subject=assessment_return,
        kind=DOCUMENT_KIND,
        title=f"{who}: {assessment_return.cycle.title}"[:200],
        template_name=DOCUMENT_TEMPLATE,
        context=return_summary(partnership=partnership, assessment_return=assessment_return),
        audience=[],
    )
