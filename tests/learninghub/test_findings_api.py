"""API of a cycle's findings: read, commission and link audits, findings, drafts and their agreement, measures,
the report; roles, tenancy (404s), field errors (400) and cross-tenant ids in bodies refused like missing ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from learninghub.models import HubAuditLink, HubDraftRecommendation, HubFinding, HubMeasure, PhaseKind
from partnership.models import DocumentVersion, ExportJob
from partnership.models.recommendations import Recommendation
from tests.audits.helpers import published_case_audit, round_make
from tests.conftest import login, session_in_cache
from tests.learninghub.findings_helpers import cycle_in, themes
from tests.learninghub.test_findings_pages import _filled, grow

pytestmark = pytest.mark.django_db


def _api(person) -> APIClient:
    return login(APIClient(), person)


def _url(world, name, **kwargs):
    return reverse(f"learninghub_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_readers_see_the_findings_with_audit_grades(world_a):
    cycle = _filled(world_a)
    for reader in (world_a.bm, world_a.scrutineer.person, world_a.la_lead.person):
        response = _api(reader).get(_url(world_a, "findings", hub_cycle_id=cycle.pk))
        assert response.status_code == 200, response.content
    body = response.json()
    assert body["agreeing_open"] is True
    audit = body["audits"][0]
    assert audit["grades"][0]["total"] == 2
    assert {"theme", "kind", "text"} <= set(audit["findings"][0])
    assert len(body["findings"]) == 2
    assert len(body["drafts"]) == 2
    assert body["measures"][0]["change"] == "-2.00"
    for outsider in (world_a.practitioner, world_a.lay_member):
        assert _api(outsider.person).get(_url(world_a, "findings", hub_cycle_id=cycle.pk)).status_code == 403
    scrutineer = _api(world_a.scrutineer.person)
    add = _url(world_a, "findings_add", hub_cycle_id=cycle.pk)
    assert scrutineer.post(add, {"theme_id": 1, "text": "x"}, format="json").status_code == 403


def test_the_findings_read_a_fixed_number_of_queries(world_a, django_assert_num_queries, settings):
    settings.FIGURES_CACHE_SECONDS = 0  # worked out afresh, as after any change (the audits' results not kept)
    small = _filled(world_a, rounds=1, findings=1, drafts=1, measures=1)
    client = _api(world_a.bm)
    url = _url(world_a, "findings", hub_cycle_id=small.pk)
    client.get(url)
    with django_assert_num_queries(API_QUERIES - session_in_cache()):
        assert client.get(url).status_code == 200
    grow(world_a, small)
    with django_assert_num_queries(API_QUERIES - session_in_cache()):
        body = client.get(url).json()
    assert len(body["audits"]) == 4
    assert len(body["findings"]) == 21
    assert len(body["drafts"]) == 21


# The page's queries (tests/learninghub/test_findings_pages.py, PAGE_QUERIES) but the managers' form choices.
API_QUERIES = 9 + 3


def test_another_partnership_gets_404_everywhere(world_a, world_b):
    cycle = _filled(world_a)
    ids = {
        "hub_audit_id": HubAuditLink.objects.filter(cycle=cycle).first().pk,
        "hub_finding_id": HubFinding.objects.filter(cycle=cycle).first().pk,
        "hub_draft_id": HubDraftRecommendation.objects.filter(cycle=cycle).first().pk,
        "hub_measure_id": HubMeasure.objects.filter(cycle=cycle).first().pk,
    }
    other = _api(world_b.bm)

    def url(name, **kwargs):
        return reverse(
            f"learninghub_api:{name}", kwargs={"slug": world_b.partnership.slug, "hub_cycle_id": cycle.pk, **kwargs}
        )

    assert other.get(url("findings")).status_code == 404
    assert other.delete(url("findings_audit_unlink", hub_audit_id=ids["hub_audit_id"])).status_code == 404
    assert other.delete(url("findings_remove", hub_finding_id=ids["hub_finding_id"])).status_code == 404
    assert (
        other.post(url("findings_draft_move", hub_draft_id=ids["hub_draft_id"]), {"to": "dropped"}).status_code == 404
    )
    review = url("findings_measure_review", hub_measure_id=ids["hub_measure_id"])
    assert other.post(review, {"value_at_review": "1"}, format="json").status_code == 404
    for name in ("findings_add", "findings_draft_add", "findings_drafts_agree", "findings_report"):
        assert other.post(url(name), {}, format="json").status_code == 404, name
    # Under world_a's slug, world_a's rows of another cycle are missing too.
    mine = _api(world_a.bm)
    second = cycle_in(world_a, PhaseKind.SCOPING, priority=cycle.priority)
    gone = reverse(
        "learninghub_api:findings_remove",
        kwargs={"slug": world_a.partnership.slug, "hub_cycle_id": second.pk, "hub_finding_id": ids["hub_finding_id"]},
    )
    assert mine.delete(gone).status_code == 404


def test_commission_link_and_unlink_audits(world_a, world_b):
    cycle = cycle_in(world_a, PhaseKind.AUDITING)
    version = published_case_audit(world_a)
    client = _api(world_a.bm)
    commission = _url(world_a, "findings_audit_commission", hub_cycle_id=cycle.pk)
    bad = client.post(commission, {"title": "", "template_version_id": 0}, format="json")
    assert bad.status_code == 400
    assert {"title", "template_version_id", "due_on"} <= set(bad.json())
    theirs_version = published_case_audit(world_b)
    cross = client.post(
        commission,
        {"title": "X", "template_version_id": theirs_version.pk, "due_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert cross.status_code == 400
    assert "template_version_id" in cross.json()
    made = client.post(
        commission,
        {
            "title": "Missing children audit",
            "template_version_id": version.pk,
            "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    link_url = _url(world_a, "findings_audit_link", hub_cycle_id=cycle.pk)
    theirs = round_make(world_b, cases=0, open_it=False)
    refused = client.post(link_url, {"audit_round_id": theirs.pk}, format="json")
    assert refused.status_code == 400
    missing = client.post(link_url, {"audit_round_id": 2**40}, format="json")
    assert refused.json()["audit_round_id"] == missing.json()["audit_round_id"]
    again = client.post(link_url, {"audit_round_id": made.json()["audit_round_id"]}, format="json")
    assert again.status_code == 400
    unlink = _url(world_a, "findings_audit_unlink", hub_cycle_id=cycle.pk, hub_audit_id=made.json()["id"])
    assert client.delete(unlink).status_code == 204
    assert not HubAuditLink.objects.filter(cycle=cycle).exists()


def test_findings_drafts_agreement_measures_and_report(world_a, world_b):
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    theme = themes(world_a)[0]
    client = _api(world_a.bm)
    add = _url(world_a, "findings_add", hub_cycle_id=cycle.pk)
    cross = client.post(add, {"theme_id": themes(world_b)[0].pk, "text": "x"}, format="json")
    assert cross.status_code == 400
    assert "theme_id" in cross.json()
    assert client.post(add, {"text": ""}, format="json").status_code == 400
    finding = client.post(add, {"theme_id": theme.pk, "text": "Late return interviews"}, format="json")
    assert finding.status_code == 201
    assert finding.json()["theme"] == theme.name
    remove = _url(world_a, "findings_remove", hub_cycle_id=cycle.pk, hub_finding_id=finding.json()["id"])
    assert client.delete(remove).status_code == 204

    drafts = _url(world_a, "findings_draft_add", hub_cycle_id=cycle.pk)
    bad = client.post(drafts, {"text": "", "lead_partner": "army"}, format="json")
    assert bad.status_code == 400
    assert {"text", "lead_partner"} <= set(bad.json())
    made = [
        client.post(drafts, {"text": t, "lead_partner": "health", "theme_id": theme.pk}, format="json").json()["id"]
        for t in ("Health visitors ask about missing episodes", "Dropped")
    ]
    move = _url(world_a, "findings_draft_move", hub_cycle_id=cycle.pk, hub_draft_id=made[1])
    assert client.post(move, {"to": "dropped"}, format="json").json()["state"] == "dropped"
    assert client.post(move, {"to": "agreed"}, format="json").status_code == 400
    agree = _url(world_a, "findings_drafts_agree", hub_cycle_id=cycle.pk)
    other_draft = HubDraftRecommendation.objects.create(
        partnership=world_b.partnership, cycle=cycle_in(world_b, PhaseKind.FINDINGS), text="B", lead_partner="police"
    )
    refused = client.post(agree, {"draft_ids": [other_draft.pk]}, format="json")
    assert refused.status_code == 400
    assert "draft_ids" in refused.json()
    assert client.post(agree, {"draft_ids": [made[1]]}, format="json").status_code == 400  # dropped
    agreed = client.post(agree, {"draft_ids": [made[0]], "title": "Hub 1"}, format="json")
    assert agreed.status_code == 201, agreed.content
    recommendation = Recommendation.objects.get(pk=agreed.json()["recommendation_ids"][0])
    assert recommendation.state == Recommendation.State.PROPOSED

    measures = _url(world_a, "findings_measure_add", hub_cycle_id=cycle.pk)
    assert client.post(measures, {"name": "", "value_at_start": "x"}, format="json").status_code == 400
    measure = client.post(measures, {"name": "Repeat episodes", "value_at_start": "42"}, format="json")
    assert measure.status_code == 201
    review = _url(world_a, "findings_measure_review", hub_cycle_id=cycle.pk, hub_measure_id=measure.json()["id"])
    too_early = client.post(review, {"value_at_review": "30"}, format="json")
    assert too_early.status_code == 400

    report = _url(world_a, "findings_report", hub_cycle_id=cycle.pk)
    assert client.post(report, {"format": "odt"}, format="json").status_code == 400
    pdf = _api(world_a.scrutineer.person).post(report, {"format": "pdf"}, format="json")
    assert pdf.status_code == 202
    assert DocumentVersion.objects.filter(pk=pdf.json()["document_version_id"]).exists()
    docx = client.post(report, {"format": "docx"}, format="json")
    assert docx.status_code == 202
    assert ExportJob.objects.filter(pk=docx.json()["export_job_id"], kind="hub.findings_report").exists()
    assert _api(world_a.practitioner.person).post(report, {"format": "pdf"}, format="json").status_code == 403


def test_the_impact_review_value_through_the_api(world_a):
    cycle = cycle_in(world_a, PhaseKind.IMPACT_REVIEW)
    measure = HubMeasure.objects.create(partnership=world_a.partnership, cycle=cycle, name="Episodes", value_at_start=5)
    client = _api(world_a.bm)
    review = _url(world_a, "findings_measure_review", hub_cycle_id=cycle.pk, hub_measure_id=measure.pk)
    response = client.post(review, {"value_at_review": "8"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["change"] == "3.00"
    assert response.json()["improved"] is True
