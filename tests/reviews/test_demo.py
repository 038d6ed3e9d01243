"""The demo reviews (``reviews.demo``, ``manage.py seed_demo_reviews``): live stages, made by the services, once.

The demo is seeded once for the module (it takes a few seconds) inside a
transaction rolled back at the end; each test runs in a savepoint inside it.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from partnership.demo import demo_email, demo_seed
from partnership.models import (
    Deadline,
    HistoryEntry,
    Partnership,
    Person,
    SignOff,
    SignOffAction,
    StatutoryPartner,
)
from partnership.selectors import working_day_calendar
from reviews.demo import DEMO_REVIEWS, demo_reviews_seed
from reviews.models import (
    PANEL_SUBMISSION_DAY,
    RETURNS_DUE_DAY,
    SCOPING_SENT_DAY,
    Child,
    DecisionOutcome,
    InformationRequest,
    LearningReview,
    MeetingAttendee,
    RapidReview,
    RapidReviewDecision,
    SeriousIncident,
)
from reviews.selectors.decision import rapid_review_quorum
from reviews.selectors.rapid_review import (
    DEADLINE_MEETING,
    DEADLINE_PANEL,
    DEADLINE_RETURNS,
    DEADLINE_SCOPING,
    rapid_review_list,
)

pytestmark = pytest.mark.django_db

RequestState = InformationRequest.State
State = RapidReview.State
SLUGS = [d.slug for d in DEMO_REVIEWS]
AREAS = {d.slug: d.area for d in DEMO_REVIEWS}
COUNTED = [
    SeriousIncident,
    Child,
    RapidReview,
    InformationRequest,
    MeetingAttendee,
    RapidReviewDecision,
    SignOff,
    SignOffAction,
    LearningReview,
    Deadline,
    HistoryEntry,
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo partnerships and their reviews, made once; rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        demo_seed()
        result = demo_reviews_seed()
        yield result
        transaction.set_rollback(True)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def reviews_of(slug: str) -> dict[str, RapidReview]:
    """The partnership's rapid reviews by what the demo shows: gathering, awaiting, sent, overdue."""
    partnership = Partnership.objects.get(slug=slug)
    today = timezone.localdate()
    rows = list(RapidReview.objects.in_partnership(partnership).select_related("incident"))
    assert len(rows) == 4
    by_stage = {}
    for review in rows:
        if review.state == State.GATHERING:
            key = "overdue" if review.panel_submission_due_on < today else "gathering"
        else:
            key = {State.AWAITING_SIGN_OFF: "awaiting", State.SENT_TO_PANEL: "sent"}[review.state]
        assert key not in by_stage
        by_stage[key] = review
    return by_stage


def requests_of(review: RapidReview) -> dict[str, InformationRequest]:
    rows = InformationRequest.objects.filter(rapid_review=review).select_related("assignee", "agency")
    return {r.assignee.email.split("@")[0]: r for r in rows}


def member(slug: str, local_part: str) -> Person:
    return Person.objects.get(email=demo_email(local_part, AREAS[slug]))


# --- What is made -------------------------------------------------------------------------


def test_every_case_is_reported_and_counted(seeded):
    assert [line.reference for line in seeded.reviews] == [c.reference for d in DEMO_REVIEWS for c in d.cases]
    assert seeded.created == {
        "rapid reviews": 8,
        "information requests": 27,
        "decisions": 4,
        "learning reviews": 2,
        "recommendations": 14,
    }
    assert sum(line.overdue for line in seeded.reviews) == 2


@pytest.mark.parametrize("slug", SLUGS)
def test_milestones_and_deadlines_come_from_the_calendar(seeded, slug):
    partnership = Partnership.objects.get(slug=slug)
    calendar = working_day_calendar(partnership=partnership)
    for review in reviews_of(slug).values():
        notified = review.incident.panel_notified_on
        assert review.scoping_due_on == calendar.add_working_days(notified, SCOPING_SENT_DAY)
        assert review.returns_due_on == calendar.add_working_days(notified, RETURNS_DUE_DAY)
        assert review.panel_submission_due_on == calendar.add_working_days(notified, PANEL_SUBMISSION_DAY)
        kinds = set(
            Deadline.objects.in_partnership(partnership)
            .filter(subject_type=ContentType.objects.get_for_model(RapidReview), subject_id=review.pk)
            .values_list("kind", flat=True)
        )
        assert {DEADLINE_SCOPING, DEADLINE_RETURNS, DEADLINE_MEETING, DEADLINE_PANEL} <= kinds
        assert {f"request.{r.pk}" for r in review.requests.all()} <= kinds
        assert review.incident.children.exists()
        assert all(child.pseudonym.startswith("Child ") for child in review.incident.children.all())


@pytest.mark.parametrize("slug", SLUGS)
def test_one_review_gathering_returns_notified_days_ago(seeded, slug):
    review = reviews_of(slug)["gathering"]
    calendar = working_day_calendar(partnership=review.partnership)
    today = timezone.localdate()
    assert 1 <= calendar.working_days_between(review.incident.panel_notified_on, today) < RETURNS_DUE_DAY
    states = sorted(r.state for r in review.requests.all())
    assert states == sorted([RequestState.REQUESTED, RequestState.DRAFT, RequestState.SUBMITTED])
    assert review.meeting_on is not None
    assert review.meeting_on > today
    assert not RapidReviewDecision.objects.filter(rapid_review=review).exists()


@pytest.mark.parametrize("slug", SLUGS)
def test_demo_practitioner_has_an_open_request(seeded, slug):
    practitioner = member(slug, "practitioner")
    review = reviews_of(slug)["gathering"]
    request = requests_of(review)["practitioner"]
    assert request.state == RequestState.REQUESTED
    assert request.due_on == review.returns_due_on >= timezone.localdate()
    deadline = Deadline.objects.get(kind=f"request.{request.pk}")
    assert deadline.assignee == practitioner
    assert deadline.state == Deadline.State.OPEN


@pytest.mark.parametrize("slug", SLUGS)
def test_one_decision_awaits_sign_off_with_one_partner_approved(seeded, slug):
    review = reviews_of(slug)["awaiting"]
    quorate, missing = rapid_review_quorum(review)
    assert quorate, missing
    assert review.meeting_on <= timezone.localdate()
    decision = RapidReviewDecision.objects.get(rapid_review=review)
    sign_off = SignOff.objects.get(subject_type=ContentType.objects.get_for_model(decision), subject_id=decision.pk)
    assert sign_off.state == SignOff.State.AWAITING
    approved = SignOffAction.objects.filter(sign_off=sign_off, action=SignOffAction.Action.APPROVED)
    assert list(approved.values_list("partner", flat=True)) == [StatutoryPartner.LOCAL_AUTHORITY]
    assert review.panel_submission_due_on >= timezone.localdate()
    assert all(r.state == RequestState.SUBMITTED for r in review.requests.all())


@pytest.mark.parametrize("slug", SLUGS)
def test_one_sent_to_the_panel_on_time_with_a_learning_review_part_drafted(seeded, slug):
    review = reviews_of(slug)["sent"]
    assert review.sent_to_panel_on <= timezone.localdate()
    assert review.working_days_taken <= PANEL_SUBMISSION_DAY
    assert review.delay_reason == ""
    decision = RapidReviewDecision.objects.get(rapid_review=review)
    assert decision.outcome == DecisionOutcome.LEARNING_REVIEW
    sign_off = SignOff.objects.get(subject_type=ContentType.objects.get_for_model(decision), subject_id=decision.pk)
    assert sign_off.state == SignOff.State.APPROVED
    assert timezone.localdate(sign_off.completed_at) <= review.sent_to_panel_on
    panel = Deadline.objects.get(
        subject_type=ContentType.objects.get_for_model(RapidReview), subject_id=review.pk, kind=DEADLINE_PANEL
    )
    assert panel.state == Deadline.State.MET

    learning_review = LearningReview.objects.get(rapid_review=review)
    assert learning_review.methodology == decision.methodology
    assert learning_review.state == LearningReview.State.DRAFTING
    assert learning_review.contributors.count() >= 3
    form = learning_review.outcomes_form
    assert form.synopsis
    assert form.how_undertaken
    assert form.family_details
    assert not form.dissemination  # part-drafted
    assert not form.family_involvement
    assert form.recommendations.exists()
    if learning_review.practitioner_event_on is not None:
        assert learning_review.practitioner_event_on < timezone.localdate()
        assert all(c.attended_event for c in learning_review.contributors.all())


@pytest.mark.parametrize("slug", SLUGS)
def test_one_overdue_still_gathering(seeded, slug):
    review = reviews_of(slug)["overdue"]
    today = timezone.localdate()
    assert review.panel_submission_due_on < today
    assert review.sent_to_panel_on is None
    assert review.meeting_on > today  # reconvened, or not held yet
    overdue = rapid_review_list(partnership=review.partnership, overdue_on=today)
    assert list(overdue) == [review]
    open_requests = [r for r in review.requests.all() if r.state != RequestState.SUBMITTED]
    assert open_requests


def test_history_and_times_follow_the_story(seeded):
    """The services' "now" stamps are moved to the story's days: nothing in the future, in story order."""
    now = timezone.now()
    review = reviews_of("ashby-scp")["sent"]
    incident = review.incident
    assert timezone.localdate(incident.created_at) == incident.panel_notified_on
    for request in review.requests.all():
        assert request.requested_at < request.submitted_at < now
        assert timezone.localdate(request.submitted_at) <= review.meeting_on
    history = HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RapidReview), object_id=str(review.pk)
    ).order_by("at", "id")
    moves = [h.changes["state"]["to"] for h in history if "state" in h.changes]
    assert moves == [
        "Gathering information",
        "Decision awaiting partner sign-off",
        "Decision signed off",
        "Sent to the national Panel",
    ]
    assert max(h.at for h in history) < now
    assert not HistoryEntry.objects.filter(at__gt=now).exists()
    # Everything the demo wrote has an author: the business manager, the practitioners, the partner leads.
    assert not history.filter(actor__isnull=True).exists()


def test_children_are_invented_and_kept_out_of_history(seeded):
    child = Child.objects.get(incident__reference="ASH-SI-017")
    assert child.pseudonym == "Child A"
    assert "Example" in child.address or "Fictional" in child.address
    assert not HistoryEntry.objects.filter(changes__icontains=child.name).exists()


# --- Again, and the command ---------------------------------------------------------------


def test_running_again_creates_nothing(seeded):
    before = counts()
    result = demo_reviews_seed()
    assert result.created == {}
    assert counts() == before
    assert [line.reference for line in result.reviews] == [line.reference for line in seeded.reviews]


def test_command_prints_what_is_there(seeded):
    out = StringIO()
    call_command("seed_demo_reviews", stdout=out)
    output = out.getvalue()
    assert "nothing new" in output
    for definition in DEMO_REVIEWS:
        for case in definition.cases:
            assert case.reference in output
    assert "(overdue)" in output
    assert "LR-" in output


def test_command_refuses_a_production_site(seeded, settings):
    settings.PRODUCTION = True
    before = counts()
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo_reviews", stdout=StringIO())
    assert counts() == before


def test_command_says_to_seed_the_partnerships_first(seeded):
    Partnership.objects.filter(slug="wessex-scp").update(slug="wessex-renamed")
    with pytest.raises(CommandError, match="seed_demo first"):
        call_command("seed_demo_reviews", stdout=StringIO())


# --- The pages show them ----------------------------------------------------------------------


def test_business_manager_sees_the_reviews(seeded, client_for):
    client = client_for(member("ashby-scp", "bm"))
    url = reverse("reviews:rapid_review_list", kwargs={"slug": "ashby-scp"})
    html = client.get(url).content.decode()
    for case in DEMO_REVIEWS[0].cases:
        assert case.reference in html
    overdue = client.get(url, {"overdue": "1"}).content.decode()
    assert "ASH-SI-015" in overdue
    assert "ASH-SI-017" not in overdue
    for review in reviews_of("ashby-scp").values():
        kwargs = {"slug": "ashby-scp", "rapid_review_id": review.pk}
        assert client.get(reverse("reviews:rapid_review_detail", kwargs=kwargs)).status_code == 200
        assert client.get(reverse("reviews:rapid_review_decision", kwargs=kwargs)).status_code == 200
    learning_review = LearningReview.objects.get(partnership__slug="ashby-scp")
    kwargs = {"slug": "ashby-scp", "learning_review_id": learning_review.pk}
    assert client.get(reverse("reviews:learning_review_detail", kwargs=kwargs)).status_code == 200
    assert client.get(reverse("reviews:learning_review_outcomes_form", kwargs=kwargs)).status_code == 200


def test_practitioner_opens_their_request(seeded, client_for):
    request = requests_of(reviews_of("wessex-scp")["gathering"])["practitioner"]
    client = client_for(member("wessex-scp", "practitioner"))
    tasks = client.get(reverse("partnership:my_tasks", kwargs={"slug": "wessex-scp"}))
    assert tasks.status_code == 200
    assert "WSX-SI-105" in tasks.content.decode()
    page = client.get(reverse("reviews:request_detail", kwargs={"slug": "wessex-scp", "request_id": request.pk}))
    assert page.status_code == 200


def test_recommendations_at_every_state_in_both_partnerships(seeded):
    from partnership.models.recommendations import ActionPlan, Recommendation

    State = Recommendation.State  # noqa: N806
    # "Signed off" lasts only until its action plan opens, in the same transaction: it is never left standing.
    lasting = set(State.values) - {State.SIGNED_OFF}
    for slug in AREAS:
        rows = Recommendation.objects.filter(partnership__slug=slug)
        assert set(rows.values_list("state", flat=True)) == lasting
        planned = rows.filter(state__in=[State.ACTION_PLANNING, State.IN_PROGRESS, State.COMPLETED])
        assert ActionPlan.objects.filter(recommendation__in=planned).count() == 3
        assert rows.get(state=State.SENT_BACK).sent_back_reason
