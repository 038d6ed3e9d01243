"""Self-assessment cycles and returns: launch, carry-forward, scoring, submission, signatures, concurrency."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from audits.models import GapAction, ReturnStandard, ReturnUserObjectPermission, SelfAssessmentReturn
from audits.selectors.self_assessment import return_answerable_by, returns_for_member
from audits.services import self_assessment as sa
from partnership.models import Deadline, HistoryEntry, Invitation, OutboundEmail, Role
from tests.audits.sa_helpers import (
    NEXT_MONTH,
    cycle_make,
    fill,
    published_version,
    return_of,
    school_lead,
    schools_make,
)
from tests.factories import membership_make

pytestmark = pytest.mark.django_db
State = SelfAssessmentReturn.State


def test_a_section_11_cycle_asks_every_agency_but_the_schools(world_a):
    schools_make(world_a, 2)
    result = cycle_make(world_a)

    agencies = set(
        SelfAssessmentReturn.objects.in_partnership(world_a.partnership)
        .filter(cycle=result.cycle)
        .values_list("agency__name", flat=True)
    )
    # The council, ICB, police and the world's own education agency (not on the schools register).
    assert agencies == {"Alpha Council", "Alpha ICB", "Alpha Police", "Alpha Primary School"}
    ret = return_of(world_a, result.cycle, world_a.school)
    assert ReturnStandard.objects.in_partnership(world_a.partnership).filter(assessment_return=ret).count() == 11
    deadline = Deadline.objects.in_partnership(world_a.partnership).get(kind="sa.return", subject_id=ret.pk)
    assert deadline.assignee == world_a.agency_lead.person  # the school agency's one lead
    assert ReturnUserObjectPermission.objects.filter(content_object=ret, user=world_a.agency_lead.person).exists()


def test_an_s175_cycle_asks_every_school_and_invites_their_dsls(world_a):
    schools_make(world_a, 3)
    mail.outbox.clear()

    result = cycle_make(world_a, "section-175")

    assert result.returns == 3
    assert result.invitations == 3
    invited = Invitation.objects.in_partnership(world_a.partnership).filter(status="pending")
    assert sorted(invited.values_list("email", flat=True)) == [f"dsl{n}@alpha-scp.example" for n in range(3)]
    assert all(i.roles == [Role.AGENCY_LEAD] for i in invited)
    ret = SelfAssessmentReturn.objects.in_partnership(world_a.partnership).filter(cycle=result.cycle).first()
    assert ret.school is not None


def test_launching_for_thirty_schools_takes_the_queries_of_three(world_a, world_b, django_assert_max_num_queries):
    """535 schools in a county: the launch's invitations, deadlines and grants are set-based, not per school."""
    schools_make(world_a, 3)
    schools_make(world_b, 30)
    version_a = published_version(world_a, "section-175")
    version_b = published_version(world_b, "section-175")
    cycle_make(world_a, "section-11")  # the first launch in a process fills caches (content types, the calendar)
    with django_assert_max_num_queries(60) as few:
        small = cycle_make(world_a, version=version_a)
    # Plus two: SQLite splits a bulk insert at its limit of variables, so 330 standards are three inserts there.
    with django_assert_max_num_queries(len(few.captured_queries) + 2):
        large = cycle_make(world_b, version=version_b)
    assert (small.invitations, large.invitations) == (3, 30)
    assert Deadline.objects.in_partnership(world_b.partnership).filter(kind="sa.return").count() == 30
    invitations = OutboundEmail.objects.filter(subject__startswith="You are invited")
    domain = f"@{world_b.partnership.slug}.example"
    assert sorted(e.to[0] for e in invitations if e.to[0].endswith(domain)) == sorted(
        f"dsl{n}{domain}" for n in range(30)
    )
    history = HistoryEntry.objects.in_partnership(world_b.partnership).filter(content_type__model="invitation")
    assert history.count() == 30


def test_one_cycle_per_kind_and_year_and_only_published_versions(world_a):
    version = published_version(world_a, "section-11")
    cycle_make(world_a, version=version)

    with pytest.raises(ValidationError) as excinfo:
        cycle_make(world_a, version=version)
    assert "year" in excinfo.value.message_dict


def test_last_cycles_answers_are_carried_forward_by_question_key(world_a):
    version = published_version(world_a, "section-11")
    first = cycle_make(world_a, version=version, year=2025).cycle
    old = return_of(world_a, first, world_a.school)
    sa.return_save(
        partnership=world_a.partnership,
        membership=world_a.agency_lead,
        assessment_return=old,
        answers={"training-self-score": 2, "training-evidence": "92% trained at level 2."},
        expected_version=old.edit_version,
    )

    second = cycle_make(world_a, version=version, year=2026)

    new = return_of(world_a, second.cycle, world_a.school)
    assert new.carried_forward_from == old
    training = ReturnStandard.objects.in_partnership(world_a.partnership).get(
        assessment_return=new, section_key="training"
    )
    assert training.answers == {"training-self-score": 2, "training-evidence": "92% trained at level 2."}
    assert training.self_score == 2
    assert second.carried_forward == 1


def test_saving_scores_and_refusing_bad_values(world_a):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)

    saved = sa.return_save(
        partnership=world_a.partnership,
        membership=world_a.agency_lead,
        assessment_return=ret,
        answers={"supervision-self-score": "1", "supervision-evidence": "  Monthly.  "},
        expected_version=1,
    )

    assert saved.edit_version == 2
    supervision = ReturnStandard.objects.in_partnership(world_a.partnership).get(
        assessment_return=ret, section_key="supervision"
    )
    assert (supervision.self_score, supervision.answers["supervision-evidence"]) == (1, "Monthly.")
    with pytest.raises(ValidationError) as excinfo:
        sa.return_save(
            partnership=world_a.partnership,
            membership=world_a.agency_lead,
            assessment_return=ret,
            answers={"supervision-self-score": 7, "nonsense": "x"},
            expected_version=2,
        )
    assert set(excinfo.value.message_dict) == {"answer_supervision-self-score", "answer_nonsense"}
    supervision.refresh_from_db()
    assert supervision.self_score == 1


def test_the_second_of_two_saves_from_the_same_read_is_refused(world_a):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    other = membership_make(
        partnership=world_a.partnership, agency=world_a.school, roles=[Role.AGENCY_LEAD], email="deputy@alpha.example"
    )
    sa.return_save(
        partnership=world_a.partnership,
        membership=world_a.agency_lead,
        assessment_return=ret,
        answers={"training-self-score": 3},
        expected_version=1,
    )

    with pytest.raises(ValidationError) as excinfo:
        sa.return_save(
            partnership=world_a.partnership,
            membership=other,
            assessment_return=ret,
            answers={"training-self-score": 0},
            expected_version=1,
        )

    assert excinfo.value.code == "stale"
    assert "Someone else saved this return" in excinfo.value.messages[0]
    training = ReturnStandard.objects.in_partnership(world_a.partnership).get(
        assessment_return=ret, section_key="training"
    )
    assert training.self_score == 3


def test_only_the_agencys_lead_or_a_grantee_answers(world_a):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.council)
    for membership in (world_a.agency_lead, world_a.business_manager, world_a.practitioner):
        assert not return_answerable_by(membership=membership, assessment_return=ret)
        with pytest.raises(ValidationError) as excinfo:
            sa.return_save(
                partnership=world_a.partnership,
                membership=membership,
                assessment_return=ret,
                answers={"training-self-score": 3},
                expected_version=None,
            )
        assert excinfo.value.code == "not_allowed"

    sa.return_grant(
        partnership=world_a.partnership, actor=world_a.bm, assessment_return=ret, person=world_a.practitioner.person
    )

    assert return_answerable_by(membership=world_a.practitioner, assessment_return=ret)
    assert list(returns_for_member(partnership=world_a.partnership, membership=world_a.practitioner)) == [ret]


def test_submitting_needs_every_answer_and_an_action_for_each_gap(world_a):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    lead = world_a.agency_lead

    with pytest.raises(ValidationError) as excinfo:
        sa.return_submit(partnership=world_a.partnership, membership=lead, assessment_return=ret, expected_version=1)
    assert len(excinfo.value.messages) == 22  # two questions for each of eleven standards

    answers = fill(ret, score=3) | {"training-self-score": 1}
    ret = sa.return_save(
        partnership=world_a.partnership, membership=lead, assessment_return=ret, answers=answers, expected_version=1
    )
    with pytest.raises(ValidationError) as excinfo:
        sa.return_submit(partnership=world_a.partnership, membership=lead, assessment_return=ret, expected_version=2)
    assert excinfo.value.messages == ["Training: the score shows a gap, so add an action for it (owner and date)."]

    training = ReturnStandard.objects.in_partnership(world_a.partnership).get(
        assessment_return=ret, section_key="training"
    )
    sa.gap_action_add(
        partnership=world_a.partnership,
        membership=lead,
        standard=training,
        action="Level 3 training for every designated lead",
        owner="Head of learning",
        due_on=NEXT_MONTH,
    )
    submitted = sa.return_submit(
        partnership=world_a.partnership, membership=lead, assessment_return=ret, expected_version=2
    )

    assert submitted.state == State.SUBMITTED
    assert submitted.submitted_by == lead.person
    deadline = Deadline.objects.in_partnership(world_a.partnership).get(kind="sa.return", subject_id=ret.pk)
    assert deadline.state == Deadline.State.MET
    with pytest.raises(ValidationError) as excinfo:
        sa.return_save(
            partnership=world_a.partnership,
            membership=lead,
            assessment_return=submitted,
            answers={"training-self-score": 3},
            expected_version=submitted.edit_version,
        )
    assert excinfo.value.code == "not_editable"


def test_a_schools_return_counts_as_submitted_only_when_head_and_governor_have_signed(world_a):
    schools_make(world_a, 1)
    cycle = cycle_make(world_a, "section-175").cycle
    ret = SelfAssessmentReturn.objects.in_partnership(world_a.partnership).get(cycle=cycle)
    lead = school_lead(world_a, ret.agency)
    ret = sa.return_save(
        partnership=world_a.partnership, membership=lead, assessment_return=ret, answers=fill(ret), expected_version=1
    )

    ret = sa.return_submit(partnership=world_a.partnership, membership=lead, assessment_return=ret, expected_version=2)
    assert ret.state == State.AWAITING_SIGNATURES

    with pytest.raises(ValidationError) as excinfo:
        sa.return_sign(
            partnership=world_a.partnership,
            membership=lead,
            assessment_return=ret,
            signer=sa.HEAD,
            name="Someone Else",
            confirmed=False,
            expected_version=ret.edit_version,
        )
    assert set(excinfo.value.message_dict) == {"name", "confirmed"}

    ret = sa.return_sign(
        partnership=world_a.partnership,
        membership=lead,
        assessment_return=ret,
        signer=sa.HEAD,
        name="head 0",
        confirmed=True,
        expected_version=ret.edit_version,
    )
    assert ret.state == State.AWAITING_SIGNATURES
    ret = sa.return_sign(
        partnership=world_a.partnership,
        membership=lead,
        assessment_return=ret,
        signer=sa.GOVERNOR,
        name="Governor 0",
        confirmed=True,
        expected_version=ret.edit_version,
    )

    assert ret.state == State.SUBMITTED
    assert (ret.head_signed_name, ret.governor_signed_name) == ("head 0", "Governor 0")


def test_sending_back_clears_signatures_and_reopens_the_deadline(world_a):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    lead = world_a.agency_lead
    ret = sa.return_save(
        partnership=world_a.partnership, membership=lead, assessment_return=ret, answers=fill(ret), expected_version=1
    )
    ret = sa.return_submit(partnership=world_a.partnership, membership=lead, assessment_return=ret, expected_version=2)

    with pytest.raises(ValidationError):
        sa.return_send_back(partnership=world_a.partnership, actor=world_a.bm, assessment_return=ret, reason=" ")
    back = sa.return_send_back(
        partnership=world_a.partnership,
        actor=world_a.bm,
        assessment_return=ret,
        reason="Evidence for training missing.",
    )

    assert back.state == State.DRAFT
    deadline = Deadline.objects.in_partnership(world_a.partnership).get(kind="sa.return", subject_id=ret.pk)
    assert deadline.state == Deadline.State.OPEN


def test_actions_and_evidence_are_checked(world_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    standard = ReturnStandard.objects.in_partnership(world_a.partnership).filter(assessment_return=ret).first()
    lead = world_a.agency_lead

    with pytest.raises(ValidationError) as excinfo:
        sa.gap_action_add(
            partnership=world_a.partnership, membership=lead, standard=standard, action="", owner="", due_on=None
        )
    assert set(excinfo.value.message_dict) == {"action", "owner", "due_on"}
    for upload, message in (
        (SimpleUploadedFile("e.pdf", b""), "The file is empty."),
        (SimpleUploadedFile("e.pdf", b"<html>"), "The file must be"),
        (SimpleUploadedFile("e.pdf", b"%PDF-" + b"x" * (10 * 1024 * 1024)), "10 MB or smaller"),
    ):
        with pytest.raises(ValidationError) as excinfo:
            sa.standard_evidence_add(partnership=world_a.partnership, membership=lead, standard=standard, upload=upload)
        assert message in excinfo.value.message_dict["file"][0]
    stored = sa.standard_evidence_add(
        partnership=world_a.partnership,
        membership=lead,
        standard=standard,
        upload=SimpleUploadedFile("../../board minutes.pdf", b"%PDF-1.4 minutes"),
    )
    assert stored.name == "board_minutes.pdf"
    assert not GapAction.objects.in_partnership(world_a.partnership).exists()
