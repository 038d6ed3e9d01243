"""Writes of the scrutiny reports: a report started for a period, published or taken back to draft, the scrutineer's
narrative written with optimistic concurrency, and the agencies' annual reports asked for, received and summarised.

Every change records history. A narrative edit made from an out-of-date page is refused (``_version_check``: the
API answers 409), and so is any edit of a published report's narrative (take it back to draft first).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from partnership.models import Agency, HistoryEntry, Partnership, Person
from partnership.models.recommendations import StoredFile
from partnership.services.deadlines import deadline_meet, deadline_set
from partnership.services.files import stored_file_add
from partnership.services.history import _version_check, history_record, tenant_create, tenant_update
from partnership.services.states import state_move
from scrutiny.models import AgencyAnnualReport, ReportNarrative, ScrutinyReport
from scrutiny.models.reports import QUARTER_NAMES, reporting_year_label, reporting_year_start
from scrutiny.selectors.reports import agency_lead_for

FIRST_YEAR, LAST_YEAR = 2000, 2100


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


def report_period(*, kind: str, reporting_year: int, quarter: int | None) -> tuple[date, date]:
    """The first and last day of a report's period: a quarter of the reporting year, or the whole year."""
    start = reporting_year_start(reporting_year)
    if kind == ScrutinyReport.Kind.QUARTERLY:
        start = _add_months(start, 3 * ((quarter or 1) - 1))
        return start, _add_months(start, 3) - timedelta(days=1)
    return start, reporting_year_start(reporting_year + 1) - timedelta(days=1)


def report_default_title(*, kind: str, reporting_year: int, quarter: int | None) -> str:
    year = reporting_year_label(reporting_year)
    if kind == ScrutinyReport.Kind.QUARTERLY:
        return f"Quarterly scrutiny report, Q{quarter} {year} ({QUARTER_NAMES[quarter]})"
    return f"Annual report {year}"


@transaction.atomic
def scrutiny_report_create(
    *,
    partnership: Partnership,
    actor: Person,
    kind: str,
    reporting_year: int,
    quarter: int | None = None,
    title: str = "",
) -> ScrutinyReport:
    """Start a draft report for a quarter or a reporting year, with an empty introduction and conclusions.

    ``ValidationError`` (fields ``kind``, ``reporting_year``, ``quarter``, ``title``) on bad input or when the
    partnership already has that report; nothing is written then.
    """
    errors: dict[str, list[str]] = {}
    if kind not in ScrutinyReport.Kind.values:
        errors["kind"] = ["Choose a quarterly scrutiny report or the annual report."]
    if not isinstance(reporting_year, int) or not FIRST_YEAR <= reporting_year <= LAST_YEAR:
        errors["reporting_year"] = [f"Give the reporting year's first year, between {FIRST_YEAR} and {LAST_YEAR}."]
    if kind == ScrutinyReport.Kind.QUARTERLY and quarter not in QUARTER_NAMES:
        errors["quarter"] = ["Choose the quarter of the reporting year the report covers."]
    title = (title or "").strip()
    if len(title) > 200:
        errors["title"] = ["Use at most 200 characters for the title."]
    if errors:
        raise ValidationError(errors)
    if kind == ScrutinyReport.Kind.ANNUAL:
        quarter = None
    start, end = report_period(kind=kind, reporting_year=reporting_year, quarter=quarter)
    title = title or report_default_title(kind=kind, reporting_year=reporting_year, quarter=quarter)
    if ScrutinyReport.objects.in_partnership(partnership).filter(kind=kind, period_start=start).exists():
        raise ValidationError({"reporting_year": ["The partnership already has this report: open it from the list."]})
    report = ScrutinyReport(
        partnership=partnership, kind=kind, period_start=start, period_end=end, title=title, created_by=actor
    )
    try:
        with transaction.atomic():
            tenant_create(partnership=partnership, actor=actor, instance=report)
    except IntegrityError:
        raise ValidationError(
            {"reporting_year": ["The partnership already has this report: open it from the list."]}
        ) from None
    for place in (ReportNarrative.Place.INTRODUCTION, ReportNarrative.Place.CONCLUSIONS):
        ReportNarrative.objects.create(partnership=partnership, report=report, place=place, updated_by=actor)
    return report


def _report_locked(*, partnership: Partnership, report: ScrutinyReport) -> ScrutinyReport:
    return ScrutinyReport.objects.in_partnership(partnership).select_for_update().get(pk=report.pk)


@transaction.atomic
def scrutiny_report_publish(
    *, partnership: Partnership, actor: Person, report: ScrutinyReport, expected_updated_at: datetime | None
) -> ScrutinyReport:
    """Publish the report: its narrative is settled (no more edits until it is taken back to draft)."""
    _version_check(
        instance=_report_locked(partnership=partnership, report=report),
        expected_updated_at=expected_updated_at,
        what="this report",
    )
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=report,
        to=ScrutinyReport.State.PUBLISHED,
        fields={"published_at": timezone.now()},
        refusal=lambda current, to: "The report is already published.",
    )


@transaction.atomic
def scrutiny_report_reopen(
    *, partnership: Partnership, actor: Person, report: ScrutinyReport, expected_updated_at: datetime | None
) -> ScrutinyReport:
    """Take a published report back to draft, so that its narrative can be corrected."""
    _version_check(
        instance=_report_locked(partnership=partnership, report=report),
        expected_updated_at=expected_updated_at,
        what="this report",
    )
    return state_move(
        partnership=partnership,
        actor=actor,
        instance=report,
        to=ScrutinyReport.State.DRAFT,
        fields={"published_at": None},
        refusal=lambda current, to: "The report is a draft already.",
    )


def _refuse_unless_draft(report: ScrutinyReport) -> None:
    if report.state != ScrutinyReport.State.DRAFT:
        raise ValidationError("The report is published: ask a business manager to take it back to draft first.")


def _check_text(*, heading: str, body: str, further: bool) -> tuple[str, str]:
    heading, body = (heading or "").strip(), (body or "").replace("\r\n", "\n").strip()
    errors: dict[str, list[str]] = {}
    if further and not heading:
        errors["heading"] = ["Give the section a heading."]
    elif len(heading) > 200:
        errors["heading"] = ["Use at most 200 characters for the heading."]
    if len(body) > 20000:
        errors["body"] = ["Use at most 20,000 characters in one section."]
    elif further and not body:
        errors["body"] = ["Write the section, or remove it."]
    if errors:
        raise ValidationError(errors)
    return heading, body


@transaction.atomic
def report_narrative_update(
    *,
    partnership: Partnership,
    actor: Person,
    narrative: ReportNarrative,
    body: str,
    heading: str = "",
    expected_updated_at: datetime | None,
) -> ReportNarrative:
    """Save a section of the scrutineer's narrative, unless someone saved it since the version the editor read
    (``ValidationError`` code ``stale``) or the report is published."""
    locked = ReportNarrative.objects.in_partnership(partnership).select_for_update().get(pk=narrative.pk)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this section")
    report = ScrutinyReport.objects.in_partnership(partnership).get(pk=locked.report_id)
    _refuse_unless_draft(report)
    further = locked.place == ReportNarrative.Place.FURTHER
    heading, body = _check_text(heading=heading, body=body, further=further)
    data = {"body": body, "updated_by": actor}
    if further:
        data["heading"] = heading
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    return locked


@transaction.atomic
def report_narrative_add(
    *, partnership: Partnership, actor: Person, report: ScrutinyReport, heading: str, body: str
) -> ReportNarrative:
    """Add a further section of the scrutineer's own, after the ones already written."""
    report = _report_locked(partnership=partnership, report=report)
    _refuse_unless_draft(report)
    heading, body = _check_text(heading=heading, body=body, further=True)
    last = (
        ReportNarrative.objects.in_partnership(partnership)
        .filter(report=report, place=ReportNarrative.Place.FURTHER)
        .aggregate(last=Max("position"))["last"]
    )
    narrative = ReportNarrative(
        partnership=partnership,
        report=report,
        place=ReportNarrative.Place.FURTHER,
        heading=heading,
        body=body,
        position=(last or 0) + 1,
        updated_by=actor,
    )
    return tenant_create(partnership=partnership, actor=actor, instance=narrative)


@transaction.atomic
def report_narrative_remove(
    *, partnership: Partnership, actor: Person, narrative: ReportNarrative, expected_updated_at: datetime | None
) -> None:
    """Remove a further section (the introduction and conclusions stay: empty, they are left out of the report)."""
    locked = ReportNarrative.objects.in_partnership(partnership).select_for_update().get(pk=narrative.pk)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this section")
    if locked.place != ReportNarrative.Place.FURTHER:
        raise ValidationError("The introduction and the conclusions cannot be removed: leave them empty instead.")
    _refuse_unless_draft(ScrutinyReport.objects.in_partnership(partnership).get(pk=locked.report_id))
    history_record(
        partnership=partnership,
        actor=actor,
        instance=locked,
        action=HistoryEntry.Action.DELETED,
        changes={"heading": {"from": locked.heading, "to": None}},
    )
    locked.delete()


# --- Agency annual reports --------------------------------------------------------------------------------------


def _deadline_title(row: AgencyAnnualReport) -> str:
    return f"Send the {row.title[0].lower()}{row.title[1:]} for {row.year_label} ({row.agency.name})"[:200]


@transaction.atomic
def agency_annual_report_request(
    *,
    partnership: Partnership,
    actor: Person,
    agency_id: int,
    kind: str,
    reporting_year: int,
    due_on: date,
    requested_on: date,
    subject: str = "",
) -> AgencyAnnualReport:
    """Ask an agency for its annual report for a reporting year, due on ``due_on``.

    The kernel's deadline engine chases it: a deadline assigned to the agency's lead (the business managers when the
    agency has none) reminds before the due day and escalates after it, and lists it in the lead's "my tasks".
    """
    errors: dict[str, list[str]] = {}
    agency = Agency.objects.in_partnership(partnership).filter(pk=agency_id).first() if agency_id else None
    if agency is None:
        errors["agency"] = ["Choose one of the partnership's agencies."]
    if kind not in AgencyAnnualReport.Kind.values:
        errors["kind"] = ["Choose the kind of annual report."]
    subject = (subject or "").strip()
    if kind == AgencyAnnualReport.Kind.OTHER and not subject:
        errors["subject"] = ["Say what the report is about."]
    elif len(subject) > 120:
        errors["subject"] = ["Use at most 120 characters."]
    if kind != AgencyAnnualReport.Kind.OTHER:
        subject = ""
    if not isinstance(reporting_year, int) or not FIRST_YEAR <= reporting_year <= LAST_YEAR:
        errors["reporting_year"] = [f"Give the reporting year's first year, between {FIRST_YEAR} and {LAST_YEAR}."]
    if due_on is None:
        errors["due_on"] = ["Give the date the report is due."]
    elif requested_on and due_on < requested_on:
        errors["due_on"] = ["The report cannot be due before it is asked for."]
    if errors:
        raise ValidationError(errors)
    duplicate = AgencyAnnualReport.objects.in_partnership(partnership).filter(
        agency=agency, kind=kind, subject=subject, reporting_year=reporting_year
    )
    if duplicate.exists():
        raise ValidationError({"kind": ["This agency's report for that year has already been asked for."]})
    row = AgencyAnnualReport(
        partnership=partnership,
        agency=agency,
        kind=kind,
        subject=subject,
        reporting_year=reporting_year,
        requested_on=requested_on,
        due_on=due_on,
        requested_by=actor,
    )
    try:
        with transaction.atomic():
            tenant_create(partnership=partnership, actor=actor, instance=row)
    except IntegrityError:
        raise ValidationError({"kind": ["This agency's report for that year has already been asked for."]}) from None
    lead = agency_lead_for(partnership=partnership, agency_id=agency.pk)
    deadline_set(
        partnership=partnership,
        subject=row,
        kind=AgencyAnnualReport.DEADLINE_KIND,
        title=_deadline_title(row),
        due_on=due_on,
        assignee=lead.person if lead else None,
    )
    return row


@transaction.atomic
def agency_annual_report_receive(
    *,
    partnership: Partnership,
    actor: Person,
    report: AgencyAnnualReport,
    upload: UploadedFile | None,
    received_on: date,
) -> StoredFile:
    """Keep the agency's report (an uploaded file, checked and encrypted) and mark it received: its deadline is met.

    A later upload (a corrected report) is kept beside the first; the date first received stays.
    """
    locked = AgencyAnnualReport.objects.in_partnership(partnership).select_for_update().get(pk=report.pk)
    stored = stored_file_add(partnership=partnership, owner=locked, upload=upload, actor=actor)
    if locked.received_on is None:
        tenant_update(
            partnership=partnership,
            actor=actor,
            instance=locked,
            data={"received_on": received_on, "received_by": actor},
        )
    deadline_meet(partnership=partnership, subject=locked, kind=AgencyAnnualReport.DEADLINE_KIND)
    report.received_on, report.received_by, report.updated_at = (
        locked.received_on,
        locked.received_by,
        locked.updated_at,
    )
    return stored


@transaction.atomic
def agency_annual_report_summarise(
    *,
    partnership: Partnership,
    actor: Person,
    report: AgencyAnnualReport,
    summary: str,
    expected_updated_at: datetime | None,
) -> AgencyAnnualReport:
    """Write the summary the annual report prints for a received agency report (the business managers)."""
    locked = AgencyAnnualReport.objects.in_partnership(partnership).select_for_update().get(pk=report.pk)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this report's summary")
    summary = (summary or "").replace("\r\n", "\n").strip()
    if locked.received_on is None:
        raise ValidationError({"summary": ["Summarise the report once it has been received."]})
    if len(summary) > 5000:
        raise ValidationError({"summary": ["Use at most 5,000 characters."]})
    tenant_update(partnership=partnership, actor=actor, instance=locked, data={"summary": summary})
    return locked
