"""Who may do what in audits, and the vocabulary the pages and the API draw their choices from.

Interfaces (views, API, forms) import these names from here, never from
``audits.models`` (tests/architecture): the role sets are written once, and the
choices are the models' own ``TextChoices``.
"""

from __future__ import annotations

from audits.models import QuestionKind, TemplateKind, TemplateVersion, YesPartlyNo
from partnership.models import MANAGER_ROLES, OVERSIGHT_ROLES

# Templates: the business managers keep them; the partners' leads and the scrutineer read them.
TEMPLATE_READ_ROLES = OVERSIGHT_ROLES
TEMPLATE_MANAGE_ROLES = MANAGER_ROLES

VersionState = TemplateVersion.State

__all__ = [
    "TEMPLATE_MANAGE_ROLES",
    "TEMPLATE_READ_ROLES",
    "QuestionKind",
    "TemplateKind",
    "VersionState",
    "YesPartlyNo",
]
