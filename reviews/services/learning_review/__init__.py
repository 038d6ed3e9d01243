"""Writes of learning reviews (seed 003): planning, the outcomes form, circulation for comment, finalising,
the publication decision and the documents.

A review moves only through ``_set_state`` and its table ``ALLOWED_MOVES``::

    planning ──start drafting──▶ drafting ──circulate──▶ out for comment
                                    ▲  │                      │
                                    │  └──finalise──▶ final   │
                                    └────── take back ────────┘

Who may do what is ``reviews.selectors.learning_review.LearningReviewAccess``;
every service checks it again (pages and the API both call these), raising
``PermissionDenied`` for someone the review is not theirs to change, and
``ValidationError`` (field names as keys) for input it refuses, before it
writes anything. Every change leaves a history row; email goes after commit;
PDFs are queued after commit by the documents service.

Deadlines (``partnership.services.deadlines``):

- ``lr.information`` (subject: the review) information gathering due, for the
  business managers (no assignee);
- ``lr.report`` (subject: the review) report due, for the lead author; met on finalising;
- ``lr.comments`` (subject: each Contributor) comments on the circulated draft
  due, for that contributor; met when they comment, cancelled when the author
  takes the draft back.

One module per concern (``common``: the state move, locks and checks they share; ``planning``;
``contributors``; ``outcomes_form``; ``circulation``; ``finalising``); this package re-exports them,
so callers keep writing ``services.learning_review_finalise``.
"""

from reviews.services.learning_review.circulation import (
    learning_review_circulate,
    learning_review_take_back,
    outcome_comment_add,
)
from reviews.services.learning_review.common import (
    ALLOWED_MOVES,
    MAX_RECOMMENDATIONS,
    PLAN_FIELDS,
    RECOMMENDATION_COLUMNS,
    RECOMMENDATION_LABELS,
    State,
    _set_state,
    learning_review_url,
)
from reviews.services.learning_review.contributors import (
    contributor_add,
    contributor_remove,
    contributor_update,
)
from reviews.services.learning_review.finalising import (
    learning_review_finalise,
    learning_review_record_publication,
    outcomes_form_render,
    public_summary_render,
)
from reviews.services.learning_review.outcomes_form import (
    outcomes_form_clean,
    outcomes_form_update,
)
from reviews.services.learning_review.planning import (
    learning_review_open,
    learning_review_open_from_decision,
    learning_review_start_drafting,
    learning_review_update_plan,
)

__all__ = [
    "ALLOWED_MOVES",
    "MAX_RECOMMENDATIONS",
    "PLAN_FIELDS",
    "RECOMMENDATION_COLUMNS",
    "RECOMMENDATION_LABELS",
    "State",
    "_set_state",
    "contributor_add",
    "contributor_remove",
    "contributor_update",
    "learning_review_circulate",
    "learning_review_finalise",
    "learning_review_open",
    "learning_review_open_from_decision",
    "learning_review_record_publication",
    "learning_review_start_drafting",
    "learning_review_take_back",
    "learning_review_update_plan",
    "learning_review_url",
    "outcome_comment_add",
    "outcomes_form_clean",
    "outcomes_form_render",
    "outcomes_form_update",
    "public_summary_render",
]
