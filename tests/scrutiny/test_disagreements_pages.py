"""Professional disagreements' pages: recording with errors beside the fields, escalating and resolving from the page,
the scrutineer's stage theirs alone, the list filtered and paginated, the dashboard's panel, another partnership's
disagreement a 404, query counts pinned."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from scrutiny.models import ProfessionalDisagreement
from tests.scrutiny.disagreement_helpers import disagreement_make

pytestmark = pytest.mark.django_db


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"scrutiny:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_recording_shows_errors_beside_the_fields(world_a, client_for):
    client = client_for(world_a.bm)
    refused = client.post(
        _url("disagreement_create", world_a),
        {
            "raised_by_agency_id": str(world_a.school.pk),
            "with_agency_id": str(world_a.school.pk),
            "raised_on": "2026-11-02",
            "subject_summary": "Child DOB 01/02/2019",
        },
    )
    assert refused.status_code == 400
    content = refused.content.decode()
    assert "There is a problem" in content
    assert "a disagreement is between two agencies" in content
    assert "must not identify the child" in content
    response = client.post(
        _url("disagreement_create", world_a),
        {
            "raised_by_agency_id": str(world_a.school.pk),
            "with_agency_id": str(world_a.council.pk),
            "raised_on": "2026-11-02",
            "subject_summary": "Child A: a referral for neglect not accepted.",
        },
    )
    d = ProfessionalDisagreement.objects.in_partnership(world_a.partnership).get()
    assert response["Location"] == _url("disagreement_detail", world_a, disagreement_id=d.pk)


def test_escalated_to_the_scrutineer_and_resolved_by_them(world_a, client_for):
    d = disagreement_make(world_a, raised_on=timezone.localdate() - timedelta(days=10))
    bm = client_for(world_a.bm)
    page = bm.get(_url("disagreement_detail", world_a, disagreement_id=d.pk))
    version = page.context["escalate_form"]["expected_updated_at"].value()
    today = timezone.localdate().isoformat()
    refused = bm.post(
        _url("disagreement_escalate", world_a, disagreement_id=d.pk),
        {"to_stage": "scrutineer", "escalated_on": today, "note": "", "expected_updated_at": version},
    )
    assert refused.status_code == 400
    assert b"Say why it is escalated." in refused.content
    response = bm.post(
        _url("disagreement_escalate", world_a, disagreement_id=d.pk),
        {
            "to_stage": "scrutineer",
            "escalated_on": today,
            "note": "Senior managers could not agree.",
            "expected_updated_at": version,
        },
    )
    assert response.status_code == 302
    stale = bm.post(
        _url("disagreement_escalate", world_a, disagreement_id=d.pk),
        {"to_stage": "scrutineer", "escalated_on": today, "note": "Again", "expected_updated_at": version},
    )
    assert stale.status_code == 403  # at the scrutineer's stage the business manager no longer acts
    page = bm.get(_url("disagreement_detail", world_a, disagreement_id=d.pk))
    assert b'data-testid="disagreement-resolve"' not in page.content
    scrutineer = client_for(world_a.scrutineer.person)
    page = scrutineer.get(_url("disagreement_detail", world_a, disagreement_id=d.pk))
    assert b'data-testid="disagreement-escalate"' not in page.content  # nothing after the last stage
    version = page.context["resolve_form"]["expected_updated_at"].value()
    response = scrutineer.post(
        _url("disagreement_resolve", world_a, disagreement_id=d.pk),
        {
            "resolved_on": today,
            "outcome": "Assessment opened.",
            "learning": "Shared threshold training.",
            "expected_updated_at": version,
        },
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert (d.state, d.stage, d.resolved_on) == ("resolved", "scrutineer", timezone.localdate())


def test_readers_and_refusals(world_a, world_b, client_for):
    d = disagreement_make(world_a)
    assert client_for(world_a.practitioner.person).get(_url("disagreement_list", world_a)).status_code == 403
    assert client_for(world_a.la_lead.person).get(_url("disagreement_create", world_a)).status_code == 403
    scrutineer = client_for(world_a.scrutineer.person)
    assert scrutineer.get(_url("disagreement_create", world_a)).status_code == 403
    assert scrutineer.get(_url("disagreement_detail", world_a, disagreement_id=d.pk)).status_code == 200
    other = client_for(world_b.bm)
    assert other.get(_url("disagreement_detail", world_b, disagreement_id=d.pk)).status_code == 404
    assert other.post(_url("disagreement_resolve", world_b, disagreement_id=d.pk), {}).status_code == 404


def test_the_list_filters_and_pages(world_a, client_for, django_assert_max_num_queries):
    ProfessionalDisagreement.objects.bulk_create(
        ProfessionalDisagreement(
            partnership=world_a.partnership,
            raised_by_agency=world_a.police,
            with_agency=world_a.icb,
            raised_on=date(2026, 10, 1) + timedelta(days=n),
            subject_summary="Medical not arranged.",
            stage="manager" if n % 2 else "practitioner",
        )
        for n in range(30)
    )
    client = client_for(world_a.agency_lead.person)
    client.get(_url("disagreement_list", world_a))  # the session's first request does its own one-off work
    # Session, person, second factor, membership; one query for the page of rows and the count.
    with django_assert_max_num_queries(6):
        page = client.get(_url("disagreement_list", world_a))
    assert page.context["page"].paginator.count == 30
    assert len(page.context["page"].object_list) == 25
    managers = client.get(_url("disagreement_list", world_a), {"stage": "manager", "state": "open"})
    assert managers.context["page"].paginator.count == 15
    junk = client.get(_url("disagreement_list", world_a), {"stage": "nowhere", "page": "x"})
    assert junk.status_code == 200
    assert junk.context["page"].paginator.count == 30


def test_the_dashboard_counts_them_by_stage(world_a, client_for):
    disagreement_make(world_a, raised_on=timezone.localdate() - timedelta(days=7))
    page = client_for(world_a.scrutineer.person).get(_url("dashboard", world_a))
    assert page.status_code == 200
    panel = page.content.decode()
    assert 'data-testid="panel-disagreements"' in panel
    assert "?stage=practitioner&amp;state=open" in panel
    figures = page.context["dashboard"].disagreements
    assert figures.open == 1
    assert [s.open for s in figures.stages] == [1, 0, 0, 0]


def test_detail_query_count(world_a, client_for, django_assert_max_num_queries):
    d = disagreement_make(world_a)
    client = client_for(world_a.bm)
    client.get(_url("disagreement_list", world_a))
    # Session, person, second factor, membership; the disagreement with its agencies, its escalations.
    with django_assert_max_num_queries(6):
        assert client.get(_url("disagreement_detail", world_a, disagreement_id=d.pk)).status_code == 200
