"""Who may do what in the audits app, as role sets the pages and the API name (the kernel's sets, renamed)."""

from __future__ import annotations

from partnership.models import MANAGER_ROLES, OVERSIGHT_ROLES

# The schools register: business managers keep it; leadership and the scrutineer read it.
SCHOOL_REGISTER_READERS = OVERSIGHT_ROLES
SCHOOL_REGISTER_KEEPERS = MANAGER_ROLES
