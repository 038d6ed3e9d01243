"""Reads of a return's answers and evidence, for its page and the API."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.http import Http404

from audits.models import AuditAnswer, AuditReturn, ScaleOption, TemplateSection
from audits.selectors.rounds import audit_answers_of
from audits.selectors.templates import version_structure
from partnership.models import Partnership, StoredFile


def evidence_count(*, partnership: Partnership, answer: AuditAnswer) -> int:
    return (
        StoredFile.objects.in_partnership(partnership)
        .filter(owner_type=ContentType.objects.get_for_model(AuditAnswer), owner_id=answer.pk)
        .count()
    )


@dataclass
class ReturnItem:
    question: object
    answer: AuditAnswer | None
    files: list[StoredFile] = field(default_factory=list)


@dataclass
class ReturnSection:
    section: TemplateSection
    items: list[ReturnItem]


def audit_return_sheet(*, partnership: Partnership, audit_return: AuditReturn) -> list[ReturnSection]:
    """The return's questions by section with their answers and evidence files: five queries."""
    sections = version_structure(partnership=partnership, version=audit_return.case.round.template_version_id)
    answers = audit_answers_of(partnership=partnership, audit_return=audit_return)
    files_by_answer: dict[int, list[StoredFile]] = {}
    if answers:
        files = (
            StoredFile.objects.in_partnership(partnership)
            .filter(
                owner_type=ContentType.objects.get_for_model(AuditAnswer),
                owner_id__in=[a.pk for a in answers.values()],
            )
            .defer("data")
            .order_by("uploaded_at", "id")
        )
        for f in files:
            files_by_answer.setdefault(f.owner_id, []).append(f)
    for section in sections:
        for question in section.questions.all():
            if question.pk in answers and question.scale is not None:
                _grades_attach(answers[question.pk], question.scale.options.all())
    return [
        ReturnSection(
            section=s,
            items=[
                ReturnItem(
                    question=q,
                    answer=answers.get(q.pk),
                    files=files_by_answer.get(answers[q.pk].pk, []) if q.pk in answers else [],
                )
                for q in s.questions.all()
            ],
        )
        for s in sections
    ]


def _grades_attach(answer: AuditAnswer, options: Iterable[ScaleOption]) -> None:
    """The answer's grade and moderated grade from its question's scale (no query). One not on the scale is left
    to load itself, as it would be read without this."""
    by_id = {option.pk: option for option in options}
    for grade in ("option", "moderated_option"):
        option_id = getattr(answer, f"{grade}_id")
        if option_id in by_id:
            setattr(answer, grade, by_id[option_id])


def audit_return_evidence_get(*, partnership: Partnership, audit_return: AuditReturn, pk: int) -> StoredFile:
    """One evidence file of this return; another return's or partnership's is as missing."""
    answer_ids = AuditAnswer.objects.in_partnership(partnership).filter(audit_return=audit_return).values("pk")
    stored = (
        StoredFile.objects.in_partnership(partnership)
        .filter(pk=pk, owner_type=ContentType.objects.get_for_model(AuditAnswer), owner_id__in=answer_ids)
        .first()
    )
    if stored is None:
        raise Http404("No such file.")
    return stored
