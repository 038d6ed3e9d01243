"""Demo recommendations: in both demo partnerships, one at every state, from the demo cases' decisions.

Run by ``demo_reviews_seed`` after the cases (it needs their decisions and
the partner leads). Every row is written by the kernel's services: drafted,
put to the partners in rounds, decided by the partner leads (a round sent
back with a reason, others approved, so their action plans open on the
partnership's calendar), moved on through action planning, in progress and
completed with impact evidence, and closed. Idempotent: a partnership that
already has recommendations is left as it is. The action plans' own actions
and updates are the action plans' demo.
"""

from __future__ import annotations

from django.utils import timezone

from partnership.models import Membership, Partnership
from partnership.models.recommendations import ActionPlan, LearningTheme, Recommendation, RecommendationSource
from partnership.selectors.signoff import sign_off_for_subject
from partnership.services.learning_themes import learning_themes_seed
from partnership.services.recommendations import (
    recommendation_close,
    recommendation_create,
    recommendation_round_create,
)
from partnership.services.signoff import sign_off_approve, sign_off_send_back
from partnership.services.states import state_move
from reviews.models import RapidReviewDecision

State = Recommendation.State

# (text, rationale, lead partner, themes, the state it is brought to)
_RECOMMENDATIONS: tuple[tuple[str, str, str, tuple[str, ...], str], ...] = (
    (
        "Health visitors follow up every missed developmental check within five working days, and tell the GP.",
        "Three missed checks went unnoticed by any agency before the incident.",
        "health",
        ("Neglect", "Information sharing"),
        State.DRAFT,
    ),
    (
        "Schools record the child's own words at every welfare meeting and share them with children's social care.",
        "The child's voice was absent from every plan the review read.",
        "local_authority",
        ("Voice of the child",),
        State.PROPOSED,
    ),
    (
        "Police domestic abuse notifications reach the child's school before the next school day.",
        "Notifications took up to two weeks to reach the school.",
        "police",
        ("Domestic abuse", "Information sharing"),
        State.SENT_BACK,
    ),
    (
        "A multi-agency escalation protocol is agreed and every agency's staff are briefed on it.",
        "Professional disagreements went unresolved for months.",
        "local_authority",
        ("Escalation and challenge", "Multi-agency working"),
        State.ACTION_PLANNING,
    ),
    (
        "Safe sleeping advice is given and recorded at every contact with families of babies under one.",
        "Two infant deaths in the year involved unsafe sleeping arrangements.",
        "health",
        ("Safe sleeping",),
        State.IN_PROGRESS,
    ),
    (
        "Adolescents at risk of exploitation have a named transitions worker from age 16.",
        "Support fell away at 18 for young people still at risk.",
        "police",
        ("Exploitation", "Adolescents and transitions"),
        State.COMPLETED,
    ),
    (
        "Agencies review how parental mental health is considered in assessments.",
        "Superseded by the thematic review of parental mental health.",
        "health",
        ("Parental mental health",),
        State.CLOSED,
    ),
)


def _member(partnership: Partnership, local_part: str, area: str) -> Membership:
    from partnership.demo import demo_email

    return (
        Membership.objects.in_partnership(partnership)
        .select_related("person", "partnership")
        .prefetch_related("roles")
        .get(person__email=demo_email(local_part, area), is_active=True)
    )


def demo_recommendations_seed(*, partnership: Partnership, area: str) -> int:
    """One recommendation at every state (and one more proposed), unless the partnership has some already."""
    if Recommendation.objects.in_partnership(partnership).exists():
        return 0
    learning_themes_seed(partnership=partnership)
    themes = dict(LearningTheme.objects.in_partnership(partnership).values_list("name", "pk"))
    bm = _member(partnership, "bm", area).person
    leads = [_member(partnership, local, area) for local in ("la-lead", "health-lead", "police-lead")]
    decisions = list(RapidReviewDecision.objects.in_partnership(partnership).order_by("recorded_at", "pk"))
    made: dict[str, Recommendation] = {}
    for n, (text, rationale, lead, theme_names, target) in enumerate(_RECOMMENDATIONS):
        source: dict = {
            "source_kind": RecommendationSource.OTHER,
            "source_description": "Partnership board, annual review",
        }
        if decisions:
            source = {
                "source_kind": RecommendationSource.RAPID_REVIEW_DECISION,
                "source_id": decisions[n % len(decisions)].pk,
            }
        made[target] = recommendation_create(
            partnership=partnership,
            actor=bm,
            text=text,
            rationale=rationale,
            lead_partner=lead,
            theme_ids=[themes[name] for name in theme_names if name in themes],
            **source,
        )

    def put(*states: str, title: str):
        return recommendation_round_create(
            partnership=partnership, actor=bm, recommendation_ids=[made[s].pk for s in states], title=title
        )

    put(State.PROPOSED, title="Board, next meeting: voice of the child")
    sent_back = put(State.SENT_BACK, title="Board: domestic abuse notifications")
    sign_off_send_back(
        partnership=partnership,
        membership=leads[2],
        sign_off=sign_off_for_subject(partnership=partnership, subject=sent_back),
        comment="Say which notifications and how the school will be told out of hours.",
    )
    approved = put(
        State.ACTION_PLANNING, State.IN_PROGRESS, State.COMPLETED, title="Board: escalation, safe sleeping, transitions"
    )
    sign_off = sign_off_for_subject(partnership=partnership, subject=approved)
    for lead in leads:
        sign_off = sign_off_approve(partnership=partnership, membership=lead, sign_off=sign_off)
    for target in (State.IN_PROGRESS, State.COMPLETED):
        recommendation = Recommendation.objects.in_partnership(partnership).get(pk=made[target].pk)
        ActionPlan.objects.in_partnership(partnership).filter(recommendation=recommendation).update(
            summary="Actions agreed with each agency's lead.", agreed_at=timezone.now(), agreed_by=bm
        )
        state_move(
            partnership=partnership,
            actor=bm,
            instance=recommendation,
            to=State.IN_PROGRESS,
            reason="Action plan agreed",
        )
    completed = Recommendation.objects.in_partnership(partnership).get(pk=made[State.COMPLETED].pk)
    state_move(
        partnership=partnership,
        actor=bm,
        instance=completed,
        to=State.COMPLETED,
        fields={
            "completed_at": timezone.now(),
            "impact_evidence": "Every 16 and 17 year old open to the exploitation panel now has a named worker; "
            "none lost contact at 18 in the last two quarters.",
        },
        reason="All actions complete",
    )
    recommendation_close(
        partnership=partnership, actor=bm, recommendation=made[State.CLOSED], reason="Superseded by a thematic review"
    )
    return len(made)
