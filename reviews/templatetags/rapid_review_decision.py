"""The meeting-and-decision section of the rapid review page.

The rapid review page (``templates/reviews/rapid_review/detail.html``) includes
``reviews/rapid_review/_decision_section.html``, which calls this tag. It uses
the ``overview`` the page's view put in the context
(``reviews.selectors.decision.decision_overview``) and otherwise loads it for
the ``rapid_review`` (or ``review``) in the context: a fixed number of queries
either way.
"""

from __future__ import annotations

from django import template

from partnership.models import Role
from reviews.selectors.decision import DecisionOverview, decision_overview
from reviews.selectors.incidents import identity_viewer_allowed
from reviews.selectors.rapid_review import RAPID_REVIEW_READ_ROLES

register = template.Library()


@register.inclusion_tag("reviews/rapid_review/_decision_summary.html", takes_context=True)
def rapid_review_decision_section(context: template.Context) -> dict:
    request = context["request"]
    membership = getattr(request, "membership", None)
    if membership is None or not membership.has_role(*RAPID_REVIEW_READ_ROLES):
        return {"shown": False}
    overview = context.get("overview")
    if not isinstance(overview, DecisionOverview):
        rapid_review = context.get("rapid_review") or context.get("review")
        overview = decision_overview(partnership=request.partnership, rapid_review=rapid_review, membership=membership)
    return {
        "shown": True,
        "overview": overview,
        "rapid_review": overview.rapid_review,
        "slug": request.partnership.slug,
        "is_manager": membership.has_role(Role.BUSINESS_MANAGER),
        "may_identify": identity_viewer_allowed(membership=membership),
    }
