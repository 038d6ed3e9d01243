"""Ten years of past rapid reviews and learning reviews in a demo partnership, for the scrutiny dashboard.

The live demo cases (``reviews.demo.ashby`` and ``wessex``) show the workflow at its interesting stages; scrutiny
looks back over years: notification and Panel timeliness by quarter, the meetings' decisions by year, learning
reviews by methodology and stage. This writes that history as finished records, the figures plausible (about
eight notifications a year; more sent on time as the years go on, as the pilot's 44% improved; a fifth decided
LCSPR, a third another learning review), from a fixed seed so every demo shows the same figures.

Written as rows, not through the services: these are closed records of the past (their history, deadlines and
emails happened long ago). Each child is a pseudonym with an invented name on ``Example Road``. Idempotent:
keyed on the ``HIST-`` reference series of the partnership.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.utils import timezone

from partnership.models import Agency, Partnership, Person
from partnership.selectors import working_day_calendar
from reviews.models import (
    PANEL_SUBMISSION_DAY,
    Child,
    DecisionOutcome,
    HarmOutcome,
    LearningReview,
    Methodology,
    Publication,
    RapidReview,
    RapidReviewDecision,
    SeriousIncident,
)
from reviews.selectors.rapid_review import rapid_review_milestones

HISTORY_PREFIX = "HIST-"
HISTORY_YEARS = 10
_REASON = "Recorded when the review was decided; kept for the scrutiny dashboard's history."
_DELAYS = (
    "Awaiting a post-mortem report.",
    "One agency's return was late.",
    "The meeting had to be moved for a partner lead's absence.",
    "Complexity of the case: several agencies and two local authorities.",
)


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10))


def _weekday(day: date) -> date:
    """The day, or the Monday after it at a weekend (at most two days on: the quarter stays the same)."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def demo_review_history_seed(
    *, partnership: Partnership, business_manager: Person, agencies: list[Agency], today: date, seed: int = 17
) -> int:
    """Writes ten years of closed rapid reviews (decided, sent to the Panel) with their learning reviews, before
    the year of ``today``, in ``partnership``; ``agencies`` refer them in turn. Returns how many reviews it made
    (0 when the history is there already)."""
    if SeriousIncident.objects.in_partnership(partnership).filter(reference__startswith=HISTORY_PREFIX).exists():
        return 0
    rng = random.Random(f"{seed}-{partnership.slug}")  # noqa: S311 (demo figures, not security)
    calendar = working_day_calendar(partnership=partnership)
    made = 0
    first_year = today.year - HISTORY_YEARS
    for year in range(first_year, today.year):
        # Timeliness improves over the decade: from about half on time to about nine in ten.
        on_time_share = 0.45 + 0.45 * (year - first_year) / (HISTORY_YEARS - 1)
        # One to three notifications a quarter (about eight a year), so every quarter of the decade has figures.
        days = [
            _weekday(date(year, 3 * quarter - 2, 1) + timedelta(days=rng.randint(0, 85)))
            for quarter in range(1, 5)
            for _ in range(rng.randint(1, 3))
        ]
        for number, notified in enumerate(sorted(days), start=1):
            _review_write(
                partnership=partnership,
                business_manager=business_manager,
                agency=agencies[made % len(agencies)],
                reference=f"{HISTORY_PREFIX}{year}-{number:02d}",
                notified=notified,
                on_time=rng.random() < on_time_share,
                calendar=calendar,
                rng=rng,
                today=today,
            )
            made += 1
    return made


def _review_write(
    *,
    partnership: Partnership,
    business_manager: Person,
    agency: Agency,
    reference: str,
    notified: date,
    on_time: bool,
    calendar,
    rng: random.Random,
    today: date,
) -> None:
    # Mostly within the 5 working days, now and then a few days beyond (calendar days back; the calendar counts).
    aware = notified - timedelta(days=rng.choice([0, 1, 1, 2, 3, 4, 6, 7, 8, 11]))
    incident = SeriousIncident.objects.create(
        partnership=partnership,
        reference=reference,
        incident_on=aware - timedelta(days=rng.randint(0, 7)),
        la_aware_on=aware,
        panel_notified_on=notified,
        notification_working_days=calendar.working_days_between(aware, notified),
        outcome=HarmOutcome.DEATH if rng.random() < 0.3 else HarmOutcome.SERIOUS_HARM,
        summary="A past serious incident, described without identifying details.",
        referring_agency=agency,
        recorded_by=business_manager,
        created_at=_at(notified),
    )
    Child.objects.create(
        partnership=partnership,
        incident=incident,
        position=1,
        pseudonym="Child A",
        name=f"Sam Example {reference[-7:]}",
        address="14 Example Road",
    )
    taken = rng.randint(9, PANEL_SUBMISSION_DAY) if on_time else rng.randint(PANEL_SUBMISSION_DAY + 1, 60)
    sent_on = calendar.add_working_days(notified, taken)
    review = RapidReview.objects.create(
        partnership=partnership,
        incident=incident,
        state=RapidReview.State.SENT_TO_PANEL,
        meeting_on=calendar.add_working_days(notified, min(taken - 2, 13)),
        sent_to_panel_on=sent_on,
        working_days_taken=taken,
        delay_reason="" if on_time else rng.choice(_DELAYS),
        created_at=_at(notified),
        **rapid_review_milestones(calendar=calendar, notified_on=notified).as_fields(),
    )
    outcome = rng.choices(list(DecisionOutcome), weights=[20, 33, 47])[0]
    methodology = rng.choice(list(Methodology)) if outcome == DecisionOutcome.LEARNING_REVIEW else ""
    RapidReviewDecision.objects.create(
        partnership=partnership,
        rapid_review=review,
        outcome=outcome,
        methodology=methodology,
        reason_improvements_needed=_REASON,
        reason_recurrent_themes=_REASON,
        reason_agencies_working_together=_REASON,
        reason_panel_view=_REASON,
        recorded_by=business_manager,
        recorded_at=_at(sent_on),
    )
    if outcome == DecisionOutcome.NO_FURTHER_REVIEW:
        return
    opened = sent_on + timedelta(days=rng.randint(3, 20))
    age = (today - opened).days
    state = (
        LearningReview.State.FINAL
        if age > 240
        else LearningReview.State.OUT_FOR_COMMENT
        if age > 150
        else LearningReview.State.DRAFTING
    )
    LearningReview.objects.create(
        partnership=partnership,
        reference=reference.replace(HISTORY_PREFIX, "HIST-LR-"),
        title=f"Learning review following rapid review {reference}",
        rapid_review=review,
        methodology=methodology or Methodology.PRACTITIONER,
        scope="Agencies' work with the family in the year before the incident.",
        key_lines_of_enquiry="How did agencies share what they knew? How was the child's voice heard?",
        information_due_on=opened + timedelta(days=30),
        report_due_on=opened + timedelta(days=180),
        lead_author=business_manager,
        state=state,
        publication=rng.choice(Publication.values) if state == LearningReview.State.FINAL else "",
        publication_reasons="Agreed by the partners." if state == LearningReview.State.FINAL else "",
        finalised_at=_at(opened + timedelta(days=200)) if state == LearningReview.State.FINAL else None,
        created_by=business_manager,
        created_at=_at(opened),
    )


def demo_review_history_seed_all(*, today: date) -> list[tuple[str, int]]:
    """The history in every demo partnership of ``reviews.demo`` (its business manager records, its first five
    agencies refer): (partnership name, reviews made). ``DemoDataMissingError`` before ``seed_demo``."""
    from partnership.models import Membership, Role
    from reviews.demo.cases import DemoDataMissingError
    from reviews.demo.wessex import DEMO_REVIEWS

    made = []
    for definition in DEMO_REVIEWS:
        partnership = Partnership.objects.filter(slug=definition.slug).first()
        manager = (
            Membership.objects.filter(partnership=partnership, is_active=True, roles__role=Role.BUSINESS_MANAGER)
            .select_related("person")
            .first()
            if partnership
            else None
        )
        if manager is None:
            raise DemoDataMissingError(
                f"There is no partnership {definition.slug} with a business manager: run seed_demo."
            )
        agencies = list(Agency.objects.in_partnership(partnership).filter(is_active=True).order_by("name")[:5])
        count = demo_review_history_seed(
            partnership=partnership, business_manager=manager.person, agencies=agencies, today=today
        )
        made.append((partnership.name, count))
    return made
