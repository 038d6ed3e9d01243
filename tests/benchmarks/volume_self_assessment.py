"""Ten years of Section 11 and s175 self-assessments in the large partnership, with bulk_create.

At scale 1 (issue 10: "one partnership runs 535 schools and about 5,900 returns in a cycle"): 535 schools
in ``bench-000`` (each an education agency with its school profile), and for each of ten years an s175
cycle over the schools and a Section 11 cycle over the other active agencies (about 140), both on the
built-in templates (eleven standards each: 535 x 11 = 5,885 standards answered in an s175 cycle). Every
standard of every return has its self score and evidence narrative; the older cycles are over (past due,
their returns moderated, a few left submitted), with moderated scores (a few moved at challenge, with the
challenge's notes), actions for the gaps (scores of 0 or 1, some agreed at the challenge event) and an
evidence file on about one standard in four. The newest cycle of each kind is open, its returns at every
stage: drafts started from last year's answers (as ``cycle_launch`` carries them forward), schools
awaiting their head's and governor's signatures, submitted, moderated; with the ``sa.return`` deadlines
the launch sets (met once submitted), and history rows for the launch and each state move.

The business manager the benchmark signs in as is given (django-guardian, as ``return_grant`` does) the
returns of 30 schools in every year, so that "my returns" lists 300 and one draft return shows its form.

The template copy goes through its service (as a partnership would); the rest skips the services (one
row at a time) but keeps their shape: scores on the standards' 0 to 3 scale, ``self_score`` equal to the
grade answer, one return per agency per cycle, signatures only on schools' returns, a moderated return's
``moderated_at``, ``moderated_by`` and challenge event date.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone

from audits.models import (
    GapAction,
    QuestionKind,
    ReturnStandard,
    ReturnUserObjectPermission,
    School,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
    TemplateKind,
    TemplateVersion,
)
from audits.selectors.self_assessment import CHANGE_RETURN, RETURN_DEADLINE
from audits.selectors.templates import version_structure
from audits.services.templates import template_copy_builtin
from partnership.models import Agency, AgencyType, Deadline, HistoryEntry, Partnership, Person
from partnership.models.recommendations import StoredFile
from partnership.services.deadlines import deadlines_create_many

SCHOOLS, YEARS, GRANTED_SCHOOLS = 535, 10, 30
BATCH = 2000
RS = SelfAssessmentReturn.State
# The newest cycle's returns, by position: every stage (schools only wait for signatures).
NEWEST_SCHOOL_STATES = [RS.DRAFT] * 5 + [RS.AWAITING_SIGNATURES] * 2 + [RS.SUBMITTED] * 5 + [RS.MODERATED] * 8
NEWEST_AGENCY_STATES = [RS.DRAFT] * 6 + [RS.SUBMITTED] * 5 + [RS.MODERATED] * 9
SCHOOL_WORDS = ["St Mary's", "Oakfield", "Riverside", "Hillcrest", "Meadow", "Kingsway", "Ashgrove", "Northgate"]
SCHOOL_KINDS = ["Primary School", "Academy", "Junior School", "High School", "Infant School"]
# A small but real PDF: what an evidence upload's type check (by content) would accept.
EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0>>endobj\n" + (
    b"% board minutes, safeguarding report extract\n" * 12
)


def seed_self_assessments(*, scale: float = 1.0, log=print) -> dict[str, int]:
    """Write the large partnership's schools and ten years of cycles. Returns the row counts written."""
    rng = random.Random(20261203)
    partnership = Partnership.objects.get(slug="bench-000")
    bm = (
        Person.objects.filter(memberships__partnership=partnership, memberships__roles__role="business_manager")
        .order_by("email")
        .first()
    )
    today = timezone.localdate()
    agencies = list(Agency.objects.filter(partnership=partnership, is_active=True).order_by("name", "pk"))
    schools = _seed_schools(partnership=partnership, count=max(10, round(SCHOOLS * scale)))
    log(f"  self-assessments: {len(schools)} schools and {len(agencies)} agencies, {YEARS} years in {partnership.slug}")
    counts = {"schools": len(schools)}
    granted_agencies = {school.agency_id for school in schools[:GRANTED_SCHOOLS]}
    newest_returns: list[SelfAssessmentReturn] = []
    returns_granted: list[SelfAssessmentReturn] = []
    for kind, participants in (
        (TemplateKind.SECTION_175, [(s.agency_id, s.pk) for s in schools]),
        (TemplateKind.SECTION_11, [(a.pk, None) for a in agencies]),
    ):
        key = "section-175" if kind == TemplateKind.SECTION_175 else "section-11"
        template = template_copy_builtin(partnership=partnership, actor=bm, builtin_key=key)
        version = TemplateVersion.objects.get(template=template, number=1)
        sections = version_structure(partnership=partnership, version=version)
        # Each agency's quality (its usual score), drifting a little from year to year.
        quality = {agency_id: rng.choice([1, 2, 2, 2, 3, 3]) for agency_id, _ in participants}
        previous: dict[int, SelfAssessmentReturn] = {}
        for age in range(YEARS - 1, -1, -1):  # oldest first: each return carries forward the one before
            cycle = _cycle(partnership=partnership, bm=bm, version=version, kind=kind, age=age, today=today)
            returns = _seed_returns(
                cycle=cycle,
                participants=participants,
                previous=previous,
                newest=age == 0,
                bm=bm,
                rng=rng,
            )
            standards = _seed_standards(returns=returns, sections=sections, quality=quality, previous=previous, rng=rng)
            for name, n in standards.items():
                counts[name] = counts.get(name, 0) + n
            counts["cycles"] = counts.get("cycles", 0) + 1
            counts["returns"] = counts.get("returns", 0) + len(returns)
            if age == 0:
                newest_returns += returns
            returns_granted += [r for r in returns if r.agency_id in granted_agencies]
            previous = {r.agency_id: r for r in returns}
            quality = {agency_id: min(3, max(0, q + rng.choice([-1, 0, 0, 0, 1]))) for agency_id, q in quality.items()}
    counts["history"] = _seed_history(partnership=partnership, bm=bm)
    counts["deadlines"] = _seed_deadlines(partnership=partnership, returns=newest_returns)
    counts["grants"] = _grant(person=bm, returns=returns_granted)
    log("  " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))
    return counts


def _seed_schools(*, partnership: Partnership, count: int) -> list[School]:
    """The schools register: an education agency and a school profile each (what ``school_import`` writes)."""
    names = [f"{SCHOOL_WORDS[n % 8]} {SCHOOL_KINDS[(n // 8) % 5]} {n:03d}" for n in range(count)]
    agencies = Agency.objects.bulk_create(
        [Agency(partnership=partnership, name=name, agency_type=AgencyType.EDUCATION) for name in names],
        batch_size=BATCH,
    )
    return School.objects.bulk_create(
        [
            School(
                partnership=partnership,
                agency=agency,
                urn=str(100000 + n),
                name=name,
                head_teacher_name=f"Head of school {n:03d}",
                dsl_email=f"dsl{n:03d}@schools.bench.example",
                governor_name=f"Governor {n:03d}",
                governor_email=f"governor{n:03d}@schools.bench.example",
            )
            for n, (agency, name) in enumerate(zip(agencies, names, strict=True))
        ],
        batch_size=BATCH,
    )


def _cycle(*, partnership, bm, version, kind, age: int, today: date) -> SelfAssessmentCycle:
    """The cycle of ``age`` years ago: the newest open (due in a month), the older ones over."""
    year = today.year - age
    if age == 0:
        opens_on, due_on = today - timedelta(days=30), today + timedelta(days=30)
    else:
        opens_on, due_on = date(year, 9, 1), date(year, 11, 30)
    label = "Section 175/157 self-assessment" if kind == TemplateKind.SECTION_175 else "Section 11 self-assessment"
    return SelfAssessmentCycle.objects.create(
        partnership=partnership,
        kind=kind,
        version=version,
        year=year,
        title=f"{label} {year}",
        opens_on=opens_on,
        due_on=due_on,
        created_by=bm,
        created_at=_at(opens_on),
    )


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _seed_returns(*, cycle, participants, previous, newest: bool, bm, rng) -> list[SelfAssessmentReturn]:
    schools = cycle.kind == TemplateKind.SECTION_175
    rows = []
    for n, (agency_id, school_id) in enumerate(participants):
        if newest:
            states = NEWEST_SCHOOL_STATES if schools else NEWEST_AGENCY_STATES
            state = states[(n * 7) % len(states)]
        else:
            state = RS.SUBMITTED if rng.random() < 0.05 else RS.MODERATED
        submitted = state in (RS.SUBMITTED, RS.MODERATED)
        signed = schools and (submitted or (state == RS.AWAITING_SIGNATURES and n % 2 == 0))
        submitted_at = _at(cycle.due_on - timedelta(days=rng.randrange(1, 25))) if submitted else None
        if newest and submitted_at:
            submitted_at = min(submitted_at, timezone.now() - timedelta(days=1))
        moderated_on = min(cycle.due_on + timedelta(days=21), timezone.localdate() - timedelta(days=1))
        before = previous.get(agency_id)
        rows.append(
            SelfAssessmentReturn(
                partnership=cycle.partnership,
                cycle=cycle,
                agency_id=agency_id,
                school_id=school_id,
                state=state,
                edit_version=rng.randrange(3, 12) if state != RS.DRAFT or before else 1,
                carried_forward_from=before,
                submitted_at=submitted_at,
                submitted_by=bm if submitted else None,
                head_signed_name=f"Head of school {n:03d}" if signed else "",
                head_signed_at=submitted_at or (_at(cycle.opens_on + timedelta(days=20)) if signed else None),
                governor_signed_name=f"Governor {n:03d}" if signed and submitted else "",
                governor_signed_at=submitted_at if signed and submitted else None,
                moderated_at=_at(moderated_on) if state == RS.MODERATED else None,
                moderated_by=bm if state == RS.MODERATED else None,
                challenge_event_on=moderated_on if state == RS.MODERATED else None,
                created_at=_at(cycle.opens_on),
            )
        )
    return SelfAssessmentReturn.objects.bulk_create(rows, batch_size=BATCH)


def _seed_standards(*, returns, sections, quality, previous, rng) -> dict[str, int]:
    """Every standard of every return answered (a self score and its narrative), with the moderated score,
    the challenge notes, the gap actions and the evidence a return of that state has."""
    grade_keys = {}
    for section in sections:
        grade = next(q for q in section.questions.all() if q.kind == QuestionKind.GRADE)
        text = next(q for q in section.questions.all() if q.kind == QuestionKind.TEXT)
        grade_keys[section.pk] = (grade.key, text.key)
    standards = []
    for ret in returns:
        carried_only = ret.state == RS.DRAFT and ret.carried_forward_from is not None and rng.random() < 0.5
        for position, section in enumerate(sections):
            grade_key, text_key = grade_keys[section.pk]
            score = min(3, max(0, quality[ret.agency_id] + rng.choice([-1, 0, 0, 0, 0, 1])))
            if ret.state == RS.DRAFT and rng.random() < 0.2:
                answers = {}  # not reached yet (a draft started from nothing answers it here first)
                if carried_only:  # the launch copied last year's answer and nobody has changed it yet
                    answers = {grade_key: score, text_key: "Carried forward from last year's return."}
            else:
                answers = {
                    grade_key: score,
                    text_key: (
                        f"{section.title}: the policy was reviewed by the board in the spring term, "
                        "staff were briefed at the autumn training day and the audit of records found "
                        f"{rng.randrange(70, 100)}% compliant. See the attached minutes."
                    ),
                }
            moderated = None
            notes = ""
            if ret.state == RS.MODERATED and grade_key in answers:
                moderated = score
                if rng.random() < 0.12:
                    moderated = max(0, score - 1)
                    notes = "Challenged at the event: the evidence does not yet show the impact on practice."
            standards.append(
                ReturnStandard(
                    partnership=ret.partnership,
                    assessment_return=ret,
                    section=section,
                    section_key=section.key,
                    answers=answers,
                    self_score=answers.get(grade_key),
                    moderated_score=moderated,
                    challenge_notes=notes,
                    position=position,
                )
            )
    standards = ReturnStandard.objects.bulk_create(standards, batch_size=BATCH)
    by_return = {r.pk: r for r in returns}
    actions, files = [], []
    owner_type = ContentType.objects.get_for_model(ReturnStandard)
    digest = hashlib.sha256(EVIDENCE).hexdigest()
    for standard in standards:
        ret = by_return[standard.assessment_return_id]
        low = standard.moderated_score if standard.moderated_score is not None else standard.self_score
        if low is not None and low <= 1:
            for k in range(1 + (low == 0)):
                actions.append(
                    GapAction(
                        partnership=ret.partnership,
                        standard=standard,
                        action=f"Close the gap in {standard.section_key.replace('-', ' ')}: step {k + 1}.",
                        owner=["Designated safeguarding lead", "Head of service", "Training lead"][k % 3],
                        due_on=ret.cycle.due_on + timedelta(days=60 + 30 * k),
                        agreed_at_challenge=ret.state == RS.MODERATED and rng.random() < 0.5,
                    )
                )
        if standard.self_score is not None and rng.random() < 0.25:
            files.append(
                StoredFile(
                    partnership=ret.partnership,
                    owner_type=owner_type,
                    owner_id=standard.pk,
                    name=f"{standard.section_key}-evidence.pdf",
                    media_type="application/pdf",
                    size=len(EVIDENCE),
                    sha256=digest,
                    data=EVIDENCE,
                    uploaded_by=ret.submitted_by,
                )
            )
    GapAction.objects.bulk_create(actions, batch_size=BATCH)
    StoredFile.objects.bulk_create(files, batch_size=BATCH)  # bulk_create encrypts each file's data as save would
    return {"standards": len(standards), "gap actions": len(actions), "evidence files": len(files)}


def _seed_history(*, partnership: Partnership, bm: Person) -> int:
    """The launch's "created" row for each return, and one row per state move it has made."""
    return_type = ContentType.objects.get_for_model(SelfAssessmentReturn)
    rows = []
    for ret in (
        SelfAssessmentReturn.objects.filter(partnership=partnership)
        .select_related("cycle", "agency")
        .iterator(chunk_size=BATCH)
    ):
        name = f"{ret.agency.name}: {ret.cycle.title}"[:200]
        entry = {"partnership": partnership, "content_type": return_type, "object_id": ret.pk, "object_repr": name}
        rows.append(HistoryEntry(**entry, action="created", actor=bm, changes={}, at=ret.created_at))
        moves = []
        if ret.head_signed_at and ret.state == RS.AWAITING_SIGNATURES:
            moves.append((RS.DRAFT, RS.AWAITING_SIGNATURES, ret.head_signed_at))
        if ret.submitted_at:
            moves.append((RS.DRAFT, RS.SUBMITTED, ret.submitted_at))
        if ret.moderated_at:
            moves.append((RS.SUBMITTED, RS.MODERATED, ret.moderated_at))
        rows += [
            HistoryEntry(**entry, action="updated", actor=bm, changes={"state": {"from": a, "to": b}}, at=at)
            for a, b, at in moves
        ]
        if len(rows) >= BATCH:
            HistoryEntry.objects.bulk_create(rows)
            rows = []
    HistoryEntry.objects.bulk_create(rows)
    return HistoryEntry.objects.filter(partnership=partnership, content_type=return_type).count()


def _seed_deadlines(*, partnership: Partnership, returns: list[SelfAssessmentReturn]) -> int:
    """The newest cycles' ``sa.return`` deadlines, as ``cycle_launch`` sets them; met once submitted."""
    by_cycle: dict[int, list[SelfAssessmentReturn]] = {}
    for ret in returns:
        by_cycle.setdefault(ret.cycle_id, []).append(ret)
    names = dict(Agency.objects.filter(partnership=partnership).values_list("pk", "name"))
    created = 0
    for cycle_returns in by_cycle.values():
        cycle = cycle_returns[0].cycle
        what = "s175" if cycle.kind == TemplateKind.SECTION_175 else "Section 11"
        created += deadlines_create_many(
            partnership=partnership,
            kind=RETURN_DEADLINE,
            due_on=cycle.due_on,
            items=[
                (r, f"{what} self-assessment {cycle.year}: {names[r.agency_id]}"[:200], None) for r in cycle_returns
            ],
        )
    done = [r.pk for r in returns if r.state in (RS.SUBMITTED, RS.MODERATED)]
    return_type = ContentType.objects.get_for_model(SelfAssessmentReturn)
    Deadline.objects.filter(
        partnership=partnership, kind=RETURN_DEADLINE, subject_type=return_type, subject_id__in=done
    ).update(state=Deadline.State.MET, met_at=timezone.now())
    return created


def _grant(*, person: Person, returns: list[SelfAssessmentReturn]) -> int:
    """``return_grant``'s django-guardian row for each return: the person may answer it."""
    permission = Permission.objects.get(codename=CHANGE_RETURN, content_type__app_label="audits")
    ReturnUserObjectPermission.objects.bulk_create(
        [ReturnUserObjectPermission(content_object=r, user=person, permission=permission) for r in returns],
        batch_size=BATCH,
    )
    return len(returns)


def self_assessment_ids(partnership: Partnership, person: Person) -> dict[str, int | None]:
    """What the pages are measured on: the newest s175 cycle; its moderated school return with the most gap
    actions, and that return's standard with the most; a draft school return ``person`` may answer."""
    cycle = (
        SelfAssessmentCycle.objects.filter(partnership=partnership, kind=TemplateKind.SECTION_175)
        .order_by("-year")
        .first()
    )
    if cycle is None:
        return {}
    returns = SelfAssessmentReturn.objects.filter(partnership=partnership, cycle=cycle)
    moderated = (
        returns.filter(state=RS.MODERATED)
        .annotate(n=Count("standards__actions"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    standard = (
        ReturnStandard.objects.filter(assessment_return_id=moderated)
        .annotate(n=Count("actions"))
        .order_by("-n", "position")
        .values_list("pk", flat=True)
        .first()
    )
    granted = ReturnUserObjectPermission.objects.filter(user=person).values("content_object_id")
    draft = returns.filter(state=RS.DRAFT, pk__in=granted).order_by("pk").values_list("pk", flat=True).first()
    return {"sa_cycle_id": cycle.pk, "sa_return_id": moderated, "sa_standard_id": standard, "sa_draft_return_id": draft}
