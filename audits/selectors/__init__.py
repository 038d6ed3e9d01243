"""Reads of the audits app (see each module)."""
