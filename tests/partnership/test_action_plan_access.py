"""Who sees and changes which actions, role by role, through the selectors, the services, the pages and the API.

The action: led by the school (an education agency, no statutory partner), its
lead person the school's practitioner, in the plan of a recommendation the
local authority leads.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from partnership.models import Role
from partnership.models.recommendations import Action, Rag, Recommendation
from partnership.selectors.action_plans import action_get, actions_visible
from partnership.services import action_plans as services
from tests.conftest import login
from tests.factories import membership_make
from tests.partnership.action_plan_factories import recommendation_make

pytestmark = pytest.mark.django_db
State = Recommendation.State

# role -> (sees the action, records its progress, shapes the plan)
RIGHTS = {
    "business_manager": (True, True, True),
    "la_lead": (True, True, True),  # leads the recommendation's partner
    "health_lead": (False, False, False),
    "police_lead": (False, False, False),
    "agency_lead": (True, True, False),  # the school's agency lead: the lead agency's
    "other_agency_lead": (False, False, False),  # the ICB's agency lead
    "practitioner": (True, True, False),  # the action's lead person
    "other_practitioner": (False, False, False),
    "scrutineer": (True, False, False),
    "lay_member": (True, False, False),
}


@pytest.fixture
def setting(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    world_a.other_agency_lead = membership_make(
        partnership=world_a.partnership, agency=world_a.icb, roles=[Role.AGENCY_LEAD], email="icb-lead@alpha.example"
    )
    world_a.other_practitioner = membership_make(
        partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER], email="p2@alpha.example"
    )
    return world_a, recommendation, action


def member(world, role: str):
    return getattr(world, role)


@pytest.mark.parametrize("role", RIGHTS)
def test_each_roles_view_and_edit_rights_on_an_action(setting, role):
    world, _recommendation, action = setting
    membership = member(world, role)
    sees, updates, shapes = RIGHTS[role]

    listed = list(actions_visible(partnership=world.partnership, membership=membership))
    assert (action in listed) is sees
    if not sees:
        with pytest.raises(Http404):
            action_get(partnership=world.partnership, membership=membership, action_id=action.pk)
        return
    loaded = action_get(partnership=world.partnership, membership=membership, action_id=action.pk)
    assert (loaded.can_update, loaded.can_edit) == (updates, shapes)

    record = lambda: services.action_update_record(  # noqa: E731
        partnership=world.partnership,
        membership=membership,
        action=action,
        on=timezone.localdate(),
        note="Progress",
        rag=Rag.AMBER,
    )
    if updates:
        record()
    else:
        with pytest.raises(PermissionDenied):
            record()
    edit = lambda: services.action_edit(  # noqa: E731
        partnership=world.partnership,
        membership=membership,
        action=action,
        what="Reworded",
        lead_agency_id=action.lead_agency_id,
        lead_person_id=action.lead_person_id,
        due_on=action.due_on,
        measure_of_success=action.measure_of_success,
    )
    if shapes:
        edit()
    else:
        with pytest.raises(PermissionDenied):
            edit()


@pytest.mark.parametrize("role", RIGHTS)
def test_each_role_on_the_action_page_and_api(setting, role, client_for):
    world, _recommendation, action = setting
    membership = member(world, role)
    sees, updates, _shapes = RIGHTS[role]
    page = reverse("partnership:action_detail", kwargs={"slug": world.partnership.slug, "action_id": action.pk})
    api = reverse("api:action_detail", kwargs={"slug": world.partnership.slug, "action_id": action.pk})
    client = client_for(membership.person)
    api_client = login(APIClient(), membership.person)

    response = client.get(page)
    api_response = api_client.get(api)

    if not sees:
        assert (response.status_code, api_response.status_code) == (404, 404)
        return
    assert (response.status_code, api_response.status_code) == (200, 200)
    assert ('data-testid="update-form"' in response.content.decode()) is updates
    post = client.post(page, {"on": timezone.localdate().isoformat(), "note": "x", "rag": "red"})
    assert post.status_code == (400 if updates else 403)  # the version is missing: refused before anything


def test_an_agency_lead_sees_only_their_agencys_actions_on_the_plan(world_a, client_for):
    recommendation = recommendation_make(world_a, state=State.ACTION_PLANNING, actions=0)
    from tests.partnership.action_plan_factories import action_make

    ours = action_make(world_a, recommendation, what="School action")
    theirs = action_make(world_a, recommendation, agency=world_a.police, what="Police action")
    url = reverse(
        "partnership:action_plan_detail",
        kwargs={"slug": world_a.partnership.slug, "recommendation_id": recommendation.pk},
    )

    text = client_for(world_a.agency_lead.person).get(url).content.decode()

    assert ours.what in text
    assert theirs.what not in text
    assert "1 more action of this plan is led by other agencies" in text


def test_a_practitioner_who_leads_nothing_has_no_plan_page(world_a, client_for):
    recommendation = recommendation_make(world_a)
    url = reverse(
        "partnership:action_plan_detail",
        kwargs={"slug": world_a.partnership.slug, "recommendation_id": recommendation.pk},
    )

    assert client_for(world_a.practitioner.person).get(url).status_code == 404


def test_another_partnerships_member_gets_404_on_every_plan_page_and_endpoint(world_a, world_b, client_for):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    slug = world_a.partnership.slug
    pages = [
        reverse("partnership:action_plan_detail", kwargs={"slug": slug, "recommendation_id": recommendation.pk}),
        reverse("partnership:action_detail", kwargs={"slug": slug, "action_id": action.pk}),
        reverse("partnership:progress_report_list", kwargs={"slug": slug}),
    ]
    theirs = client_for(world_b.bm)
    for url in pages:
        assert theirs.get(url).status_code == 404
    own_slug_their_action = reverse(
        "partnership:action_detail", kwargs={"slug": world_b.partnership.slug, "action_id": action.pk}
    )
    assert theirs.get(own_slug_their_action).status_code == 404
    api = login(APIClient(), world_b.bm)
    assert (
        api.get(
            reverse("api:action_detail", kwargs={"slug": world_b.partnership.slug, "action_id": action.pk})
        ).status_code
        == 404
    )
    listed = api.get(reverse("api:action_list", kwargs={"slug": world_b.partnership.slug})).json()
    assert listed["count"] == 0
