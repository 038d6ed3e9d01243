"""Services of a cycle's findings: commissioned audits from month 2, findings by theme, drafts agreed into the
kernel's recommendations and sign-off, success measures before and after; every move allowed and refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audits.models import AuditRound
from learninghub.models import HubAuditLink, HubCycle, HubDraftRecommendation, HubFinding, HubPhase, PhaseKind
from learninghub.services import findings as services
from learninghub.services.cycles import hub_cycle_move
from partnership.models import Deadline, HistoryEntry, SignOff, StatutoryPartner, ThemeTag
from partnership.models.recommendations import Recommendation, RecommendationSource
from partnership.services.signoff import sign_off_approve
from tests.audits.helpers import published_case_audit, round_make
from tests.learninghub.findings_helpers import cycle_in, themes
from tests.learninghub.helpers import cycle_make

pytestmark = pytest.mark.django_db
State = HubDraftRecommendation.State


def _commission(world, cycle, **overrides):
    version = published_case_audit(world)
    data = {
        "title": "Missing children: multi-agency audit",
        "template_version_id": version.pk,
        "due_on": timezone.localdate() + timedelta(days=20),
    }
    data.update(overrides)
    return services.hub_audit_round_commission(partnership=world.partnership, actor=world.bm, cycle=cycle, **data)


# --- Commissioned audits ----------------------------------------------------------------------------------


def test_from_month_2_the_cycle_commissions_a_new_case_audit_round(world_a):
    cycle = cycle_in(world_a, PhaseKind.AUDITING)
    link = _commission(world_a, cycle)
    assert link.audit_round.title == "Missing children: multi-agency audit"
    assert link.audit_round.partnership == world_a.partnership
    assert AuditRound.objects.filter(partnership=world_a.partnership).count() == 1
    assert HistoryEntry.objects.filter(partnership=world_a.partnership, object_id=str(link.pk)).exists()


def test_before_month_2_commissioning_is_refused(world_a):
    cycle = cycle_in(world_a, PhaseKind.SCOPING)
    with pytest.raises(ValidationError, match="from month 2"):
        _commission(world_a, cycle)
    assert not AuditRound.objects.filter(partnership=world_a.partnership).exists()


def test_commissioning_passes_the_audits_field_errors(world_a):
    cycle = cycle_in(world_a, PhaseKind.AUDITING)
    with pytest.raises(ValidationError) as caught:
        _commission(world_a, cycle, title="", template_version_id=None, due_on=None)
    assert {"title", "template_version_id", "due_on"} <= set(caught.value.message_dict)
    assert not HubAuditLink.objects.filter(partnership=world_a.partnership).exists()


def test_an_existing_round_is_linked_once_and_another_partnerships_reads_as_missing(world_a, world_b):
    cycle = cycle_in(world_a, PhaseKind.AUDITING)
    mine = round_make(world_a, open_it=False)
    theirs = round_make(world_b, open_it=False)
    link = services.hub_audit_round_link(
        partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, audit_round_id=mine.pk
    )
    assert link.audit_round == mine
    with pytest.raises(ValidationError) as again:
        services.hub_audit_round_link(
            partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, audit_round_id=mine.pk
        )
    assert "already" in again.value.message_dict["audit_round_id"][0]
    refusals = []
    for bad in (theirs.pk, 999_999, "x", -1):
        with pytest.raises(ValidationError) as caught:
            services.hub_audit_round_link(
                partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, audit_round_id=bad
            )
        refusals.append(caught.value.message_dict["audit_round_id"])
    assert all(r == refusals[0] for r in refusals)


def test_unlinking_keeps_the_round(world_a):
    cycle = cycle_in(world_a, PhaseKind.AUDITING)
    link = _commission(world_a, cycle)
    services.hub_audit_round_unlink(partnership=world_a.partnership, actor=world_a.bm, link=link)
    assert not HubAuditLink.objects.filter(pk=link.pk).exists()
    assert AuditRound.objects.filter(pk=link.audit_round_id).exists()


def test_a_closed_cycle_changes_no_more(world_a):
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    theme = themes(world_a)[0]
    hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, to=HubCycle.State.CLOSED)
    with pytest.raises(ValidationError, match="closed"):
        services.hub_finding_add(
            partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, theme_id=theme.pk, text="Found"
        )
    with pytest.raises(ValidationError, match="closed"):
        _commission(world_a, cycle)


# --- Findings by theme ------------------------------------------------------------------------------------


def test_a_finding_is_recorded_under_a_current_theme(world_a, world_b):
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    theme = themes(world_a)[0]
    finding = services.hub_finding_add(
        partnership=world_a.partnership,
        actor=world_a.bm,
        cycle=cycle,
        theme_id=theme.pk,
        text="  Return interviews late ",
    )
    assert (finding.theme, finding.text) == (theme, "Return interviews late")
    foreign = themes(world_b)[0]
    for theme_id, text, fields in (
        (foreign.pk, "x", {"theme_id"}),
        (None, "", {"theme_id", "text"}),
        (theme.pk, "x" * 2001, {"text"}),
    ):
        with pytest.raises(ValidationError) as caught:
            services.hub_finding_add(
                partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, theme_id=theme_id, text=text
            )
        assert set(caught.value.message_dict) == fields
    theme.is_active = False
    theme.save()
    with pytest.raises(ValidationError):
        services.hub_finding_add(
            partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, theme_id=theme.pk, text="x"
        )
    services.hub_finding_remove(partnership=world_a.partnership, actor=world_a.bm, finding=finding)
    assert not HubFinding.objects.filter(pk=finding.pk).exists()


# --- Draft recommendations --------------------------------------------------------------------------------


def _draft(world, cycle, text="Return interviews within 72 hours", theme=None):
    return services.hub_draft_add(
        partnership=world.partnership,
        actor=world.bm,
        cycle=cycle,
        text=text,
        rationale="Half were late",
        lead_partner=StatutoryPartner.POLICE,
        theme_id=theme.pk if theme else None,
    )


def test_draft_validation(world_a, world_b):
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    with pytest.raises(ValidationError) as caught:
        services.hub_draft_add(
            partnership=world_a.partnership,
            actor=world_a.bm,
            cycle=cycle,
            text="",
            lead_partner="army",
            theme_id=themes(world_b)[0].pk,
        )
    assert set(caught.value.message_dict) == {"text", "lead_partner", "theme_id"}


def test_drop_and_take_back_a_draft_and_refused_moves(world_a):
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    draft = _draft(world_a, cycle)
    services.hub_draft_move(partnership=world_a.partnership, actor=world_a.bm, draft=draft, to=State.DROPPED)
    assert draft.state == State.DROPPED
    with pytest.raises(ValidationError):
        services.hub_draft_move(partnership=world_a.partnership, actor=world_a.bm, draft=draft, to=State.DROPPED)
    with pytest.raises(ValidationError, match="agreed with the others"):
        services.hub_draft_move(partnership=world_a.partnership, actor=world_a.bm, draft=draft, to=State.AGREED)
    services.hub_draft_move(partnership=world_a.partnership, actor=world_a.bm, draft=draft, to=State.DRAFT)
    assert draft.state == State.DRAFT


def test_a_draft_does_not_move_to_draft_again(world_a):
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    draft = _draft(world_a, cycle)
    moves = HistoryEntry.objects.in_partnership(world_a.partnership).filter(object_id=str(draft.pk))
    recorded = moves.count()
    with pytest.raises(ValidationError):
        services.hub_draft_move(partnership=world_a.partnership, actor=world_a.bm, draft=draft, to=State.DRAFT)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT
    assert moves.count() == recorded


def test_an_agreed_draft_goes_back_to_nothing(world_a):
    """Agreed is final: not back to draft, not dropped, not agreed again by a move (its recommendation carries it)."""
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    draft = _draft(world_a, cycle)
    services.hub_drafts_agree(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, draft_ids=[draft.pk])
    draft.refresh_from_db()
    recommendation_id = draft.recommendation_id
    for to in (State.DRAFT, State.DROPPED, State.AGREED):
        with pytest.raises(ValidationError):
            services.hub_draft_move(partnership=world_a.partnership, actor=world_a.bm, draft=draft, to=to)
        draft.refresh_from_db()
        assert (draft.state, draft.recommendation_id) == (State.AGREED, recommendation_id)


def test_agreeing_drafts_makes_recommendations_put_to_the_three_partners(world_a):
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    theme = themes(world_a)[0]
    one = _draft(world_a, cycle, theme=theme)
    two = _draft(world_a, cycle, text="Share missing episodes with schools")
    kept = _draft(world_a, cycle, text="Not yet")
    round_ = services.hub_drafts_agree(
        partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, draft_ids=[one.pk, str(two.pk)]
    )
    one.refresh_from_db()
    two.refresh_from_db()
    kept.refresh_from_db()
    assert (one.state, two.state, kept.state) == (State.AGREED, State.AGREED, State.DRAFT)
    recommendation = one.recommendation
    assert recommendation.state == Recommendation.State.PROPOSED
    assert recommendation.source_kind == RecommendationSource.HUB_CYCLE
    assert recommendation.source_id == cycle.pk
    assert recommendation.lead_partner == StatutoryPartner.POLICE
    assert ThemeTag.objects.filter(object_id=recommendation.pk, theme=theme).exists()
    assert set(round_.items.values_list("recommendation_id", flat=True)) == {
        one.recommendation_id,
        two.recommendation_id,
    }
    # The three partners sign off: the recommendations are signed off and their action plans' clock starts.
    sign_off = SignOff.objects.get(partnership=world_a.partnership, subject_id=round_.pk)
    for lead in (world_a.la_lead, world_a.health_lead, world_a.police_lead):
        sign_off_approve(partnership=world_a.partnership, membership=lead, sign_off=sign_off)
    recommendation.refresh_from_db()
    assert recommendation.signed_off_at is not None
    assert recommendation.state == Recommendation.State.ACTION_PLANNING
    plan = recommendation.action_plan
    assert Deadline.objects.filter(partnership=world_a.partnership, subject_id=plan.pk, met_at__isnull=True).exists()
    # Agreed is final.
    with pytest.raises(ValidationError):
        services.hub_draft_move(partnership=world_a.partnership, actor=world_a.bm, draft=one, to=State.DROPPED)
    with pytest.raises(ValidationError) as again:
        services.hub_drafts_agree(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, draft_ids=[one.pk])
    assert "draft_ids" in again.value.message_dict


def test_agreeing_is_refused_before_month_4_and_for_others_drafts(world_a, world_b):
    early = cycle_in(world_a, PhaseKind.FEEDBACK)
    draft = _draft(world_a, early)
    with pytest.raises(ValidationError, match="from month 4"):
        services.hub_drafts_agree(partnership=world_a.partnership, actor=world_a.bm, cycle=early, draft_ids=[draft.pk])
    cycle = cycle_in(world_a, PhaseKind.FINDINGS, priority=early.priority)
    other_b = _draft(world_b, cycle_in(world_b, PhaseKind.FINDINGS))
    for ids in ([draft.pk], [other_b.pk], [], ["x"]):
        with pytest.raises(ValidationError) as caught:
            services.hub_drafts_agree(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle, draft_ids=ids)
        assert "draft_ids" in caught.value.message_dict
    assert not Recommendation.objects.filter(partnership=world_a.partnership).exists()


# --- Success measures -------------------------------------------------------------------------------------


def test_measures_recorded_at_the_start_and_compared_at_the_impact_review(world_a):
    cycle = cycle_make(world_a)
    measure = services.hub_measure_add(
        partnership=world_a.partnership,
        actor=world_a.bm,
        cycle=cycle,
        name="Repeat missing episodes a month",
        value_at_start="42",
        higher_is_better=False,
    )
    with pytest.raises(ValidationError) as dup:
        services.hub_measure_add(
            partnership=world_a.partnership,
            actor=world_a.bm,
            cycle=cycle,
            name="repeat missing episodes A MONTH",
            value_at_start="1",
        )
    assert set(dup.value.message_dict) == {"name"}
    with pytest.raises(ValidationError) as bad:
        services.hub_measure_add(
            partnership=world_a.partnership,
            actor=world_a.bm,
            cycle=cycle,
            name="",
            value_at_start="lots",
            unit="x" * 41,
        )
    assert set(bad.value.message_dict) == {"name", "value_at_start", "unit"}
    review = HubPhase.objects.get(cycle=cycle, kind=PhaseKind.IMPACT_REVIEW)
    with pytest.raises(ValidationError, match="impact review"):
        services.hub_measure_review(
            partnership=world_a.partnership,
            actor=world_a.bm,
            measure=measure,
            value_at_review="30",
            today=review.starts_on - timedelta(days=1),
        )
    with pytest.raises(ValidationError) as nan:
        services.hub_measure_review(
            partnership=world_a.partnership,
            actor=world_a.bm,
            measure=measure,
            value_at_review="NaN",
            today=review.starts_on,
        )
    assert set(nan.value.message_dict) == {"value_at_review"}
    reviewed = services.hub_measure_review(
        partnership=world_a.partnership, actor=world_a.bm, measure=measure, value_at_review="30", today=review.starts_on
    )
    assert reviewed.value_at_review == Decimal("30.00")
    assert reviewed.change == Decimal("-12.00")
    assert reviewed.improved is True  # fewer is better
    with pytest.raises(ValidationError, match="has begun"):
        services.hub_measure_add(
            partnership=world_a.partnership,
            actor=world_a.bm,
            cycle=cycle,
            name="Another",
            value_at_start="1",
            today=review.starts_on,
        )
