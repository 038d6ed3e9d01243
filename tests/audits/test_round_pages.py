"""Pages of the programme, rounds, cases and returns: the happy paths, refusals, roles, tenancy, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits.models import AuditAnswer, AuditCase, AuditReturn, AuditRound, PlannedAudit
from audits.services.returns import audit_return_save
from tests.audits.helpers import GOOD_ANSWERS, first_return, published_case_audit, round_make

pytestmark = pytest.mark.django_db


def _url(world, name, **kwargs):
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_business_manager_plans_sets_up_screens_selects_assigns_and_opens(world_a, client_for):
    client = client_for(world_a.bm)
    response = client.post(
        _url(world_a, "programme") + "?year=2026", {"year": "2026", "month": "4", "title": "Neglect"}
    )
    assert response.status_code == 302
    planned = PlannedAudit.objects.get(partnership=world_a.partnership)
    version = published_case_audit(world_a)
    page = client.get(_url(world_a, "round_create") + f"?planned={planned.pk}")
    assert page.context["form"].initial["title"] == "Neglect"
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        _url(world_a, "round_create"),
        {
            "title": "Neglect audit",
            "template_version_id": str(version.pk),
            "due_on": due,
            "planned_id": str(planned.pk),
        },
    )
    assert response.status_code == 302, response.content
    audit_round = AuditRound.objects.get(partnership=world_a.partnership)
    response = client.post(
        _url(world_a, "round_screen", audit_round_id=audit_round.pk), {"references": "CA-1\nCA-2\nCA-3"}
    )
    assert response.status_code == 302
    case = AuditCase.objects.get(round=audit_round, reference="CA-2")
    response = client.post(
        _url(world_a, "case_select", audit_case_id=case.pk),
        {"selected": "on", "reason": "Repeat referrals", "expected_updated_at": case.updated_at.isoformat()},
    )
    assert response.status_code == 302
    response = client.post(
        _url(world_a, "case_assign", audit_case_id=case.pk),
        {"agency_id": str(world_a.school.pk), "practitioner_id": str(world_a.practitioner.pk)},
    )
    assert response.status_code == 302
    audit_round.refresh_from_db()
    response = client.post(
        _url(world_a, "round_move", audit_round_id=audit_round.pk),
        {"to": "open", "expected_updated_at": audit_round.updated_at.isoformat()},
    )
    assert response.status_code == 302
    audit_round.refresh_from_db()
    assert audit_round.state == AuditRound.State.OPEN
    page = client.get(_url(world_a, "round_detail", audit_round_id=audit_round.pk))
    assert b"3 cases screened, 1 selected" in page.content


def test_refusals_are_400_beside_their_fields(world_a, client_for):
    client = client_for(world_a.bm)
    response = client.post(_url(world_a, "round_create"), {"title": "", "template_version_id": "", "due_on": "32/13"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"title", "template_version_id", "due_on"}
    audit_round = round_make(world_a, open_it=False)
    response = client.post(_url(world_a, "round_screen", audit_round_id=audit_round.pk), {"references": "Jane <b>"})
    assert response.status_code == 400
    assert "references" in response.context["screen_form"].errors
    response = client.post(
        _url(world_a, "round_move", audit_round_id=audit_round.pk),
        {"to": "closed", "expected_updated_at": audit_round.updated_at.isoformat()},
    )
    assert response.status_code == 400
    audit_round.refresh_from_db()
    assert audit_round.state == AuditRound.State.SETUP


def test_practitioner_answers_saves_a_draft_and_submits(world_a, client_for):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    client = client_for(world_a.practitioner.person)
    mine = client.get(_url(world_a, "my_returns"))
    assert mine.status_code == 200
    assert b"CA-2026-001" in mine.content
    url = _url(world_a, "return_detail", audit_return_id=audit_return.pk)
    page = client.get(url)
    assert b"return-form" in page.content
    response = client.post(url, {"version": "1", "early-help-grade": "2", "action": "save"})
    assert response.status_code == 302
    # Submitting with questions unanswered: 400, an error beside each, nothing submitted.
    response = client.post(url, {"version": "2", "action": "submit"})
    assert response.status_code == 400
    assert "overall-grade" in response.context["form"].errors
    # The refused submit wrote nothing: the edit counter is still 2.
    data = {**GOOD_ANSWERS, "version": "2", "action": "submit"}
    data["overall-evidence-file"] = SimpleUploadedFile("chronology.txt", b"3 March: early help assessment.")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    audit_return.refresh_from_db()
    assert audit_return.state == AuditReturn.State.SUBMITTED
    page = client.get(url)
    assert b"return-form" not in page.content  # read-only
    assert b"chronology.txt" in page.content
    file_link = page.context["sheet"][-1].items[-1].files[0]
    download = client.get(
        _url(world_a, "return_evidence", audit_return_id=audit_return.pk, evidence_file_id=file_link.pk)
    )
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")


def test_a_stale_save_is_refused_and_keeps_both(world_a, client_for):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    audit_return_save(
        partnership=world_a.partnership,
        membership=world_a.practitioner,
        audit_return=audit_return,
        answers={"overall-strengths": "Saved first"},
        version=1,
    )
    client = client_for(world_a.practitioner.person)
    url = _url(world_a, "return_detail", audit_return_id=audit_return.pk)
    response = client.post(url, {"version": "1", "overall-strengths": "Typed second", "action": "save"})
    assert response.status_code == 400
    assert b"Someone else saved this return" in response.content
    assert b"Typed second" in response.content  # their input kept
    assert AuditAnswer.objects.get(audit_return=audit_return, question__key="overall-strengths").text == "Saved first"


def test_moderator_sends_back_and_moderates(world_a, client_for):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    audit_return_save(
        partnership=world_a.partnership,
        membership=world_a.practitioner,
        audit_return=audit_return,
        answers=GOOD_ANSWERS,
        version=1,
        submit=True,
    )
    audit_return.refresh_from_db()
    client = client_for(world_a.bm)
    page = client.get(_url(world_a, "return_detail", audit_return_id=audit_return.pk))
    assert b"moderation-form" in page.content
    response = client.post(
        _url(world_a, "return_moderate", audit_return_id=audit_return.pk),
        {"moderation-version": str(audit_return.version), "moderation-grade-voice-grade": "3"},
    )
    assert response.status_code == 400
    assert "rationale-voice-grade" in response.context["moderation"].errors
    response = client.post(
        _url(world_a, "return_moderate", audit_return_id=audit_return.pk),
        {
            "moderation-version": str(audit_return.version),
            "moderation-grade-voice-grade": "3",
            "moderation-rationale-voice-grade": "Not seen alone.",
        },
    )
    assert response.status_code == 302
    audit_return.refresh_from_db()
    assert audit_return.state == AuditReturn.State.MODERATED
    response = client.post(
        _url(world_a, "return_send_back", audit_return_id=audit_return.pk),
        {"send-back-version": str(audit_return.version), "send-back-reason": "Add the chronology."},
    )
    assert response.status_code == 302
    audit_return.refresh_from_db()
    assert audit_return.state == AuditReturn.State.SENT_BACK


def test_who_sees_which_return(world_a, world_b, client_for):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    url = _url(world_a, "return_detail", audit_return_id=audit_return.pk)
    assert client_for(world_a.agency_lead.person).get(url).status_code == 200  # the school's lead
    assert client_for(world_a.scrutineer.person).get(url).status_code == 200
    assert client_for(world_a.observer.person).get(url).status_code == 404
    assert client_for(world_a.lay_member.person).get(url).status_code == 404
    # The agency lead reads; only the named practitioner answers.
    page = client_for(world_a.agency_lead.person).get(url)
    assert b"return-form" not in page.content
    assert (
        client_for(world_a.practitioner.person)
        .get(_url(world_a, "round_detail", audit_round_id=audit_round.pk))
        .status_code
        == 403
    )
    other = client_for(world_b.bm)
    assert other.get(_url(world_b, "return_detail", audit_return_id=audit_return.pk)).status_code == 404
    assert other.get(_url(world_b, "round_detail", audit_round_id=audit_round.pk)).status_code == 404
    case = AuditCase.objects.filter(round=audit_round).first()
    assert other.get(_url(world_b, "case_detail", audit_case_id=case.pk)).status_code == 404


def test_the_list_counts_each_rounds_cases_and_returns_and_no_other_partnerships(world_a, world_b, client_for):
    """The counts are worked out for the page's rounds after the page is read (issue 13): each row has its own,
    a round with no cases has noughts, and another partnership's rounds and returns count for nothing."""
    busy = round_make(world_a, cases=5, selected=2)
    AuditRound.objects.filter(pk=busy.pk).update(title="Busy audit")
    AuditReturn.objects.filter(pk=first_return(busy).pk).update(state=AuditReturn.State.SUBMITTED)
    empty = round_make(world_a, cases=0, selected=0, open_it=False)
    AuditRound.objects.filter(pk=empty.pk).update(title="Empty audit")
    foreign = round_make(world_b, cases=4, selected=4)
    AuditReturn.objects.filter(case__round=foreign).update(state=AuditReturn.State.SUBMITTED)

    response = client_for(world_a.bm).get(_url(world_a, "round_list"))

    counted = {r.title: (r.screened, r.selected, r.returns_in, r.returns_total) for r in response.context["rounds"]}
    assert counted == {"Busy audit": (5, 2, 1, 2), "Empty audit": (0, 0, 0, 0)}
    html = response.content.decode()
    assert "<td>5</td>\n      <td>2</td>\n      <td>1 of 2</td>" in html
    assert "<td>0</td>\n      <td>0</td>\n      <td>0 of 0</td>" in html


def test_query_counts_are_pinned(world_a, client_for, django_assert_max_num_queries):
    for _ in range(3):
        round_make(world_a, cases=6, selected=3)
    bm = client_for(world_a.bm)
    with django_assert_max_num_queries(6):  # session, person, device, membership; the page of rounds; their counts
        assert bm.get(_url(world_a, "round_list")).status_code == 200
    audit_round = AuditRound.objects.filter(partnership=world_a.partnership).first()
    with django_assert_max_num_queries(12):
        assert bm.get(_url(world_a, "round_detail", audit_round_id=audit_round.pk)).status_code == 200
    audit_return = first_return(audit_round)
    with django_assert_max_num_queries(18):
        assert bm.get(_url(world_a, "return_detail", audit_return_id=audit_return.pk)).status_code == 200
    practitioner = client_for(world_a.practitioner.person)
    with django_assert_max_num_queries(10):
        assert practitioner.get(_url(world_a, "my_returns")).status_code == 200
    with django_assert_max_num_queries(18):
        assert practitioner.get(_url(world_a, "return_detail", audit_return_id=audit_return.pk)).status_code == 200
    with django_assert_max_num_queries(12):
        assert bm.get(_url(world_a, "programme")).status_code == 200


def test_the_practitioners_task_links_to_their_return(world_a, client_for):
    audit_round = round_make(world_a)
    audit_return = first_return(audit_round)
    page = client_for(world_a.practitioner.person).get(
        reverse("partnership:my_tasks", kwargs={"slug": world_a.partnership.slug})
    )
    assert page.status_code == 200
    assert _url(world_a, "return_detail", audit_return_id=audit_return.pk).encode() in page.content
    assert b"Neglect in under-fives" in page.content
