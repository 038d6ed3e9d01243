"""The findings page of a cycle: roles, tenancy, each form's happy path and field errors, cross-tenant ids
refused, a query count that does not grow with the cycle's findings; the report as PDF and DOCX, read back."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument

from audits.models import AuditReturn, AuditRound
from audits.services.findings import audit_finding_add
from audits.services.returns import audit_return_save
from audits.services.rounds import audit_round_create
from learninghub.models import HubAuditLink, HubDraftRecommendation, HubFinding, HubMeasure, PhaseKind
from learninghub.services import findings as services
from partnership.models import DocumentVersion, ExportJob, StatutoryPartner
from partnership.models.recommendations import Recommendation
from partnership.services import exports as export_service
from partnership.services.documents import document_render_version
from tests.audits.helpers import GOOD_ANSWERS, published_case_audit, round_make
from tests.conftest import main_content, session_in_cache
from tests.learninghub.findings_helpers import cycle_in, themes
from tests.partnership.test_documents import _pdf_text

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"learninghub:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _submitted_round(world):
    audit_round = round_make(world)
    for audit_return in AuditReturn.objects.filter(case__round=audit_round):
        audit_return_save(
            partnership=world.partnership,
            membership=world.practitioner,
            audit_return=audit_return,
            answers=GOOD_ANSWERS,
            version=1,
            submit=True,
        )
    return audit_round


def _filled(world, *, rounds=1, findings=2, drafts=2, measures=2):
    """A cycle in month 4 with commissioned audits (graded and with findings) and the hub's own records."""
    cycle = cycle_in(world, PhaseKind.FINDINGS)
    theme_rows = themes(world)
    first = _submitted_round(world)
    audit_finding_add(
        partnership=world.partnership,
        actor=world.bm,
        audit_round=first,
        kind="improvement",
        text="Fathers left out of assessments",
        theme_id=theme_rows[0].pk,
    )
    linked = [first]
    for n in range(1, rounds):
        linked.append(
            audit_round_create(
                partnership=world.partnership,
                actor=world.bm,
                title=f"Second audit {n}",
                template_version_id=first.template_version_id,
                due_on=timezone.localdate() + timedelta(days=10),
            )
        )
    for audit_round in linked:
        services.hub_audit_round_link(
            partnership=world.partnership, actor=world.bm, cycle=cycle, audit_round_id=audit_round.pk
        )
    for n in range(findings):
        services.hub_finding_add(
            partnership=world.partnership,
            actor=world.bm,
            cycle=cycle,
            theme_id=theme_rows[n % 3].pk,
            text=f"Return interviews late in {n + 1} of 4 cases",
        )
    for n in range(drafts):
        services.hub_draft_add(
            partnership=world.partnership,
            actor=world.bm,
            cycle=cycle,
            text=f"Return interviews within 72 hours ({n})",
            lead_partner=StatutoryPartner.POLICE,
            theme_id=theme_rows[0].pk,
        )
    for n in range(measures):
        HubMeasure.objects.create(
            partnership=world.partnership, cycle=cycle, name=f"Measure {n}", value_at_start=10 + n, value_at_review=8
        )
    return cycle


# --- Roles and tenancy ------------------------------------------------------------------------------------


def test_roles_read_and_write_as_the_rules_say(world_a, client_for):
    cycle = _filled(world_a)
    url = _url(world_a, "cycle_findings", hub_cycle_id=cycle.pk)
    manager = client_for(world_a.bm).get(url)
    assert manager.status_code == 200
    content = manager.content.decode()
    assert "Fathers left out of assessments" in content
    assert "Return interviews late in 1 of 4 cases" in content
    assert 'data-testid="finding-form"' in content
    for reader in (world_a.scrutineer, world_a.police_lead):
        response = client_for(reader.person).get(url)
        assert response.status_code == 200
        assert b'data-testid="finding-form"' not in response.content
        assert b'data-testid="report-form"' in response.content
    for outsider in (world_a.practitioner, world_a.lay_member, world_a.agency_lead):
        assert client_for(outsider.person).get(url).status_code == 403
    post = client_for(world_a.scrutineer.person).post(
        _url(world_a, "findings_add", hub_cycle_id=cycle.pk), {"theme_id": "1", "text": "x"}
    )
    assert post.status_code == 403


def test_another_partnerships_cycle_and_rows_are_missing(world_a, world_b, client_for):
    cycle = _filled(world_a)
    finding = HubFinding.objects.filter(cycle=cycle).first()
    draft = HubDraftRecommendation.objects.filter(cycle=cycle).first()
    measure = HubMeasure.objects.filter(cycle=cycle).first()
    link = HubAuditLink.objects.filter(cycle=cycle).first()
    other = client_for(world_b.bm)
    slug = world_b.partnership.slug

    def url(name, **kwargs):
        return reverse(f"learninghub:{name}", kwargs={"slug": slug, **kwargs})

    assert other.get(url("cycle_findings", hub_cycle_id=cycle.pk)).status_code == 404
    for name, kwargs in (
        ("findings_add", {}),
        ("findings_remove", {"hub_finding_id": finding.pk}),
        ("findings_draft_move", {"hub_draft_id": draft.pk}),
        ("findings_measure_review", {"hub_measure_id": measure.pk}),
        ("findings_audit_unlink", {"hub_audit_id": link.pk}),
        ("findings_report", {}),
    ):
        assert other.post(url(name, hub_cycle_id=cycle.pk, **kwargs), {}).status_code == 404, name
    # Rows of another cycle of the same partnership are missing under this one too.
    mine = cycle_in(world_b, PhaseKind.FINDINGS)
    assert other.post(url("findings_remove", hub_cycle_id=mine.pk, hub_finding_id=finding.pk)).status_code == 404


# --- Forms ------------------------------------------------------------------------------------------------


def test_commission_and_link_audits_with_field_errors_and_cross_tenant_ids(world_a, world_b, client_for):
    cycle = cycle_in(world_a, PhaseKind.AUDITING)
    version = published_case_audit(world_a)
    client = client_for(world_a.bm)
    page = client.get(_url(world_a, "cycle_findings", hub_cycle_id=cycle.pk)).content.decode()
    assert 'data-testid="commission-form"' in page
    bad = client.post(_url(world_a, "findings_audit_commission", hub_cycle_id=cycle.pk), {"title": ""})
    assert bad.status_code == 400
    assert {"title", "template_version_id", "due_on"} <= set(bad.context["commission_form"].errors)
    assert b"error-summary" in bad.content
    ok = client.post(
        _url(world_a, "findings_audit_commission", hub_cycle_id=cycle.pk),
        {
            "title": "Missing children audit",
            "template_version_id": str(version.pk),
            "due_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )
    assert ok.status_code == 302
    assert HubAuditLink.objects.get(cycle=cycle).audit_round.title == "Missing children audit"
    theirs = round_make(world_b, open_it=False)
    refused = client.post(_url(world_a, "findings_audit_link", hub_cycle_id=cycle.pk), {"audit_round_id": theirs.pk})
    assert refused.status_code == 400
    assert "audit_round_id" in refused.context["link_form"].errors
    existing = audit_round_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        title="Existing audit",
        template_version_id=version.pk,
        due_on=timezone.localdate() + timedelta(days=5),
    )
    linked = client.post(_url(world_a, "findings_audit_link", hub_cycle_id=cycle.pk), {"audit_round_id": existing.pk})
    assert linked.status_code == 302
    assert HubAuditLink.objects.filter(cycle=cycle).count() == 2


def test_before_month_2_the_page_says_when_audits_start(world_a, client_for):
    cycle = cycle_in(world_a, PhaseKind.SCOPING)
    content = client_for(world_a.bm).get(_url(world_a, "cycle_findings", hub_cycle_id=cycle.pk)).content.decode()
    assert 'data-testid="audits-not-yet"' in content
    assert 'data-testid="commission-form"' not in content


def test_findings_drafts_agreement_and_measures_through_the_page(world_a, world_b, client_for):
    cycle = cycle_in(world_a, PhaseKind.FINDINGS)
    theme = themes(world_a)[0]
    foreign_theme = themes(world_b)[0]
    client = client_for(world_a.bm)
    add = _url(world_a, "findings_add", hub_cycle_id=cycle.pk)
    refused = client.post(add, {"theme_id": foreign_theme.pk, "text": ""})
    assert refused.status_code == 400
    assert set(refused.context["finding_form"].errors) == {"theme_id", "text"}
    assert client.post(add, {"theme_id": theme.pk, "text": "Return interviews late"}).status_code == 302
    finding = HubFinding.objects.get(cycle=cycle)
    assert (
        client.post(_url(world_a, "findings_remove", hub_cycle_id=cycle.pk, hub_finding_id=finding.pk)).status_code
        == 302
    )
    assert not HubFinding.objects.filter(cycle=cycle).exists()

    draft_url = _url(world_a, "findings_draft_add", hub_cycle_id=cycle.pk)
    bad = client.post(draft_url, {"text": "", "lead_partner": "army"})
    assert bad.status_code == 400
    assert set(bad.context["draft_form"].errors) == {"text", "lead_partner"}
    for text in ("Return interviews within 72 hours", "Dropped idea"):
        assert client.post(draft_url, {"text": text, "lead_partner": "police", "theme_id": theme.pk}).status_code == 302
    keep, drop = HubDraftRecommendation.objects.filter(cycle=cycle).order_by("pk")
    move = _url(world_a, "findings_draft_move", hub_cycle_id=cycle.pk, hub_draft_id=drop.pk)
    assert client.post(move, {"to": "dropped"}).status_code == 302
    drop.refresh_from_db()
    assert drop.state == HubDraftRecommendation.State.DROPPED
    agree = _url(world_a, "findings_drafts_agree", hub_cycle_id=cycle.pk)
    assert client.post(agree, {"draft_ids": [drop.pk]}).status_code == 400  # dropped: not offered
    assert client.post(agree, {}).status_code == 400
    assert client.post(agree, {"draft_ids": [keep.pk]}).status_code == 302
    keep.refresh_from_db()
    assert keep.recommendation.state == Recommendation.State.PROPOSED
    content = client.get(_url(world_a, "cycle_findings", hub_cycle_id=cycle.pk)).content.decode()
    assert keep.recommendation.reference in content

    measure_url = _url(world_a, "findings_measure_add", hub_cycle_id=cycle.pk)
    bad = client.post(measure_url, {"name": "", "value_at_start": "many"})
    assert bad.status_code == 400
    assert set(bad.context["measure_form"].errors) == {"name", "value_at_start"}
    ok = client.post(measure_url, {"name": "Repeat missing episodes", "value_at_start": "42", "unit": "a month"})
    assert ok.status_code == 302
    measure = HubMeasure.objects.get(cycle=cycle)
    # The impact review has not begun: its value is refused, beside the field.
    review = _url(world_a, "findings_measure_review", hub_cycle_id=cycle.pk, hub_measure_id=measure.pk)
    early = client.post(review, {f"review-{measure.pk}-value_at_review": "30"})
    assert early.status_code == 400
    assert "impact review" in str(early.context["review_form"].non_field_errors())


def test_the_impact_review_compares_before_and_after_on_the_page(world_a, client_for):
    cycle = cycle_in(world_a, PhaseKind.IMPACT_REVIEW)
    measure = HubMeasure.objects.create(
        partnership=world_a.partnership,
        cycle=cycle,
        name="Repeat missing episodes",
        value_at_start=42,
        higher_is_better=False,
    )
    client = client_for(world_a.bm)
    review = _url(world_a, "findings_measure_review", hub_cycle_id=cycle.pk, hub_measure_id=measure.pk)
    bad = client.post(review, {f"review-{measure.pk}-value_at_review": ""})
    assert bad.status_code == 400
    assert client.post(review, {f"review-{measure.pk}-value_at_review": "30"}).status_code == 302
    content = client.get(_url(world_a, "cycle_findings", hub_cycle_id=cycle.pk)).content.decode()
    assert "-12" in content
    assert "Better" in content


def grow(world, cycle) -> None:
    """Twenty more findings (over five themes) and drafts, and three more case audits commissioned: what must not
    add a query to the findings page or its API."""
    for n in range(20):
        services.hub_finding_add(
            partnership=world.partnership,
            actor=world.bm,
            cycle=cycle,
            theme_id=themes(world)[n % 5].pk,
            text=f"More {n}",
        )
        services.hub_draft_add(
            partnership=world.partnership,
            actor=world.bm,
            cycle=cycle,
            text=f"Draft {n}",
            lead_partner=StatutoryPartner.HEALTH,
        )
    # More rounds commissioned: the audits' selectors read them all at once.
    first = HubAuditLink.objects.filter(cycle=cycle).select_related("audit_round").first().audit_round
    for n in range(3):
        more = audit_round_create(
            partnership=world.partnership,
            actor=world.bm,
            title=f"Another audit {n}",
            template_version_id=first.template_version_id,
            due_on=timezone.localdate() + timedelta(days=10),
        )
        services.hub_audit_round_link(
            partnership=world.partnership, actor=world.bm, cycle=cycle, audit_round_id=more.pk
        )


def test_the_findings_page_reads_a_fixed_number_of_queries(world_a, client_for, django_assert_num_queries, settings):
    # The page worked out afresh, as the first reader after any change sees it (the audits' results not kept).
    settings.FIGURES_CACHE_SECONDS = 0
    small = _filled(world_a, rounds=1, findings=1, drafts=1, measures=1)
    client = client_for(world_a.bm)
    url = _url(world_a, "cycle_findings", hub_cycle_id=small.pk)
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES - session_in_cache()):
        assert client.get(url).status_code == 200
    grow(world_a, small)
    with django_assert_num_queries(PAGE_QUERIES - session_in_cache()):
        page = client.get(url)
    assert page.status_code == 200
    assert "Another audit 2" in page.content.decode()
    assert page.content.decode().count('data-testid="draft"') == 21


def _without_csrf_tokens(response) -> str:
    """The page's main content, its forms' tokens left out (each response masks the token afresh)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main_content(response.content.decode()))


def test_the_audits_results_are_kept_until_a_record_changes(world_a, client_for, keeping):
    cycle = _filled(world_a, rounds=1, findings=1, drafts=1, measures=1)
    client = client_for(world_a.bm)
    url = _url(world_a, "cycle_findings", hub_cycle_id=cycle.pk)
    with CaptureQueriesContext(connection) as first:
        drawn = client.get(url)
    with CaptureQueriesContext(connection) as again:
        kept = client.get(url)
    # The page's body is kept (partnership.kept_pages): none of its reads, the audits' four among them, run again;
    # only the session's and the cycle with its phases, which the title and breadcrumbs name.
    assert len(again) == 4 - session_in_cache() + 1 < len(first)
    assert _without_csrf_tokens(kept) == _without_csrf_tokens(drawn)
    assert "Fathers left out of assessments" in kept.content.decode()
    # A change to the audit's records: the next reader works the results out afresh and sees it.
    finding = {"kind": "strength", "text": "Health visitors shared concerns the same day"}
    audit_round = HubAuditLink.objects.get(cycle=cycle).audit_round
    audit_finding_add(partnership=world_a.partnership, actor=world_a.bm, audit_round=audit_round, **finding)
    with CaptureQueriesContext(connection) as after:
        changed = client.get(url)
    assert len(after) == len(first)
    assert "Health visitors shared concerns the same day" in changed.content.decode()


def test_the_forms_choices_in_one_query_keep_each_lists_order(world_a, world_b, django_assert_num_queries):
    from audits.selectors.rounds import case_audit_version_choices
    from learninghub.selectors.findings import _active_themes, audit_round_link_choices, findings_choices

    cycle = _filled(world_a, rounds=2)
    theme_rows = themes(world_a)
    theme_rows[0].is_active = False  # an inactive theme is offered nowhere
    theme_rows[0].save(update_fields=["is_active"])
    version = published_case_audit(world_a)
    for n in range(3):  # due the same day and on others: newest due first, then newest
        audit_round_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            title=f"Unlinked {n}",
            template_version_id=version.pk,
            due_on=timezone.localdate() + timedelta(days=10 + n % 2),
        )
    round_make(world_b, open_it=False)  # another partnership's round, theme and version: not offered
    themes(world_b)
    p = world_a.partnership
    with django_assert_num_queries(1):
        choices = findings_choices(partnership=p, cycle=cycle)
    assert choices.themes == [(t.pk, t.name) for t in _active_themes(partnership=p)]
    assert theme_rows[0].pk not in {pk for pk, _label in choices.themes}
    # Copies of one template share its name: among them the order was never set, so compare the labels in order.
    versions = [(v.pk, f"{v.template.name} (version {v.number})") for v in case_audit_version_choices(partnership=p)]
    assert [label for _pk, label in choices.versions] == [label for _pk, label in versions]
    assert set(choices.versions) == set(versions)
    assert choices.rounds == [(r.pk, r.title) for r in audit_round_link_choices(partnership=p, cycle=cycle)]
    assert len(choices.rounds) == 3  # the two linked to the cycle are not offered


# Session, person, second factor, membership (4; with the sessions in Redis, as deployed, 3); the cycle with its
# phases; findings, audit links, drafts, measures; the managers' form choices (themes, template versions and rounds to
# link, one query): 10, plus the audits' own selectors for every commissioned round at once (the templates' graded
# questions with their scales' options, answers counted, findings): 3.
PAGE_QUERIES = 10 + 3


# --- The report -------------------------------------------------------------------------------------------


def test_the_report_as_pdf_and_docx_read_back(world_a, client_for):
    cycle = _filled(world_a)
    client = client_for(world_a.scrutineer.person)
    url = _url(world_a, "findings_report", hub_cycle_id=cycle.pk)
    pdf = client.post(url, {"format": "pdf"})
    assert pdf.status_code == 302
    version = DocumentVersion.objects.get(partnership=world_a.partnership)
    assert pdf["Location"].endswith(f"/documents/{version.pk}/") or str(version.pk) in pdf["Location"]
    document_render_version(version_id=version.pk)  # the worker's side, run here
    version.refresh_from_db()
    assert version.state == DocumentVersion.State.READY
    text = _pdf_text(bytes(version.pdf))
    for expected in (
        "The priority",
        "Missing children and exploitation",
        "Audit results",
        "Fathers left out of assessments",
        "Findings by learning theme",
        "Return interviews late in 2 of 4 cases",
        "Recommendations",
        "Return interviews within 72 hours (1)",
        "Measure 1",
    ):
        assert expected in text, expected

    docx = client.post(url, {"format": "docx"})
    assert docx.status_code == 302
    job = ExportJob.objects.get(partnership=world_a.partnership)
    export_service.export_build(job_id=job.pk)
    job.refresh_from_db()
    word = WordDocument(io.BytesIO(bytes(job.file.data)))
    headings = [p.text for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:4] == ["The priority", "Audit results", "Findings by learning theme", "Recommendations"]
    cells = {c.text for t in word.tables for r in t.rows for c in r.cells}
    assert "Return interviews late in 2 of 4 cases" in cells
    assert "Return interviews within 72 hours (0)" in cells
    assert job.file.name.endswith(".docx")
    assert client_for(world_a.practitioner.person).post(url, {"format": "pdf"}).status_code == 403


def test_report_kind_refuses_another_partnerships_cycle(world_a, world_b):
    from django.core.exceptions import ValidationError

    from learninghub.export_declarations import KIND

    theirs = cycle_in(world_b, PhaseKind.FINDINGS)
    with pytest.raises(ValidationError) as caught:
        export_service.export_request(
            partnership=world_a.partnership, membership=world_a.business_manager, kind=KIND, data={"cycle": theirs.pk}
        )
    assert "cycle" in caught.value.message_dict
    assert not AuditRound.objects.filter(partnership=world_a.partnership).exists()


def _every_section_filled(world, *, large: bool):
    """A cycle in month 4 with something for each of the report's sections, at one of two sizes: the small one
    has one of each (and two saved versions of the plan); the large one 3 linked audit rounds, 25 findings, 8
    drafts, 4 measures, 3 sessions held, 4 members confirmed, 3 figures in each of 2 saved versions and 3 of each
    kind of feedback."""
    from learninghub.models import SessionKind
    from learninghub.services import feedback as feedback_services
    from learninghub.services.plans import delivery_plan_start, plan_version_save
    from learninghub.services.sessions import hub_session_attendance_set, hub_session_move
    from tests.learninghub import feedback_helpers as feedback
    from tests.learninghub import session_helpers
    from tests.learninghub.member_helpers import approve_by_all, nominate, shortlist, submit
    from tests.learninghub.plan_helpers import figure_add

    n = 3 if large else 1
    cycle = _filled(world, rounds=n, findings=25 if large else 1, drafts=8 if large else 1, measures=4 if large else 1)
    for kind in [SessionKind.MONTH_1, SessionKind.MONTH_2, SessionKind.MONTH_3][:n]:
        session = session_helpers.session_make(world, cycle=cycle, kind=kind)
        hub_session_attendance_set(
            partnership=world.partnership,
            actor=world.bm,
            session=session,
            attended_ids=[world.practitioner.pk],
            apologies_ids=[world.health_lead.pk],
        )
        hub_session_move(
            partnership=world.partnership,
            actor=world.bm,
            session=session,
            to="held",
            now=session_helpers.ENDS + timedelta(days=60),
        )
    members = [world.practitioner, world.agency_lead, world.police_lead, world.health_lead][: 4 if large else 1]
    for member in members:
        shortlist(world, nominate(world, cycle, member))
    approve_by_all(world, submit(world, cycle))
    plan = delivery_plan_start(partnership=world.partnership, actor=world.bm, cycle=cycle)
    for version in range(2):  # then and now, in both: one saved version alone is compared with the plan as it stands
        for figure in range(3 if large else 1):
            figure_add(world, plan, name=f"Figure {figure}", period=f"Q{version + 1}", value=str(10 + figure))
        plan_version_save(partnership=world.partnership, actor=world.bm, plan=plan, label=f"Month {version + 1}")
    for k in range(n):
        feedback.session_make(world, cycle=cycle, title=f"Forum {k}", quotes=[f"Quote {k}"])
        feedback.child_make(world, cycle=cycle)
        survey = feedback.survey_make(world, cycle=cycle, title=f"Survey {k}", sent_count=10)
        question = feedback.question_make(world, survey, kind="yes_no")
        feedback.survey_open(world, survey)
        feedback_services.survey_response_submit(survey=survey, answers={str(question.pk): "yes"})
        feedback_services.evaluation_figure_create(
            partnership=world.partnership, actor=world.bm, cycle=cycle, label=f"Score {k}", value="4", out_of="5"
        )
        entry = feedback_services.you_said_we_did_create(
            partnership=world.partnership, actor=world.bm, cycle=cycle, you_said=f"Said {k}", we_did=f"Did {k}"
        )
        feedback_services.you_said_we_did_move(
            partnership=world.partnership, actor=world.bm, entry=entry, to="published"
        )
    return cycle


# Building the report's sections (the DOCX adds none): the priority's measures; the members confirmed; the sessions
# held; the delivery plan and its two versions compared (3); the linked rounds and the audits' selectors for all of
# them at once (links, the templates' graded questions with their scales' options, answers counted, findings: 4); the
# feedback (sessions and their themes, children's feedback and its themes, surveys with their responses counted,
# evaluation figures, "you said, we did": 7); the findings; the drafts. The same for both sizes above.
REPORT_QUERIES = 19


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_the_reports_sections_and_its_docx_read_a_fixed_number_of_queries(world_a, django_assert_num_queries, large):
    from learninghub.export_declarations import _cycle
    from learninghub.report_sections import report_section_keys, report_sections_for
    from learninghub.services.findings_report import hub_findings_docx_write

    filled = _every_section_filled(world_a, large=large)
    cycle = _cycle(partnership=world_a.partnership, cycle_id=filled.pk)  # as the export's worker loads it
    report_sections_for(cycle)  # the content types' cache, as in a worker that has run before
    with django_assert_num_queries(REPORT_QUERIES):
        sections = report_sections_for(cycle)
    assert [s.key for s in sections] == report_section_keys()  # every section has something to say
    with django_assert_num_queries(REPORT_QUERIES):
        hub_findings_docx_write(cycle=cycle, out=io.BytesIO())
