"""The business managers' administration pages: access, tenancy, forms, history and query counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partnership import services
from partnership.models import AgencyType, ClosureDay, Invitation, Membership, Nation, Role, StatutoryPartner
from tests.factories import AgencyFactory, membership_make

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Every World gives nine people a password; the real hasher makes each test take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def url(world, name: str, **kwargs) -> str:
    return reverse(f"partnership:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def text(response) -> str:
    return response.content.decode()


def field_group(response, field_id: str) -> str:
    """The HTML of the form group that holds the field with this id (its label, error and input)."""
    html = text(response)
    position = html.index(f'id="{field_id}"')
    start = html.rindex('<div class="form-group', 0, position)
    return html[start : position + 200]


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def hidden_version(response) -> str:
    return re.search(r'name="expected_updated_at" value="([^"]+)"', text(response)).group(1)


def version(instance) -> dict[str, str]:
    """The hidden version field of an edit form drawn from ``instance`` as it is in the database now."""
    instance.refresh_from_db(fields=["updated_at"])
    return {"expected_updated_at": instance.updated_at.isoformat()}


@pytest.fixture
def bm_client(world_a, client_for):
    return client_for(world_a.bm)


@pytest.fixture
def invitation_a(world_a):
    invitation, _token = services.invitation_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        email="invited@alpha.example",
        full_name="Invited Person",
        agency=world_a.school,
        roles=[Role.PRACTITIONER],
    )
    return invitation


@pytest.fixture
def closure_day_a(world_a):
    return services.closure_day_add(
        partnership=world_a.partnership, actor=world_a.bm, day=date(2026, 12, 24), reason="Winter closure"
    )


# --- Who may use the pages -------------------------------------------------------------

LIST_PAGES = ["agency_list", "agency_create", "member_list", "invitation_create", "settings"]


def object_pages(world, invitation, closure_day) -> list[tuple[str, str, dict]]:
    """(method, url name, kwargs) of every page about one object of ``world``."""
    return [
        ("get", "agency_detail", {"agency_id": world.school.pk}),
        ("post", "agency_detail", {"agency_id": world.school.pk}),
        ("get", "member_detail", {"membership_id": world.practitioner.pk}),
        ("post", "member_detail", {"membership_id": world.practitioner.pk}),
        ("post", "member_deactivate", {"membership_id": world.practitioner.pk}),
        ("post", "member_reactivate", {"membership_id": world.practitioner.pk}),
        ("post", "invitation_revoke", {"invitation_id": invitation.pk}),
        ("post", "closure_day_delete", {"closure_day_id": closure_day.pk}),
    ]


@pytest.mark.parametrize("member", ["practitioner", "la_lead", "scrutineer", "agency_lead", "observer"])
def test_members_without_the_business_manager_role_are_refused(
    world_a, client_for, invitation_a, closure_day_a, member
):
    client = client_for(getattr(world_a, member).person)

    for name in LIST_PAGES:
        assert client.get(url(world_a, name)).status_code == 403, name
    for method, name, kwargs in object_pages(world_a, invitation_a, closure_day_a):
        response = getattr(client, method)(url(world_a, name, **kwargs), {"name": "x", "form": "settings"})
        assert response.status_code == 403, (method, name)

    assert ClosureDay.objects.filter(pk=closure_day_a.pk).exists()
    invitation_a.refresh_from_db()
    assert invitation_a.status == Invitation.Status.PENDING


def test_signed_out_visitors_are_sent_to_sign_in(world_a, client):
    response = client.get(url(world_a, "agency_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account:login"))


def test_another_partnerships_business_manager_gets_404_for_every_page_and_object(
    world_a, world_b, client_for, invitation_a, closure_day_a
):
    client = client_for(world_b.bm)

    for name in LIST_PAGES:
        assert client.get(url(world_a, name)).status_code == 404, name
    for method, name, kwargs in object_pages(world_a, invitation_a, closure_day_a):
        # world_a's ids under world_b's own slug: as if they did not exist.
        response = getattr(client, method)(url(world_b, name, **kwargs), {"reason": "x"})
        assert response.status_code == 404, ("own slug", method, name)
        # ...and under world_a's slug, where world_b's manager is not a member.
        response = getattr(client, method)(url(world_a, name, **kwargs), {"reason": "x"})
        assert response.status_code == 404, ("foreign slug", method, name)

    assert ClosureDay.objects.filter(pk=closure_day_a.pk).exists()
    invitation_a.refresh_from_db()
    assert invitation_a.status == Invitation.Status.PENDING
    world_a.practitioner.refresh_from_db()
    assert world_a.practitioner.is_active is True


def test_ids_that_do_not_exist_answer_404_like_foreign_ones(world_a, bm_client):
    assert bm_client.get(url(world_a, "agency_detail", agency_id=999_999)).status_code == 404
    assert bm_client.get(url(world_a, "member_detail", membership_id=999_999)).status_code == 404
    assert bm_client.post(url(world_a, "invitation_revoke", invitation_id=999_999)).status_code == 404
    assert bm_client.post(url(world_a, "closure_day_delete", closure_day_id=999_999)).status_code == 404


@pytest.fixture
def object_ids(world_a, invitation_a, closure_day_a) -> dict[str, int]:
    return {
        "membership_id": world_a.practitioner.pk,
        "invitation_id": invitation_a.pk,
        "closure_day_id": closure_day_a.pk,
    }


@pytest.mark.parametrize(
    ("name", "id_name"),
    [
        ("member_deactivate", "membership_id"),
        ("member_reactivate", "membership_id"),
        ("invitation_revoke", "invitation_id"),
        ("closure_day_delete", "closure_day_id"),
    ],
)
def test_actions_accept_only_post(world_a, bm_client, object_ids, name, id_name):
    response = bm_client.get(url(world_a, name, **{id_name: object_ids[id_name]}))

    assert response.status_code == 405


# --- Agencies --------------------------------------------------------------------------


def test_agency_list_shows_each_agency_with_partner_members_and_status(world_a, world_b, bm_client):
    world_a.school.is_active = False
    world_a.school.save()

    response = bm_client.get(url(world_a, "agency_list"))

    assert response.status_code == 200
    html = text(response)
    assert "<caption>4 agencies in Alpha Safeguarding Partnership</caption>" in html
    council_row = html[html.index("Alpha Council</a>") : html.index("</tr>", html.index("Alpha Council</a>"))]
    assert "Local authority" in council_row
    assert "<td>4</td>" in council_row  # business manager, LA lead, scrutineer, lay member
    assert "tag-success" in council_row
    school_row = html[html.index("Alpha Primary School</a>") : html.index("</tr>", html.index("Alpha Primary School"))]
    assert "Inactive" in school_row
    assert url(world_a, "agency_create") in html
    assert "Bravo" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_agency_list_is_paginated_and_its_query_count_is_fixed(world_a, bm_client, django_assert_max_num_queries):
    with CaptureQueriesContext(connection) as few:
        bm_client.get(url(world_a, "agency_list"))
    for n in range(30):
        agency = AgencyFactory(partnership=world_a.partnership, name=f"Alpha School {n:02}")
        membership_make(partnership=world_a.partnership, agency=agency, roles=[Role.PRACTITIONER])

    # Session, person, second factor, memberships; the count; the page of agencies with their members counted.
    with django_assert_max_num_queries(6) as many:
        response = bm_client.get(url(world_a, "agency_list"))
    second = text(bm_client.get(url(world_a, "agency_list"), {"page": "2"}))

    assert len(many.captured_queries) == len(few.captured_queries)
    html = text(response)
    assert "<caption>34 agencies in Alpha Safeguarding Partnership (page 1 of 2)</caption>" in html
    assert html.count("<tr>") == 1 + 25
    assert 'href="?page=2"' in html
    assert second.count("<tr>") == 1 + 9
    school_row = second[second.index("Alpha School 29</a>") : second.index("</tr>", second.index("Alpha School 29"))]
    assert "<td>1</td>" in school_row  # its one active member, counted on the second page too


def test_add_an_agency(world_a, bm_client):
    page = bm_client.get(url(world_a, "agency_create"))
    assert page.status_code == 200
    assert '<option value="" selected>Not a statutory partner</option>' in text(page)

    response = bm_client.post(
        url(world_a, "agency_create"),
        {"name": "Alpha Youth Justice", "agency_type": AgencyType.OTHER, "statutory_partner": ""},
        follow=True,
    )

    agency = world_a.partnership.agencies.get(name="Alpha Youth Justice")
    assert response.redirect_chain[-1][0] == url(world_a, "agency_detail", agency_id=agency.pk)
    assert "Added Alpha Youth Justice." in text(response)
    assert "Created" in text(response)  # the history below the form


def test_adding_a_second_statutory_partner_shows_the_error_beside_the_field_and_keeps_input(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "agency_create"),
        {
            "name": "Alpha Borough Police",
            "agency_type": AgencyType.POLICE,
            "statutory_partner": StatutoryPartner.POLICE,
        },
    )

    assert response.status_code == 400
    message = "Alpha Police is already the police statutory partner. Clear it there first: each kind has exactly one."
    group = field_group(response, "id_statutory_partner")
    assert "form-group-error" in group
    assert message in group
    assert f'<a href="#id_statutory_partner">{message}</a>' in text(response)  # the error summary
    assert 'value="Alpha Borough Police"' in text(response)
    assert '<option value="police" selected>' in text(response)
    assert "<title>Error: Add an agency" in text(response)
    assert not world_a.partnership.agencies.filter(name="Alpha Borough Police").exists()


def test_adding_an_agency_without_a_name_says_so(world_a, bm_client):
    response = bm_client.post(url(world_a, "agency_create"), {"name": "", "agency_type": AgencyType.EDUCATION})

    assert response.status_code == 400
    assert "Enter the agency&#x27;s name." in field_group(response, "id_name")


def test_agency_page_shows_the_form_members_and_history(world_a, bm_client):
    response = bm_client.get(url(world_a, "agency_detail", agency_id=world_a.icb.pk))

    assert response.status_code == 200
    html = text(response)
    assert hidden_version(response) == world_a.icb.updated_at.isoformat()
    assert 'value="Alpha ICB"' in html
    assert "Alpha Health Lead" in html  # a member of the agency
    assert "Alpha Practitioner" not in html  # works for the school
    assert 'aria-label="Breadcrumb"' in html
    assert "<title>Alpha ICB" in html


def test_editing_an_agency_saves_and_shows_the_change_in_its_history(world_a, bm_client):
    page = bm_client.get(url(world_a, "agency_detail", agency_id=world_a.school.pk))

    response = bm_client.post(
        url(world_a, "agency_detail", agency_id=world_a.school.pk),
        {
            "name": "Alpha Primary Academy",
            "agency_type": AgencyType.EDUCATION,
            "statutory_partner": "",
            "is_active": "on",
            "expected_updated_at": hidden_version(page),
        },
        follow=True,
    )

    assert response.redirect_chain[-1] == (url(world_a, "agency_detail", agency_id=world_a.school.pk), 302)
    assert "Saved the changes to Alpha Primary Academy." in text(response)
    history = text(response).split('data-testid="history"', 1)[1]
    assert "Alpha Business Manager" in history
    assert "Updated" in history
    assert re.search(r"Alpha Primary School\s*<span aria-hidden=\"true\">→</span>.*Alpha Primary Academy", history)


def test_a_stale_agency_form_is_refused_and_the_typed_values_are_kept(world_a, bm_client):
    page = bm_client.get(url(world_a, "agency_detail", agency_id=world_a.school.pk))
    stale_version = hidden_version(page)
    # A colleague saves a change after the page was drawn.
    services.agency_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        agency=world_a.school,
        name="Alpha Primary (colleague's name)",
        agency_type=AgencyType.EDUCATION,
    )
    mine = {
        "name": "Alpha Primary (my name)",
        "agency_type": AgencyType.EDUCATION,
        "statutory_partner": "",
        "expected_updated_at": stale_version,
    }

    response = bm_client.post(url(world_a, "agency_detail", agency_id=world_a.school.pk), mine)

    assert response.status_code == 400
    html = text(response)
    summary = html.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    assert "Someone else changed this agency while you were editing it." in summary
    assert 'value="Alpha Primary (my name)"' in html  # their input is not lost
    assert 'id="id_is_active"' in html
    assert "checked" not in field_group(response, "id_is_active")  # they had unticked "Active"
    assert "Alpha Primary (colleague&#x27;s name)" in html.split('data-testid="saved-version"', 1)[1]
    world_a.school.refresh_from_db()
    assert world_a.school.name == "Alpha Primary (colleague's name)"
    # Sending the kept input again, now against the current version, applies it.
    assert hidden_version(response) == world_a.school.updated_at.isoformat()
    again = bm_client.post(
        url(world_a, "agency_detail", agency_id=world_a.school.pk),
        {**mine, "expected_updated_at": hidden_version(response)},
    )
    assert again.status_code == 302
    world_a.school.refresh_from_db()
    assert world_a.school.name == "Alpha Primary (my name)"
    assert world_a.school.is_active is False


def test_a_tampered_version_field_is_refused_without_saving(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "agency_detail", agency_id=world_a.school.pk),
        {"name": "Changed", "agency_type": AgencyType.EDUCATION, "expected_updated_at": "yesterday"},
    )

    assert response.status_code == 400
    assert "This page is out of date. Reload it and make your change again." in text(response)
    world_a.school.refresh_from_db()
    assert world_a.school.name == "Alpha Primary School"


def test_an_agency_edit_breaking_a_rule_shows_the_error_beside_the_field(world_a, bm_client):
    page = bm_client.get(url(world_a, "agency_detail", agency_id=world_a.school.pk))

    response = bm_client.post(
        url(world_a, "agency_detail", agency_id=world_a.school.pk),
        {
            "name": "Alpha Primary School",
            "agency_type": AgencyType.EDUCATION,
            "statutory_partner": StatutoryPartner.HEALTH,
            "is_active": "on",
            "expected_updated_at": hidden_version(page),
        },
    )

    assert response.status_code == 400
    assert "Only a health agency can be the health statutory partner." in field_group(response, "id_statutory_partner")
    assert 'data-testid="saved-version"' not in text(response)  # no conflict, just a rule


# --- Members ---------------------------------------------------------------------------


def test_member_list_shows_members_roles_and_pending_invitations(world_a, world_b, bm_client, invitation_a):
    response = bm_client.get(url(world_a, "member_list"))

    assert response.status_code == 200
    html = text(response)
    assert "<caption>9 members</caption>" in html
    assert "practitioner@alpha.example" in html
    assert '<span class="tag">Partner lead (police)</span>' in html
    assert "bravo.example" not in html
    assert url(world_a, "invitation_create") in html
    invitations = html.split('data-testid="invitation-table"', 1)[1]
    assert "invited@alpha.example" in invitations
    revoke_url = url(world_a, "invitation_revoke", invitation_id=invitation_a.pk)
    assert re.search(rf'<form method="post" action="{revoke_url}"[^>]*data-confirm="Withdraw', invitations)


def test_member_list_search_and_status_filter(world_a, bm_client):
    services.membership_deactivate(partnership=world_a.partnership, actor=world_a.bm, membership=world_a.observer)

    found = text(bm_client.get(url(world_a, "member_list"), {"q": "POLICE-lead@"}))
    inactive = text(bm_client.get(url(world_a, "member_list"), {"status": "inactive"}))
    active = text(bm_client.get(url(world_a, "member_list"), {"status": "active"}))
    nobody = bm_client.get(url(world_a, "member_list"), {"q": "zebra"})

    assert "1 member found" in found
    assert "police-lead@alpha.example" in found
    assert "practitioner@alpha.example" not in found
    assert "1 member found" in inactive
    assert "observer@alpha.example" in inactive
    assert "8 members found" in active
    assert "observer@alpha.example" not in active
    assert nobody.status_code == 200
    assert "No members match your search." in text(nobody)


def test_member_list_query_count_does_not_grow_with_members(world_a, bm_client, django_assert_max_num_queries):
    services.invitation_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        email="someone@alpha.example",
        full_name="Someone",
        agency=world_a.school,
        roles=[Role.PRACTITIONER],
    )
    with CaptureQueriesContext(connection) as few:
        bm_client.get(url(world_a, "member_list"))
    for _ in range(30):
        membership_make(
            partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER, Role.AGENCY_LEAD]
        )

    with django_assert_max_num_queries(9) as many:
        response = bm_client.get(url(world_a, "member_list"))

    assert len(many.captured_queries) == len(few.captured_queries)
    assert "<caption>39 members (page 1 of 2)</caption>" in text(response)


def test_member_list_pages_keep_the_search(world_a, bm_client):
    for n in range(55):
        membership_make(
            partnership=world_a.partnership, agency=world_a.school, roles=[Role.PRACTITIONER], full_name=f"Teacher {n}"
        )

    first = text(bm_client.get(url(world_a, "member_list"), {"q": "teacher", "status": "active"}))
    last = text(bm_client.get(url(world_a, "member_list"), {"q": "teacher", "status": "active", "page": "3"}))

    assert "55 members found (page 1 of 3)" in first
    assert first.split('data-testid="member-table"', 1)[1].split("</table>", 1)[0].count("<tr>") == 1 + 25
    assert 'href="?q=teacher&amp;status=active&amp;page=2"' in first
    assert last.split('data-testid="member-table"', 1)[1].split("</table>", 1)[0].count("<tr>") == 1 + 5


def test_pending_invitations_are_paginated_apart_from_the_members(world_a, bm_client, django_assert_max_num_queries):
    def invite(n: int) -> None:
        services.invitation_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            email=f"invitee{n:02}@alpha.example",
            full_name=f"Invitee {n:02}",
            agency=world_a.school,
            roles=[Role.PRACTITIONER],
        )

    invite(0)
    with CaptureQueriesContext(connection) as queries:
        bm_client.get(url(world_a, "member_list"))
    few = len(queries.captured_queries)
    for n in range(1, 30):
        invite(n)

    with django_assert_max_num_queries(few):
        first = text(bm_client.get(url(world_a, "member_list")))
    second = text(bm_client.get(url(world_a, "member_list"), {"page": "1", "invitations_page": "2"}))

    table = first.split('data-testid="invitation-table"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + 25
    assert "Pending invitations (page 1 of 2)" in table
    assert 'href="?invitations_page=2"' in first
    assert second.split('data-testid="invitation-table"', 1)[1].split("</table>", 1)[0].count("<tr>") == 1 + 5
    assert "Previous invitations" in second


def test_member_page_shows_summary_form_and_history(world_a, bm_client):
    response = bm_client.get(url(world_a, "member_detail", membership_id=world_a.health_lead.pk))

    assert response.status_code == 200
    html = text(response)
    summary = html.split('data-testid="member-summary"', 1)[1].split("</dl>", 1)[0]
    assert "health-lead@alpha.example" in summary
    assert "Joined" in summary
    assert re.search(r'value="partner_lead_health"[^>]*checked', html)
    assert "<title>Alpha Health Lead" in html
    assert url(world_a, "member_deactivate", membership_id=world_a.health_lead.pk) in html


def test_member_agency_choices_are_this_partnerships_active_agencies(world_a, world_b, bm_client):
    closed = AgencyFactory(partnership=world_a.partnership, name="Alpha Closed Service", is_active=False)

    html = text(bm_client.get(url(world_a, "member_detail", membership_id=world_a.practitioner.pk)))

    select = html.split('id="id_agency"', 1)[1].split("</select>", 1)[0]
    assert "Alpha Primary School" in select
    assert closed.name not in select
    assert "Bravo" not in select


def test_editing_a_members_roles_saves_and_records_history(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "member_detail", membership_id=world_a.practitioner.pk),
        {
            "agency": world_a.school.pk,
            "job_title": "Teacher",
            "roles": [Role.PRACTITIONER, Role.AGENCY_LEAD],
            **version(world_a.practitioner),
        },
        follow=True,
    )

    assert response.redirect_chain[-1][0] == url(world_a, "member_detail", membership_id=world_a.practitioner.pk)
    assert "Saved the changes to Alpha Practitioner." in text(response)
    assert world_a.practitioner.role_set == {Role.PRACTITIONER, Role.AGENCY_LEAD}
    history = text(response).split('data-testid="history"', 1)[1]
    assert "Agency lead, Practitioner" in history
    assert "Job title" in history


def test_a_partner_lead_outside_the_statutory_agency_is_refused_beside_the_roles(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "member_detail", membership_id=world_a.practitioner.pk),
        {
            "agency": world_a.school.pk,
            "job_title": "Head teacher",
            "roles": [Role.PARTNER_LEAD_POLICE],
            **version(world_a.practitioner),
        },
    )

    assert response.status_code == 400
    message = "Partner lead (police) must belong to the police statutory partner agency; Alpha Primary School is not."
    html = text(response)
    roles_group = html[html.index('<legend class="label">Roles</legend>') : html.index('id="id_roles"')]
    assert message in roles_group
    assert f'<a href="#id_roles_0">{message}</a>' in html
    assert re.search(r'value="partner_lead_police"[^>]*checked', html)  # their choice is kept
    assert 'value="Head teacher"' in html
    assert world_a.practitioner.role_set == {Role.PRACTITIONER}


def test_choosing_no_role_is_refused(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "member_detail", membership_id=world_a.practitioner.pk), {"agency": world_a.school.pk}
    )

    assert response.status_code == 400
    assert "Choose at least one role." in text(response)


def test_choosing_another_partnerships_agency_is_refused(world_a, world_b, bm_client):
    response = bm_client.post(
        url(world_a, "member_detail", membership_id=world_a.practitioner.pk),
        {"agency": world_b.school.pk, "roles": [Role.PRACTITIONER], **version(world_a.practitioner)},
    )

    assert response.status_code == 400
    assert "Choose one of this partnership&#x27;s agencies." in field_group(response, "id_agency")
    world_a.practitioner.refresh_from_db()
    assert world_a.practitioner.agency == world_a.school


def test_deactivate_and_reactivate_a_member(world_a, bm_client):
    deactivated = bm_client.post(
        url(world_a, "member_deactivate", membership_id=world_a.observer.pk),
        {"deactivate-reason": "Secondment ended"},
        follow=True,
    )

    world_a.observer.refresh_from_db()
    assert world_a.observer.is_active is False
    assert "Alpha Observer can no longer use Alpha Safeguarding Partnership." in text(deactivated)
    assert "Reason: Secondment ended" in text(deactivated)
    assert 'data-testid="reactivate-form"' in text(deactivated)

    reactivated = bm_client.post(url(world_a, "member_reactivate", membership_id=world_a.observer.pk), follow=True)

    world_a.observer.refresh_from_db()
    assert world_a.observer.is_active is True
    assert "Alpha Observer can use Alpha Safeguarding Partnership again." in text(reactivated)


def test_the_last_business_manager_cannot_be_deactivated_and_is_told_why(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "member_deactivate", membership_id=world_a.business_manager.pk),
        {"deactivate-reason": "Leaving"},
    )

    assert response.status_code == 400
    assert "A partnership needs at least one active business manager." in text(response)
    assert 'value="Leaving"' in text(response)
    world_a.business_manager.refresh_from_db()
    assert world_a.business_manager.is_active is True


def test_a_business_manager_who_deactivates_themselves_leaves_the_partnership(world_a, bm_client):
    membership_make(partnership=world_a.partnership, agency=world_a.council, roles=[Role.BUSINESS_MANAGER])

    response = bm_client.post(url(world_a, "member_deactivate", membership_id=world_a.business_manager.pk))

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert bm_client.get(url(world_a, "member_list")).status_code == 404


def test_the_only_business_manager_cannot_remove_their_own_role_on_the_page(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "member_detail", membership_id=world_a.business_manager.pk),
        {"agency": world_a.council.pk, "roles": [Role.PRACTITIONER], **version(world_a.business_manager)},
    )

    assert response.status_code == 400
    assert "A partnership needs at least one active business manager." in text(response)
    assert world_a.business_manager.role_set == {Role.BUSINESS_MANAGER}


# --- Invitations -----------------------------------------------------------------------


def test_invite_someone_sends_the_email_and_returns_to_the_member_list(
    world_a, bm_client, django_capture_on_commit_callbacks
):
    page = bm_client.get(url(world_a, "invitation_create"))
    assert page.status_code == 200
    assert "<title>Invite someone" in text(page)

    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(
            url(world_a, "invitation_create"),
            {
                "email": "New.Teacher@alpha.example",
                "full_name": "New Teacher",
                "agency": world_a.school.pk,
                "roles": [Role.PRACTITIONER],
            },
        )

    assert response.status_code == 302
    assert response.url == url(world_a, "member_list")
    assert flash(response) == ["Invitation sent to new.teacher@alpha.example"]
    [message] = mail.outbox
    assert message.to == ["new.teacher@alpha.example"]
    invitation = Invitation.objects.get(partnership=world_a.partnership, email="new.teacher@alpha.example")
    assert invitation.roles == [Role.PRACTITIONER]
    assert "new.teacher@alpha.example" in text(bm_client.get(url(world_a, "member_list")))


@pytest.mark.parametrize(
    "case",
    [
        ({"email": "not an address"}, "id_email", "Enter an email address in the right format, like name@example.org."),
        ({"email": ""}, "id_email", "Enter the person&#x27;s email address."),
        ({"email": "practitioner@alpha.example"}, "id_email", "This person is already a member of the partnership."),
        ({"full_name": ""}, "id_full_name", "Enter the person&#x27;s full name."),
        (
            {"roles": [Role.PARTNER_LEAD_HEALTH]},
            "id_roles",
            "Partner lead (health) must belong to the health statutory partner agency; Alpha Primary School is not.",
        ),
    ],
)
def test_invitation_errors_are_shown_beside_the_field_and_input_is_kept(
    world_a, bm_client, django_capture_on_commit_callbacks, case
):
    overrides, field_id, message = case
    data = {"email": "fresh@alpha.example", "full_name": "Fresh Face", "agency": world_a.school.pk}
    data["roles"] = [Role.PRACTITIONER]
    data.update(overrides)

    with django_capture_on_commit_callbacks(execute=True):
        response = bm_client.post(url(world_a, "invitation_create"), data)

    assert response.status_code == 400
    html = text(response)
    assert 'class="error-summary"' in html
    assert message in field_group(response, field_id)
    if data["full_name"]:
        assert f'value="{data["full_name"]}"' in html
    assert mail.outbox == []
    assert not Invitation.objects.filter(partnership=world_a.partnership).exists()


def test_a_duplicate_pending_invitation_is_refused(world_a, bm_client, invitation_a):
    response = bm_client.post(
        url(world_a, "invitation_create"),
        {
            "email": "INVITED@alpha.example",
            "full_name": "Again",
            "agency": world_a.school.pk,
            "roles": ["practitioner"],
        },
    )

    assert response.status_code == 400
    assert "An invitation to this address is already waiting." in field_group(response, "id_email")


def test_invitations_cannot_use_another_partnerships_agency(world_a, world_b, bm_client):
    response = bm_client.post(
        url(world_a, "invitation_create"),
        {"email": "x@alpha.example", "full_name": "X", "agency": world_b.school.pk, "roles": ["practitioner"]},
    )

    assert response.status_code == 400
    assert "Choose one of this partnership&#x27;s agencies." in field_group(response, "id_agency")


def test_withdraw_an_invitation(world_a, bm_client, invitation_a):
    response = bm_client.post(url(world_a, "invitation_revoke", invitation_id=invitation_a.pk))

    assert response.status_code == 302
    assert response.url == url(world_a, "member_list")
    assert flash(response) == ["Withdrew the invitation to invited@alpha.example."]
    invitation_a.refresh_from_db()
    assert invitation_a.status == Invitation.Status.REVOKED
    assert 'data-testid="invitation-table"' not in text(bm_client.get(url(world_a, "member_list")))


def test_withdrawing_an_invitation_twice_explains_why_not(world_a, bm_client, invitation_a):
    bm_client.post(url(world_a, "invitation_revoke", invitation_id=invitation_a.pk))

    response = bm_client.post(url(world_a, "invitation_revoke", invitation_id=invitation_a.pk))

    assert response.status_code == 400
    assert "Only a pending invitation can be withdrawn." in text(response)


# --- Settings and closure days ---------------------------------------------------------


def test_settings_page_shows_the_forms_closure_days_and_history(world_a, bm_client, closure_day_a):
    response = bm_client.get(url(world_a, "settings"))

    assert response.status_code == 200
    html = text(response)
    assert 'value="Alpha Safeguarding Partnership"' in html
    assert re.search(r'type="radio" name="nation" value="ENG"[^>]*checked', html)
    assert 'type="date"' in html
    closure_days = html.split('data-testid="closure-days"', 1)[1].split("</table>", 1)[0]
    assert "Thursday 24 December 2026" in closure_days
    assert url(world_a, "closure_day_delete", closure_day_id=closure_day_a.pk) in closure_days
    assert "data-confirm=" in closure_days


def test_changing_the_settings_saves_and_shows_in_the_partnerships_history(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "settings"),
        {
            "form": "settings",
            "reminder_working_days": 2,
            "name": "Alpha Partnership",
            "nation": Nation.WALES,
            **version(world_a.partnership),
        },
        follow=True,
    )

    world_a.partnership.refresh_from_db()
    assert world_a.partnership.name == "Alpha Partnership"
    assert world_a.partnership.nation == Nation.WALES
    html = text(response)
    assert "Saved the settings." in html
    history = html.split('data-testid="history"', 1)[1]
    assert re.search(
        r"England\s*<span aria-hidden=\"true\">→</span><span class=\"visually-hidden\">changed to</span> Wales", history
    )
    assert "Alpha Business Manager" in history


def test_settings_errors_are_shown_beside_the_fields(world_a, world_b, bm_client):
    taken = bm_client.post(
        url(world_a, "settings"),
        {
            "form": "settings",
            "reminder_working_days": 2,
            "name": "Bravo Safeguarding Partnership",
            "nation": "WLS",
            **version(world_a.partnership),
        },
    )
    no_nation = bm_client.post(
        url(world_a, "settings"),
        {
            "form": "settings",
            "reminder_working_days": 2,
            "name": "Alpha",
            "nation": "XX",
            **version(world_a.partnership),
        },
    )

    assert taken.status_code == 400
    assert "Another partnership already has this name." in field_group(taken, "id_name")
    assert 'value="Bravo Safeguarding Partnership"' in text(taken)
    assert re.search(r'value="WLS"[^>]*checked', text(taken))
    assert no_nation.status_code == 400
    assert "Choose England, Wales, Scotland or Northern Ireland." in field_group(no_nation, "id_nation")
    assert '<a href="#id_nation_0">' in text(no_nation)
    world_a.partnership.refresh_from_db()
    assert world_a.partnership.name == "Alpha Safeguarding Partnership"
    assert world_a.partnership.nation == Nation.ENGLAND


def test_add_a_closure_day(world_a, bm_client):
    response = bm_client.post(
        url(world_a, "settings"),
        {"form": "closure_day", "closure-date": "2026-12-29", "closure-reason": "Winter closure"},
        follow=True,
    )

    assert "Added 29 December 2026 as a closure day." in text(response)
    day = ClosureDay.objects.get(partnership=world_a.partnership)
    assert day.date == date(2026, 12, 29)
    assert "Winter closure" in text(response).split('data-testid="closure-days"', 1)[1]


@pytest.mark.parametrize("typed", ["24-12-2026", "2026-02-30", "Christmas Eve"])
def test_a_closure_day_that_is_not_a_real_date_is_refused_beside_the_field(world_a, bm_client, typed):
    response = bm_client.post(
        url(world_a, "settings"), {"form": "closure_day", "closure-date": typed, "closure-reason": "Closure"}
    )

    assert response.status_code == 400
    assert "Enter a real date, like 2026-12-24" in field_group(response, "id_closure-date")
    assert '<a href="#id_closure-date">Enter a real date, like 2026-12-24</a>' in text(response)
    assert 'value="Closure"' in text(response)
    assert not ClosureDay.objects.exists()


def test_a_duplicate_closure_day_gets_the_services_message(world_a, bm_client, closure_day_a):
    response = bm_client.post(url(world_a, "settings"), {"form": "closure_day", "closure-date": "2026-12-24"})

    assert response.status_code == 400
    assert "24 December 2026 is already a closure day." in field_group(response, "id_closure-date")
    assert ClosureDay.objects.filter(partnership=world_a.partnership).count() == 1


def test_remove_a_closure_day_is_recorded(world_a, bm_client, closure_day_a):
    response = bm_client.post(url(world_a, "closure_day_delete", closure_day_id=closure_day_a.pk), follow=True)

    assert not ClosureDay.objects.filter(pk=closure_day_a.pk).exists()
    html = text(response)
    assert "Removed 24 December 2026 from the closure days." in html
    closure_history = html.split('id="closure-day-history-heading"', 1)[1]
    assert "Deleted" in closure_history
    assert "24 December 2026" in closure_history


def test_settings_page_query_count_is_fixed(world_a, bm_client, django_assert_max_num_queries):
    for day in range(1, 21):
        services.closure_day_add(partnership=world_a.partnership, actor=world_a.bm, day=date(2027, 1, day))
    services.partnership_update_settings(
        partnership=world_a.partnership, actor=world_a.bm, name="Alpha Partnership", nation=Nation.SCOTLAND
    )

    with django_assert_max_num_queries(7):
        response = bm_client.get(url(world_a, "settings"))

    assert response.status_code == 200


def test_the_pages_are_reached_from_the_navigation(world_a, bm_client):
    html = text(bm_client.get(url(world_a, "member_list")))

    assert f'<a href="{url(world_a, "member_list")}" aria-current="page">Members</a>' in html
    assert url(world_a, "agency_list") in html
    assert url(world_a, "settings") in html


def test_membership_of_a_deactivated_member_is_listed_as_inactive(world_a, bm_client):
    services.membership_deactivate(partnership=world_a.partnership, actor=world_a.bm, membership=world_a.lay_member)

    html = text(bm_client.get(url(world_a, "member_list")))

    row = html[html.index("Alpha Lay Member</a>") : html.index("</tr>", html.index("Alpha Lay Member</a>"))]
    assert "tag-inactive" in row
    assert Membership.objects.get(pk=world_a.lay_member.pk).is_active is False
