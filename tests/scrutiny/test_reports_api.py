"""The scrutiny reports' API: the page's rules (the scrutineer writes only the narrative), versions (409 stale, 428
without one), a render queued as one version of both files (PDF and DOCX, each downloaded), versions listed, agency
annual reports asked for and sent, and another partnership's rows as 404."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument
from rest_framework.test import APIClient

from partnership.models import Deadline, DocumentVersion
from partnership.services.documents import document_render_version
from scrutiny.models import AgencyAnnualReport, ReportDocxDownload, ScrutinyReport
from scrutiny.services.report_render import DOCX_MEDIA_TYPE, scrutiny_report_render_request
from tests.conftest import login
from tests.scrutiny.report_helpers import agency_report, annual_report, narrative, upload, write

pytestmark = pytest.mark.django_db


def _api(world, name, **kwargs):
    return reverse(f"scrutiny_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _as(member) -> APIClient:
    return login(APIClient(), member.person)


def test_start_list_and_read_a_report(world_a):
    url = _api(world_a, "report_list")
    assert _as(world_a.la_lead).post(url, {"kind": "annual", "reporting_year": 2025}, format="json").status_code == 403
    created = _as(world_a.scrutineer).post(
        url, {"kind": "quarterly", "reporting_year": 2025, "quarter": 2}, format="json"
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["period_start"], body["period_end"]) == ("2025-07-01", "2025-09-30")
    assert [n["place"] for n in body["narrative"]] == ["introduction", "conclusions"]
    bad = _as(world_a.business_manager).post(url, {"kind": "quarterly", "reporting_year": 2025}, format="json")
    assert bad.status_code == 400
    assert "quarter" in bad.json()
    listed = _as(world_a.la_lead).get(url)
    assert [r["id"] for r in listed.json()["results"]] == [body["id"]]
    assert _as(world_a.agency_lead).get(url).status_code == 403


def test_narrative_is_versioned_and_the_scrutineers_alone(world_a):
    report = annual_report(world_a)
    row = narrative(report, "introduction")
    url = _api(world_a, "narrative_detail", scrutiny_report_id=report.pk, report_narrative_id=row.pk)
    scrutineer = _as(world_a.scrutineer)
    assert _as(world_a.business_manager).patch(url, {"body": "x"}, format="json").status_code == 403
    assert scrutineer.patch(url, {"body": "No version."}, format="json").status_code == 428
    read = scrutineer.get(url)
    etag = read["ETag"]
    saved = scrutineer.patch(url, {"body": "Our year."}, format="json", HTTP_IF_MATCH=etag)
    assert saved.status_code == 200
    assert saved.json()["body"] == "Our year."
    stale = scrutineer.patch(url, {"body": "Overwrite.", "updated_at": read.json()["updated_at"]}, format="json")
    assert stale.status_code == 409
    assert narrative(report, "introduction").body == "Our year."

    added = scrutineer.post(
        _api(world_a, "narrative_list", scrutiny_report_id=report.pk),
        {"heading": "Voice", "body": "Heard."},
        format="json",
    )
    assert added.status_code == 201
    further = _api(world_a, "narrative_detail", scrutiny_report_id=report.pk, report_narrative_id=added.json()["id"])
    assert scrutineer.delete(further).status_code == 428
    assert scrutineer.delete(further, HTTP_IF_MATCH=scrutineer.get(further)["ETag"]).status_code == 204


def test_publish_and_take_back(world_a):
    report = annual_report(world_a)
    url = _api(world_a, "report_publish", scrutiny_report_id=report.pk)
    version = {"updated_at": report.updated_at.isoformat()}
    assert _as(world_a.scrutineer).post(url, version, format="json").status_code == 403
    assert _as(world_a.business_manager).post(url, {}, format="json").status_code == 428
    published = _as(world_a.business_manager).post(url, version, format="json")
    assert published.status_code == 200
    assert published.json()["state"] == "published"
    assert _as(world_a.business_manager).post(url, version, format="json").status_code == 409
    back = _as(world_a.business_manager).post(
        _api(world_a, "report_draft", scrutiny_report_id=report.pk),
        {"updated_at": published.json()["updated_at"]},
        format="json",
    )
    assert back.json()["state"] == ScrutinyReport.State.DRAFT


def test_render_queues_one_version_of_both_files_and_versions_list_them(world_a):
    report = annual_report(world_a)
    write(world_a, report, "introduction", "The year as the scrutineer saw it.")
    client = _as(world_a.la_lead)
    url = _api(world_a, "report_render", scrutiny_report_id=report.pk)
    queued = client.post(url, format="json")
    assert queued.status_code == 202
    answer = queued.json()
    version = DocumentVersion.objects.get(pk=answer["document_version_id"])
    assert answer["docx_download_url"] == _api(
        world_a, "report_version_docx", scrutiny_report_id=report.pk, report_version_id=version.pk
    )
    assert client.get(answer["docx_download_url"]).status_code == 409  # not made yet
    document_render_version(version_id=version.pk)
    assert client.post(url, format="json").json()["document_version_id"] == version.pk  # nothing changed
    versions = client.get(_api(world_a, "report_versions", scrutiny_report_id=report.pk)).json()["versions"]
    assert [(v["document_version_id"], v["number"], v["state"]) for v in versions] == [(version.pk, 1, "ready")]
    assert versions[0]["docx_download_url"] == answer["docx_download_url"]
    pdf = client.get(versions[0]["pdf_download_url"])
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    docx = client.get(versions[0]["docx_download_url"])
    assert docx.status_code == 200
    assert docx["Content-Type"] == DOCX_MEDIA_TYPE
    word = WordDocument(io.BytesIO(b"".join(docx.streaming_content)))
    assert "The year as the scrutineer saw it." in "\n".join(p.text for p in word.paragraphs)
    assert ReportDocxDownload.objects.filter(person=world_a.la_lead.person).count() == 1
    # Every reader of the reports sees the same versions (a version is the partnership's, not the asker's).
    other = _as(world_a.scrutineer).get(_api(world_a, "report_versions", scrutiny_report_id=report.pk))
    assert other.json()["versions"] == versions
    assert _as(world_a.practitioner).post(url, format="json").status_code == 403
    assert _as(world_a.practitioner).get(answer["docx_download_url"]).status_code == 403


def test_agency_reports_asked_for_sent_and_summarised(world_a):
    url = _api(world_a, "agency_report_list")
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    data = {"agency_id": world_a.school.pk, "kind": "mappa", "reporting_year": 2025, "due_on": due}
    assert _as(world_a.scrutineer).post(url, data, format="json").status_code == 403
    created = _as(world_a.business_manager).post(url, data, format="json")
    assert created.status_code == 201
    row_id = created.json()["id"]
    assert Deadline.objects.get(kind=AgencyAnnualReport.DEADLINE_KIND).assignee == world_a.agency_lead.person
    lead = _as(world_a.agency_lead)
    assert [r["id"] for r in lead.get(url).json()["results"]] == [row_id]
    receive = _api(world_a, "agency_report_receive", agency_report_id=row_id)
    assert lead.post(receive, {"received_on": "2026-06-01"}, format="multipart").status_code == 400
    sent = lead.post(receive, {"file": upload(), "received_on": "2026-06-01"}, format="multipart")
    assert sent.status_code == 200
    assert sent.json()["received_on"] == "2026-06-01"
    assert b"".join(lead.get(_api(world_a, "agency_report_file", agency_report_id=row_id))).startswith(b"%PDF")
    detail = _api(world_a, "agency_report_detail", agency_report_id=row_id)
    assert lead.patch(detail, {"summary": "x"}, format="json").status_code == 403
    bm = _as(world_a.business_manager)
    assert bm.patch(detail, {"summary": "x"}, format="json").status_code == 428
    summarised = bm.patch(detail, {"summary": "Ten cases.", "updated_at": sent.json()["updated_at"]}, format="json")
    assert summarised.status_code == 200
    assert summarised.json()["summary"] == "Ten cases."


def test_another_partnerships_rows_are_404(world_a, world_b):
    report = annual_report(world_a)
    row = narrative(report, "introduction")
    theirs = agency_report(world_a)
    outsider = _as(world_b.business_manager)
    for url in (
        _api(world_b, "report_detail", scrutiny_report_id=report.pk),
        _api(world_b, "report_versions", scrutiny_report_id=report.pk),
        _api(world_b, "narrative_detail", scrutiny_report_id=report.pk, report_narrative_id=row.pk),
        _api(world_b, "agency_report_detail", agency_report_id=theirs.pk),
        _api(world_a, "report_list"),
    ):
        assert outsider.get(url).status_code == 404, url
    render = _api(world_b, "report_render", scrutiny_report_id=report.pk)
    assert outsider.post(render, format="json").status_code == 404
    version = scrutiny_report_render_request(partnership=world_a.partnership, actor=world_a.bm, report=report)
    document_render_version(version_id=version.pk)
    mine = annual_report(world_b)
    for url in (
        _api(world_b, "report_version_docx", scrutiny_report_id=report.pk, report_version_id=version.pk),
        _api(world_b, "report_version_docx", scrutiny_report_id=mine.pk, report_version_id=version.pk),
    ):
        assert outsider.get(url).status_code == 404, url
    assert not ReportDocxDownload.objects.exists()
    receive = _api(world_b, "agency_report_receive", agency_report_id=theirs.pk)
    assert outsider.post(receive, {"file": upload()}, format="multipart").status_code == 404
    # world_b's own narrative under world_a's report: 404 too.
    cross = _api(world_b, "narrative_detail", scrutiny_report_id=mine.pk, report_narrative_id=row.pk)
    assert _as(world_b.scrutineer).get(cross).status_code == 404
