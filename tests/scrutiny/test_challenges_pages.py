"""The challenge log's pages: the list and its filter, raising (from a dashboard figure too), one challenge with
its answer and moves, changing it, who may do what, another partnership, bad input, stale pages, query counts."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.urls import reverse

from partnership.models.recommendations import Recommendation
from scrutiny.models import Challenge
from scrutiny.selectors.dashboard import PANEL_KEYS
from tests.scrutiny.challenge_helpers import State, challenge_make, challenge_moved, dashboard_path

pytestmark = pytest.mark.django_db


def url(world, name: str, challenge: Challenge | None = None) -> str:
    kwargs = {"slug": world.partnership.slug}
    if challenge is not None:
        kwargs["challenge_id"] = challenge.pk
    return reverse(f"scrutiny:{name}", kwargs=kwargs)


def version(challenge: Challenge) -> str:
    challenge.refresh_from_db()
    return challenge.updated_at.isoformat()


def test_the_dashboard_offers_the_scrutineer_a_challenge_about_each_panel(world_a, client_for):
    page = client_for(world_a.scrutineer.person).get(url(world_a, "dashboard")).content.decode()
    assert page.count("Raise a challenge about this figure") == len(PANEL_KEYS)
    raise_url = url(world_a, "challenge_raise")
    about = quote(url(world_a, "dashboard") + "?period=all", safe="")
    assert f'href="{raise_url}?about={about}&amp;label=Rapid%20review%20timeliness' in page
    bm_page = client_for(world_a.bm).get(url(world_a, "dashboard")).content.decode()
    assert "Raise a challenge about this figure" not in bm_page


def test_raising_from_a_figure_fills_in_its_link_and_name(world_a, client_for):
    client = client_for(world_a.scrutineer.person)
    response = client.get(url(world_a, "challenge_raise"), {"about": dashboard_path(world_a), "label": "Late reviews"})
    assert response.status_code == 200
    assert response.context["form"].initial["subject_path"] == dashboard_path(world_a)
    response = client.post(
        url(world_a, "challenge_raise"),
        {
            "agency_id": world_a.police.pk,
            "subject_path": dashboard_path(world_a),
            "subject_label": "Late reviews",
            "question": "Why were they late?",
            "due_on": response.context["form"].initial["due_on"].isoformat(),
        },
    )
    challenge = Challenge.objects.in_partnership(world_a.partnership).get()
    assert response.status_code == 302
    assert response["Location"] == url(world_a, "challenge_detail", challenge)
    assert (challenge.agency, challenge.raised_by) == (world_a.police, world_a.scrutineer)


def test_bad_input_is_shown_beside_its_field_with_a_summary(world_a, world_b, client_for):
    response = client_for(world_a.scrutineer.person).post(
        url(world_a, "challenge_raise"),
        {
            "agency_id": world_b.school.pk,
            "subject_path": "https://evil.example/",
            "subject_label": "",
            "question": "",
            "due_on": "not a date",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert set(response.context["form"].errors) == {"agency_id", "subject_label", "question", "due_on"}
    assert not Challenge.objects.in_partnership(world_a.partnership).exists()
    # A path of another site is refused by the service, beside its field.
    response = client_for(world_a.scrutineer.person).post(
        url(world_a, "challenge_raise"),
        {
            "agency_id": world_a.school.pk,
            "subject_path": "https://evil.example/",
            "subject_label": "x",
            "question": "y",
            "due_on": "2099-01-01",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["subject_path", "due_on"]


@pytest.mark.parametrize(
    ("role", "list_status", "raise_status"),
    [
        ("scrutineer", 200, 200),
        ("business_manager", 200, 403),
        ("police_lead", 200, 403),
        ("agency_lead", 200, 403),
        ("practitioner", 403, 403),
        ("lay_member", 403, 403),
        ("observer", 403, 403),
    ],
)
def test_who_reads_and_who_raises(world_a, client_for, role, list_status, raise_status):
    client = client_for(getattr(world_a, role).person)
    assert client.get(url(world_a, "challenge_list")).status_code == list_status
    assert client.get(url(world_a, "challenge_raise")).status_code == raise_status


def test_an_agency_lead_reads_only_their_agencys_challenges(world_a, client_for):
    theirs = challenge_make(world_a)
    police = challenge_make(world_a, agency=world_a.police)
    client = client_for(world_a.agency_lead.person)
    page = client.get(url(world_a, "challenge_list")).content.decode()
    assert theirs.reference in page
    assert police.reference not in page
    assert client.get(url(world_a, "challenge_detail", police)).status_code == 404
    assert client.get(url(world_a, "challenge_detail", theirs)).status_code == 200


def test_another_partnerships_challenge_is_not_found(world_a, world_b, client_for):
    challenge = challenge_make(world_a)
    client = client_for(world_b.scrutineer.person)
    for name in ("challenge_detail", "challenge_edit"):
        assert client.get(url(world_b, name, challenge)).status_code == 404
    for name in (
        "challenge_respond",
        "challenge_accept",
        "challenge_escalate",
        "challenge_close",
        "challenge_recommend",
    ):
        assert client.post(url(world_b, name, challenge), {}).status_code == 404
    assert client_for(world_a.scrutineer.person).get(url(world_b, "challenge_list")).status_code == 404


def test_the_whole_journey_on_the_pages(world_a, client_for):
    challenge = challenge_make(world_a)
    lead = client_for(world_a.agency_lead.person)
    page = lead.get(url(world_a, "challenge_detail", challenge))
    assert 'data-testid="respond-form"' in page.content.decode()
    assert 'data-testid="accept-form"' not in page.content.decode()
    response = lead.post(
        url(world_a, "challenge_respond", challenge),
        {"respond-response": "We chase on day 3 now.", "respond-expected_updated_at": version(challenge)},
    )
    assert response.status_code == 302
    scrutineer = client_for(world_a.scrutineer.person)
    page = scrutineer.get(url(world_a, "challenge_detail", challenge)).content.decode()
    assert "We chase on day 3 now." in page
    assert 'data-testid="accept-form"' in page
    assert (
        scrutineer.post(
            url(world_a, "challenge_accept", challenge),
            {"accept-note": "Convincing.", "accept-expected_updated_at": version(challenge)},
        ).status_code
        == 302
    )
    assert (
        scrutineer.post(
            url(world_a, "challenge_recommend", challenge),
            {"recommend-text": "Chase on day 3 everywhere.", "recommend-lead_partner": "local_authority"},
        ).status_code
        == 302
    )
    assert (
        scrutineer.post(
            url(world_a, "challenge_close", challenge),
            {"close-outcome": "Resolved.", "close-expected_updated_at": version(challenge)},
        ).status_code
        == 302
    )
    challenge.refresh_from_db()
    assert challenge.state == State.CLOSED
    page = scrutineer.get(url(world_a, "challenge_detail", challenge)).content.decode()
    recommendation = Recommendation.objects.in_partnership(world_a.partnership).get()
    assert recommendation.reference in page
    assert "Resolved." in page
    assert 'data-testid="history"' in page


def test_an_empty_escalation_is_refused_beside_its_field(world_a, client_for):
    challenge = challenge_moved(world_a, State.RESPONDED)
    response = client_for(world_a.scrutineer.person).post(
        url(world_a, "challenge_escalate", challenge),
        {"escalate-reason": "", "escalate-expected_updated_at": version(challenge)},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert 'href="#id_escalate-reason"' in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.state == State.RESPONDED


def test_a_move_from_a_stale_page_is_a_409_that_shows_the_challenge_as_saved(world_a, client_for):
    challenge = challenge_make(world_a)
    stale = version(challenge)
    client_for(world_a.scrutineer.person).post(
        url(world_a, "challenge_edit", challenge),
        {
            "subject_label": "Reworded",
            "question": "A sharper question?",
            "due_on": challenge.due_on.isoformat(),
            "expected_updated_at": stale,
        },
    )
    response = client_for(world_a.agency_lead.person).post(
        url(world_a, "challenge_respond", challenge),
        {"respond-response": "Answer to the old question.", "respond-expected_updated_at": stale},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "A sharper question?" in page
    assert "Answer to the old question." in page
    challenge.refresh_from_db()
    assert challenge.state == State.OPEN


def test_an_edit_from_a_stale_page_is_a_409_and_one_without_a_version_is_refused(world_a, client_for):
    challenge = challenge_make(world_a)
    client = client_for(world_a.scrutineer.person)
    data = {"subject_label": "A", "question": "Q?", "due_on": challenge.due_on.isoformat()}
    stale = version(challenge)
    assert (
        client.post(url(world_a, "challenge_edit", challenge), {**data, "expected_updated_at": stale}).status_code
        == 302
    )
    response = client.post(
        url(world_a, "challenge_edit", challenge), {**data, "question": "B?", "expected_updated_at": stale}
    )
    assert response.status_code == 409
    assert 'data-testid="saved-version"' in response.content.decode()
    assert client.post(url(world_a, "challenge_edit", challenge), data).status_code == 400
    challenge.refresh_from_db()
    assert challenge.question == "Q?"


@pytest.mark.parametrize("role", ["business_manager", "police_lead", "agency_lead"])
def test_a_reader_cannot_move_or_change_a_challenge(world_a, client_for, role):
    challenge = challenge_moved(world_a, State.RESPONDED)
    client = client_for(getattr(world_a, role).person)
    for name, field in (("challenge_accept", "accept-note"), ("challenge_escalate", "escalate-reason")):
        prefix = field.split("-")[0]
        response = client.post(
            url(world_a, name, challenge), {field: "x", f"{prefix}-expected_updated_at": version(challenge)}
        )
        assert response.status_code == 403
    assert client.get(url(world_a, "challenge_edit", challenge)).status_code == 403
    challenge.refresh_from_db()
    assert challenge.state == State.RESPONDED


def test_the_scrutineer_cannot_answer(world_a, client_for):
    challenge = challenge_make(world_a)
    response = client_for(world_a.scrutineer.person).post(
        url(world_a, "challenge_respond", challenge),
        {"respond-response": "x", "respond-expected_updated_at": version(challenge)},
    )
    assert response.status_code == 403


def test_the_list_filters_by_state(world_a, client_for):
    open_one = challenge_make(world_a)
    closed = challenge_moved(world_a, State.CLOSED)
    client = client_for(world_a.scrutineer.person)
    page = client.get(url(world_a, "challenge_list"), {"state": "closed"}).content.decode()
    assert closed.reference in page
    assert open_one.reference not in page
    page = client.get(url(world_a, "challenge_list"), {"state": "junk"}).content.decode()
    assert closed.reference in page
    assert open_one.reference in page


def test_the_pages_run_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    client = client_for(world_a.scrutineer.person)
    challenge = challenge_moved(world_a, State.ESCALATED)
    for _ in range(3):
        challenge_make(world_a)
    with django_assert_max_num_queries(8):
        assert client.get(url(world_a, "challenge_list")).status_code == 200
    for _ in range(30):
        challenge_make(world_a, agency=world_a.police)
    with django_assert_max_num_queries(8):
        assert client.get(url(world_a, "challenge_list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(url(world_a, "challenge_detail", challenge)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(url(world_a, "challenge_raise")).status_code == 200
