"""The learning review API: the same access and tenancy as the pages, 400 field errors (word limits and
SMART rows), 409 on stale changes, comments, publication, and the OpenAPI description."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import LearningReview, Methodology, OutcomeComment, OutcomeRecommendation, OutcomesForm
from reviews.services import learning_review as services
from tests.reviews.learning_review_factories import contributor_make, learning_review_make

pytestmark = pytest.mark.django_db


def api(world, name: str, review=None) -> str:
    kwargs = {"slug": world.partnership.slug}
    if review is not None:
        kwargs["learning_review_id"] = review.pk
    return reverse(f"reviews_api:{name}", kwargs=kwargs)


def send(client, method: str, target: str, body: dict):
    return getattr(client, method)(target, data=json.dumps(body), content_type="application/json")


def words(n: int) -> str:
    return " ".join(["word"] * n)


@pytest.fixture
def review(world_a) -> LearningReview:
    review = learning_review_make(world_a)
    contributor_make(world_a, review)  # the agency lead
    return review


def _form(review) -> OutcomesForm:
    return OutcomesForm.objects.get(learning_review=review)


# --- Reviews ----------------------------------------------------------------------------------------------------


def test_a_business_manager_opens_a_review(world_a, client_for):
    today = timezone.localdate()
    body = {
        "methodology": Methodology.DESKTOP,
        "title": "Missed appointments",
        "scope": "Twelve months",
        "key_lines_of_enquiry": "Follow-up",
        "information_due_on": str(today + timedelta(days=5)),
        "report_due_on": str(today + timedelta(days=20)),
        "lead_author": world_a.practitioner.person.pk,
    }
    response = send(client_for(world_a.bm), "post", api(world_a, "learning_review_list"), body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["reference"].startswith("LR-")
    assert data["state"] == "planning"
    assert data["lead_author"]["id"] == world_a.practitioner.person.pk
    assert data["contributors"] == []


def test_opening_refuses_bad_input_with_field_errors(world_a, world_b, client_for):
    today = timezone.localdate()
    body = {
        "title": "T",
        "scope": "S",
        "key_lines_of_enquiry": "K",
        "information_due_on": str(today + timedelta(days=20)),
        "report_due_on": str(today + timedelta(days=5)),
        "lead_author": world_b.practitioner.person.pk,  # another partnership's person
    }
    client = client_for(world_a.bm)
    response = send(client, "post", api(world_a, "learning_review_list"), body)
    assert response.status_code == 400
    assert set(response.json()) == {"lead_author"}
    body.update(lead_author=world_a.practitioner.person.pk)
    response = send(client, "post", api(world_a, "learning_review_list"), body)
    assert response.json() == {"methodology": ["Choose one of the four methodologies."]}
    body.update(methodology="desktop")
    response = send(client, "post", api(world_a, "learning_review_list"), body)
    assert response.status_code == 400
    assert "before information gathering ends" in response.json()["report_due_on"][0]
    assert not LearningReview.objects.exists()


@pytest.mark.parametrize("role", ["la_lead", "practitioner", "scrutineer"])
def test_only_business_managers_open_reviews(world_a, client_for, role):
    response = send(client_for(getattr(world_a, role).person), "post", api(world_a, "learning_review_list"), {})
    assert response.status_code == 403


def test_the_list_shows_each_member_only_their_reviews(world_a, review, client_for):
    other = learning_review_make(world_a, lead_author=world_a.la_lead.person)

    def ids(role):
        response = client_for(getattr(world_a, role).person).get(api(world_a, "learning_review_list"))
        assert response.status_code == 200
        return {r["id"] for r in response.json()["results"]}

    assert ids("business_manager") == ids("scrutineer") == {review.pk, other.pk}
    assert ids("practitioner") == {review.pk}
    assert ids("agency_lead") == {review.pk}
    assert ids("observer") == set()


@pytest.mark.parametrize(
    ("role", "expected"),
    [("business_manager", 200), ("police_lead", 200), ("agency_lead", 200), ("practitioner", 200), ("lay_member", 404)],
)
def test_detail_per_role(world_a, review, client_for, role, expected):
    response = client_for(getattr(world_a, role).person).get(api(world_a, "learning_review_detail", review))
    assert response.status_code == expected
    if expected == 200:
        assert [c["person"]["id"] for c in response.json()["contributors"]] == [world_a.agency_lead.person.pk]


def test_patch_changes_the_plan_and_a_stale_one_is_409(world_a, review, client_for):
    client = client_for(world_a.practitioner.person)  # the lead author
    target = api(world_a, "learning_review_detail", review)
    read = client.get(target).json()
    response = send(client, "patch", target, {"title": "Renamed", "updated_at": read["updated_at"]})
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    response = send(client, "patch", target, {"title": "From an old read", "updated_at": read["updated_at"]})
    assert response.status_code == 409
    review.refresh_from_db()
    assert review.title == "Renamed"
    not_the_author = {"title": "x", "updated_at": review.updated_at.isoformat()}
    assert send(client_for(world_a.agency_lead.person), "patch", target, not_the_author).status_code == 403


# --- The outcomes form -----------------------------------------------------------------------------------------------


def _put_body(review, **fields) -> dict:
    return {"updated_at": _form(review).updated_at.isoformat(), **fields}


def test_rows_sent_back_with_their_ids_keep_them_across_edits(world_a, review, client_for):
    client = client_for(world_a.practitioner.person)
    target = api(world_a, "learning_review_outcomes_form", review)
    rows = [
        {"action": "Audit", "person_responsible": "GP lead", "timeframe": "3 months"},
        {"action": "Train", "person_responsible": "Named nurse", "timeframe": "6 months"},
        {"action": "Review", "person_responsible": "Police lead", "timeframe": "1 year"},
    ]
    first = send(client, "put", target, _put_body(review, recommendations=rows)).json()["recommendations"]
    audit, train, _review_row = first

    # Edit the first, drop the third, add one, and put the new one before the second.
    body = _put_body(
        review,
        recommendations=[
            {**audit, "timeframe": "2 months"},
            {"action": "Escalate", "person_responsible": "Business manager", "timeframe": "Now"},
            train,
        ],
    )
    response = send(client, "put", target, body)

    assert response.status_code == 200, response.content
    saved = response.json()["recommendations"]
    assert [r["id"] for r in saved][0::2] == [audit["id"], train["id"]]
    assert saved[0]["timeframe"] == "2 months"
    assert saved[1]["id"] not in {r["id"] for r in first}
    assert list(OutcomeRecommendation.objects.order_by("position").values_list("pk", flat=True)) == [
        r["id"] for r in saved
    ]

    # An id that is not one of this form's rows (removed meanwhile, or made up) is refused; nothing changes.
    body = _put_body(review, recommendations=[{**_review_row}])
    response = send(client, "put", target, body)
    assert response.status_code in (400, 409)
    assert "no longer on the form" in json.dumps(response.json())
    assert OutcomeRecommendation.objects.count() == 3


def test_the_form_round_trips_with_its_rows(world_a, review, client_for):
    client = client_for(world_a.practitioner.person)
    target = api(world_a, "learning_review_outcomes_form", review)
    rows = [{"action": "Audit", "person_responsible": "GP lead", "timeframe": "3 months"}]
    response = send(
        client, "put", target, _put_body(review, synopsis=words(300), review_date="2026-03-27", recommendations=rows)
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["word_counts"] == {"synopsis": 300, "key_findings": 0, "limit": 300}
    assert [{k: v for k, v in r.items() if k != "id"} for r in data["recommendations"]] == rows
    assert [r["id"] for r in data["recommendations"]] == list(
        OutcomeRecommendation.objects.values_list("pk", flat=True)
    )
    assert data["review_date"] == "2026-03-27"
    assert data["editable"] is True
    assert client.get(target).json()["synopsis"] == words(300)


def test_word_limits_and_smart_rows_are_400_field_errors(world_a, review, client_for):
    client = client_for(world_a.bm)
    target = api(world_a, "learning_review_outcomes_form", review)
    response = send(
        client,
        "put",
        target,
        _put_body(
            review,
            synopsis=words(301),
            key_findings=words(400),
            recommendations=[
                {"action": "Fine", "person_responsible": "Lead", "timeframe": "Soon"},
                {"action": "Missing two", "person_responsible": "", "timeframe": ""},
            ],
        ),
    )
    assert response.status_code == 400
    errors = response.json()
    assert "301" in errors["synopsis"][0]
    assert "100 over" in errors["key_findings"][0]
    # Keyed by the row's index (from 0), for the rows with errors only.
    assert list(errors["recommendations"]) == ["1"]
    assert set(errors["recommendations"]["1"]) == {"person_responsible", "timeframe"}
    assert "a SMART row needs all three" in errors["recommendations"]["1"]["timeframe"][0]
    assert _form(review).synopsis == ""
    assert not OutcomeRecommendation.objects.exists()


def test_a_stale_put_is_409_and_saves_nothing(world_a, review, client_for):
    client = client_for(world_a.bm)
    target = api(world_a, "learning_review_outcomes_form", review)
    stale = _put_body(review, synopsis="Mine")
    assert send(client, "put", target, _put_body(review, synopsis="Theirs")).status_code == 200
    assert send(client, "put", target, stale).status_code == 409
    assert _form(review).synopsis == "Theirs"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("business_manager", (200, 200)),
        ("practitioner", (200, 200)),  # lead author
        ("agency_lead", (200, 403)),  # contributor: reads the draft
        ("health_lead", (403, 403)),  # sees the review, not the draft
        ("scrutineer", (200, 403)),  # reads it pseudonymised (tests/scrutiny/test_freedom_to_roam.py)
        ("observer", (404, 404)),
    ],
)
def test_the_form_per_role(world_a, review, client_for, role, expected):
    get, put = expected
    client = client_for(getattr(world_a, role).person)
    target = api(world_a, "learning_review_outcomes_form", review)
    assert client.get(target).status_code == get
    assert send(client, "put", target, _put_body(review, synopsis="x")).status_code == put


def test_the_final_form_cannot_be_put(world_a, review, client_for):
    client = client_for(world_a.bm)
    target = api(world_a, "learning_review_outcomes_form", review)
    send(client, "put", target, _put_body(review, synopsis="S", key_findings="K"))
    services.learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    services.learning_review_finalise(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    assert client.get(target).json()["editable"] is False
    response = send(client, "put", target, _put_body(review, synopsis="Changed"))
    assert response.status_code == 400
    assert "final" in response.json()["non_field_errors"][0]
    assert client_for(world_a.health_lead.person).get(target).status_code == 200  # final: oversight reads it


# --- Comments and publication -----------------------------------------------------------------------------------------


def test_comments_are_made_by_contributors_and_read_by_participants(world_a, review, client_for):
    target = api(world_a, "learning_review_comments", review)
    contributor = client_for(world_a.agency_lead.person)
    assert send(contributor, "post", target, {"section": "", "body": "Too early"}).status_code == 400  # not out yet
    services.learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    services.learning_review_circulate(
        partnership=world_a.partnership,
        actor=world_a.bm,
        learning_review=review,
        comments_due_on=timezone.localdate() + timedelta(days=3),
    )
    response = send(contributor, "post", target, {"section": "strengths", "body": "Add the school nurse."})
    assert response.status_code == 201
    assert response.json()["section_heading"].startswith("Strengths")
    assert response.json()["late"] is False
    assert send(contributor, "post", target, {"section": "nonsense", "body": "x"}).status_code == 400
    assert send(client_for(world_a.bm), "post", target, {"section": "", "body": "BM"}).status_code == 403
    assert OutcomeComment.objects.count() == 1
    listed = client_for(world_a.practitioner.person).get(target).json()
    assert [c["body"] for c in listed] == ["Add the school nurse."]
    assert client_for(world_a.la_lead.person).get(target).status_code == 403
    assert client_for(world_a.observer.person).get(target).status_code == 404


def test_publication_by_api(world_a, review, client_for):
    target = api(world_a, "learning_review_publication", review)
    body = {
        "publication": "summary",
        "publication_reasons": "A summary protects the family.",
        "updated_at": review.updated_at.isoformat(),
    }
    assert send(client_for(world_a.practitioner.person), "put", target, body).status_code == 403
    response = send(client_for(world_a.la_lead.person), "put", target, body)
    assert response.status_code == 200
    assert response.json()["publication"] == "summary"
    assert send(client_for(world_a.bm), "put", target, {"publication": "all"}).status_code == 400


# --- Tenancy and the schema ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "learning_review_detail",
        "learning_review_outcomes_form",
        "learning_review_comments",
        "learning_review_publication",
    ],
)
def test_another_partnerships_member_gets_404(world_a, world_b, review, client_for, name):
    client = client_for(world_b.bm)
    swapped = reverse(f"reviews_api:{name}", kwargs={"slug": world_b.partnership.slug, "learning_review_id": review.pk})
    for target in (api(world_a, name, review), swapped):
        assert client.get(target).status_code in (404, 405)
        for method in ("post", "put", "patch"):
            assert send(client, method, target, {}).status_code in (404, 405)
    assert client.get(swapped).status_code in (404, 405)
    assert client.get(api(world_a, "learning_review_list")).status_code == 404


def test_the_endpoints_are_in_the_openapi_schema(client):
    schema = client.get(reverse("api_schema") + "?format=json").json()
    paths = schema["paths"]
    base = "/api/v1/partnerships/{slug}/learning-reviews/"
    assert {"get", "post"} <= set(paths[base])
    assert {"get", "patch"} <= set(paths[base + "{learning_review_id}/"])
    assert {"get", "put"} <= set(paths[base + "{learning_review_id}/outcomes-form/"])
    assert {"get", "post"} <= set(paths[base + "{learning_review_id}/comments/"])
    put = paths[base + "{learning_review_id}/outcomes-form/"]["put"]
    assert {"200", "400", "403", "404", "409"} <= set(put["responses"])


def test_the_list_and_detail_run_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world_a.bm)
    review = learning_review_make(world_a)

    def count(target) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(target).status_code == 200
        return len(queries)

    few = (count(api(world_a, "learning_review_list")), count(api(world_a, "learning_review_detail", review)))
    for n in range(5):
        contributor_make(world_a, learning_review_make(world_a, title=f"Review {n}"))
    for membership in (world_a.agency_lead, world_a.health_lead, world_a.observer):
        contributor_make(world_a, review, membership=membership)
    assert (count(api(world_a, "learning_review_list")), count(api(world_a, "learning_review_detail", review))) == few
    with django_assert_max_num_queries(8):
        client.get(api(world_a, "learning_review_detail", review))
