"""Concurrent edits are detected, not silently overwritten: members and the partnership's settings.

Every edit form carries the version (``updated_at``) of the row it was drawn
from; every API PATCH takes it as ``updated_at``. A change made from an
out-of-date version is refused with nothing saved, the person's input is kept
and the saved version is shown beside it; sending it again then applies it.
Agencies have the same tests in test_manage_pages, test_services and test_api.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from partnership import services
from partnership.api.views import AgencyDetailView, MemberDetailView
from partnership.forms.base import STALE_FORM_MESSAGE
from partnership.models import AgencyType, HistoryEntry, Membership, Nation, Role
from tests.conftest import login

pytestmark = pytest.mark.django_db

MEMBER_STALE = "Someone else changed this member while you were editing it."
SETTINGS_STALE = "Someone else changed this partnership while you were editing it."


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every World gives nine people a password; the real hasher makes each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def bm_client(world_a, client_for):
    return client_for(world_a.bm)


@pytest.fixture
def bm_api(world_a) -> APIClient:
    return login(APIClient(), world_a.bm)


def page_url(world, name: str, **kwargs) -> str:
    return reverse(f"partnership:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def api_url(world, membership: Membership) -> str:
    return reverse("api:member_detail", kwargs={"slug": world.partnership.slug, "membership_id": membership.pk})


def text(response) -> str:
    return response.content.decode()


def hidden_version(response) -> str:
    return re.search(r'name="expected_updated_at" value="([^"]+)"', text(response)).group(1)


def error_summary(response) -> str:
    return text(response).split('class="error-summary"', 1)[1].split("</div>", 1)[0]


def saved_version_panel(response) -> str:
    return text(response).split('data-testid="saved-version"', 1)[1].split("</div>", 1)[0]


def fresh(instance):
    return type(instance).objects.get(pk=instance.pk)


def history_count(obj) -> int:
    return HistoryEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).count()


def colleague_sets_job_title(world, title: str) -> None:
    """Someone else saves a change to the practitioner while our page is open."""
    services.membership_update(
        partnership=world.partnership,
        actor=world.bm,
        membership=world.practitioner,
        agency=world.school,
        roles=[Role.PRACTITIONER],
        job_title=title,
    )


# --- Services ----------------------------------------------------------------------------


def test_membership_update_refuses_a_stale_version_and_saves_nothing(world_a):
    read_version = world_a.practitioner.updated_at
    colleague_sets_job_title(world_a, "Class teacher")
    entries = history_count(world_a.practitioner)

    with pytest.raises(ValidationError) as caught:
        services.membership_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.practitioner,
            agency=world_a.school,
            roles=[Role.PRACTITIONER, Role.AGENCY_LEAD],
            job_title="Head of year",
            expected_updated_at=read_version,
        )

    assert caught.value.code == "stale"
    assert caught.value.messages[0].startswith(MEMBER_STALE)
    saved = fresh(world_a.practitioner)
    assert saved.job_title == "Class teacher"
    assert saved.role_set == {Role.PRACTITIONER}
    assert history_count(world_a.practitioner) == entries


def test_membership_update_with_the_current_version_applies_the_change(world_a):
    changes = services.membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=world_a.practitioner,
        agency=world_a.school,
        roles=[Role.PRACTITIONER],
        job_title="Head of year",
        expected_updated_at=fresh(world_a.practitioner).updated_at,
    )

    assert changes == {"job_title": {"from": "", "to": "Head of year"}}
    assert fresh(world_a.practitioner).job_title == "Head of year"


def test_a_change_of_roles_alone_moves_the_members_version_on(world_a):
    read_version = fresh(world_a.practitioner).updated_at

    changes = services.membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=world_a.practitioner,
        agency=world_a.school,
        roles=[Role.PRACTITIONER, Role.AGENCY_LEAD],
        expected_updated_at=read_version,
    )

    assert set(changes) == {"roles"}
    assert fresh(world_a.practitioner).updated_at > read_version
    # A form drawn before the role change cannot now write its old roles back.
    with pytest.raises(ValidationError) as caught:
        services.membership_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.practitioner,
            agency=world_a.school,
            roles=[Role.PRACTITIONER],
            job_title="Teacher",
            expected_updated_at=read_version,
        )
    assert caught.value.code == "stale"
    assert fresh(world_a.practitioner).role_set == {Role.PRACTITIONER, Role.AGENCY_LEAD}


def test_a_membership_update_that_changes_nothing_keeps_the_version(world_a):
    read_version = fresh(world_a.practitioner).updated_at

    changes = services.membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=world_a.practitioner,
        agency=world_a.school,
        roles=[Role.PRACTITIONER],
        expected_updated_at=read_version,
    )

    assert changes == {}
    assert fresh(world_a.practitioner).updated_at == read_version


def test_deactivating_and_reactivating_a_member_move_the_version_on(world_a):
    read_version = fresh(world_a.observer).updated_at

    services.membership_deactivate(partnership=world_a.partnership, actor=world_a.bm, membership=world_a.observer)
    deactivated_version = fresh(world_a.observer).updated_at
    services.membership_reactivate(partnership=world_a.partnership, actor=world_a.bm, membership=world_a.observer)

    assert read_version < deactivated_version < fresh(world_a.observer).updated_at
    with pytest.raises(ValidationError):
        services.membership_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.observer,
            agency=world_a.observer.agency,
            roles=[Role.OBSERVER],
            job_title="Drawn before the deactivation",
            expected_updated_at=read_version,
        )


def test_partnership_settings_refuse_a_stale_version_and_save_nothing(world_a):
    read_version = world_a.partnership.updated_at
    services.partnership_update_settings(
        partnership=world_a.partnership, actor=world_a.bm, name="Alpha (colleague)", nation=Nation.ENGLAND
    )
    entries = history_count(world_a.partnership)

    with pytest.raises(ValidationError) as caught:
        services.partnership_update_settings(
            partnership=world_a.partnership,
            actor=world_a.bm,
            name="Alpha (mine)",
            nation=Nation.WALES,
            expected_updated_at=read_version,
        )

    assert caught.value.code == "stale"
    assert caught.value.messages[0].startswith(SETTINGS_STALE)
    saved = fresh(world_a.partnership)
    assert (saved.name, saved.nation) == ("Alpha (colleague)", Nation.ENGLAND)
    assert history_count(world_a.partnership) == entries


def test_partnership_settings_with_the_current_version_apply_and_move_it_on(world_a):
    read_version = fresh(world_a.partnership).updated_at

    services.partnership_update_settings(
        partnership=world_a.partnership,
        actor=world_a.bm,
        name="Alpha Partnership",
        nation=Nation.WALES,
        expected_updated_at=read_version,
    )

    saved = fresh(world_a.partnership)
    assert (saved.name, saved.nation) == ("Alpha Partnership", Nation.WALES)
    assert saved.updated_at > read_version


# --- Member page ---------------------------------------------------------------------------


def test_member_page_carries_the_members_version(world_a, bm_client):
    response = bm_client.get(page_url(world_a, "member_detail", membership_id=world_a.practitioner.pk))

    assert hidden_version(response) == fresh(world_a.practitioner).updated_at.isoformat()


def test_a_stale_member_form_is_refused_keeps_the_input_and_shows_the_saved_version(world_a, bm_client):
    member_url = page_url(world_a, "member_detail", membership_id=world_a.practitioner.pk)
    page = bm_client.get(member_url)
    colleague_sets_job_title(world_a, "Class teacher")
    mine = {
        "agency": world_a.school.pk,
        "job_title": "Head of year",
        "roles": [Role.PRACTITIONER, Role.AGENCY_LEAD],
        "expected_updated_at": hidden_version(page),
    }

    response = bm_client.post(member_url, mine)

    assert response.status_code == 400
    assert MEMBER_STALE in error_summary(response)
    html = text(response)
    assert "<title>Error:" in html
    assert 'value="Head of year"' in html  # their input is not lost
    assert re.search(r'value="agency_lead"[^>]*checked', html)
    assert "Class teacher" in saved_version_panel(response)
    saved = fresh(world_a.practitioner)
    assert saved.job_title == "Class teacher"
    assert saved.role_set == {Role.PRACTITIONER}
    # The form now carries the saved version: sending the kept input again applies it.
    assert hidden_version(response) == saved.updated_at.isoformat()
    again = bm_client.post(member_url, {**mine, "expected_updated_at": hidden_version(response)})
    assert again.status_code == 302
    saved = fresh(world_a.practitioner)
    assert saved.job_title == "Head of year"
    assert saved.role_set == {Role.PRACTITIONER, Role.AGENCY_LEAD}


def test_a_role_change_in_one_tab_makes_the_other_tabs_form_stale(world_a, bm_client):
    member_url = page_url(world_a, "member_detail", membership_id=world_a.practitioner.pk)
    first_tab = hidden_version(bm_client.get(member_url))
    second_tab = hidden_version(bm_client.get(member_url))
    roles_only = {"agency": world_a.school.pk, "job_title": "", "roles": [Role.PRACTITIONER, Role.AGENCY_LEAD]}

    assert bm_client.post(member_url, {**roles_only, "expected_updated_at": first_tab}).status_code == 302
    response = bm_client.post(
        member_url,
        {
            "agency": world_a.school.pk,
            "job_title": "Teacher",
            "roles": [Role.PRACTITIONER],
            "expected_updated_at": second_tab,
        },
    )

    assert response.status_code == 400
    assert MEMBER_STALE in error_summary(response)
    assert "Agency lead" in saved_version_panel(response)
    saved = fresh(world_a.practitioner)
    assert saved.role_set == {Role.PRACTITIONER, Role.AGENCY_LEAD}
    assert saved.job_title == ""


@pytest.mark.parametrize("version", [None, "", "yesterday", "2026-11-01T10:00:00"])
def test_a_member_form_without_a_real_version_is_refused(world_a, bm_client, version):
    data = {"agency": world_a.school.pk, "job_title": "Changed", "roles": [Role.PRACTITIONER]}
    if version is not None:
        data["expected_updated_at"] = version  # "2026-11-01T10:00:00" has no time zone

    response = bm_client.post(page_url(world_a, "member_detail", membership_id=world_a.practitioner.pk), data)

    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in error_summary(response)
    assert fresh(world_a.practitioner).job_title == ""


def test_a_member_rule_error_without_a_conflict_shows_no_saved_version(world_a, bm_client):
    member_url = page_url(world_a, "member_detail", membership_id=world_a.practitioner.pk)
    version = hidden_version(bm_client.get(member_url))

    response = bm_client.post(
        member_url,
        {"agency": world_a.school.pk, "roles": [Role.PARTNER_LEAD_POLICE], "expected_updated_at": version},
    )

    assert response.status_code == 400
    assert "police statutory partner agency" in text(response)
    assert 'data-testid="saved-version"' not in text(response)
    assert hidden_version(response) == version


def test_a_stale_member_form_of_another_partnership_is_404(world_a, world_b, client_for):
    client = client_for(world_b.bm)

    response = client.post(
        page_url(world_b, "member_detail", membership_id=world_a.practitioner.pk),
        {
            "agency": world_a.school.pk,
            "roles": [Role.OBSERVER],
            "expected_updated_at": world_a.practitioner.updated_at.isoformat(),
        },
    )

    assert response.status_code == 404
    assert fresh(world_a.practitioner).role_set == {Role.PRACTITIONER}


# --- Settings page -------------------------------------------------------------------------


def test_settings_page_carries_the_partnerships_version(world_a, bm_client):
    response = bm_client.get(page_url(world_a, "settings"))

    assert hidden_version(response) == fresh(world_a.partnership).updated_at.isoformat()


def test_a_stale_settings_form_is_refused_keeps_the_input_and_shows_the_saved_version(world_a, bm_client):
    settings_url = page_url(world_a, "settings")
    page = bm_client.get(settings_url)
    services.partnership_update_settings(
        partnership=world_a.partnership, actor=world_a.bm, name="Alpha (colleague)", nation=Nation.SCOTLAND
    )
    mine = {
        "form": "settings",
        "reminder_working_days": 2,
        "name": "Alpha (mine)",
        "nation": Nation.WALES,
        "expected_updated_at": hidden_version(page),
    }

    response = bm_client.post(settings_url, mine)

    assert response.status_code == 400
    assert SETTINGS_STALE in error_summary(response)
    html = text(response)
    assert 'value="Alpha (mine)"' in html
    assert re.search(r'value="WLS"[^>]*checked', html)
    panel = saved_version_panel(response)
    assert "Alpha (colleague)" in panel
    assert "Scotland" in panel
    saved = fresh(world_a.partnership)
    assert (saved.name, saved.nation) == ("Alpha (colleague)", Nation.SCOTLAND)
    assert hidden_version(response) == saved.updated_at.isoformat()
    again = bm_client.post(settings_url, {**mine, "expected_updated_at": hidden_version(response)})
    assert again.status_code == 302
    saved = fresh(world_a.partnership)
    assert (saved.name, saved.nation) == ("Alpha (mine)", Nation.WALES)


def test_a_settings_form_without_a_version_is_refused(world_a, bm_client):
    response = bm_client.post(
        page_url(world_a, "settings"),
        {"form": "settings", "reminder_working_days": 2, "name": "Alpha (mine)", "nation": Nation.WALES},
    )

    assert response.status_code == 400
    assert STALE_FORM_MESSAGE in error_summary(response)
    assert fresh(world_a.partnership).name == "Alpha Safeguarding Partnership"


def test_a_refused_closure_day_keeps_the_settings_forms_current_version(world_a, bm_client):
    response = bm_client.post(page_url(world_a, "settings"), {"form": "closure_day", "closure-date": "not a date"})

    assert response.status_code == 400
    assert hidden_version(response) == fresh(world_a.partnership).updated_at.isoformat()


# --- API -------------------------------------------------------------------------------------


def test_member_api_shows_the_version_and_accepts_a_change_made_from_it(world_a, bm_api):
    url = api_url(world_a, world_a.practitioner)
    read = bm_api.get(url).json()

    response = bm_api.patch(url, {"job_title": "Head of year", "updated_at": read["updated_at"]}, format="json")

    assert response.status_code == 200
    assert response.json()["job_title"] == "Head of year"
    assert response.json()["updated_at"] != read["updated_at"]


def test_a_stale_member_patch_is_a_conflict_and_saves_nothing(world_a, bm_api):
    url = api_url(world_a, world_a.practitioner)
    first_read = bm_api.get(url).json()
    colleague_sets_job_title(world_a, "Class teacher")
    entries = history_count(world_a.practitioner)

    response = bm_api.patch(
        url,
        {"roles": [Role.PRACTITIONER, Role.AGENCY_LEAD], "job_title": "Mine", "updated_at": first_read["updated_at"]},
        format="json",
    )

    assert response.status_code == 409
    assert "Someone else changed this" in response.json()["detail"]
    saved = fresh(world_a.practitioner)
    assert saved.job_title == "Class teacher"
    assert saved.role_set == {Role.PRACTITIONER}
    assert history_count(world_a.practitioner) == entries


def test_a_member_patch_of_roles_alone_moves_the_version_on(world_a, bm_api):
    url = api_url(world_a, world_a.practitioner)
    first_read = bm_api.get(url).json()

    changed = bm_api.patch(
        url, {"roles": [Role.PRACTITIONER, Role.AGENCY_LEAD], "updated_at": first_read["updated_at"]}, format="json"
    )
    stale = bm_api.patch(url, {"roles": [Role.PRACTITIONER], "updated_at": first_read["updated_at"]}, format="json")

    assert changed.status_code == 200
    assert changed.json()["updated_at"] != first_read["updated_at"]
    assert stale.status_code == 409
    assert fresh(world_a.practitioner).role_set == {Role.PRACTITIONER, Role.AGENCY_LEAD}


def test_a_member_patch_without_a_version_is_refused_and_writes_nothing(world_a, bm_api, monkeypatch):
    # A PATCH that names no version could only be checked against the view's own read, so a
    # change saved before that read would be overwritten: it is refused (428), nothing written.
    read = MemberDetailView.get_object

    def read_then_colleague_saves(view):
        membership = read(view)
        if view.request.method == "PATCH":
            colleague_sets_job_title(world_a, "Class teacher")
        return membership

    monkeypatch.setattr(MemberDetailView, "get_object", read_then_colleague_saves)

    response = bm_api.patch(
        api_url(world_a, world_a.practitioner), {"roles": [Role.PRACTITIONER, Role.AGENCY_LEAD]}, format="json"
    )

    assert response.status_code == 428
    assert "Send back the updated_at you read" in response.json()["updated_at"][0]
    saved = fresh(world_a.practitioner)
    assert saved.job_title == "Class teacher"
    assert saved.role_set == {Role.PRACTITIONER}


def test_a_malformed_member_version_is_a_field_error(world_a, bm_api):
    response = bm_api.patch(
        api_url(world_a, world_a.practitioner), {"job_title": "x", "updated_at": "yesterday"}, format="json"
    )

    assert response.status_code == 400
    assert "updated_at" in response.json()
    assert fresh(world_a.practitioner).job_title == ""


def test_another_partnerships_member_is_404_with_a_version_too(world_a, world_b):
    client = login(APIClient(), world_b.bm)

    response = client.patch(
        reverse(
            "api:member_detail", kwargs={"slug": world_b.partnership.slug, "membership_id": world_a.practitioner.pk}
        ),
        {"job_title": "x", "updated_at": world_a.practitioner.updated_at.isoformat()},
        format="json",
    )

    assert response.status_code == 404
    assert fresh(world_a.practitioner).job_title == ""


def test_an_agency_patch_without_a_version_is_refused_and_writes_nothing(world_a, bm_api, monkeypatch):
    read = AgencyDetailView.get_object

    def read_then_colleague_saves(view):
        agency = read(view)
        if view.request.method == "PATCH":
            services.agency_update(
                partnership=world_a.partnership,
                actor=world_a.bm,
                agency=world_a.school,
                name="Alpha Primary (colleague)",
                agency_type=AgencyType.EDUCATION,
            )
        return agency

    monkeypatch.setattr(AgencyDetailView, "get_object", read_then_colleague_saves)

    response = bm_api.patch(
        reverse("api:agency_detail", kwargs={"slug": world_a.partnership.slug, "agency_id": world_a.school.pk}),
        {"is_active": False},
        format="json",
    )

    assert response.status_code == 428
    saved = fresh(world_a.school)
    assert saved.name == "Alpha Primary (colleague)"
    assert saved.is_active is True
