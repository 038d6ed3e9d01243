"""Demo data: fictional but realistic partnerships to show Learning Loop to people.

A tri-borough collaboration (the South Thames Tri-borough Forum: Ashby,
Brookmere and Carrow) and a large county partnership (Wessex, with a council,
district councils, the ICB, the constabulary, several NHS trusts, probation,
youth justice, twenty schools and the voluntary sector). Every partnership has
someone in every role. The tri-borough's independent scrutineer is a member of
all three boroughs, which shows the partnership switcher.

Everything here is invented. The addresses use ``.example`` (RFC 2606), so
no email can reach a real mailbox.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from dataclasses import dataclass, field
from datetime import date

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.models import (
    SECOND_FACTOR_ROLES,
    Agency,
    AgencyType,
    ClosureDay,
    Collaboration,
    HistoryEntry,
    Membership,
    MembershipRole,
    Nation,
    Partnership,
    Person,
    Role,
    StatutoryPartner,
)
from partnership.services import (
    agency_create,
    agency_update,
    closure_day_add,
    history_record,
    membership_create,
    tenant_update,
)

# One password for every demo account. It passes the project's validators
# (at least 12 characters, not a common password, not all digits, not like an email).
DEMO_PASSWORD = "Demo-Loop-2026!"  # noqa: S105 - published on purpose: demo sites only
DEMO_EMAIL_DOMAIN = "demo.learningloop.example"
# The account pages look for this device name; the codes are the demo's, not random.
BACKUP_DEVICE_NAME = "Backup codes"
# Each demo person with a second factor also has an authenticator whose secret is derived from their
# address (the same on every run): ``manage.py demo_codes`` prints its current code, so a demo
# sign-in works again and again, after signing out, without re-seeding.
DEMO_AUTHENTICATOR_NAME = "Authenticator app"

LA, HEALTH, POLICE = StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.HEALTH, StatutoryPartner.POLICE


@dataclass(frozen=True)
class DemoAgency:
    name: str
    agency_type: str
    statutory_partner: str = ""


@dataclass(frozen=True)
class DemoPerson:
    """A demo person's place in one partnership. ``email`` may repeat across partnerships."""

    email: str
    full_name: str
    agency: str
    roles: tuple[str, ...]
    job_title: str = ""


@dataclass(frozen=True)
class DemoPartnership:
    name: str
    slug: str
    agencies: tuple[DemoAgency, ...]
    people: tuple[DemoPerson, ...]
    nation: str = Nation.ENGLAND
    closure_days: tuple[tuple[date, str], ...] = ()


@dataclass(frozen=True)
class DemoCollaboration:
    name: str
    slug: str
    partnership_slugs: tuple[str, ...]


@dataclass
class DemoCredential:
    """One row of the table the seed prints: how to sign in as a demo person in a partnership."""

    partnership: str
    roles: list[str]
    email: str
    full_name: str
    password: str
    backup_code: str | None
    sign_in_url: str
    # The demo authenticator's secret (base32, for an authenticator app); empty for roles without one.
    authenticator_secret: str = ""


@dataclass
class DemoSeedResult:
    credentials: list[DemoCredential] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def demo_email(local_part: str, area: str) -> str:
    return f"{local_part}@{area}.{DEMO_EMAIL_DOMAIN}"


def demo_authenticator_key(email: str) -> str:
    """A person's demo authenticator secret as django-otp stores it (40 hex digits), the same on every run."""
    return hashlib.sha256(f"learning-loop-demo-totp:{email.lower()}".encode()).hexdigest()[:40]


def demo_authenticator_secret(email: str) -> str:
    """The same secret in base32, as an authenticator app takes it."""
    return base64.b32encode(bytes.fromhex(demo_authenticator_key(email))).decode("ascii").rstrip("=")


@dataclass(frozen=True)
class DemoCode:
    email: str
    full_name: str
    code: str
    seconds_left: int


def demo_current_codes(*, emails: list[str] | None = None, now: float | None = None) -> list[DemoCode]:
    """Each demo person's current authenticator code (their second factor), by address (one query).

    Only the demo's own devices (the secret derived from the address) count: a device a
    person set up themselves is theirs, and is never printed.
    """
    now = time.time() if now is None else now
    devices = TOTPDevice.objects.filter(
        user__email__endswith=f".{DEMO_EMAIL_DOMAIN}", name=DEMO_AUTHENTICATOR_NAME, confirmed=True
    ).select_related("user")
    if emails:
        devices = devices.filter(user__email__in=[e.lower() for e in emails])
    codes = []
    for device in devices.order_by("user__email"):
        if device.key != demo_authenticator_key(device.user.email):
            continue
        clock = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
        clock.time = now
        value = clock.token()
        codes.append(
            DemoCode(
                email=device.user.email,
                full_name=device.user.full_name,
                code=f"{value:0{device.digits}d}",
                seconds_left=device.step - int(now - device.t0) % device.step,
            )
        )
    return codes


def demo_backup_code(email: str) -> str:
    """A person's backup code: 8 digits derived from their address, the same on every run."""
    digest = hashlib.sha256(f"learning-loop-demo:{email.lower()}".encode()).hexdigest()
    return f"{int(digest, 16) % 10**8:08d}"


# --- The tri-borough --------------------------------------------------------------------

TRI_BOROUGH_SCRUTINEER = DemoPerson(
    email=demo_email("scrutineer", "tri-borough"),
    full_name="Dr Helen Okafor",
    agency="",  # set per borough: the business unit
    roles=(Role.SCRUTINEER,),
    job_title="Independent scrutineer, South Thames Tri-borough",
)

_BOROUGHS = {
    # borough: (schools, voluntary organisations, people's names in role order)
    "Ashby": (
        ("Ashby Park Primary School", "St Barnabas Church of England Primary School", "Ashby Academy"),
        ("Ashby Family Support Network",),
        (
            "Priya Raman",
            "Marcus Bell",
            "Grace Adeyemi",
            "Det Supt Tom Hargreaves",
            "Sophie Turner",
            "Daniel Osei",
            "Rachel Kim",
            "Joan Whitfield",
            "Liam O'Connor",
        ),
    ),
    "Brookmere": (
        ("Brookmere Green Primary School", "Our Lady of Lourdes Catholic Primary School", "Brookmere High School"),
        ("Brookmere Young People's Trust",),
        (
            "Amira Hassan",
            "Peter Lindqvist",
            "Funmi Balogun",
            "Det Supt Claire Dawson",
            "Jack Whitmore",
            "Nadia Iqbal",
            "Owen Price",
            "Margaret Hughes",
            "Ben Castellano",
        ),
    ),
    "Carrow": (
        ("Carrow Fields Primary School", "Riverside Infant and Nursery School", "Carrow Community College"),
        ("Carrow Women's Aid",),
        (
            "Elena Petrova",
            "Richard Amos",
            "Yvonne Clarke",
            "Det Supt Samir Khan",
            "Hannah Doyle",
            "Chris Mensah",
            "Fatima Noor",
            "Derek Lawson",
            "Aisha Rahman",
        ),
    ),
}


def _borough(borough: str) -> DemoPartnership:
    schools, voluntary, names = _BOROUGHS[borough]
    area = borough.lower()
    council = f"London Borough of {borough}"
    unit = f"{borough} Safeguarding Children Partnership business unit"
    hospital = "South Thames Hospitals NHS Foundation Trust"
    agencies = (
        DemoAgency(council, AgencyType.LOCAL_AUTHORITY, LA),
        DemoAgency("NHS South Thames Integrated Care Board", AgencyType.HEALTH, HEALTH),
        DemoAgency("South Thames Police", AgencyType.POLICE, POLICE),
        DemoAgency(hospital, AgencyType.HEALTH),
        DemoAgency("South Thames Mental Health NHS Trust", AgencyType.HEALTH),
        DemoAgency(f"{borough} Youth Justice Service", AgencyType.LOCAL_AUTHORITY),
        DemoAgency("Probation Service South Thames", AgencyType.PROBATION),
        *(DemoAgency(s, AgencyType.EDUCATION) for s in schools),
        *(DemoAgency(v, AgencyType.VOLUNTARY_AND_COMMUNITY) for v in voluntary),
        DemoAgency("South Thames Young Carers", AgencyType.VOLUNTARY_AND_COMMUNITY),
        DemoAgency(f"{borough} Homes", AgencyType.OTHER),
        DemoAgency(unit, AgencyType.OTHER),
    )
    bm, la_lead, health_lead, police_lead, practitioner, social_worker, agency_lead, lay, observer = names
    people = (
        DemoPerson(demo_email("bm", area), bm, council, (Role.BUSINESS_MANAGER,), "Partnership business manager"),
        DemoPerson(
            demo_email("la-lead", area),
            la_lead,
            council,
            (Role.PARTNER_LEAD_LOCAL_AUTHORITY,),
            "Director of Children's Services",
        ),
        DemoPerson(
            demo_email("health-lead", area),
            health_lead,
            "NHS South Thames Integrated Care Board",
            (Role.PARTNER_LEAD_HEALTH,),
            "Chief Nurse",
        ),
        DemoPerson(
            demo_email("police-lead", area),
            police_lead,
            "South Thames Police",
            (Role.PARTNER_LEAD_POLICE,),
            "Head of Public Protection",
        ),
        DemoPerson(
            demo_email("practitioner", area),
            practitioner,
            hospital,
            (Role.PRACTITIONER,),
            "Named nurse for safeguarding children",
        ),
        DemoPerson(
            demo_email("social-worker", area),
            social_worker,
            council,
            (Role.PRACTITIONER,),
            "Social worker, children's services",
        ),
        DemoPerson(
            demo_email("agency-lead", area),
            agency_lead,
            schools[0],
            (Role.AGENCY_LEAD,),
            "Headteacher and designated safeguarding lead",
        ),
        DemoPerson(demo_email("lay", area), lay, unit, (Role.LAY_MEMBER,), "Lay member"),
        DemoPerson(demo_email("observer", area), observer, voluntary[0], (Role.OBSERVER,), "Trustee"),
        DemoPerson(
            TRI_BOROUGH_SCRUTINEER.email,
            TRI_BOROUGH_SCRUTINEER.full_name,
            unit,
            TRI_BOROUGH_SCRUTINEER.roles,
            TRI_BOROUGH_SCRUTINEER.job_title,
        ),
    )
    return DemoPartnership(
        name=f"{borough} Safeguarding Children Partnership",
        slug=f"{area}-scp",
        agencies=agencies,
        people=people,
    )


# --- The county -------------------------------------------------------------------------

# Towns of Hardy's Wessex: fictional, and plainly so to anyone in the sector.
_WESSEX_SCHOOLS = (
    "Casterbridge Primary School",
    "Casterbridge Grammar School",
    "Budmouth Academy",
    "Budmouth Regis Infant School",
    "Melchester Cathedral School",
    "Melchester Road Primary School",
    "Sherton Abbas Community School",
    "Shaston Church of England Primary School",
    "Kingsbere Primary School",
    "Weatherbury Church of England First School",
    "Mellstock Village School",
    "Anglebury Middle School",
    "Emminster Primary School",
    "Port Bredy Academy",
    "Ivell Park Primary School",
    "Stourcastle Secondary School",
    "Sandbourne Bay Primary School",
    "Chalk Newton Primary School",
    "Marlott and Blackmoor Vale Federation",
    "Wintoncester Special School",
    "Wessex College",
)

WESSEX_AREA = "wessex"
_WESSEX_COUNCIL = "Wessex County Council"
_WESSEX_ICB = "NHS Wessex Integrated Care Board"
_WESSEX_POLICE = "Wessex Constabulary"
_WESSEX_UNIT = "Wessex Safeguarding Children Partnership business unit"


def _wessex() -> DemoPartnership:
    agencies = (
        DemoAgency(_WESSEX_COUNCIL, AgencyType.LOCAL_AUTHORITY, LA),
        DemoAgency("Casterbridge District Council", AgencyType.LOCAL_AUTHORITY),
        DemoAgency("Budmouth Borough Council", AgencyType.LOCAL_AUTHORITY),
        DemoAgency("Wessex Youth Justice Service", AgencyType.LOCAL_AUTHORITY),
        DemoAgency(_WESSEX_ICB, AgencyType.HEALTH, HEALTH),
        DemoAgency("Wessex University Hospitals NHS Foundation Trust", AgencyType.HEALTH),
        DemoAgency("Wessex Community Health NHS Trust", AgencyType.HEALTH),
        DemoAgency("Wessex Mental Health NHS Foundation Trust", AgencyType.HEALTH),
        DemoAgency("Wessex Ambulance Service NHS Trust", AgencyType.HEALTH),
        DemoAgency("Casterbridge and Mellstock Primary Care Network", AgencyType.HEALTH),
        DemoAgency(_WESSEX_POLICE, AgencyType.POLICE, POLICE),
        DemoAgency("Probation Service Wessex", AgencyType.PROBATION),
        *(DemoAgency(s, AgencyType.EDUCATION) for s in _WESSEX_SCHOOLS),
        DemoAgency("Wessex Children's Society", AgencyType.VOLUNTARY_AND_COMMUNITY),
        DemoAgency("Casterbridge Women's Aid", AgencyType.VOLUNTARY_AND_COMMUNITY),
        DemoAgency("Wessex Young Carers", AgencyType.VOLUNTARY_AND_COMMUNITY),
        DemoAgency("Diocese of Melchester", AgencyType.VOLUNTARY_AND_COMMUNITY),
        DemoAgency("Budmouth Youth Clubs Association", AgencyType.VOLUNTARY_AND_COMMUNITY),
        DemoAgency("Wessex Fire and Rescue Service", AgencyType.OTHER),
        DemoAgency("Wessex Homes", AgencyType.OTHER),
        DemoAgency(_WESSEX_UNIT, AgencyType.OTHER),
    )

    def p(local: str, name: str, agency: str, roles: tuple[str, ...], job: str) -> DemoPerson:
        return DemoPerson(demo_email(local, WESSEX_AREA), name, agency, roles, job)

    people = (
        p("bm", "Catherine Shaw", _WESSEX_COUNCIL, (Role.BUSINESS_MANAGER,), "Partnership business manager"),
        p("partnership-officer", "Josh Reed", _WESSEX_COUNCIL, (Role.BUSINESS_MANAGER,), "Partnership officer"),
        p(
            "la-lead",
            "Andrew Fenwick",
            _WESSEX_COUNCIL,
            (Role.PARTNER_LEAD_LOCAL_AUTHORITY,),
            "Corporate Director, Children's Services",
        ),
        p("health-lead", "Dr Mei Lin", _WESSEX_ICB, (Role.PARTNER_LEAD_HEALTH,), "Chief Nursing Officer"),
        p(
            "police-lead",
            "Ch Supt Gareth Morgan",
            _WESSEX_POLICE,
            (Role.PARTNER_LEAD_POLICE,),
            "Head of Public Protection",
        ),
        p(
            "practitioner",
            "Laura Bennett",
            "Wessex University Hospitals NHS Foundation Trust",
            (Role.PRACTITIONER,),
            "Named midwife for safeguarding",
        ),
        p("social-worker", "Kwame Asante", _WESSEX_COUNCIL, (Role.PRACTITIONER,), "Team manager, MASH"),
        p(
            "police-practitioner",
            "DC Emma Walsh",
            _WESSEX_POLICE,
            (Role.PRACTITIONER,),
            "Detective constable, child abuse investigation",
        ),
        p(
            "health-visitor",
            "Siobhan Reilly",
            "Wessex Community Health NHS Trust",
            (Role.PRACTITIONER,),
            "Health visitor",
        ),
        p(
            "agency-lead",
            "Martin Cole",
            "Casterbridge Primary School",
            (Role.AGENCY_LEAD,),
            "Headteacher and designated safeguarding lead",
        ),
        p(
            "dsl-budmouth",
            "Zara Ahmed",
            "Budmouth Academy",
            (Role.AGENCY_LEAD, Role.PRACTITIONER),
            "Designated safeguarding lead",
        ),
        p(
            "probation-lead",
            "Neil Forrester",
            "Probation Service Wessex",
            (Role.AGENCY_LEAD,),
            "Head of public protection, probation",
        ),
        p("charity-lead", "Ruth Abbott", "Wessex Children's Society", (Role.AGENCY_LEAD,), "Safeguarding lead"),
        p("scrutineer", "Professor Alan Duckworth", _WESSEX_UNIT, (Role.SCRUTINEER,), "Independent scrutineer"),
        p("lay", "Brenda Marsh", _WESSEX_UNIT, (Role.LAY_MEMBER,), "Lay member"),
        p("observer", "Tomasz Nowak", "Wessex Fire and Rescue Service", (Role.OBSERVER,), "Station manager"),
    )
    return DemoPartnership(
        name="Wessex County Safeguarding Children Partnership",
        slug="wessex-scp",
        agencies=agencies,
        people=people,
        closure_days=(
            (date(2026, 12, 29), "Winter closure"),
            (date(2026, 12, 30), "Winter closure"),
            (date(2026, 12, 31), "Winter closure"),
        ),
    )


DEMO_PARTNERSHIPS: tuple[DemoPartnership, ...] = (
    _borough("Ashby"),
    _borough("Brookmere"),
    _borough("Carrow"),
    _wessex(),
)
DEMO_COLLABORATIONS: tuple[DemoCollaboration, ...] = (
    DemoCollaboration(
        name="South Thames Tri-borough Forum",
        slug="south-thames-tri-borough",
        partnership_slugs=("ashby-scp", "brookmere-scp", "carrow-scp"),
    ),
)


# --- Seeding ----------------------------------------------------------------------------


@transaction.atomic
def demo_seed() -> DemoSeedResult:
    """Create or bring up to date the demo partnerships, agencies, people and collaboration.

    Guarantees: idempotent (a second run changes nothing but the resets below
    and adds no rows or history); agencies and memberships go through the
    partnership services, so history rows exist (with no actor). On every run
    each demo person's password is reset to ``DEMO_PASSWORD``, any sign-in
    lockout is lifted, and each person whose roles need a second factor gets a
    fresh backup-code device holding their one known code (a used code is
    consumed, so a re-run makes it work again). Other people and partnerships
    are never touched.
    """
    # One hash for every demo account: hashing is slow on purpose, and the password is public anyway.
    password_hash = make_password(DEMO_PASSWORD)
    result = DemoSeedResult()
    sign_in_url = settings.SITE_URL + reverse("account:login")
    people: dict[str, Person] = {}
    needs_code: set[str] = set()

    for definition in DEMO_PARTNERSHIPS:
        partnership = _partnership_sync(definition, result)
        agencies = _agencies_sync(partnership, definition, result)
        for spec in definition.people:
            person = people.get(spec.email) or _person_sync(spec, password_hash, result)
            people[spec.email] = person
            _membership_sync(partnership, person, agencies[spec.agency], spec, result)
            if SECOND_FACTOR_ROLES.intersection(spec.roles):
                needs_code.add(spec.email)
            result.credentials.append(
                DemoCredential(
                    partnership=partnership.name,
                    roles=[Role(r).label for r in spec.roles],
                    email=spec.email,
                    full_name=spec.full_name,
                    password=DEMO_PASSWORD,
                    backup_code=None,
                    sign_in_url=sign_in_url,
                )
            )
        for day, reason in definition.closure_days:
            if not ClosureDay.objects.in_partnership(partnership).filter(date=day).exists():
                closure_day_add(partnership=partnership, actor=None, day=day, reason=reason)
                result.count("closure days")

    for definition in DEMO_COLLABORATIONS:
        _collaboration_sync(definition, result)

    for email, person in people.items():
        _sign_in_lockout_clear(email)
        if email in needs_code:
            _backup_code_reset(person, demo_backup_code(email))
            _authenticator_reset(person, demo_authenticator_key(email))
    for credential in result.credentials:
        if credential.email in needs_code:
            credential.backup_code = demo_backup_code(credential.email)
            credential.authenticator_secret = demo_authenticator_secret(credential.email)
    return result


def _partnership_sync(definition: DemoPartnership, result: DemoSeedResult) -> Partnership:
    partnership, created = Partnership.objects.get_or_create(
        slug=definition.slug, defaults={"name": definition.name, "nation": definition.nation}
    )
    if created:
        result.count("partnerships")
    elif (partnership.name, partnership.nation) != (definition.name, definition.nation):
        partnership.name, partnership.nation = definition.name, definition.nation
        partnership.save(update_fields=["name", "nation", "updated_at"])
    return partnership


def _agencies_sync(partnership: Partnership, definition: DemoPartnership, result: DemoSeedResult) -> dict[str, Agency]:
    existing = {a.name: a for a in Agency.objects.in_partnership(partnership)}
    # Statutory partners first: partner leads' roles are checked against them.
    for spec in sorted(definition.agencies, key=lambda a: a.statutory_partner == ""):
        agency = existing.get(spec.name)
        if agency is None:
            existing[spec.name] = agency_create(
                partnership=partnership,
                actor=None,
                name=spec.name,
                agency_type=spec.agency_type,
                statutory_partner=spec.statutory_partner,
            )
            result.count("agencies")
        elif (agency.agency_type, agency.statutory_partner, agency.is_active) != (
            spec.agency_type,
            spec.statutory_partner,
            True,
        ):
            agency_update(
                partnership=partnership,
                actor=None,
                agency=agency,
                name=spec.name,
                agency_type=spec.agency_type,
                statutory_partner=spec.statutory_partner,
                is_active=True,
            )
            agency.refresh_from_db()
    return existing


def _person_sync(spec: DemoPerson, password_hash: str, result: DemoSeedResult) -> Person:
    person = Person.objects.filter(email=spec.email).first()
    if person is None:
        person = Person(email=spec.email, full_name=spec.full_name)
        result.count("people")
    person.full_name = spec.full_name
    # The validators the sign-up pages use (one is "not too like the person's email or name").
    validate_password(DEMO_PASSWORD, user=person)
    person.password = password_hash
    person.is_active = True
    person.save()
    return person


def _membership_sync(
    partnership: Partnership, person: Person, agency: Agency, spec: DemoPerson, result: DemoSeedResult
) -> Membership:
    membership = Membership.objects.in_partnership(partnership).filter(person=person).first()
    if membership is None:
        result.count("memberships")
        return membership_create(
            partnership=partnership,
            actor=None,
            person=person,
            agency=agency,
            roles=spec.roles,
            job_title=spec.job_title,
        )
    tenant_update(
        partnership=partnership,
        actor=None,
        instance=membership,
        data={"agency": agency, "job_title": spec.job_title, "is_active": True, "deactivated_at": None},
        reason="Demo data reset",
    )
    current = set(MembershipRole.objects.filter(membership=membership).values_list("role", flat=True))
    wanted = set(spec.roles)
    if current != wanted:
        MembershipRole.objects.filter(membership=membership).exclude(role__in=wanted).delete()
        MembershipRole.objects.bulk_create([MembershipRole(membership=membership, role=r) for r in wanted - current])
        # A page drawn before the reset must not write its old roles back (see services.membership_update).
        membership.save(update_fields=["updated_at"])
        history_record(
            partnership=partnership,
            actor=None,
            instance=membership,
            action=HistoryEntry.Action.UPDATED,
            changes={"roles": {"from": sorted(current), "to": sorted(wanted)}},
            reason="Demo data reset",
        )
    return membership


def _collaboration_sync(definition: DemoCollaboration, result: DemoSeedResult) -> Collaboration:
    collaboration, created = Collaboration.objects.get_or_create(
        slug=definition.slug, defaults={"name": definition.name}
    )
    if created:
        result.count("collaborations")
    elif collaboration.name != definition.name:
        collaboration.name = definition.name
        collaboration.save(update_fields=["name"])
    collaboration.partnerships.set(Partnership.objects.filter(slug__in=definition.partnership_slugs))
    return collaboration


def _backup_code_reset(person: Person, code: str) -> None:
    # A static token is deleted when used: recreate the device so the printed code works again.
    StaticDevice.objects.filter(user=person).delete()
    device = StaticDevice.objects.create(user=person, name=BACKUP_DEVICE_NAME, confirmed=True)
    StaticToken.objects.create(device=device, token=code)


def _authenticator_reset(person: Person, key: str) -> None:
    # The demo's authenticator, confirmed, with its throttling cleared (a mistyped demo must work again).
    # An authenticator the person set up themselves replaced it (setting one up removes the others): a
    # re-seed puts the demo's back beside theirs.
    TOTPDevice.objects.filter(user=person, name=DEMO_AUTHENTICATOR_NAME).exclude(key=key).delete()
    device, _ = TOTPDevice.objects.get_or_create(
        user=person, name=DEMO_AUTHENTICATOR_NAME, key=key, defaults={"confirmed": True}
    )
    device.confirmed = True
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save(update_fields=["confirmed", "throttling_failure_count", "throttling_failure_timestamp"])


def _sign_in_lockout_clear(email: str) -> None:
    # A demo that someone locked out by mistyping must work again after a re-seed.
    # axes logs every reset at INFO; forty "reset 0 attempts" lines would bury the table.
    axes_logger = logging.getLogger("axes")
    level = axes_logger.level
    axes_logger.setLevel(logging.WARNING)
    try:
        axes_reset(username=email)
    finally:
        axes_logger.setLevel(level)
