"""The audits app's models, one module per concern, re-exported here."""

from audits.models.schools import School, SchoolImport  # noqa: F401
