"""Kinds of export built by the worker: each app declares its own here, so the kernel never imports it.

A kind is declared once, from the declaring app's ``AppConfig.ready``::

    export_kind_register(
        ExportKind(
            key="sa.compliance_matrix",
            label="Compliance matrix",
            clean=...,   # (partnership, membership, data) -> ExportRequest, or ValidationError / PermissionDenied
            build=...,   # (job, out, progress) -> ExportFile: writes the file into ``out``
            shared_with=...,  # optional (job, membership) -> bool: who besides the requester may download it
        )
    )

``clean`` is the only gate for asking: it checks who may ask for what (raising
``PermissionDenied``) and turns the request's data into the job's plain-JSON
parameters (raising ``ValidationError`` with field errors); a row it names
from another partnership must read as a missing one. ``build`` runs in the
worker, reads only the job's partnership, writes the file to ``out`` (a binary
file on disk, so a large export never sits in memory while it is written) and
calls ``progress(rows_done, rows_total)`` as it goes. The requester may always
download their export, as long as ``clean`` would still let them ask for it
(``still_allowed``); ``shared_with`` names anyone else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from partnership.models import ExportJob, Membership


@dataclass(frozen=True)
class ExportRequest:
    """What ``clean`` makes of a request: the job's parameters (plain JSON) and its title for people."""

    parameters: dict[str, Any]
    title: str


@dataclass(frozen=True)
class ExportFile:
    """What ``build`` wrote: the name the download is given and its media type."""

    name: str
    media_type: str


class ExportProgress(Protocol):
    def __call__(self, rows_done: int, rows_total: int | None = None) -> None: ...


def _nobody_else(job: ExportJob, membership: Membership) -> bool:
    return False


def _still_may_ask(job: ExportJob, membership: Membership) -> bool:
    return True


@dataclass(frozen=True)
class ExportKind:
    key: str
    label: str
    clean: Callable[..., ExportRequest]
    build: Callable[..., ExportFile]
    # Who besides the requester may open the job and download its file (the kind's own rule).
    shared_with: Callable[[ExportJob, Membership], bool] = field(default=_nobody_else)
    # Whether the requester may still have the file: their roles may have changed since they asked.
    still_allowed: Callable[[ExportJob, Membership], bool] = field(default=_still_may_ask)


_KINDS: dict[str, ExportKind] = {}


def export_kind_register(kind: ExportKind) -> None:
    """Declare a kind of export. Called from the declaring app's ``ready``; a key is declared once."""
    if not kind.key or len(kind.key) > 60:
        raise ValueError("An export kind's key is 1 to 60 characters.")
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise RuntimeError(f"The export kind {kind.key} is declared twice.")
    _KINDS[kind.key] = kind


def export_kind_for(key: str) -> ExportKind | None:
    return _KINDS.get(key)


def export_kinds() -> Mapping[str, ExportKind]:
    """The declared kinds, by key."""
    return dict(_KINDS)


def export_open_to(job: ExportJob, membership: Membership) -> bool:
    """Whether the member may see the job and download its file: the requester (while the kind still lets them),
    or whoever the kind shares it with. Another partnership's member never (the caller reads in its partnership)."""
    if job.partnership_id != membership.partnership_id:
        return False
    kind = export_kind_for(job.kind)
    if kind is None:
        return False
    if job.requested_by_id is not None and job.requested_by_id == membership.person_id:
        return kind.still_allowed(job, membership)
    return kind.shared_with(job, membership)
