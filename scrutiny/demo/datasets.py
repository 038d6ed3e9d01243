"""Demo data for scrutiny: ten years of quarterly data sets in every demo partnership.

``seed_datasets`` gives a partnership eight indicators (six Part A, two Part B under their themes) and forty quarters
of figures ending with the last full quarter: each series drifts slowly, moves with the seasons and with noise from
a generator seeded by the partnership and the indicator, so the figures are the same on every run and each chart
has something to show (a few figures past the thresholds, a gap where an agency sent nothing). The three statutory
partners write an analysis of each of the last eight quarters. Safe to run again: it adds nothing twice.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from partnership.models import Agency, HistoryEntry, Membership, Partnership
from partnership.services.history import history_rows
from scrutiny.models import AgencyAnalysis, Indicator, IndicatorValue
from scrutiny.quarters import quarter_label, quarter_of, quarter_step

DEMO_QUARTERS = 40
ANALYSED_QUARTERS = 8


@dataclass(frozen=True)
class DemoIndicator:
    part: str
    theme: str
    name: str
    definition: str
    unit: str
    good_direction: str
    amber: float
    red: float
    # Where the series starts, how far it drifts over ten years, the seasons' swing and the noise.
    start: float
    drift: float
    season: float
    noise: float
    # Which statutory partners report it ("" the whole partnership).
    series: tuple[str, ...]
    whole_numbers: bool = False


DEMO_INDICATORS: tuple[DemoIndicator, ...] = (
    DemoIndicator(
        "A",
        "",
        "Re-referrals to children's social care within 12 months",
        "Referrals in the quarter for a child referred in the twelve months before, as a share of all referrals.",
        "%",
        "down",
        22,
        25,
        23.5,
        -4,
        1.2,
        1.4,
        ("", "local_authority"),
    ),
    DemoIndicator(
        "A",
        "",
        "Initial child protection conferences within 15 working days",
        "Conferences held within 15 working days of the strategy discussion that started the section 47 enquiry.",
        "%",
        "up",
        85,
        75,
        78,
        12,
        3,
        4,
        ("local_authority",),
    ),
    DemoIndicator(
        "A",
        "",
        "Child protection plans lasting two years or more",
        "Plans ended in the quarter that had lasted two years or more, as a share of all plans ended.",
        "%",
        "down",
        4,
        6,
        5.5,
        -2.5,
        0.4,
        0.8,
        ("local_authority",),
    ),
    DemoIndicator(
        "A",
        "",
        "Return home interviews within 72 hours",
        "Children back from a missing episode offered an independent return interview within 72 hours.",
        "%",
        "up",
        80,
        65,
        70,
        15,
        4,
        5,
        ("local_authority", "police"),
    ),
    DemoIndicator(
        "A",
        "",
        "Initial health assessments for children in care within 20 working days",
        "Children entering care whose initial health assessment was done within 20 working days.",
        "%",
        "up",
        90,
        80,
        72,
        18,
        2,
        4,
        ("health",),
    ),
    DemoIndicator(
        "A",
        "",
        "Operation Encompass notifications to schools by the next school day",
        "Domestic abuse incidents with a child of school age present, notified to the school by 9am next school day.",
        "%",
        "up",
        95,
        85,
        88,
        9,
        1.5,
        2.5,
        ("police",),
    ),
    DemoIndicator(
        "B",
        "Domestic abuse",
        "Repeat MARAC referrals",
        "Cases heard at MARAC that had been heard in the twelve months before, as a share of all cases heard.",
        "%",
        "down",
        28,
        35,
        31,
        -5,
        1.5,
        2.5,
        ("",),
    ),
    DemoIndicator(
        "B",
        "Child exploitation",
        "Children at risk of exploitation discussed at the multi-agency panel",
        "Children screened as at risk of criminal or sexual exploitation and discussed at the panel in the quarter.",
        "children",
        "up",
        30,
        20,
        18,
        22,
        3,
        4,
        ("", "police", "health"),
        whole_numbers=True,
    ),
)

ANALYSES = {
    "local_authority": (
        "Re-referrals are {trend} on the quarter; the front door audit found most repeat contacts were for "
        "neglect where early help had closed without a step-down plan. Conference timeliness dipped while two "
        "chairs were on leave."
    ),
    "health": (
        "Initial health assessments {trend}. Late assessments were mostly children placed out of area, where "
        "the receiving health provider's capacity is the constraint; the designated nurse is escalating them."
    ),
    "police": (
        "Operation Encompass notifications {trend}. Late notifications cluster on Friday nights and school "
        "holidays; a rota change in the central referral unit is being tested."
    ),
}


def _value(spec: DemoIndicator, rng: random.Random, index: int, offset: float) -> Decimal | None:
    progress = index / (DEMO_QUARTERS - 1)
    value = spec.start + offset + spec.drift * progress + spec.season * math.sin(index * math.pi / 2)
    value += rng.gauss(0, spec.noise)
    if spec.unit == "%":
        value = min(100.0, max(0.0, value))
    value = max(0.0, value)
    return Decimal(round(value)) if spec.whole_numbers else Decimal(f"{value:.1f}")


def _agencies(partnership: Partnership) -> dict[str, Agency | None]:
    agencies: dict[str, Agency | None] = {"": None}
    for agency in Agency.objects.in_partnership(partnership).exclude(statutory_partner=""):
        agencies[agency.statutory_partner] = agency
    return agencies


@transaction.atomic
def seed_datasets(partnership: Partnership, *, today: date, actor: Membership | None = None) -> dict[str, int]:
    """The demo data set of ``partnership``: its indicators, forty quarters of figures to the last full quarter
    before ``today``, and the statutory partners' analyses of the last eight. Returns what it added, by kind."""
    person = actor.person if actor is not None else None
    added = {"indicators": 0, "figures": 0, "analyses": 0}
    last = quarter_step(quarter_of(today), -1)
    quarters = [quarter_step(last, -(DEMO_QUARTERS - 1 - i)) for i in range(DEMO_QUARTERS)]
    agencies = _agencies(partnership)
    existing = {i.name: i for i in Indicator.objects.in_partnership(partnership)}
    held = set(IndicatorValue.objects.in_partnership(partnership).values_list("indicator_id", "agency_id", "quarter"))
    new_values: list[IndicatorValue] = []
    for order, spec in enumerate(DEMO_INDICATORS):
        indicator = existing.get(spec.name)
        if indicator is None:
            indicator = Indicator.objects.create(
                partnership=partnership,
                part=spec.part,
                theme=spec.theme,
                name=spec.name,
                definition=spec.definition,
                unit=spec.unit,
                good_direction=spec.good_direction,
                amber_threshold=Decimal(str(spec.amber)),
                red_threshold=Decimal(str(spec.red)),
                order=order,
            )
            HistoryEntry.objects.in_partnership(partnership).bulk_create(
                history_rows(partnership=partnership, actor=person, instances=[indicator])
            )
            added["indicators"] += 1
        for series_index, key in enumerate(spec.series):
            if key not in agencies:
                continue
            agency = agencies[key]
            rng = random.Random(f"{partnership.slug}/{spec.name}/{key}")  # noqa: S311 - demo figures, not secrets
            offset = (series_index - 1) * spec.noise * 0.8 if key else 0.0
            for index, quarter in enumerate(quarters):
                value = _value(spec, rng, index, offset)
                # One gap a series: an agency that sent nothing one quarter (never the latest).
                if key and index == 7 + series_index * 11:
                    continue
                if (indicator.pk, agency.pk if agency else None, quarter) in held:
                    continue
                new_values.append(
                    IndicatorValue(
                        partnership=partnership,
                        indicator=indicator,
                        agency=agency,
                        quarter=quarter,
                        value=value,
                        entered_by=person,
                    )
                )
    IndicatorValue.objects.in_partnership(partnership).bulk_create(new_values, batch_size=500)
    added["figures"] = len(new_values)
    added["analyses"] = _seed_analyses(partnership, agencies, quarters[-ANALYSED_QUARTERS:], person)
    return added


def _seed_analyses(partnership: Partnership, agencies: dict, quarters: list[date], person) -> int:
    written = set(AgencyAnalysis.objects.in_partnership(partnership).values_list("agency_id", "quarter"))
    new = []
    for key, text in ANALYSES.items():
        agency = agencies.get(key)
        if agency is None:
            continue
        for n, quarter in enumerate(quarters):
            if (agency.pk, quarter) in written:
                continue
            trend = ("better", "a little worse", "about the same")[n % 3]
            new.append(
                AgencyAnalysis(
                    partnership=partnership,
                    agency=agency,
                    quarter=quarter,
                    text=f"{quarter_label(quarter)}. " + text.format(trend=trend),
                    written_by=person,
                )
            )
    AgencyAnalysis.objects.in_partnership(partnership).bulk_create(new)
    return len(new)
