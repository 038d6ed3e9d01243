"""The API for a child of an incident: reading (identities logged), correcting, adding; roles, errors, tenancy."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partnership.models import HistoryEntry
from reviews.models import Child, IdentityView
from reviews.services.incidents import TOO_MANY_CHILDREN
from tests.conftest import login
from tests.reviews.factories import CHILD_ADDRESS, CHILD_NAME, child_data, incident_make

NOT_FOUND = {"detail": "Not found."}
NEW_NAME = "Jordan Correctedname"
ADDED_NAME = "Riley Addedchild"


@pytest.fixture
def api_for():
    def make(person) -> APIClient:
        return login(APIClient(), person)

    return make


def api(world, name, **kwargs) -> str:
    return reverse(f"reviews_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _child_url(world, child) -> str:
    return api(world, "incident_child_detail", incident_id=child.incident_id, child_id=child.pk)


# --- Reading ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["business_manager", "la_lead", "health_lead", "police_lead"])
def test_managers_and_partner_leads_read_a_childs_identity_and_the_view_is_logged(world_a, api_for, role):
    incident = incident_make(world_a, children=child_data(2))
    child = incident.children.get(position=1)
    person = getattr(world_a, role).person
    response = api_for(person).get(_child_url(world_a, child))
    assert response.status_code == 200
    data = response.json()
    assert data["pseudonym"] == "Child A"
    assert data["incident_id"] == incident.pk
    assert (data["name"], data["date_of_birth"], data["address"]) == (CHILD_NAME, "2015-03-27", CHILD_ADDRESS)
    assert "updated_at" in data
    [view] = IdentityView.objects.all()
    assert (view.child_id, view.viewer_id) == (child.pk, person.pk)
    assert view.context == f"API: Child A of incident {incident.reference}"


def test_a_scrutineer_reads_the_pseudonym_only_and_nothing_is_logged(world_a, api_for):
    child = incident_make(world_a).children.get()
    response = api_for(world_a.scrutineer.person).get(_child_url(world_a, child))
    assert response.status_code == 200
    assert set(response.json()) == {"id", "position", "pseudonym", "incident_id", "updated_at"}
    assert CHILD_NAME not in response.content.decode()
    assert not IdentityView.objects.exists()


@pytest.mark.parametrize("role", ["practitioner", "agency_lead", "lay_member", "observer"])
def test_non_readers_get_403(world_a, api_for, role):
    child = incident_make(world_a).children.get()
    response = api_for(getattr(world_a, role).person).get(_child_url(world_a, child))
    assert response.status_code == 403
    assert CHILD_NAME not in response.content.decode()
    assert not IdentityView.objects.exists()


# --- Correcting ------------------------------------------------------------------------------------------


def test_a_business_manager_corrects_a_name_and_the_rest_is_kept(world_a, api_for):
    child = incident_make(world_a).children.get()
    client = api_for(world_a.bm)
    read = client.get(_child_url(world_a, child)).json()
    response = client.patch(
        _child_url(world_a, child), {"name": NEW_NAME, "updated_at": read["updated_at"]}, format="json"
    )
    assert response.status_code == 200
    data = response.json()
    assert (data["name"], data["date_of_birth"], data["address"]) == (NEW_NAME, "2015-03-27", CHILD_ADDRESS)
    assert data["updated_at"] != read["updated_at"]
    child.refresh_from_db()
    assert child.name == NEW_NAME
    # The read and the answer each showed the identity: each logged.
    assert IdentityView.objects.filter(child=child, viewer=world_a.bm).count() == 2
    # History says the name changed, not what it was or became.
    entry = HistoryEntry.objects.get(object_id=str(child.pk), action=HistoryEntry.Action.UPDATED)
    assert set(entry.changes) == {"name"}
    assert NEW_NAME not in json.dumps(entry.changes)
    assert CHILD_NAME not in json.dumps(entry.changes)


def test_a_date_of_birth_can_be_cleared_with_null(world_a, api_for):
    child = incident_make(world_a).children.get()
    body = {"date_of_birth": None, "updated_at": child.updated_at.isoformat()}
    response = api_for(world_a.bm).patch(_child_url(world_a, child), body, format="json")
    assert response.status_code == 200
    assert response.json()["date_of_birth"] is None
    child.refresh_from_db()
    assert child.date_of_birth == ""


def test_a_correction_without_a_version_is_a_428_and_writes_nothing(world_a, api_for):
    child = incident_make(world_a).children.get()
    response = api_for(world_a.bm).patch(_child_url(world_a, child), {"name": "Blind"}, format="json")
    assert response.status_code == 428
    assert "updated_at" in response.json()
    child.refresh_from_db()
    assert child.name == CHILD_NAME


def test_a_correction_with_the_etag_as_if_match_is_applied(world_a, api_for):
    child = incident_make(world_a).children.get()
    client = api_for(world_a.bm)
    read = client.get(_child_url(world_a, child))
    assert read["ETag"] == f'"{child.updated_at.isoformat()}"'  # the version read, to the microsecond
    response = client.patch(_child_url(world_a, child), {"name": "Matched"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert response.status_code == 200
    stale = client.patch(_child_url(world_a, child), {"name": "Stale"}, format="json", HTTP_IF_MATCH=read["ETag"])
    assert stale.status_code == 409
    child.refresh_from_db()
    assert child.name == "Matched"


def test_a_correction_with_an_old_updated_at_is_a_409_and_writes_nothing(world_a, api_for):
    child = incident_make(world_a).children.get()
    client = api_for(world_a.bm)
    read = client.get(_child_url(world_a, child)).json()
    first = client.patch(_child_url(world_a, child), {"name": "First", "updated_at": read["updated_at"]}, format="json")
    assert first.status_code == 200
    second = client.patch(
        _child_url(world_a, child), {"name": "Second", "updated_at": read["updated_at"]}, format="json"
    )
    assert second.status_code == 409
    assert "Second" not in second.content.decode()
    child.refresh_from_db()
    assert child.name == "First"


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"date_of_birth": "2099-01-01"}, "date_of_birth", "The date of birth cannot be in the future."),
        ({"date_of_birth": "2015-02-30"}, "date_of_birth", None),
        ({"name": ""}, "name", None),
        ({"name": "x" * 201}, "name", None),
        ({"address": "x" * 1001}, "address", None),
    ],
    ids=["born in the future", "not a date", "empty name", "long name", "long address"],
)
def test_a_bad_correction_is_a_400_with_field_errors(world_a, api_for, body, field, message):
    child = incident_make(world_a).children.get()
    version = {"updated_at": child.updated_at.isoformat()}  # a read's version: without one, 428
    response = api_for(world_a.bm).patch(_child_url(world_a, child), {**body, **version}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    if message:
        assert message in errors[field]
    child.refresh_from_db()
    assert (child.name, child.date_of_birth, child.address) == (CHILD_NAME, "2015-03-27", CHILD_ADDRESS)
    assert not IdentityView.objects.exists()


def test_a_birth_after_the_incident_is_a_400(world_a, api_for):
    incident = incident_make(world_a)
    child = incident.children.get()
    body = {"date_of_birth": incident.la_aware_on.isoformat()}
    version = {"updated_at": child.updated_at.isoformat()}  # a read's version: without one, 428
    response = api_for(world_a.bm).patch(_child_url(world_a, child), {**body, **version}, format="json")
    assert response.status_code == 400
    assert response.json() == {"date_of_birth": ["The date of birth cannot be after the incident."]}


@pytest.mark.parametrize("role", ["la_lead", "health_lead", "police_lead", "scrutineer"])
def test_only_business_managers_correct_or_add(world_a, api_for, role):
    incident = incident_make(world_a)
    child = incident.children.get()
    client = api_for(getattr(world_a, role).person)
    assert client.patch(_child_url(world_a, child), {"name": NEW_NAME}, format="json").status_code == 403
    add = client.post(api(world_a, "incident_child_list", incident_id=incident.pk), {"name": ADDED_NAME}, format="json")
    assert add.status_code == 403
    child.refresh_from_db()
    assert child.name == CHILD_NAME
    assert incident.children.count() == 1


# --- Adding ------------------------------------------------------------------------------------------------


def test_a_business_manager_adds_a_child_and_the_answer_carries_the_pseudonym_only(world_a, api_for):
    incident = incident_make(world_a)
    response = api_for(world_a.bm).post(
        api(world_a, "incident_child_list", incident_id=incident.pk),
        {"name": ADDED_NAME, "date_of_birth": "2016-01-02", "address": "2 Other Road"},
        format="json",
    )
    assert response.status_code == 201
    data = response.json()
    assert (data["position"], data["pseudonym"], data["incident_id"]) == (2, "Child B", incident.pk)
    assert ADDED_NAME not in response.content.decode()
    assert not IdentityView.objects.exists()
    added = Child.objects.get(pk=data["id"])
    assert (added.name, added.date_of_birth, added.address) == (ADDED_NAME, "2016-01-02", "2 Other Road")


def test_a_fifth_child_is_a_400(world_a, api_for):
    incident = incident_make(world_a, children=child_data(4))
    response = api_for(world_a.bm).post(
        api(world_a, "incident_child_list", incident_id=incident.pk), {"name": ADDED_NAME}, format="json"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": [TOO_MANY_CHILDREN]}
    assert incident.children.count() == 4


def test_an_added_child_without_a_name_is_a_400(world_a, api_for):
    incident = incident_make(world_a)
    response = api_for(world_a.bm).post(
        api(world_a, "incident_child_list", incident_id=incident.pk), {"address": "Somewhere"}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.json()
    assert incident.children.count() == 1


def test_reading_the_list_of_children_is_not_offered(world_a, api_for):
    incident = incident_make(world_a)
    response = api_for(world_a.bm).get(api(world_a, "incident_child_list", incident_id=incident.pk))
    assert response.status_code == 405
    assert not IdentityView.objects.exists()


# --- Tenancy --------------------------------------------------------------------------------------------------


def test_another_partnerships_children_are_not_found(world_a, world_b, api_for):
    incident = incident_make(world_a)
    child = incident.children.get()
    own_incident = incident_make(world_b)
    client = api_for(world_b.bm)
    details = [
        _child_url(world_a, child),
        api(world_b, "incident_child_detail", incident_id=incident.pk, child_id=child.pk),
        api(world_b, "incident_child_detail", incident_id=own_incident.pk, child_id=child.pk),
    ]
    for path in details:
        assert client.get(path).status_code == 404, path
        response = client.patch(path, {"name": NEW_NAME}, format="json")
        assert response.status_code == 404, path
        assert response.json() == NOT_FOUND
    for path in (
        api(world_a, "incident_child_list", incident_id=incident.pk),
        api(world_b, "incident_child_list", incident_id=incident.pk),
    ):
        # An empty body too: the incident is looked up before the body is checked.
        assert client.post(path, {}, format="json").status_code == 404, path
        assert client.post(path, {"name": ADDED_NAME}, format="json").status_code == 404, path
    child.refresh_from_db()
    assert child.name == CHILD_NAME
    assert incident.children.count() == 1
    assert not IdentityView.objects.exists()


def test_a_child_of_another_incident_is_not_found_under_this_one(world_a, api_for):
    first = incident_make(world_a)
    second = incident_make(world_a)
    child = first.children.get()
    path = api(world_a, "incident_child_detail", incident_id=second.pk, child_id=child.pk)
    assert api_for(world_a.bm).get(path).status_code == 404
    assert not IdentityView.objects.exists()


def test_the_schema_documents_the_child_endpoints(world_a):
    schema = json.loads(APIClient().get("/api/schema/?format=json").content)
    detail = schema["paths"]["/api/v1/partnerships/{slug}/incidents/{incident_id}/children/{child_id}/"]
    assert set(detail) >= {"get", "patch"}
    assert {"200", "400", "403", "404", "409"} <= set(detail["patch"]["responses"])
    listing = schema["paths"]["/api/v1/partnerships/{slug}/incidents/{incident_id}/children/"]
    assert {"201", "400", "403", "404"} <= set(listing["post"]["responses"])
    assert set(schema["components"]["schemas"]["ChildDetail"]["required"]) == {
        "id",
        "position",
        "pseudonym",
        "incident_id",
        "updated_at",
    }
