"""Writes of the audits app, one module per concern; re-exported so callers write ``services.school_import``."""

from audits.services.schools import (
    SchoolImportRefused,
    school_import,
    school_rows_from_csv,
    school_rows_from_upload,
    school_rows_from_xlsx,
    school_update,
)

__all__ = [
    "SchoolImportRefused",
    "school_import",
    "school_rows_from_csv",
    "school_rows_from_upload",
    "school_rows_from_xlsx",
    "school_update",
]
