"""Writes of the audits app (see each module); the schools register's are re-exported here."""

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
