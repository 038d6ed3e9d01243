"""The scrutiny report's DOCX, declared to the kernel's export engine (``partnership.exports``).

Loaded by ``ScrutinyConfig.ready``. Kind ``scrutiny.report``: who may ask is who reads the reports (leadership and
the scrutineer); the data names the report (``report``), and another partnership's reads as a missing one. The
business managers may also download one a colleague asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.text import slugify

from partnership.exports import ExportFile, ExportKind, ExportProgress, ExportRequest, export_kind_register
from partnership.models import ExportJob, Membership, Partnership
from scrutiny.models import ScrutinyReport
from scrutiny.selectors.reports import DOCX_EXPORT_KIND, REPORT_MANAGE_ROLES, REPORT_READ_ROLES, scrutiny_report_get
from scrutiny.services.report_render import DOCX_MEDIA_TYPE, scrutiny_report_docx_write

KIND = DOCX_EXPORT_KIND


def _report(*, partnership: Partnership, scrutiny_report_id) -> ScrutinyReport:
    try:
        return scrutiny_report_get(partnership=partnership, scrutiny_report_id=scrutiny_report_id)
    except Http404:
        raise ValidationError({"report": ["No such scrutiny report."]}) from None


def _reads(membership: Membership) -> bool:
    return membership.has_role(*REPORT_READ_ROLES)


def scrutiny_report_clean(
    *, partnership: Partnership, membership: Membership, data: Mapping[str, Any]
) -> ExportRequest:
    if not _reads(membership):
        raise PermissionDenied("The scrutiny reports are for the partnership's leadership and oversight.")
    report = _report(partnership=partnership, scrutiny_report_id=data.get("report"))
    return ExportRequest(parameters={"scrutiny_report_id": report.pk}, title=f"{report.title} (Word)")


def scrutiny_report_build(*, job: ExportJob, out: IO[bytes], progress: ExportProgress) -> ExportFile:
    report = _report(partnership=job.partnership, scrutiny_report_id=job.parameters["scrutiny_report_id"])
    scrutiny_report_docx_write(report=report, out=out)
    progress(1, 1)
    return ExportFile(name=f"{slugify(report.title)[:80] or report.pk}.docx", media_type=DOCX_MEDIA_TYPE)


def register() -> None:
    export_kind_register(
        ExportKind(
            key=KIND,
            label="Scrutiny report",
            clean=scrutiny_report_clean,
            build=scrutiny_report_build,
            shared_with=lambda job, membership: membership.has_role(*REPORT_MANAGE_ROLES),
            still_allowed=lambda job, membership: _reads(membership),
        )
    )
