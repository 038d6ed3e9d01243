"""Fuzzing the REST API against its own OpenAPI schema (schemathesis + Hypothesis).

Every operation in ``/api/schema/`` becomes one test. Schemathesis sends
requests built from the schema, valid and invalid (junk bodies, query strings,
path parameters, other methods and content types), and every answer must be
no 5xx and have a status code, content type, headers and body that the schema
documents for that operation.

Every request carries a real token of world_a's business manager (tokens skip
the second-factor check, see partnership/api/base.py), so the fuzzer is past
authentication; and most requests get world_a's real slug and object ids (and,
for working days, dates the calendar covers), so they get past the 404 into
the validation and service code. The rest keep the generated values, to fuzz
the lookups themselves.

Reproducible: Hypothesis is derandomized, so CI sends the same requests each
run. One test per operation, each starting from the same untouched world (made
once, each test rolled back to it: see ``worlds``); the requests of one test
share its database, so earlier PATCHes may have changed what a later request
reads: each answer is judged on its own.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application
from partnership.api.serializers import EARLIEST_DATE, LATEST_DATE
from partnership.models import Role
from partnership.services import closure_day_add, invitation_create
from partnership.services.documents import document_render_request, document_render_version
from partnership.services.signoff import sign_off_request
from tests.conftest import login
from tests.factories import World, api_token_key
from tests.reviews.decision_helpers import ready_review
from tests.reviews.factories import information_request_make
from tests.reviews.learning_review_factories import contributor_make, learning_review_make

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

# world_a's real slug and ids, set by the fixture for the test that is running. The hooks below
# read them when a request is drawn, not when the strategies are built: the ids differ per test.
REAL: dict[str, Any] = {}
# The part of REAL made once with the worlds (see ``worlds``).
BASE: dict[str, Any] = {}
# Out of every REAL_WEIGHT + 1 requests of the fuzzing phase, REAL_WEIGHT use real values and
# one keeps the generated ones. Pick 0 is real, and it is where Hypothesis shrinks to, so a
# failure is reported with real values where it can be.
REAL_WEIGHT = 4


def _real_path_parameters(parameters: dict[str, Any] | None, pick: int) -> dict[str, Any] | None:
    if pick == REAL_WEIGHT or not REAL or not parameters:
        return parameters
    real = {
        "slug": REAL["slug"],
        "agency_id": REAL["agency_ids"][pick % len(REAL["agency_ids"])],
        "membership_id": REAL["membership_ids"][pick % len(REAL["membership_ids"])],
        **REAL["kernel_ids"],
        **REAL["review_ids"],
        **REAL["recommendation_ids"],
        **REAL["plan_ids"],
        **REAL["audit_ids"],
        **REAL.get("case_audit_ids", {}),
        **REAL.get("export_ids", {}),
        **REAL.get("hub_ids", {}),
        **REAL.get("challenge_ids", {}),
        **REAL.get("scrutiny_ids", {}),
        # The scrutiny dashboard's panels that list a figure's records.
        "panel": ("notification", "timeliness", "decisions", "learning_reviews", "audit_grades")[pick % 5],
        **REAL.get("dataset_ids", {}),
    }
    return {name: real.get(name, value) for name, value in parameters.items()}


def _real_hub_ids_in_body(body: dict, pick: int) -> None:
    """The learning hub's findings: a real theme and a real draft, mostly; a task's named owner: a real member."""
    hub_ids = REAL.get("hub_ids") or {}
    if "owner_member_id" in body and pick % 2:
        body["owner_member_id"] = REAL["membership_ids"][pick % len(REAL["membership_ids"])]
    if "theme_id" in body and "hub_theme_id" in hub_ids and pick % 2:
        body["theme_id"] = hub_ids["hub_theme_id"]
    if "draft_ids" in body and "hub_draft_id" in hub_ids and pick % 2:
        body["draft_ids"] = [hub_ids["hub_draft_id"]]


def _real_challenge_in_body(body: dict, pick: int) -> None:
    """A scrutiny challenge: mostly about a real page of this partnership, to a real agency, so the service's own
    rules run past "no such page"."""
    if "subject_path" in body and pick % 2:
        body["subject_path"] = f"/p/{REAL['slug']}/scrutiny/"


def _real_dataset_ids_in_body(body: dict, pick: int) -> None:
    """Scrutiny's data sets: a real indicator and agency, mostly, so the services' own rules run."""
    if not REAL.get("dataset_ids") or not pick % 2:
        return
    if "indicator_id" in body:
        body["indicator_id"] = REAL["dataset_ids"]["indicator_id"]
    if "agency_id" in body:
        body["agency_id"] = REAL["agency_ids"][pick % len(REAL["agency_ids"])]


def _real_ids_in_body(body: Any, pick: int) -> Any:
    """An agency, a person (a contributor, an assignee) and a sign-off round of this partnership, mostly."""
    if pick == REAL_WEIGHT or not REAL or not isinstance(body, dict):
        return body
    body = dict(body)
    if "agency" in body:
        body["agency"] = REAL["agency_ids"][pick % len(REAL["agency_ids"])]
    for field in ("person", "assignee", "lead_author"):
        if field in body:
            body[field] = REAL["person_ids"][pick % len(REAL["person_ids"])]
    if "round" in body:
        body["round"] = 1
    # Action plans: a plan's recommendation, an agency and a person to lead an action, the plan's actions.
    if "lead_agency" in body:
        body["lead_agency"] = REAL["agency_ids"][pick % len(REAL["agency_ids"])]
    if "lead_person" in body:
        body["lead_person"] = REAL["person_ids"][pick % len(REAL["person_ids"])]
    if "recommendation_id" in body:
        # A plan's recommendation where the operation is the plan's; otherwise (a learning review's comment
        # on a draft recommendation, say) the draft one.
        body["recommendation_id"] = REAL["plan_ids"].get(
            "recommendation_id", REAL["recommendation_ids"]["recommendation_id"]
        )
    if "action_ids" in body and pick % 2:
        body["action_ids"] = REAL["plan_action_ids"]
    _real_hub_ids_in_body(body, pick)
    _real_challenge_in_body(body, pick)
    _real_dataset_ids_in_body(body, pick)
    # An export: mostly of a real cycle, so the kinds' own checks run, not only "no such cycle".
    if isinstance(body.get("parameters"), dict) and REAL.get("export_ids"):
        body["parameters"] = {**body["parameters"], "cycle": REAL["export_ids"]["export_cycle_id"]}
        if pick % 2:
            body["kind"] = "sa.cycle_returns"
    # A learning hub nomination: mostly a real member of the partnership, so the checks past "no such member" run.
    if "member_id" in body and "hub_role" in body:
        body["member_id"] = REAL["membership_ids"][pick % len(REAL["membership_ids"])]
    return body


def _dates_the_calendar_covers(query: dict[str, Any], pick: int, start: date, span: int) -> dict[str, Any]:
    if pick == REAL_WEIGHT:
        return query
    query = {**query, "start": start.isoformat()}
    if "end" in query:
        if "days" in query and pick % 2:
            del query["end"]  # days or end, not both: half of these become a valid question
        else:
            query["end"] = min(start + timedelta(days=span), LATEST_DATE).isoformat()
    return query


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    return st.integers(0, REAL_WEIGHT).map(lambda pick: _real_path_parameters(path_parameters, pick))


@schema.hook
def flatmap_body(context, body):
    # A member's agency, a person: mostly real ones of this partnership, so the services' own rules run.
    return st.integers(0, REAL_WEIGHT).map(lambda pick: _real_ids_in_body(body, pick))


@schema.hook
def flatmap_query(context, query):
    # Working days: random dates fall almost all outside the years the bank-holiday data covers (a 400).
    if not isinstance(query, dict) or "start" not in query:
        return st.just(query)
    return st.builds(
        _dates_the_calendar_covers,
        st.just(query),
        st.integers(0, REAL_WEIGHT),
        st.dates(EARLIEST_DATE, LATEST_DATE),
        st.integers(0, 800),
    )


def _aim_at_real_objects(case) -> None:
    """Coverage-phase requests (the deterministic boundary and wrong-type values) bypass the hooks.

    Send those at real objects too, except the ones whose point is the path
    parameter itself.
    """
    meta = case.meta
    if meta is None or meta.phase.name != "coverage" or not case.path_parameters:
        return
    if meta.phase.data.parameter_location == "path":
        return
    case.path_parameters.update(_real_path_parameters(case.path_parameters, next(REAL["turn"]) % REAL_WEIGHT))


def _review_ids(world: World) -> dict[str, int]:
    """Real review objects, so the fuzzer reaches the reviews endpoints' validation, not only their 404s."""
    review = ready_review(world)
    request = information_request_make(world)  # on a review of its own, still gathering returns
    learning_review = learning_review_make(world)
    return {
        "rapid_review_id": review.pk,
        "incident_id": review.incident_id,
        "request_id": request.pk,
        "attendee_id": review.attendees.first().pk,
        "learning_review_id": learning_review.pk,
        "contributor_id": contributor_make(world, learning_review).pk,
    }


def _plan_ids(world: World) -> tuple[dict[str, int], list[int]]:
    """A recommendation in progress with two actions (one with evidence) and a board report."""
    from django.utils import timezone

    from partnership.models.recommendations import Action, Rag, Recommendation, StoredFile
    from partnership.services.action_plans import action_update_record
    from partnership.services.progress_reports import progress_report_create
    from tests.partnership.action_plan_factories import pdf_upload, recommendation_make

    recommendation = recommendation_make(world, state=Recommendation.State.IN_PROGRESS, actions=2)
    actions = list(Action.objects.filter(plan__recommendation=recommendation).order_by("position"))
    update = action_update_record(
        partnership=world.partnership,
        membership=world.business_manager,
        action=actions[0],
        on=timezone.localdate(),
        note="Fuzz progress",
        rag=Rag.AMBER,
        evidence=[pdf_upload()],
    )
    report, _version = progress_report_create(
        partnership=world.partnership,
        membership=world.business_manager,
        title="Fuzz report",
        as_of=timezone.localdate(),
    )
    ids = {
        "recommendation_id": recommendation.pk,
        "action_id": actions[0].pk,
        "file_id": StoredFile.objects.get(owner_type__model="actionupdate", owner_id=update.pk).pk,
        "report_id": report.pk,
    }
    return ids, [a.pk for a in actions]


def _kernel_ids(world: World, *, render: bool) -> dict[str, int]:
    """Real settings rows, invitations, sign-offs and a document (rendered when ``render``: a real WeasyPrint
    run, a second or so, so only for the documents' own operations)."""
    invitation, _token = invitation_create(
        partnership=world.partnership,
        actor=world.bm,
        email="fuzz-invitee@alpha.example",
        full_name="Fuzz Invitee",
        agency=world.school,
        roles=[Role.PRACTITIONER],
    )
    closure_day = closure_day_add(partnership=world.partnership, actor=world.bm, day=date(2030, 12, 24))
    sign_off = sign_off_request(partnership=world.partnership, actor=world.bm, subject=world.school)
    version = document_render_request(
        partnership=world.partnership,
        actor=world.bm,
        subject=world.school,
        kind="fuzz",
        title="Fuzz document",
        template_name="documents/base_print.html",
        context={},
    )
    if render:
        document_render_version(version_id=version.pk)  # ready, so the download's 200 is fuzzed too
    return {
        "invitation_id": invitation.pk,
        "closure_day_id": closure_day.pk,
        "sign_off_id": sign_off.pk,
        "version_id": version.pk,
    }


def _export_ids(world: World) -> dict[str, int]:
    """A cycle to export and one export of it, written (its download's 200 is fuzzed too)."""
    from partnership.services.exports import export_build, export_request
    from tests.audits.sa_helpers import quick_return

    cycle_id = quick_return(world).cycle_id
    job = export_request(
        partnership=world.partnership,
        membership=world.business_manager,
        kind="sa.cycle_returns",
        data={"cycle": cycle_id},
    )
    export_build(job_id=job.pk)
    return {"job_id": job.pk, "export_cycle_id": cycle_id}


def _recommendation_ids(world: World) -> dict[str, int]:
    """A draft recommendation, a round, a theme and a dissemination record with a file: the fuzzer reaches
    their validation and services, not only their 404s."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from partnership.services.disseminations import dissemination_create
    from tests.recommendations.helpers import recommendation_make, round_make, themes

    theme = themes(world)[0]
    draft = recommendation_make(world, theme_ids=[theme.pk])
    dissemination = dissemination_create(
        partnership=world.partnership,
        actor=world.bm,
        recommendation=draft,
        kind="briefing",
        title="Fuzz briefing",
        on=date(2026, 3, 14),
        audience="Designated safeguarding leads",
        upload=SimpleUploadedFile("briefing.txt", b"Seven-minute briefing"),
    )
    return {
        "recommendation_id": draft.pk,
        "round_id": round_make(world).pk,
        "theme_id": theme.pk,
        "dissemination_id": dissemination.pk,
    }


def _case_audit_ids(world: World) -> dict[str, int]:
    """A priority, templates, a case audit round with a return, a finding and evidence: the case audit operations
    reach their services."""
    from audits.models import TemplateQuestion, TemplateSection
    from audits.services.templates import template_copy_builtin, template_version_draft
    from partnership.services.priorities import priority_create

    priority = priority_create(
        partnership=world.partnership, actor=world.bm, title="Fuzz priority", start_year=2026, end_year=2027
    )
    template = template_copy_builtin(partnership=world.partnership, actor=world.bm, builtin_key="section-11")
    draft = template_version_draft(partnership=world.partnership, actor=world.bm, template=template)
    section = TemplateSection.objects.filter(version=draft).first()
    from tests.audits.helpers import first_return, round_make

    audit_round = round_make(world, cases=2, selected=1)
    audit_return = first_return(audit_round)
    from audits.services.rounds import planned_audit_create

    planned = planned_audit_create(partnership=world.partnership, actor=world.bm, year=2026, month=6, title="Fuzz")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from audits.services.findings import audit_finding_add
    from audits.services.returns import audit_return_save
    from partnership.models import StoredFile

    finding = audit_finding_add(
        partnership=world.partnership, actor=world.bm, audit_round=audit_round, kind="improvement", text="Fuzz"
    )
    audit_return_save(
        partnership=world.partnership,
        membership=audit_return.practitioner,
        audit_return=audit_return,
        answers={},
        files={"overall-evidence-file": SimpleUploadedFile("fuzz.txt", b"Fuzz evidence")},
        version=audit_return.version,
    )
    return {
        "audit_finding_id": finding.pk,
        "evidence_file_id": StoredFile.objects.filter(partnership=world.partnership, name="fuzz.txt").get().pk,
        "planned_audit_id": planned.pk,
        "audit_round_id": audit_round.pk,
        "audit_case_id": audit_return.case_id,
        "audit_return_id": audit_return.pk,
        "priority_id": priority.pk,
        "template_id": template.pk,
        "template_version_id": draft.pk,
        "template_section_id": section.pk,
        "template_question_id": TemplateQuestion.objects.filter(section=section).first().pk,
    }


def _audit_ids(world: World, *, self_assessment: bool = False) -> dict[str, int]:
    """A school on the register and (for the self-assessment operations) a return the business manager is
    granted, with an action and an evidence file: the fuzzer reaches their validation, not only their 404s."""
    from audits.models import School
    from audits.services.schools import SchoolRow, school_import

    row = SchoolRow(
        line=2, values={"name": "Fuzz School", "urn": "123456", "head_teacher_name": "H", "dsl_email": "d@x.org"}
    )
    school_import(partnership=world.partnership, actor=world.bm, rows=[row], file_name="f.csv", file_kind="csv")
    ids = {"school_id": School.objects.in_partnership(world.partnership).get().pk}
    if self_assessment:
        from tests.audits.sa_helpers import quick_return
        from tests.isolation.conftest import _sa_evidence, _sa_gap_action

        ret = quick_return(world)
        made = {"return_id": ret.pk, "standard_id": ret.standards.order_by("position").first().pk}
        ids |= {"cycle_id": ret.cycle_id, **made}
        ids |= {"gap_action_id": _sa_gap_action(world, made), "evidence_id": _sa_evidence(world, made)}
    return ids


def _hub_findings_ids(world: World, cycle) -> dict[str, int]:
    """A cycle's commissioned audit, finding, draft and measure, and a theme for bodies that name one."""
    from learninghub.models import HubAuditLink, HubDraftRecommendation, HubFinding, HubMeasure
    from tests.audits.helpers import round_make
    from tests.learninghub.findings_helpers import themes

    theme = themes(world)[0]
    return {
        "hub_audit_id": HubAuditLink.objects.create(
            partnership=world.partnership, cycle=cycle, audit_round=round_make(world, cases=0, open_it=False)
        ).pk,
        "hub_finding_id": HubFinding.objects.create(
            partnership=world.partnership, cycle=cycle, theme=theme, text="Fuzz finding"
        ).pk,
        "hub_draft_id": HubDraftRecommendation.objects.create(
            partnership=world.partnership, cycle=cycle, text="Fuzz draft", lead_partner="police"
        ).pk,
        "hub_measure_id": HubMeasure.objects.create(
            partnership=world.partnership, cycle=cycle, name="Fuzz measure", value_at_start=1
        ).pk,
        "hub_theme_id": theme.pk,
    }


def _hub_plan_ids(world: World, cycle) -> dict[str, int]:
    """The cycle's delivery plan with a figure, a measure and a saved version: the plan's operations reach their
    validation, not only their 404s."""
    from learninghub.services.plans import delivery_plan_start, plan_version_save
    from tests.learninghub.plan_helpers import figure_add, measure_add

    plan = delivery_plan_start(partnership=world.partnership, actor=world.bm, cycle=cycle)
    ids = {"plan_indicator_id": figure_add(world, plan).pk, "plan_item_id": measure_add(world, plan).pk}
    ids["plan_version_id"] = plan_version_save(partnership=world.partnership, actor=world.bm, plan=plan, label="M1").pk
    return ids


def _feedback_ids(world: World, cycle) -> dict[str, int]:
    """A cycle's feedback records, one of each, and a draft survey with a question."""
    from learninghub.services import feedback as services
    from tests.learninghub.feedback_helpers import child_make, question_make, session_make, survey_make

    survey = survey_make(world, cycle=cycle)
    return {
        "feedback_session_id": session_make(world, cycle=cycle).pk,
        "child_feedback_id": child_make(world, cycle=cycle).pk,
        "evaluation_figure_id": services.evaluation_figure_create(
            partnership=world.partnership, actor=world.bm, cycle=cycle, label="Fuzz score", value="4"
        ).pk,
        "feedback_survey_id": survey.pk,
        "survey_question_id": question_make(world, survey).pk,
        "you_said_we_did_id": services.you_said_we_did_create(
            partnership=world.partnership, actor=world.bm, cycle=cycle, you_said="Fuzz", we_did="Fuzzed"
        ).pk,
    }


def _hub_ids(world: World) -> dict[str, int]:
    """A learning hub cycle with its phases and tasks: the fuzzer reaches their validation, not only their 404s."""
    from learninghub.models import HubPhase, HubTask, PhaseKind
    from tests.learninghub.findings_helpers import cycle_in

    # In month 4, so the findings' operations (audits from month 2, agreeing from month 4) reach their work.
    cycle = cycle_in(world, PhaseKind.FINDINGS)
    return {
        **_hub_findings_ids(world, cycle),
        **_hub_plan_ids(world, cycle),
        **_feedback_ids(world, cycle),
        "hub_cycle_id": cycle.pk,
        "hub_phase_id": HubPhase.objects.in_partnership(world.partnership)
        .filter(cycle=cycle)
        .order_by("position")[2]
        .pk,
        "hub_task_id": HubTask.objects.in_partnership(world.partnership).filter(cycle=cycle).first().pk,
        "hub_nomination_id": _hub_nomination_id(world, cycle),
        **_hub_session_ids(world, cycle),
    }


def _hub_session_ids(world: World, cycle) -> dict[str, int]:
    """A session of the cycle with one action, for the sessions' operations."""
    from learninghub.services.sessions import hub_session_action_add
    from tests.learninghub.session_helpers import session_make

    session = session_make(world, cycle=cycle)
    action = hub_session_action_add(
        partnership=world.partnership,
        actor=world.bm,
        session=session,
        text="Fuzz action",
        owner_id=world.practitioner.pk,
        due_on=session.starts_at.date(),
    )
    return {"hub_session_id": session.pk, "hub_session_action_id": action.pk}


def _challenge_ids(world: World, operation: str) -> dict[str, int]:
    """A challenge in the state the operation acts on: open to answer, answered to weigh, accepted to close."""
    from tests.scrutiny.challenge_helpers import State, challenge_moved

    state = State.OPEN
    if "/accept" in operation or "/escalate" in operation:
        state = State.RESPONDED
    elif "/close" in operation or "/recommendations" in operation:
        state = State.ACCEPTED
    return {"challenge_id": challenge_moved(world, state).pk}


def _hub_observer_ids(world: World, hub_ids: dict[str, int]) -> dict[str, int]:
    """An observer of the hub cycle, a person of a neighbouring partnership in a collaboration with the world."""
    from learninghub.models import HubCycle
    from tests.learninghub.observer_helpers import forum_make, observer_invite

    neighbour = World("Neighbour")
    forum = forum_make(world.partnership, neighbour.partnership)
    cycle = HubCycle.objects.in_partnership(world.partnership).get(pk=hub_ids["hub_cycle_id"])
    return {"hub_observer_id": observer_invite(world, cycle, neighbour.practitioner.person, forum).pk}


def _scrutiny_report_ids(world: World) -> dict[str, int]:
    """A draft annual report with its narrative and a version asked for, and an agency's annual report asked for."""
    from scrutiny.services.report_render import scrutiny_report_render_request
    from tests.scrutiny.report_helpers import agency_report, annual_report, narrative

    report = annual_report(world)
    return {
        "scrutiny_report_id": report.pk,
        "report_narrative_id": narrative(report, "introduction").pk,
        "report_version_id": scrutiny_report_render_request(
            partnership=world.partnership, actor=world.bm, report=report
        ).pk,
        "agency_report_id": agency_report(world).pk,
    }


def _hub_nomination_id(world: World, cycle) -> int:
    from tests.learninghub.member_helpers import nominate

    return nominate(world, cycle, world.practitioner, by=world.business_manager).pk


def _scrutiny_ids(world: World) -> dict[str, int]:
    """A scrutiny plan with an activity and a record seen, and a disagreement: their operations reach their
    validation, not only their 404s (the business manager fuzzing reads the plan and writes the disagreements)."""
    from scrutiny.models import EvidenceLink
    from tests.scrutiny.disagreement_helpers import disagreement_make
    from tests.scrutiny.plan_helpers import activity_make, plan_make

    plan = plan_make(world)
    activity = activity_make(world, plan)
    link = EvidenceLink.objects.create(
        partnership=world.partnership, activity=activity, kind="hub_cycle", record_id=1, description="Fuzz"
    )
    return {
        "scrutiny_plan_id": plan.pk,
        "plan_activity_id": activity.pk,
        "evidence_link_id": link.pk,
        "disagreement_id": disagreement_make(world).pk,
    }


def _dataset_ids(world: World) -> dict[str, int]:
    """Scrutiny's data sets: an indicator with a figure, and an analysis, so their operations reach their checks."""
    from scrutiny.models import IndicatorValue
    from tests.isolation.conftest import _dataset_analysis, _dataset_value

    value_id = _dataset_value(world, {})
    return {
        "value_id": value_id,
        "indicator_id": IndicatorValue.objects.get(pk=value_id).indicator_id,
        "analysis_id": _dataset_analysis(world, {}),
    }


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker) -> Iterator[tuple[World, World]]:
    """world_a, with the objects every operation may aim at, and a partnership of another (world_b), made once per
    process and kept in a transaction rolled back at the module's end.

    Each test runs in a savepoint inside it, rolled back after the test (Django's ``setUpTestData``), so every
    operation starts from the same untouched world, as a fresh one per test gave at a second and a flush a test.
    Schemathesis calls the WSGI application in this thread, on this connection; the handler's
    ``close_old_connections`` at the start and end of each request would close it inside the transaction, so it
    is off for the module, as Django's test client turns it off for each of its requests.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            world, other = World("Alpha"), World("Bravo")
            BASE.update(
                slug=world.partnership.slug,
                agency_ids=[world.council.pk, world.icb.pk, world.police.pk, world.school.pk],
                membership_ids=[getattr(world, attribute).pk for attribute, *_ in World.PEOPLE],
                person_ids=[getattr(world, attribute).person_id for attribute, *_ in World.PEOPLE],
                # The document rendered (a real WeasyPrint run, once), so the download's 200 is fuzzed too.
                kernel_ids=_kernel_ids(world, render=True),
                review_ids=_review_ids(world),
                recommendation_ids=_recommendation_ids(world),
            )
            yield world, other
        finally:
            BASE.clear()
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(worlds, db, request) -> Iterator[World]:
    """world_a, and in this test's savepoint the objects only some operations aim at (they take a second or two
    to make, so each is made for its own operations alone)."""
    world, _other = worlds
    # Helpers keep what they made on the world (a cycle, say); the savepoint's rollback unmakes it, so forget it too.
    attributes = dict(vars(world))
    name = request.node.name
    REAL.update(BASE, turn=itertools.count())
    if "/actions" in name or "/action-plan" in name or "/progress-reports" in name:
        plan_ids, action_ids = _plan_ids(world)
    else:
        plan_ids, action_ids = {}, []
    REAL.update(plan_ids=plan_ids, plan_action_ids=action_ids)
    REAL.update(
        audit_ids=_audit_ids(world, self_assessment="/self-assessment" in name)
        if "/schools" in name or "/self-assessment" in name
        else {}
    )
    REAL.update(export_ids=_export_ids(world) if "/exports" in name else {})
    if "/audit-" in name or "priorit" in name:
        REAL.update(case_audit_ids=_case_audit_ids(world))
    REAL.update(hub_ids=_hub_ids(world) if "/learning-hub/" in name else {})
    if "/observers" in name:
        REAL["hub_ids"] |= _hub_observer_ids(world, REAL["hub_ids"])
    REAL.update(challenge_ids=_challenge_ids(world, name) if "/scrutiny/challenges" in name else {})
    # The scrutiny plan's and disagreements' objects, and the reports': both, for any scrutiny operation.
    REAL.update(scrutiny_ids={**_scrutiny_ids(world), **_scrutiny_report_ids(world)} if "/scrutiny/" in name else {})
    REAL.update(dataset_ids=_dataset_ids(world) if "/data-sets/" in name else {})
    yield world
    REAL.clear()
    vars(world).clear()
    vars(world).update(attributes)


@pytest.fixture
def token_of_business_manager(world, request) -> str:
    if "/scrutiny/challenges" in request.node.name:
        # The challenge log is written by the scrutineer alone: its bodies are fuzzed as the scrutineer.
        return api_token_key(world.scrutineer.person)
    return api_token_key(world.bm)


@pytest.mark.django_db
@schema.parametrize()
# Twenty bodies an operation: the fuzz was half of the suite's time (1,013 of 2,401 seconds of test time on SQLite,
# 364 operations), and CI must stay under 40 minutes on two cores. Derandomized, so every run sends the same twenty.
@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_answers_as_its_schema_says(case, token_of_business_manager):
    _aim_at_real_objects(case)
    case.call_and_validate(headers={"Authorization": f"Token {token_of_business_manager}"}, checks=CHECKS)


# --- Everyone else: the 401s, 403s and 404s the base classes give must be documented too ------------


def _token(person) -> dict[str, Any]:
    return {"headers": {"Authorization": f"Token {api_token_key(person)}"}}


def _session(person, *, verified: bool) -> dict[str, Any]:
    # Writes by session need a CSRF token too, which these requests never carry: a 403 as well.
    cookie_name = django_settings.SESSION_COOKIE_NAME
    return {"cookies": {cookie_name: login(Client(), person, verified=verified).cookies[cookie_name].value}}


CALLERS = {
    "anonymous": lambda world, other: {},
    "practitioner": lambda world, other: _token(world.practitioner.person),
    "member_of_another_partnership": lambda world, other: _token(other.bm),
    "session_without_second_factor": lambda world, other: _session(world.bm, verified=False),
    "session_with_second_factor": lambda world, other: _session(world.bm, verified=True),
}


@pytest.fixture(scope="module")
def credentials(worlds) -> dict[str, dict[str, Any]]:
    """Each caller's ``call()`` keyword arguments: made once, with the worlds, not per test or request."""
    world, other = worlds
    return {caller: make(world, other) for caller, make in CALLERS.items()}


@pytest.mark.django_db
@schema.parametrize()
# One test per operation, every caller in it: a world costs more than the requests these callers make,
# and they mostly stop at the authentication, access or tenancy check before the body is read. Two
# requests per caller (four cost 539 seconds of the suite's 2,401 on SQLite for the same checks); the business
# manager's test above fuzzes the bodies.
@settings(
    max_examples=2,
    # Generated requests only: the schema's explicit examples are the business manager's test's to send (they
    # took 82% of this test's time and these callers stop before the body is read).
    phases=[Phase.generate],
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_api_answers_other_callers_as_its_schema_says(case, world, credentials):
    _aim_at_real_objects(case)
    for caller, arguments in credentials.items():
        try:
            case.call_and_validate(checks=CHECKS, **arguments)
        except Exception as failure:
            failure.add_note(f"Caller: {caller}")
            raise
