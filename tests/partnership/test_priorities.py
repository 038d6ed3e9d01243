"""The partnership's priorities: services, the management page and the API, per partnership."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from partnership.models import HistoryEntry
from partnership.models.priorities import Priority
from partnership.selectors.priorities import priority_list
from partnership.services.priorities import priority_create, priority_update
from tests.conftest import if_match, login

pytestmark = pytest.mark.django_db


def _make(world, title="Reduce exploitation", **kwargs):
    return priority_create(
        partnership=world.partnership,
        actor=world.bm,
        title=title,
        start_year=kwargs.pop("start_year", 2026),
        end_year=kwargs.pop("end_year", 2028),
        **kwargs,
    )


def test_create_orders_and_records_history(world_a):
    first = _make(world_a, lead_partner="police")
    second = _make(world_a, title="Neglect")
    assert (first.position, second.position) == (0, 1)
    assert first.period == "2026 to 2028"
    assert first.get_lead_partner_display() == "Police"
    assert HistoryEntry.objects.filter(partnership=world_a.partnership, object_id=first.pk, action="created").exists()


def test_bad_input_is_field_errors(world_a):
    _make(world_a)
    with pytest.raises(ValidationError) as err:
        priority_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            title="reduce EXPLOITATION",
            start_year=2027,
            end_year=2026,
            lead_partner="school",
        )
    assert set(err.value.message_dict) == {"title", "end_year", "lead_partner"}
    with pytest.raises(ValidationError) as err:
        priority_create(partnership=world_a.partnership, actor=world_a.bm, title="", start_year=None, end_year=1999)
    assert set(err.value.message_dict) == {"title", "start_year", "end_year"}


def test_same_title_in_another_partnership_is_fine(world_a, world_b):
    _make(world_a)
    _make(world_b)
    assert [p.title for p in priority_list(partnership=world_a.partnership)] == ["Reduce exploitation"]


def test_stale_update_is_refused(world_a):
    priority = _make(world_a)
    seen = priority.updated_at
    priority_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        priority=priority,
        title="Reduce child exploitation",
        start_year=2026,
        end_year=2028,
        expected_updated_at=seen,
    )
    with pytest.raises(ValidationError) as err:
        priority_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            priority=priority,
            title="Something else",
            start_year=2026,
            end_year=2028,
            is_active=False,
            expected_updated_at=seen,
        )
    assert err.value.code == "stale"
    priority.refresh_from_db()
    assert priority.title == "Reduce child exploitation"
    assert priority.is_active


# --- Pages -----------------------------------------------------------------------------------------------


def test_business_manager_adds_and_changes_a_priority(world_a, client_for):
    client = client_for(world_a.bm)
    url = reverse("partnership:priority_list", kwargs={"slug": world_a.partnership.slug})
    response = client.post(url, {"title": "Neglect", "start_year": "2026", "end_year": "2027", "lead_partner": ""})
    assert response.status_code == 302
    priority = Priority.objects.get(partnership=world_a.partnership)
    edit = reverse("partnership:priority_edit", kwargs={"slug": world_a.partnership.slug, "priority_id": priority.pk})
    page = client.get(edit)
    assert page.status_code == 200
    version = page.context["form"].initial["expected_updated_at"]
    response = client.post(
        edit,
        {"title": "Neglect", "start_year": "2026", "end_year": "2027", "expected_updated_at": version, "is_active": ""},
    )
    assert response.status_code == 302
    priority.refresh_from_db()
    assert not priority.is_active
    # The same stale page again: refused, the saved version shown, nothing overwritten.
    response = client.post(
        edit,
        {"title": "Other", "start_year": "2026", "end_year": "2027", "expected_updated_at": version, "is_active": "on"},
    )
    assert response.status_code == 400
    assert b"saved-version" in response.content
    priority.refresh_from_db()
    assert priority.title == "Neglect"


def test_page_shows_field_errors(world_a, client_for):
    url = reverse("partnership:priority_list", kwargs={"slug": world_a.partnership.slug})
    response = client_for(world_a.bm).post(url, {"title": "", "start_year": "abc", "end_year": "2026"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "start_year"}
    assert b'aria-invalid="true"' in response.content


def test_members_read_only_managers_change(world_a, client_for, django_assert_max_num_queries):
    for n in range(5):
        _make(world_a, title=f"Priority {n}")
    client = client_for(world_a.practitioner.person)
    url = reverse("partnership:priority_list", kwargs={"slug": world_a.partnership.slug})
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert b"Priority 4" in response.content
    assert response.context["form"] is None
    assert client.post(url, {"title": "X", "start_year": "2026", "end_year": "2026"}).status_code == 403
    priority = Priority.objects.filter(partnership=world_a.partnership).first()
    edit = reverse("partnership:priority_edit", kwargs={"slug": world_a.partnership.slug, "priority_id": priority.pk})
    assert client.get(edit).status_code == 403


def test_another_partnerships_priority_is_404(world_a, world_b, client_for):
    priority = _make(world_a)
    edit = reverse("partnership:priority_edit", kwargs={"slug": world_b.partnership.slug, "priority_id": priority.pk})
    assert client_for(world_b.bm).get(edit).status_code == 404


# --- API ---------------------------------------------------------------------------------------------------


def _api(person) -> APIClient:
    return login(APIClient(), person)


def test_api_lists_creates_and_updates(world_a, world_b):
    client = _api(world_a.bm)
    url = reverse("api:priority_list", kwargs={"slug": world_a.partnership.slug})
    response = client.post(url, {"title": "Neglect", "start_year": 2026, "end_year": 2027}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    detail = reverse("api:priority_detail", kwargs={"slug": world_a.partnership.slug, "priority_id": pk})
    response = client.patch(
        detail,
        {"title": "Neglect of teenagers", "start_year": 2026, "end_year": 2027, "lead_partner": "health"},
        format="json",
        **if_match(client, detail),
    )
    assert response.status_code == 200, response.content
    assert response.json()["lead_partner"] == "health"
    assert [p["title"] for p in client.get(url).json()] == ["Neglect of teenagers"]
    # A stale version: 409, nothing changed.
    stale = {"title": "X", "start_year": 2026, "end_year": 2027, "updated_at": "2020-01-01T00:00:00Z"}
    assert client.patch(detail, stale, format="json").status_code == 409
    # Bad input: 400 with field errors.
    response = client.post(url, {"title": "", "start_year": 1900, "end_year": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) >= {"title", "start_year", "end_year"}
    # Another partnership: 404; a practitioner reads but may not write.
    other = reverse("api:priority_detail", kwargs={"slug": world_b.partnership.slug, "priority_id": pk})
    assert _api(world_b.bm).get(other).status_code == 404
    practitioner = _api(world_a.practitioner.person)
    assert practitioner.get(url).status_code == 200
    assert (
        practitioner.post(url, {"title": "Y", "start_year": 2026, "end_year": 2026}, format="json").status_code == 403
    )


def test_success_measures_are_kept_shown_and_served(world_a, client_for):
    client = client_for(world_a.bm)
    url = reverse("partnership:priority_list", kwargs={"slug": world_a.partnership.slug})
    measures = "Fewer repeat missing episodes\nReturn interviews within 72 hours"
    response = client.post(
        url, {"title": "Missing children", "start_year": "2026", "end_year": "2027", "success_measures": measures}
    )
    assert response.status_code == 302
    priority = Priority.objects.get(partnership=world_a.partnership)
    assert priority.success_measures == measures
    assert "Return interviews within 72 hours" in client.get(url).content.decode()
    api_url = reverse("api:priority_detail", kwargs={"slug": world_a.partnership.slug, "priority_id": priority.pk})
    assert _api(world_a.bm).get(api_url).json()["success_measures"] == measures
    with pytest.raises(ValidationError) as caught:
        priority_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            priority=priority,
            title="Missing children",
            start_year=2026,
            end_year=2027,
            success_measures="x" * 4001,
        )
    assert "success_measures" in caught.value.message_dict
