"""The demo data sets: forty quarters of plausible figures for every chart, flags to show, analyses, and nothing
added twice."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command

from scrutiny.demo import DEMO_INDICATORS, DEMO_QUARTERS, seed_datasets
from scrutiny.models import AgencyAnalysis, Indicator, IndicatorValue
from scrutiny.selectors.datasets import indicator_trend, quarter_dataset

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)  # in 2026-27 Q3: the last full quarter is 2026-27 Q2 (July to September 2026)


def test_every_chart_has_ten_years_of_plausible_figures_and_seeding_again_adds_nothing(world_a, world_b):
    added = seed_datasets(world_a.partnership, today=TODAY, actor=world_a.business_manager)
    assert added["indicators"] == len(DEMO_INDICATORS) == 8
    assert added["analyses"] == 3 * 8
    assert {i.part for i in Indicator.objects.filter(partnership=world_a.partnership)} == {"A", "B"}
    last = date(2026, 7, 1)
    flagged = 0
    for indicator in Indicator.objects.filter(partnership=world_a.partnership):
        trend = indicator_trend(partnership=world_a.partnership, indicator=indicator, last=last, count=DEMO_QUARTERS)
        assert trend.quarters[0] == date(2016, 10, 1)
        assert not trend.is_empty
        for _quarter, cells in trend.rows[-1:]:
            assert all(cell.value is not None for cell in cells), indicator.name  # the latest quarter is complete
        values = [cell.value for _q, cells in trend.rows for cell in cells if cell.value is not None]
        assert len(values) >= DEMO_QUARTERS - 1
        if indicator.unit == "%":
            assert all(0 <= v <= 100 for v in values)
        flagged += len(trend.breaches)
    assert flagged > 0
    assert quarter_dataset(partnership=world_a.partnership, quarter=last).figures > 8
    counts = (Indicator.objects.count(), IndicatorValue.objects.count(), AgencyAnalysis.objects.count())
    assert seed_datasets(world_a.partnership, today=TODAY) == {"indicators": 0, "figures": 0, "analyses": 0}
    assert (Indicator.objects.count(), IndicatorValue.objects.count(), AgencyAnalysis.objects.count()) == counts
    assert not IndicatorValue.objects.filter(partnership=world_b.partnership).exists()


def test_the_command_asks_for_the_demo_partnerships_first():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_demo_scrutiny")
