"""Writes of the kernel: partnerships, agencies, members, invitations, history.

Every service is keyword-only, runs in one transaction, validates before it
writes (raising ``ValidationError`` with field names, so nothing is
half-saved), records history for every create, update and delete of tenant
data, and sends email only after the transaction commits.
"""

# The kernel's write API, one module per concern; re-exported here because views, the API, other apps
# and tests call ``services.agency_create`` and ``from partnership.services import history_record``.
from partnership.services.agencies import (
    agency_create,
    agency_update,
)
from partnership.services.history import (
    _version_check,
    history_record,
    tenant_create,
    tenant_delete,
    tenant_update,
)
from partnership.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_for_token,
    invitation_revoke,
    invitation_url,
    invitations_expire_stale,
)
from partnership.services.mail import email_send_after_commit
from partnership.services.members import (
    membership_create,
    membership_deactivate,
    membership_reactivate,
    membership_reset_second_factor,
    membership_update,
    roles_validate_for_agency,
)
from partnership.services.onboarding import (
    partnership_create,
)
from partnership.services.partnership_settings import (
    REMINDER_WORKING_DAYS_MAX,
    closure_day_add,
    closure_day_remove,
    partnership_update_settings,
)

__all__ = [
    "REMINDER_WORKING_DAYS_MAX",
    "_version_check",
    "agency_create",
    "agency_update",
    "closure_day_add",
    "closure_day_remove",
    "email_send_after_commit",
    "history_record",
    "invitation_accept",
    "invitation_create",
    "invitation_for_token",
    "invitation_revoke",
    "invitation_url",
    "invitations_expire_stale",
    "membership_create",
    "membership_deactivate",
    "membership_reactivate",
    "membership_reset_second_factor",
    "membership_update",
    "partnership_create",
    "partnership_update_settings",
    "roles_validate_for_agency",
    "tenant_create",
    "tenant_delete",
    "tenant_update",
]
