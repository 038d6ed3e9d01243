"""django-guardian's object grants, bounded by membership.

Guardian answers ``has_perm`` from its grant rows alone: a person granted
``view_agency`` would keep it after leaving the partnership, or hold it in a
partnership they never belonged to. Here a grant on a tenant row counts only
while its holder is an active member of that row's partnership; deactivation
also deletes the rows (``membership_deactivate``), so this is the second wall.
"""

from __future__ import annotations

from guardian.backends import ObjectPermissionBackend

from partnership.models import Membership


class MembershipObjectPermissionBackend(ObjectPermissionBackend):
    def has_perm(self, user_obj, perm, obj=None) -> bool:
        partnership_id = getattr(obj, "partnership_id", None)
        if partnership_id is not None:
            if not getattr(user_obj, "is_authenticated", False):
                return False
            if not Membership.objects.filter(partnership_id=partnership_id, person=user_obj, is_active=True).exists():
                return False
        return super().has_perm(user_obj, perm, obj)
