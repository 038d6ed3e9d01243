"""Three-partner sign-off: all three approve to complete, any sends back, rounds, history, refusals.

The subject signed off here is an agency: the sign-off takes any row of the
partnership (rapid-review decisions and recommendations use it the same way).
"""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from partnership.forms.signoff import SignOffDecisionForm
from partnership.models import (
    HistoryEntry,
    Membership,
    Role,
    SignOff,
    SignOffAction,
    StatutoryPartner,
)
from partnership.selectors.signoff import (
    sign_off_for_subject,
    sign_off_history,
    sign_off_panel,
    sign_off_summary,
)
from partnership.services import signoff as services
from partnership.services.signoff import sign_off_approve, sign_off_request, sign_off_send_back
from tests.factories import World, membership_make

LA, HEALTH, POLICE = StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.HEALTH, StatutoryPartner.POLICE
NOT_LEADS = ["business_manager", "practitioner", "agency_lead", "scrutineer", "lay_member", "observer"]


def _leads(world: World) -> dict[str, Membership]:
    return {LA: world.la_lead, HEALTH: world.health_lead, POLICE: world.police_lead}


def _request(world: World, subject=None) -> SignOff:
    return sign_off_request(partnership=world.partnership, actor=world.bm, subject=subject or world.school)


def _approve(world: World, sign_off: SignOff, partner: str, **kwargs) -> SignOff:
    return sign_off_approve(
        partnership=world.partnership, membership=_leads(world)[partner], sign_off=sign_off, **kwargs
    )


def _send_back(world: World, sign_off: SignOff, partner: str, comment: str = "The reasons need evidence.", **kwargs):
    return sign_off_send_back(
        partnership=world.partnership, membership=_leads(world)[partner], sign_off=sign_off, comment=comment, **kwargs
    )


def _messages(excinfo: pytest.ExceptionInfo) -> list[str]:
    return excinfo.value.messages


# --- Requesting ------------------------------------------------------------------------------


def test_a_request_opens_round_one_awaiting_all_three(world_a):
    sign_off = _request(world_a)

    assert sign_off.state == SignOff.State.AWAITING
    assert sign_off.round == 1
    assert sign_off_for_subject(partnership=world_a.partnership, subject=world_a.school) == sign_off
    [requested] = sign_off_history(sign_off=sign_off)
    assert requested.action == SignOffAction.Action.REQUESTED
    assert requested.actor == world_a.bm
    assert [decision for _partner, decision in sign_off_summary(sign_off=sign_off)] == [None, None, None]
    assert HistoryEntry.objects.filter(object_id=str(sign_off.pk), action=HistoryEntry.Action.CREATED).exists()


def test_asking_again_while_awaiting_changes_nothing(world_a):
    first = _request(world_a)
    _approve(world_a, first, LA)

    again = _request(world_a)

    assert again.pk == first.pk
    assert again.round == 1
    assert SignOffAction.objects.filter(sign_off=first, action=SignOffAction.Action.REQUESTED).count() == 1
    assert dict(sign_off_summary(sign_off=again))[LA] is not None


def test_a_subject_of_another_partnership_cannot_be_sent_for_sign_off(world_a, world_b):
    with pytest.raises(ValidationError) as excinfo:
        sign_off_request(partnership=world_a.partnership, actor=world_a.bm, subject=world_b.school)

    assert "this partnership's own work" in _messages(excinfo)[0]
    assert not SignOff.objects.exists()


# --- All three are needed --------------------------------------------------------------------


def test_it_is_complete_only_when_all_three_partners_have_approved(world_a, django_capture_on_commit_callbacks):
    sign_off = _request(world_a)

    with django_capture_on_commit_callbacks(execute=True):
        assert _approve(world_a, sign_off, LA).state == SignOff.State.AWAITING
        assert _approve(world_a, sign_off, POLICE).state == SignOff.State.AWAITING
    assert mail.outbox == []  # nothing to tell the business managers yet

    with django_capture_on_commit_callbacks(execute=True):
        done = _approve(world_a, sign_off, HEALTH)

    assert done.state == SignOff.State.APPROVED
    assert done.completed_at is not None
    saved = SignOff.objects.get(pk=sign_off.pk)
    assert saved.state == SignOff.State.APPROVED
    summary = sign_off_summary(sign_off=saved)
    assert [p for p, _ in summary] == [LA, HEALTH, POLICE]
    assert [d.action for _, d in summary] == [SignOffAction.Action.APPROVED] * 3
    assert [d.actor for _, d in summary] == [
        world_a.la_lead.person,
        world_a.health_lead.person,
        world_a.police_lead.person,
    ]
    # The business managers hear once, when it completes.
    [email] = mail.outbox
    assert email.to == [world_a.bm.email]
    assert "Signed off by all three partners" in email.subject
    assert str(world_a.school) in email.body


def test_the_completion_email_goes_only_after_commit(world_a, django_capture_on_commit_callbacks):
    sign_off = _request(world_a)
    _approve(world_a, sign_off, LA)
    _approve(world_a, sign_off, HEALTH)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _approve(world_a, sign_off, POLICE)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_an_approved_sign_off_is_final(world_a):
    sign_off = _request(world_a)
    for partner in (LA, HEALTH, POLICE):
        _approve(world_a, sign_off, partner)

    with pytest.raises(ValidationError) as excinfo:
        _send_back(world_a, sign_off, POLICE)
    assert _messages(excinfo) == ["This has already been signed off by all three partners."]
    with pytest.raises(ValidationError):
        _request(world_a)
    assert SignOff.objects.get(pk=sign_off.pk).state == SignOff.State.APPROVED


# --- Any partner can send back ---------------------------------------------------------------


@pytest.mark.parametrize("partner", [LA, HEALTH, POLICE])
def test_any_partner_can_send_it_back_with_a_comment(world_a, partner, django_capture_on_commit_callbacks):
    sign_off = _request(world_a)
    for other in (LA, HEALTH, POLICE):
        if other != partner:
            _approve(world_a, sign_off, other)  # even two approvals do not protect it

    with django_capture_on_commit_callbacks(execute=True):
        sent_back = _send_back(world_a, sign_off, partner, comment="Criterion 3 is not addressed.")

    assert sent_back.state == SignOff.State.SENT_BACK
    decision = dict(sign_off_summary(sign_off=sent_back))[partner]
    assert decision.action == SignOffAction.Action.SENT_BACK
    assert decision.comment == "Criterion 3 is not addressed."
    [email] = mail.outbox
    assert email.to == [world_a.bm.email]
    assert email.subject.endswith(f"Sent back: {world_a.school}")
    assert "Criterion 3 is not addressed." in email.body
    assert f"by the {StatutoryPartner(partner).label.lower()} partner" in email.body


@pytest.mark.parametrize("comment", ["", "   \n  "])
def test_sending_back_needs_a_comment(world_a, comment):
    sign_off = _request(world_a)

    with pytest.raises(ValidationError) as excinfo:
        _send_back(world_a, sign_off, POLICE, comment=comment)

    assert excinfo.value.message_dict == {"comment": ["Say why you are sending it back."]}
    assert SignOff.objects.get(pk=sign_off.pk).state == SignOff.State.AWAITING
    assert not SignOffAction.objects.filter(action=SignOffAction.Action.SENT_BACK).exists()


def test_an_overlong_comment_is_refused(world_a):
    sign_off = _request(world_a)

    with pytest.raises(ValidationError) as excinfo:
        _send_back(world_a, sign_off, HEALTH, comment="x" * 4001)

    assert "at most 4000 characters" in excinfo.value.message_dict["comment"][0]


def test_nobody_can_decide_while_it_is_sent_back(world_a):
    sign_off = _request(world_a)
    _send_back(world_a, sign_off, LA)

    with pytest.raises(ValidationError) as excinfo:
        _approve(world_a, sign_off, HEALTH)

    assert "sent back" in _messages(excinfo)[0]


# --- Rounds and history ----------------------------------------------------------------------


def test_resubmission_starts_a_new_round_where_all_three_decide_again(world_a):
    sign_off = _request(world_a)
    _approve(world_a, sign_off, LA)
    _approve(world_a, sign_off, HEALTH)
    _send_back(world_a, sign_off, POLICE, comment="Add the school's view.")

    resubmitted = _request(world_a)

    assert resubmitted.pk == sign_off.pk
    assert resubmitted.round == 2
    assert resubmitted.state == SignOff.State.AWAITING
    # Round 1's approvals do not carry over.
    assert [d for _, d in sign_off_summary(sign_off=resubmitted)] == [None, None, None]
    assert _approve(world_a, resubmitted, POLICE).state == SignOff.State.AWAITING
    assert _approve(world_a, resubmitted, LA).state == SignOff.State.AWAITING
    assert _approve(world_a, resubmitted, HEALTH).state == SignOff.State.APPROVED


def test_the_history_keeps_every_round(world_a):
    sign_off = _request(world_a)
    _approve(world_a, sign_off, HEALTH)
    _send_back(world_a, sign_off, LA, comment="Needs the chronology.")
    _request(world_a)
    for partner in (LA, HEALTH, POLICE):
        _approve(world_a, sign_off, partner)

    rows = [(a.round, a.partner, a.action) for a in sign_off_history(sign_off=sign_off)]

    assert rows == [
        (1, "", "requested"),
        (1, HEALTH, "approved"),
        (1, LA, "sent_back"),
        (2, "", "requested"),
        (2, LA, "approved"),
        (2, HEALTH, "approved"),
        (2, POLICE, "approved"),
    ]
    panel = sign_off_panel(sign_off=SignOff.objects.get(pk=sign_off.pk))
    assert panel.current_round.number == 2
    assert [r.number for r in panel.earlier_rounds] == [1]
    assert panel.earlier_rounds[0].actions[2].comment == "Needs the chronology."
    # Each action and each state move is also in the partnership's history log.
    entries = HistoryEntry.objects.filter(partnership=world_a.partnership, object_id=str(sign_off.pk))
    assert entries.count() == 1 + 7 + 3  # created, seven actions, sent back / resubmitted / approved
    assert entries.filter(reason="Needs the chronology.").count() == 2


def test_a_decision_from_a_page_drawn_before_a_resubmission_is_refused(world_a):
    sign_off = _request(world_a)
    _send_back(world_a, sign_off, LA)
    _request(world_a)  # round 2

    with pytest.raises(ValidationError) as excinfo:
        _approve(world_a, sign_off, HEALTH, expected_round=1)

    assert excinfo.value.code == "stale"
    assert not SignOffAction.objects.filter(round=2, action=SignOffAction.Action.APPROVED).exists()
    assert _approve(world_a, sign_off, HEALTH, expected_round=2).state == SignOff.State.AWAITING


def test_the_moves_table_refuses_anything_else(world_a):
    sign_off = _request(world_a)
    for partner in (LA, HEALTH, POLICE):
        _approve(world_a, sign_off, partner)
    locked = SignOff.objects.get(pk=sign_off.pk)

    for target in (SignOff.State.AWAITING, SignOff.State.SENT_BACK):
        with pytest.raises(ValidationError) as excinfo:
            services._set_state(partnership=world_a.partnership, sign_off=locked, to=target, actor=world_a.bm)
        assert excinfo.value.code == "invalid_move"
    assert services.ALLOWED_MOVES[SignOff.State.AWAITING] == {SignOff.State.APPROVED, SignOff.State.SENT_BACK}
    assert services.ALLOWED_MOVES[SignOff.State.SENT_BACK] == {SignOff.State.AWAITING}


# --- Who may decide --------------------------------------------------------------------------


def test_only_that_partners_lead_can_sign_off_for_it(world_a):
    sign_off = _request(world_a)

    with pytest.raises(ValidationError) as excinfo:
        sign_off_approve(partnership=world_a.partnership, membership=world_a.la_lead, sign_off=sign_off, partner=POLICE)
    assert excinfo.value.message_dict == {"partner": ["Only the police partner lead can sign off for the police."]}

    with pytest.raises(ValidationError) as excinfo:
        sign_off_send_back(
            partnership=world_a.partnership,
            membership=world_a.police_lead,
            sign_off=sign_off,
            comment="No.",
            partner=HEALTH,
        )
    assert excinfo.value.message_dict == {"partner": ["Only the health partner lead can sign off for health."]}
    assert not SignOffAction.objects.exclude(action=SignOffAction.Action.REQUESTED).exists()


@pytest.mark.parametrize("who", NOT_LEADS)
def test_members_who_lead_no_partner_cannot_decide(world_a, who):
    sign_off = _request(world_a)
    membership = getattr(world_a, who)

    for decide in (
        lambda: sign_off_approve(partnership=world_a.partnership, membership=membership, sign_off=sign_off),
        lambda: sign_off_send_back(
            partnership=world_a.partnership, membership=membership, sign_off=sign_off, comment="Not good enough."
        ),
    ):
        with pytest.raises(ValidationError) as excinfo:
            decide()
        assert _messages(excinfo) == ["Only the local authority, health and police partner leads can sign off."]
    assert SignOffAction.objects.filter(sign_off=sign_off).count() == 1  # just the request


def test_a_partner_cannot_approve_twice_in_a_round(world_a):
    sign_off = _request(world_a)
    _approve(world_a, sign_off, POLICE)

    with pytest.raises(ValidationError) as excinfo:
        _approve(world_a, sign_off, POLICE)

    assert _messages(excinfo) == ["You have already approved this round."]
    with pytest.raises(ValidationError):
        _send_back(world_a, sign_off, POLICE)  # nor change its mind by sending back
    assert SignOffAction.objects.filter(partner=POLICE).count() == 1


def test_a_second_lead_of_the_same_partner_is_told_who_decided(world_a):
    sign_off = _request(world_a)
    _approve(world_a, sign_off, POLICE)
    deputy = membership_make(
        partnership=world_a.partnership,
        agency=world_a.police,
        roles=[Role.PARTNER_LEAD_POLICE],
        full_name="Deputy Police Lead",
    )

    with pytest.raises(ValidationError) as excinfo:
        sign_off_approve(partnership=world_a.partnership, membership=deputy, sign_off=sign_off)

    assert _messages(excinfo) == [f"Police has already approved this round ({world_a.police_lead.person.full_name})."]


def test_the_database_refuses_a_second_decision_for_a_partner_in_a_round(world_a):
    sign_off = _request(world_a)
    _approve(world_a, sign_off, HEALTH)

    with pytest.raises(IntegrityError), transaction.atomic():
        SignOffAction.objects.create(
            partnership=world_a.partnership,
            sign_off=sign_off,
            round=1,
            partner=HEALTH,
            action=SignOffAction.Action.SENT_BACK,
            comment="Changed my mind",
        )


def test_a_lead_of_several_partners_names_the_one_they_decide_for(world_a):
    sign_off = _request(world_a)
    both = membership_make(
        partnership=world_a.partnership,
        agency=world_a.council,
        roles=[Role.PARTNER_LEAD_LOCAL_AUTHORITY, Role.PARTNER_LEAD_HEALTH],
        full_name="Joint Lead",
    )

    with pytest.raises(ValidationError) as excinfo:
        sign_off_approve(partnership=world_a.partnership, membership=both, sign_off=sign_off)
    assert "choose which one" in excinfo.value.message_dict["partner"][0]

    sign_off_approve(partnership=world_a.partnership, membership=both, sign_off=sign_off, partner=HEALTH)
    sign_off_approve(partnership=world_a.partnership, membership=both, sign_off=sign_off, partner=LA)
    decided = {p: d.actor for p, d in sign_off_summary(sign_off=sign_off) if d}
    assert decided == {LA: both.person, HEALTH: both.person}
    panel = sign_off_panel(sign_off=SignOff.objects.get(pk=sign_off.pk), membership=both)
    assert panel.decidable_partners == []


def test_a_lead_of_another_partnership_cannot_decide(world_a, world_b):
    sign_off = _request(world_a)

    with pytest.raises(ValidationError):
        sign_off_approve(partnership=world_a.partnership, membership=world_b.police_lead, sign_off=sign_off)
    with pytest.raises(ValidationError) as excinfo:
        # Their own partnership named, someone else's sign-off passed.
        sign_off_approve(partnership=world_b.partnership, membership=world_b.police_lead, sign_off=sign_off)
    assert "another partnership" in _messages(excinfo)[0]
    assert SignOffAction.objects.filter(sign_off=sign_off).count() == 1


def test_a_deactivated_lead_cannot_decide(world_a):
    sign_off = _request(world_a)
    Membership.objects.filter(pk=world_a.health_lead.pk).update(is_active=False)
    world_a.health_lead.refresh_from_db()

    with pytest.raises(ValidationError):
        _approve(world_a, sign_off, HEALTH)


# --- Two partners at the same moment (PostgreSQL: real row locks) -----------------------------


def _run_together(*calls) -> list[object]:
    """Run the calls in threads released at the same instant; return each result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(i: int, call) -> None:
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as exc:  # the outcome under test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent writers need PostgreSQL"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_three_partners_approving_at_once_all_count_and_complete_it(attempt):
    world = World(f"Conc{attempt}")
    sign_off = _request(world)

    outcomes = _run_together(*[lambda p=p: _approve(world, sign_off, p) for p in (LA, HEALTH, POLICE)])

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    saved = SignOff.objects.get(pk=sign_off.pk)
    assert saved.state == SignOff.State.APPROVED
    assert SignOffAction.objects.filter(sign_off=sign_off, action=SignOffAction.Action.APPROVED).count() == 3
    # Exactly one of them moved it to approved, and the business managers heard once.
    assert (
        HistoryEntry.objects.filter(object_id=str(sign_off.pk), changes__state__to=SignOff.State.APPROVED.label).count()
        == 1
    )
    assert len(mail.outbox) == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_partner_approving_twice_at_once_counts_once():
    world = World("Twice")
    sign_off = _request(world)

    outcomes = _run_together(lambda: _approve(world, sign_off, POLICE), lambda: _approve(world, sign_off, POLICE))

    refusals = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(refusals) == 1, outcomes
    assert refusals[0].messages == ["You have already approved this round."]
    assert SignOffAction.objects.filter(sign_off=sign_off, partner=POLICE).count() == 1


# --- The sign-off page, the panel and the decision form --------------------------------------


def _url(world: World, sign_off: SignOff) -> str:
    return reverse("partnership:sign_off_detail", kwargs={"slug": world.partnership.slug, "sign_off_id": sign_off.pk})


def test_the_page_shows_each_partners_decision_and_the_earlier_rounds(
    world_a, client_for, django_assert_max_num_queries
):
    sign_off = _request(world_a)
    _approve(world_a, sign_off, HEALTH)
    _send_back(world_a, sign_off, POLICE, comment="Needs the GP's chronology.")
    _request(world_a)
    _approve(world_a, sign_off, LA)
    client = client_for(world_a.bm)

    with django_assert_max_num_queries(11):
        response = client.get(_url(world_a, sign_off))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="sign-off-panel" data-state="awaiting"' in html
    assert "Round 2: 1 of 3 partners have approved." in html
    assert html.count("Not decided yet") == 2
    assert "Earlier rounds (1)" in html
    assert "Needs the GP&#x27;s chronology." in html
    assert 'data-testid="sign-off-form"' not in html  # the business manager does not decide


def test_the_page_asks_a_lead_for_their_decision_and_records_an_approval(world_a, client_for):
    sign_off = _request(world_a)
    client = client_for(world_a.police_lead.person)

    page = client.get(_url(world_a, sign_off))
    assert 'data-testid="sign-off-form"' in page.content.decode()
    assert "Your decision for police" in page.content.decode()

    response = client.post(
        _url(world_a, sign_off), {"sign_off-decision": "approve", "sign_off-round": "1", "sign_off-partner": POLICE}
    )

    assert response.status_code == 302
    assert dict(sign_off_summary(sign_off=sign_off))[POLICE].actor == world_a.police_lead.person
    after = client.get(response["Location"]).content.decode()
    assert "It is waiting for the other partners." in after
    assert 'data-testid="sign-off-form"' not in after


def test_sending_back_without_a_comment_redraws_the_form_with_the_error(world_a, client_for):
    sign_off = _request(world_a)
    client = client_for(world_a.la_lead.person)

    response = client.post(
        _url(world_a, sign_off), {"sign_off-decision": "send_back", "sign_off-round": "1", "sign_off-comment": " "}
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_sign_off-comment"' in html
    assert 'aria-invalid="true"' in html
    assert "Say why you are sending it back." in html
    assert SignOff.objects.get(pk=sign_off.pk).state == SignOff.State.AWAITING


def test_a_service_refusal_keeps_the_comment_typed(world_a, client_for):
    sign_off = _request(world_a)
    client = client_for(world_a.la_lead.person)

    # A forged partner: the LA lead claims to send back for the police.
    response = client.post(
        _url(world_a, sign_off),
        {
            "sign_off-decision": "send_back",
            "sign_off-round": "1",
            "sign_off-partner": POLICE,
            "sign_off-comment": "My long careful comment",
        },
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "Only the police partner lead can sign off for the police." in html
    assert "My long careful comment" in html


def test_a_stale_page_is_told_to_reload(world_a, client_for):
    sign_off = _request(world_a)
    _send_back(world_a, sign_off, LA)
    _request(world_a)
    client = client_for(world_a.health_lead.person)

    response = client.post(_url(world_a, sign_off), {"sign_off-decision": "approve", "sign_off-round": "1"})

    assert response.status_code == 400
    assert "resubmitted since you opened the page" in response.content.decode()


def test_the_form_asks_a_joint_lead_which_partner(world_a):
    sign_off = _request(world_a)
    both = membership_make(
        partnership=world_a.partnership,
        agency=world_a.council,
        roles=[Role.PARTNER_LEAD_LOCAL_AUTHORITY, Role.PARTNER_LEAD_HEALTH],
    )
    panel = sign_off_panel(sign_off=sign_off, membership=both)

    form = SignOffDecisionForm(panel=panel)

    assert form.asks_partner
    assert [c for c, _ in form.fields["partner"].choices] == [LA, HEALTH]
    unanswered = SignOffDecisionForm({"sign_off-decision": "approve", "sign_off-round": "1"}, panel=panel)
    assert unanswered.errors["partner"] == ["Choose which partner you are deciding for."]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("business_manager", 200),
        ("la_lead", 200),
        ("health_lead", 200),
        ("police_lead", 200),
        ("scrutineer", 200),
        ("practitioner", 403),
        ("agency_lead", 403),
        ("lay_member", 403),
        ("observer", 403),
    ],
)
def test_who_can_open_the_sign_off_page(world_a, client_for, who, status):
    sign_off = _request(world_a)

    response = client_for(getattr(world_a, who).person).get(_url(world_a, sign_off))

    assert response.status_code == status


def test_another_partnerships_member_gets_404(world_a, world_b, client_for):
    sign_off = _request(world_a)
    client = client_for(world_b.police_lead.person)

    own_slug = reverse(
        "partnership:sign_off_detail", kwargs={"slug": world_b.partnership.slug, "sign_off_id": sign_off.pk}
    )
    assert client.get(own_slug).status_code == 404
    assert client.post(own_slug, {"sign_off-decision": "approve", "sign_off-round": "1"}).status_code == 404
    assert client.get(_url(world_a, sign_off)).status_code == 404
    assert SignOffAction.objects.filter(sign_off=sign_off).count() == 1
