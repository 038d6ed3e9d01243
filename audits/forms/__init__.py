"""Forms of the audits pages: shapes only; the rules come back from the services."""
