"""Scrutiny's own records, one module per concern, re-exported here."""

from scrutiny.models.challenges import Challenge  # noqa: F401
