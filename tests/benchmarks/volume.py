"""A large, fast, deterministic data set for the benchmarks, written with bulk_create.

At scale 1: 150 partnerships, 20,000 people, about 22,000 memberships (one
person in ten belongs to a second partnership), 3,000 agencies, every role,
history rows for agencies and memberships, pending invitations and closure
days. Partnership 0 is the large one the pages are measured against: it holds
a tenth of the people and a twentieth of the agencies, the size of a big county.
With ``reviews=True`` (the page benchmark), the review data of
``volume_reviews`` too: 600 rapid reviews in the large partnership and 30 in
each other one, with everything hanging off them, and the learning reviews.

Nothing here goes through the services: they are correct but one row at a time,
and the point is volume. The shape still obeys the model's rules (one statutory
partner of each kind, partner leads in the matching agency).
"""

from __future__ import annotations

import hashlib
import random
import time
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.models import (
    Agency,
    AgencyType,
    ClosureDay,
    HistoryEntry,
    Invitation,
    Membership,
    MembershipRole,
    Nation,
    Partnership,
    Person,
    Role,
    StatutoryPartner,
)
from partnership.models.recommendations import Recommendation
from reviews.models import RapidReview
from tests.benchmarks.volume_audits import audit_ids, seed_audits
from tests.benchmarks.volume_hub import hub_ids, seed_hub
from tests.benchmarks.volume_plans import plan_recommendation_id, seed_plans
from tests.benchmarks.volume_reviews import EACH_REVIEWS, LARGE_REVIEWS, seed_reviews
from tests.benchmarks.volume_self_assessment import seed_self_assessments, self_assessment_ids

BATCH = 2000
BENCH_PASSWORD = "bench-password-not-secret"
FIRST_NAMES = [
    "Aisha",
    "Ben",
    "Chloe",
    "Daniel",
    "Ella",
    "Farid",
    "Grace",
    "Harry",
    "Isla",
    "Jack",
    "Kiran",
    "Lucy",
    "Mohammed",
    "Niamh",
    "Oliver",
    "Priya",
    "Quentin",
    "Rosie",
    "Samuel",
    "Tara",
    "Usman",
    "Violet",
    "William",
    "Yasmin",
    "Zoe",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
]
# A surname that matches about one person in fifty: the member-list search benchmark looks for it.
SEARCH_TERM = "patel"

_ROLE_MIX = (
    [Role.PRACTITIONER] * 60
    + [Role.AGENCY_LEAD] * 20
    + [Role.OBSERVER] * 8
    + [Role.LAY_MEMBER] * 4
    + [Role.SCRUTINEER] * 2
    + [Role.PRACTITIONER, Role.AGENCY_LEAD] * 3
)
_OTHER_TYPES = [AgencyType.EDUCATION] * 6 + [
    AgencyType.HEALTH,
    AgencyType.PROBATION,
    AgencyType.VOLUNTARY_AND_COMMUNITY,
    AgencyType.VOLUNTARY_AND_COMMUNITY,
    AgencyType.OTHER,
    AgencyType.LOCAL_AUTHORITY,
]


@dataclass(frozen=True)
class Volume:
    partnerships: int
    people: int
    agencies: int
    # Rapid reviews (each with its incident, requests, meeting, decision...): the large partnership's, each other's.
    rapid_reviews_large: int = LARGE_REVIEWS
    rapid_reviews_each: int = EACH_REVIEWS

    @classmethod
    def at_scale(cls, scale: float) -> Volume:
        return cls(
            partnerships=max(2, round(150 * scale)),
            people=max(60, round(20_000 * scale)),
            agencies=max(12, round(3_000 * scale)),
            rapid_reviews_large=max(10, round(LARGE_REVIEWS * scale)),
            rapid_reviews_each=max(2, round(EACH_REVIEWS * scale)),
        )


@dataclass(frozen=True)
class BenchWorld:
    """What the page list needs to build its URLs."""

    slug: str
    business_manager: Person
    search_term: str
    member_count: int
    agency_count: int
    # The large partnership's newest review awaiting sign-off (requests, meeting, decision, sign-off rounds).
    rapid_review_id: int | None = None
    rapid_review_count: int = 0
    # The newest recommendation in progress with the largest plan (volume_plans.py); its plan page is measured.
    plan_recommendation_id: int | None = None
    recommendation_count: int = 0
    # The newest case audit round and a moderated return of it (volume_audits.py).
    audit_round_id: int | None = None
    audit_return_id: int | None = None
    # The newest s175 cycle, its moderated school return with the most gap actions and that return's standard
    # with the most, and a draft school return the business manager may answer (volume_self_assessment.py).
    sa_cycle_id: int | None = None
    sa_return_id: int | None = None
    sa_standard_id: int | None = None
    sa_draft_return_id: int | None = None
    # The newest learning hub cycle, in progress (volume_hub.py).
    hub_cycle_id: int | None = None
    hub_survey_id: int | None = None
    # The agency that referred the most of the large partnership's reviews (the scrutiny dashboard's agency filter).
    scrutiny_agency_id: int | None = None
    hub_plan_first_version_id: int | None = None
    hub_plan_last_version_id: int | None = None


def _split(total: int, parts: int, big_share: float, minimum: int) -> list[int]:
    """``total`` spread over ``parts``: the first gets ``big_share`` of it, the rest share evenly."""
    big = max(minimum, round(total * big_share))
    rest = total - big
    each, extra = divmod(rest, parts - 1)
    sizes = [big] + [each + (1 if i < extra else 0) for i in range(parts - 1)]
    return [max(minimum, s) for s in sizes]


_NATION_MIX = [Nation.ENGLAND, Nation.ENGLAND, Nation.ENGLAND, Nation.WALES, Nation.SCOTLAND, Nation.NORTHERN_IRELAND]
# The leading members of every partnership: two business managers and the three partner leads.
_LEADERSHIP = [
    ("local_authority", [Role.BUSINESS_MANAGER]),
    ("local_authority", [Role.BUSINESS_MANAGER]),
    ("local_authority", [Role.PARTNER_LEAD_LOCAL_AUTHORITY]),
    ("health", [Role.PARTNER_LEAD_HEALTH]),
    ("police", [Role.PARTNER_LEAD_POLICE]),
]


def seed_volume(volume: Volume, *, reviews: bool = False, log=print) -> BenchWorld:
    """Write the whole data set; the database must hold no benchmark data yet.

    ``reviews``: also the rapid and learning reviews (``volume_reviews``), which the page
    benchmark measures; the deadline sweep benchmark seeds its own deadlines instead.
    """
    started = time.perf_counter()
    rng = random.Random(20261122)  # the same data on every run
    log(f"  partnerships: {volume.partnerships}")
    partnerships = _seed_partnerships(volume)
    log(f"  agencies: {volume.agencies}")
    agencies = _seed_agencies(volume, partnerships)
    log(f"  people: {volume.people}")
    people = _seed_people(volume)
    log("  memberships and roles")
    membership_ids = _seed_memberships(partnerships, agencies, people, rng)
    log("  history, invitations, closure days")
    _seed_history(membership_ids)
    _seed_invitations_and_closures(partnerships, agencies)
    if reviews:
        log(f"  (the above in {time.perf_counter() - started:.1f} s)")
        seed_reviews(partnerships, large=volume.rapid_reviews_large, each=volume.rapid_reviews_each, log=log)
        # Ten years of recommendations and their action plans in the large partnership (issue 9).
        seed_plans(scale=volume.rapid_reviews_large / LARGE_REVIEWS, log=log)
        # Ten years of case audits, their returns and answers (issue 10).
        seed_audits(scale=volume.rapid_reviews_large / LARGE_REVIEWS, log=log)
        # Ten years of Section 11 and s175 self-assessments over 535 schools and the agencies (issue 10).
        seed_self_assessments(scale=volume.rapid_reviews_large / LARGE_REVIEWS, log=log)
        # Ten years of learning hub cycles, three a year (issue 11).
        seed_hub(scale=volume.rapid_reviews_large / LARGE_REVIEWS, log=log)
    return bench_world()


def _seed_partnerships(volume: Volume) -> list[Partnership]:
    Partnership.objects.bulk_create(
        [
            Partnership(
                name=f"Bench Partnership {i:03d}" + (" (large county)" if i == 0 else ""),
                slug=f"bench-{i:03d}",
                nation=_NATION_MIX[i % len(_NATION_MIX)],
            )
            for i in range(volume.partnerships)
        ]
    )
    return list(Partnership.objects.filter(slug__startswith="bench-").order_by("slug"))


def _seed_agencies(volume: Volume, partnerships: list[Partnership]) -> dict[int, list[Agency]]:
    """Each partnership's agencies, by partnership id: the three statutory partners first."""
    counts = _split(volume.agencies, len(partnerships), 0.05, minimum=4)
    statutory = [
        ("Council", AgencyType.LOCAL_AUTHORITY, StatutoryPartner.LOCAL_AUTHORITY),
        ("ICB", AgencyType.HEALTH, StatutoryPartner.HEALTH),
        ("Police", AgencyType.POLICE, StatutoryPartner.POLICE),
    ]
    rows = []
    for p, count in zip(partnerships, counts, strict=True):
        rows += [
            Agency(partnership=p, name=f"{p.name} {suffix}", agency_type=kind, statutory_partner=partner)
            for suffix, kind, partner in statutory
        ]
        for j in range(count - len(statutory)):
            kind = _OTHER_TYPES[j % len(_OTHER_TYPES)]
            rows.append(
                Agency(partnership=p, name=f"{kind.label} agency {j:04d}", agency_type=kind, is_active=j % 17 != 0)
            )
    Agency.objects.bulk_create(rows, batch_size=BATCH)
    by_partnership: dict[int, list[Agency]] = {}
    for a in Agency.objects.order_by("partnership_id", "id").only("id", "partnership_id", "statutory_partner", "name"):
        by_partnership.setdefault(a.partnership_id, []).append(a)
    return by_partnership


def _seed_people(volume: Volume) -> list[int]:
    password = make_password(BENCH_PASSWORD)  # hashing is slow on purpose: once for everyone
    Person.objects.bulk_create(
        [
            Person(
                email=f"person{i:05d}@bench.example",
                full_name=f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {SURNAMES[(i * 7) % len(SURNAMES)]}",
                password=password,
            )
            for i in range(volume.people)
        ],
        batch_size=BATCH,
    )
    return list(Person.objects.filter(email__endswith="@bench.example").order_by("email").values_list("id", flat=True))


def _member_roles(rng: random.Random) -> list[str]:
    roles = [_ROLE_MIX[rng.randrange(len(_ROLE_MIX))]]
    if roles == [Role.PRACTITIONER] and rng.random() < 0.05:
        roles = [Role.PRACTITIONER, Role.AGENCY_LEAD]
    return roles


def _seed_memberships(
    partnerships: list[Partnership], agencies: dict[int, list[Agency]], people: list[int], rng: random.Random
) -> dict[tuple[int, int], int]:
    """Memberships and their roles; returns membership id by (partnership id, person id)."""
    planned: list[tuple[Membership, list[str]]] = []
    people_left = iter(people)
    for p, count in zip(partnerships, _split(len(people), len(partnerships), 0.10, minimum=12), strict=True):
        own = agencies[p.pk]
        statutory = {a.statutory_partner: a for a in own if a.statutory_partner}
        others = [a for a in own if not a.statutory_partner]
        for k in range(count):
            person_id = next(people_left, None)
            if person_id is None:
                break
            if k < len(_LEADERSHIP):
                agency, roles = statutory[_LEADERSHIP[k][0]], _LEADERSHIP[k][1]
            else:
                agency, roles = rng.choice(others), _member_roles(rng)
            membership = Membership(
                partnership=p,
                person_id=person_id,
                agency=agency,
                job_title=rng.choice(["Social worker", "Safeguarding lead", "Nurse", "Teacher", ""]),
                is_active=k < len(_LEADERSHIP) or rng.random() > 0.04,
            )
            planned.append((membership, roles))
    # One person in ten also belongs to a second partnership, as an observer.
    seen = {(m.partnership_id, m.person_id) for m, _ in planned}
    for i in range(0, len(people), 10):
        p = partnerships[(i * 31 + 7) % len(partnerships)]
        if (p.pk, people[i]) not in seen:
            seen.add((p.pk, people[i]))
            membership = Membership(
                partnership=p,
                person_id=people[i],
                agency=agencies[p.pk][0],
                job_title="Observer from a neighbouring partnership",
            )
            planned.append((membership, [Role.OBSERVER]))
    Membership.objects.bulk_create([m for m, _ in planned], batch_size=BATCH)
    ids = {(pid, per): mid for pid, per, mid in Membership.objects.values_list("partnership_id", "person_id", "id")}
    MembershipRole.objects.bulk_create(
        [
            MembershipRole(membership_id=ids[(m.partnership_id, m.person_id)], role=r)
            for m, roles in planned
            for r in roles
        ],
        batch_size=BATCH,
    )
    return ids


def _seed_history(membership_ids: dict[tuple[int, int], int]) -> None:
    now = timezone.now()
    agency_type = ContentType.objects.get_for_model(Agency)
    membership_type = ContentType.objects.get_for_model(Membership)
    history = [
        HistoryEntry(
            partnership_id=a.partnership_id,
            content_type=agency_type,
            object_id=str(a.pk),
            object_repr=a.name,
            action=HistoryEntry.Action.CREATED,
            changes={"name": {"from": None, "to": a.name}},
            at=now - timedelta(days=400),
        )
        for a in Agency.objects.only("id", "partnership_id", "name").iterator(chunk_size=BATCH)
    ]
    history += [
        HistoryEntry(
            partnership_id=pid,
            content_type=membership_type,
            object_id=str(mid),
            object_repr=f"membership {mid}",
            action=HistoryEntry.Action.CREATED,
            changes={"roles": {"from": [], "to": ["Practitioner"]}},
            at=now - timedelta(days=300),
        )
        for (pid, _person), mid in membership_ids.items()
    ]
    HistoryEntry.objects.bulk_create(history, batch_size=BATCH)


def _seed_invitations_and_closures(partnerships: list[Partnership], agencies: dict[int, list[Agency]]) -> None:
    expires = timezone.now() + timedelta(days=14)
    invitations = []
    for i, p in enumerate(partnerships):
        for j in range(40 if i == 0 else 2):  # the large partnership has a queue of pending invitations
            invitations.append(
                Invitation(
                    partnership=p,
                    email=f"invitee{j}-{p.pk}@bench.example",
                    full_name=f"Invitee {j}",
                    agency=agencies[p.pk][-1],
                    roles=[Role.PRACTITIONER],
                    token_hash=hashlib.sha256(f"bench-{p.pk}-{j}".encode()).hexdigest(),
                    expires_at=expires,
                )
            )
    Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    ClosureDay.objects.bulk_create(
        [
            ClosureDay(partnership=p, date=date(2026, 12, 29) + timedelta(days=d), reason="Winter closure")
            for p in partnerships
            for d in range(3)
        ],
        batch_size=BATCH,
    )


def bench_world() -> BenchWorld:
    """The large partnership and its first business manager, from an already seeded database."""
    big = Partnership.objects.get(slug="bench-000")
    bm = (
        Person.objects.filter(memberships__partnership=big, memberships__roles__role=Role.BUSINESS_MANAGER)
        .order_by("email")
        .first()
    )
    if not TOTPDevice.objects.filter(user=bm, confirmed=True).exists():
        TOTPDevice.objects.create(user=bm, name="Authenticator app", confirmed=True)
    reviews = RapidReview.objects.filter(partnership=big)
    detail = (
        reviews.filter(state=RapidReview.State.AWAITING_SIGN_OFF, decision__isnull=False)
        .order_by("-incident__panel_notified_on", "-id")
        .values_list("id", flat=True)
        .first()
    )
    audit_round_id, audit_return_id = audit_ids(big)
    return BenchWorld(
        slug=big.slug,
        business_manager=bm,
        search_term=SEARCH_TERM,
        member_count=Membership.objects.filter(partnership=big).count(),
        agency_count=Agency.objects.filter(partnership=big).count(),
        rapid_review_id=detail,
        rapid_review_count=reviews.count(),
        plan_recommendation_id=plan_recommendation_id(big),
        recommendation_count=Recommendation.objects.filter(partnership=big).count(),
        audit_round_id=audit_round_id,
        audit_return_id=audit_return_id,
        **self_assessment_ids(big, bm),
        **hub_ids(big),
        scrutiny_agency_id=(
            reviews.order_by()
            .values_list("incident__referring_agency_id", flat=True)
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()
        ),
    )
