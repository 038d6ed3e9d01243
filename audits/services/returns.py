"""An agency's return on a case: saving drafts, submitting, sending back, moderating.

Guarantees:

- only the practitioner named for a return (its foreign key to their
  membership and their guardian grant) saves or submits it, and only while it
  is not started, in progress or sent back: a submitted return is read-only;
- every save names the return's edit counter (``version``) it was based on; a
  save based on an older number is refused with a clear message (code
  ``stale``) and nothing is written, so two people never overwrite each other;
- submitting needs every required question answered (field errors by
  question key otherwise) and meets the practitioner's task;
- a business manager sends a submitted return back (with a reason: the task is
  owed again and the practitioner emailed) or moderates it: a moderated grade
  that differs from the agency's own needs a rationale.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audits.models import AuditAnswer, AuditReturn, QuestionKind, TemplateQuestion, YesPartlyNo
from audits.selectors.returns import evidence_count
from audits.services.rounds import DEADLINE_KIND, return_url
from partnership.models import MANAGER_ROLES, Membership, Partnership, Person
from partnership.services.deadlines import deadline_meet, deadline_reopen
from partnership.services.files import stored_file_add
from partnership.services.history import history_record
from partnership.services.mail import email_send_after_commit
from partnership.services.states import state_move

TEXT_MAX_LENGTH = 10000
RATIONALE_MAX_LENGTH = 4000
NUMBER_LIMIT = Decimal("9999999999.99")
STALE_MESSAGE = (
    "Someone else saved this return while you were editing it, so your changes were not saved: nothing of "
    "theirs was overwritten. Their version is shown below: check it, make your changes again, then save."
)
State = AuditReturn.State


def _questions(*, partnership: Partnership, audit_return: AuditReturn) -> list[TemplateQuestion]:
    return list(
        TemplateQuestion.objects.in_partnership(partnership)
        .filter(version_id=audit_return.case.round.template_version_id)
        .select_related("scale")
        .prefetch_related("scale__options")
        .order_by("section__position", "position", "id")
    )


def _lock(*, partnership: Partnership, audit_return: AuditReturn, version: int | None) -> AuditReturn:
    locked = (
        AuditReturn.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("case__round", "agency", "practitioner__person")
        .filter(pk=audit_return.pk)
        .first()
    )
    if locked is None:
        raise ValidationError("No such return in this partnership.")
    if version is not None and locked.version != version:
        raise ValidationError(STALE_MESSAGE, code="stale")
    return locked


def _clean_answer(question: TemplateQuestion, raw: Any, errors: dict) -> dict | None:
    """The answer's fields from the raw value (None: no answer). Errors go under the question's key."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    key = question.key
    if question.kind == QuestionKind.GRADE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = None
        option = next((o for o in question.scale.options.all() if o.value == value), None)
        if option is None:
            errors[key] = ["Choose one of the grades."]
            return None
        return {"option": option}
    if question.kind == QuestionKind.YES_PARTLY_NO:
        if raw not in YesPartlyNo.values:
            errors[key] = ["Choose yes, partly or no."]
            return None
        return {"choice": raw}
    if question.kind == QuestionKind.NUMBER:
        try:
            number = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors[key] = ["Enter a number, for example 12 or 3.5."]
            return None
        if not number.is_finite() or abs(number) > NUMBER_LIMIT or number != number.quantize(Decimal("0.01")):
            errors[key] = ["Enter a number with at most two decimal places."]
            return None
        return {"number": number}
    if question.kind == QuestionKind.TEXT:
        text = str(raw).strip()
        if len(text) > TEXT_MAX_LENGTH:
            errors[key] = [f"Use at most {TEXT_MAX_LENGTH:,} characters."]
            return None
        return {"text": text}
    return None  # evidence: files, not values


def _blank() -> dict:
    return {"option": None, "choice": "", "number": None, "text": ""}


def _check_answers(
    *, by_key: dict[str, TemplateQuestion], answers: Mapping[str, Any], files: Mapping[str, UploadedFile]
) -> dict[str, dict | None]:
    errors: dict[str, list[str]] = {}
    unknown = [k for k in answers if k not in by_key]
    if unknown:
        errors["answers"] = [f"These are not questions of this return: {', '.join(map(str, unknown[:5]))}."]
    for key in files:
        if key not in by_key or by_key[key].kind != QuestionKind.EVIDENCE:
            errors[key if key in by_key else "answers"] = ["Evidence can only be added to an evidence question."]
    cleaned = {key: _clean_answer(by_key[key], raw, errors) for key, raw in answers.items() if key in by_key}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _write_answers(
    *,
    partnership: Partnership,
    audit_return: AuditReturn,
    by_key: dict[str, TemplateQuestion],
    cleaned: dict[str, dict | None],
    existing: dict[int, AuditAnswer],
) -> None:
    for key, fields in cleaned.items():
        question = by_key[key]
        if question.kind == QuestionKind.EVIDENCE:
            continue
        answer = existing.get(question.pk)
        values = {**_blank(), **(fields or {})}
        if answer is None:
            if fields is not None:
                existing[question.pk] = AuditAnswer.objects.create(
                    partnership=partnership, audit_return=audit_return, question=question, **values
                )
            continue
        for name, value in values.items():
            setattr(answer, name, value)
        answer.save()


def _attach_files(
    *,
    partnership: Partnership,
    audit_return: AuditReturn,
    by_key: dict[str, TemplateQuestion],
    files: Mapping[str, UploadedFile],
    existing: dict[int, AuditAnswer],
    person: Person,
) -> None:
    for key, upload in files.items():
        question = by_key[key]
        answer = existing.get(question.pk) or AuditAnswer.objects.create(
            partnership=partnership, audit_return=audit_return, question=question
        )
        existing[question.pk] = answer
        try:
            stored_file_add(partnership=partnership, owner=answer, upload=upload, actor=person)
        except ValidationError as exc:
            raise ValidationError({key: exc.messages}) from None


def _bump(*, partnership: Partnership, audit_return: AuditReturn) -> None:
    """Move the edit counter on: a page or call based on the old number is refused from now on."""
    AuditReturn.objects.in_partnership(partnership).filter(pk=audit_return.pk).update(version=F("version") + 1)
    audit_return.refresh_from_db(fields=["version"])


@transaction.atomic
def audit_return_save(
    *,
    partnership: Partnership,
    membership: Membership,
    audit_return: AuditReturn,
    answers: Mapping[str, Any],
    version: int | None,
    files: Mapping[str, UploadedFile] | None = None,
    submit: bool = False,
) -> AuditReturn:
    """Save the practitioner's answers (by question key) as a draft, or submit them.

    ``answers`` replaces the answers of the keys it names (an empty value
    clears one); keys it does not name are kept. ``files`` adds evidence to
    evidence questions. ``version`` is the edit counter the page or API call
    read (None only for internal callers).
    """
    locked = _lock(partnership=partnership, audit_return=audit_return, version=version)
    person = membership.person
    if locked.practitioner_id != membership.pk or not person.has_perm("audits.change_auditreturn", locked):
        raise ValidationError("Only the practitioner named for this return answers it.", code="not_yours")
    if not locked.is_editable:
        raise ValidationError(
            "This return has been submitted and is read-only. The audit's moderator can send it back to you.",
            code="read_only",
        )
    files = files or {}
    questions = _questions(partnership=partnership, audit_return=locked)
    by_key = {q.key: q for q in questions}
    cleaned = _check_answers(by_key=by_key, answers=answers, files=files)
    existing = {a.question_id: a for a in AuditAnswer.objects.in_partnership(partnership).filter(audit_return=locked)}
    _write_answers(partnership=partnership, audit_return=locked, by_key=by_key, cleaned=cleaned, existing=existing)
    _attach_files(
        partnership=partnership, audit_return=locked, by_key=by_key, files=files, existing=existing, person=person
    )
    if submit:
        missing = [q for q in questions if q.required and not _is_answered(q, existing.get(q.pk))]
        if missing:
            raise ValidationError({q.key: ["Answer this question before submitting."] for q in missing})
    _bump(partnership=partnership, audit_return=locked)
    if submit:
        state_move(
            partnership=partnership,
            actor=person,
            instance=locked,
            to=State.SUBMITTED,
            fields={"submitted_at": timezone.now()},
        )
        deadline_meet(partnership=partnership, subject=locked, kind=DEADLINE_KIND)
    else:
        if locked.state != State.DRAFT:
            state_move(partnership=partnership, actor=person, instance=locked, to=State.DRAFT)
        history_record(
            partnership=partnership,
            actor=person,
            instance=locked,
            action="updated",
            changes={"answers": {"from": None, "to": f"{len([c for c in cleaned.values() if c])} saved"}},
        )
    audit_return.state, audit_return.version = locked.state, locked.version
    return locked


def _is_answered(question: TemplateQuestion, answer: AuditAnswer | None) -> bool:
    if answer is None:
        return False
    if question.kind == QuestionKind.GRADE:
        return answer.option_id is not None
    if question.kind == QuestionKind.YES_PARTLY_NO:
        return bool(answer.choice)
    if question.kind == QuestionKind.NUMBER:
        return answer.number is not None
    if question.kind == QuestionKind.TEXT:
        return bool(answer.text.strip())
    return evidence_count(partnership=answer.partnership, answer=answer) > 0


def _require_manager(*, partnership: Partnership, actor: Person) -> None:
    membership = (
        Membership.objects.in_partnership(partnership).filter(person=actor, is_active=True).prefetch_related("roles")
    ).first()
    if membership is None or not membership.has_role(*MANAGER_ROLES):
        raise ValidationError("Only the audit's moderator (a business manager) does this.", code="not_moderator")


@transaction.atomic
def audit_return_send_back(
    *, partnership: Partnership, actor: Person, audit_return: AuditReturn, reason: str, version: int | None
) -> AuditReturn:
    """Send a submitted (or moderated) return back to its practitioner, with the reason; their task is owed again."""
    _require_manager(partnership=partnership, actor=actor)
    locked = _lock(partnership=partnership, audit_return=audit_return, version=version)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": ["Say what the practitioner should look at again."]})
    if len(reason) > 1000:
        raise ValidationError({"reason": ["Use at most 1,000 characters."]})
    _bump(partnership=partnership, audit_return=locked)
    to_submitted = locked.state == State.MODERATED
    if to_submitted:
        state_move(partnership=partnership, actor=actor, instance=locked, to=State.SUBMITTED)
    state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=State.SENT_BACK,
        fields={"sent_back_reason": reason},
        reason=reason,
    )
    deadline_reopen(partnership=partnership, subject=locked, kind=DEADLINE_KIND)
    person = locked.practitioner.person
    email_send_after_commit(
        subject=f"Case audit: your return for {locked.case.reference} has been sent back",
        body="\n\n".join(
            [
                f"Dear {person.full_name},",
                f"Your return for {locked.agency.name} on the case {locked.case.reference} "
                f"(“{locked.case.round.title}”) has been sent back to you: {reason}",
                f"Please look at it again and submit it by {locked.case.round.due_on:%d %B %Y}: {return_url(locked)}",
            ]
        ),
        to=[person.email],
    )
    audit_return.state, audit_return.version = locked.state, locked.version
    return locked


def _decide_moderation(
    *,
    questions: dict[str, TemplateQuestion],
    answers: dict[int, AuditAnswer],
    grades: Mapping[str, Any],
    rationales: Mapping[str, str],
) -> list[tuple]:
    """(question, answer, moderated option or None, rationale) per graded question; field errors by key."""
    errors: dict[str, list[str]] = {}
    unknown = [k for k in [*grades, *rationales] if k not in questions]
    if unknown:
        errors["grades"] = [f"These are not graded questions of this return: {', '.join(map(str, unknown[:5]))}."]
    decided = []
    for key, question in questions.items():
        raw = grades.get(key)
        rationale = " ".join(str(rationales.get(key) or "").split())
        answer = answers.get(question.pk)
        option = None
        if raw not in (None, ""):
            try:
                value = int(raw)
            except (TypeError, ValueError):
                value = None
            option = next((o for o in question.scale.options.all() if o.value == value), None)
            if option is None:
                errors[key] = ["Choose one of the grades."]
                continue
        differs = option is not None and (answer is None or answer.option_id != option.pk)
        if differs and not rationale:
            errors[key] = ["Give the rationale for a moderated grade that differs from the agency's."]
        elif len(rationale) > RATIONALE_MAX_LENGTH:
            errors[key] = [f"Use at most {RATIONALE_MAX_LENGTH:,} characters."]
        decided.append((question, answer, option if differs else None, rationale if differs else ""))
    if errors:
        raise ValidationError(errors)
    return decided


@transaction.atomic
def audit_return_moderate(
    *,
    partnership: Partnership,
    actor: Person,
    audit_return: AuditReturn,
    grades: Mapping[str, Any],
    rationales: Mapping[str, str],
    version: int | None,
) -> AuditReturn:
    """Record the moderated grades (by question key) of a submitted return, and mark it moderated.

    A grade left empty, or the same as the agency's, means the moderator agrees
    (nothing is stored beside the agency's grade); a different grade needs a
    rationale. Moderating a moderated return again replaces the grades.
    """
    _require_manager(partnership=partnership, actor=actor)
    locked = _lock(partnership=partnership, audit_return=audit_return, version=version)
    if locked.state not in (State.SUBMITTED, State.MODERATED):
        raise ValidationError("Only a submitted return is moderated.", code="not_submitted")
    questions = {
        q.key: q for q in _questions(partnership=partnership, audit_return=locked) if q.kind == QuestionKind.GRADE
    }
    answers = {a.question_id: a for a in AuditAnswer.objects.in_partnership(partnership).filter(audit_return=locked)}
    decided = _decide_moderation(questions=questions, answers=answers, grades=grades, rationales=rationales)
    changed = 0
    for question, answer, option, rationale in decided:
        row = answer
        if row is None:
            if option is None:
                continue
            row = AuditAnswer(partnership=partnership, audit_return=locked, question=question)
        if row.moderated_option_id != (option.pk if option else None) or row.moderation_rationale != rationale:
            changed += 1
        row.moderated_option, row.moderation_rationale = option, rationale
        row.save()
    _bump(partnership=partnership, audit_return=locked)
    fields = {"moderated_at": timezone.now(), "moderated_by": actor}
    if locked.state == State.SUBMITTED:
        state_move(partnership=partnership, actor=actor, instance=locked, to=State.MODERATED, fields=fields)
    else:
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=[*fields, "updated_at"])
        history_record(
            partnership=partnership,
            actor=actor,
            instance=locked,
            action="updated",
            changes={"moderated grades": {"from": None, "to": changed}},
        )
    audit_return.state, audit_return.version = locked.state, locked.version
    return locked
