"""API of a learning hub cycle's membership: nominate, shortlist or decline, withdraw, submit to the partners;
each role's rights, other partnerships' ids (404 in the path, 400 on the field in a body), the schema."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from learninghub.models import HubNomination
from tests.conftest import login
from tests.learninghub.helpers import cycle_make
from tests.learninghub.member_helpers import approve_by_all, nominate, shortlist

pytestmark = pytest.mark.django_db
State = HubNomination.State


def _api(person) -> APIClient:
    return login(APIClient(), person)


def _url(world, name, **kwargs):
    return reverse(f"learninghub_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


@pytest.fixture
def cycle(world_a):
    return cycle_make(world_a)


def test_nominate_shortlist_submit_and_sign_off_through_the_api(world_a, cycle):
    members = _url(world_a, "cycle_members", hub_cycle_id=cycle.pk)
    lead = _api(world_a.police_lead.person)
    response = lead.post(
        members,
        {"member_id": world_a.practitioner.pk, "hub_role": "practitioner", "why": "Runs the panel"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["agency_id"], body["person_name"]) == (
        "nominated",
        world_a.school.pk,
        "Alpha Practitioner",
    )
    nomination_id = body["id"]

    bm = _api(world_a.bm)
    kwargs = {"hub_cycle_id": cycle.pk, "hub_nomination_id": nomination_id}
    assert bm.get(_url(world_a, "nomination_detail", **kwargs)).json()["why"] == "Runs the panel"
    response = bm.post(_url(world_a, "nomination_shortlist", **kwargs), {"shortlist": True}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "shortlisted"
    response = bm.post(_url(world_a, "membership_submit", hub_cycle_id=cycle.pk), format="json")
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["sign_off_state"] == "awaiting"
    assert answer["nominations"][0]["state"] == "submitted"
    assert bm.post(_url(world_a, "membership_submit", hub_cycle_id=cycle.pk), format="json").status_code == 400

    # The partners decide through the kernel's sign-off API; the nomination moves with it.
    sign_off_id = answer["sign_off_id"]
    for who in ("la_lead", "health_lead", "police_lead"):
        url = reverse("api:sign_off_approve", kwargs={"slug": world_a.partnership.slug, "sign_off_id": sign_off_id})
        response = _api(getattr(world_a, who).person).post(url, {"round": answer["sign_off_round"]}, format="json")
        assert response.status_code == 200, response.content
    everyone = _api(world_a.observer.person).get(members).json()
    assert [(n["person_name"], n["state"]) for n in everyone["nominations"]] == [("Alpha Practitioner", "confirmed")]


def test_decline_needs_a_reason_and_bad_input_is_400_by_field(world_a, world_b, cycle):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    bm = _api(world_a.bm)
    kwargs = {"hub_cycle_id": cycle.pk, "hub_nomination_id": nomination.pk}
    response = bm.post(_url(world_a, "nomination_shortlist", **kwargs), {"shortlist": False}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()
    response = bm.post(
        _url(world_a, "nomination_shortlist", **kwargs), {"shortlist": False, "reason": "On two hubs"}, format="json"
    )
    assert response.json()["decline_reason"] == "On two hubs"
    members = _url(world_a, "cycle_members", hub_cycle_id=cycle.pk)
    for data, field in [
        ({"member_id": world_b.practitioner.pk, "hub_role": "manager"}, "member_id"),  # another partnership's
        ({"member_id": world_a.scrutineer.pk, "hub_role": "manager", "agency_id": world_b.school.pk}, "agency_id"),
        ({"member_id": 2**63, "hub_role": "manager"}, "member_id"),
        ({"member_id": world_a.scrutineer.pk, "hub_role": "chair"}, "hub_role"),
        ({"hub_role": "manager"}, "member_id"),
    ]:
        response = bm.post(members, data, format="json")
        assert response.status_code == 400, data
        assert field in response.json(), (data, response.json())
    assert HubNomination.objects.count() == 1


@pytest.mark.parametrize("role", ["practitioner", "scrutineer", "lay_member", "observer"])
def test_other_roles_read_but_do_not_nominate_shortlist_or_submit(world_a, cycle, role):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    client = _api(getattr(world_a, role).person)
    members = _url(world_a, "cycle_members", hub_cycle_id=cycle.pk)
    assert client.get(members).status_code == 200
    assert (
        client.post(members, {"member_id": world_a.lay_member.pk, "hub_role": "manager"}, format="json").status_code
        == 403
    )
    kwargs = {"hub_cycle_id": cycle.pk, "hub_nomination_id": nomination.pk}
    assert (
        client.post(_url(world_a, "nomination_shortlist", **kwargs), {"shortlist": True}, format="json").status_code
        == 403
    )
    assert client.post(_url(world_a, "nomination_withdraw", **kwargs), {}, format="json").status_code == 403
    assert client.post(_url(world_a, "membership_submit", hub_cycle_id=cycle.pk), format="json").status_code == 403


def test_an_agency_lead_nominates_own_agency_and_partner_leads_do_not_shortlist(world_a, cycle):
    agency_lead = _api(world_a.agency_lead.person)
    members = _url(world_a, "cycle_members", hub_cycle_id=cycle.pk)
    other_agency = agency_lead.post(members, {"member_id": world_a.scrutineer.pk, "hub_role": "manager"}, format="json")
    assert other_agency.status_code == 400
    assert "member_id" in other_agency.json()
    own = agency_lead.post(members, {"member_id": world_a.practitioner.pk, "hub_role": "practitioner"}, format="json")
    assert own.status_code == 201
    kwargs = {"hub_cycle_id": cycle.pk, "hub_nomination_id": own.json()["id"]}
    la_lead = _api(world_a.la_lead.person)
    assert (
        la_lead.post(_url(world_a, "nomination_shortlist", **kwargs), {"shortlist": True}, format="json").status_code
        == 403
    )
    # Only whoever made it withdraws it (or a business manager): the LA lead may nominate, but not withdraw this one.
    assert la_lead.post(_url(world_a, "nomination_withdraw", **kwargs), {}, format="json").status_code == 403
    response = agency_lead.post(_url(world_a, "nomination_withdraw", **kwargs), {"reason": "Moved"}, format="json")
    assert response.json()["state"] == "withdrawn"


def test_a_practitioner_sees_the_confirmed_members_not_the_nominations_in_play(world_a, cycle):
    confirmed = nominate(world_a, cycle, world_a.practitioner)
    nominate(world_a, cycle, world_a.scrutineer)
    shortlist(world_a, confirmed)
    from tests.learninghub.member_helpers import submit

    approve_by_all(world_a, submit(world_a, cycle))
    reader = _api(world_a.lay_member.person)
    body = reader.get(_url(world_a, "cycle_members", hub_cycle_id=cycle.pk)).json()
    assert [n["id"] for n in body["nominations"]] == [confirmed.pk]
    hidden = HubNomination.objects.exclude(pk=confirmed.pk).get()
    url = _url(world_a, "nomination_detail", hub_cycle_id=cycle.pk, hub_nomination_id=hidden.pk)
    assert reader.get(url).status_code == 404


def test_another_partnerships_cycle_and_nominations_are_404(world_a, world_b, cycle):
    nomination = nominate(world_a, cycle, world_a.practitioner)
    other = _api(world_b.bm)
    slug = world_b.partnership.slug
    own_cycle = cycle_make(world_b)
    assert (
        other.get(reverse("learninghub_api:cycle_members", kwargs={"slug": slug, "hub_cycle_id": cycle.pk})).status_code
        == 404
    )
    for name in ("nomination_shortlist", "nomination_withdraw"):
        url = reverse(
            f"learninghub_api:{name}",
            kwargs={"slug": slug, "hub_cycle_id": own_cycle.pk, "hub_nomination_id": nomination.pk},
        )
        assert other.post(url, {"shortlist": True}, format="json").status_code == 404
    assert other.get(_url(world_a, "cycle_members", hub_cycle_id=cycle.pk)).status_code == 404
    assert HubNomination.objects.get().state == State.NOMINATED


def test_the_schema_documents_the_membership_api():
    schema = json.loads(APIClient().get("/api/schema/?format=json").content)
    base = "/api/v1/partnerships/{slug}/learning-hub/cycles/{hub_cycle_id}/members/"
    assert {
        base,
        base + "submit/",
        base + "{hub_nomination_id}/",
        base + "{hub_nomination_id}/shortlist/",
        base + "{hub_nomination_id}/withdraw/",
    } <= set(schema["paths"])
    nominate_body = schema["components"]["schemas"]["HubNominateRequest"]
    assert set(nominate_body["required"]) == {"member_id", "hub_role"}
