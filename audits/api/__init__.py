"""The audits app's API under /api/v1/partnerships/<slug>/."""
