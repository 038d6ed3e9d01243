"""The scrutiny reports' records: a report per period, its sections in order, the scrutineer's narrative with
optimistic concurrency, publishing, a version ready only with both its PDF and its Word copy, and the agencies' annual
reports chased by the deadline engine."""

from __future__ import annotations

import hashlib
import io
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from docx import Document as WordDocument

from partnership.models import Deadline, DocumentVersion
from partnership.selectors.tasks import my_tasks
from partnership.services.deadlines import deadlines_sweep
from partnership.services.documents import BESIDE_PDF_FAILED, document_render_version
from scrutiny.models import AgencyAnnualReport, ReportNarrative, ReportVersionDocx, ScrutinyReport
from scrutiny.report_sections import report_section_keys, report_sections_for
from scrutiny.selectors.reports import report_scope
from scrutiny.services import report_render
from scrutiny.services import reports as services
from tests.scrutiny.report_helpers import YEAR, agency_report, annual_report, narrative, received, write

pytestmark = pytest.mark.django_db

MINE = ["narrative_introduction", "agency_reports", "narrative_further", "narrative_conclusions"]


def test_periods_follow_the_reporting_year(world_a):
    annual = annual_report(world_a)
    assert (annual.period_start, annual.period_end) == (date(2025, 4, 1), date(2026, 3, 31))
    assert annual.title == "Annual report 2025/26"
    q4 = services.scrutiny_report_create(
        partnership=world_a.partnership, actor=world_a.bm, kind="quarterly", reporting_year=2025, quarter=4
    )
    assert (q4.period_start, q4.period_end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert "Q4 2025/26" in q4.title
    assert {n.place for n in annual.narrative.all()} == {"introduction", "conclusions"}


def test_one_report_of_a_kind_per_period_and_bad_input_refused(world_a, world_b):
    annual_report(world_a)
    with pytest.raises(ValidationError) as caught:
        annual_report(world_a)
    assert "reporting_year" in caught.value.message_dict
    annual_report(world_b)  # another partnership's own report of the same period
    with pytest.raises(ValidationError) as caught:
        services.scrutiny_report_create(
            partnership=world_a.partnership, actor=world_a.bm, kind="quarterly", reporting_year=1800, quarter=9
        )
    assert {"reporting_year", "quarter"} <= set(caught.value.message_dict)
    assert ScrutinyReport.objects.filter(partnership=world_a.partnership).count() == 1


def test_sections_come_in_the_registry_order(world_a):
    report = annual_report(world_a)
    write(world_a, report, "introduction", "This year the partnership met.\n\nSecond paragraph.")
    write(world_a, report, "conclusions", "Progress was made.")
    services.report_narrative_add(
        partnership=world_a.partnership,
        actor=world_a.scrutineer.person,
        report=report,
        heading="Voice of the child",
        body="Heard more often.",
    )
    received(world_a, agency_report(world_a), summary="Forty arrangements notified.")
    keys = report_section_keys()
    assert [k for k in keys if k in MINE] == MINE
    sections = report_sections_for(report_scope(report))
    assert [s.key for s in sections if s.key in MINE] == MINE
    by_key = {s.key: s for s in sections}
    assert by_key["narrative_introduction"].paragraphs == ("This year the partnership met.", "Second paragraph.")
    assert by_key["narrative_further"].paragraphs == ("Voice of the child", "Heard more often.")
    assert "Forty arrangements notified." in by_key["agency_reports"].paragraphs
    assert by_key["agency_reports"].charts[0].svg.lstrip().startswith("<svg")


def test_empty_narrative_and_a_quarter_leave_their_sections_out(world_a):
    report = annual_report(world_a)
    agency_report(world_a)
    keys = [s.key for s in report_sections_for(report_scope(report))]
    assert "narrative_introduction" not in keys
    assert "narrative_conclusions" not in keys
    assert "agency_reports" in keys
    quarter = services.scrutiny_report_create(
        partnership=world_a.partnership, actor=world_a.bm, kind="quarterly", reporting_year=YEAR, quarter=1
    )
    assert "agency_reports" not in [s.key for s in report_sections_for(report_scope(quarter))]


def test_another_partnerships_records_never_reach_a_report(world_a, world_b):
    mine, theirs = annual_report(world_a), annual_report(world_b)
    write(world_b, theirs, "introduction", "Bravo's own words.")
    received(world_b, agency_report(world_b), summary="Bravo's summary.")
    assert report_sections_for(report_scope(mine)) == []


def test_narrative_edit_from_an_old_version_is_refused(world_a):
    report = annual_report(world_a)
    row = narrative(report, "introduction")
    read_at = row.updated_at
    write(world_a, report, "introduction", "First words.")
    with pytest.raises(ValidationError) as caught:
        services.report_narrative_update(
            partnership=world_a.partnership,
            actor=world_a.scrutineer.person,
            narrative=row,
            body="Overwriting.",
            expected_updated_at=read_at,
        )
    assert caught.value.code == "stale"
    assert narrative(report, "introduction").body == "First words."


def test_a_published_reports_narrative_is_settled_until_taken_back(world_a):
    report = annual_report(world_a)
    services.scrutiny_report_publish(
        partnership=world_a.partnership, actor=world_a.bm, report=report, expected_updated_at=report.updated_at
    )
    assert report.state == ScrutinyReport.State.PUBLISHED
    assert report.published_at
    with pytest.raises(ValidationError):
        write(world_a, report, "introduction", "Too late.")
    with pytest.raises(ValidationError):
        services.scrutiny_report_publish(
            partnership=world_a.partnership, actor=world_a.bm, report=report, expected_updated_at=report.updated_at
        )
    services.scrutiny_report_reopen(
        partnership=world_a.partnership, actor=world_a.bm, report=report, expected_updated_at=report.updated_at
    )
    assert write(world_a, report, "introduction", "Corrected.").body == "Corrected."


def test_further_sections_are_added_in_order_and_removed(world_a):
    report = annual_report(world_a)
    add = {"partnership": world_a.partnership, "actor": world_a.scrutineer.person, "report": report}
    first = services.report_narrative_add(**add, heading="One", body="a")
    second = services.report_narrative_add(**add, heading="Two", body="b")
    assert second.position == first.position + 1
    with pytest.raises(ValidationError) as caught:
        services.report_narrative_add(**add, heading="", body="")
    assert {"heading", "body"} <= set(caught.value.message_dict)
    services.report_narrative_remove(
        partnership=world_a.partnership,
        actor=world_a.scrutineer.person,
        narrative=first,
        expected_updated_at=first.updated_at,
    )
    intro = narrative(report, "introduction")
    with pytest.raises(ValidationError):
        services.report_narrative_remove(
            partnership=world_a.partnership,
            actor=world_a.scrutineer.person,
            narrative=intro,
            expected_updated_at=intro.updated_at,
        )
    assert list(ReportNarrative.objects.filter(report=report, place="further")) == [second]


# --- Agency annual reports -----------------------------------------------------------------------------------------


def test_an_agency_report_is_chased_by_the_deadline_engine(world_a):
    due = date(2026, 6, 30)
    row = agency_report(world_a, due_on=due)
    deadline = Deadline.objects.get(partnership=world_a.partnership, kind=AgencyAnnualReport.DEADLINE_KIND)
    assert deadline.assignee == world_a.agency_lead.person
    assert deadline.due_on == due
    assert deadline.subject == row

    tasks = my_tasks(person=world_a.agency_lead.person, partnership=world_a.partnership, today=due - timedelta(days=3))
    titles = [t.title for t in tasks.tasks]
    assert any("private fostering annual report" in t for t in titles), titles
    task = next(t for t in tasks.tasks if "private fostering" in t.title)
    assert task.url.endswith(f"/scrutiny/agency-reports/{row.pk}/")

    mail.outbox.clear()
    deadlines_sweep(today=due + timedelta(days=1))  # the clock, moved past the due day
    deadline.refresh_from_db()
    assert deadline.breached_at is not None
    assert any(world_a.agency_lead.person.email in m.to for m in mail.outbox)

    received(world_a, row)
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MET
    mail.outbox.clear()
    deadlines_sweep(today=due + timedelta(days=10))
    assert not any(world_a.agency_lead.person.email in m.to for m in mail.outbox)


def test_agency_report_requests_refuse_bad_input(world_a, world_b):
    agency_report(world_a)
    with pytest.raises(ValidationError) as caught:
        agency_report(world_a)
    assert "kind" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.agency_annual_report_request(
            partnership=world_a.partnership,
            actor=world_a.bm,
            agency_id=world_b.school.pk,
            kind="other",
            subject="",
            reporting_year=YEAR,
            requested_on=date(2026, 5, 1),
            due_on=date(2026, 4, 1),
        )
    assert {"agency", "subject", "due_on"} <= set(caught.value.message_dict)


def test_summary_waits_for_the_report_and_checks_the_version(world_a):
    row = agency_report(world_a)
    with pytest.raises(ValidationError):
        services.agency_annual_report_summarise(
            partnership=world_a.partnership, actor=world_a.bm, report=row, summary="x", expected_updated_at=None
        )
    row = received(world_a, row, summary="First.")
    with pytest.raises(ValidationError) as caught:
        services.agency_annual_report_summarise(
            partnership=world_a.partnership,
            actor=world_a.bm,
            report=row,
            summary="Second.",
            expected_updated_at=row.updated_at - timedelta(seconds=1),
        )
    assert caught.value.code == "stale"


def test_a_version_is_ready_only_with_its_word_copy_and_asking_again_makes_both(world_a, monkeypatch):
    report = annual_report(world_a)
    write(world_a, report, "introduction", "Kept in both files.")
    version = report_render.scrutiny_report_render_request(
        partnership=world_a.partnership, actor=world_a.bm, report=report
    )

    def broken(snapshot, *, out):
        raise RuntimeError("python-docx failed")

    monkeypatch.setattr(report_render, "_docx_write", broken)
    assert document_render_version(version_id=version.pk) == DocumentVersion.State.FAILED
    version.refresh_from_db()
    assert version.error == BESIDE_PDF_FAILED
    assert version.pdf is None  # no half of a version: the PDF is not kept without its Word copy
    monkeypatch.undo()

    again = report_render.scrutiny_report_render_request(
        partnership=world_a.partnership, actor=world_a.bm, report=report
    )
    assert again.pk == version.pk  # the same data: the same version, queued again
    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY
    kept = ReportVersionDocx.objects.get(version=version)
    docx = bytes(kept.docx)
    assert kept.docx_sha256 == hashlib.sha256(docx).hexdigest()
    assert "Kept in both files." in "\n".join(p.text for p in WordDocument(io.BytesIO(docx)).paragraphs)
    assert ReportVersionDocx.objects.count() == 1
