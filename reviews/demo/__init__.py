"""Demo data for the reviews app: live-looking rapid reviews and a learning review in the demo partnerships.

``partnership.demo.demo_seed`` makes the partnerships, agencies and people
(the kernel cannot import this app); ``demo_reviews_seed`` then adds, to Ashby
and to Wessex, four serious incidents whose rapid reviews stand at the stages
people most want to see, dated from today on the partnership's working-day
calendar:

- one notified three working days ago, gathering returns: the demo
  practitioner has a request to fill in, one agency has a draft saved and one
  has submitted;
- one whose quorate meeting has been held and whose decision awaits the
  partners' sign-off (the local authority has approved);
- one signed off and sent to the national Panel on time, decided "another
  learning review", with that learning review opened and its outcomes form
  partly drafted;
- one overdue: past its Panel submission date and still gathering.

Everything is made through the services a business manager, practitioner or
partner lead would use (``reviews.services.*``, the sign-off through
``partnership.services.signoff``), so milestones, deadlines, sign-off rounds
and history are exactly what the pages would have written. Each step is run on
its story day: what the services stamp "now" (history, requests sent and
submitted, deadlines met, sign-off actions) is then moved to that working day,
so a review notified three weeks ago does not read as if all of it happened
this morning.

Every name, date of birth and address is invented ("14 Example Road"); the
people's addresses are on ``.example`` (RFC 2606). The services' emails are
discarded while seeding: they would go to invented people, and a console full
of them would bury the sign-in table ``seed_demo`` prints.

One module per concern: ``cases`` (what a demo case holds), ``ashby`` and ``wessex`` (the two
partnerships' cases), ``seeding`` (writing them through the services).
"""

from reviews.demo.cases import (
    DemoCase,
    DemoChild,
    DemoDataMissingError,
    DemoDecision,
    DemoLearningReview,
    DemoReturn,
    DemoReviewsOf,
    RequestState,
)
from reviews.demo.seeding import (
    DemoReviewLine,
    DemoReviewsSeedResult,
    demo_reviews_seed,
)
from reviews.demo.wessex import (
    DEMO_REVIEWS,
)

__all__ = [
    "DEMO_REVIEWS",
    "DemoCase",
    "DemoChild",
    "DemoDataMissingError",
    "DemoDecision",
    "DemoLearningReview",
    "DemoReturn",
    "DemoReviewLine",
    "DemoReviewsOf",
    "DemoReviewsSeedResult",
    "RequestState",
    "demo_reviews_seed",
]
