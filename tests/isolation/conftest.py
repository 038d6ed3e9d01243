"""What the tenancy sweep needs to know about routes, in two tables.

``OBJECT_KWARGS``: for every URL keyword argument that names an object (any
kwarg other than the partnership ``slug``), how to make a fresh object of that
kind in a given world and what to put in the URL for it. A route whose kwarg is
missing here fails the sweep, so a new kind of route cannot go unchecked: add
a maker below.

``NOT_TENANT_SCOPED``: routes that take no partnership ``slug``, each with the
reason it reads nothing of a partnership's data. Every route without a slug
must be listed here; a listed route that no longer exists fails the sweep too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from partnership import services
from partnership.models import Agency, AgencyType, Membership, MembershipRole, Person, Role
from tests.factories import World

_serial = itertools.count(1)

# A maker gets the world and the kwargs already made for the same URL (in route order,
# so a nested kwarg can make its object under its parent's) and returns the URL value.
ObjectMaker = Callable[[World, dict[str, Any]], Any]


def _agency(world: World, made: dict[str, Any]) -> int:
    n = next(_serial)
    agency = Agency.objects.create(
        partnership=world.partnership, name=f"Sweep Agency {n}", agency_type=AgencyType.VOLUNTARY_AND_COMMUNITY
    )
    return agency.pk


def _membership(world: World, made: dict[str, Any]) -> int:
    n = next(_serial)
    # No password: hashing one is slow, and nobody signs in as this person.
    person = Person.objects.create(email=f"sweep-member-{n}@example.org", full_name=f"Sweep Member {n}")
    membership = Membership.objects.create(partnership=world.partnership, person=person, agency=world.school)
    MembershipRole.objects.create(membership=membership, role=Role.PRACTITIONER)
    return membership.pk


def _invitation(world: World, made: dict[str, Any]) -> int:
    n = next(_serial)
    invitation, _token = services.invitation_create(
        partnership=world.partnership,
        actor=world.bm,
        email=f"sweep-invitee-{n}@example.org",
        full_name=f"Sweep Invitee {n}",
        agency=world.school,
        roles=[Role.PRACTITIONER],
    )
    return invitation.pk


def _closure_day(world: World, made: dict[str, Any]) -> int:
    day = services.closure_day_add(
        partnership=world.partnership,
        actor=world.bm,
        day=date(2031, 1, 1) + timedelta(days=next(_serial)),
        reason="Sweep closure",
    )
    return day.pk


def _sign_off(world: World, made: dict[str, Any]) -> int:
    # Any tenant row can be signed off; an agency needs nothing else made first.
    from partnership.services.signoff import sign_off_request

    subject = Agency.objects.get(pk=_agency(world, made))
    return sign_off_request(partnership=world.partnership, actor=world.bm, subject=subject).pk


def _document_version(world: World, made: dict[str, Any]) -> int:
    from partnership.services.documents import document_render_request

    subject = Agency.objects.get(pk=_agency(world, made))
    version = document_render_request(
        partnership=world.partnership,
        actor=world.bm,
        subject=subject,
        kind="sweep",
        title=f"Sweep document {subject.pk}",
        template_name="documents/base_print.html",
        context={},
    )
    return version.pk


def _export_job(world: World, made: dict[str, Any]) -> int:
    # Asked for by the business manager, whom the kind also shares it with.
    from partnership.services.exports import export_request

    job = export_request(
        partnership=world.partnership,
        membership=world.business_manager,
        kind="sa.cycle_returns",
        data={"cycle": _sa_cycle(world, made)},
    )
    return job.pk


def _meeting_attendee(world: World, made: dict[str, Any]) -> int:
    # Under the rapid review already made for the same URL (its maker runs first: route order).
    from reviews.models import MeetingAttendee, RapidReview

    rapid_review = RapidReview.objects.get(partnership=world.partnership, pk=made["rapid_review_id"])
    attendee = MeetingAttendee.objects.create(
        partnership=world.partnership,
        rapid_review=rapid_review,
        name=f"Sweep Attendee {next(_serial)}",
        agency=world.police,
        represents="police",
    )
    return attendee.pk


def _incident(world: World, made: dict[str, Any]) -> int:
    from tests.reviews.factories import incident_make

    return incident_make(world).pk


def _child(world: World, made: dict[str, Any]) -> int:
    # A child of the incident already made for the same URL (its maker runs first: route order).
    from reviews.models import Child

    return Child.objects.filter(partnership=world.partnership, incident_id=made["incident_id"]).first().pk


def _rapid_review(world: World, made: dict[str, Any]) -> int:
    from tests.reviews.factories import rapid_review_make

    return rapid_review_make(world).pk


def _information_request(world: World, made: dict[str, Any]) -> int:
    # Asked of the business manager (for the council), on a rapid review of its own: the sweep's first
    # caller is then the one person who may write the return, so the routes that only its assignee may
    # call (and that 404 for members who may not even read it) answer world_b's own call with no 404.
    from tests.reviews.factories import information_request_make

    return information_request_make(world, agency=world.council, assignee=world.bm).pk


def _learning_review(world: World, made: dict[str, Any]) -> int:
    # Led by the practitioner, with the agency lead contributing: every part of the review has someone in it
    # (a member taking no part is told the review does not exist, which would prove nothing here).
    from tests.reviews.learning_review_factories import contributor_make, learning_review_make

    review = learning_review_make(world)
    contributor_make(world, review)
    return review.pk


def _contributor(world: World, made: dict[str, Any]) -> int:
    # Under the learning review already made for the same URL (its maker runs first: route order).
    from reviews.models import LearningReview
    from tests.reviews.learning_review_factories import contributor_make

    review = LearningReview.objects.get(partnership=world.partnership, pk=made["learning_review_id"])
    return contributor_make(world, review, membership=world.health_lead).pk


def _api_token(world: World, made: dict[str, Any]) -> int:
    # A token of the member already made for the same URL (its maker runs first: route order).
    from partnership.services.access import api_token_issue

    membership = Membership.objects.get(partnership=world.partnership, pk=made["membership_id"])
    return api_token_issue(membership=membership, name="Sweep token", second_factor_passed=False).token.pk


def _access_grant(world: World, made: dict[str, Any]) -> int:
    # An agency shown to the world's own observer: a grant within the partnership needs no collaboration.
    from partnership.services.access import access_grant_create

    agency = Agency.objects.get(pk=_agency(world, made))
    return access_grant_create(
        partnership=world.partnership,
        actor=world.bm,
        item=agency,
        grantee_email=world.observer.person.email,
        fields=["name"],
        ends_on=date.today() + timedelta(days=30),
        purpose="Sweep",
    ).pk


def _round(world: World, made: dict[str, Any]) -> int:
    from tests.recommendations.helpers import round_make

    return round_make(world).pk


def _theme(world: World, made: dict[str, Any]) -> int:
    from partnership.services.learning_themes import learning_theme_create

    return learning_theme_create(partnership=world.partnership, actor=world.bm, name=f"Sweep theme {next(_serial)}").pk


def _priority(world: World, made: dict[str, Any]) -> int:
    from partnership.services.priorities import priority_create

    n = next(_serial)
    return priority_create(
        partnership=world.partnership, actor=world.bm, title=f"Sweep priority {n}", start_year=2026, end_year=2027
    ).pk


def _audit_template(world: World, made: dict[str, Any]) -> int:
    from audits.services.templates import template_copy_builtin

    return template_copy_builtin(partnership=world.partnership, actor=world.bm, builtin_key="section-175").pk


def _audit_draft_question(world: World) -> Any:
    """A template made from scratch with a draft version, one section and one question in it."""
    from audits.services.templates import (
        template_create,
        template_question_add,
        template_section_add,
        template_version_draft,
    )

    template = template_create(
        partnership=world.partnership, actor=world.bm, kind="case_audit", name=f"Sweep template {next(_serial)}"
    )
    draft = template_version_draft(partnership=world.partnership, actor=world.bm, template=template)
    section = template_section_add(partnership=world.partnership, actor=world.bm, version=draft, title="Sweep")
    return template_question_add(
        partnership=world.partnership, actor=world.bm, section=section, text="Sweep question", kind="text"
    )


def _audit_template_version(world: World, made: dict[str, Any]) -> int:
    return _audit_draft_question(world).version_id


def _audit_template_section(world: World, made: dict[str, Any]) -> int:
    return _audit_draft_question(world).section_id


def _audit_template_question(world: World, made: dict[str, Any]) -> int:
    return _audit_draft_question(world).pk


def _planned_audit(world: World, made: dict[str, Any]) -> int:
    from audits.services.rounds import planned_audit_create

    return planned_audit_create(
        partnership=world.partnership, actor=world.bm, year=2026, month=5, title=f"Sweep audit {next(_serial)}"
    ).pk


def _audit_round(world: World, made: dict[str, Any]) -> int:
    from tests.audits.helpers import round_make

    return round_make(world, cases=1, selected=1).pk


def _audit_case(world: World, made: dict[str, Any]) -> int:
    from audits.models import AuditCase

    return AuditCase.objects.filter(round_id=_audit_round(world, made)).first().pk


def _audit_return(world: World, made: dict[str, Any]) -> int:
    from tests.audits.helpers import first_return, round_make

    return first_return(round_make(world, cases=1, selected=1)).pk


def _audit_evidence_file(world: World, made: dict[str, Any]) -> int:
    # A file on the return made for the same URL, so its own caller gets the download.
    from django.core.files.uploadedfile import SimpleUploadedFile

    from audits.models import AuditReturn
    from audits.services.returns import audit_return_save
    from partnership.models import StoredFile

    audit_return = AuditReturn.objects.get(pk=made["audit_return_id"])
    audit_return_save(
        partnership=world.partnership,
        membership=audit_return.practitioner,
        audit_return=audit_return,
        answers={},
        files={"overall-evidence-file": SimpleUploadedFile("sweep.txt", b"Sweep evidence")},
        version=audit_return.version,
    )
    return StoredFile.objects.filter(partnership=world.partnership, name="sweep.txt").latest("id").pk


def _audit_finding(world: World, made: dict[str, Any]) -> int:
    # A finding of the round made for the same URL.
    from audits.models import AuditRound
    from audits.services.findings import audit_finding_add

    audit_round = AuditRound.objects.get(pk=made["audit_round_id"])
    return audit_finding_add(
        partnership=world.partnership, actor=world.bm, audit_round=audit_round, kind="improvement", text="Sweep finding"
    ).pk


def _dissemination(world: World, made: dict[str, Any]) -> int:
    # With a file: the download route then answers its own caller with the file, not "no file".
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partnership.services.disseminations import dissemination_create
    from tests.recommendations.helpers import recommendation_make

    return dissemination_create(
        partnership=world.partnership,
        actor=world.bm,
        recommendation=recommendation_make(world),
        kind="briefing",
        title="Sweep briefing",
        on=date.today(),
        audience="Designated safeguarding leads",
        upload=SimpleUploadedFile("briefing.txt", b"Seven-minute briefing"),
    ).pk


def _plan_recommendation(world: World, made: dict[str, Any]) -> int:
    # In progress, its plan with one action led by the school's practitioner: every plan and action route
    # has something to act on (the recommendation's own routes, part A's, take any recommendation).
    from partnership.models.recommendations import Recommendation
    from tests.partnership.action_plan_factories import recommendation_make

    return recommendation_make(world, state=Recommendation.State.IN_PROGRESS).pk


def _action(world: World, made: dict[str, Any]) -> int:
    from partnership.models.recommendations import Action, Recommendation
    from tests.partnership.action_plan_factories import recommendation_make

    recommendation = recommendation_make(world, state=Recommendation.State.IN_PROGRESS)
    return Action.objects.get(plan__recommendation=recommendation).pk


def _evidence_file(world: World, made: dict[str, Any]) -> int:
    # Evidence of progress on the action already made for the same URL (its maker runs first: route order).
    from django.utils import timezone

    from partnership.models.recommendations import Action, Rag, StoredFile
    from partnership.services.action_plans import action_update_record
    from tests.partnership.action_plan_factories import pdf_upload

    action = Action.objects.get(partnership=world.partnership, pk=made["action_id"])
    update = action_update_record(
        partnership=world.partnership,
        membership=world.business_manager,
        action=action,
        on=timezone.localdate(),
        note="Sweep progress",
        rag=Rag.AMBER,
        evidence=[pdf_upload()],
    )
    return StoredFile.objects.get(
        partnership=world.partnership, owner_type__model="actionupdate", owner_id=update.pk
    ).pk


def _scrutiny_report(world: World, made: dict[str, Any]) -> int:
    from scrutiny.models import ScrutinyReport
    from scrutiny.services.reports import report_period, scrutiny_report_create

    # One report of a kind per period: each made here covers a quarter no other report of the world covers.
    taken = set(ScrutinyReport.objects.filter(partnership=world.partnership).values_list("period_start", flat=True))
    for year, quarter in itertools.product(range(2000, 2101), (1, 2, 3, 4)):
        if report_period(kind="quarterly", reporting_year=year, quarter=quarter)[0] not in taken:
            return scrutiny_report_create(
                partnership=world.partnership, actor=world.bm, kind="quarterly", reporting_year=year, quarter=quarter
            ).pk
    raise RuntimeError("Every quarter from 2000 to 2100 has a sweep report already.")


def _scrutiny_report_version(world: World, made: dict[str, Any]) -> int:
    # A version (its PDF and its Word copy) of the report already made for the same URL (route order).
    from scrutiny.models import ScrutinyReport
    from scrutiny.services.report_render import scrutiny_report_render_request

    report_id = made.get("scrutiny_report_id") or _scrutiny_report(world, made)
    report = ScrutinyReport.objects.get(partnership=world.partnership, pk=report_id)
    return scrutiny_report_render_request(partnership=world.partnership, actor=world.bm, report=report).pk


def _report_narrative(world: World, made: dict[str, Any]) -> int:
    from scrutiny.models import ReportNarrative

    report_id = made.get("scrutiny_report_id") or _scrutiny_report(world, made)
    return ReportNarrative.objects.get(report_id=report_id, place="introduction").pk


def _agency_annual_report(world: World, made: dict[str, Any]) -> int:
    # Received, with its file: the file's download answers for a row of the world's own.
    from scrutiny.services.reports import agency_annual_report_receive, agency_annual_report_request
    from tests.scrutiny.report_helpers import upload

    row = agency_annual_report_request(
        partnership=world.partnership,
        actor=world.bm,
        agency_id=world.school.pk,
        kind="other",
        subject=f"Sweep report {next(_serial)}",
        reporting_year=2025,
        requested_on=date(2026, 4, 1),
        due_on=date(2026, 6, 30),
    )
    agency_annual_report_receive(
        partnership=world.partnership, actor=world.bm, report=row, upload=upload(), received_on=date(2026, 6, 1)
    )
    return row.pk


def _progress_report(world: World, made: dict[str, Any]) -> int:
    from django.utils import timezone

    from partnership.services.progress_reports import progress_report_create

    report, _version = progress_report_create(
        partnership=world.partnership,
        membership=world.business_manager,
        title=f"Sweep report {next(_serial)}",
        as_of=timezone.localdate(),
    )
    return report.pk


def _school(world: World, made: dict[str, Any]) -> int:
    from audits.services.schools import SchoolRow, school_import

    n = next(_serial)
    row = SchoolRow(
        line=2,
        values={
            "name": f"Sweep School {n}",
            "urn": str(400000 + n),
            "head_teacher_name": "Sweep Head",
            "dsl_email": f"dsl{n}@sweep.example",
        },
    )
    school_import(partnership=world.partnership, actor=world.bm, rows=[row], file_name="sweep.csv", file_kind="csv")
    from audits.models import School

    return School.objects.in_partnership(world.partnership).get(urn=str(400000 + n)).pk


def _sa_cycle(world: World, made: dict[str, Any]) -> int:
    from tests.audits.sa_helpers import quick_return

    return quick_return(world).cycle_id


def _sa_return(world: World, made: dict[str, Any]) -> int:
    from tests.audits.sa_helpers import quick_return

    return quick_return(world).pk


def _sa_standard(world: World, made: dict[str, Any]) -> int:
    from audits.models import ReturnStandard

    return ReturnStandard.objects.filter(assessment_return_id=made["return_id"]).order_by("position").first().pk


def _sa_gap_action(world: World, made: dict[str, Any]) -> int:
    from audits.models import GapAction

    return GapAction.objects.create(
        partnership=world.partnership,
        standard_id=made["standard_id"],
        action="Sweep action",
        owner="Sweep owner",
        due_on=date(2031, 1, 1),
    ).pk


def _sa_evidence(world: World, made: dict[str, Any]) -> int:
    from django.contrib.contenttypes.models import ContentType

    from audits.models import ReturnStandard
    from partnership.models import StoredFile

    return StoredFile.objects.create(
        partnership=world.partnership,
        owner_type=ContentType.objects.get_for_model(ReturnStandard),
        owner_id=made["standard_id"],
        name="sweep.txt",
        media_type="text/plain",
        size=5,
        sha256="0" * 64,
        data=b"sweep",
    ).pk


def _hub_cycle(world: World, made: dict[str, Any]) -> int:
    from learninghub.services.plans import delivery_plan_start
    from tests.learninghub.helpers import cycle_make, priority_make

    cycle = cycle_make(world, priority=priority_make(world, title=f"Sweep priority {next(_serial)}"))
    # With its delivery plan started, so that the plan's routes answer for the cycle's own partnership.
    delivery_plan_start(partnership=world.partnership, actor=world.bm, cycle=cycle)
    return cycle.pk


def _hub_phase(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubPhase

    cycle_id = made.get("hub_cycle_id") or _hub_cycle(world, made)
    return HubPhase.objects.in_partnership(world.partnership).filter(cycle_id=cycle_id).order_by("position")[2].pk


def _hub_task(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubTask

    cycle_id = made.get("hub_cycle_id") or _hub_cycle(world, made)
    return HubTask.objects.in_partnership(world.partnership).filter(cycle_id=cycle_id).first().pk


def _hub_finding_cycle(world: World, made: dict[str, Any]) -> int:
    cycle_id = made.get("hub_cycle_id")
    if cycle_id is None:
        cycle_id = made["hub_cycle_id"] = _hub_cycle(world, made)
    return cycle_id


def _hub_audit(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubAuditLink
    from tests.audits.helpers import round_make

    return HubAuditLink.objects.create(
        partnership=world.partnership,
        cycle_id=_hub_finding_cycle(world, made),
        audit_round=round_make(world, cases=0, open_it=False),
    ).pk


def _hub_finding(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubFinding
    from tests.learninghub.findings_helpers import themes

    return HubFinding.objects.create(
        partnership=world.partnership, cycle_id=_hub_finding_cycle(world, made), theme=themes(world)[0], text="Sweep"
    ).pk


def _hub_draft(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubDraftRecommendation

    return HubDraftRecommendation.objects.create(
        partnership=world.partnership, cycle_id=_hub_finding_cycle(world, made), text="Sweep", lead_partner="police"
    ).pk


def _hub_measure(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubMeasure

    return HubMeasure.objects.create(
        partnership=world.partnership, cycle_id=_hub_finding_cycle(world, made), name="Sweep", value_at_start=1
    ).pk


def _hub_observer(world: World, made: dict[str, Any]) -> int:
    # A person of a neighbouring partnership (made once per world, in a collaboration with it) observing the
    # cycle already made for the same URL.
    from learninghub.models import HubCycle
    from tests.learninghub.observer_helpers import forum_make, observer_invite

    neighbour = getattr(world, "_hub_neighbour", None)
    if neighbour is None:
        neighbour = World(f"Neighbour{next(_serial)}")
        forum = forum_make(
            world.partnership,
            neighbour.partnership,
            name=f"Forum {neighbour.partnership.slug}",
            slug=neighbour.partnership.slug,
        )
        world._hub_neighbour = (neighbour, forum)
    neighbour, forum = world._hub_neighbour
    cycle_id = made.get("hub_cycle_id") or _hub_cycle(world, made)
    cycle = HubCycle.objects.in_partnership(world.partnership).get(pk=cycle_id)
    person = Person.objects.create(email=f"sweep-observer-{next(_serial)}@example.org", full_name="Sweep Observer")
    Membership.objects.create(partnership=neighbour.partnership, person=person, agency=neighbour.school)
    return observer_invite(world, cycle, person, forum).pk


def _hub_nomination(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubCycle
    from tests.learninghub.member_helpers import nominate

    cycle_id = made.get("hub_cycle_id") or _hub_cycle(world, made)
    cycle = HubCycle.objects.in_partnership(world.partnership).get(pk=cycle_id)
    return nominate(world, cycle, world.practitioner, by=world.business_manager).pk


def _plan_of(world: World, made: dict[str, Any]):
    from learninghub.models import DeliveryPlan

    cycle_id = made.get("hub_cycle_id") or _hub_cycle(world, made)
    return DeliveryPlan.objects.in_partnership(world.partnership).get(cycle_id=cycle_id)


def _plan_indicator(world: World, made: dict[str, Any]) -> int:
    from tests.learninghub.plan_helpers import figure_add

    return figure_add(world, _plan_of(world, made), name=f"Sweep indicator {next(_serial)}").pk


def _plan_item(world: World, made: dict[str, Any]) -> int:
    from tests.learninghub.plan_helpers import measure_add

    return measure_add(world, _plan_of(world, made), title=f"Sweep measure {next(_serial)}").pk


def _plan_version(world: World, made: dict[str, Any]) -> int:
    from learninghub.services.plans import plan_version_save

    return plan_version_save(
        partnership=world.partnership, actor=world.bm, plan=_plan_of(world, made), label="Sweep"
    ).pk


def _hub_session(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubCycle
    from tests.learninghub.session_helpers import session_make

    cycle_id = made.get("hub_cycle_id") or _hub_cycle(world, made)
    cycle = HubCycle.objects.in_partnership(world.partnership).get(pk=cycle_id)
    return session_make(world, cycle=cycle).pk


def _hub_session_action(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import HubSession
    from learninghub.services.sessions import hub_session_action_add

    session_id = made.get("hub_session_id") or _hub_session(world, made)
    session = HubSession.objects.in_partnership(world.partnership).get(pk=session_id)
    return hub_session_action_add(
        partnership=world.partnership,
        actor=world.bm,
        session=session,
        text="Sweep action",
        owner_id=world.practitioner.pk,
        due_on=session.starts_at.date() + timedelta(days=14),
    ).pk


def _feedback_cycle(world: World, made: dict[str, Any]):
    from learninghub.models import HubCycle

    cycle_id = made.get("hub_cycle_id") or _hub_cycle(world, made)
    made["hub_cycle_id"] = cycle_id
    return HubCycle.objects.in_partnership(world.partnership).get(pk=cycle_id)


def _feedback_session(world: World, made: dict[str, Any]) -> int:
    from tests.learninghub.feedback_helpers import session_make

    return session_make(world, cycle=_feedback_cycle(world, made)).pk


def _child_feedback(world: World, made: dict[str, Any]) -> int:
    from tests.learninghub.feedback_helpers import child_make

    return child_make(world, cycle=_feedback_cycle(world, made)).pk


def _evaluation_figure(world: World, made: dict[str, Any]) -> int:
    from learninghub.services.feedback import evaluation_figure_create

    cycle = _feedback_cycle(world, made)
    return evaluation_figure_create(
        partnership=world.partnership, actor=world.bm, cycle=cycle, label="Sweep score", value="4"
    ).pk


def _feedback_survey(world: World, made: dict[str, Any]) -> int:
    from tests.learninghub.feedback_helpers import survey_make

    return survey_make(world, cycle=_feedback_cycle(world, made)).pk


def _survey_question(world: World, made: dict[str, Any]) -> int:
    from learninghub.models import FeedbackSurvey
    from tests.learninghub.feedback_helpers import question_make

    survey_id = made.get("feedback_survey_id") or _feedback_survey(world, made)
    survey = FeedbackSurvey.objects.in_partnership(world.partnership).get(pk=survey_id)
    return question_make(world, survey).pk


def _you_said_we_did(world: World, made: dict[str, Any]) -> int:
    from learninghub.services.feedback import you_said_we_did_create

    cycle = _feedback_cycle(world, made)
    return you_said_we_did_create(
        partnership=world.partnership, actor=world.bm, cycle=cycle, you_said="Sweep", we_did="Swept"
    ).pk


def _challenge(world: World, made: dict[str, Any]) -> int:
    from tests.scrutiny.challenge_helpers import challenge_make

    return challenge_make(world).pk


def _scrutiny_plan(world: World, made: dict[str, Any]) -> int:
    from tests.scrutiny.plan_helpers import plan_make

    return plan_make(world).pk


def _plan_activity(world: World, made: dict[str, Any]) -> int:
    from scrutiny.models import ScrutinyPlan
    from tests.scrutiny.plan_helpers import activity_make

    # Not kept in ``made``: a route naming the activity names no plan.
    plan_id = _scrutiny_plan(world, made)
    return activity_make(world, ScrutinyPlan.objects.in_partnership(world.partnership).get(pk=plan_id)).pk


def _evidence_link(world: World, made: dict[str, Any]) -> int:
    from scrutiny.models import EvidenceLink, PlanActivity

    activity_id = made.get("plan_activity_id") or _plan_activity(world, made)
    activity = PlanActivity.objects.in_partnership(world.partnership).get(pk=activity_id)
    return EvidenceLink.objects.create(
        partnership=world.partnership, activity=activity, kind="hub_cycle", record_id=1, description="Sweep"
    ).pk


def _disagreement(world: World, made: dict[str, Any]) -> int:
    from tests.scrutiny.disagreement_helpers import disagreement_make

    return disagreement_make(world).pk


def _dataset_indicator(world: World, made: dict[str, Any]) -> int:
    from tests.scrutiny.datasets_helpers import indicator_make

    return indicator_make(world, f"Sweep indicator {next(_serial)}").pk


def _dataset_value(world: World, made: dict[str, Any]) -> int:
    from scrutiny.models import Indicator
    from tests.scrutiny.datasets_helpers import value_make

    indicator = Indicator.objects.get(pk=_dataset_indicator(world, made))
    return value_make(world, indicator, date(2024, 4, 1), 12, agency=world.school).pk


def _dataset_analysis(world: World, made: dict[str, Any]) -> int:
    from tests.scrutiny.datasets_helpers import analysis_make

    agency = Agency.objects.get(pk=_agency(world, made))
    return analysis_make(world, agency, date(2024, 4, 1)).pk


OBJECT_KWARGS: dict[str, ObjectMaker] = {
    # Scrutiny's quarterly data sets; ``agency`` is a data set column: an agency's id (or "partnership").
    "indicator_id": _dataset_indicator,
    "value_id": _dataset_value,
    "analysis_id": _dataset_analysis,
    "scrutiny_plan_id": _scrutiny_plan,
    "plan_activity_id": _plan_activity,
    "evidence_link_id": _evidence_link,
    "disagreement_id": _disagreement,
    "agency": _agency,
    "hub_observer_id": _hub_observer,
    "feedback_session_id": _feedback_session,
    "child_feedback_id": _child_feedback,
    "evaluation_figure_id": _evaluation_figure,
    "feedback_survey_id": _feedback_survey,
    "survey_question_id": _survey_question,
    "you_said_we_did_id": _you_said_we_did,
    "hub_cycle_id": _hub_cycle,
    "hub_nomination_id": _hub_nomination,
    "hub_session_id": _hub_session,
    "hub_session_action_id": _hub_session_action,
    "hub_phase_id": _hub_phase,
    "hub_task_id": _hub_task,
    "hub_audit_id": _hub_audit,
    "hub_finding_id": _hub_finding,
    "hub_draft_id": _hub_draft,
    "hub_measure_id": _hub_measure,
    "plan_indicator_id": _plan_indicator,
    "plan_item_id": _plan_item,
    "plan_version_id": _plan_version,
    "school_id": _school,
    "cycle_id": _sa_cycle,
    "return_id": _sa_return,
    "standard_id": _sa_standard,
    "gap_action_id": _sa_gap_action,
    "evidence_id": _sa_evidence,
    "recommendation_id": _plan_recommendation,
    "action_id": _action,
    "file_id": _evidence_file,
    "report_id": _progress_report,
    "scrutiny_report_id": _scrutiny_report,
    "report_version_id": _scrutiny_report_version,
    "report_narrative_id": _report_narrative,
    "agency_report_id": _agency_annual_report,
    "token_id": _api_token,
    "grant_id": _access_grant,
    "agency_id": _agency,
    "membership_id": _membership,
    "invitation_id": _invitation,
    "closure_day_id": _closure_day,
    "sign_off_id": _sign_off,
    "version_id": _document_version,
    "job_id": _export_job,
    "attendee_id": _meeting_attendee,
    "incident_id": _incident,
    "child_id": _child,
    "rapid_review_id": _rapid_review,
    "request_id": _information_request,
    "learning_review_id": _learning_review,
    "contributor_id": _contributor,
    "round_id": _round,
    "theme_id": _theme,
    "dissemination_id": _dissemination,
    "priority_id": _priority,
    "template_id": _audit_template,
    "template_version_id": _audit_template_version,
    "template_section_id": _audit_template_section,
    "template_question_id": _audit_template_question,
    "planned_audit_id": _planned_audit,
    "audit_round_id": _audit_round,
    "audit_case_id": _audit_case,
    "audit_return_id": _audit_return,
    "evidence_file_id": _audit_evidence_file,
    "audit_finding_id": _audit_finding,
    "challenge_id": _challenge,
}

# URL kwargs that name a fixed thing, not an object: the same value in every partnership, so the slug alone decides
# whose data answers. The sweep fills them in and checks the route across partnerships by its slug.
NAME_KWARGS: dict[str, str] = {
    "panel": "timeliness",  # a scrutiny dashboard panel
    "quarter": "2024-04",  # a quarter of the data sets (its first month)
}

NOT_TENANT_SCOPED: dict[str, str] = {
    "health": "Container health check: answers 'ok' without touching the database.",
    "home": "Lists or redirects to the signed-in person's own memberships only.",
    "account:login": "Signing in: about the person, before any partnership is chosen.",
    "account:logout": "Signing out.",
    "account:two_factor_setup": "The person's own second factor.",
    "account:two_factor_verify": "The person's own second factor.",
    "account:password_reset": "Asks for a reset email by address; answers alike whether or not it exists.",
    "account:password_reset_sent": "A fixed confirmation page.",
    "account:password_reset_confirm": (
        "uidb64 and token identify a person's account, checked by Django's token generator; no partnership data."
    ),
    "account:password_reset_complete": "A fixed confirmation page.",
    "account:invitation_accept": (
        "The token is the secret of one invitation, found by its hash; it is not partnership-scoped "
        "(the newcomer is not a member of any partnership yet)."
    ),
    "account:api_token": "The person's own API tokens, in their active partnerships only.",
    "account:shared_with_me": "Grants in force whose grantee is the signed-in person, checked in the same query.",
    "account:shared_item": (
        "One grant, found only among those in force for the signed-in person (else 404): its owner chose to show "
        "these fields to this person (tests/partnership/test_access_grants.py)."
    ),
    "learninghub_observing:list": (
        "Hub cycles the signed-in person observes: grants in force whose grantee is that person, checked in the "
        "same query (tests/isolation/test_hub_observers.py)."
    ),
    "learninghub_observing:cycle": (
        "One observed cycle, found only among the grants in force for the signed-in person (else 404), read "
        "only: the host invited this person to it (tests/isolation/test_hub_observers.py)."
    ),
    "api:partnership_list": "Lists only the caller's own partnerships.",
    "api_schema": "The OpenAPI description of the API: no data.",
    "learninghub_public:survey_answer": (
        "A learning hub survey's public link: found by its unguessable token alone, it shows that one open survey "
        "and takes answers, nothing else (tests/learninghub/test_feedback_public_survey.py)."
    ),
    "api_docs": "The API documentation page: no data.",
    r"api/v1/^(?:[\s\S]*/)?$": "The API's JSON 404 for unknown paths.",
}
