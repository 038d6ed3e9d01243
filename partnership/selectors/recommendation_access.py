"""Who may see and change recommendations, action plans and actions: the rules, stated once.

- The register of recommendations is the partnership's shared record of what
  it resolved: the business managers, the partner leads, the scrutineers, the
  lay members and the agency leads read it. Practitioners read only what they
  lead (their own actions).
- The business managers manage recommendations (draft, propose, put to
  sign-off, close) and see every action.
- A partner lead sees the actions of the recommendations their partner leads
  and the actions led by their partner's own agencies; they update those.
- An agency lead sees and updates only their agency's actions.
- An action's lead person sees and updates their own action.
- Scrutineers and lay members read every action, and change none.

Pages and the API apply these through ``action_visible_q`` (in the query, so
lists never load what the member may not see) and ``action_updatable_by``.
"""

from __future__ import annotations

from django.db.models import Q

from partnership.models import PARTNER_LEAD_ROLES, Membership, Role
from partnership.models.recommendations import Action, Recommendation

RECOMMENDATION_MANAGE_ROLES = frozenset({Role.BUSINESS_MANAGER})
RECOMMENDATION_READ_ROLES = frozenset(
    {
        Role.BUSINESS_MANAGER,
        *PARTNER_LEAD_ROLES,
        Role.SCRUTINEER,
        Role.LAY_MEMBER,
        Role.AGENCY_LEAD,
    }
)
# Read every action of the partnership; only the business managers among them change any.
ACTION_READ_ALL_ROLES = frozenset({Role.BUSINESS_MANAGER, Role.SCRUTINEER, Role.LAY_MEMBER})


def recommendations_readable_by(membership: Membership) -> bool:
    return membership.is_active and bool(membership.role_set & RECOMMENDATION_READ_ROLES)


def recommendations_manageable_by(membership: Membership) -> bool:
    return membership.is_active and bool(membership.role_set & RECOMMENDATION_MANAGE_ROLES)


def _partners_led(membership: Membership) -> set[str]:
    return {partner for role, partner in PARTNER_LEAD_ROLES.items() if role in membership.role_set}


def action_visible_q(membership: Membership, *, prefix: str = "") -> Q:
    """The actions this member may see, as a filter on ``Action`` (``prefix`` for a related query, e.g. "actions__").

    Never matches anything for an inactive member. Combine with the partnership filter, never instead of it.
    """
    if not membership.is_active:
        return Q(pk__in=[])
    if membership.role_set & ACTION_READ_ALL_ROLES:
        return Q()
    q = Q(**{f"{prefix}lead_person_id": membership.person_id})
    partners = _partners_led(membership)
    if partners:
        q |= Q(**{f"{prefix}plan__recommendation__lead_partner__in": partners})
        q |= Q(**{f"{prefix}lead_agency__agency_type__in": partners})
    if membership.has_role(Role.AGENCY_LEAD) and membership.agency_id:
        q |= Q(**{f"{prefix}lead_agency_id": membership.agency_id})
    return q


def action_visibility_key(membership: Membership | None) -> str:
    """What ``action_visible_q(membership)`` depends on, as text: members with the same key see the same actions,
    so figures counted from them can be shared (partnership.figures_cache). ``None``: every action, as for
    ``membership=None`` in the figures' selectors."""
    if membership is None:
        return "every action"
    if not membership.is_active:
        return "no action"
    if membership.role_set & ACTION_READ_ALL_ROLES:
        return "every action"
    roles = ",".join(sorted(membership.role_set))
    return f"member {membership.pk} person {membership.person_id} agency {membership.agency_id} roles {roles}"


def action_visible_to(action: Action, membership: Membership) -> bool:
    """``action_visible_q`` for one loaded action (its plan's recommendation and agency loaded)."""
    if not membership.is_active or action.partnership_id != membership.partnership_id:
        return False
    if membership.role_set & ACTION_READ_ALL_ROLES:
        return True
    return action_updatable_by(action, membership)


def action_updatable_by(action: Action, membership: Membership) -> bool:
    """Whether the member may record progress on (and edit the RAG of) this action."""
    if not membership.is_active or action.partnership_id != membership.partnership_id:
        return False
    if membership.has_role(Role.BUSINESS_MANAGER) or action.lead_person_id == membership.person_id:
        return True
    partners = _partners_led(membership)
    if partners and (action.plan.recommendation.lead_partner in partners or action.lead_agency.agency_type in partners):
        return True
    return membership.has_role(Role.AGENCY_LEAD) and action.lead_agency_id == membership.agency_id


def recommendation_visible_to(recommendation: Recommendation, membership: Membership) -> bool:
    return recommendation.partnership_id == membership.partnership_id and recommendations_readable_by(membership)


def action_plan_editable_by(recommendation: Recommendation, membership: Membership) -> bool:
    """Who shapes a recommendation's plan (adds, edits, orders and removes actions, agrees it, completes it):
    the business managers and the partner lead of the partner that leads the recommendation."""
    if not membership.is_active or recommendation.partnership_id != membership.partnership_id:
        return False
    if membership.has_role(Role.BUSINESS_MANAGER):
        return True
    return recommendation.lead_partner in _partners_led(membership)


def recommendation_closable_by(recommendation: Recommendation, membership: Membership) -> bool:
    """Closing a completed recommendation is the business managers' call: it leaves the partnership's open work."""
    return recommendation.partnership_id == membership.partnership_id and recommendations_manageable_by(membership)


def progress_reports_creatable_by(membership: Membership) -> bool:
    """The board's progress report is the business managers' paper."""
    return recommendations_manageable_by(membership)
