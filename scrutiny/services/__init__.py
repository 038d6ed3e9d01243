"""Scrutiny's writes: each changes only scrutiny's own records, or the kernel's through its services."""
