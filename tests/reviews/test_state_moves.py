"""The kernel's one state helper, over every workflow: each allowed move made, each refused move refused.

``partnership.services.states.state_move`` is what sign-offs, information
requests, learning reviews and rapid reviews all move through; every pair of
states of each model is tried here against the model's own table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from partnership.models import Deadline, HistoryEntry, SignOff
from partnership.services.deadlines import deadline_set
from partnership.services.signoff import sign_off_request
from partnership.services.states import REFUSED_MOVE, state_move
from reviews.models import InformationRequest, LearningReview, RapidReview
from tests.factories import World
from tests.reviews.factories import information_request_make, rapid_review_make
from tests.reviews.learning_review_factories import learning_review_make

# Each workflow's documented moves, written out independently of the code's tables.
DOCUMENTED: dict[type[models.Model], set[tuple[str, str]]] = {
    SignOff: {("awaiting", "approved"), ("awaiting", "sent_back"), ("sent_back", "awaiting")},
    InformationRequest: {
        ("requested", "draft"),
        ("requested", "submitted"),
        ("requested", "withdrawn"),
        ("draft", "submitted"),
        ("draft", "withdrawn"),
        ("sent_back", "draft"),
        ("sent_back", "submitted"),
        ("sent_back", "withdrawn"),
        ("submitted", "sent_back"),
    },
    LearningReview: {
        ("planning", "drafting"),
        ("drafting", "out_for_comment"),
        ("drafting", "final"),
        ("out_for_comment", "drafting"),
    },
    RapidReview: {
        ("gathering", "awaiting_sign_off"),
        ("awaiting_sign_off", "signed_off"),
        ("awaiting_sign_off", "gathering"),
        ("signed_off", "sent_to_panel"),
    },
}


def _sign_off(world: World) -> SignOff:
    return sign_off_request(partnership=world.partnership, actor=world.bm, subject=world.school)


MAKERS: dict[type[models.Model], Callable[[World], models.Model]] = {
    SignOff: _sign_off,
    InformationRequest: information_request_make,
    LearningReview: learning_review_make,
    RapidReview: rapid_review_make,
}

CASES = [(model, a, b) for model in DOCUMENTED for a in model.State.values for b in model.State.values]


@pytest.mark.parametrize("model", list(DOCUMENTED), ids=lambda m: m.__name__)
def test_each_models_table_is_its_documented_workflow(model):
    table = model.ALLOWED_MOVES
    assert set(table) == set(model.State.values)
    assert {(a, b) for a, targets in table.items() for b in targets} == DOCUMENTED[model]


@pytest.mark.parametrize(("model", "current", "to"), CASES, ids=[f"{m.__name__}:{a}->{b}" for m, a, b in CASES])
def test_every_move_is_made_or_refused_as_the_table_says(world_a, model, current, to):
    instance = MAKERS[model](world_a)
    model.objects.filter(pk=instance.pk).update(state=current)
    instance.refresh_from_db()
    entries_before = HistoryEntry.objects.count()

    if (current, to) in DOCUMENTED[model]:
        moved = state_move(
            partnership=world_a.partnership, actor=world_a.bm, instance=instance, to=to, reason="Table test"
        )
        assert moved is instance
        assert instance.state == to
        instance.refresh_from_db()
        assert instance.state == to
        entry = HistoryEntry.objects.latest("at", "id")
        assert (entry.object_id, entry.actor, entry.reason) == (instance.pk, world_a.bm, "Table test")
        assert entry.changes["state"] == {"from": model.State(current).label, "to": model.State(to).label}
    else:
        with pytest.raises(ValidationError) as refused:
            state_move(partnership=world_a.partnership, actor=world_a.bm, instance=instance, to=to)
        assert refused.value.code == REFUSED_MOVE
        assert model.State(current).label.lower() in refused.value.messages[0]
        instance.refresh_from_db()
        assert instance.state == current
        assert HistoryEntry.objects.count() == entries_before


def test_the_move_is_checked_against_the_row_as_saved_not_as_read(world_a):
    # Another request moved the review since this copy was read: the stale copy's move is refused.
    review = learning_review_make(world_a)
    stale = LearningReview.objects.get(pk=review.pk)
    state_move(partnership=world_a.partnership, actor=world_a.bm, instance=review, to="drafting")
    state_move(partnership=world_a.partnership, actor=world_a.bm, instance=review, to="final")
    with pytest.raises(ValidationError) as refused:
        state_move(partnership=world_a.partnership, actor=world_a.bm, instance=stale, to="drafting")
    assert refused.value.code == REFUSED_MOVE
    assert LearningReview.objects.get(pk=review.pk).state == "final"


def test_fields_are_saved_with_the_move_and_only_changed_ones_recorded(world_a):
    review = learning_review_make(world_a)
    state_move(partnership=world_a.partnership, actor=world_a.bm, instance=review, to="drafting")
    now = timezone.now()
    state_move(
        partnership=world_a.partnership,
        actor=world_a.bm,
        instance=review,
        to="final",
        fields={"finalised_at": now, "title": review.title},
    )
    review.refresh_from_db()
    assert review.finalised_at == now
    entry = HistoryEntry.objects.latest("at", "id")
    assert set(entry.changes) == {"state", "finalised_at"}


def test_another_partnerships_row_is_not_moved(world_a, world_b):
    review = learning_review_make(world_a)
    with pytest.raises(ValueError, match="in this partnership"):
        state_move(partnership=world_b.partnership, actor=world_b.bm, instance=review, to="drafting")
    assert LearningReview.objects.get(pk=review.pk).state == "planning"


def test_side_effects_wait_for_the_commit(world_a, django_capture_on_commit_callbacks):
    review = learning_review_make(world_a)
    ran = []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        state_move(
            partnership=world_a.partnership,
            actor=world_a.bm,
            instance=review,
            to="drafting",
            on_commit=[lambda: ran.append("told")],
        )
    assert ran == []
    assert len(callbacks) == 1


def test_a_closing_move_cancels_the_subjects_open_deadlines_and_keeps_met_ones(world_a):
    review = learning_review_make(world_a)
    due = timezone.localdate() + timedelta(days=30)
    for kind in ("test.open", "test.met"):
        deadline_set(partnership=world_a.partnership, subject=review, kind=kind, title=kind, due_on=due)
    Deadline.objects.filter(kind="test.met").update(state=Deadline.State.MET)
    state_move(partnership=world_a.partnership, actor=world_a.bm, instance=review, to="drafting")
    assert Deadline.objects.get(kind="test.open").state == Deadline.State.OPEN  # not closing: nothing changes

    state_move(partnership=world_a.partnership, actor=world_a.bm, instance=review, to="final")

    states = dict(Deadline.objects.filter(subject_id=review.pk).values_list("kind", "state"))
    assert states["test.open"] == Deadline.State.CANCELLED
    assert states["test.met"] == Deadline.State.MET
    assert not Deadline.objects.filter(subject_id=review.pk, state=Deadline.State.OPEN).exists()
