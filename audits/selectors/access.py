"""Who may do what in the audits app, as role sets the pages and the API name (the kernel's sets, renamed)."""

from __future__ import annotations

from partnership.models import LEADERSHIP_ROLES, MANAGER_ROLES, OVERSIGHT_ROLES, Role

# The schools register: business managers keep it; leadership and the scrutineer read it.
SCHOOL_REGISTER_READERS = OVERSIGHT_ROLES
SCHOOL_REGISTER_KEEPERS = MANAGER_ROLES

# Self-assessment cycles: business managers launch them and send returns back; leadership and the scrutineer
# read every return; an agency lead answers their own agency's (or school's) return.
CYCLE_MANAGERS = MANAGER_ROLES
CYCLE_READERS = OVERSIGHT_ROLES
AGENCY_LEAD = Role.AGENCY_LEAD
# Any member reaches the self-assessment pages; what each sees is decided per return.
ANY_MEMBER: frozenset[str] = frozenset()
# Moderation and the challenge event: the business managers and the three partners' leads.
MODERATORS = LEADERSHIP_ROLES
