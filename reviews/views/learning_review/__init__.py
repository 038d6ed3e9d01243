"""Pages of learning reviews: the list, opening one, its plan and contributors, the agency requests, the
outcomes form, circulation and comments, finalising, the publication decision, print views and PDFs.

Who sees what is ``reviews.selectors.learning_review.LearningReviewAccess``:
a member who may not see a review gets 404 (as for a review that does not
exist); one who sees it but whose part does not include a page gets 403. Each
view parses input with a form, calls one service or selector, and renders. A
refused form is drawn again bound to what was sent (nothing lost), with each
error beside its field and in the summary, and answers 400.

One module per concern (``common``: loading the review and answering a refusal; ``listing``;
``detail``; ``contributors`` with the agency requests; ``workflow``; ``outcomes`` with the comments;
``documents``); ``reviews.urls`` routes to the views re-exported here.
"""

from reviews.views.learning_review.common import (
    MANAGERS,
    REFUSED,
    REVIEWS_PER_PAGE,
)
from reviews.views.learning_review.contributors import (
    learning_review_contributor_add,
    learning_review_contributor_remove,
    learning_review_contributor_update,
    learning_review_requests,
)
from reviews.views.learning_review.detail import (
    learning_review_detail,
    learning_review_edit,
)
from reviews.views.learning_review.documents import (
    learning_review_pdf,
    learning_review_print,
    learning_review_public_summary,
    learning_review_public_summary_pdf,
)
from reviews.views.learning_review.listing import (
    learning_review_list,
    learning_review_open,
    learning_review_open_from_rapid_review,
)
from reviews.views.learning_review.outcomes import (
    learning_review_comments,
    learning_review_outcomes_form,
)
from reviews.views.learning_review.workflow import (
    learning_review_circulate,
    learning_review_finalise,
    learning_review_publication,
    learning_review_start_drafting,
    learning_review_take_back,
)

__all__ = [
    "MANAGERS",
    "REFUSED",
    "REVIEWS_PER_PAGE",
    "learning_review_circulate",
    "learning_review_comments",
    "learning_review_contributor_add",
    "learning_review_contributor_remove",
    "learning_review_contributor_update",
    "learning_review_detail",
    "learning_review_edit",
    "learning_review_finalise",
    "learning_review_list",
    "learning_review_open",
    "learning_review_open_from_rapid_review",
    "learning_review_outcomes_form",
    "learning_review_pdf",
    "learning_review_print",
    "learning_review_public_summary",
    "learning_review_public_summary_pdf",
    "learning_review_publication",
    "learning_review_requests",
    "learning_review_start_drafting",
    "learning_review_take_back",
]
