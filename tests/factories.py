"""factory_boy factories and a two-partnership world for tests."""

from __future__ import annotations

import factory
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.models import (
    Agency,
    AgencyType,
    Membership,
    MembershipRole,
    Nation,
    Partnership,
    Person,
    Role,
    StatutoryPartner,
)

TEST_PASSWORD = "correct-horse-battery-staple"


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    nation = Nation.ENGLAND


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    agency_type = AgencyType.EDUCATION
    statutory_partner = ""


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805 - factory_boy's signature
        if create:
            obj.save()


def membership_make(
    *, partnership: Partnership, agency: Agency, roles: list[str], person: Person | None = None, **person_fields
) -> Membership:
    person = person or PersonFactory(**person_fields)
    membership = Membership.objects.create(partnership=partnership, person=person, agency=agency)
    MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=r) for r in roles])
    return membership


def totp_device_make(person: Person) -> TOTPDevice:
    return TOTPDevice.objects.create(user=person, name="Authenticator app", confirmed=True)


def static_code_make(person: Person, code: str = "12345678") -> StaticDevice:
    device = StaticDevice.objects.create(user=person, name="Backup codes", confirmed=True)
    StaticToken.objects.create(device=device, token=code)
    return device


class World:
    """One partnership with its three statutory partners, a school and a person per role."""

    # (attribute, agency attribute, role, email local part, title in the full name)
    PEOPLE = [
        ("business_manager", "council", Role.BUSINESS_MANAGER, "bm", "Business Manager"),
        ("la_lead", "council", Role.PARTNER_LEAD_LOCAL_AUTHORITY, "la-lead", "LA Lead"),
        ("health_lead", "icb", Role.PARTNER_LEAD_HEALTH, "health-lead", "Health Lead"),
        ("police_lead", "police", Role.PARTNER_LEAD_POLICE, "police-lead", "Police Lead"),
        ("practitioner", "school", Role.PRACTITIONER, "practitioner", "Practitioner"),
        ("agency_lead", "school", Role.AGENCY_LEAD, "agency-lead", "Agency Lead"),
        ("scrutineer", "council", Role.SCRUTINEER, "scrutineer", "Scrutineer"),
        ("lay_member", "council", Role.LAY_MEMBER, "lay", "Lay Member"),
        ("observer", "school", Role.OBSERVER, "observer", "Observer"),
    ]

    def __init__(self, label: str) -> None:
        self.partnership = PartnershipFactory(name=f"{label} Safeguarding Partnership", slug=f"{label.lower()}-scp")
        p = self.partnership
        self.council = AgencyFactory(
            partnership=p,
            name=f"{label} Council",
            agency_type=AgencyType.LOCAL_AUTHORITY,
            statutory_partner=StatutoryPartner.LOCAL_AUTHORITY,
        )
        self.icb = AgencyFactory(
            partnership=p, name=f"{label} ICB", agency_type=AgencyType.HEALTH, statutory_partner=StatutoryPartner.HEALTH
        )
        self.police = AgencyFactory(
            partnership=p,
            name=f"{label} Police",
            agency_type=AgencyType.POLICE,
            statutory_partner=StatutoryPartner.POLICE,
        )
        self.school = AgencyFactory(partnership=p, name=f"{label} Primary School", agency_type=AgencyType.EDUCATION)
        slug = label.lower()
        for attribute, agency, role, local_part, title in self.PEOPLE:
            membership = membership_make(
                partnership=p,
                agency=getattr(self, agency),
                roles=[role],
                email=f"{local_part}@{slug}.example",
                full_name=f"{label} {title}",
            )
            setattr(self, attribute, membership)

    @property
    def bm(self) -> Person:
        return self.business_manager.person


def api_token_key(
    person: Person, partnership: Partnership | None = None, *, second_factor_passed: bool = True, **kwargs
) -> str:
    """A live API token for ``person`` in ``partnership`` (their only one when None), issued as from a verified
    session; returns the key, which is all a program has."""
    from partnership.services.access import api_token_issue

    memberships = Membership.objects.filter(person=person).select_related("partnership", "person")
    if partnership is not None:
        memberships = memberships.filter(partnership=partnership)
    membership = memberships.get()
    issued = api_token_issue(
        membership=membership,
        name=kwargs.pop("name", "Test program"),
        second_factor_passed=second_factor_passed,
        **kwargs,
    )
    return issued.key
