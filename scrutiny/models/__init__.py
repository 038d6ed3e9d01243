"""Scrutiny's own records, one module per concern, re-exported here."""

from scrutiny.models.reports import AgencyAnnualReport, ReportNarrative, ScrutinyReport  # noqa: F401
