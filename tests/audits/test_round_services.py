"""Case audit rounds and returns: setting up, screening, assigning (task, email, grant), answering, moderating."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from audits.models import AuditAnswer, AuditCase, AuditReturn, AuditRound
from audits.selectors.rounds import audit_returns_for_member
from audits.services.returns import audit_return_moderate, audit_return_save, audit_return_send_back
from audits.services.rounds import (
    audit_case_discussion_record,
    audit_case_select,
    audit_cases_screen,
    audit_return_assign,
    audit_return_withdraw,
    audit_round_create,
    audit_round_move,
    audit_round_open,
    planned_audit_create,
)
from partnership.models import Deadline, Role
from partnership.services.priorities import priority_create
from tests.audits.helpers import GOOD_ANSWERS, first_return, published_case_audit, round_make
from tests.factories import membership_make

pytestmark = pytest.mark.django_db


def test_programme_links_theme_and_priority(world_a, world_b):
    p = world_a.partnership
    from partnership.models import LearningTheme
    from partnership.services.learning_themes import learning_themes_seed

    learning_themes_seed(partnership=p)
    learning_themes_seed(partnership=world_b.partnership)
    theme = LearningTheme.objects.filter(partnership=p).first()
    priority = priority_create(partnership=p, actor=world_a.bm, title="Neglect", start_year=2026, end_year=2027)
    planned = planned_audit_create(
        partnership=p,
        actor=world_a.bm,
        year=2026,
        month=3,
        title="Neglect audit",
        theme_id=theme.pk,
        priority_id=priority.pk,
    )
    assert planned.get_month_display() == "March"
    other_theme = LearningTheme.objects.filter(partnership=world_b.partnership).first()
    with pytest.raises(ValidationError) as err:
        planned_audit_create(
            partnership=p, actor=world_a.bm, year=1999, month=13, title="", theme_id=other_theme.pk, priority_id="x"
        )
    assert set(err.value.message_dict) == {"year", "month", "title", "theme_id", "priority_id"}


def test_round_needs_a_published_case_audit_version(world_a, world_b):
    version = published_case_audit(world_a)
    other = published_case_audit(world_b)
    due = timezone.localdate() + timedelta(days=10)
    with pytest.raises(ValidationError) as err:
        audit_round_create(
            partnership=world_a.partnership, actor=world_a.bm, title="", template_version_id=other.pk, due_on=None
        )
    assert set(err.value.message_dict) == {"title", "template_version_id", "due_on"}
    from audits.services.templates import template_copy_builtin

    s11 = template_copy_builtin(partnership=world_a.partnership, actor=world_a.bm, builtin_key="section-11")
    with pytest.raises(ValidationError) as err:
        audit_round_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            title="T",
            template_version_id=s11.versions.get().pk,
            due_on=due,
        )
    assert "template_version_id" in err.value.message_dict
    audit_round = audit_round_create(
        partnership=world_a.partnership, actor=world_a.bm, title="T", template_version_id=version.pk, due_on=due
    )
    assert audit_round.state == AuditRound.State.SETUP


def test_screening_takes_pseudonymised_references_only(world_a):
    audit_round = round_make(world_a, cases=0, selected=0, open_it=False)
    added = audit_cases_screen(
        partnership=world_a.partnership,
        actor=world_a.bm,
        audit_round=audit_round,
        references="CA-1\nca-1\n\nCA-2\n",
    )
    assert [c.reference for c in added] == ["CA-1", "CA-2"]
    with pytest.raises(ValidationError) as err:
        audit_cases_screen(
            partnership=world_a.partnership, actor=world_a.bm, audit_round=audit_round, references="Jane <Smith>\nCA-3"
        )
    assert "references" in err.value.message_dict
    assert AuditCase.objects.filter(round=audit_round).count() == 2
    # 107 screened, 8 selected, a reason for each.
    audit_cases_screen(
        partnership=world_a.partnership,
        actor=world_a.bm,
        audit_round=audit_round,
        references=[f"REF-{n}" for n in range(105)],
    )
    cases = list(AuditCase.objects.filter(round=audit_round))
    assert len(cases) == 107
    with pytest.raises(ValidationError) as err:
        audit_case_select(partnership=world_a.partnership, actor=world_a.bm, case=cases[0], selected=True, reason="")
    assert "reason" in err.value.message_dict
    for case in cases[:8]:
        audit_case_select(
            partnership=world_a.partnership, actor=world_a.bm, case=case, selected=True, reason="Repeat referrals"
        )
    assert AuditCase.objects.filter(round=audit_round, selected=True).count() == 8


def test_assign_checks_agency_and_grants_and_opening_sends_tasks(world_a, world_b, django_capture_on_commit_callbacks):
    audit_round = round_make(world_a, cases=2, selected=1, open_it=False)
    case = AuditCase.objects.get(round=audit_round, selected=True)
    unselected = AuditCase.objects.get(round=audit_round, selected=False)
    p = world_a.partnership
    with pytest.raises(ValidationError) as err:
        audit_return_assign(
            partnership=p,
            actor=world_a.bm,
            case=case,
            agency_id=world_a.police.pk,
            practitioner_id=world_a.practitioner.pk,
        )
    assert "practitioner_id" in err.value.message_dict  # works for the school, not the police
    with pytest.raises(ValidationError) as err:
        audit_return_assign(
            partnership=p,
            actor=world_a.bm,
            case=case,
            agency_id=world_b.school.pk,
            practitioner_id=world_b.practitioner.pk,
        )
    assert set(err.value.message_dict) == {"agency_id", "practitioner_id"}
    with pytest.raises(ValidationError) as err:
        audit_return_assign(
            partnership=p,
            actor=world_a.bm,
            case=unselected,
            agency_id=world_a.school.pk,
            practitioner_id=world_a.practitioner.pk,
        )
    assert "agency_id" in err.value.message_dict
    audit_return = AuditReturn.objects.get(case=case)
    assert world_a.practitioner.person.has_perm("audits.change_auditreturn", audit_return)
    assert not Deadline.objects.filter(partnership=p).exists()
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        audit_round_open(partnership=p, actor=world_a.bm, audit_round=audit_round)
    deadline = Deadline.objects.get(partnership=p, kind="audit_return")
    assert deadline.assignee == world_a.practitioner.person
    assert deadline.due_on == audit_round.due_on
    assert [m.to for m in mail.outbox] == [[world_a.practitioner.person.email]]
    assert "CA-2026-001" in mail.outbox[0].subject


def test_opening_without_returns_is_refused(world_a):
    audit_round = round_make(world_a, cases=2, selected=0, open_it=False)
    with pytest.raises(ValidationError) as err:
        audit_round_open(partnership=world_a.partnership, actor=world_a.bm, audit_round=audit_round)
    assert err.value.code == "no_returns"


def test_round_moves_follow_the_table(world_a):
    audit_round = round_make(world_a, cases=1, selected=1)
    p = world_a.partnership
    with pytest.raises(ValidationError):
        audit_round_move(partnership=p, actor=world_a.bm, audit_round=audit_round, to=AuditRound.State.CLOSED)
    audit_round_move(partnership=p, actor=world_a.bm, audit_round=audit_round, to=AuditRound.State.MODERATION)
    audit_round_move(partnership=p, actor=world_a.bm, audit_round=audit_round, to=AuditRound.State.OPEN)
    audit_round_move(partnership=p, actor=world_a.bm, audit_round=audit_round, to=AuditRound.State.MODERATION)
    audit_round_move(partnership=p, actor=world_a.bm, audit_round=audit_round, to=AuditRound.State.CLOSED)
    assert Deadline.objects.get(partnership=p, kind="audit_return").state == Deadline.State.CANCELLED
    with pytest.raises(ValidationError):
        audit_round_move(partnership=p, actor=world_a.bm, audit_round=audit_round, to=AuditRound.State.OPEN)


def test_practitioner_saves_submits_and_it_is_read_only(world_a):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    p = world_a.partnership
    mine = world_a.practitioner
    audit_return_save(
        partnership=p, membership=mine, audit_return=audit_return, answers={"early-help-grade": "2"}, version=1
    )
    assert audit_return.state == AuditReturn.State.DRAFT
    assert audit_return.version == 2
    with pytest.raises(ValidationError) as err:
        audit_return_save(partnership=p, membership=mine, audit_return=audit_return, answers={}, version=2, submit=True)
    assert "overall-grade" in err.value.message_dict
    assert "overall-evidence-file" not in err.value.message_dict  # optional
    with pytest.raises(ValidationError) as err:
        audit_return_save(
            partnership=p,
            membership=mine,
            audit_return=audit_return,
            answers={"early-help-grade": "9", "early-help-offered": "maybe", "nope": "x"},
            version=2,
        )
    assert set(err.value.message_dict) == {"early-help-grade", "early-help-offered", "answers"}
    audit_return_save(
        partnership=p, membership=mine, audit_return=audit_return, answers=GOOD_ANSWERS, version=2, submit=True
    )
    audit_return.refresh_from_db()
    assert audit_return.state == AuditReturn.State.SUBMITTED
    assert Deadline.objects.get(partnership=p, subject_id=audit_return.pk).state == Deadline.State.MET
    with pytest.raises(ValidationError) as err:
        audit_return_save(
            partnership=p,
            membership=mine,
            audit_return=audit_return,
            answers={"early-help-grade": "4"},
            version=audit_return.version,
        )
    assert err.value.code == "read_only"
    assert AuditAnswer.objects.get(audit_return=audit_return, question__key="early-help-grade").option.value == 2


def test_second_save_from_an_old_read_is_refused(world_a):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    p = world_a.partnership
    audit_return_save(
        partnership=p,
        membership=world_a.practitioner,
        audit_return=audit_return,
        answers={"overall-strengths": "First person's words"},
        version=1,
    )
    with pytest.raises(ValidationError) as err:
        audit_return_save(
            partnership=p,
            membership=world_a.practitioner,
            audit_return=audit_return,
            answers={"overall-strengths": "Second person's words"},
            version=1,
        )
    assert err.value.code == "stale"
    assert "nothing of theirs was overwritten" in err.value.messages[0]
    answer = AuditAnswer.objects.get(audit_return=audit_return, question__key="overall-strengths")
    assert answer.text == "First person's words"


def test_only_the_named_practitioner_answers(world_a):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    colleague = membership_make(
        partnership=world_a.partnership,
        agency=world_a.school,
        roles=[Role.PRACTITIONER],
        email="colleague@alpha.example",
    )
    with pytest.raises(ValidationError) as err:
        audit_return_save(
            partnership=world_a.partnership, membership=colleague, audit_return=audit_return, answers={}, version=1
        )
    assert err.value.code == "not_yours"
    # The foreign key alone is not enough: without the grant, refused too.
    from guardian.shortcuts import remove_perm

    remove_perm("audits.change_auditreturn", world_a.practitioner.person, audit_return)
    with pytest.raises(ValidationError):
        audit_return_save(
            partnership=world_a.partnership,
            membership=world_a.practitioner,
            audit_return=audit_return,
            answers={},
            version=1,
        )
    assert audit_return not in audit_returns_for_member(
        partnership=world_a.partnership, membership=world_a.practitioner
    )
    assert list(audit_returns_for_member(partnership=world_a.partnership, membership=colleague)) == []
    # The agency lead sees every return of their agency.
    assert audit_returns_for_member(partnership=world_a.partnership, membership=world_a.agency_lead).count() == 2


def test_send_back_and_moderate(world_a, django_capture_on_commit_callbacks):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    p = world_a.partnership
    audit_return_save(
        partnership=p,
        membership=world_a.practitioner,
        audit_return=audit_return,
        answers=GOOD_ANSWERS,
        version=1,
        submit=True,
    )
    mail.outbox.clear()
    with pytest.raises(ValidationError) as err:
        audit_return_send_back(partnership=p, actor=world_a.bm, audit_return=audit_return, reason="", version=None)
    assert "reason" in err.value.message_dict
    with pytest.raises(ValidationError):
        audit_return_send_back(
            partnership=p, actor=world_a.practitioner.person, audit_return=audit_return, reason="x", version=None
        )
    with django_capture_on_commit_callbacks(execute=True):
        audit_return_send_back(
            partnership=p, actor=world_a.bm, audit_return=audit_return, reason="Add the chronology", version=None
        )
    assert audit_return.state == AuditReturn.State.SENT_BACK
    assert Deadline.objects.get(partnership=p, subject_id=audit_return.pk).state == Deadline.State.OPEN
    assert "sent back" in mail.outbox[0].subject
    audit_return_save(
        partnership=p,
        membership=world_a.practitioner,
        audit_return=audit_return,
        answers={},
        version=audit_return.version,
        submit=True,
    )
    with pytest.raises(ValidationError) as err:
        audit_return_moderate(
            partnership=p,
            actor=world_a.bm,
            audit_return=audit_return,
            grades={"voice-grade": "3"},
            rationales={},
            version=audit_return.version,
        )
    assert "voice-grade" in err.value.message_dict
    audit_return_moderate(
        partnership=p,
        actor=world_a.bm,
        audit_return=audit_return,
        grades={"voice-grade": "3", "overall-grade": "2"},  # overall: the same as the agency's
        rationales={"voice-grade": "The child was not seen alone."},
        version=audit_return.version,
    )
    assert audit_return.state == AuditReturn.State.MODERATED
    voice = AuditAnswer.objects.get(audit_return=audit_return, question__key="voice-grade")
    assert (voice.option.value, voice.moderated_option.value) == (1, 3)
    assert voice.moderation_rationale == "The child was not seen alone."
    overall = AuditAnswer.objects.get(audit_return=audit_return, question__key="overall-grade")
    assert overall.moderated_option is None


def test_discussion_notes_and_withdrawing(world_a):
    audit_round = round_make(world_a)
    case = AuditCase.objects.filter(round=audit_round, selected=True).first()
    p = world_a.partnership
    with pytest.raises(ValidationError) as err:
        audit_case_discussion_record(
            partnership=p, actor=world_a.bm, case=case, discussion_on=timezone.localdate() + timedelta(days=3), notes=""
        )
    assert set(err.value.message_dict) == {"notes", "discussion_on"}
    audit_case_discussion_record(
        partnership=p, actor=world_a.bm, case=case, discussion_on=timezone.localdate(), notes="Fathers were invisible."
    )
    case.refresh_from_db()
    assert case.discussion_notes == "Fathers were invisible."
    audit_return = AuditReturn.objects.get(case=case)
    audit_return_withdraw(partnership=p, actor=world_a.bm, audit_return=audit_return)
    assert not AuditReturn.objects.filter(case=case).exists()
    # The return's task goes with it (a subject's deadlines are deleted with the subject).
    assert not Deadline.objects.filter(partnership=p, kind="audit_return", subject_id=audit_return.pk).exists()


def test_an_overdue_return_is_escalated_to_its_agency_lead(world_a, django_capture_on_commit_callbacks):
    from partnership.services.deadlines import deadlines_sweep

    round_make(world_a)
    Deadline.objects.filter(partnership=world_a.partnership, kind="audit_return").update(
        due_on=timezone.localdate() - timedelta(days=3), remind_on=timezone.localdate() - timedelta(days=5)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep()
    recipients = {address for m in mail.outbox for address in m.to}
    assert world_a.agency_lead.person.email in recipients  # the school's agency lead
    assert world_a.practitioner.person.email in recipients
