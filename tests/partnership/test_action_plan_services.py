"""Action plans' services: the plan's 10-working-day clock, SMART actions, progress with evidence, completion.

Who may see and change what is ``recommendation_access``'s (tested role by role
in test_action_plan_access.py); here, what each service guarantees.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partnership.models import Deadline, HistoryEntry
from partnership.models.recommendations import Action, ActionPlan, ActionUpdate, Rag, Recommendation, StoredFile
from partnership.services import action_plans as services
from partnership.services import files as file_service
from tests.partnership.action_plan_factories import action_make, pdf_upload, recommendation_make

pytestmark = pytest.mark.django_db
State = Recommendation.State


def plan_deadline(recommendation: Recommendation) -> Deadline:
    return Deadline.objects.get(
        subject_type=ContentType.objects.get_for_model(ActionPlan),
        subject_id=recommendation.action_plan.pk,
        kind=services.DEADLINE_ACTION_PLAN,
    )


def action_deadline(action: Action) -> Deadline:
    return Deadline.objects.get(
        subject_type=ContentType.objects.get_for_model(Action), subject_id=action.pk, kind=services.DEADLINE_ACTION
    )


def london(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


# --- The plan's clock: 10 working days on the partnership's calendar ---------------------------------------


@pytest.mark.parametrize(
    ("signed_off_at", "due_on"),
    [
        # Tue 22 Dec 2026: skips Christmas (Fri 25), the Boxing Day substitute (Mon 28) and New Year's Day
        # (Fri 1 Jan) with their weekends: Wed 23, Thu 24, Tue 29, Wed 30, Thu 31, Mon 4 ... Fri 8 January.
        (london(2026, 12, 22, 16, 30), date(2027, 1, 8)),
        # Mon 24 May 2027: the late May bank holiday (Mon 31 May) pushes it from Mon 7 to Tue 8 June.
        (london(2027, 5, 24, 9, 0), date(2027, 6, 8)),
        # No bank holiday between: Mon 2 Nov 2026 -> Mon 16 Nov 2026.
        (london(2026, 11, 2, 9, 0), date(2026, 11, 16)),
    ],
)
def test_the_plan_is_due_10_working_days_after_sign_off_across_bank_holidays(world_a, signed_off_at, due_on):
    recommendation = recommendation_make(world_a, signed_off_at=signed_off_at, actions=0)

    deadline = plan_deadline(recommendation)

    assert deadline.due_on == due_on
    assert deadline.assignee == world_a.bm
    assert recommendation.state == State.ACTION_PLANNING


def test_agreeing_the_plan_meets_its_deadline_and_starts_delivery(world_a):
    recommendation = recommendation_make(world_a, actions=1)

    services.action_plan_agree(
        partnership=world_a.partnership, membership=world_a.la_lead, recommendation=recommendation
    )

    recommendation.refresh_from_db()
    assert recommendation.state == State.IN_PROGRESS
    assert plan_deadline(recommendation).state == Deadline.State.MET
    assert ActionPlan.objects.get(pk=recommendation.action_plan.pk).agreed_by == world_a.la_lead.person


def test_a_plan_without_actions_cannot_be_agreed(world_a):
    recommendation = recommendation_make(world_a, actions=0)

    with pytest.raises(ValidationError, match="at least one action"):
        services.action_plan_agree(
            partnership=world_a.partnership, membership=world_a.business_manager, recommendation=recommendation
        )

    assert Recommendation.objects.get(pk=recommendation.pk).state == State.ACTION_PLANNING


def test_an_agreed_plan_cannot_be_agreed_again(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)

    with pytest.raises(ValidationError) as refused:
        services.action_plan_agree(
            partnership=world_a.partnership, membership=world_a.business_manager, recommendation=recommendation
        )

    assert refused.value.code == "refused_move"


# --- SMART actions ---------------------------------------------------------------------------------------


def test_an_action_is_a_deadline_for_its_lead_person(world_a):
    recommendation = recommendation_make(world_a, actions=0)
    due_on = timezone.localdate() + timedelta(days=40)

    action = action_make(world_a, recommendation, due_on=due_on, lead_person=world_a.agency_lead.person)

    deadline = action_deadline(action)
    assert (deadline.due_on, deadline.assignee) == (due_on, world_a.agency_lead.person)
    assert recommendation.reference in deadline.title
    assert action.position == 1


def test_every_missing_smart_field_is_named(world_a):
    recommendation = recommendation_make(world_a, actions=0)

    with pytest.raises(ValidationError) as refused:
        services.action_add(
            partnership=world_a.partnership,
            membership=world_a.business_manager,
            recommendation=recommendation,
            what=" ",
            lead_agency_id=None,
            due_on=None,
            measure_of_success="",
        )

    assert set(refused.value.message_dict) == {"what", "lead_agency", "due_on", "measure_of_success"}
    assert not Action.objects.exists()


def test_a_new_action_cannot_be_due_in_the_past(world_a):
    recommendation = recommendation_make(world_a, actions=0)

    with pytest.raises(ValidationError) as refused:
        action_make(world_a, recommendation, due_on=timezone.localdate() - timedelta(days=1))

    assert "due_on" in refused.value.message_dict


@pytest.mark.parametrize("field", ["lead_agency_id", "lead_person_id"])
def test_another_partnerships_agency_or_person_is_refused_like_a_missing_one(world_a, world_b, field):
    recommendation = recommendation_make(world_a, actions=0)
    theirs = {"lead_agency_id": world_b.school.pk, "lead_person_id": world_b.practitioner.person.pk}[field]
    base = {
        "what": "Audit the referrals",
        "lead_agency_id": world_a.school.pk,
        "lead_person_id": None,
        "due_on": timezone.localdate() + timedelta(days=30),
        "measure_of_success": "Audit done",
    }
    messages = []
    for value in (theirs, 987654):
        with pytest.raises(ValidationError) as refused:
            services.action_add(
                partnership=world_a.partnership,
                membership=world_a.business_manager,
                recommendation=recommendation,
                **{**base, field: value},
            )
        messages.append(refused.value.message_dict)

    assert messages[0] == messages[1]
    assert list(messages[0]) == [field.removesuffix("_id")]
    assert not Action.objects.exists()


def test_editing_an_action_moves_its_deadline(world_a):
    recommendation = recommendation_make(world_a, actions=1)
    action = Action.objects.get(plan__recommendation=recommendation)
    later = action.due_on + timedelta(days=14)

    services.action_edit(
        partnership=world_a.partnership,
        membership=world_a.business_manager,
        action=action,
        what=action.what,
        lead_agency_id=world_a.police.pk,
        lead_person_id=world_a.police_lead.person.pk,
        due_on=later,
        measure_of_success=action.measure_of_success,
        expected_updated_at=action.updated_at,
    )

    deadline = action_deadline(action)
    assert (deadline.due_on, deadline.assignee) == (later, world_a.police_lead.person)


def test_a_concurrent_edit_of_an_action_is_refused_not_overwritten(world_a):
    recommendation = recommendation_make(world_a, actions=1)
    action = Action.objects.get(plan__recommendation=recommendation)
    read_by_both = action.updated_at
    fields = {
        "lead_agency_id": action.lead_agency_id,
        "lead_person_id": action.lead_person_id,
        "due_on": action.due_on,
        "measure_of_success": action.measure_of_success,
    }
    services.action_edit(
        partnership=world_a.partnership,
        membership=world_a.business_manager,
        action=action,
        what="First editor's wording",
        expected_updated_at=read_by_both,
        **fields,
    )

    with pytest.raises(ValidationError) as refused:
        services.action_edit(
            partnership=world_a.partnership,
            membership=world_a.la_lead,
            action=action,
            what="Second editor's wording",
            expected_updated_at=read_by_both,
            **fields,
        )

    assert refused.value.code == "stale"
    assert Action.objects.get(pk=action.pk).what == "First editor's wording"


def test_progress_moves_the_version_so_an_edit_from_before_it_is_refused(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    read = action.updated_at
    services.action_update_record(
        partnership=world_a.partnership,
        membership=world_a.agency_lead,
        action=action,
        on=timezone.localdate(),
        note="Sessions booked.",
        rag=Rag.GREEN,  # the same RAG as before: the version still moves on
    )

    with pytest.raises(ValidationError) as refused:
        services.action_complete(
            partnership=world_a.partnership,
            membership=world_a.business_manager,
            action=action,
            expected_updated_at=read,
        )

    assert refused.value.code == "stale"
    assert Action.objects.get(pk=action.pk).completed_at is None


def test_reordering_takes_every_action_of_the_plan_once(world_a, world_b):
    recommendation = recommendation_make(world_a, actions=3)
    first, second, third = Action.objects.filter(plan__recommendation=recommendation).order_by("position")
    theirs = Action.objects.get(plan__recommendation=recommendation_make(world_b, actions=1))

    for wrong in ([first.pk, second.pk], [first.pk, second.pk, theirs.pk], [first.pk, first.pk, third.pk]):
        with pytest.raises(ValidationError) as refused:
            services.action_plan_reorder(
                partnership=world_a.partnership,
                membership=world_a.business_manager,
                recommendation=recommendation,
                action_ids=wrong,
            )
        assert "action_ids" in refused.value.message_dict
    services.action_plan_reorder(
        partnership=world_a.partnership,
        membership=world_a.business_manager,
        recommendation=recommendation,
        action_ids=[third.pk, first.pk, second.pk],
    )

    order = list(
        Action.objects.filter(plan__recommendation=recommendation).order_by("position").values_list("pk", flat=True)
    )
    assert order == [third.pk, first.pk, second.pk]
    assert action_deadline(third).title.startswith("Action 1 ")


def test_removing_an_action_cancels_its_deadline_and_renumbers_the_rest(world_a):
    recommendation = recommendation_make(world_a, actions=3)
    first, second, third = Action.objects.filter(plan__recommendation=recommendation).order_by("position")

    services.action_remove(partnership=world_a.partnership, membership=world_a.business_manager, action=second)

    assert not Action.objects.filter(pk=second.pk).exists()
    assert (
        Deadline.objects.filter(subject_id=second.pk, state=Deadline.State.OPEN, kind=services.DEADLINE_ACTION).count()
        == 0
    )
    assert list(
        Action.objects.filter(plan__recommendation=recommendation).order_by("position").values_list("pk", "position")
    ) == [
        (first.pk, 1),
        (third.pk, 2),
    ]


def test_an_action_with_progress_stays_in_the_plan(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    services.action_update_record(
        partnership=world_a.partnership,
        membership=world_a.business_manager,
        action=action,
        on=timezone.localdate(),
        note="Started.",
        rag=Rag.AMBER,
    )

    with pytest.raises(ValidationError, match="stays in the plan"):
        services.action_remove(partnership=world_a.partnership, membership=world_a.business_manager, action=action)


# --- Progress and evidence --------------------------------------------------------------------------------


def test_progress_is_recorded_with_its_rag_and_evidence(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)

    update = services.action_update_record(
        partnership=world_a.partnership,
        membership=world_a.agency_lead,
        action=action,
        on=timezone.localdate(),
        note="Three of five sessions delivered; two rebooked after staff sickness.",
        rag=Rag.AMBER,
        evidence=[pdf_upload("register.pdf"), SimpleUploadedFile("notes.txt", b"Attendance: 41 staff")],
    )

    assert Action.objects.get(pk=action.pk).rag == Rag.AMBER
    files = StoredFile.objects.filter(owner_id=update.pk, owner_type=ContentType.objects.get_for_model(ActionUpdate))
    assert sorted(files.values_list("name", "media_type")) == [
        ("notes.txt", "text/plain"),
        ("register.pdf", "application/pdf"),
    ]
    assert update.author == world_a.agency_lead.person


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("page.pdf", b"<html><script>alert(1)</script></html>"), "must be PDF"),
        (SimpleUploadedFile("empty.pdf", b""), "The file is empty."),
        (SimpleUploadedFile("big.pdf", b"%PDF-" + b"x" * 2048), "10 MB or smaller"),
        (SimpleUploadedFile("run.exe", b"MZ\x90\x00\x03"), "must be PDF"),
    ],
)
def test_bad_evidence_refuses_the_whole_update(world_a, monkeypatch, upload, message):
    monkeypatch.setattr(file_service, "MAX_FILE_BYTES", 1024)
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)

    with pytest.raises(ValidationError) as refused:
        services.action_update_record(
            partnership=world_a.partnership,
            membership=world_a.business_manager,
            action=action,
            on=timezone.localdate(),
            note="With evidence.",
            rag=Rag.RED,
            evidence=[pdf_upload("good.pdf"), upload],
        )

    assert message in refused.value.message_dict["evidence"][0]
    assert upload.name in refused.value.message_dict["evidence"][0]
    assert not ActionUpdate.objects.exists()
    assert not StoredFile.objects.exists()
    assert Action.objects.get(pk=action.pk).rag == Rag.GREEN


def test_an_update_needs_a_note_a_past_date_and_a_progress_rag(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)

    with pytest.raises(ValidationError) as refused:
        services.action_update_record(
            partnership=world_a.partnership,
            membership=world_a.business_manager,
            action=action,
            on=timezone.localdate() + timedelta(days=1),
            note="",
            rag=Rag.COMPLETE,
        )

    assert set(refused.value.message_dict) == {"on", "note", "rag"}


def test_completing_an_action_meets_its_deadline(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)

    services.action_complete(
        partnership=world_a.partnership, membership=world_a.practitioner, action=action, note="All trained."
    )

    action.refresh_from_db()
    assert (action.rag, action.completed_at is not None) == (Rag.COMPLETE, True)
    assert action_deadline(action).state == Deadline.State.MET
    assert ActionUpdate.objects.get(action=action).note == "All trained."
    with pytest.raises(ValidationError, match="complete"):
        services.action_update_record(
            partnership=world_a.partnership,
            membership=world_a.business_manager,
            action=action,
            on=timezone.localdate(),
            note="More",
            rag=Rag.GREEN,
        )


# --- The recommendation's end ------------------------------------------------------------------------------


def test_completing_a_recommendation_needs_impact_and_names_the_actions_not_complete(world_a):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS, actions=2)
    first, _second = Action.objects.filter(plan__recommendation=recommendation).order_by("position")
    services.action_complete(partnership=world_a.partnership, membership=world_a.business_manager, action=first)

    with pytest.raises(ValidationError) as refused:
        services.recommendation_complete(
            partnership=world_a.partnership,
            membership=world_a.business_manager,
            recommendation=recommendation,
            impact_evidence="",
        )

    errors = refused.value.message_dict
    assert "impact_evidence" in errors
    assert "action 2" in errors["__all__"][0]
    assert "action 1 " not in errors["__all__"][0]
    assert Recommendation.objects.get(pk=recommendation.pk).state == State.IN_PROGRESS


def test_complete_close_and_reopen(world_a):
    recommendation = recommendation_make(world_a, state=State.COMPLETED)
    assert recommendation.impact_evidence
    assert recommendation.completed_at is not None

    with pytest.raises(PermissionDenied):
        services.recommendation_close_completed(
            partnership=world_a.partnership, membership=world_a.la_lead, recommendation=recommendation
        )
    services.recommendation_reopen(
        partnership=world_a.partnership,
        membership=world_a.la_lead,
        recommendation=recommendation,
        reason="The re-audit was too small to rely on.",
    )
    reopened = Recommendation.objects.get(pk=recommendation.pk)
    assert (reopened.state, reopened.completed_at) == (State.IN_PROGRESS, None)
    with pytest.raises(ValidationError) as refused:
        services.recommendation_close_completed(
            partnership=world_a.partnership, membership=world_a.business_manager, recommendation=reopened
        )
    assert refused.value.code == "refused_move"
    history = HistoryEntry.objects.filter(object_id=str(recommendation.pk), reason__startswith="The re-audit")
    assert history.exists()


def test_a_closed_recommendation_stops_its_plans_deadlines_and_refuses_changes(world_a):
    recommendation = recommendation_make(world_a, state=State.CLOSED)

    assert recommendation.closed_at is not None
    with pytest.raises(ValidationError):
        action_make(world_a, recommendation)
