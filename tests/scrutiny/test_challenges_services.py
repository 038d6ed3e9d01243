"""The challenge log's services: raising with its checks, the table of moves, who answers, versions, the deadline
that chases the answer, recommendations made from a challenge, and the reports' section."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partnership.models import Deadline, HistoryEntry
from partnership.models.recommendations import Recommendation, RecommendationSource
from partnership.recommendation_sources import sources_load
from partnership.selectors import working_day_calendar
from partnership.selectors.tasks import my_tasks
from partnership.services.deadlines import deadlines_sweep
from scrutiny.models import Challenge
from scrutiny.report_sections import ReportScope, report_section_keys
from scrutiny.selectors.challenges import RESPONSE_DEADLINE, challenges_report_section
from scrutiny.services import challenges as services
from tests.scrutiny.challenge_helpers import State, challenge_make, challenge_moved, dashboard_path

pytestmark = pytest.mark.django_db


def _deadline(challenge: Challenge) -> Deadline:
    return Deadline.objects.in_partnership(challenge.partnership).get(kind=RESPONSE_DEADLINE, subject_id=challenge.pk)


def test_raising_numbers_it_sets_15_working_days_and_chases_the_agency_lead(world_a):
    today = date(2026, 12, 18)  # Christmas and Boxing Day (and their substitutes) fall in the 15
    challenge = challenge_make(world_a, today=today)
    assert challenge.reference == "CH-2026-001"
    assert challenge.state == State.OPEN
    assert challenge.due_on == working_day_calendar(partnership=world_a.partnership).add_working_days(today, 15)
    assert challenge.due_on == date(2027, 1, 13)
    deadline = _deadline(challenge)
    assert deadline.assignee == world_a.agency_lead.person
    assert deadline.due_on == challenge.due_on
    assert HistoryEntry.objects.filter(partnership=world_a.partnership, object_id=str(challenge.pk)).count() == 1
    assert challenge_make(world_a, today=today).reference == "CH-2026-002"


def test_a_statutory_partner_is_answered_by_its_partner_lead(world_a):
    challenge = challenge_make(world_a, agency=world_a.police)
    assert _deadline(challenge).assignee == world_a.police_lead.person


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject_path", "https://evil.example/p/alpha-scp/scrutiny/"),
        ("subject_path", "//evil.example/p/alpha-scp/scrutiny/"),
        ("subject_path", "/p/bravo-scp/scrutiny/"),
        ("subject_path", "/p/alpha-scp/no-such-page/"),
        ("subject_path", "/api/v1/partnerships/alpha-scp/scrutiny/dashboard/"),
        ("subject_path", "/p/alpha-scp/scrutiny/\\x"),
        ("subject_path", ""),
        ("subject_label", "   "),
        ("subject_label", "x" * 201),
        ("question", ""),
        ("question", "x" * 4001),
        ("due_on", "past"),
        ("agency_id", "other"),
        ("agency_id", "junk"),
        ("agency_id", 2**64),
    ],
)
def test_bad_input_is_refused_on_its_field(world_a, world_b, field, value):
    arguments = {
        "agency_id": world_a.school.pk,
        "subject_path": dashboard_path(world_a),
        "subject_label": "Overdue actions",
        "question": "Why?",
        "due_on": None,
    }
    arguments[field] = {"past": timezone.localdate(), "other": world_b.school.pk}.get(value, value)
    with pytest.raises(ValidationError) as refused:
        services.challenge_raise(
            partnership=world_a.partnership, actor=world_a.scrutineer.person, membership=world_a.scrutineer, **arguments
        )
    assert list(refused.value.message_dict) == [field]
    assert not Challenge.objects.in_partnership(world_a.partnership).exists()


def test_a_figure_link_keeps_its_query(world_a):
    challenge = challenge_make(world_a)
    assert challenge.subject_path == f"/p/{world_a.partnership.slug}/scrutiny/?year=2026"


@pytest.mark.parametrize("role", ["business_manager", "la_lead", "agency_lead", "practitioner", "lay_member"])
def test_only_the_scrutineer_raises(world_a, role):
    member = getattr(world_a, role)
    with pytest.raises(PermissionDenied):
        services.challenge_raise(
            partnership=world_a.partnership,
            actor=member.person,
            membership=member,
            agency_id=world_a.school.pk,
            subject_path=dashboard_path(world_a),
            subject_label="x",
            question="y",
        )


# --- The table of moves: every pair, allowed or refused ---------------------------------------------------

_ACTIONS = {
    State.RESPONDED: lambda w, c: services.challenge_respond(
        partnership=w.partnership,
        actor=w.agency_lead.person,
        membership=w.agency_lead,
        challenge=c,
        response="Our answer.",
        expected_updated_at=None,
    ),
    State.ACCEPTED: lambda w, c: services.challenge_accept(
        partnership=w.partnership,
        actor=w.scrutineer.person,
        membership=w.scrutineer,
        challenge=c,
        expected_updated_at=None,
    ),
    State.ESCALATED: lambda w, c: services.challenge_escalate(
        partnership=w.partnership,
        actor=w.scrutineer.person,
        membership=w.scrutineer,
        challenge=c,
        reason="No date given.",
        expected_updated_at=None,
    ),
    State.CLOSED: lambda w, c: services.challenge_close(
        partnership=w.partnership,
        actor=w.scrutineer.person,
        membership=w.scrutineer,
        challenge=c,
        outcome="Done.",
        expected_updated_at=None,
    ),
}


@pytest.mark.parametrize(("start", "to"), list(product(State.values, _ACTIONS)))
def test_every_move_of_the_table(world_a, start, to):
    challenge = challenge_moved(world_a, start)
    allowed = to in Challenge.ALLOWED_MOVES[State(start)]
    if allowed:
        _ACTIONS[to](world_a, challenge)
        challenge.refresh_from_db()
        assert challenge.state == to
        entry = HistoryEntry.objects.filter(partnership=world_a.partnership, object_id=str(challenge.pk)).first()
        assert entry.changes["state"]["to"] == State(to).label
    else:
        with pytest.raises(ValidationError) as refused:
            _ACTIONS[to](world_a, challenge)
        assert refused.value.code == "refused_move"
        challenge.refresh_from_db()
        assert challenge.state == start


@pytest.mark.parametrize(
    ("agency", "role", "answers"),
    [
        ("school", "agency_lead", True),
        ("school", "la_lead", False),  # the school is no statutory partner
        ("police", "police_lead", True),
        ("police", "health_lead", False),
        ("police", "agency_lead", False),  # another agency's lead
        ("school", "scrutineer", False),
        ("school", "business_manager", False),
    ],
)
def test_only_whoever_answers_for_the_agency_answers(world_a, agency, role, answers):
    challenge = challenge_make(world_a, agency=getattr(world_a, agency))
    member = getattr(world_a, role)

    def respond():
        return services.challenge_respond(
            partnership=world_a.partnership,
            actor=member.person,
            membership=member,
            challenge=challenge,
            response="Our answer.",
            expected_updated_at=challenge.updated_at,
        )

    if answers:
        respond()
        challenge.refresh_from_db()
        assert (challenge.state, challenge.responded_by, challenge.response) == (State.RESPONDED, member, "Our answer.")
        assert _deadline(challenge).state == Deadline.State.MET
    else:
        with pytest.raises(PermissionDenied):
            respond()
        challenge.refresh_from_db()
        assert challenge.state == State.OPEN


def test_an_empty_answer_and_an_escalation_without_reason_are_refused_on_their_fields(world_a):
    challenge = challenge_make(world_a)
    with pytest.raises(ValidationError) as refused:
        services.challenge_respond(
            partnership=world_a.partnership,
            actor=world_a.agency_lead.person,
            membership=world_a.agency_lead,
            challenge=challenge,
            response="  ",
            expected_updated_at=None,
        )
    assert list(refused.value.message_dict) == ["response"]
    challenge = challenge_moved(world_a, State.RESPONDED)
    with pytest.raises(ValidationError) as refused:
        services.challenge_escalate(
            partnership=world_a.partnership,
            actor=world_a.scrutineer.person,
            membership=world_a.scrutineer,
            challenge=challenge,
            reason="",
            expected_updated_at=None,
        )
    assert list(refused.value.message_dict) == ["reason"]


def test_a_change_from_an_out_of_date_read_is_refused_and_writes_nothing(world_a):
    challenge = challenge_make(world_a)
    read = challenge.updated_at
    services.challenge_update(
        partnership=world_a.partnership,
        actor=world_a.scrutineer.person,
        membership=world_a.scrutineer,
        challenge=challenge,
        subject_label="Reworded",
        question=challenge.question,
        due_on=challenge.due_on + timedelta(days=7),
        expected_updated_at=read,
    )
    challenge.refresh_from_db()
    assert _deadline(challenge).due_on == challenge.due_on  # the deadline moved with it
    with pytest.raises(ValidationError) as refused:
        services.challenge_respond(
            partnership=world_a.partnership,
            actor=world_a.agency_lead.person,
            membership=world_a.agency_lead,
            challenge=challenge,
            response="Answer to the old wording.",
            expected_updated_at=read,
        )
    assert refused.value.code == "stale"
    challenge.refresh_from_db()
    assert (challenge.state, challenge.response) == (State.OPEN, "")


def test_closing_cancels_the_deadline(world_a):
    challenge = challenge_moved(world_a, State.CLOSED)
    assert _deadline(challenge).state == Deadline.State.MET  # met when answered; nothing left open
    assert challenge.closed_on == timezone.localdate()
    assert challenge.outcome == "Day 3 chasing is in place."


# --- The deadline engine chases an overdue answer ----------------------------------------------------------


def test_an_overdue_answer_is_on_the_answerers_tasks_and_chased(
    world_a, monkeypatch, django_capture_on_commit_callbacks
):
    raised = date(2026, 3, 2)
    challenge = challenge_make(world_a, today=raised)
    later = challenge.due_on + timedelta(days=3)
    # The clock, mocked: the sweep and the tasks page run three days after the due date.
    monkeypatch.setattr(timezone, "localdate", lambda *args: later)

    tasks = my_tasks(person=world_a.agency_lead.person, partnership=world_a.partnership)
    [task] = [t for t in tasks.tasks if challenge.reference in t.title]
    assert task.overdue
    assert task.url.endswith(f"/scrutiny/challenges/{challenge.pk}/#response-heading")

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        counts = deadlines_sweep()
    assert counts["deadlines_breached"] == 1
    recipients = {address for m in mail.outbox for address in m.to}
    assert world_a.agency_lead.person.email in recipients
    assert world_a.bm.email in recipients
    assert _deadline(challenge).breached_at is not None

    # Answered: off the tasks, and the next sweep says nothing more.
    services.challenge_respond(
        partnership=world_a.partnership,
        actor=world_a.agency_lead.person,
        membership=world_a.agency_lead,
        challenge=challenge,
        response="Late, but here.",
        expected_updated_at=None,
    )
    tasks = my_tasks(person=world_a.agency_lead.person, partnership=world_a.partnership)
    assert not [t for t in tasks.tasks if challenge.reference in t.title]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(today=later + timedelta(days=1))
    assert not mail.outbox
    challenge.refresh_from_db()
    assert challenge.responded_on == later


def test_a_statutory_partners_overdue_answer_reaches_its_partner_lead(world_a, django_capture_on_commit_callbacks):
    challenge = challenge_make(world_a, agency=world_a.council, today=date(2026, 3, 2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(today=challenge.due_on + timedelta(days=1))
    recipients = {address for m in mail.outbox for address in m.to}
    assert world_a.la_lead.person.email in recipients


# --- Recommendations from a challenge --------------------------------------------------------------------


@pytest.mark.parametrize("state", [State.ACCEPTED, State.ESCALATED])
def test_an_accepted_or_escalated_challenge_produces_a_recommendation(world_a, state):
    challenge = challenge_moved(world_a, state)
    recommendation = services.challenge_recommend(
        partnership=world_a.partnership,
        actor=world_a.scrutineer.person,
        membership=world_a.scrutineer,
        challenge=challenge,
        text="Chase every agency's return on working day 3.",
        lead_partner="local_authority",
    )
    assert recommendation.source_kind == RecommendationSource.SCRUTINY_CHALLENGE
    assert recommendation.source_id == challenge.pk
    assert recommendation.state == Recommendation.State.DRAFT
    sources_load(partnership=world_a.partnership, recommendations=[recommendation])
    assert recommendation.source_link.url == f"/p/{world_a.partnership.slug}/scrutiny/challenges/{challenge.pk}/"
    assert challenge.reference in recommendation.source_link.description


@pytest.mark.parametrize("state", [State.OPEN, State.RESPONDED, State.CLOSED])
def test_no_recommendation_before_the_answer_is_weighed_or_after_closing(world_a, state):
    challenge = challenge_moved(world_a, state)
    with pytest.raises(ValidationError):
        services.challenge_recommend(
            partnership=world_a.partnership,
            actor=world_a.scrutineer.person,
            membership=world_a.scrutineer,
            challenge=challenge,
            text="x",
            lead_partner="police",
        )
    assert not Recommendation.objects.in_partnership(world_a.partnership).exists()


def test_a_recommendation_with_bad_input_is_refused_on_its_field(world_a):
    challenge = challenge_moved(world_a, State.ACCEPTED)
    with pytest.raises(ValidationError) as refused:
        services.challenge_recommend(
            partnership=world_a.partnership,
            actor=world_a.scrutineer.person,
            membership=world_a.scrutineer,
            challenge=challenge,
            text="x",
            lead_partner="school",
        )
    assert list(refused.value.message_dict) == ["lead_partner"]


# --- The reports' section -------------------------------------------------------------------------------


def test_the_report_section_counts_the_period_and_lists_each_challenge(world_a, world_b):
    p = world_a.partnership
    early = challenge_make(world_a, today=date(2026, 1, 5))  # due 26 January, never answered: overdue
    answered = challenge_make(world_a, today=date(2026, 2, 2), agency=world_a.police)
    services.challenge_respond(
        partnership=p,
        actor=world_a.police_lead.person,
        membership=world_a.police_lead,
        challenge=answered,
        response="Answered.",
        expected_updated_at=None,
        today=date(2026, 2, 10),
    )
    challenge_make(world_a, today=date(2026, 5, 1))  # after the quarter
    challenge_make(world_b, today=date(2026, 2, 2))  # another partnership's
    assert "challenges" in report_section_keys()
    section = challenges_report_section(
        ReportScope(partnership=p, start=date(2026, 1, 1), end=date(2026, 3, 31), kind="quarterly")
    )
    assert section.key == "challenges"
    assert "raised 2 challenges; 1 was answered in the period and 1 answer was overdue" in section.paragraphs[0]
    [table] = section.tables
    assert [row[0] for row in table.rows] == [early.reference, answered.reference]
    assert table.rows[1][1:] == (
        world_a.police.name,
        "Rapid review timeliness, 2026 Q1, late",
        "2 Feb 2026",
        "23 Feb 2026",
        "10 Feb 2026",
        "Responded",
    )
    # A quarter with nothing to say leaves the section out.
    assert (
        challenges_report_section(
            ReportScope(
                partnership=world_b.partnership, start=date(2025, 1, 1), end=date(2025, 3, 31), kind="quarterly"
            )
        )
        is None
    )
