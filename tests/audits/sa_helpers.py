"""Self-assessment test helpers: a Section 11 or s175 template, schools with leads, a launched cycle."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from audits.models import SelfAssessmentReturn, TemplateVersion
from audits.services.schools import SchoolRow, school_import
from audits.services.self_assessment import cycle_launch
from audits.services.templates import template_copy_builtin
from partnership.models import Role
from tests.factories import membership_make


def published_version(world, builtin_key: str) -> TemplateVersion:
    template = template_copy_builtin(partnership=world.partnership, actor=world.bm, builtin_key=builtin_key)
    return TemplateVersion.objects.in_partnership(world.partnership).get(template=template)


def schools_make(world, count: int = 2, *, governor: bool = True) -> None:
    rows = [
        SchoolRow(
            line=n + 2,
            values={
                "name": f"{world.partnership.name[:5]} School {n}",
                "urn": str(200000 + n),
                "head_teacher_name": f"Head {n}",
                "dsl_email": f"dsl{n}@{world.partnership.slug}.example",
                **({"governor_name": f"Governor {n}", "governor_email": f"gov{n}@x.example"} if governor else {}),
            },
        )
        for n in range(count)
    ]
    school_import(partnership=world.partnership, actor=world.bm, rows=rows, file_name="t.csv", file_kind="csv")


def cycle_make(world, builtin_key: str = "section-11", *, year: int = 2026, version=None):
    version = version or published_version(world, builtin_key)
    today = timezone.localdate()
    return cycle_launch(
        partnership=world.partnership,
        actor=world.bm,
        version=version,
        year=year,
        opens_on=today,
        due_on=today + timedelta(days=30),
    )


def school_lead(world, school_agency):
    """An agency lead member of a school (as an accepted DSL invitation would make)."""
    return membership_make(
        partnership=world.partnership,
        agency=school_agency,
        roles=[Role.AGENCY_LEAD],
        email=f"lead-{school_agency.pk}@{world.partnership.slug}.example",
        full_name=f"Lead of {school_agency.name}",
    )


def return_of(world, cycle, agency) -> SelfAssessmentReturn:
    return SelfAssessmentReturn.objects.in_partnership(world.partnership).get(cycle=cycle, agency=agency)


def fill(ret, score: int = 3) -> dict:
    """Answers for every standard of a return: the given score and a narrative."""
    from audits.models import ReturnStandard

    answers = {}
    for standard in ReturnStandard.objects.in_partnership(ret.partnership).filter(assessment_return=ret):
        answers[f"{standard.section_key}-self-score"] = score
        answers[f"{standard.section_key}-evidence"] = f"Evidence for {standard.section_key}."
    return answers


NEXT_MONTH = date.today() + timedelta(days=30)


def quick_return(world):
    """A return in a cycle of the world's own, made directly (no invitations, no deadlines): for the sweep.

    One Section 11 template version and one cycle per world, a fresh agency per return; the business manager
    may answer it (a per-object grant).
    """
    import itertools

    from audits.models import ReturnStandard, SelfAssessmentCycle, TemplateSection
    from partnership.models import Agency, AgencyType

    if not hasattr(world, "_sa_cycle"):
        version = published_version(world, "section-11")
        today = timezone.localdate()
        world._sa_cycle = SelfAssessmentCycle.objects.create(
            partnership=world.partnership,
            kind="section_11",
            version=version,
            year=2099,
            title="Sweep cycle",
            opens_on=today,
            due_on=today + timedelta(days=30),
        )
        world._sa_serial = itertools.count(1)
    cycle = world._sa_cycle
    agency = Agency.objects.create(
        partnership=world.partnership,
        name=f"SA Sweep Agency {next(world._sa_serial)}",
        agency_type=AgencyType.VOLUNTARY_AND_COMMUNITY,
    )
    ret = SelfAssessmentReturn.objects.create(partnership=world.partnership, cycle=cycle, agency=agency)
    # Given to the business manager (django-guardian), so that the sweep's caller can answer it too.
    from guardian.shortcuts import assign_perm

    assign_perm("audits.change_selfassessmentreturn", world.bm, ret)
    for position, section in enumerate(TemplateSection.objects.filter(version=cycle.version).order_by("position")):
        ReturnStandard.objects.create(
            partnership=world.partnership,
            assessment_return=ret,
            section=section,
            section_key=section.key,
            position=position,
        )
    return ret
