"""Reads of the audits app (see each module); the schools register's are re-exported here."""

from audits.selectors.schools import school_get, school_import_list, school_list

__all__ = ["school_get", "school_import_list", "school_list"]
