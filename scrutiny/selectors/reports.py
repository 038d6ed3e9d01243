"""The scrutiny reports: who reads and writes them, their lists and pages, and the report sections they own.

Sections registered here (``scrutiny.report_sections``):

- ``narrative_introduction`` (10), ``narrative_further`` (95) and ``narrative_conclusions`` (100): what the
  scrutineer wrote for this report;
- ``agency_reports`` (90): the annual reports the agencies owe the partnership for the reporting year, the received
  ones summarised, the outstanding and overdue ones listed (the annual report only: a quarter is not when they
  fall due).

The providers find the report from its scope (one report of a kind per period: ``scrutiny_report_one_per_period``).
None of these sections reads a case: no child's identity can reach a report through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from partnership.models import MANAGER_ROLES, OVERSIGHT_ROLES, Agency, DocumentVersion, Membership, Partnership, Role
from partnership.models.recommendations import StoredFile
from partnership.selectors.documents import document_is_open_to, document_versions, documents_for_subject
from partnership.selectors.files import stored_files_of
from scrutiny.charts import BarChart, Series, bar_chart_svg
from scrutiny.models import AgencyAnnualReport, ReportDocxDownload, ReportNarrative, ReportVersionDocx, ScrutinyReport
from scrutiny.models.reports import QUARTER_NAMES, reporting_year_label
from scrutiny.report_sections import ReportChart, ReportScope, ReportSection, ReportTable, report_section

# Who reads the reports: the business managers, the three statutory partners' leads and the independent scrutineer.
REPORT_READ_ROLES = OVERSIGHT_ROLES
# Who starts a report: the business managers, who run scrutiny's paperwork, and the scrutineer, whose report it is.
REPORT_CREATE_ROLES = frozenset({Role.BUSINESS_MANAGER, Role.SCRUTINEER})
# Who writes the narrative: the scrutineer alone (read-only everywhere else).
NARRATIVE_WRITE_ROLES = frozenset({Role.SCRUTINEER})
# Who publishes, takes back to draft and renames a report, and asks agencies for their annual reports.
REPORT_MANAGE_ROLES = MANAGER_ROLES
# Who may open the agency annual reports' pages: oversight, and the agency leads (their own agency's only).
AGENCY_REPORT_READ_ROLES = frozenset({*OVERSIGHT_ROLES, Role.AGENCY_LEAD})

# The models' vocabulary, for the pages' and the API's forms (interfaces reach models only through here).
REPORT_KINDS = ScrutinyReport.Kind
REPORT_STATES = ScrutinyReport.State
NARRATIVE_PLACES = ReportNarrative.Place
AGENCY_REPORT_KINDS = AgencyAnnualReport.Kind
QUARTERS = QUARTER_NAMES
# For the API's schema (which names the model behind each endpoint).
REPORT_MODEL = ScrutinyReport
AGENCY_REPORT_MODEL = AgencyAnnualReport

# The kernel's document of a report: its versions, each a PDF with its Word copy beside it (``ReportVersionDocx``).
PDF_DOCUMENT_KIND = "scrutiny_report"

_ID_MAX = 2**63 - 1


def _pk(value: object) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return 0
    return pk if 0 < pk <= _ID_MAX else 0


# --- Reports ---------------------------------------------------------------------------------------------------


def scrutiny_reports_list(*, partnership: Partnership) -> QuerySet[ScrutinyReport]:
    """The partnership's reports, newest period first (one query; no narrative)."""
    return ScrutinyReport.objects.in_partnership(partnership).select_related("created_by")


def scrutiny_report_get(*, partnership: Partnership, scrutiny_report_id: object) -> ScrutinyReport:
    """The report of ``partnership``; another partnership's answers 404 like a missing one."""
    report = (
        ScrutinyReport.objects.in_partnership(partnership)
        .select_related("partnership")
        .filter(pk=_pk(scrutiny_report_id))
        .first()
    )
    if report is None:
        raise Http404("No such scrutiny report.")
    return report


def report_narrative(*, partnership: Partnership, report: ScrutinyReport) -> list[ReportNarrative]:
    """The report's narrative sections: the introduction, the further sections in order, the conclusions."""
    rows = list(ReportNarrative.objects.in_partnership(partnership).filter(report=report).select_related("updated_by"))
    place_order = {ReportNarrative.Place.INTRODUCTION: 0, ReportNarrative.Place.FURTHER: 1}
    return sorted(rows, key=lambda n: (place_order.get(n.place, 2), n.position, n.pk))


def report_narrative_get(
    *, partnership: Partnership, report: ScrutinyReport, report_narrative_id: object
) -> ReportNarrative:
    narrative = (
        ReportNarrative.objects.in_partnership(partnership).filter(report=report, pk=_pk(report_narrative_id)).first()
    )
    if narrative is None:
        raise Http404("No such section of the narrative.")
    return narrative


def report_for_scope(scope: ReportScope) -> ScrutinyReport | None:
    return (
        ScrutinyReport.objects.in_partnership(scope.partnership)
        .filter(kind=scope.kind, period_start=scope.start)
        .first()
    )


def year_label(year: int) -> str:
    """ "2025/26" for the reporting year that starts in April 2025."""
    return reporting_year_label(year)


def report_scope(report: ScrutinyReport) -> ReportScope:
    return ReportScope(
        partnership=report.partnership, start=report.period_start, end=report.period_end, kind=report.kind
    )


# --- Versions: the PDF (the kernel's documents) and its Word copy (ours) ----------------------------------------


@dataclass(frozen=True)
class ReportVersionEntry:
    """A version of the report with its Word copy: ``docx`` None when it was made before Word copies were kept."""

    version: DocumentVersion
    docx: ReportVersionDocx | None

    @property
    def docx_ready(self) -> bool:
        return self.docx is not None and report_version_docx_ready(self.docx)


def report_version_docx_ready(row: ReportVersionDocx) -> bool:
    """Whether the Word copy can be downloaded: its version is ready (made, like its PDF, by the worker)."""
    return row.version.state == DocumentVersion.State.READY and row.docx_bytes is not None


def _docx_rows(partnership: Partnership) -> QuerySet[ReportVersionDocx]:
    # Never the DOCX or the snapshot, nor the version's HTML or PDF: a list decrypts nothing it does not show.
    return (
        ReportVersionDocx.objects.in_partnership(partnership)
        .select_related("version", "version__document")
        .defer("docx", "snapshot", "version__html", "version__pdf")
    )


def report_versions(
    *, partnership: Partnership, report: ScrutinyReport, membership: Membership
) -> list[ReportVersionEntry]:
    """The report's versions the member may open, newest first, each with its Word copy (two queries, whatever
    their number)."""
    documents = documents_for_subject(partnership=partnership, subject=report, membership=membership)
    versions = list(document_versions(partnership=partnership, documents=documents).select_related("requested_by"))
    copies = {row.version_id: row for row in _docx_rows(partnership).filter(version__in=[v.pk for v in versions])}
    return [ReportVersionEntry(version=v, docx=copies.get(v.pk)) for v in versions]


def report_version_keeps_docx(*, partnership: Partnership, version_id: int) -> bool:
    """Whether the version keeps a Word copy, made or to be made with its PDF (not one made before Word copies were
    kept)."""
    return ReportVersionDocx.objects.in_partnership(partnership).filter(version_id=version_id).exists()


def report_version_has_docx(*, partnership: Partnership, version_id: int) -> bool:
    """Whether the version keeps a Word copy that has been made (one query; the bytes are not read)."""
    return (
        ReportVersionDocx.objects.in_partnership(partnership)
        .filter(version_id=version_id, docx_bytes__isnull=False)
        .exists()
    )


def report_version_docx_get(
    *, partnership: Partnership, membership: Membership, report: ScrutinyReport, version_id: object
) -> ReportVersionDocx:
    """A version's Word copy (without its bytes: a download streams them). ``Http404`` for another partnership's
    version or another report's, one the member may not open, and one made before Word copies were kept."""
    row = _docx_rows(partnership).filter(report=report, version_id=_pk(version_id)).first()
    if row is None or not document_is_open_to(document=row.version.document, membership=membership, subject=report):
        raise Http404("No such Word copy of the report.")
    return row


def report_docx_downloads(*, partnership: Partnership, report: ScrutinyReport, limit: int) -> list[ReportDocxDownload]:
    """Who downloaded the report's Word copies, newest first, the ``limit`` most recent (one query)."""
    return list(
        ReportDocxDownload.objects.in_partnership(partnership)
        .filter(docx__report=report)
        .select_related("person", "docx__version")
        .only("id", "at", "person__id", "person__full_name", "person__email", "docx__id", "docx__version__number")
        .order_by("-at", "-id")[:limit]
    )


# --- Agency annual reports --------------------------------------------------------------------------------------


def _agency_reports_readable(*, partnership: Partnership, membership: Membership) -> QuerySet[AgencyAnnualReport]:
    rows = AgencyAnnualReport.objects.in_partnership(partnership).select_related("agency")
    if membership.has_role(*OVERSIGHT_ROLES):
        return rows
    if membership.has_role(Role.AGENCY_LEAD):
        return rows.filter(agency_id=membership.agency_id)
    return rows.none()


def agency_annual_reports_list(
    *, partnership: Partnership, membership: Membership, reporting_year: int | None = None
) -> QuerySet[AgencyAnnualReport]:
    """The agency annual reports the member may read (an agency lead: their own agency's), newest year first."""
    rows = _agency_reports_readable(partnership=partnership, membership=membership)
    if reporting_year is not None:
        rows = rows.filter(reporting_year=reporting_year)
    return rows.order_by("-reporting_year", "due_on", "agency__name", "id")


def agency_annual_report_get(
    *, partnership: Partnership, membership: Membership, agency_report_id: object
) -> AgencyAnnualReport:
    """One agency annual report the member may read; another partnership's or agency's answers 404."""
    row = (
        _agency_reports_readable(partnership=partnership, membership=membership)
        .filter(pk=_pk(agency_report_id))
        .first()
    )
    if row is None:
        raise Http404("No such agency annual report.")
    return row


def agency_annual_report_receives(*, report: AgencyAnnualReport, membership: Membership) -> bool:
    """Whether the member may upload the report and mark it received: the business managers, or its agency's lead."""
    if membership.has_role(*MANAGER_ROLES):
        return True
    return membership.has_role(Role.AGENCY_LEAD) and membership.agency_id == report.agency_id


def agency_annual_report_file(*, partnership: Partnership, report: AgencyAnnualReport) -> StoredFile | None:
    """The newest file received for the report (None before any upload)."""
    return stored_files_of(partnership=partnership, owner=report).order_by("-uploaded_at", "-id").first()


def agency_annual_report_file_with_data(*, partnership: Partnership, report: AgencyAnnualReport) -> StoredFile:
    """The newest file received for the report, with its contents, for a download (404 before any upload)."""
    newest = agency_annual_report_file(partnership=partnership, report=report)
    if newest is None:
        raise Http404("Nothing has been received for this report yet.")
    return StoredFile.objects.in_partnership(partnership).get(pk=newest.pk)


def agency_annual_report_files(*, partnership: Partnership, reports: list[AgencyAnnualReport]) -> dict[int, StoredFile]:
    """The newest file of each report, in one query."""
    from django.contrib.contenttypes.models import ContentType

    files: dict[int, StoredFile] = {}
    rows = (
        StoredFile.objects.in_partnership(partnership)
        .filter(owner_type=ContentType.objects.get_for_model(AgencyAnnualReport), owner_id__in=[r.pk for r in reports])
        .defer("data")
        .order_by("owner_id", "-uploaded_at", "-id")
    )
    for row in rows:
        files.setdefault(row.owner_id, row)
    return files


def agency_report_agency_choices(*, partnership: Partnership) -> list[tuple[int, str]]:
    return list(Agency.objects.in_partnership(partnership).order_by("name").values_list("id", "name"))


def agency_lead_for(*, partnership: Partnership, agency_id: int) -> Membership | None:
    """The agency's lead who answers for its annual report (the first by name when it has several)."""
    return (
        Membership.objects.in_partnership(partnership)
        .filter(agency_id=agency_id, is_active=True, roles__role=Role.AGENCY_LEAD)
        .select_related("person")
        .order_by("person__full_name", "id")
        .first()
    )


# --- The report's sections --------------------------------------------------------------------------------------


def _narrative_rows(scope: ReportScope, place: str) -> list[ReportNarrative]:
    """The scope's report's narrative at ``place``, those with something written (one query)."""
    rows = ReportNarrative.objects.in_partnership(scope.partnership).filter(
        report__kind=scope.kind, report__period_start=scope.start, place=place
    )
    return [n for n in rows if n.body.strip()]


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip())


@report_section(key="narrative_introduction", order=10)
def narrative_introduction_section(scope: ReportScope) -> ReportSection | None:
    rows = _narrative_rows(scope, ReportNarrative.Place.INTRODUCTION)
    if not rows:
        return None
    return ReportSection(key="narrative_introduction", title="Introduction", paragraphs=_paragraphs(rows[0].body))


@report_section(key="narrative_further", order=95)
def narrative_further_section(scope: ReportScope) -> ReportSection | None:
    rows = sorted(_narrative_rows(scope, ReportNarrative.Place.FURTHER), key=lambda n: (n.position, n.pk))
    if not rows:
        return None
    paragraphs: list[str] = []
    for row in rows:
        paragraphs.append(row.heading or "Further observations")
        paragraphs.extend(_paragraphs(row.body))
    return ReportSection(
        key="narrative_further", title="The independent scrutineer's further observations", paragraphs=tuple(paragraphs)
    )


@report_section(key="narrative_conclusions", order=100)
def narrative_conclusions_section(scope: ReportScope) -> ReportSection | None:
    rows = _narrative_rows(scope, ReportNarrative.Place.CONCLUSIONS)
    if not rows:
        return None
    return ReportSection(key="narrative_conclusions", title="Conclusions", paragraphs=_paragraphs(rows[0].body))


def _day(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


@dataclass(frozen=True)
class AgencyReportTally:
    received: int
    outstanding: int
    overdue: int


@report_section(key="agency_reports", order=90)
def agency_reports_section(scope: ReportScope) -> ReportSection | None:
    """The annual report's account of the agencies' own annual reports for its reporting year (one query)."""
    if scope.kind != ScrutinyReport.Kind.ANNUAL:
        return None
    year = scope.start.year
    rows = list(
        AgencyAnnualReport.objects.in_partnership(scope.partnership)
        .filter(reporting_year=year)
        .select_related("agency")
        .order_by("kind", "agency__name", "id")
    )
    if not rows:
        return None
    today = timezone.localdate()
    received = [r for r in rows if r.received_on is not None]
    waiting = [r for r in rows if r.received_on is None]
    overdue = [r for r in waiting if r.is_overdue(today)]
    label = reporting_year_label(year)
    paragraphs = [
        f"The partnership asked its agencies for {len(rows)} annual report{'s' if len(rows) != 1 else ''} "
        f"for {label}: {len(received)} received, {len(waiting)} outstanding"
        + (f", of which {len(overdue)} overdue" if overdue else "")
        + "."
    ]
    for row in received:
        paragraphs.append(f"{row.title}, {row.agency.name} (received {_day(row.received_on)}).")
        paragraphs.extend(_paragraphs(row.summary) or ("Not yet summarised.",))
    kinds = [k for k in AgencyAnnualReport.Kind if any(r.kind == k for r in rows)]
    chart = BarChart(
        title=f"Agency annual reports for {label}",
        description="Received and outstanding annual reports by kind of report.",
        labels=tuple(k.label for k in kinds),
        series=(
            Series("Received", tuple(sum(1 for r in received if r.kind == k) for k in kinds)),
            Series("Outstanding", tuple(sum(1 for r in waiting if r.kind == k) for k in kinds)),
        ),
        stacked=True,
        horizontal=True,
    )
    tables = [
        ReportTable(
            caption=f"Agency annual reports for {label}",
            headers=("Report", "Agency", "Due", "Received"),
            rows=tuple(
                (
                    row.title,
                    row.agency.name,
                    _day(row.due_on),
                    _day(row.received_on) or ("Overdue" if row.is_overdue(today) else "Outstanding"),
                )
                for row in rows
            ),
        )
    ]
    return ReportSection(
        key="agency_reports",
        title="Agencies' annual reports to the partnership",
        paragraphs=tuple(paragraphs),
        charts=(ReportChart(title=chart.title, description=chart.description, svg=bar_chart_svg(chart)),),
        tables=tuple(tables),
    )
