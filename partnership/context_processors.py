"""What every page's header needs: the partnership switcher and role-aware navigation."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from partnership.models import Role
from partnership.selectors import memberships_for_person_loaded

# (label, url name, roles that see it; empty = every member)
NAVIGATION = [
    ("Overview", "partnership:home", ()),
    # Every member: their due and overdue deadlines (business managers also see the unassigned ones).
    ("My tasks", "partnership:my_tasks", ()),
    (
        "Rapid reviews",
        "reviews:rapid_review_list",
        (
            Role.BUSINESS_MANAGER,
            Role.PARTNER_LEAD_LOCAL_AUTHORITY,
            Role.PARTNER_LEAD_HEALTH,
            Role.PARTNER_LEAD_POLICE,
            Role.SCRUTINEER,
        ),
    ),
    # Rapid review timeliness per quarter: what independent scrutiny asks about.
    ("Timeliness", "reviews:timeliness", (Role.BUSINESS_MANAGER, Role.SCRUTINEER)),
    # The scrutiny dashboard (scrutiny/urls.py). The business managers' bar is full at 1280 px: they reach it from
    # the timeliness page.
    (
        "Scrutiny",
        "scrutiny:dashboard",
        (Role.PARTNER_LEAD_LOCAL_AUTHORITY, Role.PARTNER_LEAD_HEALTH, Role.PARTNER_LEAD_POLICE, Role.SCRUTINEER),
    ),
    # The challenge log (scrutiny/views/challenges.py): the scrutineer raises challenges; the partners' leads and agency
    # leads answer those addressed to them.
    (
        "Challenges",
        "scrutiny:challenge_list",
        (
            Role.PARTNER_LEAD_LOCAL_AUTHORITY,
            Role.PARTNER_LEAD_HEALTH,
            Role.PARTNER_LEAD_POLICE,
            Role.SCRUTINEER,
            Role.AGENCY_LEAD,
        ),
    ),
    # Scrutiny's quarterly data sets, for the agency leads who provide the figures (the scrutiny readers reach them
    # from the dashboard).
    ("Data sets", "scrutiny:datasets", (Role.AGENCY_LEAD,)),
    # The quarterly scrutiny reports and the annual report (scrutiny/urls.py): the scrutineer writes their narrative
    # there. The business managers reach it from the scrutiny dashboard, the partner leads from the same.
    ("Scrutiny reports", "scrutiny:report_list", (Role.SCRUTINEER,)),
    # Every member: contributors and lead authors see theirs; the list shows each member only what they may see.
    ("Learning reviews", "reviews:learning_review_list", ()),
    # The register of what the partnership resolved: its readers (recommendation_access).
    (
        "Recommendations",
        "partnership:recommendation_register",
        (
            Role.BUSINESS_MANAGER,
            Role.PARTNER_LEAD_LOCAL_AUTHORITY,
            Role.PARTNER_LEAD_HEALTH,
            Role.PARTNER_LEAD_POLICE,
            Role.SCRUTINEER,
            Role.LAY_MEMBER,
            Role.AGENCY_LEAD,
        ),
    ),
    # Audits (audits/urls.py): the business managers keep the templates, the programme and the rounds.
    ("Audits", "audits:round_list", (Role.BUSINESS_MANAGER,)),
    # The case audit returns a practitioner is named for (an agency lead: their agency's).
    ("My audit returns", "audits:my_returns", (Role.PRACTITIONER, Role.AGENCY_LEAD)),
    # The learning hub (learninghub/urls.py): practitioner-led, so its members follow its cycles from here. The
    # business managers' navigation is full at 1280 px: they reach it from the audits and priorities pages.
    (
        "Learning hub",
        "learninghub:cycle_list",
        tuple(role for role in Role if role != Role.BUSINESS_MANAGER),
    ),
    ("Agencies", "partnership:agency_list", (Role.BUSINESS_MANAGER,)),
    ("Members", "partnership:member_list", (Role.BUSINESS_MANAGER,)),
    ("Working days", "partnership:working_days", ()),
    ("Settings", "partnership:settings", (Role.BUSINESS_MANAGER,)),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A page under /p/<slug>/ has them already (partnership_view): the same query twice would cost a fifth
    # of the floor page.
    memberships = getattr(request, "person_memberships", None)
    if memberships is None:
        memberships = memberships_for_person_loaded(person=user)
    context: dict = {"my_memberships": memberships}
    membership = getattr(request, "membership", None)
    if membership is not None:
        slug = membership.partnership.slug
        current = request.resolver_match.view_name if request.resolver_match else ""
        context["current_membership"] = membership
        context["nav_items"] = [
            {"label": label, "url": reverse(name, kwargs={"slug": slug}), "current": current == name}
            for label, name, roles in NAVIGATION
            if not roles or membership.has_role(*roles)
        ]
    return context
