"""What a demo case holds: the incident, its children, returns, decision and learning review."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from reviews.models import (
    InformationRequest,
)

RequestState = InformationRequest.State


class DemoDataMissingError(LookupError):
    """The demo partnerships or people are not there: ``manage.py seed_demo`` has to run first."""


# --- What the demo holds ------------------------------------------------------------------


@dataclass(frozen=True)
class DemoChild:
    name: str
    age_days: int  # age on the day of the incident
    address: str


def _age(*, years: int = 0, months: int = 0, weeks: int = 0) -> int:
    return years * 365 + months * 30 + weeks * 7


@dataclass(frozen=True)
class DemoReturn:
    """One agency's return, asked of a demo person (by the local part of their demo email).

    ``state`` is where it ends: requested (untouched), draft, submitted or
    sent back. ``day`` is the working day after the notification of its last
    step (the draft saved, or the return submitted); a submitted return was
    drafted the working day before, a sent-back one is sent back two working
    days after it came in, due two days after that.
    """

    assignee: str
    state: str = RequestState.SUBMITTED
    day: int = 4
    answers: Mapping[str, str] = field(default_factory=dict)
    sent_back_reason: str = ""


@dataclass(frozen=True)
class DemoDecision:
    outcome: str
    reason_improvements_needed: str
    reason_recurrent_themes: str
    reason_agencies_working_together: str
    reason_panel_view: str
    methodology: str = ""
    immediate_actions: str = ""


@dataclass(frozen=True)
class DemoLearningReview:
    """The learning review opened from a case's decision, and its partly drafted outcomes form."""

    title: str
    scope: str
    key_lines_of_enquiry: str
    lead_author: str  # local part of the demo email
    contributors: tuple[str, ...]
    first_draft: Mapping[str, str]  # outcomes form fields saved when drafting starts
    second_draft: Mapping[str, str]  # and added at the latest save (today)
    recommendations: tuple[Mapping[str, str], ...] = ()
    practitioner_event_details: str = ""


@dataclass(frozen=True)
class DemoCase:
    """One serious incident and how far its rapid review has gone.

    Days are working days after the Panel notification (day 0) on the
    partnership's calendar; ``notified_working_days_ago`` places day 0 before
    today. A ``meeting_day`` beyond that lies in the future.
    """

    reference: str
    notified_working_days_ago: int
    outcome: str
    summary: str
    referring_agency: str
    agencies: tuple[str, ...]
    children: tuple[DemoChild, ...]
    returns: tuple[DemoReturn, ...]
    working_days_to_notify: int = 2
    child_looked_after: bool = False
    meeting_day: int | None = None
    attendees: tuple[str, ...] = ()  # members at the meeting (local parts); partner leads make it quorate
    meeting_moved_to_day: int | None = None  # the meeting was not quorate and reconvenes on this day
    decision: DemoDecision | None = None
    approvals: tuple[str, ...] = ()  # partner leads (local parts) who have approved, in order
    sent_to_panel_day: int | None = None
    learning_review: DemoLearningReview | None = None


@dataclass(frozen=True)
class DemoReviewsOf:
    slug: str
    area: str  # the demo email's area: bm@<area>.demo.learningloop.example
    cases: tuple[DemoCase, ...]
    # The partnership's own incident series, which the demo cases' references follow.
    incident_reference_pattern: str = "SI-{year}-{number}"
