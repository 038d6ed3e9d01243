"""The self-assessment pages: launching a cycle, answering and submitting a return, signatures, evidence,
actions, sending back; who sees what; two people editing at once; another partnership's ids."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audits.models import GapAction, ReturnStandard, SelfAssessmentCycle, SelfAssessmentReturn
from tests.audits.sa_helpers import cycle_make, fill, published_version, return_of, school_lead, schools_make

pytestmark = pytest.mark.django_db


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _post_answers(client, world, ret, answers: dict, *, version: int, intent: str = "save"):
    data = {f"answer_{key}": value for key, value in answers.items()}
    return client.post(
        _url("sa_return_detail", world, return_id=ret.pk), {**data, "edit_version": version, "intent": intent}
    )


def test_a_business_manager_launches_a_cycle(world_a, client_for):
    version = published_version(world_a, "section-11")
    client = client_for(world_a.bm)
    today = timezone.localdate()

    refused = client.post(_url("cycle_create", world_a), {"version": version.pk, "year": 2026, "opens_on": today})
    assert refused.status_code == 400
    assert 'id="id_due_on-error"' in refused.content.decode()

    response = client.post(
        _url("cycle_create", world_a),
        {"version": version.pk, "year": 2026, "opens_on": today, "due_on": today + timedelta(days=40)},
        follow=True,
    )

    assert response.status_code == 200
    assert "Launched Section 11 self-assessment 2026: 4 returns" in response.content.decode()
    cycle = SelfAssessmentCycle.objects.in_partnership(world_a.partnership).get()
    assert cycle.title == "Section 11 self-assessment 2026"


def test_the_cycle_page_pages_and_filters_its_returns_with_a_fixed_number_of_queries(
    world_a, client_for, django_assert_max_num_queries
):
    schools_make(world_a, 30)
    cycle = cycle_make(world_a, "section-175").cycle
    client = client_for(world_a.la_lead.person)
    url = _url("cycle_detail", world_a, cycle_id=cycle.pk)
    client.get(url)

    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert "30 returns (page 1 of 2)" in page
    assert "0 of 11" in page
    with django_assert_max_num_queries(12):
        client.get(url + "?page=2")
    filtered = client.get(url + "?state=submitted").content.decode()
    assert "No return matches." in filtered
    searched = client.get(url + "?q=200007").content.decode()
    assert "1 return" in searched


def test_an_agency_lead_answers_and_submits_their_return(world_a, client_for):
    cycle = cycle_make(world_a).cycle
    ret = return_of(world_a, cycle, world_a.school)
    client = client_for(world_a.agency_lead.person)

    page = client.get(_url("sa_return_detail", world_a, return_id=ret.pk))
    assert page.status_code == 200
    assert 'data-testid="return-form"' in page.content.decode()
    mine = client.get(_url("sa_my_returns", world_a)).content.decode()
    assert "Alpha Primary School" in mine

    bad = _post_answers(client, world_a, ret, {"training-self-score": "9"}, version=1)
    assert bad.status_code == 400
    assert 'id="id_answer_training-self-score-error"' in bad.content.decode()

    incomplete = _post_answers(client, world_a, ret, {"training-self-score": "3"}, version=1, intent="submit")
    assert incomplete.status_code == 400
    assert 'data-testid="return-problems"' in incomplete.content.decode()
    assert "Leadership and accountability: answer" in incomplete.content.decode()
    ret.refresh_from_db()
    assert ret.edit_version == 2  # the answers were saved

    done = _post_answers(client, world_a, ret, fill(ret), version=2, intent="submit")
    assert done.status_code == 302
    ret.refresh_from_db()
    assert ret.state == SelfAssessmentReturn.State.SUBMITTED
    shown = client.get(_url("sa_return_detail", world_a, return_id=ret.pk)).content.decode()
    assert "Fully met (3)" in shown
    assert 'data-testid="return-form"' not in shown


def test_two_people_editing_the_same_return_the_second_save_is_refused(world_a, client_for):
    from tests.factories import membership_make

    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    deputy = membership_make(
        partnership=world_a.partnership, agency=world_a.school, roles=["agency_lead"], email="deputy@alpha.example"
    )
    first, second = client_for(world_a.agency_lead.person), client_for(deputy.person)

    _post_answers(first, world_a, ret, {"training-self-score": "3"}, version=1)
    response = _post_answers(second, world_a, ret, {"training-self-score": "0"}, version=1)

    assert response.status_code == 400
    assert "Someone else saved this return while you were editing it" in response.content.decode()
    standard = ReturnStandard.objects.in_partnership(world_a.partnership).get(
        assessment_return=ret, section_key="training"
    )
    assert standard.self_score == 3


def test_who_sees_a_return(world_a, client_for):
    from tests.factories import AgencyFactory, membership_make

    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.council)
    other_lead = membership_make(
        partnership=world_a.partnership,
        agency=AgencyFactory(partnership=world_a.partnership, name="Other"),
        roles=["agency_lead"],
        email="other-lead@alpha.example",
    )
    url = _url("sa_return_detail", world_a, return_id=ret.pk)

    for membership in (world_a.agency_lead, other_lead, world_a.practitioner, world_a.lay_member):
        assert client_for(membership.person).get(url).status_code == 404
    reader = client_for(world_a.scrutineer.person)
    assert reader.get(url).status_code == 200
    assert _post_answers(reader, world_a, ret, {"training-self-score": "3"}, version=1).status_code == 403
    assert client_for(world_a.agency_lead.person).get(_url("cycle_list", world_a)).status_code == 403


def test_a_school_lead_sends_the_return_for_signatures_and_records_them(world_a, client_for):
    schools_make(world_a, 1)
    cycle = cycle_make(world_a, "section-175").cycle
    ret = SelfAssessmentReturn.objects.in_partnership(world_a.partnership).get(cycle=cycle)
    lead = school_lead(world_a, ret.agency)
    client = client_for(lead.person)
    _post_answers(client, world_a, ret, fill(ret), version=1, intent="submit")
    ret.refresh_from_db()
    assert ret.state == SelfAssessmentReturn.State.AWAITING_SIGNATURES
    sign = _url("sa_return_sign", world_a, return_id=ret.pk)

    wrong = client.post(sign, {"signer": "head", "name": "Nobody", "edit_version": ret.edit_version})
    assert wrong.status_code == 400
    assert 'id="id_name-error"' in wrong.content.decode()
    assert 'id="id_confirmed-error"' in wrong.content.decode()
    client.post(sign, {"signer": "head", "name": "Head 0", "confirmed": "on", "edit_version": ret.edit_version})
    ret.refresh_from_db()
    client.post(sign, {"signer": "governor", "name": "Governor 0", "confirmed": "on", "edit_version": ret.edit_version})

    ret.refresh_from_db()
    assert ret.state == SelfAssessmentReturn.State.SUBMITTED


def test_a_business_manager_sends_a_submitted_return_back(world_a, client_for):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    _post_answers(client_for(world_a.agency_lead.person), world_a, ret, fill(ret), version=1, intent="submit")
    client = client_for(world_a.bm)

    assert client.post(_url("sa_return_send_back", world_a, return_id=ret.pk), {"reason": ""}).status_code == 400
    response = client.post(_url("sa_return_send_back", world_a, return_id=ret.pk), {"reason": "More evidence, please."})

    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.state == SelfAssessmentReturn.State.DRAFT
    assert (
        client_for(world_a.la_lead.person)
        .post(_url("sa_return_send_back", world_a, return_id=ret.pk), {"reason": "x"})
        .status_code
        == 403
    )


def test_evidence_and_actions_on_a_standards_page(world_a, client_for):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    standard = ReturnStandard.objects.in_partnership(world_a.partnership).filter(assessment_return=ret).first()
    client = client_for(world_a.agency_lead.person)
    url = _url("standard_detail", world_a, return_id=ret.pk, standard_id=standard.pk)

    for upload, message in (
        (SimpleUploadedFile("e.pdf", b""), "The file is empty."),
        (SimpleUploadedFile("e.exe", b"MZ\x90\x00"), "The file must be"),
    ):
        response = client.post(url, {"form": "evidence", "file": upload})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert (
        client.post(url, {"form": "evidence", "file": SimpleUploadedFile("minutes.pdf", b"%PDF-1.4")}).status_code
        == 302
    )
    page = client.get(url).content.decode()
    assert "minutes.pdf" in page
    stored_link = page.split('data-testid="evidence-list"')[1].split('href="')[1].split('"')[0]
    download = client.get(stored_link)
    assert download["Content-Disposition"] == 'attachment; filename="minutes.pdf"'

    missing = client.post(url, {"form": "action", "action": "", "owner": "", "due_on": ""})
    assert missing.status_code == 400
    assert 'id="id_owner-error"' in missing.content.decode()
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    client.post(url, {"form": "action", "action": "Audit supervision", "owner": "Head of service", "due_on": due})
    action = GapAction.objects.in_partnership(world_a.partnership).get()
    assert (
        client_for(world_a.bm)
        .post(_url("gap_action_remove", world_a, return_id=ret.pk, standard_id=standard.pk, gap_action_id=action.pk))
        .status_code
        == 403
    )
    client.post(_url("gap_action_remove", world_a, return_id=ret.pk, standard_id=standard.pk, gap_action_id=action.pk))
    assert not GapAction.objects.in_partnership(world_a.partnership).exists()


def test_another_partnerships_cycle_return_and_standard_are_missing(world_a, world_b, client_for):
    cycle = cycle_make(world_a).cycle
    ret = return_of(world_a, cycle, world_a.school)
    standard = ReturnStandard.objects.in_partnership(world_a.partnership).filter(assessment_return=ret).first()
    own_ret = return_of(world_b, cycle_make(world_b).cycle, world_b.school)
    client = client_for(world_b.bm)

    assert client.get(_url("cycle_detail", world_b, cycle_id=cycle.pk)).status_code == 404
    assert client.get(_url("sa_return_detail", world_b, return_id=ret.pk)).status_code == 404
    assert client.get(_url("standard_detail", world_b, return_id=ret.pk, standard_id=standard.pk)).status_code == 404
    # world_b's own return with world_a's standard.
    assert (
        client.get(_url("standard_detail", world_b, return_id=own_ret.pk, standard_id=standard.pk)).status_code == 404
    )
    lead_b = client_for(world_b.agency_lead.person)
    assert _post_answers(lead_b, world_b, ret, {"training-self-score": "3"}, version=1).status_code == 404
    # A template version of world_a in world_b's launch form is refused like a missing one.
    version_a = cycle.version
    today = timezone.localdate()
    refused = client.post(
        _url("cycle_create", world_b),
        {"version": version_a.pk, "year": 2030, "opens_on": today, "due_on": today + timedelta(days=5)},
    )
    assert refused.status_code == 400
    assert "Choose a template from the list." in refused.content.decode()


def test_a_return_and_a_standard_page_run_a_fixed_number_of_queries(world_a, client_for, django_assert_max_num_queries):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    client = client_for(world_a.agency_lead.person)
    standards = list(ReturnStandard.objects.in_partnership(world_a.partnership).filter(assessment_return=ret))
    for standard in standards:
        GapAction.objects.create(
            partnership=world_a.partnership,
            standard=standard,
            action="An action",
            owner="Owner",
            due_on=timezone.localdate() + timedelta(days=3),
        )
        client.post(
            _url("standard_detail", world_a, return_id=ret.pk, standard_id=standard.pk),
            {"form": "evidence", "file": SimpleUploadedFile("e.pdf", b"%PDF-1.4")},
        )
    url = _url("sa_return_detail", world_a, return_id=ret.pk)
    client.get(url)

    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.content.decode().count("Evidence (1) and actions (1)") == 11
    with django_assert_max_num_queries(16):
        client.get(_url("standard_detail", world_a, return_id=ret.pk, standard_id=standards[0].pk))
