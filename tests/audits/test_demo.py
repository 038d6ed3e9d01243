"""The demo's case audits and self-assessments: returns at every stage in both demo partnerships, made once."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from audits.demo import DEMO_AUDIT_PARTNERSHIPS, SCREENED, DemoPeopleMissingError, demo_audits_seed
from audits.models import (
    AuditAnswer,
    AuditCase,
    AuditFinding,
    AuditReturn,
    AuditRound,
    GapAction,
    PlannedAudit,
    ReturnStandard,
    School,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
)
from partnership.demo import demo_email, demo_seed
from partnership.models import Agency, Deadline, HistoryEntry, Invitation, Person
from partnership.models.mail import OutboundEmail

pytestmark = pytest.mark.django_db


def test_without_the_demo_people_it_says_what_to_run_first():
    with pytest.raises(DemoPeopleMissingError, match="seed_demo"):
        demo_audits_seed()


def test_every_stage_in_both_partnerships_once():
    demo_seed()
    call_command("seed_demo_audits")
    counts = (AuditRound.objects.count(), AuditReturn.objects.count(), PlannedAudit.objects.count())
    demo_audits_seed()
    assert (AuditRound.objects.count(), AuditReturn.objects.count(), PlannedAudit.objects.count()) == counts
    for slug in DEMO_AUDIT_PARTNERSHIPS:
        audit_round = AuditRound.objects.get(partnership__slug=slug)
        assert audit_round.state == AuditRound.State.OPEN
        assert AuditCase.objects.filter(round=audit_round).count() == SCREENED
        assert AuditCase.objects.filter(round=audit_round, selected=True).count() == 8
        states = set(AuditReturn.objects.filter(case__round=audit_round).values_list("state", flat=True))
        assert states == set(AuditReturn.State.values)
        assert AuditAnswer.objects.filter(
            audit_return__case__round=audit_round, moderated_option__isnull=False
        ).exists()
        assert Deadline.objects.filter(partnership__slug=slug, kind="audit_return", state="open").exists()
        assert AuditFinding.objects.filter(round=audit_round).count() == 3


def test_self_assessment_cycles_with_returns_at_every_stage_and_last_years_to_compare(client_for):
    demo_seed()
    call_command("seed_demo_audits")
    counts = (SelfAssessmentCycle.objects.count(), SelfAssessmentReturn.objects.count(), School.objects.count())
    demo_audits_seed()
    assert (SelfAssessmentCycle.objects.count(), SelfAssessmentReturn.objects.count(), School.objects.count()) == counts
    # The self-assessments queue no email: every school's lead is a member already (no invitations), and no
    # step of a return writes to the outbox. (The worker would send the outbox whatever the seeding's settings.)
    queued = [e for e in OutboundEmail.objects.all() if "self-assessment" in e.subject.lower()]
    queued += [e for e in OutboundEmail.objects.all() if any("dsl." in to or "safeguarding-lead." in to for to in e.to)]
    assert not queued
    assert not Invitation.objects.filter(partnership__slug__in=DEMO_AUDIT_PARTNERSHIPS).exists()
    state = SelfAssessmentReturn.State
    year = timezone.localdate().year
    for slug, area in (("ashby-scp", "ashby"), ("wessex-scp", "wessex")):
        schools = School.objects.filter(partnership__slug=slug)
        assert 20 <= schools.count() <= 40
        assert all(len(s.urn) == 6 and s.dsl_email.endswith(".example") and s.governor_name for s in schools)
        cycles = SelfAssessmentCycle.objects.filter(partnership__slug=slug)
        assert sorted(cycles.values_list("kind", "year")) == [
            ("section_11", year - 1),
            ("section_11", year),
            ("section_175", year - 1),
            ("section_175", year),
        ]
        section_11 = cycles.get(kind="section_11", year=year)
        agencies = Agency.objects.filter(partnership__slug=slug, is_active=True, school__isnull=True).count()
        assert section_11.returns.count() == agencies  # every agency but the registered schools
        assert cycles.get(kind="section_175", year=year).returns.count() == schools.count()
        for cycle in cycles.filter(year=year):
            returns = SelfAssessmentReturn.objects.filter(cycle=cycle)
            states = set(returns.values_list("state", flat=True))
            wanted = set(state.values) if cycle.kind == "section_175" else set(state.values) - {"awaiting_signatures"}
            assert states == wanted, cycle
            assert returns.filter(state=state.DRAFT, edit_version=1).exists()  # not started
            assert returns.filter(state=state.DRAFT, edit_version__gt=1).exists()  # in progress
            sent_back = HistoryEntry.objects.filter(
                partnership__slug=slug, object_id__in=returns.values("pk"), reason__startswith="Please add"
            )
            assert sent_back.exists()
            moderated = ReturnStandard.objects.filter(assessment_return__cycle=cycle, moderated_score__isnull=False)
            assert moderated.exclude(challenge_notes="").exists()
            assert any(s.moderated_score != s.self_score for s in moderated)
            assert GapAction.objects.filter(standard__assessment_return__cycle=cycle, agreed_at_challenge=True).exists()
            assert GapAction.objects.filter(
                standard__assessment_return__cycle=cycle, agreed_at_challenge=False
            ).exists()
            assert Deadline.objects.filter(partnership__slug=slug, kind="sa.return", state="open").exists()
        signed = SelfAssessmentReturn.objects.filter(
            cycle__kind="section_175", cycle__year=year, state=state.SUBMITTED, partnership__slug=slug
        )
        assert signed.exclude(head_signed_at=None).exclude(governor_signed_at=None).exists()
        closed = SelfAssessmentReturn.objects.filter(partnership__slug=slug, cycle__year=year - 1)
        assert set(closed.values_list("state", flat=True)) == {state.MODERATED}

        bm = client_for(Person.objects.get(email=demo_email("bm", area)))
        matrix = bm.get(reverse("audits:cycle_matrix", kwargs={"slug": slug, "cycle_id": section_11.pk}))
        assert matrix.status_code == 200
        assert "(was " in matrix.content.decode()  # the change since last year's cycle
        moderated_return = SelfAssessmentReturn.objects.filter(cycle=section_11, state=state.MODERATED).first()
        page = bm.get(reverse("audits:sa_return_detail", kwargs={"slug": slug, "return_id": moderated_return.pk}))
        assert page.status_code == 200
        assert "Moderated score" in page.content.decode()
