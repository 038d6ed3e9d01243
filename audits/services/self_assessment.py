"""Section 11 and s175 self-assessments: launching a cycle, answering, signing and submitting a return.

Every write here is one transaction. A return is answered only while it is a
draft, by its agency's lead (or someone granted it), and every save names the
edit version it was based on: a save from an older read is refused (code
``stale``) and nothing is written, so two people editing the same return never
overwrite each other. State changes go through the kernel's ``state_move``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from audits.models import (
    GapAction,
    QuestionKind,
    ReturnStandard,
    ReturnUserObjectPermission,
    School,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
    TemplateKind,
    TemplateQuestion,
    TemplateVersion,
    YesPartlyNo,
)
from audits.selectors.self_assessment import CHANGE_RETURN, RETURN_DEADLINE, return_answerable_by
from audits.selectors.templates import version_structure
from partnership.models import Agency, AgencyType, HistoryEntry, Invitation, Membership, Partnership, Person, Role
from partnership.models.recommendations import StoredFile
from partnership.services.deadlines import deadline_meet, deadline_reopen, deadlines_create_many
from partnership.services.files import stored_file_add
from partnership.services.history import history_record, tenant_create, tenant_delete
from partnership.services.invitations import Invitee, invitations_create_many
from partnership.services.states import state_move

TEXT_MAX = 10_000
NUMBER_MAX = 1_000_000_000
STALE_RETURN = (
    "Someone else saved this return while you were editing it, so nothing of yours was saved. "
    "Their version is shown now: make your changes again on it."
)
NOT_YOURS = "Only the agency's lead (or someone the return was given to) can change this return."


class ReturnIncomplete(ValidationError):  # noqa: N818 - a refusal, raised like the services' ValidationError
    """What still stops a return being submitted, one message each (``code`` is ``incomplete``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems)
        self.code = "incomplete"


def answer_field(question_key: str) -> str:
    """The name of a question's field in forms and in the API's errors."""
    return f"answer_{question_key}"


@dataclass(frozen=True)
class LaunchResult:
    cycle: SelfAssessmentCycle
    returns: int
    invitations: int
    carried_forward: int


# --- Launching a cycle ---------------------------------------------------------------------


def _cycle_participants(*, partnership: Partnership, kind: str) -> list[tuple[Agency, School | None]]:
    if kind == TemplateKind.SECTION_175:
        schools = School.objects.in_partnership(partnership).select_related("agency").filter(agency__is_active=True)
        return [(s.agency, s) for s in schools.order_by("name", "urn")]
    agencies = (
        Agency.objects.in_partnership(partnership)
        .filter(is_active=True)
        .exclude(agency_type=AgencyType.EDUCATION, school__isnull=False)
        .order_by("name")
    )
    return [(a, None) for a in agencies]


def _previous_standards(
    *, partnership: Partnership, kind: str, year: int
) -> tuple[dict[int, SelfAssessmentReturn], dict[int, dict[str, Any]]]:
    """The latest earlier cycle of the kind: its returns by agency, and each return's answers by question key."""
    previous = (
        SelfAssessmentCycle.objects.in_partnership(partnership)
        .filter(kind=kind, year__lt=year)
        .order_by("-year")
        .first()
    )
    if previous is None:
        return {}, {}
    returns = {r.agency_id: r for r in SelfAssessmentReturn.objects.in_partnership(partnership).filter(cycle=previous)}
    answers: dict[int, dict[str, Any]] = {}
    for return_id, given in (
        ReturnStandard.objects.in_partnership(partnership)
        .filter(assessment_return__cycle=previous)
        .values_list("assessment_return_id", "answers")
    ):
        answers.setdefault(return_id, {}).update(given or {})
    return returns, answers


def _self_score(questions: list[TemplateQuestion], answers: dict[str, Any]) -> int | None:
    grade = next((q for q in questions if q.kind == QuestionKind.GRADE), None)
    value = answers.get(grade.key) if grade is not None else None
    return value if isinstance(value, int) else None


def _validate_cycle(
    *, partnership: Partnership, version: TemplateVersion, year: int, opens_on: date | None, due_on: date | None
) -> None:
    errors: dict[str, list[str]] = {}
    if version is None or version.partnership_id != partnership.pk:
        errors["version"] = ["Choose one of this partnership's templates."]
    elif version.state != TemplateVersion.State.PUBLISHED:
        errors["version"] = ["Choose a published version: a draft can still change under the answers."]
    elif version.template.kind not in (TemplateKind.SECTION_11, TemplateKind.SECTION_175):
        errors["version"] = ["Choose a Section 11 or a section 175 template."]
    if not 2000 <= year <= 2100:
        errors["year"] = ["Enter a year between 2000 and 2100."]
    if opens_on and due_on and due_on < opens_on:
        errors["due_on"] = ["The due date must be on or after the opening date."]
    if errors:
        raise ValidationError(errors)
    if SelfAssessmentCycle.objects.in_partnership(partnership).filter(kind=version.template.kind, year=year).exists():
        raise ValidationError({"year": [f"There is already a {version.template.get_kind_display()} cycle for {year}."]})


@transaction.atomic
def cycle_launch(
    *,
    partnership: Partnership,
    actor: Person,
    version: TemplateVersion,
    year: int,
    opens_on: date,
    due_on: date,
    title: str = "",
) -> LaunchResult:
    """Open a cycle and invite every active agency (Section 11) or every school (s175) to answer it.

    Each gets a return with one standard per section of ``version``, started
    from its answers in the previous cycle of the same kind (matched by
    question key); a deadline on ``due_on`` (reminders and escalation by the
    kernel's sweep), assigned to the agency's lead when it has exactly one;
    a django-guardian grant of the return to each of its current agency leads;
    and, for a school with no agency lead yet, an agency-lead invitation to its
    designated safeguarding lead's address (sent after commit). Nothing is
    written if any check fails.
    """
    _validate_cycle(partnership=partnership, version=version, year=year, opens_on=opens_on, due_on=due_on)
    kind = version.template.kind
    title = (title or "").strip() or f"{version.template.get_kind_display()} {year}"
    try:
        with transaction.atomic():
            cycle = tenant_create(
                partnership=partnership,
                actor=actor,
                instance=SelfAssessmentCycle(
                    partnership=partnership,
                    kind=kind,
                    version=version,
                    year=year,
                    title=title[:200],
                    opens_on=opens_on,
                    due_on=due_on,
                    created_by=actor,
                ),
            )
    except IntegrityError as exc:
        raise ValidationError({"year": ["Another cycle for this year was launched at the same time."]}) from exc

    participants = _cycle_participants(partnership=partnership, kind=kind)
    previous_returns, previous_answers = _previous_standards(partnership=partnership, kind=kind, year=year)
    returns = SelfAssessmentReturn.objects.in_partnership(partnership).bulk_create(
        [
            SelfAssessmentReturn(
                partnership=partnership,
                cycle=cycle,
                agency=agency,
                school=school,
                carried_forward_from=previous_returns.get(agency.pk),
            )
            for agency, school in participants
        ]
    )
    if any(r.pk is None for r in returns):  # pragma: no cover - both supported databases return the keys
        by_agency = {
            r.agency_id: r for r in SelfAssessmentReturn.objects.in_partnership(partnership).filter(cycle=cycle)
        }
        returns = [by_agency[a.pk] for a, _ in participants]
    sections = version_structure(partnership=partnership, version=version)
    carried = 0
    standards = []
    for assessment_return in returns:
        before = previous_answers.get(assessment_return.carried_forward_from_id, {})
        carried += bool(before)
        for position, section in enumerate(sections):
            questions = list(section.questions.all())
            answers = {q.key: before[q.key] for q in questions if q.key in before and q.kind != QuestionKind.EVIDENCE}
            standards.append(
                ReturnStandard(
                    partnership=partnership,
                    assessment_return=assessment_return,
                    section=section,
                    section_key=section.key,
                    answers=answers,
                    self_score=_self_score(questions, answers),
                    position=position,
                )
            )
    ReturnStandard.objects.in_partnership(partnership).bulk_create(standards, batch_size=1000)

    leads = _agency_leads(partnership=partnership, agency_ids=[a.pk for a, _ in participants])
    _grant_returns(returns=returns, leads=leads)
    invitations = _invite_school_leads(partnership=partnership, actor=actor, participants=participants, leads=leads)
    what = "Section 11" if kind == TemplateKind.SECTION_11 else "s175"
    deadlines_create_many(
        partnership=partnership,
        kind=RETURN_DEADLINE,
        due_on=due_on,
        items=[
            (
                assessment_return,
                f"{what} self-assessment {year}: {agency.name}"[:200],
                leads[agency.pk][0] if len(leads.get(agency.pk, [])) == 1 else None,
            )
            for assessment_return, (agency, _school) in zip(returns, participants, strict=True)
        ],
    )
    return LaunchResult(cycle=cycle, returns=len(returns), invitations=invitations, carried_forward=carried)


def _agency_leads(*, partnership: Partnership, agency_ids: list[int]) -> dict[int, list[Person]]:
    leads: dict[int, list[Person]] = {}
    for membership in (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, agency_id__in=agency_ids, roles__role=Role.AGENCY_LEAD)
        .select_related("person")
        .order_by("person__full_name")
    ):
        leads.setdefault(membership.agency_id, []).append(membership.person)
    return leads


def _grant_returns(*, returns: list[SelfAssessmentReturn], leads: dict[int, list[Person]]) -> None:
    permission = Permission.objects.get(content_type__app_label="audits", codename=CHANGE_RETURN)
    ReturnUserObjectPermission.objects.bulk_create(
        [
            ReturnUserObjectPermission(content_object=r, user=person, permission=permission)
            for r in returns
            for person in leads.get(r.agency_id, [])
        ],
        ignore_conflicts=True,
    )


def _invite_school_leads(
    *,
    partnership: Partnership,
    actor: Person,
    participants: list[tuple[Agency, School | None]],
    leads: dict[int, list[Person]],
) -> int:
    """An agency-lead invitation to each school's DSL address, where the school has no lead and no invitation."""
    waiting = {
        email.lower()
        for email in Invitation.objects.in_partnership(partnership)
        .filter(status=Invitation.Status.PENDING)
        .values_list("email", flat=True)
    }
    members = {
        email.lower()
        for email in Membership.objects.in_partnership(partnership).values_list("person__email", flat=True)
    }
    invitees = []
    for agency, school in participants:
        if school is None or leads.get(agency.pk):
            continue
        email = school.dsl_email.lower()
        if email in waiting or email in members:
            continue
        invitees.append(
            Invitee(
                email=email,
                full_name=f"Designated safeguarding lead, {school.name}"[:200],
                agency=agency,
                roles=(Role.AGENCY_LEAD,),
            )
        )
        waiting.add(email)
    # One insert for all of them (535 schools in a county): one by one, the launch ran 9,000 queries.
    return len(invitations_create_many(partnership=partnership, actor=actor, invitees=invitees))


def return_grant(
    *, partnership: Partnership, actor: Person, assessment_return: SelfAssessmentReturn, person: Person
) -> None:
    """Let a member of the partnership (a deputy, say) answer this return as its agency's lead would."""
    if not Membership.objects.in_partnership(partnership).filter(person=person, is_active=True).exists():
        raise ValidationError({"person": ["Choose an active member of this partnership."]})
    permission = Permission.objects.get(content_type__app_label="audits", codename=CHANGE_RETURN)
    ReturnUserObjectPermission.objects.get_or_create(
        content_object=assessment_return, user=person, permission=permission
    )
    history_record(
        partnership=partnership,
        actor=actor,
        instance=assessment_return,
        action=HistoryEntry.Action.UPDATED,
        changes={"may answer": {"from": None, "to": str(person)}},
    )


# --- Answering a return --------------------------------------------------------------------


def _locked_return(
    *,
    partnership: Partnership,
    membership: Membership,
    assessment_return: SelfAssessmentReturn,
    expected_version: int | None,
) -> SelfAssessmentReturn:
    """Lock the return, then refuse a stale read, a member who may not answer it, and a return not in draft."""
    locked = (
        SelfAssessmentReturn.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .select_related("cycle__version", "agency", "school")
        .get(pk=assessment_return.pk)
    )
    if expected_version is not None and locked.edit_version != expected_version:
        raise ValidationError(STALE_RETURN, code="stale")
    if not return_answerable_by(membership=membership, assessment_return=locked):
        raise ValidationError(NOT_YOURS, code="not_allowed")
    return locked


def _require_draft(assessment_return: SelfAssessmentReturn) -> None:
    if not assessment_return.is_editable:
        raise ValidationError(
            f"This return is {assessment_return.get_state_display().lower()}: it can no longer be changed.",
            code="not_editable",
        )


def _clean_answer(question: TemplateQuestion, raw: Any) -> tuple[Any, str | None]:
    """(value, error) for one answer as sent; a value of None clears the answer."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if question.kind == QuestionKind.GRADE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            return None, "Choose a score from the list."
        if isinstance(raw, bool) or value not in {o.value for o in question.scale.options.all()}:
            return None, "Choose a score from the list."
        return value, None
    if question.kind == QuestionKind.YES_PARTLY_NO:
        return (raw, None) if raw in YesPartlyNo.values else (None, "Choose yes, partly or no.")
    if question.kind == QuestionKind.NUMBER:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            return None, "Enter a whole number."
        if isinstance(raw, bool) or not 0 <= value <= NUMBER_MAX:
            return None, "Enter a whole number from 0 upwards."
        return value, None
    if question.kind == QuestionKind.TEXT:
        if not isinstance(raw, str):
            return None, "Enter text."
        text = raw.strip()
        return (text, None) if len(text) <= TEXT_MAX else (None, f"Use at most {TEXT_MAX:,} characters.")
    return None, "Evidence is uploaded as files, not typed."


def _clean_answers(*, sections: list, answers: dict[str, Any]) -> dict[str, Any]:
    by_key = {q.key: q for section in sections for q in section.questions.all()}
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for key, raw in answers.items():
        if key not in by_key or by_key[key].kind == QuestionKind.EVIDENCE:
            errors[answer_field(str(key)[:60])] = ["This return has no such question."]
            continue
        value, error = _clean_answer(by_key[key], raw)
        if error:
            errors[answer_field(key)] = [error]
        else:
            cleaned[key] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def return_save(
    *,
    partnership: Partnership,
    membership: Membership,
    assessment_return: SelfAssessmentReturn,
    answers: dict[str, Any],
    expected_version: int | None,
) -> SelfAssessmentReturn:
    """Save answers (``{question key: value}``; a key left out keeps its answer, an empty value clears it).

    Refused, writing nothing: a stale ``expected_version`` (code ``stale``), a
    member who may not answer the return, a return that is not a draft, an
    unknown question or a bad value (errors on ``answer_<key>``). Moves the
    edit version on and records the changed answers in the history.
    """
    locked = _locked_return(
        partnership=partnership,
        membership=membership,
        assessment_return=assessment_return,
        expected_version=expected_version,
    )
    _require_draft(locked)
    sections = version_structure(partnership=partnership, version=locked.cycle.version)
    cleaned = _clean_answers(sections=sections, answers=answers)

    standards = {
        s.section_id: s for s in ReturnStandard.objects.in_partnership(partnership).filter(assessment_return=locked)
    }
    changes: dict[str, dict[str, Any]] = {}
    for section in sections:
        standard = standards[section.pk]
        questions = list(section.questions.all())
        given = dict(standard.answers)
        for question in questions:
            if question.key not in cleaned:
                continue
            before, after = given.get(question.key), cleaned[question.key]
            if before != after:
                changes[question.key] = {"from": before, "to": after}
                if after is None:
                    given.pop(question.key, None)
                else:
                    given[question.key] = after
        if given != standard.answers:
            standard.answers = given
            standard.self_score = _self_score(questions, given)
            standard.save(update_fields=["answers", "self_score"])
    locked.edit_version += 1
    locked.save(update_fields=["edit_version", "updated_at"])
    if changes:
        history_record(
            partnership=partnership,
            actor=membership.person,
            instance=locked,
            action=HistoryEntry.Action.UPDATED,
            changes=changes,
        )
    return locked


def _submission_problems(*, partnership: Partnership, assessment_return: SelfAssessmentReturn) -> list[str]:
    """What stops a return being submitted: unanswered required questions, gaps without an action."""
    sections = version_structure(partnership=partnership, version=assessment_return.cycle.version)
    standards = {
        s.section_id: s
        for s in ReturnStandard.objects.in_partnership(partnership)
        .filter(assessment_return=assessment_return)
        .prefetch_related("actions")
    }
    owner_ids = set(
        StoredFile.objects.in_partnership(partnership)
        .filter(
            owner_type__app_label="audits",
            owner_type__model="returnstandard",
            owner_id__in=[s.pk for s in standards.values()],
        )
        .values_list("owner_id", flat=True)
    )
    problems = []
    for section in sections:
        standard = standards[section.pk]
        for question in section.questions.all():
            if not question.required:
                continue
            if question.kind == QuestionKind.EVIDENCE:
                if standard.pk not in owner_ids:
                    problems.append(f"{section.title}: upload the evidence for “{question.text}”.")
            elif question.key not in standard.answers:
                problems.append(f"{section.title}: answer “{question.text}”.")
        grade = next((q for q in section.questions.all() if q.kind == QuestionKind.GRADE), None)
        if grade is not None and standard.self_score is not None:
            met = {o.value for o in grade.scale.options.all() if o.meets_standard}
            if standard.self_score not in met and not list(standard.actions.all()):
                problems.append(f"{section.title}: the score shows a gap, so add an action for it (owner and date).")
    return problems


@transaction.atomic
def return_submit(
    *,
    partnership: Partnership,
    membership: Membership,
    assessment_return: SelfAssessmentReturn,
    expected_version: int | None,
) -> SelfAssessmentReturn:
    """Submit a draft once every required question is answered and every gap has an action.

    A Section 11 return is then submitted (its deadline met). A school's
    return waits for the head's and the nominated governor's signatures
    (``return_sign``): it counts as submitted only when both are recorded.
    """
    locked = _locked_return(
        partnership=partnership,
        membership=membership,
        assessment_return=assessment_return,
        expected_version=expected_version,
    )
    _require_draft(locked)
    problems = _submission_problems(partnership=partnership, assessment_return=locked)
    if problems:
        raise ReturnIncomplete(problems)
    locked.edit_version += 1
    if locked.cycle.is_for_schools:
        return state_move(
            partnership=partnership,
            actor=membership.person,
            instance=locked,
            to=SelfAssessmentReturn.State.AWAITING_SIGNATURES,
            fields={"edit_version": locked.edit_version},
            reason="Ready for the head's and the nominated governor's signatures.",
        )
    return _mark_submitted(partnership=partnership, actor=membership.person, assessment_return=locked)


def _mark_submitted(
    *, partnership: Partnership, actor: Person, assessment_return: SelfAssessmentReturn
) -> SelfAssessmentReturn:
    moved = state_move(
        partnership=partnership,
        actor=actor,
        instance=assessment_return,
        to=SelfAssessmentReturn.State.SUBMITTED,
        fields={
            "submitted_at": timezone.now(),
            "submitted_by": actor,
            "edit_version": assessment_return.edit_version,
        },
    )
    deadline_meet(partnership=partnership, subject=moved, kind=RETURN_DEADLINE)
    return moved


HEAD, GOVERNOR = "head", "governor"


@transaction.atomic
def return_sign(
    *,
    partnership: Partnership,
    membership: Membership,
    assessment_return: SelfAssessmentReturn,
    signer: str,
    name: str,
    confirmed: bool,
    expected_version: int | None,
) -> SelfAssessmentReturn:
    """Record the head's or the nominated governor's signature of a school's return awaiting signatures.

    The name typed must be the one on the schools register (the head teacher,
    the nominated governor), so the school's record says who signed. When the
    second signature is recorded the return is submitted and its deadline met.
    """
    locked = _locked_return(
        partnership=partnership,
        membership=membership,
        assessment_return=assessment_return,
        expected_version=expected_version,
    )
    if locked.state != SelfAssessmentReturn.State.AWAITING_SIGNATURES:
        raise ValidationError("Only a school's return awaiting signatures can be signed.", code="not_editable")
    school = locked.school
    errors: dict[str, list[str]] = {}
    if signer not in (HEAD, GOVERNOR):
        errors["signer"] = ["Choose who is signing: the head or the nominated governor."]
    else:
        expected = school.head_teacher_name if signer == HEAD else school.governor_name
        if signer == GOVERNOR and not expected:
            errors["signer"] = [
                "The school has no nominated governor on the register: ask the business manager to add one."
            ]
        elif " ".join(name.split()).casefold() != " ".join(expected.split()).casefold():
            who = "head teacher" if signer == HEAD else "nominated governor"
            errors["name"] = [f"Type the {who}'s name as the register has it: {expected}."]
    if not confirmed:
        errors["confirmed"] = ["Confirm that the signer has read the return and agrees with it."]
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    prefix = "head" if signer == HEAD else "governor"
    setattr(locked, f"{prefix}_signed_name", " ".join(name.split()))
    setattr(locked, f"{prefix}_signed_at", now)
    locked.edit_version += 1
    locked.save(update_fields=[f"{prefix}_signed_name", f"{prefix}_signed_at", "edit_version", "updated_at"])
    history_record(
        partnership=partnership,
        actor=membership.person,
        instance=locked,
        action=HistoryEntry.Action.UPDATED,
        changes={f"{prefix} signature": {"from": None, "to": getattr(locked, f"{prefix}_signed_name")}},
    )
    if locked.signatures_complete:
        return _mark_submitted(partnership=partnership, actor=membership.person, assessment_return=locked)
    return locked


@transaction.atomic
def return_send_back(
    *, partnership: Partnership, actor: Person, assessment_return: SelfAssessmentReturn, reason: str
) -> SelfAssessmentReturn:
    """Send a submitted return (or one awaiting signatures) back to its agency as a draft, with the reason.

    Signatures are cleared (they were given to what is about to change) and the deadline is open again.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the return is sent back: the agency reads it."]})
    locked = (
        SelfAssessmentReturn.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .get(pk=assessment_return.pk)
    )
    moved = state_move(
        partnership=partnership,
        actor=actor,
        instance=locked,
        to=SelfAssessmentReturn.State.DRAFT,
        fields={
            "moderated_at": None,
            "moderated_by": None,
            "submitted_at": None,
            "submitted_by": None,
            "head_signed_name": "",
            "head_signed_at": None,
            "governor_signed_name": "",
            "governor_signed_at": None,
            "edit_version": locked.edit_version + 1,
        },
        reason=reason[:500],
    )
    deadline_reopen(partnership=partnership, subject=moved, kind=RETURN_DEADLINE)
    return moved


# --- Evidence and actions of one standard ---------------------------------------------------


def _editable_standard(*, partnership: Partnership, membership: Membership, standard: ReturnStandard) -> ReturnStandard:
    locked = _locked_return(
        partnership=partnership,
        membership=membership,
        assessment_return=standard.assessment_return,
        expected_version=None,
    )
    _require_draft(locked)
    return standard


@transaction.atomic
def standard_evidence_add(
    *, partnership: Partnership, membership: Membership, standard: ReturnStandard, upload: UploadedFile | None
) -> StoredFile:
    """Keep an evidence file for a standard (the kernel's files service: type by content, 10 MB, a safe name)."""
    _editable_standard(partnership=partnership, membership=membership, standard=standard)
    stored = stored_file_add(partnership=partnership, owner=standard, upload=upload, actor=membership.person)
    history_record(
        partnership=partnership,
        actor=membership.person,
        instance=standard.assessment_return,
        action=HistoryEntry.Action.UPDATED,
        changes={f"evidence ({standard.section_key})": {"from": None, "to": stored.name}},
    )
    return stored


@transaction.atomic
def gap_action_fields(*, action: str, owner: str, due_on: date | None, missing: str) -> tuple[str, str]:
    """An action's what and owner, cleaned, and its due date checked (on or after today): the same rules for a
    gap's action and one agreed at the challenge event. ``ValidationError`` per field; ``missing`` is the
    message for an empty ``action``."""
    action, owner = (action or "").strip(), (owner or "").strip()
    errors: dict[str, list[str]] = {}
    if not action:
        errors["action"] = [missing]
    elif len(action) > 1000:
        errors["action"] = ["Use at most 1,000 characters."]
    if not owner:
        errors["owner"] = ["Say who owns the action (a role or a name)."]
    elif len(owner) > 200:
        errors["owner"] = ["Use at most 200 characters."]
    if due_on is None:
        errors["due_on"] = ["Enter the date the action is due."]
    elif due_on < timezone.localdate():
        errors["due_on"] = ["The due date cannot be in the past."]
    if errors:
        raise ValidationError(errors)
    return action, owner


@transaction.atomic
def gap_action_add(
    *,
    partnership: Partnership,
    membership: Membership,
    standard: ReturnStandard,
    action: str,
    owner: str,
    due_on: date | None,
) -> GapAction:
    """An action for a gap in a standard: what, who owns it, by when (on or after today)."""
    _editable_standard(partnership=partnership, membership=membership, standard=standard)
    action, owner = gap_action_fields(action=action, owner=owner, due_on=due_on, missing="Say what will be done.")
    return tenant_create(
        partnership=partnership,
        actor=membership.person,
        instance=GapAction(partnership=partnership, standard=standard, action=action, owner=owner, due_on=due_on),
    )


@transaction.atomic
def gap_action_remove(
    *, partnership: Partnership, membership: Membership, standard: ReturnStandard, gap_action: GapAction
) -> None:
    _editable_standard(partnership=partnership, membership=membership, standard=standard)
    tenant_delete(partnership=partnership, actor=membership.person, instance=gap_action)


__all__ = [
    "GOVERNOR",
    "HEAD",
    "LaunchResult",
    "ReturnIncomplete",
    "answer_field",
    "cycle_launch",
    "gap_action_add",
    "gap_action_remove",
    "return_grant",
    "return_save",
    "return_send_back",
    "return_sign",
    "return_submit",
    "standard_evidence_add",
]
