"""The demo's learning hub: a cycle in each phase across the demo partnerships, made once, shown on the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from learninghub.demo import (
    DEMO_HUB_CYCLES,
    HUB_EXCHANGE,
    OBSERVED,
    OBSERVER_FROM,
    DemoPeopleMissingError,
    demo_hub_seed,
    demo_reached,
    demo_start_for_phase,
)
from learninghub.models import (
    DeliveryPlan,
    FeedbackSurvey,
    HubCycle,
    HubDraftRecommendation,
    HubFinding,
    HubNomination,
    HubObserver,
    HubPhase,
    HubSession,
    HubSessionAction,
    HubSessionAttendance,
    HubTask,
    PhaseKind,
    PlanIndicator,
    PlanVersion,
    PractitionerFeedbackSession,
    SurveyQuestion,
)
from learninghub.selectors.observers import hub_observer_in_force_for_email
from learninghub.services.cycles import hub_schedule
from partnership.demo import DEMO_PASSWORD, demo_email, demo_seed
from partnership.models import AccessGrant, Collaboration, Deadline, HistoryEntry, Partnership, Person, SignOff
from partnership.working_days import WorkingDayCalendar

pytestmark = pytest.mark.django_db


def test_without_the_demo_people_it_says_what_to_run_first():
    with pytest.raises(DemoPeopleMissingError, match="seed_demo"):
        demo_hub_seed()


# Every kind of row the demo makes: seeding again must add none of them.
SEEDED = (
    HubCycle,
    HubTask,
    Deadline,
    HubNomination,
    SignOff,
    HubSession,
    HubSessionAttendance,
    HubSessionAction,
    DeliveryPlan,
    PlanIndicator,
    PlanVersion,
    PractitionerFeedbackSession,
    FeedbackSurvey,
    SurveyQuestion,
    HubFinding,
    HubDraftRecommendation,
    HubObserver,
    AccessGrant,
    Collaboration,
    HistoryEntry,
)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED}


def test_seeding_twice_changes_nothing(capsys):
    demo_seed()
    call_command("seed_demo_hub")
    first = capsys.readouterr().out
    before = _counts()
    call_command("seed_demo_hub")
    again = capsys.readouterr().out
    assert _counts() == before
    assert "nothing new" in again
    # The observer's login is printed every time, as seed_demo prints the others.
    observer = demo_email("bm", "wessex")
    for out in (first, again):
        assert observer in out
        assert DEMO_PASSWORD in out
        assert OBSERVED[1] in out


def test_a_demo_seeded_before_the_hub_parts_existed_gains_them(monkeypatch):
    demo_seed()
    monkeypatch.setattr("learninghub.demo._cycle_parts", lambda **kwargs: None)
    monkeypatch.setattr("learninghub.demo._observer", lambda today, result: None)
    demo_hub_seed()
    assert HubCycle.objects.count() == 10
    assert not HubSession.objects.exists()
    monkeypatch.undo()
    result = demo_hub_seed()
    assert "learning hub cycles" not in result.created
    assert result.created["hub sessions"] >= 10
    assert HubObserver.objects.count() == 1


def _cycles():
    for slug, specs in DEMO_HUB_CYCLES.items():
        for spec in specs:
            yield spec, HubCycle.objects.get(partnership__slug=slug, title=spec.title)


def test_members_nominated_and_confirmed_past_preparation():
    demo_seed()
    demo_hub_seed()
    for spec, cycle in _cycles():
        states = list(HubNomination.objects.filter(cycle=cycle).values_list("state", flat=True))
        assert len(states) == 2, spec.title
        if spec.phase == PhaseKind.PREPARATION:
            assert set(states) == {HubNomination.State.NOMINATED}
        else:
            assert set(states) == {HubNomination.State.CONFIRMED}, spec.title
            assert SignOff.objects.filter(partnership=cycle.partnership, state=SignOff.State.APPROVED).exists()


def test_sessions_held_with_actions_and_the_next_one_scheduled():
    demo_seed()
    demo_hub_seed()
    now = timezone.now()
    for spec, cycle in _cycles():
        sessions = HubSession.objects.filter(cycle=cycle)
        held = sessions.filter(state=HubSession.State.HELD)
        # Every cycle has its next meeting in the calendar.
        assert sessions.filter(state=HubSession.State.SCHEDULED, starts_at__gt=now).exists(), spec.title
        assert not held.filter(starts_at__gt=now).exists()
        if spec.phase != PhaseKind.PREPARATION:
            assert held.exists(), spec.title
            for session in held:
                assert HubSessionAttendance.objects.filter(session=session).exists()
                assert HubSessionAction.objects.filter(session=session).exists()
            # The latest action is open and on its owner's tasks; the older ones are done.
            actions = HubSessionAction.objects.filter(session__cycle=cycle).order_by("session__starts_at")
            assert actions.last().done_at is None
            assert Deadline.objects.filter(
                subject_id=actions.last().pk, kind="hub_session_action", state="open"
            ).exists()
            assert all(a.done_at is not None for a in actions[: actions.count() - 1])
        else:
            assert not held.exists()


def test_delivery_plan_with_figures_and_month_1_and_month_4_versions():
    demo_seed()
    demo_hub_seed()
    for spec, cycle in _cycles():
        plan = DeliveryPlan.objects.filter(cycle=cycle).first()
        if not demo_reached(spec.phase, PhaseKind.SCOPING):
            assert plan is None, spec.title
            continue
        assert PlanIndicator.objects.filter(plan=plan).count() >= 2
        labels = list(PlanVersion.objects.filter(plan=plan).order_by("number").values_list("label", flat=True))
        past_month_4 = demo_reached(spec.phase, PhaseKind.BOARD_SIGN_OFF)
        assert labels == (["Month 1", "Month 4"] if past_month_4 else ["Month 1"]), spec.title


def test_feedback_and_survey_open_in_month_3_closed_later():
    demo_seed()
    demo_hub_seed()
    for spec, cycle in _cycles():
        surveys = FeedbackSurvey.objects.filter(cycle=cycle)
        if not demo_reached(spec.phase, PhaseKind.FEEDBACK):
            assert not surveys.exists(), spec.title
            assert not PractitionerFeedbackSession.objects.filter(cycle=cycle).exists()
            continue
        survey = surveys.get()
        assert SurveyQuestion.objects.filter(survey=survey).exists()
        assert PractitionerFeedbackSession.objects.filter(cycle=cycle).exists()
        expected = FeedbackSurvey.State.OPEN if spec.phase == PhaseKind.FEEDBACK else FeedbackSurvey.State.CLOSED
        assert survey.state == expected, spec.title


def test_findings_and_draft_recommendations_from_month_4():
    demo_seed()
    demo_hub_seed()
    for spec, cycle in _cycles():
        findings = HubFinding.objects.filter(cycle=cycle)
        drafts = HubDraftRecommendation.objects.filter(cycle=cycle)
        if not demo_reached(spec.phase, PhaseKind.FINDINGS):
            assert not findings.exists(), spec.title
            assert not drafts.exists(), spec.title
            continue
        assert findings.count() == 2
        assert all(f.theme_id for f in findings)
        # Agreeing is the hub's and the partners' real decision: the demo leaves them drafts.
        assert set(drafts.values_list("state", flat=True)) == {HubDraftRecommendation.State.DRAFT}
        assert drafts.count() == 2


def test_one_observer_from_the_other_partnership_through_a_collaboration():
    demo_seed()
    demo_hub_seed()
    observer = HubObserver.objects.select_related("grant__grantee", "grant__collaboration", "cycle").get()
    host = Partnership.objects.get(slug=OBSERVED[0])
    assert (observer.partnership, observer.cycle.title) == (host, OBSERVED[1])
    assert observer.grant.grantee.email == demo_email("bm", "wessex")
    assert observer.grant.grantee_partnership.slug == OBSERVER_FROM
    assert observer.grant.collaboration.slug == HUB_EXCHANGE["slug"]
    assert set(observer.grant.collaboration.partnerships.values_list("slug", flat=True)) == {OBSERVED[0], OBSERVER_FROM}
    assert hub_observer_in_force_for_email(partnership=host, cycle=observer.cycle, email=demo_email("bm", "wessex"))


def test_one_cycle_in_each_phase_across_the_partnerships_once():
    demo_seed()
    call_command("seed_demo_hub")
    counts = (HubCycle.objects.count(), HubTask.objects.count(), Deadline.objects.count())
    demo_hub_seed()
    assert (HubCycle.objects.count(), HubTask.objects.count(), Deadline.objects.count()) == counts

    today = timezone.localdate()
    current: dict[str, str] = {}
    for slug, specs in DEMO_HUB_CYCLES.items():
        for spec in specs:
            cycle = HubCycle.objects.get(partnership__slug=slug, title=spec.title)
            phase = HubPhase.objects.get(cycle=cycle, starts_on__lte=today, ends_on__gte=today)
            current[spec.title] = phase.kind
            assert phase.kind == spec.phase
            tasks = HubTask.objects.filter(cycle=cycle)
            behind = tasks.filter(phase__ends_on__lt=today)
            if behind.exists():
                # All ticked but one, which is late and still chased.
                late = behind.filter(done_at__isnull=True)
                assert late.count() == 1
                assert Deadline.objects.filter(subject_id=late.get().pk, kind="hub_task", state="open").exists()
            now = tasks.filter(phase=phase)
            assert 0 < now.filter(done_at__isnull=True).count() <= now.count()
            assert not tasks.filter(phase__starts_on__gt=today, done_at__isnull=False).exists()
    assert sorted(current.values()) == sorted(PhaseKind.values)


def test_the_business_manager_sees_every_stage_on_the_learning_hub(client_for):
    demo_seed()
    demo_hub_seed()
    manager = Person.objects.get(email=demo_email("bm", "ashby"))
    client = client_for(manager)
    page = client.get(reverse("learninghub:cycle_list", kwargs={"slug": "ashby-scp"}))
    assert page.status_code == 200
    for spec in DEMO_HUB_CYCLES["ashby-scp"]:
        assert spec.title in page.content.decode()
    late = HubCycle.objects.get(partnership__slug="ashby-scp", title=DEMO_HUB_CYCLES["ashby-scp"][2].title)
    detail = client.get(reverse("learninghub:cycle_detail", kwargs={"slug": "ashby-scp", "hub_cycle_id": late.pk}))
    assert detail.status_code == 200
    assert "Month 3: feedback" in detail.content.decode()


@pytest.mark.parametrize("phase", PhaseKind.values)
def test_start_dates_put_today_inside_the_phase_over_christmas(phase):
    calendar = WorkingDayCalendar(nation="ENG")
    today = date(2026, 12, 29)  # between Boxing Day's substitute day and New Year
    starts_on = demo_start_for_phase(calendar=calendar, today=today, phase=phase, has_pre_meet=True)
    assert calendar.is_working_day(starts_on)
    planned = {p.template.kind: p for p in hub_schedule(calendar=calendar, starts_on=starts_on, has_pre_meet=True)}
    assert planned[phase].starts_on <= today <= planned[phase].ends_on
