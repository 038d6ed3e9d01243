"""Who may do what in the audits app (the kernel's role sets, renamed), and the vocabulary the pages and the
API draw their choices from.

Interfaces (views, API, forms) import these names from here, never from
``audits.models`` (tests/architecture): the role sets are written once, and the
choices are the models' own ``TextChoices``.
"""

from __future__ import annotations

from audits.models import QuestionKind, TemplateKind, TemplateVersion, YesPartlyNo
from partnership.models import LEADERSHIP_ROLES, MANAGER_ROLES, OVERSIGHT_ROLES, Role

# Templates: the business managers keep them; the partners' leads and the scrutineer read them.
TEMPLATE_READ_ROLES = OVERSIGHT_ROLES
TEMPLATE_MANAGE_ROLES = MANAGER_ROLES

VersionState = TemplateVersion.State

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

__all__ = [
    "AGENCY_LEAD",
    "ANY_MEMBER",
    "CYCLE_MANAGERS",
    "CYCLE_READERS",
    "MODERATORS",
    "SCHOOL_REGISTER_KEEPERS",
    "SCHOOL_REGISTER_READERS",
    "TEMPLATE_MANAGE_ROLES",
    "TEMPLATE_READ_ROLES",
    "QuestionKind",
    "TemplateKind",
    "VersionState",
    "YesPartlyNo",
]
