"""Seeding the demo reviews through the services, each step on its story day."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from partnership.demo import demo_email
from partnership.models import (
    Agency,
    Deadline,
    HistoryEntry,
    Membership,
    Partnership,
    Person,
    SignOff,
    SignOffAction,
)
from partnership.references import DEFAULT_INCIDENT_PATTERN
from partnership.selectors import working_day_calendar
from partnership.working_days import WorkingDayCalendar
from reviews.demo.cases import DemoCase, DemoDataMissingError, DemoReturn, RequestState
from reviews.demo.wessex import DEMO_REVIEWS
from reviews.models import (
    InformationRequest,
    LearningReview,
    RapidReview,
    RapidReviewDecision,
    SeriousIncident,
)
from reviews.services.decision import (
    rapid_review_decision_approve,
    rapid_review_decision_record,
    rapid_review_send_to_panel,
)
from reviews.services.incidents import incident_record
from reviews.services.learning_review import (
    contributor_add,
    contributor_update,
    learning_review_open_from_decision,
    learning_review_start_drafting,
    outcomes_form_update,
)
from reviews.services.rapid_review_meeting import meeting_attendee_add, rapid_review_meeting_set
from reviews.services.requests import (
    information_request_save_draft,
    information_request_send_back,
    information_request_submit,
    information_requests_create,
)

# --- Seeding ----------------------------------------------------------------------------------


@dataclass
class DemoReviewLine:
    """One demo rapid review, as the command lists it."""

    partnership: str
    reference: str
    state: str
    notified_on: date
    panel_submission_due_on: date
    overdue: bool  # past the Panel submission date and not sent
    learning_review: str = ""


@dataclass
class DemoReviewsSeedResult:
    reviews: list[DemoReviewLine] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def demo_reviews_seed() -> DemoReviewsSeedResult:
    """Add the demo rapid reviews and learning reviews to the demo partnerships, once.

    Guarantees: idempotent, keyed on the incident reference (a case whose
    reference exists in its partnership is left as it is, whatever has been
    done to it since); all or nothing (one transaction); every row is written
    by the services, then only their timestamps are moved to the case's story
    days (never into the future). No email is sent when it runs in its own
    transaction, as the command does (called inside an outer transaction, the
    services' emails wait for that one to commit, after the override below).
    Raises ``DemoDataMissingError`` when ``demo_seed`` has not made the
    partnerships and people first.
    """
    # Email goes out when the transaction commits, so the override covers the commit too.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _seed()


@transaction.atomic
def _seed() -> DemoReviewsSeedResult:
    result = DemoReviewsSeedResult()
    today = timezone.localdate()
    for definition in DEMO_REVIEWS:
        partnership = Partnership.objects.filter(slug=definition.slug).first()
        if partnership is None:
            raise DemoDataMissingError(f"There is no partnership {definition.slug}: run manage.py seed_demo first.")
        if partnership.incident_reference_pattern == DEFAULT_INCIDENT_PATTERN:
            # The demo's cases follow the partnership's own series: the next one recorded continues it.
            partnership.incident_reference_pattern = definition.incident_reference_pattern
            partnership.save(update_fields=["incident_reference_pattern"])
        cast = _Cast(partnership=partnership, area=definition.area)
        calendar = working_day_calendar(partnership=partnership)
        for case in definition.cases:
            incident = SeriousIncident.objects.in_partnership(partnership).filter(reference=case.reference).first()
            if incident is None:
                incident = _case_create(cast=cast, calendar=calendar, today=today, case=case, result=result)
            review = RapidReview.objects.in_partnership(partnership).select_related("incident").get(incident=incident)
            learning_review = LearningReview.objects.in_partnership(partnership).filter(rapid_review=review).first()
            result.reviews.append(
                DemoReviewLine(
                    partnership=partnership.name,
                    reference=incident.reference,
                    state=review.get_state_display(),
                    notified_on=incident.panel_notified_on,
                    panel_submission_due_on=review.panel_submission_due_on,
                    overdue=review.sent_to_panel_on is None and review.panel_submission_due_on < today,
                    learning_review=learning_review.reference if learning_review else "",
                )
            )
        from reviews.demo.recommendations import demo_recommendations_seed

        made = demo_recommendations_seed(partnership=partnership, area=definition.area)
        if made:
            result.count("recommendations", made)
    return result


class _Cast:
    """The demo partnership's people and agencies, looked up by the local part of the email and by name."""

    def __init__(self, *, partnership: Partnership, area: str) -> None:
        self.partnership = partnership
        self.area = area
        self._members: dict[str, Membership] = {}

    def member(self, local_part: str) -> Membership:
        if local_part not in self._members:
            email = demo_email(local_part, self.area)
            membership = (
                Membership.objects.in_partnership(self.partnership)
                .select_related("person", "agency")
                .prefetch_related("roles")
                .filter(person__email=email, is_active=True)
                .first()
            )
            if membership is None:
                raise DemoDataMissingError(
                    f"{email} is not an active member of {self.partnership}: run seed_demo first."
                )
            self._members[local_part] = membership
        return self._members[local_part]

    def person(self, local_part: str) -> Person:
        return self.member(local_part).person

    @property
    def bm(self) -> Person:
        return self.person("bm")

    def agency(self, name: str) -> Agency:
        agency = Agency.objects.in_partnership(self.partnership).filter(name=name).first()
        if agency is None:
            raise DemoDataMissingError(f"{self.partnership} has no agency {name}: run seed_demo first.")
        return agency


# Timestamps the services stamp "now", which a step moves to its story day.
_STAMPED: tuple[tuple[type[models.Model], tuple[str, ...]], ...] = (
    (HistoryEntry, ("at",)),
    (SeriousIncident, ("created_at",)),
    (RapidReview, ("created_at",)),
    (InformationRequest, ("requested_at", "draft_saved_at", "submitted_at")),
    (RapidReviewDecision, ("recorded_at",)),
    (SignOff, ("created_at", "completed_at")),
    (SignOffAction, ("at",)),
    (Deadline, ("created_at", "met_at")),
    (LearningReview, ("created_at",)),
)


class _Story:
    """A case's days: working day ``n`` after the notification, and steps run on them."""

    def __init__(self, *, partnership: Partnership, calendar: WorkingDayCalendar, notified_on: date) -> None:
        self.partnership = partnership
        self.calendar = calendar
        self.notified_on = notified_on

    def day(self, n: int) -> date:
        return self.calendar.add_working_days(self.notified_on, n)

    @contextmanager
    def on(self, n: int, at: time) -> Iterator[None]:
        """Run the block's services, then move the times they stamped to working day ``n`` at ``at``.

        A step whose story time has not come yet (today, later this morning)
        keeps the services' own times: nothing is ever stamped in the future.
        """
        started = timezone.now()
        yield
        when = timezone.make_aware(datetime.combine(self.day(n), at))
        if when >= started:
            return
        for model, names in _STAMPED:
            rows = model.objects.in_partnership(self.partnership)
            for name in names:
                rows.filter(**{f"{name}__gte": started}).update(**{name: when})


def _notified_on(calendar: WorkingDayCalendar, *, today: date, working_days_ago: int) -> date:
    """The working day from which today (or, at a weekend, the last working day) is day ``working_days_ago``."""
    last_working_day = today
    while not calendar.is_working_day(last_working_day):
        last_working_day -= timedelta(days=1)
    return calendar.subtract_working_days(last_working_day, working_days_ago)


def _case_create(
    *, cast: _Cast, calendar: WorkingDayCalendar, today: date, case: DemoCase, result: DemoReviewsSeedResult
) -> SeriousIncident:
    partnership = cast.partnership
    notified_on = _notified_on(calendar, today=today, working_days_ago=case.notified_working_days_ago)
    story = _Story(partnership=partnership, calendar=calendar, notified_on=notified_on)
    la_aware_on = calendar.subtract_working_days(notified_on, case.working_days_to_notify)
    incident_on = la_aware_on - timedelta(days=1)
    returners = [(cast.member(r.assignee), r) for r in case.returns]

    with story.on(0, time(9, 40)):
        incident = incident_record(
            partnership=partnership,
            actor=cast.bm,
            reference=case.reference,
            incident_on=incident_on,
            la_aware_on=la_aware_on,
            panel_notified_on=notified_on,
            outcome=case.outcome,
            child_looked_after=case.child_looked_after,
            summary=case.summary,
            referring_agency=cast.agency(case.referring_agency),
            agencies=[
                *(cast.agency(name) for name in case.agencies),
                *(member.agency for member, _ in returners),
            ],
            children=[
                {"name": c.name, "date_of_birth": incident_on - timedelta(days=c.age_days), "address": c.address}
                for c in case.children
            ],
        )
    review = RapidReview.objects.in_partnership(partnership).select_related("incident").get(incident=incident)
    result.count("rapid reviews")

    with story.on(1, time(11, 5)):
        requests = information_requests_create(
            partnership=partnership,
            actor=cast.bm,
            assignments=[(member.agency, member.person) for member, _ in returners],
            rapid_review=review,
            today=story.day(1),
        )
        if case.meeting_day is not None:
            rapid_review_meeting_set(
                partnership=partnership, actor=cast.bm, rapid_review=review, meeting_on=story.day(case.meeting_day)
            )
    result.count("information requests", len(requests))
    _returns_write(story=story, cast=cast, case=case, requests=requests)

    if case.attendees and case.meeting_day is not None and story.day(case.meeting_day) <= today:
        with story.on(case.meeting_day, time(12, 30)):
            for local_part in case.attendees:
                meeting_attendee_add(
                    partnership=partnership, actor=cast.bm, rapid_review=review, member=cast.member(local_part)
                )
            if case.decision is not None:
                rapid_review_decision_record(
                    partnership=partnership,
                    actor=cast.bm,
                    rapid_review=review,
                    outcome=case.decision.outcome,
                    methodology=case.decision.methodology,
                    reason_improvements_needed=case.decision.reason_improvements_needed,
                    reason_recurrent_themes=case.decision.reason_recurrent_themes,
                    reason_agencies_working_together=case.decision.reason_agencies_working_together,
                    reason_panel_view=case.decision.reason_panel_view,
                    immediate_actions=case.decision.immediate_actions,
                )
                result.count("decisions")
    if case.meeting_moved_to_day is not None and case.meeting_day is not None:
        # Not quorate on the day: the meeting reconvenes, past the Panel date.
        with story.on(case.meeting_day + 1, time(9, 15)):
            rapid_review_meeting_set(
                partnership=partnership,
                actor=cast.bm,
                rapid_review=review,
                meeting_on=story.day(case.meeting_moved_to_day),
            )
    for i, local_part in enumerate(case.approvals, start=1):
        with story.on(case.meeting_day + i, time(16, 10)):
            rapid_review_decision_approve(
                partnership=partnership, membership=cast.member(local_part), rapid_review=review
            )
    if case.sent_to_panel_day is not None:
        with story.on(case.sent_to_panel_day, time(14, 0)):
            rapid_review_send_to_panel(
                partnership=partnership, actor=cast.bm, rapid_review=review, sent_on=story.day(case.sent_to_panel_day)
            )
    if case.learning_review is not None:
        _learning_review_write(story=story, cast=cast, case=case, review=review, result=result)
    return incident


def _returns_write(*, story: _Story, cast: _Cast, case: DemoCase, requests: list[InformationRequest]) -> None:
    """Each return's steps (draft, submission, send-back), on their days in order across the agencies."""
    steps: list[tuple[int, time, str, InformationRequest, DemoReturn]] = []
    for request, spec in zip(requests, case.returns, strict=True):
        if spec.state == RequestState.DRAFT:
            steps.append((spec.day, time(15, 20), "draft", request, spec))
        elif spec.state in (RequestState.SUBMITTED, RequestState.SENT_BACK):
            steps.append((max(1, spec.day - 1), time(15, 20), "draft", request, spec))
            steps.append((spec.day, time(10, 45), "submit", request, spec))
            if spec.state == RequestState.SENT_BACK:
                steps.append((spec.day + 2, time(9, 50), "send_back", request, spec))
    partnership = cast.partnership
    for day, at, action, request, spec in sorted(steps, key=lambda s: (s[0], s[1], s[3].pk)):
        with story.on(day, at):
            request.refresh_from_db()
            if action == "draft":
                information_request_save_draft(
                    partnership=partnership,
                    actor=request.assignee,
                    information_request=request,
                    answers=spec.answers,
                    expected_updated_at=request.updated_at,
                )
            elif action == "submit":
                information_request_submit(
                    partnership=partnership, actor=request.assignee, information_request=request, answers=spec.answers
                )
            else:
                information_request_send_back(
                    partnership=partnership,
                    actor=cast.bm,
                    information_request=request,
                    reason=spec.sent_back_reason,
                    due_on=story.day(day + 2),
                    today=story.day(day),
                )


def _learning_review_write(
    *, story: _Story, cast: _Cast, case: DemoCase, review: RapidReview, result: DemoReviewsSeedResult
) -> None:
    """Open the learning review two working days after the Panel submission, and draft part of its form."""
    plan = case.learning_review
    partnership = cast.partnership
    opened_day = case.sent_to_panel_day + 2
    information_day = case.notified_working_days_ago - 3
    event_day = information_day - 2  # a practitioner event, where the methodology has one, ends the gathering
    lead_author = cast.person(plan.lead_author)
    with story.on(opened_day, time(10, 0)):
        learning_review = learning_review_open_from_decision(
            partnership=partnership,
            actor=cast.bm,
            rapid_review=review,
            title=plan.title,
            scope=plan.scope,
            key_lines_of_enquiry=plan.key_lines_of_enquiry,
            information_due_on=story.day(information_day),
            report_due_on=story.calendar.add_working_days(story.day(information_day), 35),
            lead_author=lead_author,
            practitioner_event_on=story.day(event_day) if plan.practitioner_event_details else None,
            practitioner_event_details=plan.practitioner_event_details,
        )
        contributors = [
            contributor_add(
                partnership=partnership, actor=cast.bm, learning_review=learning_review, person=cast.person(local_part)
            )
            for local_part in plan.contributors
        ]
    result.count("learning reviews")
    if plan.practitioner_event_details:
        with story.on(event_day, time(17, 0)):
            for contributor in contributors:
                contributor_update(
                    partnership=partnership,
                    actor=lead_author,
                    learning_review=learning_review,
                    contributor=contributor,
                    attended_event=True,
                    unable_to_contribute=False,
                )
    with story.on(information_day, time(16, 30)):
        learning_review_start_drafting(partnership=partnership, actor=lead_author, learning_review=learning_review)
    with story.on(information_day + 1, time(14, 0)):
        outcomes_form_update(
            partnership=partnership,
            actor=lead_author,
            learning_review=learning_review,
            fields=dict(plan.first_draft),
            recommendations=(),
            expected_updated_at=None,
        )
    # The latest save is today's, at the time of seeding: the lead author is part-way through.
    outcomes_form_update(
        partnership=partnership,
        actor=lead_author,
        learning_review=learning_review,
        fields={**plan.first_draft, **plan.second_draft},
        recommendations=plan.recommendations,
        expected_updated_at=None,
    )


__all__ = [
    "DEMO_REVIEWS",
    "DemoDataMissingError",
    "DemoReviewLine",
    "DemoReviewsSeedResult",
    "demo_reviews_seed",
]
