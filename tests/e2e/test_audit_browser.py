"""In a real browser: a practitioner submits a case audit return, then the business manager moderates it.
axe runs on every page of the audits (templates, priorities, programme, rounds, cases, returns, findings)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from audits.models import AuditAnswer, AuditCase, AuditReturn, AuditRound, PlannedAudit, TemplateVersion
from audits.services.findings import audit_finding_add
from audits.services.rounds import planned_audit_create
from audits.services.templates import template_version_draft
from partnership.services.priorities import priority_create
from tests.audits.helpers import GOOD_ANSWERS, first_return, round_make
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_answers(page: Page, answers: dict[str, str]) -> None:
    for key, value in answers.items():
        radio = page.locator(f'input[type="radio"][name="{key}"][value="{value}"]')
        if radio.count():
            radio.check()
        else:
            page.locator(f'[name="{key}"]').fill(value)


def test_a_practitioner_submits_and_the_business_manager_moderates(page: Page, browser: Browser, base_url, axe):
    world = World("Alpha")
    audit_round = round_make(world)
    audit_return = first_return(audit_round)
    slug = world.partnership.slug

    # The practitioner (no second factor for the role): their returns, then the return itself.
    sign_in(page, base_url, world.practitioner.person.email)
    page.goto(base_url + reverse("audits:my_returns", kwargs={"slug": slug}))
    expect(page.get_by_role("heading", level=1)).to_have_text("My audit returns")
    assert_accessible(axe, page, label="my audit returns")
    page.get_by_role("link", name=audit_return.case.reference).click()
    expect(page.get_by_test_id("return-state")).to_have_text("Not started")
    assert_accessible(axe, page, label="return page")
    # Submitting with nothing answered: the summary is focused, each error beside its question.
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_overall-grade-error")).to_contain_text("Answer this question before submitting.")
    assert_accessible(axe, page, label="return page with errors")
    _fill_answers(page, {"early-help-grade": "2", "overall-strengths": "Persistent practice."})
    page.get_by_role("button", name="Save a draft").click()
    expect(page.locator(".notification")).to_contain_text("Saved your draft.")
    expect(page.get_by_test_id("return-state")).to_have_text("In progress")
    _fill_answers(page, GOOD_ANSWERS)
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".notification")).to_contain_text("Submitted your return.")
    expect(page.get_by_test_id("return-state")).to_have_text("Submitted")
    expect(page.get_by_test_id("return-form")).to_have_count(0)
    assert_accessible(axe, page, label="submitted return (read-only)")

    # The business manager moderates, in a browser of their own.
    bm = browser.new_context().new_page()
    _sign_in_with_code(bm, base_url, world.bm)
    bm.goto(base_url + reverse("audits:return_detail", kwargs={"slug": slug, "audit_return_id": audit_return.pk}))
    assert_accessible(axe, bm, label="return page with the moderation form")
    bm.get_by_label("Moderated grade: How well did practitioners understand").select_option("3")
    bm.get_by_role("button", name="Record the moderation").click()
    expect(bm.locator(".error-summary")).to_be_focused()
    assert_accessible(axe, bm, label="moderation with errors")
    bm.get_by_label("Moderated grade: How well did practitioners understand").select_option("3")
    bm.locator('textarea[name="moderation-rationale-voice-grade"]').fill("The child was not seen alone.")
    bm.get_by_role("button", name="Record the moderation").click()
    expect(bm.locator(".notification")).to_contain_text("Recorded the moderation.")
    expect(bm.get_by_test_id("return-state")).to_have_text("Moderated")
    expect(bm.get_by_test_id("moderated").first).to_contain_text("Requires improvement")
    audit_return.refresh_from_db()
    assert audit_return.state == AuditReturn.State.MODERATED
    voice = AuditAnswer.objects.get(audit_return=audit_return, question__key="voice-grade")
    assert voice.moderated_option.label == "Requires improvement"


def test_every_audit_page_passes_axe(page: Page, base_url, axe):
    world = World("Alpha")
    slug = world.partnership.slug
    audit_round = round_make(world)
    priority = priority_create(
        partnership=world.partnership, actor=world.bm, title="Neglect", start_year=2026, end_year=2027
    )
    planned = planned_audit_create(partnership=world.partnership, actor=world.bm, year=2026, month=4, title="Neglect")
    audit_finding_add(
        partnership=world.partnership, actor=world.bm, audit_round=audit_round, kind="strength", text="Heard"
    )
    version = audit_round.template_version
    draft = template_version_draft(partnership=world.partnership, actor=world.bm, template=version.template)
    section = draft.sections.first()
    question = draft.questions.first()
    case = AuditCase.objects.filter(round=audit_round, selected=True).first()
    _sign_in_with_code(page, base_url, world.bm)
    pages = {
        "priorities": reverse("partnership:priority_list", kwargs={"slug": slug}),
        "priority edit": reverse("partnership:priority_edit", kwargs={"slug": slug, "priority_id": priority.pk}),
        "templates": reverse("audits:template_list", kwargs={"slug": slug}),
        "template": reverse("audits:template_detail", kwargs={"slug": slug, "template_id": version.template_id}),
        "published version": reverse(
            "audits:template_version_detail", kwargs={"slug": slug, "template_version_id": version.pk}
        ),
        "draft version": reverse(
            "audits:template_version_detail", kwargs={"slug": slug, "template_version_id": draft.pk}
        ),
        "section edit": reverse(
            "audits:template_section_edit", kwargs={"slug": slug, "template_section_id": section.pk}
        ),
        "question add": reverse(
            "audits:template_question_add", kwargs={"slug": slug, "template_section_id": section.pk}
        ),
        "question edit": reverse(
            "audits:template_question_edit", kwargs={"slug": slug, "template_question_id": question.pk}
        ),
        "case audits": reverse("audits:round_list", kwargs={"slug": slug}),
        "programme": reverse("audits:programme", kwargs={"slug": slug}) + "?year=2026",
        "planned edit": reverse("audits:planned_edit", kwargs={"slug": slug, "planned_audit_id": planned.pk}),
        "round create": reverse("audits:round_create", kwargs={"slug": slug}),
        "round": reverse("audits:round_detail", kwargs={"slug": slug, "audit_round_id": audit_round.pk}),
        "round edit": reverse("audits:round_edit", kwargs={"slug": slug, "audit_round_id": audit_round.pk}),
        "case": reverse("audits:case_detail", kwargs={"slug": slug, "audit_case_id": case.pk}),
        "findings": reverse("audits:round_findings", kwargs={"slug": slug, "audit_round_id": audit_round.pk}),
    }
    for label, path in pages.items():
        page.goto(base_url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(axe, page, label=label)
    # A refused form on the round page: the summary and the errors pass too.
    page.goto(base_url + pages["round"])
    page.get_by_role("textbox", name="Screened cases").fill("Jane <Smith>")
    page.get_by_role("button", name="Add the cases").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(axe, page, label="round page with errors")
    assert AuditRound.objects.filter(pk=audit_round.pk).exists()
    assert PlannedAudit.objects.filter(pk=planned.pk).exists()
    assert TemplateVersion.objects.filter(pk=draft.pk, state="draft").exists()
