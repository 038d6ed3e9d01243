"""Automatic references follow the partnership's own series, configurable per partnership."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from partnership.models import Partnership
from partnership.references import reference_next, reference_pattern_errors
from partnership.services import partnership_update_settings
from tests.reviews.factories import rapid_review_make
from tests.reviews.learning_review_factories import learning_review_make


def test_the_next_reference_continues_the_series():
    taken = ["ASH-SI-015", "ASH-SI-017", "SI-2026-004", "ash-si-009"]
    assert reference_next("ASH-SI-{number}", year=2026, taken=taken) == "ASH-SI-018"
    assert reference_next("SI-{year}-{number}", year=2026, taken=taken) == "SI-2026-005"
    assert reference_next("SI-{year}-{number}", year=2027, taken=taken) == "SI-2027-001"
    assert reference_next("WSX-SI-{number}", year=2026, taken=["WSX-SI-1105"]) == "WSX-SI-1106"
    assert reference_next("{number}/{year}", year=2026, taken=["7/2026"]) == "008/2026"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("", "Enter a pattern"),
        ("ASH-SI", "exactly once"),
        ("{number}-{number}", "exactly once"),
        ("{year}{year}{number}", "at most once"),
        ("SI {number}", "Use letters, digits"),
        ("X" * 21 + "{number}", "at most 20"),
    ],
)
def test_bad_patterns_are_refused_with_a_sentence(pattern, problem):
    [message] = reference_pattern_errors(pattern)
    assert problem in message


@pytest.mark.django_db
def test_a_recorded_incident_and_a_learning_review_take_the_next_of_the_partnerships_series(world_a):
    partnership_update_settings(
        partnership=world_a.partnership,
        actor=world_a.bm,
        name=world_a.partnership.name,
        nation=world_a.partnership.nation,
        incident_reference_pattern="ALP-SI-{number}",
        learning_review_reference_pattern="ALP-LR-{number}",
    )
    world_a.partnership = Partnership.objects.get(pk=world_a.partnership.pk)
    rapid_review_make(world_a, reference="ALP-SI-017")
    review = rapid_review_make(
        world_a, incident_on=date(2026, 10, 30), panel_notified_on=date(2026, 11, 2), la_aware_on=date(2026, 11, 2)
    )
    assert review.incident.reference == "ALP-SI-018"
    assert learning_review_make(world_a).reference == "ALP-LR-001"


@pytest.mark.django_db
def test_the_default_series_is_unchanged(world_a):
    review = rapid_review_make(
        world_a, incident_on=date(2026, 10, 30), panel_notified_on=date(2026, 11, 2), la_aware_on=date(2026, 11, 2)
    )
    assert review.incident.reference == "SI-2026-001"


@pytest.mark.django_db
def test_the_settings_page_changes_the_pattern_and_refuses_a_bad_one(world_a, client_for):
    url = reverse("partnership:settings", kwargs={"slug": world_a.partnership.slug})
    client = client_for(world_a.bm)
    page = client.get(url)
    form = page.context["settings_form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data |= {"form": "settings", "incident_reference_pattern": "ALP-SI"}
    response = client.post(url, data)
    assert "Put {number} in the pattern exactly once" in response.content.decode()
    data["incident_reference_pattern"] = "ALP-SI-{number}"
    assert client.post(url, data).status_code == 302
    assert Partnership.objects.get(pk=world_a.partnership.pk).incident_reference_pattern == "ALP-SI-{number}"
