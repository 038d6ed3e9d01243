"""The findings report's section registry: order, replacement, and sections with nothing to say left out."""

from __future__ import annotations

import pytest

from learninghub import report_sections
from learninghub.report_sections import ReportSection, report_section, report_section_keys, report_sections_for


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(report_sections, "_providers", [])


def test_sections_come_in_order_and_silent_providers_are_left_out(empty_registry):
    @report_section(key="feedback", order=40)
    def feedback(cycle):
        return ReportSection(key="feedback", title=f"Feedback for {cycle}")

    @report_section(key="plan", order=20)
    def plan(cycle):
        return ReportSection(key="plan", title="Delivery plan")

    @report_section(key="nothing", order=30)
    def nothing(cycle):
        return None

    assert report_section_keys() == ["plan", "nothing", "feedback"]
    assert [s.title for s in report_sections_for("Hub 1")] == ["Delivery plan", "Feedback for Hub 1"]


def test_registering_a_key_again_replaces_it(empty_registry):
    report_section(key="plan", order=20)(lambda cycle: ReportSection(key="plan", title="old"))
    report_section(key="plan", order=20)(lambda cycle: ReportSection(key="plan", title="new"))
    assert [s.title for s in report_sections_for(None)] == ["new"]
