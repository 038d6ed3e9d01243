"""The REST API under /api/v1/: tenancy, second factor, roles, validation and the schema."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from rest_framework.test import APIClient

from partnership.api.base import SECOND_FACTOR_REQUIRED, PartnershipScopedAPIView
from partnership.models import Agency, AgencyType, ClosureDay, HistoryEntry, Membership, Role
from partnership.sessions import SessionStore
from partnership.working_days import LAST_YEAR
from tests.conftest import if_match, login
from tests.factories import AgencyFactory, api_token_key, membership_make

pytestmark = pytest.mark.django_db

NOT_FOUND = {"detail": "Not found."}


@pytest.fixture
def api_for():
    """``api_for(person)``: an APIClient signed in by session (second factor passed unless ``verified=False``)."""

    def make(person, *, verified: bool = True) -> APIClient:
        return login(APIClient(), person, verified=verified)

    return make


def partnership_url(world, name: str = "partnership_detail", **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


# --- Partnerships -----------------------------------------------------------------


def test_partnership_list_shows_only_own_partnerships(world_a, world_b, api_for):
    response = api_for(world_a.bm).get(reverse("api:partnership_list"))

    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "slug": "alpha-scp",
            "name": "Alpha Safeguarding Partnership",
            "nation": "ENG",
            "roles": [Role.BUSINESS_MANAGER],
            "agency": {"id": world_a.council.pk, "name": "Alpha Council"},
        }
    ]


def test_partnership_list_shows_each_partnership_a_person_belongs_to(world_a, world_b, api_for):
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.OBSERVER], person=world_a.bm)

    response = api_for(world_a.bm).get(reverse("api:partnership_list"))

    assert [p["slug"] for p in response.json()["results"]] == ["alpha-scp", "bravo-scp"]
    assert response.json()["results"][1]["roles"] == [Role.OBSERVER]


def test_partnership_detail_lists_statutory_partners_and_closure_days(world_a, api_for):
    ClosureDay.objects.create(partnership=world_a.partnership, date=date(2026, 12, 24), reason="Winter closure")

    response = api_for(world_a.practitioner.person).get(partnership_url(world_a))

    assert response.status_code == 200
    body = response.json()
    assert body["your_roles"] == [Role.PRACTITIONER]
    assert body["your_agency"] == {"id": world_a.school.pk, "name": "Alpha Primary School"}
    assert body["statutory_partners"] == [
        {"kind": "local_authority", "agency": {"id": world_a.council.pk, "name": "Alpha Council"}},
        {"kind": "health", "agency": {"id": world_a.icb.pk, "name": "Alpha ICB"}},
        {"kind": "police", "agency": {"id": world_a.police.pk, "name": "Alpha Police"}},
    ]
    day = ClosureDay.objects.get(partnership=world_a.partnership)
    assert body["closure_days"] == [{"id": day.pk, "date": "2026-12-24", "reason": "Winter closure"}]


def test_another_partnership_answers_exactly_like_a_missing_one(world_a, world_b, api_for):
    client = api_for(world_b.bm)

    foreign = client.get(partnership_url(world_a))
    missing = client.get(reverse("api:partnership_detail", kwargs={"slug": "no-such-partnership"}))

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == NOT_FOUND


def test_an_inactive_membership_gives_no_access(world_a, api_for):
    Membership.objects.filter(pk=world_a.practitioner.pk).update(is_active=False)

    response = api_for(world_a.practitioner.person).get(partnership_url(world_a, "agency_list"))

    assert response.status_code == 404


def test_unknown_api_paths_and_malformed_ids_get_the_api_json_404(world_a, api_for):
    client = api_for(world_a.bm)

    responses = [
        client.get("/api/v1/no-such-thing/"),
        client.get(f"/api/v1/partnerships/{world_a.partnership.slug}/agencies/abc/"),
        client.get(partnership_url(world_a, "agency_detail", agency_id=10**30)),
        # PostgreSQL refuses a NUL byte with an error: it must never reach the database.
        client.get("/api/v1/partnerships/alpha-scp%00/agencies/"),
        client.get("/api/v1/partnerships/%00/"),
    ]
    missing = client.get(partnership_url(world_a, "agency_detail", agency_id=999_999))

    for response in responses:
        assert response.status_code == 404
        assert response.content == missing.content
    assert missing.json() == NOT_FOUND


# Found by the schemathesis fuzzer (test_api_fuzz.py): an HTML page instead of the API's JSON 404.
@pytest.mark.parametrize("method", ["post", "patch", "put", "delete"])
def test_a_write_to_a_malformed_api_path_is_the_json_404_not_a_csrf_page(world_a, method):
    token_key = api_token_key(world_a.bm)
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")

    response = getattr(client, method)("/api/v1/partnerships/%3D/agencies/", {"name": "x"}, format="json")

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


# Found by the schemathesis fuzzer: "." in the catch-all route did not match a newline.
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/partnerships/a%0Ab/agencies/",
        "/api/v1/partnerships/%0A/",
        "/api/v1/partnerships/alpha-scp/agencies/1%0A/",
    ],
)
def test_a_path_with_a_newline_gets_the_api_json_404(world_a, api_for, path):
    response = api_for(world_a.bm).get(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("session_key", ["abcdefgh\x00ijk", "\x00" * 32, "A" * 32, "short"])
def test_a_malformed_session_cookie_is_no_session_not_a_500(world_a, session_key):
    # PostgreSQL refuses a NUL byte with an error: the key must never reach the database.
    client = APIClient(raise_request_exception=False)

    response = client.get(partnership_url(world_a, "agency_list"), HTTP_COOKIE=f"sessionid={session_key}")

    assert response.status_code == 401
    assert SessionStore(session_key).session_key is None


# --- Authentication and the second factor --------------------------------------------


def test_anonymous_caller_is_told_to_authenticate(world_a):
    response = APIClient().get(partnership_url(world_a, "agency_list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_session_without_second_factor_is_refused_for_roles_that_need_it(world_a, api_for):
    response = api_for(world_a.bm, verified=False).get(partnership_url(world_a, "agency_list"))

    assert response.status_code == 403
    assert response.json() == {"detail": SECOND_FACTOR_REQUIRED}


def test_session_without_second_factor_is_enough_for_roles_that_do_not_need_it(world_a, api_for):
    response = api_for(world_a.practitioner.person, verified=False).get(partnership_url(world_a, "agency_list"))

    assert response.status_code == 200


def test_forced_authentication_fails_closed_on_the_second_factor(world_a):
    client = APIClient()
    client.force_authenticate(world_a.bm)

    response = client.get(partnership_url(world_a, "agency_list"))

    assert response.status_code == 403


def test_token_authenticated_business_manager_is_let_in(world_a):
    token_key = api_token_key(world_a.bm)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")

    listed = client.get(partnership_url(world_a, "member_list"))
    created = client.post(
        partnership_url(world_a, "agency_list"), {"name": "Youth Justice", "agency_type": "other"}, format="json"
    )

    assert listed.status_code == 200
    assert created.status_code == 201


def test_token_of_another_partnership_member_gets_404(world_a, world_b):
    token_key = api_token_key(world_b.bm)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_key}")

    response = client.get(partnership_url(world_a, "agency_detail", agency_id=world_a.school.pk))

    assert response.status_code == 404
    assert response.json() == NOT_FOUND


@pytest.mark.parametrize("key", ["not-a-real-token", "a" * 40, "abc\x00def"])
def test_an_invalid_token_is_refused(world_a, key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")

    response = client.get(partnership_url(world_a, "agency_list"))

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


# --- Agencies ------------------------------------------------------------------------------


def test_agency_list_shows_only_this_partnerships_agencies(world_a, world_b, api_for):
    response = api_for(world_a.practitioner.person).get(partnership_url(world_a, "agency_list"))

    assert response.status_code == 200
    names = [a["name"] for a in response.json()["results"]]
    assert names == ["Alpha Council", "Alpha ICB", "Alpha Police", "Alpha Primary School"]
    school = response.json()["results"][3]
    assert school["member_count"] == 3
    assert school["statutory_partner"] == ""


def test_agency_list_runs_a_fixed_number_of_queries(world_a, api_for, django_assert_max_num_queries):
    client = api_for(world_a.bm)
    url = partnership_url(world_a, "agency_list")
    client.get(url)  # warm the content-type and session caches
    for n in range(30):
        agency = AgencyFactory(partnership=world_a.partnership, name=f"Extra agency {n}")
        membership_make(partnership=world_a.partnership, agency=agency, roles=[Role.PRACTITIONER])

    # session, person, OTP device, membership, its roles, count, agencies
    with django_assert_max_num_queries(6):
        response = client.get(url)

    assert response.json()["count"] == 34


def test_agency_of_another_partnership_is_404_under_either_slug(world_a, world_b, api_for):
    client = api_for(world_b.bm)
    agency_id = world_a.school.pk

    under_own_slug = [
        client.get(partnership_url(world_b, "agency_detail", agency_id=agency_id)),
        client.patch(partnership_url(world_b, "agency_detail", agency_id=agency_id), {"name": "Taken"}, format="json"),
    ]
    under_its_slug = [
        client.get(partnership_url(world_a, "agency_detail", agency_id=agency_id)),
        client.patch(partnership_url(world_a, "agency_detail", agency_id=agency_id), {"name": "Taken"}, format="json"),
    ]
    missing = client.get(partnership_url(world_b, "agency_detail", agency_id=999_999))

    for response in [*under_own_slug, *under_its_slug, missing]:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
    world_a.school.refresh_from_db()
    assert world_a.school.name == "Alpha Primary School"


def test_business_manager_creates_an_agency_and_history_records_who(world_a, api_for):
    response = api_for(world_a.bm).post(
        partnership_url(world_a, "agency_list"),
        {"name": "  Alpha Youth Justice ", "agency_type": AgencyType.OTHER},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Alpha Youth Justice"
    assert body["member_count"] == 0
    agency = Agency.objects.get(pk=body["id"])
    assert agency.partnership == world_a.partnership
    entry = HistoryEntry.objects.get(object_id=str(agency.pk), content_type__model="agency")
    assert entry.action == HistoryEntry.Action.CREATED
    assert entry.actor == world_a.bm
    assert entry.partnership == world_a.partnership


@pytest.mark.parametrize("member", ["practitioner", "la_lead", "scrutineer", "observer"])
def test_only_business_managers_create_agencies(world_a, api_for, member):
    person = getattr(world_a, member).person

    response = api_for(person).post(
        partnership_url(world_a, "agency_list"), {"name": "New agency", "agency_type": "other"}, format="json"
    )

    assert response.status_code == 403
    assert not Agency.objects.filter(name="New agency").exists()


def test_practitioner_cannot_change_an_agency(world_a, api_for):
    response = api_for(world_a.practitioner.person).patch(
        partnership_url(world_a, "agency_detail", agency_id=world_a.school.pk), {"name": "Renamed"}, format="json"
    )

    assert response.status_code == 403


def test_second_statutory_partner_of_a_kind_is_a_field_error(world_a, api_for):
    response = api_for(world_a.bm).post(
        partnership_url(world_a, "agency_list"),
        {"name": "Second Council", "agency_type": "local_authority", "statutory_partner": "local_authority"},
        format="json",
    )

    assert response.status_code == 400
    assert "Alpha Council is already the local authority statutory partner" in response.json()["statutory_partner"][0]
    assert not Agency.objects.filter(name="Second Council").exists()


def test_malformed_json_is_a_400(world_a, api_for):
    response = api_for(world_a.bm).post(
        partnership_url(world_a, "agency_list"), data='{"name": "Broken', content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_body_over_one_mebibyte_is_refused_not_a_500(world_a, api_for):
    body = json.dumps({"name": "x" * (1024 * 1024 + 10), "agency_type": "other"})

    response = api_for(world_a.bm).post(
        partnership_url(world_a, "agency_list"), data=body, content_type="application/json"
    )

    assert response.status_code == 413
    assert "at most 1024 KiB" in response.json()["detail"]
    assert Agency.objects.in_partnership(world_a.partnership).count() == 4


def test_other_content_types_are_unsupported(world_a, api_for):
    response = api_for(world_a.bm).post(
        partnership_url(world_a, "agency_list"), data={"name": "Form post", "agency_type": "other"}
    )

    assert response.status_code == 415


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x" * 201, "agency_type": "other"}, "name"),
        ({"name": "", "agency_type": "other"}, "name"),
        ({"name": "Fine", "agency_type": "spaceship"}, "agency_type"),
        ({"name": ["not", "a", "string"], "agency_type": "other"}, "name"),
        ({"name": "Nul\x00byte", "agency_type": "other"}, "name"),
        ({"name": "Alpha Council", "agency_type": "other"}, "name"),
        ({"name": "A school", "agency_type": "education", "statutory_partner": "police"}, "statutory_partner"),
    ],
)
def test_bad_agency_input_is_a_field_error(world_a, api_for, payload, field):
    response = api_for(world_a.bm).post(partnership_url(world_a, "agency_list"), payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_agency_update_changes_the_agency_and_records_history(world_a, api_for):
    url = partnership_url(world_a, "agency_detail", agency_id=world_a.school.pk)
    client = api_for(world_a.bm)
    read = client.get(url).json()

    response = client.patch(url, {"name": "Alpha Academy", "updated_at": read["updated_at"]}, format="json")

    assert response.status_code == 200
    assert response.json()["name"] == "Alpha Academy"
    assert response.json()["agency_type"] == "education"  # left out, so kept
    entry = HistoryEntry.objects.filter(object_id=str(world_a.school.pk), content_type__model="agency").first()
    assert entry.actor == world_a.bm
    assert entry.changes["name"] == {"from": "Alpha Primary School", "to": "Alpha Academy"}


def test_stale_updated_at_is_a_conflict_and_saves_nothing(world_a, api_for):
    url = partnership_url(world_a, "agency_detail", agency_id=world_a.school.pk)
    client = api_for(world_a.bm)
    first_read = client.get(url).json()
    client.patch(url, {"name": "Changed by someone else", "updated_at": first_read["updated_at"]}, format="json")

    response = client.patch(url, {"name": "My change", "updated_at": first_read["updated_at"]}, format="json")

    assert response.status_code == 409
    assert "Someone else changed this" in response.json()["detail"]
    world_a.school.refresh_from_db()
    assert world_a.school.name == "Changed by someone else"


def test_malformed_updated_at_is_a_field_error(world_a, api_for):
    response = api_for(world_a.bm).patch(
        partnership_url(world_a, "agency_detail", agency_id=world_a.school.pk),
        {"name": "x", "updated_at": "yesterday"},
        format="json",
    )

    assert response.status_code == 400
    assert "updated_at" in response.json()


def test_changing_type_under_partner_leads_is_a_field_error(world_a, api_for):
    client = api_for(world_a.bm)
    url = partnership_url(world_a, "agency_detail", agency_id=world_a.police.pk)
    response = client.patch(
        url, {"agency_type": "other", "statutory_partner": ""}, format="json", **if_match(client, url)
    )

    assert response.status_code == 400
    assert "partner leads" in response.json()["statutory_partner"][0]


# --- Members ---------------------------------------------------------------------------------


@pytest.mark.parametrize("member", ["practitioner", "la_lead", "scrutineer", "agency_lead"])
def test_members_are_for_business_managers_only(world_a, api_for, member):
    client = api_for(getattr(world_a, member).person)

    listed = client.get(partnership_url(world_a, "member_list"))
    one = client.get(partnership_url(world_a, "member_detail", membership_id=world_a.practitioner.pk))

    assert listed.status_code == one.status_code == 403


def test_member_list_shows_this_partnerships_members_with_roles(world_a, world_b, api_for):
    response = api_for(world_a.bm).get(partnership_url(world_a, "member_list"))

    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 9
    assert all(m["person"]["email"].endswith("@alpha.example") for m in results)
    practitioner = next(m for m in results if m["id"] == world_a.practitioner.pk)
    assert practitioner["roles"] == [Role.PRACTITIONER]
    assert practitioner["agency"] == {"id": world_a.school.pk, "name": "Alpha Primary School"}


def test_member_list_runs_a_fixed_number_of_queries(world_a, api_for, django_assert_max_num_queries):
    client = api_for(world_a.bm)
    url = partnership_url(world_a, "member_list")
    client.get(url)
    for _ in range(30):
        membership_make(partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER])

    # session, person, OTP device, membership, its roles, count, members, their roles
    with django_assert_max_num_queries(7):
        response = client.get(url)

    assert response.json()["count"] == 39


def test_member_of_another_partnership_is_404(world_a, world_b, api_for):
    client = api_for(world_b.bm)
    membership_id = world_a.practitioner.pk

    responses = [
        client.get(partnership_url(world_b, "member_detail", membership_id=membership_id)),
        client.patch(
            partnership_url(world_b, "member_detail", membership_id=membership_id),
            {"roles": [Role.OBSERVER]},
            format="json",
        ),
        client.get(partnership_url(world_a, "member_detail", membership_id=membership_id)),
    ]

    for response in responses:
        assert response.status_code == 404
        assert response.json() == NOT_FOUND
    assert world_a.practitioner.role_set == {Role.PRACTITIONER}


def test_business_manager_changes_a_members_agency_and_roles(world_a, api_for):
    client = api_for(world_a.bm)
    url = partnership_url(world_a, "member_detail", membership_id=world_a.practitioner.pk)
    response = client.patch(
        url,
        {"agency": world_a.council.pk, "roles": [Role.PRACTITIONER, Role.AGENCY_LEAD], "job_title": "Social worker"},
        format="json",
        **if_match(client, url),
    )

    assert response.status_code == 200
    body = response.json()
    assert body["agency"]["id"] == world_a.council.pk
    assert body["roles"] == [Role.AGENCY_LEAD, Role.PRACTITIONER]
    assert body["job_title"] == "Social worker"
    entry = HistoryEntry.objects.filter(object_id=str(world_a.practitioner.pk), content_type__model="membership")
    assert entry.first().actor == world_a.bm
    assert "roles" in entry.first().changes


def test_roles_that_do_not_fit_the_agency_are_a_field_error(world_a, api_for):
    client = api_for(world_a.bm)
    url = partnership_url(world_a, "member_detail", membership_id=world_a.practitioner.pk)
    response = client.patch(url, {"roles": [Role.PARTNER_LEAD_POLICE]}, format="json", **if_match(client, url))

    assert response.status_code == 400
    assert "police statutory partner agency" in response.json()["roles"][0]
    assert Membership.objects.get(pk=world_a.practitioner.pk).role_set == {Role.PRACTITIONER}


def test_unknown_role_is_a_field_error(world_a, api_for):
    response = api_for(world_a.bm).patch(
        partnership_url(world_a, "member_detail", membership_id=world_a.practitioner.pk),
        {"roles": ["overlord"]},
        format="json",
    )

    assert response.status_code == 400
    assert "roles" in response.json()


def test_another_partnerships_agency_id_is_not_found_like_a_missing_one(world_a, world_b, api_for):
    client = api_for(world_a.bm)
    url = partnership_url(world_a, "member_detail", membership_id=world_a.practitioner.pk)

    foreign = client.patch(url, {"agency": world_b.school.pk}, format="json")
    missing = client.patch(url, {"agency": 999_999}, format="json")

    assert foreign.status_code == missing.status_code == 400
    assert foreign.json() == missing.json() == {"agency": ["Agency not found in this partnership."]}
    assert Membership.objects.get(pk=world_a.practitioner.pk).agency == world_a.school


def test_the_only_business_manager_cannot_drop_the_role(world_a, api_for):
    client = api_for(world_a.bm)
    url = partnership_url(world_a, "member_detail", membership_id=world_a.business_manager.pk)
    response = client.patch(url, {"roles": [Role.PRACTITIONER]}, format="json", **if_match(client, url))

    assert response.status_code == 400
    assert "at least one active business manager" in response.json()["non_field_errors"][0]


# --- Working days ----------------------------------------------------------------------------


def test_working_days_skip_christmas_2026_in_england(world_a, api_for):
    client = api_for(world_a.practitioner.person)
    url = partnership_url(world_a, "working_days")

    added = client.get(url, {"start": "2026-12-23", "days": 3})
    counted = client.get(url, {"start": "2026-12-23", "end": "2027-01-04"})

    # 24th; then Christmas Day (Fri), the weekend, Boxing Day observed (Mon 28th); 29th, 30th.
    assert added.status_code == 200
    assert added.json() == {
        "start": "2026-12-23",
        "end": "2026-12-30",
        "working_days": 3,
        "start_is_working_day": True,
        "end_is_working_day": True,
    }
    # 24, 29, 30, 31 December and 4 January (New Year's Day and the weekend excluded).
    assert counted.json()["working_days"] == 5


def test_working_days_honour_the_partnerships_closure_days(world_a, world_b, api_for):
    ClosureDay.objects.create(partnership=world_a.partnership, date=date(2026, 12, 24))
    query = {"start": "2026-12-23", "days": 1}

    alpha = api_for(world_a.practitioner.person).get(partnership_url(world_a, "working_days"), query)
    bravo = api_for(world_b.practitioner.person).get(partnership_url(world_b, "working_days"), query)

    assert alpha.json()["end"] == "2026-12-29"
    assert bravo.json()["end"] == "2026-12-24"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"start": "2026-13-01", "days": 3}, "start"),
        ({"start": "23/12/2026", "days": 3}, "start"),
        ({"days": 3}, "start"),
        ({"start": "2026-12-23", "days": -1}, "days"),
        ({"start": "2026-12-23", "days": 10**9}, "days"),
        ({"start": "2026-12-23", "days": "three"}, "days"),
        ({"start": "2026-12-23"}, "days"),
        ({"start": "2026-12-23", "days": 3, "end": "2027-01-04"}, "days"),
        ({"start": "2026-12-23", "end": "2026-12-01"}, "end"),
        ({"start": "2026-12-23", "end": "2199-12-31"}, "end"),
        ({"start": "9999-12-31", "days": 5000}, "start"),
        ({"start": "1066-10-14", "days": 1}, "start"),
        ({"start": f"{LAST_YEAR}-12-01", "days": 100}, "days"),
    ],
)
def test_malformed_working_day_queries_are_field_errors(world_a, api_for, query, field):
    response = api_for(world_a.practitioner.person).get(partnership_url(world_a, "working_days"), query)

    assert response.status_code == 400
    assert field in response.json()


def test_working_days_of_another_partnership_are_404(world_a, world_b, api_for):
    response = api_for(world_b.bm).get(partnership_url(world_a, "working_days"), {"start": "2026-12-23", "days": 1})

    assert response.status_code == 404


# --- The base class ----------------------------------------------------------------------------


def test_a_scoped_view_cannot_override_get_queryset():
    with pytest.raises(TypeError, match="scoped_queryset"):

        class Leaky(PartnershipScopedAPIView):
            def get_queryset(self):
                return Agency.objects.all()


def test_a_scoped_view_cannot_bring_get_queryset_in_through_a_mixin():
    class AllRows:
        def get_queryset(self):
            return Agency.objects.all()

    with pytest.raises(TypeError, match="scoped_queryset"):

        class Leaky(AllRows, PartnershipScopedAPIView):
            pass


def test_a_scoped_view_cannot_set_an_unscoped_queryset():
    with pytest.raises(TypeError, match="scoped_queryset"):

        class Leaky(PartnershipScopedAPIView):
            queryset = Agency.objects.all()


# --- Schema and documentation ------------------------------------------------------------------


def test_schema_lists_the_api_paths_and_token_authentication():
    response = APIClient().get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert {
        "/api/v1/partnerships/",
        "/api/v1/partnerships/{slug}/",
        "/api/v1/partnerships/{slug}/agencies/",
        "/api/v1/partnerships/{slug}/agencies/{agency_id}/",
        "/api/v1/partnerships/{slug}/members/",
        "/api/v1/partnerships/{slug}/members/{membership_id}/",
        "/api/v1/partnerships/{slug}/working-days/",
    } <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


# Found by the schemathesis fuzzer: 401 was undocumented everywhere, and so was the second factor's 403 on reads.
def test_schema_documents_what_the_base_classes_answer_on_every_operation():
    schema = json.loads(APIClient().get("/api/schema/?format=json").content)

    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    # The kernel's ten and every app's since: a new endpoint is checked without anyone listing it here.
    assert len(operations) > 10
    assert any("/rapid-reviews/" in path for path, _, _ in operations)
    for path, method, operation in operations:
        documented = set(operation["responses"])
        assert "401" in documented, (method, path)
        if "{slug}" in path:
            assert {"403", "404"} <= documented, (method, path)
        if method in {"post", "put", "patch"}:
            assert {"400", "413", "415"} <= documented, (method, path)


def test_docs_page_has_no_inline_script_and_its_scripts_are_served(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.DOTALL)
    assert scripts, "the docs page loads Swagger UI from script files"
    for attributes, body in scripts:
        assert "src=" in attributes, "a script without src: the CSP would block it"
        assert not body.strip(), "inline script: the CSP would block it"
    assert "<style" not in html, "inline style: the CSP (style-src 'self') would block it"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    # The init script is a separate same-origin URL (?script), served as JavaScript.
    init_src = next(re.search(r'src="([^"]*script[^"]*)"', a).group(1) for a, _ in scripts if "?script" in a)
    init = client.get(init_src.replace("&amp;", "&"))
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in init.content.decode()
    # Swagger UI's own files come from the sidecar package through the static files.
    for src in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(src), src


@pytest.mark.parametrize("path", ["/api/docs/", "/api/schema/?format=json"])
def test_in_production_the_api_docs_and_schema_need_a_signed_in_person(client, client_for, world_a, settings, path):
    settings.API_DOCS_PUBLIC = False  # production's default

    assert client.get(path).status_code in {401, 403}
    assert client_for(world_a.practitioner.person).get(path).status_code == 200


@pytest.mark.parametrize(
    "path", ["/api/docs/", "/api/schema/?format=json", "/api/v1/partnerships/", "/", "/account/api-token/"]
)
def test_nothing_but_the_sign_in_steps_answers_before_the_second_factor(client_for, world_a, settings, path):
    settings.API_DOCS_PUBLIC = False
    # A business manager who has typed their password, not yet their code.
    client = client_for(world_a.bm, verified=False)

    response = client.get(path)

    if path.startswith("/api/") and path != "/api/docs/":
        assert response.status_code == 403
        assert response.json() == {"detail": "Complete sign-in with your second factor first."}
    else:
        assert response.status_code == 302
        assert response.url.startswith("/account/two-factor/")
    # The sign-in steps themselves still answer.
    assert client.get(reverse("account:two_factor_setup")).status_code == 200
    assert client.post(reverse("account:logout")).status_code == 302


def test_a_role_without_the_second_factor_is_not_asked_for_it(client_for, world_a):
    client = client_for(world_a.practitioner.person, verified=False)
    assert client.get("/api/v1/partnerships/").status_code == 200


def test_lists_answer_25_rows_unless_asked_for_more(world_a, api_for):
    client = api_for(world_a.bm)
    for n in range(30):
        AgencyFactory(partnership=world_a.partnership, name=f"Listed agency {n:02d}")
    url = partnership_url(world_a, "agency_list")

    first = client.get(url).json()
    more = client.get(url, {"limit": 100}).json()
    too_many = client.get(url, {"limit": 10_000}).json()

    assert (first["count"], len(first["results"])) == (34, 25)
    assert "offset=25" in first["next"]
    assert len(more["results"]) == 34
    assert len(too_many["results"]) == 34  # capped at 500, not refused
