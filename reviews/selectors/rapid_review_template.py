"""The Rapid Review Template (seed 001, "Document 4: Rapid Review Template", revised 16 April 2019), as data.

One context feeds both the on-screen print view and the PDF rendered by the
worker, so the two cannot drift. The general version names each child by
pseudonym only; the identified version (for the national Panel) carries the
identities the caller has already obtained, and logged, through
``reviews.services.incidents.child_identity_reveal``.

Nothing here reads the clock: rendering the same review twice gives the same
HTML, so the document service does not store a duplicate version.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from partnership.models import Partnership, StatutoryPartner
from reviews.models import RapidReview, RapidReviewDecision
from reviews.selectors.decision import decision_overview
from reviews.selectors.incidents import children_pseudonyms

TEMPLATE_NAME = "reviews/documents/rapid_review_template.html"
DOCUMENT_KIND = "rapid_review_template"
IDENTIFIED_DOCUMENT_KIND = "rapid_review_template_identified"

# The four criteria for a local child safeguarding practice review (SI 2018/789 reg. 11), in the template's order.
CRITERIA_FIELDS = (
    "reason_improvements_needed",
    "reason_recurrent_themes",
    "reason_agencies_working_together",
    "reason_panel_view",
)

PURPOSE = (
    "gather the facts about the case, as far as can be readily established;",
    "discuss whether there is any immediate action needed to ensure children's safety and share any learning "
    "appropriately;",
    "consider the potential for identifying improvements to safeguard and promote the welfare of children;",
    "decide what steps to take next, including whether or not to undertake a child safeguarding practice review.",
)


def rapid_review_template_context(
    *, partnership: Partnership, rapid_review: RapidReview, identities: Iterable[Any] | None = None
) -> dict[str, Any]:
    """Everything the template shows, in plain values.

    ``identities``: ``ChildIdentity`` rows from ``child_identity_reveal`` for the
    identified version; ``None`` for the general version (pseudonyms only).
    """
    incident = rapid_review.incident
    # Pseudonyms only: the encrypted columns are not even loaded; identities come from ``identities``.
    children = list(children_pseudonyms(partnership=partnership).filter(incident=incident))
    by_child = {i.child_id: i for i in identities} if identities is not None else {}
    overview = decision_overview(partnership=partnership, rapid_review=rapid_review)
    decision: RapidReviewDecision | None = overview.decision
    involved = sorted(a.name for a in incident.agencies.all())
    context: dict[str, Any] = {
        "identified": identities is not None,
        "reference": incident.reference,
        "purpose": PURPOSE,
        "state": rapid_review.state,
        "state_label": rapid_review.get_state_display(),
        "is_final": rapid_review.state in (RapidReview.State.SIGNED_OFF, RapidReview.State.SENT_TO_PANEL),
        "children": [
            {
                "pseudonym": c.pseudonym,
                "name": by_child[c.pk].name if c.pk in by_child else "",
                "date_of_birth": by_child[c.pk].date_of_birth if c.pk in by_child else None,
                "address": by_child[c.pk].address if c.pk in by_child else "",
            }
            for c in children
        ],
        "incident": {
            "outcome": incident.get_outcome_display(),
            "incident_on": incident.incident_on,
            "la_aware_on": incident.la_aware_on,
            "panel_notified_on": incident.panel_notified_on,
            "child_looked_after": incident.child_looked_after,
            "summary": incident.summary,
            "referring_agency": incident.referring_agency.name,
            "agencies": involved,
        },
        "dates": {
            "meeting_on": rapid_review.meeting_on,
            "meeting_window_opens_on": rapid_review.meeting_window_opens_on,
            "meeting_window_closes_on": rapid_review.meeting_window_closes_on,
            "panel_submission_due_on": rapid_review.panel_submission_due_on,
            "sent_to_panel_on": rapid_review.sent_to_panel_on,
            "working_days_taken": rapid_review.working_days_taken,
            "delay_reason": rapid_review.delay_reason,
        },
        "participants": [
            {
                "name": a.name,
                "job_title": a.job_title,
                "agency": a.agency.name,
                "represents": StatutoryPartner(a.represents).label if a.represents else "",
            }
            for a in overview.attendees
        ],
        "quorate": overview.quorate,
        "quorum_message": overview.quorum_message,
        "decision": None,
        "sign_off": None,
    }
    if decision is not None:
        context["decision"] = {
            "outcome": decision.get_outcome_display(),
            "methodology": decision.get_methodology_display() if decision.methodology else "",
            "criteria": [
                {"label": RapidReviewDecision._meta.get_field(name).verbose_name, "reasons": getattr(decision, name)}
                for name in CRITERIA_FIELDS
            ],
            "immediate_actions": decision.immediate_actions,
            "recorded_by": str(decision.recorded_by) if decision.recorded_by else "",
            "recorded_at": decision.recorded_at,
        }
    if overview.sign_off is not None:
        context["sign_off"] = {
            "state": overview.sign_off.get_state_display(),
            "round": overview.sign_off.round,
            "signed_off_on": overview.signed_off_on,
            "partners": [
                {
                    "partner": p.label,
                    "action": p.action.get_action_display() if p.action else "Not yet decided",
                    "by": str(p.action.actor) if p.action and p.action.actor else "",
                    "at": p.action.at if p.action else None,
                    "comment": p.action.comment if p.action else "",
                }
                for p in overview.partners
            ],
            "history": [
                {
                    "round": a.round,
                    "partner": StatutoryPartner(a.partner).label if a.partner else "Business manager",
                    "action": a.get_action_display(),
                    "by": str(a.actor) if a.actor else "",
                    "at": a.at,
                    "comment": a.comment,
                }
                for a in overview.history
            ],
        }
    return context
