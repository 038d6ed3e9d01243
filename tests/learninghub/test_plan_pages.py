"""Pages of the delivery plan: start, figures, upload, items, versions, compare; each role's rights, another
partnership's plan as missing, bad input beside its field, stale edits refused with input kept, pinned queries."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from learninghub.models import DeliveryPlan, PlanIndicator, PlanItem, PlanVersion
from learninghub.services.plans import plan_version_save
from tests.audits.helpers import round_make
from tests.conftest import main_content
from tests.learninghub.helpers import cycle_make
from tests.learninghub.plan_helpers import csv_upload, figure_add, measure_add, other_cycle_make, plan_make, xlsx_upload

pytestmark = pytest.mark.django_db


def _url(world, name, cycle, **kwargs):
    return reverse(f"learninghub:{name}", kwargs={"slug": world.partnership.slug, "hub_cycle_id": cycle.pk, **kwargs})


def _version(plan) -> str:
    plan.refresh_from_db()
    return plan.updated_at.isoformat()


def test_a_business_manager_starts_the_plan_and_fills_it_in(world_a, client_for):
    cycle = cycle_make(world_a)
    client = client_for(world_a.bm)
    page = client.get(_url(world_a, "plan_detail", cycle)).content.decode()
    assert "This cycle has no delivery plan yet." in page
    assert client.post(_url(world_a, "plan_start", cycle)).status_code == 302
    plan = DeliveryPlan.objects.get(cycle=cycle)
    assert client.get(_url(world_a, "plan_indicator_add", cycle)).status_code == 200
    response = client.post(
        _url(world_a, "plan_indicator_add", cycle),
        {
            "name": "Repeat missing episodes",
            "unit": "episodes",
            "period_label": "Q1",
            "value": "40",
            "agency_id": str(world_a.police.pk),
            "expected_updated_at": _version(plan),
        },
    )
    assert response.status_code == 302, response.content
    for kind, data in (
        ("measure", {"title": "Fewer repeat missing episodes"}),
        ("guidance", {"title": "Working Together 2023", "url": "https://www.gov.uk/wt"}),
        ("evidence", {"title": "Ofsted ILACS 2024", "source": "inspection", "citation": "Ofsted, March 2024"}),
    ):
        assert client.get(_url(world_a, "plan_item_add", cycle) + f"?kind={kind}").status_code == 200
        response = client.post(
            _url(world_a, "plan_item_add", cycle) + f"?kind={kind}", {**data, "expected_updated_at": _version(plan)}
        )
        assert response.status_code == 302, response.content
    page = client.get(_url(world_a, "plan_detail", cycle)).content.decode()
    for text in ("Repeat missing episodes", world_a.police.name, "Fewer repeat missing episodes", "Ofsted, March 2024"):
        assert text in page
    assert 'href="https://www.gov.uk/wt"' in page
    assert (
        "Delivery plan"
        in client.get(
            reverse("learninghub:cycle_detail", kwargs={"slug": world_a.partnership.slug, "hub_cycle_id": cycle.pk})
        ).content.decode()
    )


def test_evidence_links_to_an_earlier_hub_or_a_case_audit_and_not_to_another_partnerships(world_a, world_b, client_for):
    earlier = other_cycle_make(world_a, title="Earlier", starts_on=date(2025, 12, 22))
    audit_round = round_make(world_a, cases=0, selected=0, open_it=False)
    theirs = other_cycle_make(world_b, title="Theirs", starts_on=date(2025, 12, 22))
    cycle, plan = plan_make(world_a)
    client = client_for(world_a.bm)
    url = _url(world_a, "plan_item_add", cycle) + "?kind=evidence"
    form_page = client.get(url).content.decode()
    assert f"hub_cycle:{earlier.pk}" in form_page
    assert f"audit_round:{audit_round.pk}" in form_page
    assert f"hub_cycle:{theirs.pk}" not in form_page
    ok = client.post(
        url, {"title": "Last hub", "link": f"hub_cycle:{earlier.pk}", "expected_updated_at": _version(plan)}
    )
    assert ok.status_code == 302
    assert PlanItem.objects.get().earlier_cycle == earlier
    refused = client.post(
        url, {"title": "Theirs", "link": f"hub_cycle:{theirs.pk}", "expected_updated_at": _version(plan)}
    )
    assert refused.status_code == 400
    assert set(refused.context["form"].errors) == {"link"}
    assert PlanItem.objects.count() == 1
    assert "Linked:" in client.get(_url(world_a, "plan_detail", cycle)).content.decode()


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"name": "", "period_label": "", "value": ""}, {"name", "period_label", "value"}),
        ({"name": "A", "period_label": "Q1", "value": "abc"}, {"value"}),
        ({"name": "A", "period_label": "Q1", "value": "1", "agency_id": "999999"}, {"agency_id"}),
    ],
)
def test_bad_figures_show_field_errors(world_a, client_for, data, fields):
    cycle, plan = plan_make(world_a)
    response = client_for(world_a.bm).post(
        _url(world_a, "plan_indicator_add", cycle), {**data, "expected_updated_at": _version(plan)}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == fields
    assert b"error-summary" in response.content
    assert not PlanIndicator.objects.exists()


def test_a_stale_edit_is_refused_with_the_input_kept_and_saves_on_the_second_try(world_a, client_for):
    cycle, plan = plan_make(world_a)
    read = _version(plan)
    measure_add(world_a, plan)
    client = client_for(world_a.bm)
    data = {"name": "Children missing", "period_label": "Q1", "value": "12", "expected_updated_at": read}
    response = client.post(_url(world_a, "plan_indicator_add", cycle), data)
    assert response.status_code == 400
    assert "Someone else changed the delivery plan" in response.content.decode()
    assert 'value="Children missing"' in response.content.decode()
    assert not PlanIndicator.objects.exists()
    again = client.post(_url(world_a, "plan_indicator_add", cycle), {**data, "expected_updated_at": _version(plan)})
    assert again.status_code == 302


def test_an_upload_reports_its_lines_and_imports_nothing_until_right(world_a, client_for):
    cycle, plan = plan_make(world_a)
    client = client_for(world_a.bm)
    assert client.get(_url(world_a, "plan_upload", cycle)).status_code == 200
    bad = csv_upload("indicator,period,value\nA,Q1,1\nB,Q1,abc\nC,Q1,\n")
    response = client.post(_url(world_a, "plan_upload", cycle), {"file": bad, "expected_updated_at": _version(plan)})
    assert response.status_code == 400
    content = response.content.decode()
    assert "line 3: value &#x27;abc&#x27; is not a number" in content
    assert "line 4: enter a value" in content
    assert not PlanIndicator.objects.exists()
    missing = client.post(_url(world_a, "plan_upload", cycle), {"expected_updated_at": _version(plan)})
    assert missing.status_code == 400
    assert set(missing.context["form"].errors) == {"file"}
    good = xlsx_upload([["indicator", "period", "value"], ["A", "Q1", 1], ["A", "Q2", 2]])
    response = client.post(_url(world_a, "plan_upload", cycle), {"file": good, "expected_updated_at": _version(plan)})
    assert response.status_code == 302
    assert PlanIndicator.objects.count() == 2


def test_figures_and_items_are_changed_and_removed(world_a, client_for):
    cycle, plan = plan_make(world_a)
    figure = figure_add(world_a, plan)
    item = measure_add(world_a, plan)
    client = client_for(world_a.bm)
    edit = _url(world_a, "plan_indicator_edit", cycle, plan_indicator_id=figure.pk)
    assert 'value="40"' in client.get(edit).content.decode()
    data = {
        "name": figure.name,
        "unit": "episodes",
        "period_label": "Q1",
        "value": "35",
        "expected_updated_at": _version(plan),
    }
    assert client.post(edit, data).status_code == 302
    assert str(PlanIndicator.objects.get().value.normalize()) == "35"
    item_edit = _url(world_a, "plan_item_edit", cycle, plan_item_id=item.pk)
    assert client.get(item_edit).status_code == 200
    assert client.post(item_edit, {"title": "Renamed", "expected_updated_at": _version(plan)}).status_code == 302
    assert PlanItem.objects.get().title == "Renamed"
    stale = client.post(
        _url(world_a, "plan_item_remove", cycle, plan_item_id=item.pk),
        {"expected_updated_at": "2020-01-01T00:00:00+00:00"},
    )
    assert stale.status_code == 302
    assert PlanItem.objects.exists()
    client.post(_url(world_a, "plan_item_remove", cycle, plan_item_id=item.pk), {"expected_updated_at": _version(plan)})
    client.post(
        _url(world_a, "plan_indicator_remove", cycle, plan_indicator_id=figure.pk),
        {"expected_updated_at": _version(plan)},
    )
    assert not PlanItem.objects.exists()
    assert not PlanIndicator.objects.exists()


def test_versions_are_saved_read_and_compared(world_a, client_for):
    cycle, plan = plan_make(world_a)
    figure_add(world_a, plan, name="Repeat missing episodes", period="Q1", value="40")
    client = client_for(world_a.bm)
    assert "No version is saved yet" in client.get(_url(world_a, "plan_compare", cycle)).content.decode()
    form = client.get(_url(world_a, "plan_version_save", cycle))
    assert form.context["form"].initial["label"] == "Month 1"
    blank = client.post(_url(world_a, "plan_version_save", cycle), {"label": "", "expected_updated_at": _version(plan)})
    assert blank.status_code == 400
    assert set(blank.context["form"].errors) == {"label"}
    assert (
        client.post(
            _url(world_a, "plan_version_save", cycle), {"label": "Month 1", "expected_updated_at": _version(plan)}
        ).status_code
        == 302
    )
    figure_add(world_a, plan, name="Repeat missing episodes", period="Q2", value="30")
    measure_add(world_a, plan, title="Fewer episodes")
    month_1 = PlanVersion.objects.get()
    month_4 = plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 4")
    detail = client.get(_url(world_a, "plan_version_detail", cycle, plan_version_id=month_1.pk)).content.decode()
    assert "Version 1: Month 1" in detail
    assert "Q2" not in main_content(detail)
    compare = client.get(_url(world_a, "plan_compare", cycle))
    assert compare.context["then_key"] == str(month_1.pk)
    assert compare.context["now_key"] == str(month_4.pk)
    content = compare.content.decode()
    assert 'data-status="added"' in content
    assert "Added</span> Success and impact measure: Fewer episodes" in content
    draft = client.get(_url(world_a, "plan_compare", cycle) + f"?then={month_4.pk}&now=draft")
    assert not draft.context["comparison"].has_changes
    assert client.get(_url(world_a, "plan_compare", cycle) + "?then=999999&now=draft").status_code == 404


def test_members_read_and_only_business_managers_change(world_a, client_for):
    cycle, plan = plan_make(world_a)
    figure = figure_add(world_a, plan)
    item = measure_add(world_a, plan)
    version = plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 1")
    reads = [
        _url(world_a, "plan_detail", cycle),
        _url(world_a, "plan_version_detail", cycle, plan_version_id=version.pk),
        _url(world_a, "plan_compare", cycle),
    ]
    writes = [
        _url(world_a, "plan_indicator_add", cycle),
        _url(world_a, "plan_indicator_edit", cycle, plan_indicator_id=figure.pk),
        _url(world_a, "plan_item_add", cycle) + "?kind=measure",
        _url(world_a, "plan_item_edit", cycle, plan_item_id=item.pk),
        _url(world_a, "plan_upload", cycle),
        _url(world_a, "plan_version_save", cycle),
    ]
    posts = [
        _url(world_a, "plan_start", cycle),
        _url(world_a, "plan_indicator_remove", cycle, plan_indicator_id=figure.pk),
        _url(world_a, "plan_item_remove", cycle, plan_item_id=item.pk),
    ]
    for member in (world_a.la_lead, world_a.scrutineer, world_a.practitioner, world_a.lay_member, world_a.observer):
        client = client_for(member.person)
        for url in reads:
            assert client.get(url).status_code == 200, (member, url)
        page = client.get(reads[0]).content.decode()
        assert "Add a figure" not in page
        for url in writes:
            assert client.get(url).status_code == 403, (member, url)
            assert client.post(url, {}).status_code == 403, (member, url)
        for url in posts:
            assert client.post(url, {"expected_updated_at": _version(plan)}).status_code == 403, (member, url)
    assert PlanIndicator.objects.count() == 1
    assert PlanItem.objects.count() == 1


def test_another_partnerships_plan_is_404(world_a, world_b, client_for):
    cycle, plan = plan_make(world_a)
    figure = figure_add(world_a, plan)
    item = measure_add(world_a, plan)
    version = plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 1")
    their_cycle, their_plan = plan_make(world_b)
    client = client_for(world_b.bm)
    slug = world_b.partnership.slug
    for name, kwargs in (
        ("plan_detail", {}),
        ("plan_indicator_edit", {"plan_indicator_id": figure.pk}),
        ("plan_item_edit", {"plan_item_id": item.pk}),
        ("plan_version_detail", {"plan_version_id": version.pk}),
        ("plan_compare", {}),
        ("plan_upload", {}),
    ):
        url = reverse(f"learninghub:{name}", kwargs={"slug": slug, "hub_cycle_id": cycle.pk, **kwargs})
        assert client.get(url).status_code == 404, name
    # Their own cycle with our rows' ids: still missing.
    for name, kwargs in (
        ("plan_indicator_edit", {"plan_indicator_id": figure.pk}),
        ("plan_item_edit", {"plan_item_id": item.pk}),
        ("plan_version_detail", {"plan_version_id": version.pk}),
    ):
        url = reverse(f"learninghub:{name}", kwargs={"slug": slug, "hub_cycle_id": their_cycle.pk, **kwargs})
        assert client.get(url).status_code == 404, name
    remove = reverse(
        "learninghub:plan_indicator_remove",
        kwargs={"slug": slug, "hub_cycle_id": their_cycle.pk, "plan_indicator_id": figure.pk},
    )
    assert client.post(remove, {"expected_updated_at": _version(their_plan)}).status_code == 404
    assert PlanIndicator.objects.filter(pk=figure.pk).exists()


def test_query_counts_are_pinned_and_do_not_grow_with_the_plan(world_a, client_for, django_assert_max_num_queries):
    cycle, plan = plan_make(world_a)
    client = client_for(world_a.bm)
    for n in range(3):
        figure_add(world_a, plan, name=f"Indicator {n}", period="Q1", value=str(n), agency_id=world_a.police.pk)
        measure_add(world_a, plan, title=f"Measure {n}")
    first = plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 1")
    # Session, person, memberships (+ the navigation), the cycle, then: the plan, its figures and their agencies
    # (a query of their own, when a figure names one), its items with their links, its versions (the plan page);
    # the plan and the version (a version); the plan, the versions, the two compared, the figures (and agencies)
    # and items of the draft when it is one side (compare).
    pinned = {
        _url(world_a, "plan_detail", cycle): 10,
        _url(world_a, "plan_version_detail", cycle, plan_version_id=first.pk): 7,
        _url(world_a, "plan_compare", cycle): 11,
    }
    for url, most in pinned.items():
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
    for n in range(3, 30):
        figure_add(world_a, plan, name=f"Indicator {n}", period=f"Q{n % 4}", value=str(n), agency_id=world_a.icb.pk)
        measure_add(world_a, plan, title=f"Measure {n}")
    plan_version_save(partnership=world_a.partnership, actor=world_a.bm, plan=plan, label="Month 4")
    for url, most in pinned.items():
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200
