"""Scrutiny's own records, one module per concern, re-exported here."""

from scrutiny.models.datasets import AgencyAnalysis, Indicator, IndicatorValue  # noqa: F401
