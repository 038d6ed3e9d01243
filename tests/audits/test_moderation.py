"""Moderation and the challenge event: moderated scores, challenge notes, agreed actions; who may moderate;
stale moderation refused; pages, API and another partnership's ids."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits.models import GapAction, ReturnStandard, SelfAssessmentReturn
from audits.services import moderation
from audits.services import self_assessment as sa
from tests.audits.sa_helpers import cycle_make, fill, return_of

pytestmark = pytest.mark.django_db
State = SelfAssessmentReturn.State


def _submitted(world) -> SelfAssessmentReturn:
    ret = return_of(world, cycle_make(world).cycle, world.school)
    lead = world.agency_lead
    ret = sa.return_save(
        partnership=world.partnership, membership=lead, assessment_return=ret, answers=fill(ret), expected_version=1
    )
    return sa.return_submit(partnership=world.partnership, membership=lead, assessment_return=ret, expected_version=2)


def _standard(world, ret, key: str) -> ReturnStandard:
    return ReturnStandard.objects.in_partnership(world.partnership).get(assessment_return=ret, section_key=key)


def test_moderating_records_scores_and_notes_and_moves_the_return_on(world_a):
    ret = _submitted(world_a)
    yesterday = timezone.localdate() - timedelta(days=1)

    moderated = moderation.return_moderate(
        partnership=world_a.partnership,
        actor=world_a.la_lead.person,
        assessment_return=ret,
        scores={"training": 1, "supervision": "2"},
        notes={"training": "Compliance is 60%, not 95% as claimed."},
        challenge_event_on=yesterday,
        expected_version=ret.edit_version,
    )

    assert moderated.state == State.MODERATED
    assert moderated.challenge_event_on == yesterday
    training = _standard(world_a, ret, "training")
    assert (training.self_score, training.moderated_score) == (3, 1)
    assert training.challenge_notes == "Compliance is 60%, not 95% as claimed."
    assert _standard(world_a, ret, "supervision").moderated_score == 2

    # Revised later, from the version now saved.
    again = moderation.return_moderate(
        partnership=world_a.partnership,
        actor=world_a.bm,
        assessment_return=moderated,
        scores={"training": None},
        notes={},
        challenge_event_on=yesterday,
        expected_version=moderated.edit_version,
    )
    assert again.state == State.MODERATED
    assert _standard(world_a, ret, "training").moderated_score is None


def test_bad_moderation_is_refused_whole(world_a):
    ret = _submitted(world_a)

    with pytest.raises(ValidationError) as excinfo:
        moderation.return_moderate(
            partnership=world_a.partnership,
            actor=world_a.bm,
            assessment_return=ret,
            scores={"training": 9, "supervision": 2, "no-such": 1},
            notes={"training": "x" * 4001},
            challenge_event_on=timezone.localdate() + timedelta(days=3),
            expected_version=ret.edit_version,
        )

    assert set(excinfo.value.message_dict) == {
        "moderated_training",
        "moderated_no-such",
        "notes_training",
        "challenge_event_on",
    }
    assert _standard(world_a, ret, "supervision").moderated_score is None
    ret.refresh_from_db()
    assert ret.state == State.SUBMITTED


def test_a_draft_cannot_be_moderated_and_a_stale_moderation_is_refused(world_a):
    draft = return_of(world_a, cycle_make(world_a).cycle, world_a.council)
    with pytest.raises(ValidationError) as excinfo:
        moderation.return_moderate(
            partnership=world_a.partnership,
            actor=world_a.bm,
            assessment_return=draft,
            scores={},
            notes={},
            challenge_event_on=None,
            expected_version=None,
        )
    assert excinfo.value.code == "not_editable"

    ret = return_of(world_a, draft.cycle, world_a.school)
    ret = sa.return_save(
        partnership=world_a.partnership,
        membership=world_a.agency_lead,
        assessment_return=ret,
        answers=fill(ret),
        expected_version=1,
    )
    ret = sa.return_submit(
        partnership=world_a.partnership, membership=world_a.agency_lead, assessment_return=ret, expected_version=2
    )
    seen = ret.edit_version
    moderation.return_moderate(
        partnership=world_a.partnership,
        actor=world_a.bm,
        assessment_return=ret,
        scores={"training": 2},
        notes={},
        challenge_event_on=None,
        expected_version=seen,
    )
    with pytest.raises(ValidationError) as excinfo:
        moderation.return_moderate(
            partnership=world_a.partnership,
            actor=world_a.la_lead.person,
            assessment_return=ret,
            scores={"training": 0},
            notes={},
            challenge_event_on=None,
            expected_version=seen,
        )
    assert excinfo.value.code == "stale"
    assert _standard(world_a, ret, "training").moderated_score == 2


def test_agreed_actions_are_recorded_against_a_standard_of_the_return(world_a):
    ret = _submitted(world_a)
    training = _standard(world_a, ret, "training")
    due = timezone.localdate() + timedelta(days=60)

    action = moderation.agreed_action_add(
        partnership=world_a.partnership,
        actor=world_a.bm,
        assessment_return=ret,
        standard=training,
        action="Re-audit training compliance",
        owner="Named nurse",
        due_on=due,
    )

    assert action.agreed_at_challenge
    with pytest.raises(ValidationError) as excinfo:
        moderation.agreed_action_add(
            partnership=world_a.partnership,
            actor=world_a.bm,
            assessment_return=ret,
            standard=training,
            action="",
            owner="",
            due_on=timezone.localdate() - timedelta(days=1),
        )
    assert set(excinfo.value.message_dict) == {"action", "owner", "due_on"}


def _url(name: str, world, **kwargs) -> str:
    return reverse(name, kwargs={"slug": world.partnership.slug, **kwargs})


def test_the_moderation_page(world_a, client_for, django_assert_max_num_queries):
    ret = _submitted(world_a)
    page_url = _url("audits:sa_return_moderate", world_a, return_id=ret.pk)
    client = client_for(world_a.health_lead.person)
    client.get(page_url)

    with django_assert_max_num_queries(16):
        response = client.get(page_url)
    assert response.status_code == 200
    assert 'data-testid="moderation-form"' in response.content.decode()

    bad = client.post(page_url, {"edit_version": ret.edit_version, "moderated_training": "9"})
    assert bad.status_code == 400
    assert 'id="id_moderated_training-error"' in bad.content.decode()
    done = client.post(
        page_url,
        {"edit_version": ret.edit_version, "moderated_training": "1", "notes_training": "Evidence thin."},
    )
    assert done.status_code == 302
    assert _standard(world_a, ret, "training").moderated_score == 1
    stale = client.post(page_url, {"edit_version": ret.edit_version, "moderated_training": "0"})
    assert stale.status_code == 400
    assert "Someone else moderated this return" in stale.content.decode()

    training = _standard(world_a, ret, "training")
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    added = client.post(
        _url("audits:agreed_action_add", world_a, return_id=ret.pk),
        {"standard": training.pk, "action": "Re-audit", "owner": "Lead", "due_on": due},
    )
    assert added.status_code == 302
    assert GapAction.objects.in_partnership(world_a.partnership).get().agreed_at_challenge
    missing = client.post(_url("audits:agreed_action_add", world_a, return_id=ret.pk), {"standard": training.pk})
    assert missing.status_code == 400

    for membership in (world_a.agency_lead, world_a.scrutineer, world_a.practitioner):
        assert client_for(membership.person).get(page_url).status_code == 403


def test_moderation_over_the_api(world_a, client_for):
    ret = _submitted(world_a)
    client = client_for(world_a.bm)
    target = _url("audits_api:sa_return_moderation", world_a, return_id=ret.pk)

    def post(body):
        return client.post(target, data=json.dumps(body), content_type="application/json")

    done = post({"edit_version": ret.edit_version, "scores": {"training": 2}, "notes": {"training": "Agreed."}})
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "moderated"
    training = next(s for s in done.json()["standards"] if s["key"] == "training")
    assert (training["moderated_score"], training["challenge_notes"]) == (2, "Agreed.")
    assert post({"edit_version": ret.edit_version, "scores": {"training": 1}}).status_code == 409
    assert post({"edit_version": done.json()["edit_version"], "scores": {"training": 7}}).status_code == 400
    lead = client_for(world_a.agency_lead.person)
    assert lead.post(target, data=json.dumps({"edit_version": 1}), content_type="application/json").status_code == 403

    due = str(timezone.localdate() + timedelta(days=9))
    actions = _url("audits_api:agreed_action_list", world_a, return_id=ret.pk)
    created = client.post(
        actions,
        data=json.dumps({"standard": training["id"], "action": "Re-audit", "owner": "Lead", "due_on": due}),
        content_type="application/json",
    )
    assert created.status_code == 201
    assert created.json()["agreed_at_challenge"] is True


def test_another_partnerships_return_and_standard_are_refused_like_missing_ones(world_a, world_b, client_for):
    ret_a = _submitted(world_a)
    ret_b = _submitted(world_b)
    standard_a = _standard(world_a, ret_a, "training")
    client = client_for(world_b.bm)

    assert client.get(_url("audits:sa_return_moderate", world_b, return_id=ret_a.pk)).status_code == 404
    assert (
        client.post(
            _url("audits_api:sa_return_moderation", world_b, return_id=ret_a.pk),
            data=json.dumps({"edit_version": 1}),
            content_type="application/json",
        ).status_code
        == 404
    )
    due = str(timezone.localdate() + timedelta(days=9))
    body = {"standard": standard_a.pk, "action": "x", "owner": "y", "due_on": due}
    refused = client.post(
        _url("audits_api:agreed_action_list", world_b, return_id=ret_b.pk),
        data=json.dumps(body),
        content_type="application/json",
    )
    missing = client.post(
        _url("audits_api:agreed_action_list", world_b, return_id=ret_b.pk),
        data=json.dumps({**body, "standard": 99_999_999}),
        content_type="application/json",
    )
    assert refused.status_code == missing.status_code == 400
    assert refused.json() == missing.json() == {"standard": ["No such standard in this return."]}
    page = client.post(_url("audits:agreed_action_add", world_b, return_id=ret_b.pk), {**body, "due_on": due})
    assert page.status_code == 400
    assert not GapAction.objects.in_partnership(world_b.partnership).exists()
