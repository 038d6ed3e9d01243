"""The pages to correct a child's identity and add a child: who may, what is logged, errors, stale edits, tenancy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reviews.models import Child, IdentityView
from reviews.services.incidents import TOO_MANY_CHILDREN
from tests.reviews.factories import CHILD_ADDRESS, CHILD_NAME, child_data, incident_make

NEW_NAME = "Jordan Correctedname"
ADDED_NAME = "Riley Addedchild"


def url(world, name, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _correct_url(world, child):
    return url(world, "incident_child_correct", incident_id=child.incident_id, child_id=child.pk)


def _correct_data(child, **overrides):
    data = {
        "name": CHILD_NAME,
        "date_of_birth": "2015-03-27",
        "address": CHILD_ADDRESS,
        "expected_updated_at": child.updated_at.isoformat(),
    }
    data.update(overrides)
    return data


# --- From the identities page --------------------------------------------------------------------


def test_the_identities_page_offers_a_business_manager_correct_and_add(world_a, client_for):
    incident = incident_make(world_a, children=child_data(2))
    html = client_for(world_a.bm).post(url(world_a, "incident_identities", incident_id=incident.pk)).content.decode()
    assert html.count('data-testid="correct-child"') == 2
    for child in incident.children.all():
        assert _correct_url(world_a, child) in html
    assert url(world_a, "incident_child_add", incident_id=incident.pk) in html


def test_the_identities_page_offers_no_add_with_four_children(world_a, client_for):
    incident = incident_make(world_a, children=child_data(4))
    html = client_for(world_a.bm).post(url(world_a, "incident_identities", incident_id=incident.pk)).content.decode()
    assert html.count('data-testid="correct-child"') == 4
    assert 'data-testid="add-child"' not in html


def test_partner_leads_see_identities_without_correct_or_add(world_a, client_for):
    incident = incident_make(world_a)
    response = client_for(world_a.la_lead.person).post(url(world_a, "incident_identities", incident_id=incident.pk))
    html = response.content.decode()
    assert CHILD_NAME in html
    assert 'data-testid="correct-child"' not in html
    assert 'data-testid="add-child"' not in html


# --- Correcting -------------------------------------------------------------------------------------


def test_opening_the_correction_form_shows_the_identity_and_logs_the_view(world_a, client_for):
    incident = incident_make(world_a, children=child_data(2))
    child = incident.children.get(position=2)
    response = client_for(world_a.bm).get(_correct_url(world_a, child))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{CHILD_NAME} 2"' in html
    assert "Child B" in html
    assert "no-store" in response["Cache-Control"]
    [view] = IdentityView.objects.all()
    assert (view.child_id, view.viewer_id) == (child.pk, world_a.bm.pk)
    assert view.context == f"Correction form: {incident.reference}"


def test_a_business_manager_corrects_a_name(world_a, client_for):
    incident = incident_make(world_a)
    child = incident.children.get()
    client = client_for(world_a.bm)
    response = client.post(_correct_url(world_a, child), _correct_data(child, name=NEW_NAME))
    assert response.status_code == 302
    assert response["Location"] == url(world_a, "rapid_review_detail", rapid_review_id=incident.rapid_review.pk)
    child.refresh_from_db()
    assert child.name == NEW_NAME
    page = client.get(response["Location"]).content.decode()
    assert "Saved the correction to Child A&#x27;s identity." in page
    assert NEW_NAME not in page  # the review page stays pseudonymous, its history included
    # Saving shows nothing that was not typed: only opening the form was a view.
    assert not IdentityView.objects.exists()


def test_a_refused_correction_keeps_what_was_typed_beside_the_field(world_a, client_for):
    incident = incident_make(world_a)
    child = incident.children.get()
    data = _correct_data(child, name=NEW_NAME, date_of_birth="2099-01-01", address="Typed address")
    response = client_for(world_a.bm).post(_correct_url(world_a, child), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html
    assert 'href="#id_date_of_birth"' in html
    assert 'id="id_date_of_birth-error"' in html
    assert "The date of birth cannot be in the future." in html
    assert f'value="{NEW_NAME}"' in html
    assert "Typed address" in html
    assert "no-store" in response["Cache-Control"]
    child.refresh_from_db()
    assert child.name == CHILD_NAME


def test_a_name_left_empty_is_refused_on_the_field(world_a, client_for):
    child = incident_make(world_a).children.get()
    response = client_for(world_a.bm).post(_correct_url(world_a, child), _correct_data(child, name=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_name"' in html
    assert "Enter the child&#x27;s name." in html


def test_a_correction_from_an_out_of_date_page_shows_the_saved_version_and_keeps_the_input(world_a, client_for):
    incident = incident_make(world_a)
    child = incident.children.get()
    client = client_for(world_a.bm)
    stale = _correct_data(child, name="My correction")
    assert client.post(_correct_url(world_a, child), _correct_data(child, name="Their correction")).status_code == 302
    response = client.post(_correct_url(world_a, child), stale)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else changed Child A&#x27;s identity while you were editing it." in html
    assert 'data-testid="saved-version"' in html
    assert "Their correction" in html
    assert 'value="My correction"' in html
    child.refresh_from_db()
    assert child.name == "Their correction"
    # Showing the saved version is a view of the identity: logged.
    assert IdentityView.objects.filter(context__startswith="Correction form, saved version").count() == 1
    # Sent again, the kept input carries the version now shown: it is saved.
    again = {**stale, "expected_updated_at": child.updated_at.isoformat()}
    assert client.post(_correct_url(world_a, child), again).status_code == 302
    child.refresh_from_db()
    assert child.name == "My correction"


def test_a_correction_without_the_page_version_is_refused(world_a, client_for):
    child = incident_make(world_a).children.get()
    data = _correct_data(child, name=NEW_NAME)
    del data["expected_updated_at"]
    response = client_for(world_a.bm).post(_correct_url(world_a, child), data)
    assert response.status_code == 400
    assert "This page is out of date." in response.content.decode()
    child.refresh_from_db()
    assert child.name == CHILD_NAME


@pytest.mark.parametrize("role", ["la_lead", "health_lead", "police_lead", "scrutineer", "practitioner"])
def test_only_business_managers_open_or_send_the_correction_form(world_a, client_for, role):
    incident = incident_make(world_a)
    child = incident.children.get()
    client = client_for(getattr(world_a, role).person)
    response = client.get(_correct_url(world_a, child))
    assert response.status_code == 403
    assert CHILD_NAME not in response.content.decode()
    assert client.post(_correct_url(world_a, child), _correct_data(child, name=NEW_NAME)).status_code == 403
    assert client.get(url(world_a, "incident_child_add", incident_id=incident.pk)).status_code == 403
    assert client.post(url(world_a, "incident_child_add", incident_id=incident.pk), {"name": "X"}).status_code == 403
    child.refresh_from_db()
    assert child.name == CHILD_NAME
    assert incident.children.count() == 1
    assert not IdentityView.objects.exists()


def test_another_partnerships_children_are_not_found(world_a, world_b, client_for):
    incident = incident_make(world_a)
    child = incident.children.get()
    own_incident = incident_make(world_b)
    client = client_for(world_b.bm)
    paths = [
        _correct_url(world_a, child),  # world_a's slug
        url(world_b, "incident_child_correct", incident_id=incident.pk, child_id=child.pk),
        # world_b's own incident with world_a's child
        url(world_b, "incident_child_correct", incident_id=own_incident.pk, child_id=child.pk),
        url(world_a, "incident_child_add", incident_id=incident.pk),
        url(world_b, "incident_child_add", incident_id=incident.pk),
    ]
    for path in paths:
        assert client.get(path).status_code == 404, path
        assert client.post(path, _correct_data(child, name=NEW_NAME)).status_code == 404, path
    child.refresh_from_db()
    assert child.name == CHILD_NAME
    assert incident.children.count() == 1
    assert not IdentityView.objects.exists()


def test_a_child_of_another_incident_is_not_found_under_this_one(world_a, client_for):
    first = incident_make(world_a)
    second = incident_make(world_a)
    child = first.children.get()
    path = url(world_a, "incident_child_correct", incident_id=second.pk, child_id=child.pk)
    assert client_for(world_a.bm).get(path).status_code == 404
    assert not IdentityView.objects.exists()


# --- Adding ------------------------------------------------------------------------------------------


def test_a_business_manager_adds_a_child(world_a, client_for):
    incident = incident_make(world_a)
    client = client_for(world_a.bm)
    form = client.get(url(world_a, "incident_child_add", incident_id=incident.pk))
    assert form.status_code == 200
    assert "Child B" in form.content.decode()
    response = client.post(
        url(world_a, "incident_child_add", incident_id=incident.pk),
        {"name": ADDED_NAME, "date_of_birth": "2016-01-02", "address": ""},
    )
    assert response.status_code == 302
    added = Child.objects.get(incident=incident, position=2)
    assert (added.pseudonym, added.name, added.date_of_birth) == ("Child B", ADDED_NAME, "2016-01-02")
    page = client.get(response["Location"]).content.decode()
    assert "Added Child B to" in page
    assert "Child A, Child B" in page
    assert ADDED_NAME not in page


def test_an_added_child_with_a_birth_after_the_incident_is_refused_and_kept(world_a, client_for):
    incident = incident_make(world_a)
    response = client_for(world_a.bm).post(
        url(world_a, "incident_child_add", incident_id=incident.pk),
        {"name": ADDED_NAME, "date_of_birth": incident.la_aware_on.isoformat(), "address": "Kept address"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The date of birth cannot be after the incident." in html
    assert 'href="#id_date_of_birth"' in html
    assert f'value="{ADDED_NAME}"' in html
    assert "Kept address" in html
    assert incident.children.count() == 1


def test_with_four_children_the_add_page_says_so_and_a_fifth_is_refused(world_a, client_for):
    incident = incident_make(world_a, children=child_data(4))
    client = client_for(world_a.bm)
    page = client.get(url(world_a, "incident_child_add", incident_id=incident.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="children-full"' in html
    assert 'data-testid="child-form"' not in html
    response = client.post(url(world_a, "incident_child_add", incident_id=incident.pk), {"name": ADDED_NAME})
    assert response.status_code == 400
    html = response.content.decode()
    assert TOO_MANY_CHILDREN in html
    assert f'value="{ADDED_NAME}"' in html  # kept
    assert incident.children.count() == 4
