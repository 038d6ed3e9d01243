"""The findings report's DOCX, declared to the kernel's export engine (``partnership.exports``).

Loaded by ``LearningHubConfig.ready``. Kind ``hub.findings_report``: who may ask is who reads the cycle's findings
page (leadership and the scrutineer); the data names the cycle (``cycle``), and another partnership's reads as
a missing one. The business managers may also download one a colleague asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import slugify

from learninghub.models import HubCycle
from learninghub.selectors.findings import FINDINGS_MANAGE_ROLES, FINDINGS_READ_ROLES, FINDINGS_REPORT_KIND
from learninghub.services.findings_report import DOCX_MEDIA_TYPE, hub_findings_docx_write, report_title
from partnership.exports import ExportFile, ExportKind, ExportProgress, ExportRequest, export_kind_register
from partnership.models import ExportJob, Membership, Partnership

KIND = FINDINGS_REPORT_KIND


def _cycle(*, partnership: Partnership, cycle_id) -> HubCycle:
    try:
        pk = int(cycle_id)
    except (TypeError, ValueError):
        pk = 0
    cycle = (
        HubCycle.objects.in_partnership(partnership).filter(pk=pk).select_related("priority", "partnership").first()
        if 0 < pk <= 2**63 - 1
        else None
    )
    if cycle is None:
        raise ValidationError({"cycle": ["No such learning hub cycle."]})
    return cycle


def _reads(membership: Membership) -> bool:
    return membership.has_role(*FINDINGS_READ_ROLES)


def findings_report_clean(
    *, partnership: Partnership, membership: Membership, data: Mapping[str, Any]
) -> ExportRequest:
    if not _reads(membership):
        raise PermissionDenied("The findings report is for the partnership's leadership and oversight.")
    cycle = _cycle(partnership=partnership, cycle_id=data.get("cycle"))
    return ExportRequest(parameters={"cycle_id": cycle.pk}, title=f"{report_title(cycle)} (Word)")


def findings_report_build(*, job: ExportJob, out: IO[bytes], progress: ExportProgress) -> ExportFile:
    cycle = _cycle(partnership=job.partnership, cycle_id=job.parameters["cycle_id"])
    hub_findings_docx_write(cycle=cycle, out=out)
    progress(1, 1)
    return ExportFile(name=f"findings-report-{slugify(cycle.title)[:60] or cycle.pk}.docx", media_type=DOCX_MEDIA_TYPE)


def register() -> None:
    export_kind_register(
        ExportKind(
            key=KIND,
            label="Learning hub findings report",
            clean=findings_report_clean,
            build=findings_report_build,
            shared_with=lambda job, membership: membership.has_role(*FINDINGS_MANAGE_ROLES),
            still_allowed=lambda job, membership: _reads(membership),
        )
    )
