"""Scrutiny's own records, one module per concern, re-exported here."""
