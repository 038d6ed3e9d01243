"""Pages of the audits app, one module per concern."""
