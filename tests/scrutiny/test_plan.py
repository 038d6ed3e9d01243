"""The scrutineer's annual plan: plans by reporting year, activities and their moves, evidence of the same
partnership only, recommendations raised through the kernel, versions, and the report's section."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from partnership.models.recommendations import Recommendation, RecommendationSource
from partnership.selectors.recommendations import recommendation_get
from scrutiny.models import ActivityKind, EvidenceKind, PlanActivity, ScrutinyPlan
from scrutiny.models.plan import reporting_year_label, reporting_year_of
from scrutiny.report_sections import ReportScope, report_section_keys
from scrutiny.selectors.plan import plan_activity_page, plan_report_section, scrutiny_plan_page
from scrutiny.services import plan as services
from tests.reviews.test_timeliness import _review
from tests.scrutiny.plan_helpers import activity_make, plan_make, theme_make

pytestmark = pytest.mark.django_db


def _codes(exc: ValidationError) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_reporting_years_run_april_to_march():
    assert reporting_year_of(date(2027, 3, 31)) == 2026
    assert reporting_year_of(date(2026, 4, 1)) == 2026
    assert reporting_year_label(2026) == "2026/27"
    assert reporting_year_label(2099) == "2099/00"
    plan = ScrutinyPlan(year=2026)
    assert (plan.starts_on, plan.ends_on) == (date(2026, 4, 1), date(2027, 3, 31))


def test_one_plan_a_year(world_a, world_b):
    plan_make(world_a, 2026)
    plan_make(world_b, 2026)  # another partnership's year is its own
    with pytest.raises(ValidationError) as exc:
        services.scrutiny_plan_create(partnership=world_a.partnership, actor=world_a.scrutineer.person, year=2026)
    assert "year" in _codes(exc)
    with pytest.raises(ValidationError) as exc:
        services.scrutiny_plan_create(partnership=world_a.partnership, actor=None, year=1999)
    assert "year" in _codes(exc)


def test_a_plan_is_agreed_and_taken_back_with_its_version(world_a):
    plan = plan_make(world_a)
    read = plan.updated_at
    services.scrutiny_plan_move(
        partnership=world_a.partnership, actor=None, plan=plan, to="agreed", expected_updated_at=read
    )
    assert ScrutinyPlan.objects.in_partnership(world_a.partnership).get().state == "agreed"
    with pytest.raises(ValidationError) as exc:  # from the read before the move: someone else's change
        services.scrutiny_plan_move(
            partnership=world_a.partnership, actor=None, plan=plan, to="draft", expected_updated_at=read
        )
    assert exc.value.code == "stale"
    with pytest.raises(ValidationError) as exc:
        services.scrutiny_plan_move(partnership=world_a.partnership, actor=None, plan=plan, to="agreed")
    assert exc.value.code == "refused_move"


def test_an_activity_is_checked_field_by_field(world_a, world_b):
    plan = plan_make(world_a)
    foreign_theme = theme_make(world_b, "Thresholds")
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_create(
            partnership=world_a.partnership,
            actor=None,
            plan=plan,
            quarter=5,
            kind="inspection",
            title=" ",
            theme_id=foreign_theme.pk,
            description="x" * 4001,
        )
    assert set(_codes(exc)) == {"quarter", "kind", "title", "theme_id", "description"}


def test_activities_by_quarter_and_theme(world_a):
    plan = plan_make(world_a)
    activity_make(world_a, plan, quarter=1, title="Missing children deep dive")
    activity_make(world_a, plan, quarter=1, title="Missing children visit")
    services.plan_activity_create(
        partnership=world_a.partnership,
        actor=None,
        plan=plan,
        quarter=3,
        kind=ActivityKind.PEER_REVIEW,
        title="Peer review",
    )
    page = scrutiny_plan_page(partnership=world_a.partnership, plan=plan)
    assert [len(q.activities) for q in page.quarters] == [2, 0, 1, 0]
    assert page.themes == [("Missing children", 2), ("No theme", 1)]
    assert page.counts_by_state["Planned"] == 3


def test_activity_moves(world_a):
    activity = activity_make(world_a)
    p = world_a.partnership
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_move(partnership=p, actor=None, activity=activity, to=PlanActivity.State.DONE)
    assert exc.value.code == "refused_move"  # planned cannot be done without starting
    services.plan_activity_move(partnership=p, actor=None, activity=activity, to=PlanActivity.State.IN_PROGRESS)
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_move(partnership=p, actor=None, activity=activity, to=PlanActivity.State.DONE)
    assert "to" in _codes(exc)  # no findings yet
    services.plan_activity_update(
        partnership=p,
        actor=None,
        activity=activity,
        quarter=1,
        kind=ActivityKind.DEEP_DIVE,
        title=activity.title,
        findings="Return interviews were offered late in 6 of 10 cases.",
    )
    services.plan_activity_move(partnership=p, actor=None, activity=activity, to=PlanActivity.State.DONE)
    assert PlanActivity.objects.in_partnership(p).get().state == "done"
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_move(
            partnership=p, actor=None, activity=activity, to=PlanActivity.State.DROPPED, reason="x"
        )
    assert exc.value.code == "refused_move"  # done is final


def test_dropping_needs_a_reason_and_closes_the_activity(world_a):
    activity = activity_make(world_a)
    p = world_a.partnership
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_move(partnership=p, actor=None, activity=activity, to=PlanActivity.State.DROPPED)
    assert "reason" in _codes(exc)
    services.plan_activity_move(
        partnership=p, actor=None, activity=activity, to=PlanActivity.State.DROPPED, reason="Covered by the inspection"
    )
    activity.refresh_from_db()
    assert (activity.state, activity.dropped_reason) == ("dropped", "Covered by the inspection")
    with pytest.raises(ValidationError):
        services.plan_activity_update(partnership=p, actor=None, activity=activity, quarter=1, kind="other", title="x")
    with pytest.raises(ValidationError):
        services.evidence_link_add(partnership=p, actor=None, activity=activity, kind="rapid_review", record_id=1)


def test_a_stale_activity_edit_is_refused(world_a):
    activity = activity_make(world_a)
    read = activity.updated_at - timedelta(seconds=1)
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_update(
            partnership=world_a.partnership,
            actor=None,
            activity=activity,
            quarter=2,
            kind="other",
            title="Changed",
            expected_updated_at=read,
        )
    assert exc.value.code == "stale"


def test_evidence_is_a_record_of_the_same_partnership(world_a, world_b):
    activity = activity_make(world_a)
    own = _review(world_a, date(2026, 5, 4), reference="SI-26-1")
    foreign = _review(world_b, date(2026, 5, 4), reference="SI-26-9")
    p = world_a.partnership
    link = services.evidence_link_add(
        partnership=p, actor=None, activity=activity, kind=EvidenceKind.RAPID_REVIEW, record_id=own.pk, note="Late"
    )
    assert link.description == "Rapid review SI-26-1"
    for kind, record_id in (
        (EvidenceKind.RAPID_REVIEW, foreign.pk),
        (EvidenceKind.RAPID_REVIEW, 2**62),
        ("child", own.pk),
    ):
        with pytest.raises(ValidationError) as exc:
            services.evidence_link_add(partnership=p, actor=None, activity=activity, kind=kind, record_id=record_id)
        assert "record_id" in _codes(exc)
    with pytest.raises(ValidationError) as exc:
        services.evidence_link_add(
            partnership=p, actor=None, activity=activity, kind=EvidenceKind.RAPID_REVIEW, record_id=own.pk
        )
    assert "already linked" in str(exc.value)


def test_a_recommendation_raised_names_the_activity_as_its_source(world_a):
    activity = activity_make(world_a)
    recommendation = services.plan_activity_recommendation_raise(
        partnership=world_a.partnership,
        actor=world_a.scrutineer.person,
        activity=activity,
        text="Offer every return interview within 72 hours.",
        lead_partner="police",
    )
    assert recommendation.state == Recommendation.State.DRAFT
    assert recommendation.source_kind == RecommendationSource.SCRUTINY_ACTIVITY
    loaded = recommendation_get(partnership=world_a.partnership, recommendation_id=recommendation.pk)
    assert loaded.source_link.url.endswith(f"/scrutiny/plan/activities/{activity.pk}/")
    assert loaded.source_link.description == "Scrutiny plan 2026/27: Deep dive: missing children"
    with pytest.raises(ValidationError) as exc:
        services.plan_activity_recommendation_raise(
            partnership=world_a.partnership, actor=None, activity=activity, text="", lead_partner="school"
        )
    assert "lead_partner" in _codes(exc)


def test_the_report_section_lists_the_activities_in_the_period(world_a, world_b):
    plan = plan_make(world_a, 2026)
    q1 = activity_make(world_a, plan, quarter=1, title="Q1 deep dive")
    activity_make(world_a, plan, quarter=3, title="Q3 visit")  # October to December: outside the period
    activity_make(world_b, plan_make(world_b, 2026), quarter=1, title="Bravo's")
    services.plan_activity_move(partnership=world_a.partnership, actor=None, activity=q1, to="in_progress")
    assert report_section_keys().index("plan") < report_section_keys().index("disagreements")
    section = plan_report_section(
        ReportScope(partnership=world_a.partnership, start=date(2026, 4, 1), end=date(2026, 9, 30), kind="quarterly")
    )
    assert [row[1] for row in section.tables[0].rows] == ["Q1 deep dive"]
    assert section.tables[0].rows[0][:5] == (
        "2026/27 Q1",
        "Q1 deep dive",
        "Deep dive",
        "Missing children",
        "In progress",
    )
    empty = ReportScope(
        partnership=world_a.partnership, start=date(2025, 4, 1), end=date(2025, 6, 30), kind="quarterly"
    )
    assert plan_report_section(empty) is None


def test_each_kind_of_evidence_names_its_record_and_page(world_a):
    from tests.partnership.action_plan_factories import recommendation_make

    recommendation = recommendation_make(world_a)
    activity = activity_make(world_a)
    link = services.evidence_link_add(
        partnership=world_a.partnership,
        actor=None,
        activity=activity,
        kind=EvidenceKind.RECOMMENDATION,
        record_id=recommendation.pk,
    )
    assert link.description.startswith(f"{recommendation.reference}: ")
    page = plan_activity_page(partnership=world_a.partnership, activity=activity)
    assert page.evidence[0].url == f"/p/alpha-scp/recommendations/{recommendation.pk}/"
