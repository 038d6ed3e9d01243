"""Services of the delivery plan: start, figures, measures, guidance, evidence linked to the partnership's own
records (another partnership's refused like missing), concurrency, closed cycles, history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from learninghub.models import DeliveryPlan, EvidenceSource, PlanIndicator, PlanItem
from learninghub.services.cycles import hub_cycle_move
from learninghub.services.plans import (
    delivery_plan_start,
    plan_indicator_delete,
    plan_indicator_update,
    plan_item_add,
    plan_item_delete,
    plan_item_update,
)
from partnership.models import HistoryEntry
from tests.audits.helpers import round_make
from tests.audits.sa_helpers import cycle_make as sa_cycle_make
from tests.learninghub.plan_helpers import figure_add, measure_add, other_cycle_make, plan_make

pytestmark = pytest.mark.django_db

EARLIER = date(2025, 12, 22)  # a Monday, a year before the cycle of the tests


def _fields(exc: pytest.ExceptionInfo) -> set[str]:
    return set(exc.value.message_dict)


def test_starting_a_plan_is_once_per_cycle_and_recorded(world_a):
    cycle, plan = plan_make(world_a)
    assert delivery_plan_start(partnership=world_a.partnership, actor=world_a.bm, cycle=cycle) == plan
    assert DeliveryPlan.objects.in_partnership(world_a.partnership).count() == 1
    assert HistoryEntry.objects.filter(object_id=str(plan.pk), content_type__model="deliveryplan").count() == 1


def test_a_closed_cycle_gets_no_new_plan_and_its_plan_does_not_change(world_a):
    cycle, plan = plan_make(world_a)
    other = other_cycle_make(world_a, title="Other", starts_on=EARLIER)
    for closing in (cycle, other):
        hub_cycle_move(partnership=world_a.partnership, actor=world_a.bm, cycle=closing, to="closed")
    with pytest.raises(ValidationError, match="closed"):
        delivery_plan_start(partnership=world_a.partnership, actor=world_a.bm, cycle=other)
    with pytest.raises(ValidationError, match="closed"):
        figure_add(world_a, plan)


def test_figures_are_added_changed_and_removed_with_history(world_a):
    _cycle, plan = plan_make(world_a)
    figure = figure_add(world_a, plan, value="1,234.50", agency_id=world_a.police.pk)
    assert figure.value == Decimal("1234.5")
    assert figure.agency == world_a.police
    before = DeliveryPlan.objects.in_partnership(world_a.partnership).get().updated_at
    plan_indicator_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        plan=plan,
        indicator=figure,
        name=figure.name,
        period_label=figure.period_label,
        value="36",
        unit="episodes",
        agency_id=world_a.police.pk,
        expected_updated_at=before,
    )
    figure.refresh_from_db()
    assert figure.value == Decimal(36)
    assert DeliveryPlan.objects.in_partnership(world_a.partnership).get().updated_at > before
    changes = HistoryEntry.objects.filter(content_type__model="planindicator", action="updated").get().changes
    assert changes["value"] == {"from": "1234.5000", "to": "36.0000"}
    plan_indicator_delete(partnership=world_a.partnership, actor=world_a.bm, plan=plan, indicator=figure)
    assert not PlanIndicator.objects.in_partnership(world_a.partnership).exists()


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"name": "", "period": "", "value": ""}, {"name", "period_label", "value"}),
        ({"value": "abc"}, {"value"}),
        ({"value": "NaN"}, {"value"}),
        ({"value": "1e20"}, {"value"}),
        ({"name": "x" * 201}, {"name"}),
        ({"period": "p" * 61}, {"period_label"}),
        ({"unit": "u" * 41}, {"unit"}),
    ],
)
def test_bad_figures_are_refused_by_field(world_a, data, fields):
    _cycle, plan = plan_make(world_a)
    with pytest.raises(ValidationError) as exc:
        figure_add(world_a, plan, **data)
    assert _fields(exc) == fields
    assert not PlanIndicator.objects.in_partnership(world_a.partnership).exists()


def test_the_same_figure_twice_is_refused_but_another_agency_or_period_is_not(world_a):
    _cycle, plan = plan_make(world_a)
    figure_add(world_a, plan)
    with pytest.raises(ValidationError) as exc:
        figure_add(world_a, plan, name="repeat MISSING episodes")
    assert _fields(exc) == {"period_label"}
    figure_add(world_a, plan, agency_id=world_a.police.pk)
    figure_add(world_a, plan, period="2025-26 Q2")
    assert PlanIndicator.objects.in_partnership(world_a.partnership).count() == 3


def test_another_partnerships_agency_is_refused_like_a_missing_one(world_a, world_b):
    _cycle, plan = plan_make(world_a)
    for agency_id in (world_b.police.pk, 10**9):
        with pytest.raises(ValidationError) as exc:
            figure_add(world_a, plan, agency_id=agency_id)
        assert exc.value.message_dict["agency_id"] == ["Choose one of the partnership's agencies, or none."]


def test_an_edit_from_an_out_of_date_page_is_refused(world_a):
    _cycle, plan = plan_make(world_a)
    read = plan.updated_at
    measure_add(world_a, plan, expected_updated_at=read)
    with pytest.raises(ValidationError) as exc:
        figure_add(world_a, plan, expected_updated_at=read)
    assert exc.value.code == "stale"
    assert not PlanIndicator.objects.in_partnership(world_a.partnership).exists()


def test_guidance_needs_a_web_address_or_a_citation(world_a):
    _cycle, plan = plan_make(world_a)
    add = {"partnership": world_a.partnership, "actor": world_a.bm, "plan": plan, "kind": "guidance"}
    with pytest.raises(ValidationError) as exc:
        plan_item_add(**add, title="Working Together to Safeguard Children 2023")
    assert _fields(exc) == {"url"}
    with pytest.raises(ValidationError) as exc:
        plan_item_add(**add, title="WT", url="javascript:alert(1)")
    assert _fields(exc) == {"url"}
    plan_item_add(**add, title="Working Together 2023", url="https://www.gov.uk/government/publications/wt")
    plan_item_add(**add, title="Children Act 1989", citation="Children Act 1989, s.47")
    assert PlanItem.objects.in_partnership(world_a.partnership).filter(kind="guidance").count() == 2


def test_evidence_links_to_the_partnerships_own_records_and_takes_their_source(world_a):
    earlier = other_cycle_make(world_a, title="Earlier hub", starts_on=EARLIER)
    cycle, plan = plan_make(world_a)
    self_assessment = sa_cycle_make(world_a).cycle
    audit_round = round_make(world_a, cases=0, selected=0, open_it=False)
    add = {"partnership": world_a.partnership, "actor": world_a.bm, "plan": plan, "kind": "evidence"}
    hub = plan_item_add(**add, title="What the last hub found", earlier_cycle_id=earlier.pk)
    sa = plan_item_add(**add, title="Section 11 returns", self_assessment_id=self_assessment.pk)
    ca = plan_item_add(**add, title="Neglect audit", audit_round_id=audit_round.pk)
    visit = plan_item_add(**add, title="Visit to the MASH", source=EvidenceSource.VISIT)
    review = plan_item_add(**add, title="LCSPR Child Q (2024)", source=EvidenceSource.REVIEW, citation="LCSPR 2024/3")
    assert (hub.source, sa.source, ca.source, visit.source, review.source) == (
        "earlier_hub",
        "self_assessment",
        "case_audit",
        "visit",
        "review",
    )
    assert (hub.earlier_cycle, sa.self_assessment, ca.audit_round) == (earlier, self_assessment, audit_round)
    with pytest.raises(ValidationError) as exc:
        plan_item_add(**add, title="Itself", earlier_cycle_id=cycle.pk)
    assert _fields(exc) == {"earlier_cycle_id"}
    with pytest.raises(ValidationError) as exc:
        plan_item_add(**add, title="Mismatch", source=EvidenceSource.VISIT, audit_round_id=audit_round.pk)
    assert _fields(exc) == {"source"}
    with pytest.raises(ValidationError) as exc:
        plan_item_add(**add, title="No source")
    assert _fields(exc) == {"source"}
    with pytest.raises(ValidationError) as exc:
        plan_item_add(**add, title="Two", self_assessment_id=self_assessment.pk, audit_round_id=audit_round.pk)
    assert _fields(exc) == {"link"}


def test_another_partnerships_records_are_refused_like_missing_ones(world_a, world_b):
    theirs_cycle = other_cycle_make(world_b, title="Theirs", starts_on=EARLIER)
    theirs_sa = sa_cycle_make(world_b).cycle
    theirs_round = round_make(world_b, cases=0, selected=0, open_it=False)
    _cycle, plan = plan_make(world_a)
    add = {"partnership": world_a.partnership, "actor": world_a.bm, "plan": plan, "kind": "evidence"}
    for field, value in (
        ("earlier_cycle_id", theirs_cycle.pk),
        ("self_assessment_id", theirs_sa.pk),
        ("audit_round_id", theirs_round.pk),
    ):
        with pytest.raises(ValidationError) as exc:
            plan_item_add(**add, title="x", **{field: value})
        with pytest.raises(ValidationError) as missing:
            plan_item_add(**add, title="x", **{field: 10**9})
        assert exc.value.message_dict == missing.value.message_dict
        assert _fields(exc) == {field}
    assert not PlanItem.objects.in_partnership(world_a.partnership).exists()


def test_only_evidence_has_a_source_or_a_link(world_a):
    _cycle, plan = plan_make(world_a)
    with pytest.raises(ValidationError) as exc:
        measure_add(world_a, plan, source=EvidenceSource.VISIT)
    assert _fields(exc) == {"source"}


def test_items_are_changed_and_removed(world_a):
    _cycle, plan = plan_make(world_a)
    item = measure_add(world_a, plan)
    plan_item_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        plan=plan,
        item=item,
        title="Fewer children missing more than three times",
        detail="Baseline 40 a quarter",
    )
    item.refresh_from_db()
    assert item.detail == "Baseline 40 a quarter"
    plan_item_delete(partnership=world_a.partnership, actor=world_a.bm, plan=plan, item=item)
    assert not PlanItem.objects.in_partnership(world_a.partnership).exists()
