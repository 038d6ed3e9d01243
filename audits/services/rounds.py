"""Case audits: the annual programme, rounds, their screened cases and the agencies' assignments.

A round is set up (template version, due date, screened cases and why each was
or was not selected, an agency and a named practitioner per selected case),
then opened: each assignment becomes a task for its practitioner (a kernel
deadline on the return, due with the round) and an email. Assignments made
after opening get theirs at once. Only services change state, through the
kernel's ``state_move`` and the models' ``ALLOWED_MOVES``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from audits.models import AuditCase, AuditReturn, AuditRound, PlannedAudit, TemplateKind, TemplateVersion
from partnership.models import Agency, LearningTheme, Membership, Partnership, Person
from partnership.models.priorities import Priority
from partnership.services.deadlines import deadline_cancel, deadline_set
from partnership.services.history import _version_check, history_record, tenant_create, tenant_delete, tenant_update
from partnership.services.mail import email_send_after_commit
from partnership.services.states import state_move

TITLE_MAX_LENGTH = 200
NOTES_MAX_LENGTH = 2000
REFERENCE_MAX_LENGTH = 40
REASON_MAX_LENGTH = 500
CASES_PER_SCREENING_MAX = 1000
YEAR_MIN, YEAR_MAX = 2000, 2100
# Pseudonymised references only: letters, digits, spaces and a little punctuation ("Child A", "CA-2026-014").
REFERENCE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_-]*$")
# The kinds of template a case audit answers.
CASE_AUDIT_KINDS = (TemplateKind.CASE_AUDIT, TemplateKind.SINGLE_AGENCY)
DEADLINE_KIND = "audit_return"
# What a practitioner's grant on their return lets them do (guardian, beside the return's own foreign key).
RETURN_PERMISSIONS = ("audits.view_auditreturn", "audits.change_auditreturn")


def _id(value, *, field: str, errors: dict, message: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = [message]
        return None
    if number <= 0 or number > 2**63 - 1:
        errors[field] = [message]
        return None
    return number


def _theme(*, partnership: Partnership, theme_id, errors: dict) -> LearningTheme | None:
    message = "Choose a learning theme from the list."
    pk = _id(theme_id, field="theme_id", errors=errors, message=message)
    if pk is None:
        return None
    theme = LearningTheme.objects.in_partnership(partnership).filter(pk=pk, is_active=True).first()
    if theme is None:
        errors["theme_id"] = [message]
    return theme


def _priority(*, partnership: Partnership, priority_id, errors: dict) -> Priority | None:
    message = "Choose one of the partnership's current priorities."
    pk = _id(priority_id, field="priority_id", errors=errors, message=message)
    if pk is None:
        return None
    priority = Priority.objects.in_partnership(partnership).filter(pk=pk, is_active=True).first()
    if priority is None:
        errors["priority_id"] = [message]
    return priority


# --- The annual programme ---------------------------------------------------------------------------------


def _planned_fields(*, partnership: Partnership, year, month, title: str, theme_id, priority_id, notes: str) -> dict:
    errors: dict[str, list[str]] = {}
    title = " ".join((title or "").split())
    notes = (notes or "").strip()
    if not title:
        errors["title"] = ["Enter what will be audited."]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [f"Use at most {TITLE_MAX_LENGTH} characters."]
    if not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        errors["year"] = [f"Enter a year between {YEAR_MIN} and {YEAR_MAX}."]
    if not isinstance(month, int) or not 1 <= month <= 12:
        errors["month"] = ["Choose a month."]
    if len(notes) > NOTES_MAX_LENGTH:
        errors["notes"] = [f"Use at most {NOTES_MAX_LENGTH} characters."]
    theme = _theme(partnership=partnership, theme_id=theme_id, errors=errors)
    priority = _priority(partnership=partnership, priority_id=priority_id, errors=errors)
    if errors:
        raise ValidationError(errors)
    return {"year": year, "month": month, "title": title, "theme": theme, "priority": priority, "notes": notes}


@transaction.atomic
def planned_audit_create(
    *,
    partnership: Partnership,
    actor: Person,
    year: int,
    month: int,
    title: str,
    theme_id: int | None = None,
    priority_id: int | None = None,
    notes: str = "",
) -> PlannedAudit:
    """Add an audit to the annual programme (a theme and a priority of this partnership, both optional)."""
    data = _planned_fields(
        partnership=partnership,
        year=year,
        month=month,
        title=title,
        theme_id=theme_id,
        priority_id=priority_id,
        notes=notes,
    )
    return tenant_create(partnership=partnership, actor=actor, instance=PlannedAudit(partnership=partnership, **data))


@transaction.atomic
def planned_audit_update(
    *,
    partnership: Partnership,
    actor: Person,
    planned: PlannedAudit,
    year: int,
    month: int,
    title: str,
    theme_id: int | None = None,
    priority_id: int | None = None,
    notes: str = "",
    expected_updated_at: datetime | None = None,
) -> PlannedAudit:
    """Change a planned audit; refused when it changed since it was read (code ``stale``)."""
    locked = PlannedAudit.objects.in_partnership(partnership).select_for_update().filter(pk=planned.pk).first()
    if locked is None:
        raise ValidationError("No such planned audit in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this planned audit")
    data = _planned_fields(
        partnership=partnership,
        year=year,
        month=month,
        title=title,
        theme_id=theme_id,
        priority_id=priority_id,
        notes=notes,
    )
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    return locked


@transaction.atomic
def planned_audit_remove(
    *, partnership: Partnership, actor: Person, planned: PlannedAudit, expected_updated_at: datetime | None = None
) -> None:
    """Take an audit out of the programme; refused once a round has been started from it."""
    locked = PlannedAudit.objects.in_partnership(partnership).select_for_update().filter(pk=planned.pk).first()
    if locked is None:
        raise ValidationError("No such planned audit in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this planned audit")
    if AuditRound.objects.in_partnership(partnership).filter(planned=locked).exists():
        raise ValidationError("A round has been started from this planned audit: it stays in the programme.")
    tenant_delete(partnership=partnership, actor=actor, instance=locked)


# --- Rounds -----------------------------------------------------------------------------------------------


def _round_fields(
    *,
    partnership: Partnership,
    title: str,
    due_on: date | None,
    theme_id,
    screening_criteria: str,
    errors: dict,
) -> dict:
    title = " ".join((title or "").split())
    screening_criteria = (screening_criteria or "").strip()
    if not title:
        errors["title"] = ["Enter the audit's title."]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [f"Use at most {TITLE_MAX_LENGTH} characters."]
    if due_on is None:
        errors["due_on"] = ["Enter the date the returns are due."]
    elif due_on < timezone.localdate():
        errors["due_on"] = ["The returns cannot be due in the past."]
    if len(screening_criteria) > NOTES_MAX_LENGTH:
        errors["screening_criteria"] = [f"Use at most {NOTES_MAX_LENGTH} characters."]
    theme = _theme(partnership=partnership, theme_id=theme_id, errors=errors)
    return {"title": title, "due_on": due_on, "theme": theme, "screening_criteria": screening_criteria}


@transaction.atomic
def audit_round_create(
    *,
    partnership: Partnership,
    actor: Person,
    title: str,
    template_version_id: int | None,
    due_on: date | None,
    theme_id: int | None = None,
    planned_id: int | None = None,
    screening_criteria: str = "",
) -> AuditRound:
    """Set up a case audit on a published case-audit (or single-agency) template version."""
    errors: dict[str, list[str]] = {}
    data = _round_fields(
        partnership=partnership,
        title=title,
        due_on=due_on,
        theme_id=theme_id,
        screening_criteria=screening_criteria,
        errors=errors,
    )
    message = "Choose a published case audit template."
    version = None
    pk = _id(template_version_id, field="template_version_id", errors=errors, message=message)
    if pk is None and "template_version_id" not in errors:
        errors["template_version_id"] = [message]
    elif pk is not None:
        version = (
            TemplateVersion.objects.in_partnership(partnership)
            .filter(
                pk=pk,
                state=TemplateVersion.State.PUBLISHED,
                template__kind__in=CASE_AUDIT_KINDS,
                template__is_archived=False,
            )
            .first()
        )
        if version is None:
            errors["template_version_id"] = [message]
    planned = None
    pk = _id(planned_id, field="planned_id", errors=errors, message="Choose an audit of the programme.")
    if pk is not None:
        planned = PlannedAudit.objects.in_partnership(partnership).filter(pk=pk).first()
        if planned is None:
            errors["planned_id"] = ["Choose an audit of the programme."]
    if errors:
        raise ValidationError(errors)
    if data["theme"] is None and planned is not None:
        data["theme"] = planned.theme
    return tenant_create(
        partnership=partnership,
        actor=actor,
        instance=AuditRound(
            partnership=partnership, template_version=version, planned=planned, created_by=actor, **data
        ),
    )


def _lock_round(*, partnership: Partnership, audit_round: AuditRound) -> AuditRound:
    locked = AuditRound.objects.in_partnership(partnership).select_for_update().filter(pk=audit_round.pk).first()
    if locked is None:
        raise ValidationError("No such audit round in this partnership.")
    return locked


@transaction.atomic
def audit_round_update(
    *,
    partnership: Partnership,
    actor: Person,
    audit_round: AuditRound,
    title: str,
    due_on: date | None,
    theme_id: int | None = None,
    screening_criteria: str = "",
    expected_updated_at: datetime | None = None,
) -> AuditRound:
    """Change a round's title, theme, criteria or due date (moving every open return's task with it)."""
    locked = _lock_round(partnership=partnership, audit_round=audit_round)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this audit")
    if locked.state == AuditRound.State.CLOSED:
        raise ValidationError("This audit is closed: it is not changed any more.")
    errors: dict[str, list[str]] = {}
    data = _round_fields(
        partnership=partnership,
        title=title,
        due_on=due_on,
        theme_id=theme_id,
        screening_criteria=screening_criteria,
        errors=errors,
    )
    if errors:
        raise ValidationError(errors)
    moved = locked.due_on != data["due_on"]
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    if moved and locked.state != AuditRound.State.SETUP:
        for audit_return in _round_returns(partnership=partnership, audit_round=locked).filter(state__in=_OWED_STATES):
            _task_set(partnership=partnership, audit_return=audit_return, audit_round=locked)
    return locked


_OWED_STATES = (AuditReturn.State.ASSIGNED, AuditReturn.State.DRAFT, AuditReturn.State.SENT_BACK)


def _round_returns(*, partnership: Partnership, audit_round: AuditRound):
    return (
        AuditReturn.objects.in_partnership(partnership)
        .filter(case__round=audit_round)
        .select_related("case", "agency", "practitioner__person")
    )


def return_url(audit_return: AuditReturn) -> str:
    return reverse(
        "audits:return_detail",
        kwargs={"slug": audit_return.partnership.slug, "audit_return_id": audit_return.pk},
    )


def _task_set(*, partnership: Partnership, audit_return: AuditReturn, audit_round: AuditRound) -> None:
    deadline_set(
        partnership=partnership,
        subject=audit_return,
        kind=DEADLINE_KIND,
        title=f"{audit_round.title}: {audit_return.agency.name}'s return for {audit_return.case.reference}"[:200],
        due_on=audit_round.due_on,
        assignee=audit_return.practitioner.person,
    )


def _invite(*, partnership: Partnership, audit_return: AuditReturn, audit_round: AuditRound) -> None:
    """The practitioner's task and email for a return they are named for."""
    _task_set(partnership=partnership, audit_return=audit_return, audit_round=audit_round)
    person = audit_return.practitioner.person
    email_send_after_commit(
        subject=f"Case audit: your return for {audit_return.case.reference} is due {audit_round.due_on:%d %B %Y}",
        body="\n\n".join(
            [
                f"Dear {person.full_name},",
                f"You have been named to answer {partnership.name}'s case audit “{audit_round.title}” for "
                f"{audit_return.agency.name}, about the case {audit_return.case.reference}.",
                f"Please complete and submit your return by {audit_round.due_on:%d %B %Y}. You can save a draft "
                "and come back to it.",
                f"Your return: {return_url(audit_return)}",
            ]
        ),
        to=[person.email],
    )


@transaction.atomic
def audit_round_open(
    *, partnership: Partnership, actor: Person, audit_round: AuditRound, expected_updated_at: datetime | None = None
) -> AuditRound:
    """Send the returns out: every assignment gets its task and email. Refused with no assignment yet."""
    locked = _lock_round(partnership=partnership, audit_round=audit_round)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this audit")
    returns = list(_round_returns(partnership=partnership, audit_round=locked))
    if locked.state == AuditRound.State.SETUP and not returns:
        raise ValidationError(
            "Select at least one case and name an agency's practitioner for it before sending the returns out.",
            code="no_returns",
        )
    state_move(partnership=partnership, actor=actor, instance=locked, to=AuditRound.State.OPEN)
    if audit_round.state == AuditRound.State.SETUP:
        for audit_return in returns:
            _invite(partnership=partnership, audit_return=audit_return, audit_round=locked)
    audit_round.state, audit_round.updated_at = locked.state, locked.updated_at
    return locked


@transaction.atomic
def audit_round_move(
    *,
    partnership: Partnership,
    actor: Person,
    audit_round: AuditRound,
    to: str,
    expected_updated_at: datetime | None = None,
) -> AuditRound:
    """Moderation, back to open returns, or closed, as the round's table allows. Closing cancels open tasks."""
    if to == AuditRound.State.OPEN and audit_round.state == AuditRound.State.SETUP:
        return audit_round_open(
            partnership=partnership, actor=actor, audit_round=audit_round, expected_updated_at=expected_updated_at
        )
    locked = _lock_round(partnership=partnership, audit_round=audit_round)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this audit")
    if to not in AuditRound.State.values:
        raise ValidationError({"to": ["Choose a stage of the audit."]})
    state_move(partnership=partnership, actor=actor, instance=locked, to=to)
    if to == AuditRound.State.CLOSED:
        for audit_return in _round_returns(partnership=partnership, audit_round=locked):
            deadline_cancel(partnership=partnership, subject=audit_return)
    return locked


# --- Screening and selecting cases ----------------------------------------------------------------------------


def _references(raw: str | list[str]) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    seen: list[str] = []
    for line in lines:
        reference = " ".join(str(line).split())
        if reference and reference.casefold() not in {r.casefold() for r in seen}:
            seen.append(reference)
    return seen


def _not_closed(audit_round: AuditRound) -> None:
    if audit_round.state == AuditRound.State.CLOSED:
        raise ValidationError("This audit is closed: it is not changed any more.", code="closed")


@transaction.atomic
def audit_cases_screen(
    *, partnership: Partnership, actor: Person, audit_round: AuditRound, references: str | list[str]
) -> list[AuditCase]:
    """Add screened cases by their pseudonymised references (one a line); references already listed are skipped.

    A reference is letters, digits, spaces and ``. / _ -`` only, at most 40
    characters: a child's or family's name has no place here. Returns the cases added.
    """
    locked = _lock_round(partnership=partnership, audit_round=audit_round)
    _not_closed(locked)
    wanted = _references(references)
    if not wanted:
        raise ValidationError({"references": ["Enter at least one case reference, one a line."]})
    bad = [r for r in wanted if len(r) > REFERENCE_MAX_LENGTH or not REFERENCE_PATTERN.match(r)]
    if bad:
        raise ValidationError(
            {
                "references": [
                    "Use pseudonymised references only (letters, digits, spaces, '.', '/', '_' and '-', "
                    f"at most {REFERENCE_MAX_LENGTH} characters). Not accepted: {', '.join(bad[:5])}"
                    + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
                    + "."
                ]
            }
        )
    cases = AuditCase.objects.in_partnership(partnership).filter(round=locked)
    have = {r.casefold() for r in cases.values_list("reference", flat=True)}
    new = [r for r in wanted if r.casefold() not in have]
    if len(have) + len(new) > CASES_PER_SCREENING_MAX:
        raise ValidationError({"references": [f"An audit screens at most {CASES_PER_SCREENING_MAX} cases."]})
    start = (cases.aggregate(p=Max("position"))["p"] or 0) + 1
    added = AuditCase.objects.bulk_create(
        AuditCase(partnership=partnership, round=locked, reference=r, position=start + i) for i, r in enumerate(new)
    )
    if added:
        history_record(
            partnership=partnership,
            actor=actor,
            instance=locked,
            action="updated",
            changes={"screened cases": {"from": len(have), "to": len(have) + len(added)}},
        )
    locked.save(update_fields=["updated_at"])
    return added


@transaction.atomic
def audit_case_select(
    *,
    partnership: Partnership,
    actor: Person,
    case: AuditCase,
    selected: bool,
    reason: str,
    expected_updated_at: datetime | None = None,
) -> AuditCase:
    """Select a screened case for audit, or leave it out, with the reason recorded.

    A reason is required to select a case. A case whose returns have gone out
    stays selected (take its returns away first).
    """
    locked = AuditCase.objects.in_partnership(partnership).select_for_update().filter(pk=case.pk).first()
    if locked is None:
        raise ValidationError("No such case in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this case")
    _not_closed(locked.round)
    reason = " ".join((reason or "").split())
    errors: dict[str, list[str]] = {}
    if selected and not reason:
        errors["reason"] = ["Say why this case was selected."]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [f"Use at most {REASON_MAX_LENGTH} characters."]
    if not selected and AuditReturn.objects.in_partnership(partnership).filter(case=locked).exists():
        errors["selected"] = ["Agencies have been asked for returns on this case: take those away first."]
    if errors:
        raise ValidationError(errors)
    tenant_update(partnership=partnership, actor=actor, instance=locked, data={"selected": selected, "reason": reason})
    case.selected, case.reason, case.updated_at = locked.selected, locked.reason, locked.updated_at
    return locked


@transaction.atomic
def audit_case_discussion_record(
    *,
    partnership: Partnership,
    actor: Person,
    case: AuditCase,
    discussion_on: date | None,
    notes: str,
    expected_updated_at: datetime | None = None,
) -> AuditCase:
    """Record the reflective discussion of a selected case: when it was held and what was learned."""
    locked = AuditCase.objects.in_partnership(partnership).select_for_update().filter(pk=case.pk).first()
    if locked is None:
        raise ValidationError("No such case in this partnership.")
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this case's discussion")
    _not_closed(locked.round)
    notes = (notes or "").strip()
    errors: dict[str, list[str]] = {}
    if not locked.selected:
        errors["notes"] = ["Only a selected case is discussed."]
    if not notes:
        errors["notes"] = ["Write the notes of the discussion."]
    elif len(notes) > 10000:
        errors["notes"] = ["Use at most 10,000 characters."]
    if discussion_on is not None and discussion_on > timezone.localdate():
        errors["discussion_on"] = ["The discussion cannot be in the future."]
    if errors:
        raise ValidationError(errors)
    tenant_update(
        partnership=partnership,
        actor=actor,
        instance=locked,
        data={"discussion_on": discussion_on, "discussion_notes": notes},
    )
    return locked


# --- Assignments: an agency and its named practitioner per case ---------------------------------------------


@transaction.atomic
def audit_return_assign(
    *, partnership: Partnership, actor: Person, case: AuditCase, agency_id: int | None, practitioner_id: int | None
) -> AuditReturn:
    """Ask an agency for its return on a selected case, answered by a named member of that agency.

    The practitioner gets a per-object grant on the return (guardian) beside
    the return's own foreign key to them. If the round is already open, the
    task and the email go at once; otherwise when it opens.
    """
    locked_round = _lock_round(partnership=partnership, audit_round=case.round)
    _not_closed(locked_round)
    # The case as saved now (its selection may have changed since the caller read it).
    case = AuditCase.objects.in_partnership(partnership).filter(pk=case.pk, round=locked_round).first()
    if case is None:
        raise ValidationError("No such case in this audit.")
    errors: dict[str, list[str]] = {}
    agency = None
    pk = _id(agency_id, field="agency_id", errors=errors, message="Choose an agency.")
    if pk is not None:
        agency = Agency.objects.in_partnership(partnership).filter(pk=pk, is_active=True).first()
    if agency is None and "agency_id" not in errors:
        errors["agency_id"] = ["Choose an agency."]
    practitioner = None
    pk = _id(practitioner_id, field="practitioner_id", errors=errors, message="Choose the practitioner.")
    if pk is not None:
        practitioner = (
            Membership.objects.in_partnership(partnership)
            .filter(pk=pk, is_active=True)
            .select_related("person", "agency")
            .first()
        )
    if practitioner is None and "practitioner_id" not in errors:
        errors["practitioner_id"] = ["Choose the practitioner who will answer."]
    elif practitioner is not None and agency is not None and practitioner.agency_id != agency.pk:
        errors["practitioner_id"] = [f"Choose someone who works for {agency.name}."]
    if not case.selected:
        errors["agency_id"] = ["Select the case for audit first."]
    elif (
        agency is not None and AuditReturn.objects.in_partnership(partnership).filter(case=case, agency=agency).exists()
    ):
        errors["agency_id"] = [f"{agency.name} is already asked for a return on this case."]
    if errors:
        raise ValidationError(errors)
    audit_return = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=AuditReturn(partnership=partnership, case=case, agency=agency, practitioner=practitioner),
    )
    for perm in RETURN_PERMISSIONS:
        assign_perm(perm, practitioner.person, audit_return)
    if locked_round.state in (AuditRound.State.OPEN, AuditRound.State.MODERATION):
        _invite(partnership=partnership, audit_return=audit_return, audit_round=locked_round)
    return audit_return


@transaction.atomic
def audit_return_withdraw(*, partnership: Partnership, actor: Person, audit_return: AuditReturn) -> None:
    """Stop asking for a return nobody has started yet: its task is cancelled and the grant removed."""
    locked = AuditReturn.objects.in_partnership(partnership).select_for_update().filter(pk=audit_return.pk).first()
    if locked is None:
        raise ValidationError("No such return in this partnership.")
    if locked.state != AuditReturn.State.ASSIGNED:
        raise ValidationError("This return has been started: it stays.", code="started")
    deadline_cancel(partnership=partnership, subject=locked)
    person = Person.objects.get(pk=audit_return.practitioner.person_id)
    for perm in RETURN_PERMISSIONS:
        remove_perm(perm, person, locked)
    tenant_delete(partnership=partnership, actor=actor, instance=locked)
