"""The rapid review pages' remaining actions over the API: the template's PDF (plain and identified) and
the review's documents, withdrawing an information request, and the identity log."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from partnership.models import Deadline, DocumentDownload, DocumentVersion
from partnership.services.documents import document_render_version
from reviews.models import IdentityView, InformationRequest
from tests.reviews.decision_helpers import ready_review
from tests.reviews.factories import incident_make, information_request_make

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}


def api(world, name: str, **kwargs) -> str:
    return reverse(f"reviews_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def send(client, method: str, target: str, body: dict | None = None):
    return getattr(client, method)(target, data=json.dumps(body or {}), content_type="application/json")


# --- The Rapid Review Template's PDF ----------------------------------------------------------------------


def test_a_reader_asks_for_the_template_pdf_and_downloads_it(world_a, client_for):
    review = ready_review(world_a)
    client = client_for(world_a.scrutineer.person)

    asked = send(client, "post", api(world_a, "rapid_review_template_pdf", rapid_review_id=review.pk))

    assert asked.status_code == 202, asked.content
    version = asked.json()
    assert version["document"]["kind"] == "rapid_review_template"
    document_render_version(version_id=version["id"])
    download = client.get(version["download_url"])
    assert download.status_code == 200
    assert download.getvalue().startswith(b"%PDF")
    assert DocumentDownload.objects.filter(person=world_a.scrutineer.person).count() == 1
    listed = client.get(api(world_a, "rapid_review_documents", rapid_review_id=review.pk)).json()
    assert [(d["id"], d["latest"]["state"]) for d in listed] == [
        (version["document"]["id"], DocumentVersion.State.READY)
    ]


def test_the_identified_template_is_for_managers_and_partner_leads_and_logs_each_child(world_a, client_for):
    review = ready_review(world_a)
    target = api(world_a, "rapid_review_template_pdf", rapid_review_id=review.pk)

    refused = send(client_for(world_a.scrutineer.person), "post", target, {"identified": True})
    assert refused.status_code == 403
    assert not IdentityView.objects.exists()

    asked = send(client_for(world_a.police_lead.person), "post", target, {"identified": True})
    assert asked.status_code == 202
    assert asked.json()["document"]["kind"] == "rapid_review_template_identified"
    assert IdentityView.objects.filter(viewer=world_a.police_lead.person).count() == review.incident.children.count()
    # The scrutineer is outside the identified document's audience: its version is a 404 to them.
    assert client_for(world_a.scrutineer.person).get(asked.json()["status_url"]).json() == NOT_FOUND


def test_a_bad_template_request_is_400(world_a, client_for):
    review = ready_review(world_a)

    response = send(
        client_for(world_a.bm),
        "post",
        api(world_a, "rapid_review_template_pdf", rapid_review_id=review.pk),
        {"identified": "perhaps"},
    )

    assert response.status_code == 400
    assert "identified" in response.json()


def test_the_template_is_not_for_practitioners_nor_another_partnership(world_a, world_b, client_for):
    review = ready_review(world_a)

    practitioner = send(
        client_for(world_a.practitioner.person),
        "post",
        api(world_a, "rapid_review_template_pdf", rapid_review_id=review.pk),
    )
    other = send(client_for(world_b.bm), "post", api(world_b, "rapid_review_template_pdf", rapid_review_id=review.pk))
    listed = client_for(world_b.bm).get(api(world_b, "rapid_review_documents", rapid_review_id=review.pk))

    assert practitioner.status_code == 403
    assert other.json() == NOT_FOUND
    assert listed.json() == NOT_FOUND
    assert not DocumentVersion.objects.exists()


# --- Withdrawing an information request ---------------------------------------------------------------------


def test_a_business_manager_withdraws_a_request(world_a, client_for):
    request = information_request_make(world_a)

    response = send(
        client_for(world_a.bm),
        "post",
        api(world_a, "request_withdraw", request_id=request.pk),
        {"reason": "Asked the wrong school"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["state"] == InformationRequest.State.WITHDRAWN
    assert not Deadline.objects.filter(kind=f"request.{request.pk}", state=Deadline.State.OPEN).exists()


def test_withdrawing_twice_or_with_a_long_reason_is_400(world_a, client_for):
    request = information_request_make(world_a)
    client = client_for(world_a.bm)
    target = api(world_a, "request_withdraw", request_id=request.pk)

    long = send(client, "post", target, {"reason": "x" * 501})
    assert long.status_code == 400
    assert "reason" in long.json()
    assert send(client, "post", target).status_code == 200
    again = send(client, "post", target)
    assert again.status_code == 400
    assert "non_field_errors" in again.json()


def test_only_business_managers_of_this_partnership_withdraw(world_a, world_b, client_for):
    request = information_request_make(world_a)

    assignee = send(
        client_for(world_a.practitioner.person), "post", api(world_a, "request_withdraw", request_id=request.pk)
    )
    lead = send(client_for(world_a.la_lead.person), "post", api(world_a, "request_withdraw", request_id=request.pk))
    other = send(client_for(world_b.bm), "post", api(world_b, "request_withdraw", request_id=request.pk))

    assert (assignee.status_code, lead.status_code) == (403, 403)
    assert other.json() == NOT_FOUND
    assert InformationRequest.objects.get(pk=request.pk).state != InformationRequest.State.WITHDRAWN


# --- The identity log -------------------------------------------------------------------------------------------


def test_business_managers_read_who_saw_childrens_identities(world_a, world_b, client_for):
    incident = incident_make(world_a)
    client_for(world_a.health_lead.person).get(api(world_a, "incident_detail", incident_id=incident.pk))

    response = client_for(world_a.bm).get(api(world_a, "identity_log"))

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(r["viewer_email"], r["reference"], r["child_pseudonym"]) for r in rows] == [
        (world_a.health_lead.person.email, incident.reference, "Child A")
    ]
    assert client_for(world_a.health_lead.person).get(api(world_a, "identity_log")).status_code == 403
    assert client_for(world_b.bm).get(api(world_b, "identity_log")).json()["count"] == 0
    assert client_for(world_b.bm).get(api(world_a, "identity_log")).json() == NOT_FOUND


def test_the_identity_log_runs_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    incident = incident_make(world_a)
    for who in ("health_lead", "la_lead", "police_lead"):
        client_for(getattr(world_a, who).person).get(api(world_a, "incident_detail", incident_id=incident.pk))
    client = client_for(world_a.bm)

    with django_assert_max_num_queries(12):
        assert client.get(api(world_a, "identity_log")).json()["count"] == 3
