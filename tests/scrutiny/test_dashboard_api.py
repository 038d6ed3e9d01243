"""The scrutiny dashboard's API: the page's figures, who may read them, bad input and another partnership."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import login
from tests.scrutiny.test_dashboard import figures  # noqa: F401 (the hand-counted data set, a fixture)

pytestmark = pytest.mark.django_db


def api_url(world) -> str:
    return reverse("scrutiny_api:dashboard", kwargs={"slug": world.partnership.slug})


def test_the_figures_are_the_pages(world_a, figures):  # noqa: F811
    response = login(APIClient(), world_a.scrutineer.person).get(api_url(world_a), {"year": 2025})
    assert response.status_code == 200
    data = response.json()
    assert data["year"] == 2025
    assert data["years"] == [2026, 2025]
    panels = {p["key"]: p for p in data["panels"]}
    assert list(panels) == [
        "notification",
        "timeliness",
        "decisions",
        "learning_reviews",
        "recommendations",
        "recommendation_age",
        "overdue_actions",
        "overdue_by_partner",
        "audit_grades",
        "themes",
        "section_11",
        "section_175",
        "hub_cycles",
        "open_reviews",
    ]
    timeliness, recommendations, overdue = panels["timeliness"], panels["recommendations"], panels["overdue_actions"]
    assert timeliness["columns"] == ["Quarter", "Within 15 working days", "Late", "Open, not yet due"]
    assert [(row["label"], [f["value"] for f in row["figures"]]) for row in timeliness["rows"]] == [
        ("2025 Q1", [2, 1, 0]),
        ("2025 Q2", [0, 1, 0]),
    ]
    assert timeliness["rows"][0]["figures"][1]["url"].endswith(
        "/scrutiny/timeliness/records/?period=year&year=2025&row=2025-1&column=late"
    )
    assert [(row["label"], row["figures"][0]["value"]) for row in overdue["rows"]] == [
        (world_a.school.name, 2),
        (world_a.council.name, 1),
    ]
    assert sum(row["figures"][0]["value"] for row in recommendations["rows"]) == 2


def test_without_a_year_every_year_counts(world_a, figures):  # noqa: F811
    data = login(APIClient(), world_a.bm).get(api_url(world_a)).json()
    assert data["year"] is None
    assert [row["label"] for row in data["panels"][1]["rows"]] == ["2025 Q1", "2025 Q2", "2026 Q1"]


@pytest.mark.parametrize("year", ["x", "99999", "1"])
def test_a_bad_year_is_a_400_on_the_field(world_a, year):
    response = login(APIClient(), world_a.bm).get(api_url(world_a), {"year": year})
    assert response.status_code == 400
    assert "year" in response.json()


@pytest.mark.parametrize(
    ("role", "status"),
    [("scrutineer", 200), ("police_lead", 200), ("practitioner", 403), ("agency_lead", 403), ("lay_member", 403)],
)
def test_who_reads_it(world_a, role, status):
    assert login(APIClient(), getattr(world_a, role).person).get(api_url(world_a)).status_code == status


def test_another_partnerships_dashboard_is_not_found(world_a, world_b):
    assert login(APIClient(), world_b.bm).get(api_url(world_a)).status_code == 404
    assert login(APIClient(), world_b.scrutineer.person).get(api_url(world_a)).status_code == 404


def test_it_is_read_only(world_a):
    client = login(APIClient(), world_a.bm)
    assert client.post(api_url(world_a), {}, format="json").status_code == 405
