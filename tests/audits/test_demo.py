"""The demo's case audits: returns at every stage in both demo partnerships, made once."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from audits.demo import DEMO_AUDIT_PARTNERSHIPS, SCREENED, DemoPeopleMissingError, demo_audits_seed
from audits.models import AuditAnswer, AuditCase, AuditFinding, AuditReturn, AuditRound, PlannedAudit
from partnership.demo import demo_seed
from partnership.models import Deadline

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
