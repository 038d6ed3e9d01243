"""The recommendations API: the register, versioned edits, rounds, themes, dissemination uploads, the outcomes rows."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partnership.models import SignOff
from partnership.models.recommendations import Dissemination, Recommendation
from reviews.models import OutcomeRecommendation
from tests.recommendations.helpers import (
    final_review_with_rows,
    recommendation_make,
    round_sign_off,
    themes,
)

pytestmark = pytest.mark.django_db


def api(world, name: str, namespace: str = "api", **kwargs) -> str:
    return reverse(f"{namespace}:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def send(client, method: str, target: str, body: dict):
    return getattr(client, method)(target, data=json.dumps(body), content_type="application/json")


def test_the_register_lists_and_filters(world_a, client_for):
    recommendation_make(world_a, lead_partner="police")
    recommendation_make(world_a, lead_partner="health")
    client = client_for(world_a.scrutineer.person)
    answer = client.get(api(world_a, "recommendation_list"), {"lead_partner": "police"}).json()
    assert answer["count"] == 1
    assert answer["results"][0]["lead_partner"] == "police"
    assert client.get(api(world_a, "recommendation_list"), {"state": "nonsense"}).status_code == 400
    assert client_for(world_a.practitioner.person).get(api(world_a, "recommendation_list")).status_code == 403


def test_create_refuses_a_foreign_source_and_theme_like_missing_ones(world_a, world_b, client_for):
    final_review_with_rows(world_b)
    their_row = OutcomeRecommendation.objects.filter(partnership=world_b.partnership).first()
    their_theme = themes(world_b)[0]
    client = client_for(world_a.bm)
    base = {"text": "X", "lead_partner": "health"}
    answers = [
        send(
            client,
            "post",
            api(world_a, "recommendation_list"),
            {**base, "source_kind": "outcomes_form", "source_id": i},
        )
        for i in (their_row.pk, 99_999_999)
    ]
    assert [a.status_code for a in answers] == [400, 400]
    assert answers[0].json() == answers[1].json()
    themed = [
        send(
            client,
            "post",
            api(world_a, "recommendation_list"),
            {**base, "source_kind": "other", "source_description": "d", "themes": [i]},
        )
        for i in (their_theme.pk, 99_999_999)
    ]
    assert themed[0].json() == themed[1].json()
    assert "themes" in themed[0].json()
    assert not Recommendation.objects.filter(partnership=world_a.partnership).exists()


def test_edits_need_the_version_and_refuse_a_stale_one(world_a, client_for):
    recommendation = recommendation_make(world_a)
    client = client_for(world_a.bm)
    url = api(world_a, "recommendation_detail", recommendation_id=recommendation.pk)
    body = {"text": "Revised", "lead_partner": "police", "source_description": "Day"}
    assert send(client, "patch", url, body).status_code == 428
    version = client.get(url).json()["updated_at"]
    assert send(client, "patch", url, {**body, "updated_at": version}).status_code == 200
    assert send(client, "patch", url, {**body, "text": "Stale", "updated_at": version}).status_code == 409
    assert Recommendation.objects.get(pk=recommendation.pk).text == "Revised"
    assert send(client_for(world_a.la_lead.person), "patch", url, {**body, "updated_at": version}).status_code == 403


def test_a_round_over_the_api_refuses_a_foreign_recommendation_and_is_decided_through_the_sign_off_api(
    world_a, world_b, client_for
):
    ours, theirs = recommendation_make(world_a), recommendation_make(world_b)
    client = client_for(world_a.bm)
    refused = send(client, "post", api(world_a, "recommendation_round_list"), {"recommendations": [ours.pk, theirs.pk]})
    missing = send(
        client, "post", api(world_a, "recommendation_round_list"), {"recommendations": [ours.pk, 99_999_999]}
    )
    assert refused.status_code == missing.status_code == 400
    assert refused.json() == missing.json()
    made = send(client, "post", api(world_a, "recommendation_round_list"), {"recommendations": [ours.pk]})
    assert made.status_code == 201
    sign_off_id = made.json()["sign_off_id"]
    for lead in (world_a.la_lead, world_a.health_lead, world_a.police_lead):
        answer = send(
            client_for(lead.person), "post", api(world_a, "sign_off_approve", sign_off_id=sign_off_id), {"round": 1}
        )
        assert answer.status_code == 200
    assert Recommendation.objects.get(pk=ours.pk).state == Recommendation.State.ACTION_PLANNING
    round_ = client.get(api(world_a, "recommendation_round_detail", round_id=made.json()["id"])).json()
    assert round_["sign_off_state"] == SignOff.State.APPROVED


def test_close_and_themes_over_the_api(world_a, client_for):
    recommendation = recommendation_make(world_a)
    neglect = next(t for t in themes(world_a) if t.name == "Neglect")
    client = client_for(world_a.bm)
    version = client.get(api(world_a, "recommendation_detail", recommendation_id=recommendation.pk)).json()[
        "updated_at"
    ]
    tagged = send(
        client,
        "put",
        api(world_a, "recommendation_themes", recommendation_id=recommendation.pk),
        {"themes": [neglect.pk], "updated_at": version},
    )
    assert [t["name"] for t in tagged.json()["themes"]] == ["Neglect"]
    closed = send(
        client,
        "post",
        api(world_a, "recommendation_close", recommendation_id=recommendation.pk),
        {"updated_at": tagged.json()["updated_at"], "reason": "Duplicate"},
    )
    assert closed.json()["state"] == "closed"
    again = send(
        client,
        "post",
        api(world_a, "recommendation_close", recommendation_id=recommendation.pk),
        {"updated_at": closed.json()["updated_at"]},
    )
    assert again.status_code == 400
    assert "cannot be closed" in again.json()["non_field_errors"][0]


def test_themes_api_lists_adds_renames_and_retires(world_a, client_for):
    themes(world_a)
    client = client_for(world_a.bm)
    listed = client.get(api(world_a, "theme_list")).json()
    assert len(listed) == 15
    made = send(client, "post", api(world_a, "theme_list"), {"name": "Online harm"}).json()
    url = api(world_a, "theme_detail", theme_id=made["id"])
    renamed = send(client, "patch", url, {"name": "Online safety", "updated_at": made["updated_at"]})
    assert renamed.json()["name"] == "Online safety"
    retired = send(
        client, "post", api(world_a, "theme_retire", theme_id=made["id"]), {"updated_at": renamed.json()["updated_at"]}
    )
    assert retired.json()["is_active"] is False
    assert client.get(url).json()["count"] == 0


def test_dissemination_upload_download_and_delete(world_a, world_b, client_for):
    recommendation = recommendation_make(world_a)
    client = client_for(world_a.bm)
    made = client.post(
        api(world_a, "dissemination_list"),
        {
            "recommendation": recommendation.pk,
            "kind": "training",
            "title": "Escalation training",
            "on": "2026-04-01",
            "audience": "Team managers",
            "reach": 40,
            "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides"),
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["files"][0]["name"] == "slides.pdf"
    file_url = api(world_a, "dissemination_file", dissemination_id=made.json()["id"])
    assert client.get(file_url).status_code == 200
    empty = client.post(
        api(world_a, "dissemination_list"),
        {
            "recommendation": recommendation.pk,
            "kind": "training",
            "title": "Empty",
            "on": "2026-04-01",
            "audience": "x",
            "file": SimpleUploadedFile("empty.pdf", b""),
        },
    )
    assert empty.status_code == 400
    assert "file" in empty.json()
    foreign = recommendation_make(world_b)
    refused = send(
        client,
        "post",
        api(world_a, "dissemination_list"),
        {
            "recommendation": foreign.pk,
            "kind": "briefing",
            "title": "t",
            "on": "2026-04-01",
            "audience": "a",
            "link": "https://e.org",
        },
    )
    assert refused.status_code == 400
    assert "recommendation" in refused.json()
    listed = client.get(api(world_a, "dissemination_list"), {"recommendation": recommendation.pk}).json()
    assert [d["title"] for d in listed] == ["Escalation training"]
    assert client.delete(api(world_a, "dissemination_detail", dissemination_id=made.json()["id"])).status_code == 204
    assert not Dissemination.objects.filter(partnership=world_a.partnership).exists()


def test_outcomes_rows_over_the_api(world_a, world_b, client_for):
    review = final_review_with_rows(world_a)
    other = final_review_with_rows(world_b)
    rows = list(OutcomeRecommendation.objects.filter(form__learning_review=review).order_by("position"))
    foreign_row = OutcomeRecommendation.objects.filter(form__learning_review=other).first()
    client = client_for(world_a.bm)
    url = api(world_a, "learning_review_recommendations", namespace="reviews_api", learning_review_id=review.pk)
    body = {"rows": [{"row": row.pk, "lead_partner": "local_authority"} for row in rows]}
    refused = send(client, "post", url, {"rows": [*body["rows"], {"row": foreign_row.pk, "lead_partner": "police"}]})
    assert refused.status_code == 400
    assert "rows" in refused.json()
    made = send(client, "post", url, body)
    assert made.status_code == 201
    assert made.json()["round_id"] is not None
    assert all(len(row["recommendations"]) == 1 for row in made.json()["rows"])
    again = send(client, "post", url, body)
    assert again.status_code == 200
    assert again.json()["round_id"] is None
    assert Recommendation.objects.filter(partnership=world_a.partnership).count() == 3
    assert (
        round_sign_off(
            world_a, Recommendation.objects.filter(partnership=world_a.partnership).first().rounds.get()
        ).state
        == "awaiting"
    )
    assert client_for(world_a.la_lead.person).get(url).status_code == 403


def test_review_themes_over_the_api(world_a, world_b, client_for):
    review = final_review_with_rows(world_a)
    ours, theirs = themes(world_a)[0], themes(world_b)[0]
    client = client_for(world_a.bm)
    url = api(world_a, "learning_review_themes", namespace="reviews_api", learning_review_id=review.pk)
    assert [t["id"] for t in send(client, "put", url, {"themes": [ours.pk]}).json()] == [ours.pk]
    assert send(client, "put", url, {"themes": [theirs.pk]}).status_code == 400
