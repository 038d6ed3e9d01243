"""The self-assessment exports, declared to the kernel's export engine (``partnership.exports``).

Loaded by ``AuditsConfig.ready``. Two kinds, both written by the worker:

- ``sa.compliance_matrix``: the matrix as the page filters it, CSV or XLSX. Who may
  ask is who reads the matrix (``matrix_agency_scope``): leadership and oversight for
  every row, an agency lead for their own agency's row only (kept in the job, so the
  file never holds more than they could see when they asked).
- ``sa.cycle_returns``: every return of a cycle, a row per return and standard, XLSX.
  For those who read the cycle's page.

The requester downloads their own export while they still could ask for it; the
business managers who run the cycles may also download an unscoped one a colleague
asked for. Nobody else sees it (404).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from audits.forms.exports import FORMATS, CycleExportForm, MatrixExportForm
from audits.selectors import compliance_matrix as matrix_selectors
from audits.selectors import cycle_exports
from audits.selectors import self_assessment as selectors
from audits.selectors.access import CYCLE_MANAGERS, CYCLE_READERS
from partnership.exports import ExportFile, ExportKind, ExportProgress, ExportRequest, export_kind_register
from partnership.models import ExportJob, Membership, Partnership
from partnership.services.files import CSV, XLSX

MATRIX_KIND = cycle_exports.MATRIX_KIND
CYCLE_RETURNS_KIND = cycle_exports.CYCLE_RETURNS_KIND
MEDIA_TYPES = {"csv": CSV.media_type, "xlsx": XLSX.media_type}


def _errors(form) -> ValidationError:
    return ValidationError({field: list(messages) for field, messages in form.errors.items()})


def _cycle(*, partnership: Partnership, cycle_id: int):
    """The partnership's cycle, or a field error: another partnership's reads as a missing one."""
    try:
        return selectors.cycle_get(partnership=partnership, cycle_id=cycle_id)
    except Http404:
        raise ValidationError({"cycle": ["No such cycle."]}) from None


def _cycle_id(data: Mapping[str, Any]):
    form = CycleExportForm(data)
    if not form.is_valid():
        raise _errors(form)
    return form.cleaned_data["cycle"]


# --- The compliance matrix ---------------------------------------------------------------------


def matrix_clean(*, partnership: Partnership, membership: Membership, data: Mapping[str, Any]) -> ExportRequest:
    agency_id = matrix_selectors.matrix_agency_scope(membership=membership)  # PermissionDenied for anyone else
    cycle = _cycle(partnership=partnership, cycle_id=_cycle_id(data))
    standards = matrix_selectors.matrix_standards(partnership=partnership, cycle=cycle)
    form = MatrixExportForm(data, standard_keys=[s.key for s in standards])
    if not form.is_valid():
        raise _errors(form)
    filters = form.filters()
    file_format = form.cleaned_data["format"]
    return ExportRequest(
        parameters={
            "cycle_id": cycle.pk,
            "format": file_format,
            "agency_id": agency_id,
            "filters": {
                "search": filters.search,
                "state": filters.state,
                "standard": filters.standard,
                "at_most": filters.at_most,
                "basis": filters.basis,
            },
        },
        title=f"Compliance matrix, {cycle.title} ({FORMATS[file_format]})",
    )


def matrix_build(*, job: ExportJob, out: IO[bytes], progress: ExportProgress) -> ExportFile:
    parameters = job.parameters
    partnership = job.partnership
    cycle = _cycle(partnership=partnership, cycle_id=parameters["cycle_id"])
    file_format = parameters["format"]
    cycle_exports.compliance_matrix_write(
        partnership=partnership,
        cycle=cycle,
        filters=matrix_selectors.MatrixFilters(**parameters["filters"]),
        agency_id=parameters["agency_id"],
        file_format=file_format,
        out=out,
        progress=progress,
    )
    return ExportFile(
        name=f"compliance-matrix-{partnership.slug}-{cycle.kind}-{cycle.year}.{file_format}",
        media_type=MEDIA_TYPES[file_format],
    )


def matrix_still_allowed(job: ExportJob, membership: Membership) -> bool:
    """The requester still reads the rows the file holds: every row, or that agency's."""
    try:
        scope = matrix_selectors.matrix_agency_scope(membership=membership)
    except PermissionDenied:
        return False
    return scope is None or scope == job.parameters.get("agency_id")


# --- Every return of a cycle -------------------------------------------------------------------


def cycle_returns_clean(*, partnership: Partnership, membership: Membership, data: Mapping[str, Any]) -> ExportRequest:
    if not membership.has_role(*CYCLE_READERS):
        raise PermissionDenied("The cycle's returns are for the partnership's leadership and oversight.")
    cycle = _cycle(partnership=partnership, cycle_id=_cycle_id(data))
    return ExportRequest(parameters={"cycle_id": cycle.pk, "agency_id": None}, title=f"Every return, {cycle.title}")


def cycle_returns_build(*, job: ExportJob, out: IO[bytes], progress: ExportProgress) -> ExportFile:
    partnership = job.partnership
    cycle = _cycle(partnership=partnership, cycle_id=job.parameters["cycle_id"])
    cycle_exports.cycle_returns_xlsx_write(partnership=partnership, cycle=cycle, out=out, progress=progress)
    return ExportFile(
        name=f"self-assessment-returns-{partnership.slug}-{cycle.kind}-{cycle.year}.xlsx", media_type=XLSX.media_type
    )


def cycle_reader(job: ExportJob, membership: Membership) -> bool:
    return membership.has_role(*CYCLE_READERS)


def shared_with_cycle_managers(job: ExportJob, membership: Membership) -> bool:
    """An export of every row (not one agency's) may also be downloaded by the business managers who run the
    cycles: they can read all of it anyway."""
    return job.parameters.get("agency_id") is None and membership.has_role(*CYCLE_MANAGERS)


def register() -> None:
    export_kind_register(
        ExportKind(
            key=MATRIX_KIND,
            label="Compliance matrix",
            clean=matrix_clean,
            build=matrix_build,
            shared_with=shared_with_cycle_managers,
            still_allowed=matrix_still_allowed,
        )
    )
    export_kind_register(
        ExportKind(
            key=CYCLE_RETURNS_KIND,
            label="Every return of a cycle",
            clean=cycle_returns_clean,
            build=cycle_returns_build,
            shared_with=shared_with_cycle_managers,
            still_allowed=cycle_reader,
        )
    )
