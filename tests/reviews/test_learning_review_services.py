"""Learning review services: opening, planning, contributors, the state table, circulation, comments,
finalising and the publication decision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partnership.models import Deadline, Document, DocumentVersion, HistoryEntry, Role
from partnership.subjects import deadline_url
from reviews.models import (
    Contributor,
    DecisionOutcome,
    LearningReview,
    Methodology,
    OutcomeComment,
    OutcomesForm,
    Publication,
)
from reviews.selectors.learning_review import (
    DEADLINE_COMMENTS,
    DEADLINE_INFORMATION,
    DEADLINE_REPORT,
    DOCUMENT_OUTCOMES_FORM,
    OUTCOMES_FORM_AUDIENCE,
)
from reviews.services import learning_review as services
from reviews.services.learning_review import ALLOWED_MOVES, _set_state
from tests.factories import membership_make
from tests.reviews.decision_helpers import all_approve, decision_record, ready_review
from tests.reviews.learning_review_factories import contributor_make, learning_review_make

pytestmark = pytest.mark.django_db
State = LearningReview.State


def _deadline(subject, kind: str) -> Deadline | None:
    return Deadline.objects.filter(
        subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk, kind=kind
    ).first()


def _filled_form(world, review, **fields) -> None:
    values = {"synopsis": "A short synopsis.", "key_findings": "Key learning.", **fields}
    form = OutcomesForm.objects.get(learning_review=review)
    services.outcomes_form_update(
        partnership=world.partnership,
        actor=world.practitioner.person,
        learning_review=review,
        fields=values,
        recommendations=[],
        expected_updated_at=form.updated_at,
    )


def _drafting(world, review) -> LearningReview:
    services.learning_review_start_drafting(partnership=world.partnership, actor=world.bm, learning_review=review)
    review.refresh_from_db()
    return review


def _circulated(world, review, *, due=None) -> LearningReview:
    services.learning_review_circulate(
        partnership=world.partnership,
        actor=world.practitioner.person,
        learning_review=review,
        comments_due_on=due or timezone.localdate() + timedelta(days=7),
    )
    review.refresh_from_db()
    return review


# --- Opening -----------------------------------------------------------------------------------------


def test_opening_numbers_the_review_makes_its_form_deadlines_history_and_tells_the_lead_author(world_a):
    first = learning_review_make(world_a)
    second = learning_review_make(world_a, title="Second review")
    year = timezone.localdate().year
    assert (first.reference, second.reference) == (f"LR-{year}-001", f"LR-{year}-002")
    assert first.state == State.PLANNING
    assert OutcomesForm.objects.filter(learning_review=first, partnership=world_a.partnership).exists()

    information = _deadline(first, DEADLINE_INFORMATION)
    report = _deadline(first, DEADLINE_REPORT)
    assert information.due_on == first.information_due_on
    assert information.assignee is None
    assert report.due_on == first.report_due_on
    assert report.assignee == world_a.practitioner.person
    assert deadline_url(report).endswith(f"/learning-reviews/{first.pk}/outcomes-form/")

    assert HistoryEntry.objects.filter(object_id=str(first.pk), action=HistoryEntry.Action.CREATED).exists()


def test_opening_emails_the_lead_author_after_commit(world_a, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review = learning_review_make(world_a)
    assert [m.to for m in mail.outbox] == [[world_a.practitioner.person.email]]
    assert review.reference in mail.outbox[0].subject


def test_references_are_numbered_per_partnership(world_a, world_b):
    a = learning_review_make(world_a)
    b = learning_review_make(world_b)
    assert a.reference == b.reference  # each partnership counts its own


def test_information_due_after_the_report_is_refused_with_a_clear_message_and_nothing_written(world_a):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        learning_review_make(
            world_a, information_due_on=today + timedelta(days=30), report_due_on=today + timedelta(days=10)
        )
    message = refused.value.message_dict["report_due_on"][0]
    assert "cannot be due" in message
    assert "before information gathering ends" in message
    assert not LearningReview.objects.exists()
    assert not Deadline.objects.filter(kind__startswith="lr.").exists()


def test_the_same_day_for_information_and_report_is_allowed(world_a):
    day = timezone.localdate() + timedelta(days=10)
    review = learning_review_make(world_a, information_due_on=day, report_due_on=day)
    assert review.information_due_on == review.report_due_on == day


def test_missing_plan_fields_are_each_named(world_a):
    with pytest.raises(ValidationError) as refused:
        learning_review_make(
            world_a,
            title=" ",
            methodology="séance",
            scope="",
            key_lines_of_enquiry="",
            information_due_on=None,
            report_due_on=None,
            lead_author=None,
        )
    assert set(refused.value.message_dict) == {
        "title",
        "methodology",
        "scope",
        "key_lines_of_enquiry",
        "information_due_on",
        "report_due_on",
        "lead_author",
    }


def test_the_lead_author_must_be_an_active_member_of_this_partnership(world_a, world_b):
    with pytest.raises(ValidationError) as refused:
        learning_review_make(world_a, lead_author=world_b.practitioner.person)
    assert "active member of this partnership" in refused.value.message_dict["lead_author"][0]

    world_a.observer.is_active = False
    world_a.observer.save()
    with pytest.raises(ValidationError):
        learning_review_make(world_a, lead_author=world_a.observer.person)


@pytest.mark.parametrize("who", ["la_lead", "practitioner", "scrutineer", "observer"])
def test_only_a_business_manager_opens_a_review(world_a, who):
    with pytest.raises(PermissionDenied):
        learning_review_make(world_a, actor=getattr(world_a, who).person)
    assert not LearningReview.objects.exists()


def test_every_methodology_can_be_chosen(world_a):
    for methodology in Methodology.values:
        assert learning_review_make(world_a, methodology=methodology).methodology == methodology


# --- Opening from a rapid review's decision ---------------------------------------------------------------


def _decided(world, outcome=DecisionOutcome.LEARNING_REVIEW, methodology=Methodology.PRACTITIONER, approve=True):
    review = ready_review(world)
    decision_record(world, review, outcome=outcome, methodology=methodology)
    if approve:
        all_approve(world, review)
    review.refresh_from_db()
    return review


def _open_from(world, rapid_review):
    today = timezone.localdate()
    return services.learning_review_open_from_decision(
        partnership=world.partnership,
        actor=world.bm,
        rapid_review=rapid_review,
        title="Following the rapid review",
        scope="Scope",
        key_lines_of_enquiry="Lines",
        information_due_on=today + timedelta(days=5),
        report_due_on=today + timedelta(days=20),
        lead_author=world.practitioner.person,
    )


def test_a_signed_off_learning_review_decision_opens_a_review_with_its_methodology(world_a):
    rapid_review = _decided(world_a)
    review = _open_from(world_a, rapid_review)
    assert review.rapid_review == rapid_review
    assert review.methodology == Methodology.PRACTITIONER


def test_a_second_review_from_the_same_decision_is_refused(world_a):
    rapid_review = _decided(world_a)
    first = _open_from(world_a, rapid_review)
    with pytest.raises(ValidationError, match=first.reference):
        _open_from(world_a, rapid_review)


def test_a_decision_not_signed_off_or_of_another_outcome_opens_nothing(world_a):
    with pytest.raises(ValidationError, match="not been signed off"):
        _open_from(world_a, _decided(world_a, approve=False))
    with pytest.raises(ValidationError, match="not another learning review"):
        _open_from(world_a, _decided(world_a, outcome=DecisionOutcome.LCSPR, methodology=""))
    assert not LearningReview.objects.exists()


def test_another_partnerships_rapid_review_opens_nothing(world_a, world_b):
    rapid_review = _decided(world_b)
    with pytest.raises(ValidationError, match="another partnership"):
        _open_from(world_a, rapid_review)


# --- The plan ------------------------------------------------------------------------------------------------


def test_moving_the_dates_moves_the_deadlines_and_a_new_lead_author_takes_the_report(world_a):
    review = learning_review_make(world_a)
    new_info = review.information_due_on + timedelta(days=3)
    new_report = review.report_due_on + timedelta(days=7)
    changes = services.learning_review_update_plan(
        partnership=world_a.partnership,
        actor=world_a.bm,
        learning_review=review,
        expected_updated_at=review.updated_at,
        information_due_on=new_info,
        report_due_on=new_report,
        lead_author=world_a.agency_lead.person,
    )
    assert {"information_due_on", "report_due_on", "lead_author"} <= changes.keys()
    assert _deadline(review, DEADLINE_INFORMATION).due_on == new_info
    report = _deadline(review, DEADLINE_REPORT)
    assert (report.due_on, report.assignee) == (new_report, world_a.agency_lead.person)


def test_a_plan_change_from_a_stale_page_is_refused(world_a):
    review = learning_review_make(world_a)
    stale = review.updated_at
    services.learning_review_update_plan(
        partnership=world_a.partnership, actor=world_a.bm, learning_review=review, title="Changed first"
    )
    with pytest.raises(ValidationError) as refused:
        services.learning_review_update_plan(
            partnership=world_a.partnership,
            actor=world_a.bm,
            learning_review=review,
            expected_updated_at=stale,
            title="Changed second",
        )
    assert refused.value.code == "stale"
    review.refresh_from_db()
    assert review.title == "Changed first"


def test_the_plan_refuses_the_report_before_information_on_edit_too(world_a):
    review = learning_review_make(world_a)
    with pytest.raises(ValidationError) as refused:
        services.learning_review_update_plan(
            partnership=world_a.partnership,
            actor=world_a.bm,
            learning_review=review,
            report_due_on=review.information_due_on - timedelta(days=1),
        )
    assert "report_due_on" in refused.value.message_dict


def test_a_contributor_cannot_change_the_plan(world_a):
    review = learning_review_make(world_a)
    contributor_make(world_a, review)
    with pytest.raises(PermissionDenied):
        services.learning_review_update_plan(
            partnership=world_a.partnership, actor=world_a.agency_lead.person, learning_review=review, title="Mine"
        )


# --- Contributors --------------------------------------------------------------------------------------------


def test_contributors_are_active_members_once_each_with_their_agency(world_a, world_b):
    review = learning_review_make(world_a)
    contributor = contributor_make(world_a, review, attended_event=True)
    assert contributor.agency == world_a.agency_lead.agency
    assert contributor.attended_event
    with pytest.raises(ValidationError, match="already a contributor"):
        contributor_make(world_a, review)
    with pytest.raises(ValidationError) as refused:
        contributor_make(world_a, review, membership=world_b.practitioner)
    assert "person" in refused.value.message_dict


def test_contributor_flags_are_recorded_and_removal_keeps_history(world_a):
    review = learning_review_make(world_a)
    contributor = contributor_make(world_a, review)
    services.contributor_update(
        partnership=world_a.partnership,
        actor=world_a.practitioner.person,
        learning_review=review,
        contributor=contributor,
        attended_event=False,
        unable_to_contribute=True,
    )
    contributor.refresh_from_db()
    assert contributor.unable_to_contribute
    services.contributor_remove(
        partnership=world_a.partnership, actor=world_a.bm, learning_review=review, contributor=contributor
    )
    assert not Contributor.objects.filter(pk=contributor.pk).exists()
    assert HistoryEntry.objects.filter(object_id=str(contributor.pk), action=HistoryEntry.Action.DELETED).exists()


# --- The state table -----------------------------------------------------------------------------------------


MOVES = [(a, b) for a in State.values for b in State.values]


@pytest.mark.parametrize(("current", "to"), MOVES)
def test_set_state_allows_exactly_the_moves_of_the_table(world_a, current, to):
    review = learning_review_make(world_a)
    LearningReview.objects.filter(pk=review.pk).update(state=current)
    review.refresh_from_db()
    if to in ALLOWED_MOVES[current]:
        _set_state(partnership=world_a.partnership, actor=world_a.bm, learning_review=review, to=to)
        review.refresh_from_db()
        assert review.state == to
        entry = HistoryEntry.objects.filter(object_id=str(review.pk)).order_by("-id").first()
        assert entry.changes["state"] == {"from": State(current).label, "to": State(to).label}
    else:
        with pytest.raises(ValidationError) as refused:
            _set_state(partnership=world_a.partnership, actor=world_a.bm, learning_review=review, to=to)
        assert refused.value.code == "refused_move"
        review.refresh_from_db()
        assert review.state == current


def test_the_table_is_the_documented_workflow():
    assert {
        State.PLANNING: {State.DRAFTING},
        State.DRAFTING: {State.OUT_FOR_COMMENT, State.FINAL},
        State.OUT_FOR_COMMENT: {State.DRAFTING},
        State.FINAL: set(),
    } == ALLOWED_MOVES


def test_start_drafting_meets_the_information_deadline(world_a):
    review = _drafting(world_a, learning_review_make(world_a))
    assert review.state == State.DRAFTING
    assert _deadline(review, DEADLINE_INFORMATION).state == Deadline.State.MET


def test_refused_moves_through_the_services_say_why(world_a):
    review = learning_review_make(world_a)
    contributor_make(world_a, review)
    with pytest.raises(ValidationError, match="start drafting first"):
        _circulated(world_a, review)
    _filled_form(world_a, review)
    with pytest.raises(ValidationError, match="start drafting first"):
        services.learning_review_finalise(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    with pytest.raises(ValidationError, match="nothing to take back"):
        services.learning_review_take_back(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    review = _circulated(world_a, _drafting(world_a, review))
    with pytest.raises(ValidationError, match="already started"):
        services.learning_review_start_drafting(
            partnership=world_a.partnership, actor=world_a.bm, learning_review=review
        )
    with pytest.raises(ValidationError, match="take their comments back before finalising"):
        services.learning_review_finalise(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    with pytest.raises(ValidationError, match="already with contributors"):
        _circulated(world_a, review)


# --- Circulation and comments ------------------------------------------------------------------------------------


def test_circulating_emails_each_contributor_and_gives_each_a_comments_deadline(
    world_a, django_capture_on_commit_callbacks
):
    review = _drafting(world_a, learning_review_make(world_a))
    able = contributor_make(world_a, review)
    second = contributor_make(world_a, review, membership=world_a.health_lead)
    unable = contributor_make(world_a, review, membership=world_a.lay_member, unable_to_contribute=True)
    due = timezone.localdate() + timedelta(days=10)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        recipients = services.learning_review_circulate(
            partnership=world_a.partnership,
            actor=world_a.practitioner.person,
            learning_review=review,
            comments_due_on=due,
            message="Please look at the findings especially.",
        )
    assert {c.pk for c in recipients} == {able.pk, second.pk}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([able.person.email, second.person.email])
    assert all("Please look at the findings especially." in m.body for m in mail.outbox)
    assert all(f"/learning-reviews/{review.pk}/comments/" in m.body for m in mail.outbox)
    for contributor in (able, second):
        deadline = _deadline(contributor, DEADLINE_COMMENTS)
        assert (deadline.due_on, deadline.assignee, deadline.state) == (due, contributor.person, Deadline.State.OPEN)
    assert _deadline(unable, DEADLINE_COMMENTS) is None
    review.refresh_from_db()
    assert (review.state, review.comments_due_on) == (State.OUT_FOR_COMMENT, due)


def test_circulating_needs_a_date_not_in_the_past_and_someone_to_send_to(world_a):
    review = _drafting(world_a, learning_review_make(world_a))
    with pytest.raises(ValidationError) as refused:
        _circulated(world_a, review)
    assert "Add the contributors first" in refused.value.message_dict["comments_due_on"][0]
    contributor_make(world_a, review)
    with pytest.raises(ValidationError, match="cannot be in the past"):
        _circulated(world_a, review, due=timezone.localdate() - timedelta(days=1))
    review.refresh_from_db()
    assert review.state == State.DRAFTING


def test_a_contributor_cannot_circulate(world_a):
    review = _drafting(world_a, learning_review_make(world_a))
    contributor_make(world_a, review)
    with pytest.raises(PermissionDenied):
        services.learning_review_circulate(
            partnership=world_a.partnership,
            actor=world_a.agency_lead.person,
            learning_review=review,
            comments_due_on=timezone.localdate(),
        )


def test_a_comment_meets_the_contributors_deadline_and_is_marked_late_after_the_due_date(world_a):
    review = _drafting(world_a, learning_review_make(world_a))
    contributor = contributor_make(world_a, review)
    due = timezone.localdate() + timedelta(days=2)
    review = _circulated(world_a, review, due=due)
    on_time = services.outcome_comment_add(
        partnership=world_a.partnership,
        actor=contributor.person,
        learning_review=review,
        section="synopsis",
        body="The synopsis could say more about the school's part.",
    )
    assert not on_time.late
    assert on_time.section == "synopsis"
    assert _deadline(contributor, DEADLINE_COMMENTS).state == Deadline.State.MET

    later = timezone.now() + timedelta(days=5)
    late = services.outcome_comment_add(
        partnership=world_a.partnership,
        actor=contributor.person,
        learning_review=review,
        section="",
        body="One more thought on the whole form.",
        now=later,
    )
    assert late.late  # accepted, and marked late
    assert OutcomeComment.objects.filter(form__learning_review=review).count() == 2


@pytest.mark.parametrize("who", ["business_manager", "practitioner", "la_lead", "scrutineer"])
def test_only_contributors_comment(world_a, who):
    review = _drafting(world_a, learning_review_make(world_a))
    contributor_make(world_a, review)
    review = _circulated(world_a, review)
    with pytest.raises(PermissionDenied):
        services.outcome_comment_add(
            partnership=world_a.partnership,
            actor=getattr(world_a, who).person,
            learning_review=review,
            section="",
            body="Not mine to make.",
        )


def test_comments_are_refused_when_the_draft_is_not_out_and_for_an_unknown_section(world_a):
    review = _drafting(world_a, learning_review_make(world_a))
    contributor = contributor_make(world_a, review)
    with pytest.raises(ValidationError, match="not out for comment"):
        services.outcome_comment_add(
            partnership=world_a.partnership, actor=contributor.person, learning_review=review, section="", body="Hi"
        )
    review = _circulated(world_a, review)
    with pytest.raises(ValidationError) as refused:
        services.outcome_comment_add(
            partnership=world_a.partnership, actor=contributor.person, learning_review=review, section="x", body=" "
        )
    assert set(refused.value.message_dict) == {"section", "body"}


def test_taking_back_closes_comments_and_a_second_round_reopens_the_deadlines(world_a):
    review = _drafting(world_a, learning_review_make(world_a))
    contributor = contributor_make(world_a, review)
    quiet = contributor_make(world_a, review, membership=world_a.health_lead)
    review = _circulated(world_a, review)
    services.outcome_comment_add(
        partnership=world_a.partnership, actor=contributor.person, learning_review=review, section="", body="Fine."
    )
    services.learning_review_take_back(
        partnership=world_a.partnership, actor=world_a.practitioner.person, learning_review=review
    )
    review.refresh_from_db()
    assert review.state == State.DRAFTING
    assert _deadline(contributor, DEADLINE_COMMENTS).state == Deadline.State.MET
    assert _deadline(quiet, DEADLINE_COMMENTS).state == Deadline.State.CANCELLED

    new_due = timezone.localdate() + timedelta(days=20)
    review = _circulated(world_a, review, due=new_due)
    for c in (contributor, quiet):
        deadline = _deadline(c, DEADLINE_COMMENTS)
        assert (deadline.state, deadline.due_on) == (Deadline.State.OPEN, new_due)


def test_a_contributor_added_while_out_for_comment_is_sent_the_draft(world_a, django_capture_on_commit_callbacks):
    review = _drafting(world_a, learning_review_make(world_a))
    contributor_make(world_a, review)
    review = _circulated(world_a, review)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        late_joiner = contributor_make(world_a, review, membership=world_a.police_lead)
    assert [m.to for m in mail.outbox] == [[world_a.police_lead.person.email]]
    assert _deadline(late_joiner, DEADLINE_COMMENTS).due_on == review.comments_due_on


# --- Finalising ----------------------------------------------------------------------------------------------------


def test_finalising_needs_the_synopsis_and_key_findings(world_a):
    review = _drafting(world_a, learning_review_make(world_a))
    with pytest.raises(ValidationError) as refused:
        services.learning_review_finalise(
            partnership=world_a.partnership, actor=world_a.practitioner.person, learning_review=review
        )
    assert set(refused.value.message_dict) == {"synopsis", "key_findings"}
    review.refresh_from_db()
    assert review.state == State.DRAFTING


def test_finalising_queues_the_pdf_emails_the_business_managers_and_freezes_the_form(
    world_a, django_capture_on_commit_callbacks
):
    second_bm = membership_make(
        partnership=world_a.partnership,
        agency=world_a.council,
        roles=[Role.BUSINESS_MANAGER],
        email="bm2@alpha.example",
    )
    review = _drafting(world_a, learning_review_make(world_a))
    _filled_form(world_a, review)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        version = services.learning_review_finalise(
            partnership=world_a.partnership, actor=world_a.practitioner.person, learning_review=review
        )
    review.refresh_from_db()
    assert review.state == State.FINAL
    assert review.finalised_at is not None
    assert version.state == DocumentVersion.State.QUEUED
    document = Document.objects.get(pk=version.document_id)
    assert document.kind == DOCUMENT_OUTCOMES_FORM
    assert document.audience == OUTCOMES_FORM_AUDIENCE
    assert "Final" in version.html
    assert "Draft" not in version.html.split("<main", 1)[1][:2000]
    assert len(callbacks) >= 2  # the render task and the email, both after commit
    to_bms = [m for m in mail.outbox if "Final outcomes form" in m.subject]
    assert sorted(to_bms[0].to) == sorted([world_a.bm.email, second_bm.person.email])
    assert f"/documents/{version.pk}/" in to_bms[0].body
    assert _deadline(review, DEADLINE_REPORT).state == Deadline.State.MET

    form = OutcomesForm.objects.get(learning_review=review)
    with pytest.raises(ValidationError, match="final"):
        services.outcomes_form_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            learning_review=review,
            fields={"synopsis": "Changed after all"},
            recommendations=[],
            expected_updated_at=form.updated_at,
        )
    with pytest.raises(ValidationError, match="final"):
        services.learning_review_update_plan(
            partnership=world_a.partnership, actor=world_a.bm, learning_review=review, title="Too late"
        )


def test_rendering_the_same_final_form_twice_keeps_one_version(world_a):
    review = _drafting(world_a, learning_review_make(world_a))
    _filled_form(world_a, review)
    version = services.learning_review_finalise(
        partnership=world_a.partnership, actor=world_a.bm, learning_review=review
    )
    review.refresh_from_db()
    again = services.outcomes_form_render(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    assert again.pk == version.pk


# --- Publication ---------------------------------------------------------------------------------------------------


def test_the_publication_decision_is_recorded_with_reasons_by_a_manager_or_partner_lead(world_a):
    review = learning_review_make(world_a)
    with pytest.raises(ValidationError) as refused:
        services.learning_review_record_publication(
            partnership=world_a.partnership, actor=world_a.bm, learning_review=review, publication="maybe", reasons=""
        )
    assert set(refused.value.message_dict) == {"publication", "publication_reasons"}
    services.learning_review_record_publication(
        partnership=world_a.partnership,
        actor=world_a.health_lead.person,
        learning_review=review,
        publication=Publication.SUMMARY,
        reasons="The family asked that only a summary be published.",
    )
    review.refresh_from_db()
    assert review.publication == Publication.SUMMARY
    entry = HistoryEntry.objects.filter(object_id=str(review.pk)).order_by("-id").first()
    assert "publication" in entry.changes
    with pytest.raises(PermissionDenied):
        services.learning_review_record_publication(
            partnership=world_a.partnership,
            actor=world_a.practitioner.person,  # the lead author
            learning_review=review,
            publication=Publication.FULL,
            reasons="Mine to decide?",
        )
