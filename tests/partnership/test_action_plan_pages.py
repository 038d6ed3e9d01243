"""The action plan, action and progress report pages: the journeys, field errors, concurrent edits, queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partnership.models.recommendations import Action, ActionUpdate, ProgressReport, Rag, Recommendation
from tests.partnership.action_plan_factories import pdf_upload, recommendation_make

pytestmark = pytest.mark.django_db
State = Recommendation.State


def plan_url(world, recommendation, name: str = "action_plan_detail") -> str:
    return reverse(
        f"partnership:{name}", kwargs={"slug": world.partnership.slug, "recommendation_id": recommendation.pk}
    )


def action_url(world, action, name: str = "action_detail") -> str:
    return reverse(f"partnership:{name}", kwargs={"slug": world.partnership.slug, "action_id": action.pk})


def hidden_version(response) -> str:
    """The version the page was drawn from (every form on it carries the same one, prefixed or not)."""
    return re.search(r'name="(?:[a-z]+-)?expected_updated_at" value="([^"]+)"', response.content.decode()).group(1)


def test_the_plan_page_shows_the_deadline_and_the_actions_in_a_fixed_number_of_queries(
    world_a, client_for, django_assert_max_num_queries
):
    recommendation = recommendation_make(world_a, actions=3)
    client = client_for(world_a.bm)
    client.get(plan_url(world_a, recommendation))  # warm the session and content types

    with django_assert_max_num_queries(12):
        response = client.get(plan_url(world_a, recommendation))
    for n in range(20):
        from tests.partnership.action_plan_factories import action_make

        action_make(world_a, recommendation, what=f"Extra {n}")
    with django_assert_max_num_queries(12):
        bigger = client.get(plan_url(world_a, recommendation))

    text = response.content.decode()
    assert response.status_code == 200
    assert "10 working days left" in text or "working day" in text
    assert text.count('data-testid="action-row"') == 3
    assert bigger.content.decode().count('data-testid="action-row"') == 23
    assert 'data-testid="agree"' in text


def test_adding_an_action_with_errors_keeps_the_input_and_names_the_fields(world_a, client_for):
    recommendation = recommendation_make(world_a, actions=0)
    client = client_for(world_a.la_lead.person)
    url = plan_url(world_a, recommendation, "action_create")

    refused = client.post(url, {"what": "Train the leads", "lead_agency": "", "due_on": "2020-01-01"})
    added = client.post(
        url,
        {
            "what": "Train the leads",
            "lead_agency": world_a.school.pk,
            "lead_person": world_a.agency_lead.person.pk,
            "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
            "measure_of_success": "All trained",
        },
    )

    text = refused.content.decode()
    assert refused.status_code == 400
    assert "There is a problem" in text
    assert "Choose the agency that leads the action." in text
    assert "The due date must be today or later." not in text or "Say how you will know it worked" in text
    assert "Train the leads" in text
    assert added.status_code == 302
    assert Action.objects.get(plan__recommendation=recommendation).lead_person == world_a.agency_lead.person


def test_another_partnerships_agency_in_the_form_is_refused_like_a_missing_one(world_a, world_b, client_for):
    recommendation = recommendation_make(world_a, actions=0)
    client = client_for(world_a.bm)
    data = {
        "what": "Train",
        "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "measure_of_success": "Trained",
    }

    theirs = client.post(plan_url(world_a, recommendation, "action_create"), {**data, "lead_agency": world_b.school.pk})
    missing = client.post(plan_url(world_a, recommendation, "action_create"), {**data, "lead_agency": 987654})

    assert theirs.status_code == missing.status_code == 400
    assert "Choose an agency from the list." in theirs.content.decode()
    assert "Choose an agency from the list." in missing.content.decode()
    assert not Action.objects.exists()


def test_agree_complete_close_through_the_plan_page(world_a, client_for):
    recommendation = recommendation_make(world_a, actions=1)
    client = client_for(world_a.bm)

    assert client.post(plan_url(world_a, recommendation, "action_plan_agree")).status_code == 302
    page = client.get(plan_url(world_a, recommendation))
    refused = client.post(
        plan_url(world_a, recommendation, "action_plan_complete"),
        {"complete-impact_evidence": "", "complete-expected_updated_at": hidden_version(page)},
    )
    assert refused.status_code == 400
    assert "Describe the impact" in refused.content.decode()
    action = Action.objects.get(plan__recommendation=recommendation)
    action_page = client.get(action_url(world_a, action))
    client.post(
        action_url(world_a, action, "action_complete"), {"complete-expected_updated_at": hidden_version(action_page)}
    )
    page = client.get(plan_url(world_a, recommendation))
    done = client.post(
        plan_url(world_a, recommendation, "action_plan_complete"),
        {
            "complete-impact_evidence": "Re-audit: 9 in 10 referrals shared within a day.",
            "complete-expected_updated_at": hidden_version(page),
        },
    )
    assert done.status_code == 302
    page = client.get(plan_url(world_a, recommendation))
    assert "Re-audit: 9 in 10" in page.content.decode()
    version = re.search(
        r'data-testid="close-form">.*?name="close-expected_updated_at" value="([^"]+)"', page.content.decode(), re.S
    ).group(1)
    closed = client.post(plan_url(world_a, recommendation, "action_plan_close"), {"close-expected_updated_at": version})
    assert closed.status_code == 302
    assert Recommendation.objects.get(pk=recommendation.pk).state == State.CLOSED


def test_agreeing_an_empty_plan_shows_the_refusal_in_the_error_summary(world_a, client_for):
    recommendation = recommendation_make(world_a, actions=0)

    response = client_for(world_a.bm).post(plan_url(world_a, recommendation, "action_plan_agree"))

    assert response.status_code == 400
    assert "Add at least one action before agreeing the plan." in response.content.decode()


def test_an_agency_lead_records_progress_with_evidence_and_a_scrutineer_downloads_it(world_a, client_for):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    lead = client_for(world_a.agency_lead.person)
    page = lead.get(action_url(world_a, action))

    response = lead.post(
        action_url(world_a, action),
        {
            "on": timezone.localdate().isoformat(),
            "note": "Three sessions delivered.",
            "rag": Rag.AMBER,
            "evidence": [pdf_upload("register.pdf"), SimpleUploadedFile("attendance.csv", b"name,date\nA,1\n")],
            "expected_updated_at": hidden_version(page),
        },
    )

    assert response.status_code == 302
    update = ActionUpdate.objects.get(action=action)
    shown = client_for(world_a.scrutineer.person).get(action_url(world_a, action)).content.decode()
    link = re.search(r'href="([^"]+/evidence/\d+/)"[^>]*>register.pdf', shown).group(1)
    download = client_for(world_a.scrutineer.person).get(link)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert download.content.startswith(b"%PDF-")
    assert client_for(world_a.health_lead.person).get(link).status_code == 404
    assert update.rag == Rag.AMBER


def test_a_wrong_type_of_evidence_is_an_error_next_to_the_field(world_a, client_for):
    recommendation = recommendation_make(world_a, state=State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    client = client_for(world_a.bm)
    page = client.get(action_url(world_a, action))

    response = client.post(
        action_url(world_a, action),
        {
            "on": timezone.localdate().isoformat(),
            "note": "With a page.",
            "rag": Rag.RED,
            "evidence": [SimpleUploadedFile("page.pdf", b"<html><script>x</script></html>")],
            "expected_updated_at": hidden_version(page),
        },
    )

    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_evidence-error"' in text
    assert "page.pdf: The file must be PDF" in text
    assert "With a page." in text
    assert not ActionUpdate.objects.exists()


def test_two_people_editing_one_action_the_second_is_refused_and_shown_the_first(world_a, client_for):
    recommendation = recommendation_make(world_a, actions=1)
    action = Action.objects.get(plan__recommendation=recommendation)
    first, second = client_for(world_a.bm), client_for(world_a.la_lead.person)
    url = action_url(world_a, action, "action_edit")
    form_a, form_b = first.get(url), second.get(url)
    data = {
        "lead_agency": action.lead_agency_id,
        "lead_person": action.lead_person_id,
        "due_on": action.due_on.isoformat(),
        "measure_of_success": action.measure_of_success,
    }

    assert first.post(url, {**data, "what": "First", "expected_updated_at": hidden_version(form_a)}).status_code == 302
    refused = second.post(url, {**data, "what": "Second", "expected_updated_at": hidden_version(form_b)})
    again = second.post(url, {**data, "what": "Second", "expected_updated_at": hidden_version(refused)})

    assert refused.status_code == 400
    assert 'data-testid="saved-version"' in refused.content.decode()
    assert "Someone else changed this action" in refused.content.decode()
    assert again.status_code == 302
    assert Action.objects.get(pk=action.pk).what == "Second"


def test_the_board_report_pages(world_a, client_for):
    recommendation_make(world_a, state=State.COMPLETED)
    client = client_for(world_a.bm)
    url = reverse("partnership:progress_report_list", kwargs={"slug": world_a.partnership.slug})

    refused = client.post(url, {"title": "", "as_of": (timezone.localdate() + timedelta(days=3)).isoformat()})
    made = client.post(url, {"title": "Board, December", "as_of": timezone.localdate().isoformat()})

    assert refused.status_code == 400
    assert (
        "A progress report is as at today or an earlier date." in refused.content.decode()
        or "Give the report a title" in refused.content.decode()
    )
    assert made.status_code == 302
    report = ProgressReport.objects.get()
    detail = client.get(made["Location"]).content.decode()
    assert "Download the Word document" in detail
    assert "Queued" in detail or "queued" in detail.lower()
    docx = client.get(
        reverse("partnership:progress_report_docx", kwargs={"slug": world_a.partnership.slug, "report_id": report.pk})
    )
    assert docx.status_code == 200
    assert docx["Content-Disposition"].startswith("attachment;")
    assert client_for(world_a.scrutineer.person).post(url, {"title": "x", "as_of": "2026-01-01"}).status_code == 403
    assert client_for(world_a.practitioner.person).get(url).status_code == 404
