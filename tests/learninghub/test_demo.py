"""The demo's learning hub: a cycle in each phase across the demo partnerships, made once, shown on the pages."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from learninghub.demo import DEMO_HUB_CYCLES, DemoPeopleMissingError, demo_hub_seed, demo_start_for_phase
from learninghub.models import HubCycle, HubPhase, HubTask, PhaseKind
from learninghub.services.cycles import hub_schedule
from partnership.demo import demo_email, demo_seed
from partnership.models import Deadline, Person
from partnership.working_days import WorkingDayCalendar

pytestmark = pytest.mark.django_db


def test_without_the_demo_people_it_says_what_to_run_first():
    with pytest.raises(DemoPeopleMissingError, match="seed_demo"):
        demo_hub_seed()


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
