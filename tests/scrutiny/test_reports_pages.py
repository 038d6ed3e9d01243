"""The scrutiny reports' pages: roles (the scrutineer writes only the narrative), another partnership's rows as
404, field errors, the narrative's concurrency, a version's PDF and DOCX read back (one read of the data, no child's
identity in them), versions kept with both files, the agencies' annual reports asked for, uploaded and summarised,
and pinned query counts."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from partnership.models import DocumentVersion, Role
from partnership.services import exports as export_service
from partnership.services.documents import document_render_version
from scrutiny.models import AgencyAnnualReport, ReportDocxDownload, ReportNarrative, ReportVersionDocx, ScrutinyReport
from scrutiny.services import report_render
from scrutiny.services.report_render import DOCX_MEDIA_TYPE
from tests.factories import membership_make
from tests.partnership.test_documents import _pdf_text
from tests.reviews.factories import CHILD_NAME, rapid_review_make
from tests.scrutiny.report_helpers import (
    PDF_BYTES,
    agency_report,
    annual_report,
    narrative,
    received,
    upload,
    write,
)

pytestmark = pytest.mark.django_db

DUE = (date.today() + timedelta(days=60)).isoformat()


def _url(world, name, **kwargs):
    return reverse(f"scrutiny:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _r(world, name, report, **kwargs):
    return _url(world, name, scrutiny_report_id=report.pk, **kwargs)


def test_readers_and_who_starts_a_report(world_a, client_for):
    url = _url(world_a, "report_list")
    for member in (world_a.business_manager, world_a.la_lead, world_a.scrutineer):
        assert client_for(member.person).get(url).status_code == 200
    nav = client_for(world_a.scrutineer.person).get(url).context["nav_items"]
    assert "Scrutiny reports" in [item["label"] for item in nav]
    for member in (world_a.practitioner, world_a.agency_lead, world_a.lay_member, world_a.observer):
        assert client_for(member.person).get(url).status_code == 403
    data = {"kind": "annual", "reporting_year": "2025", "quarter": "", "title": ""}
    assert client_for(world_a.la_lead.person).post(url, data).status_code == 403
    response = client_for(world_a.scrutineer.person).post(url, data)
    report = ScrutinyReport.objects.get(partnership=world_a.partnership)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/scrutiny/reports/{report.pk}/")
    assert report.title == "Annual report 2025/26"


def test_start_form_errors_are_shown_beside_the_fields(world_a, client_for):
    client = client_for(world_a.business_manager.person)
    url = _url(world_a, "report_list")
    response = client.post(url, {"kind": "quarterly", "reporting_year": "2025", "quarter": ""})
    assert response.status_code == 400
    assert b"Choose the quarter of the reporting year" in response.content
    assert b"There is a problem" in response.content
    annual_report(world_a)
    response = client.post(url, {"kind": "annual", "reporting_year": "2025"})
    assert response.status_code == 400
    assert b"already has this report" in response.content


def test_only_the_scrutineer_writes_the_narrative(world_a, client_for):
    report = annual_report(world_a)
    row = narrative(report, "introduction")
    url = _r(world_a, "narrative_edit", report, report_narrative_id=row.pk)
    data = {f"n{row.pk}-body": "Our year.", f"n{row.pk}-expected_updated_at": row.updated_at.isoformat()}
    for member in (world_a.business_manager, world_a.la_lead, world_a.agency_lead):
        assert client_for(member.person).post(url, data).status_code == 403
    page = client_for(world_a.business_manager.person).get(_r(world_a, "report_detail", report))
    assert f'name="n{row.pk}-body"'.encode() not in page.content
    scrutineer = client_for(world_a.scrutineer.person)
    assert f'name="n{row.pk}-body"'.encode() in scrutineer.get(_r(world_a, "report_detail", report)).content
    assert scrutineer.post(url, data).status_code == 302
    assert narrative(report, "introduction").body == "Our year."
    add = _r(world_a, "narrative_add", report)
    assert client_for(world_a.business_manager.person).post(add, {"heading": "x", "body": "y"}).status_code == 403
    assert scrutineer.post(add, {"heading": "", "body": ""}).status_code == 400
    assert scrutineer.post(add, {"heading": "Voice", "body": "Heard."}).status_code == 302
    further = ReportNarrative.objects.get(report=report, place="further")
    remove = _r(world_a, "narrative_remove", report, report_narrative_id=further.pk)
    assert scrutineer.post(remove, {"expected_updated_at": further.updated_at.isoformat()}).status_code == 302
    assert not ReportNarrative.objects.filter(pk=further.pk).exists()


def test_a_stale_narrative_edit_shows_the_saved_version_and_keeps_the_input(world_a, client_for):
    report = annual_report(world_a)
    row = narrative(report, "introduction")
    read_at = row.updated_at.isoformat()
    write(world_a, report, "introduction", "Their words.")
    client = client_for(world_a.scrutineer.person)
    response = client.post(
        _r(world_a, "narrative_edit", report, report_narrative_id=row.pk),
        {f"n{row.pk}-body": "My words.", f"n{row.pk}-expected_updated_at": read_at},
    )
    assert response.status_code == 400
    assert b"Someone else changed this section" in response.content
    assert b"Their words." in response.content
    assert b"My words." in response.content
    assert narrative(report, "introduction").body == "Their words."


def test_the_business_managers_publish_and_take_back(world_a, client_for):
    report = annual_report(world_a)
    data = {"expected_updated_at": report.updated_at.isoformat()}
    assert client_for(world_a.scrutineer.person).post(_r(world_a, "report_publish", report), data).status_code == 403
    client = client_for(world_a.business_manager.person)
    assert client.post(_r(world_a, "report_publish", report), data).status_code == 302
    report.refresh_from_db()
    assert report.state == ScrutinyReport.State.PUBLISHED
    # From the old page: refused, nothing changes.
    client.post(_r(world_a, "report_reopen", report), data)
    report.refresh_from_db()
    assert report.state == ScrutinyReport.State.PUBLISHED
    client.post(_r(world_a, "report_reopen", report), {"expected_updated_at": report.updated_at.isoformat()})
    report.refresh_from_db()
    assert report.state == ScrutinyReport.State.DRAFT


def _docx(response) -> WordDocument:
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_MEDIA_TYPE
    assert response["Content-Disposition"].startswith("attachment")
    return WordDocument(io.BytesIO(b"".join(response.streaming_content)))


def _pdf(response) -> str:
    assert response.status_code == 200
    return _pdf_text(b"".join(response.streaming_content))


def test_a_version_keeps_the_pdf_and_the_docx_of_one_read_without_a_childs_identity(world_a, client_for):
    rapid_review_make(world_a)  # a review naming a child: no report section may carry the name
    report = annual_report(world_a)
    write(world_a, report, "introduction", "The partnership's year in review.")
    write(world_a, report, "conclusions", "Assurance is reasonable.")
    received(world_a, agency_report(world_a), summary="Twelve private fostering arrangements were notified.")
    agency_report(world_a, kind=AgencyAnnualReport.Kind.MARAC, agency=world_a.police)
    client = client_for(world_a.scrutineer.person)
    url = _r(world_a, "report_render", report)

    response = client.post(url)
    version = DocumentVersion.objects.get(partnership=world_a.partnership)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/documents/{version.pk}/")
    docx_url = _r(world_a, "report_version_docx", report, report_version_id=version.pk)
    # Not made yet: the Word copy's address leads to the version's progress, and nothing is recorded.
    assert client.get(docx_url)["Location"].endswith(f"/documents/{version.pk}/")
    assert not ReportDocxDownload.objects.exists()
    # The records change before the worker gets to the version: both files show the data as it was asked for.
    write(world_a, report, "conclusions", "Written after the version was asked for.")
    document_render_version(version_id=version.pk)  # the worker's side, run here
    version.refresh_from_db()
    assert version.state == DocumentVersion.State.READY
    progress = client.get(response["Location"])
    assert docx_url.encode() in progress.content  # offered beside the PDF on the progress page

    text = _pdf(
        client.get(
            reverse(
                "partnership:document_download", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk}
            )
        )
    )
    for expected in (
        "Contents",
        "Introduction",
        "The partnership's year in review.",
        "Agencies' annual reports to the partnership",
        "Twelve private fostering arrangements were notified.",
        "MARAC annual report",
        "Conclusions",
        "Assurance is reasonable.",
        "Page 2 of",
    ):
        assert expected in text, expected
    assert text.index("Introduction") < text.index("Agencies' annual reports") < text.index("Assurance is reasonable")
    assert CHILD_NAME not in text
    assert "Written after" not in text
    assert b"<svg" in version.html.encode()

    word = _docx(client.get(docx_url))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [
        "Contents",
        "Introduction",
        # The review naming a child is open today: counted by its stage, never named.
        "Open reviews and their statutory deadlines",
        "Agencies' annual reports to the partnership",
        "Conclusions",
    ]
    body = "\n".join(p.text for p in word.paragraphs)
    assert "Annual report 2025/26" in body
    assert "Twelve private fostering arrangements were notified." in body
    assert "Assurance is reasonable." in body
    assert "Written after" not in body
    assert CHILD_NAME not in body
    cells = {c.text for t in word.tables for r in t.rows for c in r.cells}
    assert "MARAC annual report" in cells
    # The download is recorded, as the PDF's is by the kernel; the business managers read who took a copy.
    assert list(ReportDocxDownload.objects.values_list("person_id", flat=True)) == [world_a.scrutineer.person.pk]
    stored = ReportVersionDocx.objects.get(version=version)
    assert stored.docx_bytes == len(bytes(stored.docx))
    with connection.cursor() as cursor:  # at rest: ciphertext, never the DOCX (a zip, "PK...")
        cursor.execute("SELECT docx FROM scrutiny_reportversiondocx WHERE id = %s", [stored.pk])
        assert not bytes(cursor.fetchone()[0]).startswith(b"PK")
    assert client_for(world_a.practitioner.person).post(url).status_code == 403
    assert client_for(world_a.practitioner.person).get(docx_url).status_code == 403


def test_each_render_is_a_version_and_older_ones_stay_downloadable_past_the_export_sweep(world_a, client_for):
    report = annual_report(world_a)
    write(world_a, report, "introduction", "First draft.")
    client = client_for(world_a.la_lead.person)
    client.post(_r(world_a, "report_render", report))
    client.post(_r(world_a, "report_render", report))  # nothing changed: the same version
    write(world_a, report, "introduction", "Second draft.")
    client.post(_r(world_a, "report_render", report))
    versions = list(DocumentVersion.objects.filter(partnership=world_a.partnership).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert ReportVersionDocx.objects.filter(partnership=world_a.partnership).count() == 2
    for version in versions:
        document_render_version(version_id=version.pk)
    # The export engine's sweep deletes old exports' files; a version's Word copy is no export and stays.
    export_service.exports_expire(now=timezone.now() + timedelta(days=365))
    page = client.get(_r(world_a, "report_versions", report))
    assert page.status_code == 200
    for version in versions:
        pdf = reverse(
            "partnership:document_download", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk}
        )
        docx = _r(world_a, "report_version_docx", report, report_version_id=version.pk)
        assert pdf.encode() in page.content
        assert docx.encode() in page.content
    first_pdf = _pdf(
        client.get(
            reverse(
                "partnership:document_download",
                kwargs={"slug": world_a.partnership.slug, "version_id": versions[0].pk},
            )
        )
    )
    first_docx = _docx(client.get(_r(world_a, "report_version_docx", report, report_version_id=versions[0].pk)))
    newest_docx = _docx(client.get(_r(world_a, "report_version_docx", report, report_version_id=versions[1].pk)))
    assert "First draft." in first_pdf
    assert "First draft." in "\n".join(p.text for p in first_docx.paragraphs)
    assert "Second draft." in "\n".join(p.text for p in newest_docx.paragraphs)
    # The business managers see who downloaded the Word copies; the partner lead does not.
    assert b"docx-downloads" not in page.content
    log = client_for(world_a.business_manager.person).get(_r(world_a, "report_versions", report))
    assert log.content.count(world_a.la_lead.person.full_name.encode()) >= 2
    assert b"docx-downloads" in log.content
    # A version made before Word copies were kept: its PDF stays, it has no Word copy to give.
    ReportVersionDocx.objects.filter(version=versions[0]).delete()
    page = client.get(_r(world_a, "report_versions", report))
    assert b"made before Word copies were kept" in page.content
    assert client.get(_r(world_a, "report_version_docx", report, report_version_id=versions[0].pk)).status_code == 404


# --- Agency annual reports -----------------------------------------------------------------------------------------


def test_the_business_manager_asks_and_the_agency_lead_uploads(world_a, client_for):
    list_url = _url(world_a, "agency_report_list")
    bm = client_for(world_a.business_manager.person)
    data = {
        "agency": world_a.school.pk,
        "kind": "allegations",
        "subject": "",
        "reporting_year": "2025",
        "due_on": DUE,
    }
    assert client_for(world_a.scrutineer.person).post(list_url, data).status_code == 403
    assert bm.post(list_url, {**data, "due_on": "not a date"}).status_code == 400
    assert bm.post(list_url, data).status_code == 302
    row = AgencyAnnualReport.objects.get(partnership=world_a.partnership)
    lead = client_for(world_a.agency_lead.person)
    assert b"Allegations against staff (LADO) annual report" in lead.get(list_url).content
    detail = _url(world_a, "agency_report_detail", agency_report_id=row.pk)
    assert lead.get(detail).status_code == 200
    receive = _url(world_a, "agency_report_receive", agency_report_id=row.pk)
    refused = lead.post(receive, {"file": io.BytesIO(b"<html>page</html>"), "received_on": "2026-06-01"})
    assert refused.status_code == 400
    assert lead.post(receive, {"file": upload(), "received_on": "2026-06-01"}).status_code == 302
    row.refresh_from_db()
    assert str(row.received_on) == "2026-06-01"
    download = lead.get(_url(world_a, "agency_report_file", agency_report_id=row.pk))
    assert download.content == PDF_BYTES
    assert download["Content-Disposition"].startswith("attachment")
    summary = _url(world_a, "agency_report_summary", agency_report_id=row.pk)
    assert lead.post(summary, {"summary": "x", "expected_updated_at": row.updated_at.isoformat()}).status_code == 403
    assert (
        bm.post(summary, {"summary": "Eight referrals.", "expected_updated_at": row.updated_at.isoformat()}).status_code
        == 302
    )
    row.refresh_from_db()
    assert row.summary == "Eight referrals."


def test_an_agency_lead_sees_only_their_agencys_reports(world_a, client_for):
    theirs = agency_report(world_a, agency=world_a.police, kind=AgencyAnnualReport.Kind.MAPPA)
    mine = agency_report(world_a)
    lead = client_for(world_a.agency_lead.person)
    page = lead.get(_url(world_a, "agency_report_list"))
    assert b"Private fostering annual report" in page.content
    assert b"MAPPA annual report" not in page.content
    assert lead.get(_url(world_a, "agency_report_detail", agency_report_id=theirs.pk)).status_code == 404
    police_lead = membership_make(
        partnership=world_a.partnership, agency=world_a.police, roles=[Role.AGENCY_LEAD], email="pl@alpha.example"
    )
    other = client_for(police_lead.person)
    receive = _url(world_a, "agency_report_receive", agency_report_id=mine.pk)
    assert other.post(receive, {"file": upload(), "received_on": "2026-06-01"}).status_code == 404
    assert lead.get(_url(world_a, "report_list")).status_code == 403


def test_another_partnerships_reports_answer_404(world_a, world_b, client_for):
    report = annual_report(world_a)
    row = narrative(report, "introduction")
    theirs = received(world_a, agency_report(world_a))
    outsider = client_for(world_b.business_manager.person)
    scrutineer_b = client_for(world_b.scrutineer.person)
    for url in (
        _r(world_b, "report_detail", report),
        _r(world_b, "report_versions", report),
        _url(world_b, "agency_report_detail", agency_report_id=theirs.pk),
        _url(world_b, "agency_report_file", agency_report_id=theirs.pk),
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (_r(world_b, "report_publish", report), _r(world_b, "report_render", report)):
        assert outsider.post(url).status_code == 404, url
    # A version's Word copy: world_a's under world_b's slug, and under world_b's own report, are both missing ones.
    version = report_render.scrutiny_report_render_request(
        partnership=world_a.partnership, actor=world_a.bm, report=report
    )
    document_render_version(version_id=version.pk)
    mine = annual_report(world_b)
    for url in (
        _r(world_b, "report_version_docx", report, report_version_id=version.pk),
        _r(world_b, "report_version_docx", mine, report_version_id=version.pk),
        _r(world_a, "report_version_docx", report, report_version_id=version.pk),
    ):
        assert outsider.get(url).status_code == 404, url
    assert not ReportDocxDownload.objects.exists()
    assert (
        client_for(world_a.business_manager.person)
        .get(_r(world_a, "report_version_docx", report, report_version_id=version.pk))
        .status_code
        == 200
    )
    edit = _r(world_b, "narrative_edit", report, report_narrative_id=row.pk)
    assert scrutineer_b.post(edit, {f"n{row.pk}-body": "x"}).status_code == 404
    assert outsider.get(_r(world_a, "report_detail", report)).status_code == 404


def test_pages_run_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    report = annual_report(world_a)
    kinds = (AgencyAnnualReport.Kind.MARAC, AgencyAnnualReport.Kind.MAPPA, AgencyAnnualReport.Kind.PRIVATE_FOSTERING)
    for kind, agency in zip(kinds, (world_a.police, world_a.icb, world_a.school), strict=True):
        row = received(world_a, agency_report(world_a, kind=kind, agency=agency), summary="Summarised.")
    scrutineer = client_for(world_a.scrutineer.person)
    bm = client_for(world_a.business_manager.person)
    for body in ("First.", "Second.", "Third."):  # versions with their Word copies, each downloaded
        write(world_a, report, "introduction", body)
        version = report_render.scrutiny_report_render_request(
            partnership=world_a.partnership, actor=world_a.bm, report=report
        )
        document_render_version(version_id=version.pk)
        bm.get(_r(world_a, "report_version_docx", report, report_version_id=version.pk))
    pages = [
        (scrutineer, _url(world_a, "report_list"), 8),
        (scrutineer, _r(world_a, "report_detail", report), 8),
        (scrutineer, _r(world_a, "report_versions", report), 9),
        (bm, _r(world_a, "report_versions", report), 10),
        (bm, _url(world_a, "agency_report_list"), 9),
        (bm, _url(world_a, "agency_report_detail", agency_report_id=row.pk), 9),
    ]
    for client, url, limit in pages:
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
