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
        self.business_manager = membership_make(
            partnership=p,
            agency=self.council,
            roles=[Role.BUSINESS_MANAGER],
            email=f"bm@{slug}.example",
            full_name=f"{label} Business Manager",
        )
        self.la_lead = membership_make(
            partnership=p,
            agency=self.council,
            roles=[Role.PARTNER_LEAD_LOCAL_AUTHORITY],
            email=f"la-lead@{slug}.example",
            full_name=f"{label} LA Lead",
        )
        self.health_lead = membership_make(
            partnership=p,
            agency=self.icb,
            roles=[Role.PARTNER_LEAD_HEALTH],
            email=f"health-lead@{slug}.example",
            full_name=f"{label} Health Lead",
        )
        self.police_lead = membership_make(
            partnership=p,
            agency=self.police,
            roles=[Role.PARTNER_LEAD_POLICE],
            email=f"police-lead@{slug}.example",
            full_name=f"{label} Police Lead",
        )
        self.practitioner = membership_make(
            partnership=p,
            agency=self.school,
            roles=[Role.PRACTITIONER],
            email=f"practitioner@{slug}.example",
            full_name=f"{label} Practitioner",
        )
        self.agency_lead = membership_make(
            partnership=p,
            agency=self.school,
            roles=[Role.AGENCY_LEAD],
            email=f"agency-lead@{slug}.example",
            full_name=f"{label} Agency Lead",
        )
        self.scrutineer = membership_make(
            partnership=p,
            agency=self.council,
            roles=[Role.SCRUTINEER],
            email=f"scrutineer@{slug}.example",
            full_name=f"{label} Scrutineer",
        )
        self.lay_member = membership_make(
            partnership=p,
            agency=self.council,
            roles=[Role.LAY_MEMBER],
            email=f"lay@{slug}.example",
            full_name=f"{label} Lay Member",
        )
        self.observer = membership_make(
            partnership=p,
            agency=self.school,
            roles=[Role.OBSERVER],
            email=f"observer@{slug}.example",
            full_name=f"{label} Observer",
        )

    @property
    def bm(self) -> Person:
        return self.business_manager.person
