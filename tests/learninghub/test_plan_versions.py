"""Versions of the delivery plan: saved as they stood, kept unchanged, compared side by side; the findings
report's section gives the data then and now."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from learninghub.models import PlanVersion
from learninghub.report_sections import report_section_keys, report_sections_for
from learninghub.selectors.plans import plan_compare, plan_current_content
from learninghub.services.plans import plan_indicator_update, plan_item_add, plan_version_save
from tests.learninghub.plan_helpers import figure_add, measure_add, plan_make

pytestmark = pytest.mark.django_db


def _save(world, plan, label, **kw):
    return plan_version_save(partnership=world.partnership, actor=world.bm, plan=plan, label=label, **kw)


def _month_1_and_month_4(world):
    cycle, plan = plan_make(world)
    q1 = figure_add(world, plan, name="Repeat missing episodes", period="Q1", value="40")
    figure_add(world, plan, name="Return interviews", period="Q1", value="55", unit="%")
    measure_add(world, plan, title="Fewer repeat missing episodes")
    month_1 = _save(world, plan, "Month 1")
    plan_indicator_update(
        partnership=world.partnership,
        actor=world.bm,
        plan=plan,
        indicator=q1,
        name=q1.name,
        period_label="Q1",
        value="31",
        unit="episodes",
    )
    figure_add(world, plan, name="Repeat missing episodes", period="Q2", value="28")
    plan_item_add(
        partnership=world.partnership,
        actor=world.bm,
        plan=plan,
        kind="guidance",
        title="Statutory guidance on children who run away",
        url="https://www.gov.uk/missing",
    )
    month_4 = _save(world, plan, "Month 4")
    return cycle, plan, month_1, month_4


def test_versions_are_numbered_and_keep_what_the_plan_held(world_a):
    _cycle, plan, month_1, month_4 = _month_1_and_month_4(world_a)
    assert (month_1.number, month_4.number) == (1, 2)
    assert month_1.saved_by == world_a.bm
    month_1.refresh_from_db()
    assert month_1.content["indicators"][0] == {
        "name": "Repeat missing episodes",
        "unit": "episodes",
        "period": "Q1",
        "value": "40",
        "agency": "",
    }
    assert [i["title"] for i in month_1.content["items"]] == ["Fewer repeat missing episodes"]
    assert month_4.content == plan_current_content(partnership=world_a.partnership, plan=plan)


def test_a_version_needs_a_name_and_a_current_page(world_a):
    _cycle, plan = plan_make(world_a)
    with pytest.raises(ValidationError) as exc:
        _save(world_a, plan, "  ")
    assert set(exc.value.message_dict) == {"label"}
    read = plan.updated_at
    figure_add(world_a, plan)
    with pytest.raises(ValidationError) as exc:
        _save(world_a, plan, "Month 1", expected_updated_at=read)
    assert exc.value.code == "stale"
    assert not PlanVersion.objects.in_partnership(world_a.partnership).exists()


def test_later_changes_leave_saved_versions_as_they_were(world_a):
    _cycle, plan, month_1, _month_4 = _month_1_and_month_4(world_a)
    before = PlanVersion.objects.in_partnership(world_a.partnership).get(pk=month_1.pk).content
    figure_add(world_a, plan, name="New", period="Q3", value="1")
    assert PlanVersion.objects.in_partnership(world_a.partnership).get(pk=month_1.pk).content == before


def test_two_versions_compare_value_by_value_and_item_by_item(world_a):
    _cycle, _plan, month_1, month_4 = _month_1_and_month_4(world_a)
    comparison = plan_compare(then=month_1.content, now=month_4.content)
    rows = {(v.name, v.period): (v.then, v.now, v.status, v.difference) for v in comparison.values}
    assert rows == {
        ("Repeat missing episodes", "Q1"): ("40", "31", "changed", "-9"),
        ("Return interviews", "Q1"): ("55", "55", "same", ""),
        ("Repeat missing episodes", "Q2"): ("", "28", "added", ""),
    }
    assert [e["title"] for e in comparison.items_added] == ["Statutory guidance on children who run away"]
    assert comparison.items_removed == []
    backwards = plan_compare(then=month_4.content, now=month_1.content)
    assert [e["title"] for e in backwards.items_removed] == ["Statutory guidance on children who run away"]
    assert {(v.name, v.period): v.status for v in backwards.values}[("Repeat missing episodes", "Q2")] == "removed"
    assert not plan_compare(then=month_1.content, now=month_1.content).has_changes


def test_the_findings_report_gives_the_data_then_and_now(world_a):
    assert "delivery_plan" in report_section_keys()
    cycle, plan = plan_make(world_a)
    assert [s.key for s in report_sections_for(cycle) if s.key == "delivery_plan"] == []
    figure_add(world_a, plan, name="Repeat missing episodes", period="Q1", value="40", unit="")
    _save(world_a, plan, "Month 1")
    figure_add(world_a, plan, name="Repeat missing episodes", period="Q2", value="30", unit="")
    section = next(s for s in report_sections_for(cycle) if s.key == "delivery_plan")
    assert "not saved as a version" in section.paragraphs[0]
    assert section.tables[0].rows == (
        ("Repeat missing episodes", "All", "Q1", "40", "40", "No change"),
        ("Repeat missing episodes", "All", "Q2", "—", "30", "New"),
    )
    _save(world_a, plan, "Month 4")
    section = next(s for s in report_sections_for(cycle) if s.key == "delivery_plan")
    assert "Now: Month 4 (version 2" in section.paragraphs[0]
