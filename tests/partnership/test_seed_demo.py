"""``manage.py seed_demo``: idempotent, complete, and its printed credentials really sign in."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from partnership.demo import DEMO_PARTNERSHIPS, DEMO_PASSWORD, demo_backup_code
from partnership.models import (
    PARTNER_LEAD_ROLES,
    SECOND_FACTOR_ROLES,
    Agency,
    AgencyType,
    ClosureDay,
    Collaboration,
    HistoryEntry,
    Membership,
    MembershipRole,
    Partnership,
    Person,
    Role,
)

pytestmark = pytest.mark.django_db

COUNTED = [
    Partnership,
    Agency,
    Person,
    Membership,
    MembershipRole,
    HistoryEntry,
    ClosureDay,
    Collaboration,
    StaticDevice,
    StaticToken,
]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded() -> str:
    return seed()


def test_running_twice_gives_the_same_state(seeded):
    first = counts()
    assert first["Partnership"] == 4
    assert first["HistoryEntry"] > first["Agency"] + first["Membership"]  # services recorded history
    output = seed()
    assert counts() == first
    assert "nothing new" in output


def test_partnerships_and_the_tri_borough_collaboration(seeded):
    forum = Collaboration.objects.get(name="South Thames Tri-borough Forum")
    assert sorted(forum.partnerships.values_list("slug", flat=True)) == ["ashby-scp", "brookmere-scp", "carrow-scp"]
    wessex = Partnership.objects.get(slug="wessex-scp")
    assert wessex.name == "Wessex County Safeguarding Children Partnership"
    assert Agency.objects.in_partnership(wessex).count() >= 40
    assert Agency.objects.in_partnership(wessex).filter(agency_type=AgencyType.EDUCATION).count() >= 20
    assert set(Partnership.objects.values_list("nation", flat=True)) == {"ENG"}


@pytest.mark.parametrize("slug", [d.slug for d in DEMO_PARTNERSHIPS])
def test_each_partnership_has_every_role_and_kind_of_agency(seeded, slug):
    partnership = Partnership.objects.get(slug=slug)
    roles = set(MembershipRole.objects.filter(membership__partnership=partnership).values_list("role", flat=True))
    assert roles == set(Role.values)
    kinds = set(Agency.objects.in_partnership(partnership).values_list("agency_type", flat=True))
    assert kinds == set(AgencyType.values)
    statutory = dict(
        Agency.objects.in_partnership(partnership)
        .exclude(statutory_partner="")
        .values_list("statutory_partner", "name")
    )
    assert set(statutory) == {"local_authority", "health", "police"}
    # Partner leads sit in the statutory partner agency of their kind.
    for role in MembershipRole.objects.filter(membership__partnership=partnership, role__in=list(PARTNER_LEAD_ROLES)):
        assert role.membership.agency.statutory_partner == PARTNER_LEAD_ROLES[role.role]


def test_one_person_belongs_to_several_tri_borough_partnerships(seeded):
    shared = Person.objects.get(email="scrutineer@tri-borough.demo.learningloop.example")
    slugs = set(shared.memberships.filter(is_active=True).values_list("partnership__slug", flat=True))
    assert {"ashby-scp", "brookmere-scp"} <= slugs


def test_second_factor_people_have_their_known_backup_code(seeded):
    people = Person.objects.filter(
        memberships__roles__role__in=SECOND_FACTOR_ROLES, email__endswith=".demo.learningloop.example"
    ).distinct()
    expected = {p.email for d in DEMO_PARTNERSHIPS for p in d.people if SECOND_FACTOR_ROLES.intersection(p.roles)}
    assert set(people.values_list("email", flat=True)) == expected
    assert len(expected) == 19  # 4 in each borough, the shared scrutineer, 6 in Wessex
    for person in people:
        tokens = list(
            StaticToken.objects.filter(device__user=person, device__confirmed=True).values_list("token", flat=True)
        )
        assert tokens == [demo_backup_code(person.email)]
        assert len(tokens[0]) == 8
        assert tokens[0].isdigit()
    others = Person.objects.exclude(pk__in=people).filter(email__endswith=".demo.learningloop.example")
    assert others.exists()
    assert not StaticDevice.objects.filter(user__in=others).exists()


def test_printed_table_lists_credentials(seeded):
    login_url = settings.SITE_URL + "/account/login/"
    line = next(row for row in seeded.splitlines() if "bm@ashby.demo.learningloop.example" in row)
    assert "Ashby Safeguarding Children Partnership" in line
    assert "Business manager" in line
    assert DEMO_PASSWORD in line
    assert demo_backup_code("bm@ashby.demo.learningloop.example") in line
    assert login_url in line
    practitioner = next(row for row in seeded.splitlines() if "practitioner@ashby" in row)
    assert "Practitioner" in practitioner


def test_refuses_a_production_site_unless_told(settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())
    assert not Partnership.objects.exists()


def sign_in(client: Client, email: str, password: str = DEMO_PASSWORD):
    return client.post(reverse("account:login"), {"username": email, "password": password})


def test_business_manager_signs_in_with_password_and_backup_code(seeded):
    email = "bm@ashby.demo.learningloop.example"
    client = Client()
    response = sign_in(client, email)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:two_factor_verify"))

    response = client.post(response["Location"], {"code": demo_backup_code(email)})
    assert response.status_code == 302
    home = client.get(reverse("partnership:home", kwargs={"slug": "ashby-scp"}))
    assert home.status_code == 200
    assert "Ashby Safeguarding Children Partnership" in home.content.decode()

    # The code is used up; a second sign-in with it fails until the demo is seeded again.
    other = Client()
    response = sign_in(other, email)
    response = other.post(response["Location"], {"code": demo_backup_code(email)})
    assert response.status_code == 200
    assert other.get(reverse("partnership:home", kwargs={"slug": "ashby-scp"})).status_code == 302

    seed()
    again = Client()
    response = sign_in(again, email)
    response = again.post(response["Location"], {"code": demo_backup_code(email)})
    assert response.status_code == 302
    assert again.get(reverse("partnership:home", kwargs={"slug": "ashby-scp"})).status_code == 200


def test_reseeding_resets_a_changed_password(seeded):
    person = Person.objects.get(email="practitioner@carrow.demo.learningloop.example")
    person.set_password("something-else-entirely-42")
    person.save()
    assert sign_in(Client(), person.email).status_code == 200  # refused: the form comes back
    seed()
    client = Client()
    response = sign_in(client, person.email)
    assert response.status_code == 302  # no second factor for a practitioner
    assert client.get(reverse("partnership:home", kwargs={"slug": "carrow-scp"})).status_code == 200


def test_shared_person_can_switch_between_partnerships(seeded):
    email = "scrutineer@tri-borough.demo.learningloop.example"
    client = Client()
    response = sign_in(client, email)
    client.post(response["Location"], {"code": demo_backup_code(email)})
    choose = client.get(reverse("home"))
    assert choose.status_code == 200
    html = choose.content.decode()
    for name in ("Ashby", "Brookmere", "Carrow"):
        assert f"{name} Safeguarding Children Partnership" in html
    assert client.get(reverse("partnership:home", kwargs={"slug": "wessex-scp"})).status_code == 404
