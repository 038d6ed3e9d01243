"""The information request pages: asking agencies, the return with autosave, send-back, withdrawal, roles."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from reviews.models import InformationRequest
from reviews.services.requests import information_request_submit
from tests.reviews.factories import information_request_make, rapid_review_make

State = InformationRequest.State


def url(world, name, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _answers(request, **overrides):
    data = {
        "involvement": "Seen at school every day; attendance fell in March.",
        "key_practice_episodes": "",
        "good_practice": "",
        "done_differently": "",
        "immediate_safety_concerns": "",
        "unexpected_issues": "",
        "expected_updated_at": InformationRequest.objects.get(pk=request.pk).updated_at.isoformat(),
    }
    data.update(overrides)
    return data


# --- Asking agencies -----------------------------------------------------------------------------


def test_the_business_manager_asks_agencies_through_named_people(
    world_a, client_for, django_capture_on_commit_callbacks
):
    review = rapid_review_make(world_a)
    client = client_for(world_a.bm)
    page = client.get(url(world_a, "request_create", rapid_review_id=review.pk))
    assert page.status_code == 200
    assert world_a.practitioner.person.full_name in page.content.decode()
    data = {
        f"agency_{world_a.school.pk}": "on",
        f"assignee_{world_a.school.pk}": str(world_a.practitioner.person.pk),
        f"agency_{world_a.police.pk}": "on",
        f"assignee_{world_a.police.pk}": str(world_a.police_lead.person.pk),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(world_a, "request_create", rapid_review_id=review.pk), data)
    assert response.status_code == 302
    assert response["Location"] == url(world_a, "request_tracker", rapid_review_id=review.pk)
    assert InformationRequest.objects.filter(rapid_review=review).count() == 2
    assert {m.to[0] for m in mail.outbox} == {world_a.practitioner.person.email, world_a.police_lead.person.email}
    tracker = client.get(response["Location"]).content.decode()
    assert world_a.school.name in tracker
    assert world_a.police.name in tracker


def test_a_ticked_agency_without_a_person_is_refused_beside_it(world_a, client_for):
    review = rapid_review_make(world_a)
    response = client_for(world_a.bm).post(
        url(world_a, "request_create", rapid_review_id=review.pk), {f"agency_{world_a.school.pk}": "on"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Choose the person at {world_a.school.name} who will complete the return." in html
    assert f'id="id_assignee_{world_a.school.pk}-error"' in html
    assert not InformationRequest.objects.exists()


def test_a_person_of_another_agency_is_not_offered_and_is_refused(world_a, client_for):
    review = rapid_review_make(world_a)
    data = {
        f"agency_{world_a.school.pk}": "on",
        f"assignee_{world_a.school.pk}": str(world_a.police_lead.person.pk),
    }
    response = client_for(world_a.bm).post(url(world_a, "request_create", rapid_review_id=review.pk), data)
    assert response.status_code == 400
    assert f"Choose a member of {world_a.school.name}." in response.content.decode()


@pytest.mark.parametrize("role", ["la_lead", "scrutineer", "practitioner"])
def test_only_business_managers_ask_agencies(world_a, client_for, role):
    review = rapid_review_make(world_a)
    client = client_for(getattr(world_a, role).person)
    assert client.get(url(world_a, "request_create", rapid_review_id=review.pk)).status_code == 403


@pytest.mark.parametrize(
    ("role", "status"),
    [("business_manager", 200), ("la_lead", 200), ("police_lead", 200), ("scrutineer", 200), ("practitioner", 403)],
)
def test_who_reads_the_tracker(world_a, client_for, role, status):
    review = rapid_review_make(world_a)
    request = information_request_make(world_a, rapid_review=review)
    response = client_for(getattr(world_a, role).person).get(url(world_a, "request_tracker", rapid_review_id=review.pk))
    assert response.status_code == status
    # The scrutineer reads the tracker, not the returns: no link that would answer 404.
    linked = url(world_a, "request_detail", request_id=request.pk) in response.content.decode()
    assert linked == (status == 200 and role != "scrutineer")


# --- The return ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "form"),
    [
        ("practitioner", 200, True),  # the assignee
        ("business_manager", 200, False),
        ("la_lead", 200, False),
        ("health_lead", 200, False),
        ("scrutineer", 404, False),
        ("agency_lead", 404, False),  # same agency, not the person asked
        ("lay_member", 404, False),
        ("observer", 404, False),
    ],
)
def test_who_sees_a_return(world_a, client_for, role, status, form):
    request = information_request_make(world_a)
    response = client_for(getattr(world_a, role).person).get(url(world_a, "request_detail", request_id=request.pk))
    assert response.status_code == status
    if status == 200:
        assert ('data-testid="return-form"' in response.content.decode()) is form


def test_autosave_saves_and_answers_with_a_status_and_the_new_version(world_a, client_for):
    request = information_request_make(world_a)
    client = client_for(world_a.practitioner.person)
    page = client.get(url(world_a, "request_detail", request_id=request.pk)).content.decode()
    assert 'hx-trigger="keyup changed delay:1s' in page
    assert 'aria-live="polite"' in page
    response = client.post(
        url(world_a, "request_autosave", request_id=request.pk), _answers(request), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Draft saved at" in html
    request.refresh_from_db()
    assert request.state == State.DRAFT
    assert f'value="{request.updated_at.isoformat()}"' in html
    assert 'hx-swap-oob="true"' in html


def test_autosave_from_another_tab_is_reported_not_overwritten(world_a, client_for):
    request = information_request_make(world_a)
    client = client_for(world_a.practitioner.person)
    old_tab = _answers(request, involvement="Typed in the old tab")
    client.post(url(world_a, "request_autosave", request_id=request.pk), _answers(request), HTTP_HX_REQUEST="true")
    response = client.post(url(world_a, "request_autosave", request_id=request.pk), old_tab, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert "changed somewhere else" in response.content.decode()
    request.refresh_from_db()
    assert request.involvement != "Typed in the old tab"


def test_autosave_of_an_oversized_answer_says_which_and_saves_nothing(world_a, client_for):
    request = information_request_make(world_a)
    client = client_for(world_a.practitioner.person)
    data = _answers(request, good_practice="x" * 20001)
    response = client.post(url(world_a, "request_autosave", request_id=request.pk), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "Good practice: Use at most 20,000 characters (you used 20,001)." in response.content.decode()
    assert InformationRequest.objects.get(pk=request.pk).state == State.REQUESTED


def test_the_save_draft_button_works_without_javascript_and_keeps_oversized_text(world_a, client_for):
    request = information_request_make(world_a)
    client = client_for(world_a.practitioner.person)
    response = client.post(
        url(world_a, "request_detail", request_id=request.pk), {**_answers(request), "action": "save"}
    )
    assert response.status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).state == State.DRAFT
    long_text = "y" * 20001
    response = client.post(
        url(world_a, "request_detail", request_id=request.pk),
        {**_answers(request, done_differently=long_text), "action": "save"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Use at most 20,000 characters (you used 20,001)." in html
    assert 'id="id_done_differently-error"' in html
    assert long_text in html  # nothing typed is lost


def test_submitting_on_the_page_makes_it_read_only(world_a, client_for):
    request = information_request_make(world_a)
    client = client_for(world_a.practitioner.person)
    response = client.post(
        url(world_a, "request_detail", request_id=request.pk), {**_answers(request), "action": "submit"}
    )
    assert response.status_code == 302
    page = client.get(url(world_a, "request_detail", request_id=request.pk)).content.decode()
    assert 'data-testid="return-form"' not in page
    assert "attendance fell in March" in page


def test_a_second_submission_is_refused_with_a_clear_message_and_the_text_kept(world_a, client_for):
    request = information_request_make(world_a)
    client = client_for(world_a.practitioner.person)
    stale_page = _answers(request)
    client.post(url(world_a, "request_detail", request_id=request.pk), {**stale_page, "action": "submit"})
    again = {**stale_page, "involvement": "A second go", "action": "submit"}
    response = client.post(url(world_a, "request_detail", request_id=request.pk), again)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This return has already been submitted." in html
    assert "A second go" in html
    assert InformationRequest.objects.get(pk=request.pk).involvement.startswith("Seen at school")


def test_an_empty_involvement_answer_cannot_be_submitted(world_a, client_for):
    request = information_request_make(world_a)
    client = client_for(world_a.practitioner.person)
    data = {**_answers(request, involvement="", good_practice="Kept text"), "action": "submit"}
    response = client.post(url(world_a, "request_detail", request_id=request.pk), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Describe your agency&#x27;s involvement" in html
    assert "Kept text" in html


@pytest.mark.parametrize("role", ["business_manager", "la_lead"])
def test_readers_cannot_write_a_return(world_a, client_for, role):
    request = information_request_make(world_a)
    client = client_for(getattr(world_a, role).person)
    data = {**_answers(request), "action": "submit"}
    assert client.post(url(world_a, "request_detail", request_id=request.pk), data).status_code == 403
    assert client.post(url(world_a, "request_autosave", request_id=request.pk), data).status_code == 403
    assert InformationRequest.objects.get(pk=request.pk).state == State.REQUESTED


# --- Send back and withdraw --------------------------------------------------------------------


def _submitted(world):
    request = information_request_make(world)
    information_request_submit(
        partnership=world.partnership,
        actor=world.practitioner.person,
        information_request=request,
        answers={"involvement": "Some"},
    )
    return request


def test_send_back_needs_a_reason(world_a, client_for):
    request = _submitted(world_a)
    client = client_for(world_a.bm)
    page = client.get(url(world_a, "request_detail", request_id=request.pk)).content.decode()
    assert 'data-testid="send-back-form"' in page
    response = client.post(url(world_a, "request_send_back", request_id=request.pk), {"reason": ""})
    assert response.status_code == 400
    assert "Say what needs to change" in response.content.decode()
    assert InformationRequest.objects.get(pk=request.pk).state == State.SUBMITTED


def test_send_back_reopens_the_return_for_its_author(world_a, client_for, django_capture_on_commit_callbacks):
    request = _submitted(world_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world_a.bm).post(
            url(world_a, "request_send_back", request_id=request.pk), {"reason": "Add the home visit."}
        )
    assert response.status_code == 302
    assert any("Add the home visit." in m.body for m in mail.outbox)
    page = client_for(world_a.practitioner.person).get(url(world_a, "request_detail", request_id=request.pk))
    html = page.content.decode()
    assert 'data-testid="return-form"' in html
    assert "Add the home visit." in html


@pytest.mark.parametrize("role", ["la_lead", "practitioner"])
def test_only_business_managers_send_back_or_withdraw(world_a, client_for, role):
    request = _submitted(world_a)
    client = client_for(getattr(world_a, role).person)
    assert client.post(url(world_a, "request_send_back", request_id=request.pk), {"reason": "x"}).status_code == 403
    assert client.post(url(world_a, "request_withdraw", request_id=request.pk), {}).status_code == 403


def test_withdrawing_a_request(world_a, client_for):
    request = information_request_make(world_a)
    response = client_for(world_a.bm).post(url(world_a, "request_withdraw", request_id=request.pk), {"reason": "Wrong"})
    assert response.status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).state == State.WITHDRAWN


def test_a_submitted_return_cannot_be_withdrawn(world_a, client_for):
    request = _submitted(world_a)
    response = client_for(world_a.bm).post(url(world_a, "request_withdraw", request_id=request.pk), {})
    assert response.status_code == 400
    assert "cannot be withdrawn" in response.content.decode()


def test_my_requests_lists_what_i_was_asked(world_a, client_for):
    request = information_request_make(world_a)
    html = client_for(world_a.practitioner.person).get(url(world_a, "my_requests")).content.decode()
    assert request.rapid_review.incident.reference in html
    assert url(world_a, "request_detail", request_id=request.pk) in html
    other = client_for(world_a.observer.person).get(url(world_a, "my_requests")).content.decode()
    assert "Nobody has asked you for a return." in other


def test_a_learning_review_request_uses_the_same_return_page(world_a, client_for):
    from reviews.services.requests import information_request_create
    from tests.reviews.learning_review_factories import learning_review_make

    review = learning_review_make(world_a)  # led by the world's practitioner
    request = information_request_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        learning_review=review,
        agency=world_a.police,
        assignee=world_a.police_lead.person,
        due_on=review.information_due_on,
    )
    detail = url(world_a, "request_detail", request_id=request.pk)
    page = client_for(world_a.police_lead.person).get(detail)
    assert page.status_code == 200
    assert 'data-testid="return-form"' in page.content.decode()
    response = client_for(world_a.police_lead.person).post(detail, {**_answers(request), "action": "submit"})
    assert response.status_code == 302
    assert InformationRequest.objects.get(pk=request.pk).state == State.SUBMITTED
    # The lead author reads it; a scrutineer does not.
    assert client_for(world_a.practitioner.person).get(detail).status_code == 200
    assert client_for(world_a.scrutineer.person).get(detail).status_code == 404
