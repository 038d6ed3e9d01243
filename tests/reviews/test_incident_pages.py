"""The serious incident and rapid review pages: recording, errors, roles, identities and their log, query counts."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership.models import DocumentDownload
from reviews.models import IdentityView, RapidReview, SeriousIncident
from reviews.services.incidents import NOTIFIED_BEFORE_AWARE, TOO_MANY_CHILDREN
from reviews.services.rapid_review_document import rapid_review_template_render_request
from tests.reviews.factories import CHILD_ADDRESS, CHILD_NAME, child_data, information_request_make, rapid_review_make

READERS = ["business_manager", "la_lead", "health_lead", "police_lead", "scrutineer"]
NOT_READERS = ["practitioner", "agency_lead", "lay_member", "observer"]


def url(world, name, **kwargs):
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _form_data(world, *, children=1, **overrides):
    data = {
        "reference": "",
        "incident_on": "2023-05-01",
        "la_aware_on": "2023-05-02",
        "panel_notified_on": "2023-05-03",
        "outcome": "serious_harm",
        "summary": "A serious incident, described without identifying details.",
        "referring_agency": str(world.council.pk),
        "agencies": [str(world.icb.pk), str(world.school.pk)],
        "children-TOTAL_FORMS": str(max(children, 4)),
        "children-INITIAL_FORMS": "0",
        "children-MIN_NUM_FORMS": "0",
        "children-MAX_NUM_FORMS": "5",
    }
    for i, child in enumerate(child_data(children)):
        data[f"children-{i}-name"] = child["name"]
        data[f"children-{i}-date_of_birth"] = child["date_of_birth"].isoformat()
        data[f"children-{i}-address"] = child["address"]
    data.update(overrides)
    return data


# --- Recording -----------------------------------------------------------------------------------


def test_the_form_offers_four_child_rows_and_the_partnerships_agencies(world_a, world_b, client_for):
    response = client_for(world_a.bm).get(url(world_a, "incident_create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-testid="child-row"') == 4
    assert world_a.school.name in html
    assert world_b.school.name not in html


def test_recording_opens_the_rapid_review_and_shows_it_by_pseudonym(world_a, client_for):
    client = client_for(world_a.bm)
    response = client.post(url(world_a, "incident_create"), _form_data(world_a, children=2))
    incident = SeriousIncident.objects.get()
    review = RapidReview.objects.get(incident=incident)
    assert response.status_code == 302
    assert response["Location"] == url(world_a, "rapid_review_detail", rapid_review_id=review.pk)
    assert set(incident.agencies.all()) == {world_a.council, world_a.icb, world_a.school}
    page = client.get(response["Location"]).content.decode()
    assert "SI-2023-001" in page
    assert "Child A, Child B" in page
    assert CHILD_NAME not in page
    assert CHILD_ADDRESS not in page
    assert "25 May 2023" in page  # day 15, past the coronation
    # The agencies involved by name and the children in order, read together (incident_parties).
    parties = page.split("<dt>Agencies involved</dt>", 1)[1].split("</dl>", 1)[0]
    names = sorted([world_a.council.name, world_a.icb.name, world_a.school.name])
    assert f"<dd>{', '.join(names)}</dd>" in parties
    assert '<dd data-testid="children">Child A, Child B</dd>' in parties


def test_dates_in_the_wrong_order_are_refused_beside_the_field_and_nothing_is_lost(world_a, client_for):
    data = _form_data(world_a, panel_notified_on="2023-05-01", la_aware_on="2023-05-02", incident_on="2023-04-30")
    response = client_for(world_a.bm).post(url(world_a, "incident_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "data-error-summary" in html
    assert 'href="#id_panel_notified_on"' in html
    assert NOTIFIED_BEFORE_AWARE in html
    assert 'id="id_panel_notified_on-error"' in html
    # What was typed is still there: the child's name, the summary, the ticked agencies.
    assert f'value="{CHILD_NAME}"' in html
    assert "described without identifying details" in html
    assert f'value="{world_a.icb.pk}" id="id_agencies_0" checked' in html or "checked" in html
    assert not SeriousIncident.objects.exists()


def test_a_fifth_child_is_refused_with_a_clear_message(world_a, client_for):
    data = _form_data(world_a, children=5)
    data["children-TOTAL_FORMS"] = "5"
    response = client_for(world_a.bm).post(url(world_a, "incident_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert TOO_MANY_CHILDREN in html
    assert f"{CHILD_NAME} 5" in html  # kept, so it can be moved elsewhere
    assert not SeriousIncident.objects.exists()


def test_a_childs_missing_name_is_shown_on_that_row(world_a, client_for):
    data = _form_data(world_a, children=1)
    data["children-1-address"] = "Somewhere"  # a second row started but not named
    response = client_for(world_a.bm).post(url(world_a, "incident_create"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Child 2: Enter the child&#x27;s name." in html
    assert 'href="#id_children-1-name"' in html


def test_an_oversized_summary_is_refused_on_its_field(world_a, client_for):
    response = client_for(world_a.bm).post(url(world_a, "incident_create"), _form_data(world_a, summary="x" * 5001))
    assert response.status_code == 400
    assert "Use at most 5000 characters (you used 5001)." in response.content.decode()


def test_another_partnerships_agency_is_refused(world_a, world_b, client_for):
    data = _form_data(world_a, agencies=[str(world_b.school.pk)])
    response = client_for(world_a.bm).post(url(world_a, "incident_create"), data)
    assert response.status_code == 400
    assert "Choose only this partnership&#x27;s agencies." in response.content.decode()


@pytest.mark.parametrize("role", ["la_lead", "scrutineer", "practitioner", "observer"])
def test_only_business_managers_record_incidents(world_a, client_for, role):
    client = client_for(getattr(world_a, role).person)
    assert client.get(url(world_a, "incident_create")).status_code == 403
    assert client.post(url(world_a, "incident_create"), _form_data(world_a)).status_code == 403
    assert not SeriousIncident.objects.exists()


# --- The list and the review page ----------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_readers_see_the_list_and_the_review(world_a, client_for, role):
    review = rapid_review_make(world_a)
    client = client_for(getattr(world_a, role).person)
    listing = client.get(url(world_a, "rapid_review_list"))
    assert listing.status_code == 200
    assert review.incident.reference in listing.content.decode()
    detail = client.get(url(world_a, "rapid_review_detail", rapid_review_id=review.pk))
    assert detail.status_code == 200
    assert CHILD_NAME not in detail.content.decode()


@pytest.mark.parametrize("role", NOT_READERS)
def test_other_roles_cannot_read_rapid_reviews(world_a, client_for, role):
    review = rapid_review_make(world_a)
    client = client_for(getattr(world_a, role).person)
    assert client.get(url(world_a, "rapid_review_list")).status_code == 403
    assert client.get(url(world_a, "rapid_review_detail", rapid_review_id=review.pk)).status_code == 403


def test_navigation_offers_rapid_reviews_to_readers_only(world_a, client_for):
    home = reverse("partnership:home", kwargs={"slug": world_a.partnership.slug})
    assert "Rapid reviews" in client_for(world_a.scrutineer.person).get(home).content.decode()
    assert "Rapid reviews" not in client_for(world_a.practitioner.person).get(home).content.decode()


def test_the_list_flags_late_notifications_and_overdue_reviews(world_a, client_for):
    rapid_review_make(
        world_a, incident_on=date(2024, 6, 3), la_aware_on=date(2024, 6, 3), panel_notified_on=date(2024, 6, 12)
    )
    html = client_for(world_a.bm).get(url(world_a, "rapid_review_list")).content.decode()
    assert "Notified late" in html
    assert "Overdue" in html
    only_overdue = client_for(world_a.bm).get(url(world_a, "rapid_review_list") + "?overdue=1").content.decode()
    assert "SI-2024-001" in only_overdue


def test_the_review_page_shows_the_timeline_and_what_is_overdue(world_a, client_for):
    review = rapid_review_make(
        world_a, incident_on=date(2023, 5, 1), la_aware_on=date(2023, 5, 2), panel_notified_on=date(2023, 5, 3)
    )
    html = client_for(world_a.bm).get(url(world_a, "rapid_review_detail", rapid_review_id=review.pk)).content.decode()
    assert 'data-testid="timeline"' in html
    assert 'data-testid="overdue"' in html
    assert "5 May 2023" in html  # day 2
    assert "15 May 2023 to 23 May 2023" in html  # the meeting window, past the coronation
    assert "Overdue:" in html


def test_list_query_count_does_not_grow_with_reviews(world_a, client_for, django_assert_max_num_queries):
    for _ in range(12):
        review = rapid_review_make(world_a)
        information_request_make(world_a, rapid_review=review)
    client = client_for(world_a.bm)
    client.get(url(world_a, "rapid_review_list"))  # warm the session and content types
    with django_assert_max_num_queries(7):
        response = client.get(url(world_a, "rapid_review_list"))
    assert response.status_code == 200


def test_detail_query_count_is_fixed(world_a, client_for, django_assert_max_num_queries):
    review = rapid_review_make(world_a, children=child_data(4))
    for agency, person in (
        (world_a.school, world_a.practitioner.person),
        (world_a.police, world_a.police_lead.person),
        (world_a.icb, world_a.health_lead.person),
    ):
        information_request_make(world_a, rapid_review=review, agency=agency, assignee=person)
    client = client_for(world_a.bm)
    client.get(url(world_a, "rapid_review_detail", rapid_review_id=review.pk))
    with django_assert_max_num_queries(12):
        response = client.get(url(world_a, "rapid_review_detail", rapid_review_id=review.pk))
    assert response.status_code == 200


# --- Identities -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["business_manager", "la_lead", "health_lead", "police_lead"])
def test_show_identities_reveals_them_and_logs_each_child(world_a, client_for, role):
    review = rapid_review_make(world_a, children=child_data(2))
    person = getattr(world_a, role).person
    client = client_for(person)
    detail = client.get(url(world_a, "rapid_review_detail", rapid_review_id=review.pk)).content.decode()
    assert "Show identities" in detail
    assert CHILD_NAME not in detail
    response = client.post(url(world_a, "incident_identities", incident_id=review.incident_id))
    assert response.status_code == 200
    html = response.content.decode()
    assert CHILD_NAME in html
    assert CHILD_ADDRESS in html
    assert "no-store" in response["Cache-Control"]
    views = IdentityView.objects.filter(viewer=person)
    assert views.count() == 2
    assert all(v.context == f"Incident page: {review.incident.reference}" for v in views)


@pytest.mark.parametrize("role", ["scrutineer", "practitioner", "agency_lead", "lay_member", "observer"])
def test_other_roles_never_see_identities(world_a, client_for, role):
    review = rapid_review_make(world_a)
    client = client_for(getattr(world_a, role).person)
    response = client.post(url(world_a, "incident_identities", incident_id=review.incident_id))
    assert response.status_code == 403
    assert CHILD_NAME not in response.content.decode()
    assert not IdentityView.objects.exists()
    if role == "scrutineer":
        detail = client.get(url(world_a, "rapid_review_detail", rapid_review_id=review.pk)).content.decode()
        assert "Show identities" not in detail


def test_identities_are_only_shown_on_a_post(world_a, client_for):
    review = rapid_review_make(world_a)
    response = client_for(world_a.bm).get(url(world_a, "incident_identities", incident_id=review.incident_id))
    assert response.status_code == 405
    assert not IdentityView.objects.exists()


def test_the_identity_log_says_who_saw_which_child_where(world_a, client_for):
    review = rapid_review_make(world_a)
    client_for(world_a.la_lead.person).post(url(world_a, "incident_identities", incident_id=review.incident_id))
    response = client_for(world_a.bm).get(url(world_a, "identity_log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert world_a.la_lead.person.full_name in html
    assert "Child A" in html
    assert review.incident.reference in html
    assert CHILD_NAME not in html


def _identified_downloads(world, review, *, people) -> None:
    """The identified template asked for (each child's reveal logged) and downloaded by each of ``people``."""
    version = rapid_review_template_render_request(
        partnership=world.partnership, membership=world.business_manager, rapid_review=review, identified=True
    )
    for person in people:
        DocumentDownload.objects.create(
            partnership=world.partnership, document=version.document, version=version, person=person
        )


def _log_queries(client, world) -> tuple[int, str]:
    client.get(url(world, "identity_log"))  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(world, "identity_log"))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_identity_log_runs_a_fixed_number_of_queries(world_a, world_b, client_for):
    client = client_for(world_a.bm)
    _identified_downloads(world_a, rapid_review_make(world_a), people=[world_a.la_lead.person])
    few, html = _log_queries(client, world_a)
    assert "2 views" in html

    for _ in range(3):
        review = rapid_review_make(world_a, children=child_data(3))
        client_for(world_a.la_lead.person).post(url(world_a, "incident_identities", incident_id=review.incident_id))
        _identified_downloads(world_a, review, people=[world_a.bm, world_a.police_lead.person])
    # Another partnership's views and downloads are not this log's.
    _identified_downloads(world_b, rapid_review_make(world_b), people=[world_b.bm])

    many, html = _log_queries(client, world_a)
    assert "26 views" in html  # 2, then per review 3 shown on the page + 3 put in the PDF + 2 downloads
    assert html.count('data-testid="identity-log-download"') == 1 + 3 * 2
    assert world_b.bm.full_name not in html
    assert many == few


def test_the_identity_log_pages_views_and_downloads_together(world_a, client_for):
    review = rapid_review_make(world_a, children=child_data(4))
    _identified_downloads(world_a, review, people=[world_a.la_lead.person] * 47)  # 4 reveals + 47 downloads
    client = client_for(world_a.bm)

    first = client.get(url(world_a, "identity_log")).content.decode()
    second = client.get(url(world_a, "identity_log"), {"page": 2}).content.decode()

    assert "51 views (page 1 of 2)" in first
    assert first.count('data-testid="identity-log-download"') == 47  # the newest 50: every download, 3 reveals
    assert second.count("<tr>") == 2  # the header and the oldest reveal
    assert "identity-log-download" not in second


@pytest.mark.parametrize(("role", "status"), [("scrutineer", 200), ("la_lead", 403), ("practitioner", 403)])
def test_business_managers_and_the_scrutineer_read_the_identity_log(world_a, client_for, role, status):
    assert client_for(getattr(world_a, role).person).get(url(world_a, "identity_log")).status_code == status


# --- Editing ----------------------------------------------------------------------------------------


def _edit_data(incident, **overrides):
    data = {
        "reference": incident.reference,
        "incident_on": incident.incident_on.isoformat(),
        "la_aware_on": incident.la_aware_on.isoformat(),
        "panel_notified_on": incident.panel_notified_on.isoformat(),
        "outcome": incident.outcome,
        "summary": incident.summary,
        "referring_agency": str(incident.referring_agency_id),
        "agencies": [str(a.pk) for a in incident.agencies.all()],
        "expected_updated_at": incident.updated_at.isoformat(),
    }
    data.update(overrides)
    return data


def test_moving_the_notification_date_on_the_edit_page_moves_the_milestones(world_a, client_for):
    review = rapid_review_make(world_a)
    incident = review.incident
    client = client_for(world_a.bm)
    assert client.get(url(world_a, "incident_edit", incident_id=incident.pk)).status_code == 200
    data = _edit_data(incident, incident_on="2022-09-13", la_aware_on="2022-09-13", panel_notified_on="2022-09-14")
    response = client.post(url(world_a, "incident_edit", incident_id=incident.pk), data)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.panel_submission_due_on == date(2022, 10, 6)


def test_an_edit_from_an_out_of_date_page_shows_the_saved_version_and_keeps_the_input(world_a, client_for):
    review = rapid_review_make(world_a)
    incident = review.incident
    client = client_for(world_a.bm)
    stale = _edit_data(incident, summary="My change")
    client.post(url(world_a, "incident_edit", incident_id=incident.pk), _edit_data(incident, summary="Their change"))
    response = client.post(url(world_a, "incident_edit", incident_id=incident.pk), stale)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="saved-version"' in html
    assert "My change" in html
    incident.refresh_from_db()
    assert incident.summary == "Their change"


def test_an_edit_with_dates_out_of_order_is_refused(world_a, client_for):
    review = rapid_review_make(world_a)
    incident = review.incident
    data = _edit_data(incident, la_aware_on="2023-05-03", panel_notified_on="2023-05-02", incident_on="2023-05-01")
    response = client_for(world_a.bm).post(url(world_a, "incident_edit", incident_id=incident.pk), data)
    assert response.status_code == 400
    assert NOTIFIED_BEFORE_AWARE in response.content.decode()


def test_an_empty_form_says_what_is_missing_children_included(world_a, client_for):
    response = client_for(world_a.bm).post(url(world_a, "incident_create"), _form_data(world_a, children=0))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Name at least one child." in html
    assert 'href="#children-heading"' in html
