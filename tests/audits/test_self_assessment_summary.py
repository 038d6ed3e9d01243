"""The summary PDF of a self-assessment return: what it shows (scores, moderation, narrative, evidence names,
actions, signatures, the change since last cycle), who may ask for it, the page and the API, a real PDF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audits.models import ReturnStandard, SelfAssessmentReturn
from audits.services import moderation
from audits.services import self_assessment as sa
from audits.services.self_assessment_summary import DOCUMENT_KIND, return_summary_pdf_request
from partnership.models import DocumentVersion
from partnership.services.documents import document_render_version
from tests.audits.sa_helpers import cycle_make, fill, published_version, return_of, school_lead, schools_make
from tests.conftest import login
from tests.partnership.test_documents import _pdf_text

pytestmark = pytest.mark.django_db
NEXT_MONTH = timezone.localdate() + timedelta(days=30)


def _standard(world, ret, key: str) -> ReturnStandard:
    return ReturnStandard.objects.in_partnership(world.partnership).get(assessment_return=ret, section_key=key)


def _moderated_return(world) -> SelfAssessmentReturn:
    """The school agency's Section 11 return of 2026, moderated, after a 2025 return scored 1 throughout."""
    version = published_version(world, "section-11")
    lead = world.agency_lead
    last_year = return_of(world, cycle_make(world, year=2025, version=version).cycle, world.school)
    sa.return_save(
        partnership=world.partnership,
        membership=lead,
        assessment_return=last_year,
        answers=fill(last_year, score=1),
        expected_version=1,
    )
    ret = return_of(world, cycle_make(world, year=2026, version=version).cycle, world.school)
    answers = fill(ret, score=3)
    answers["training-self-score"] = 1
    answers["training-evidence"] = "Level 3 training compliance is 62% across the trust."
    ret = sa.return_save(
        partnership=world.partnership, membership=lead, assessment_return=ret, answers=answers, expected_version=1
    )
    training = _standard(world, ret, "training")
    sa.gap_action_add(
        partnership=world.partnership,
        membership=lead,
        standard=training,
        action="Book every DSL on the level 3 refresher",
        owner="Head of workforce development",
        due_on=NEXT_MONTH,
    )
    sa.standard_evidence_add(
        partnership=world.partnership,
        membership=lead,
        standard=training,
        upload=SimpleUploadedFile("training-compliance-q3.pdf", b"%PDF-1.4"),
    )
    ret = sa.return_submit(partnership=world.partnership, membership=lead, assessment_return=ret, expected_version=None)
    ret = moderation.return_moderate(
        partnership=world.partnership,
        actor=world.la_lead.person,
        assessment_return=ret,
        scores={"training": 0, "supervision": 3},
        notes={"training": "The training matrix was two years old: not met."},
        challenge_event_on=timezone.localdate() - timedelta(days=1),
        expected_version=ret.edit_version,
    )
    moderation.agreed_action_add(
        partnership=world.partnership,
        actor=world.la_lead.person,
        assessment_return=ret,
        standard=training,
        action="Report training compliance to the partnership each quarter",
        owner="Designated safeguarding lead",
        due_on=NEXT_MONTH,
    )
    return ret


def test_the_summary_shows_scores_moderation_evidence_actions_and_the_change_since_last_year(world_a):
    ret = _moderated_return(world_a)

    version = return_summary_pdf_request(
        partnership=world_a.partnership, membership=world_a.agency_lead, assessment_return=ret
    )

    assert version.document.kind == DOCUMENT_KIND
    assert version.document.audience == []  # who reads it is the return's own rule (its subject type)
    assert version.state == DocumentVersion.State.QUEUED
    assert version.number == 1
    html = " ".join(version.html.split())
    assert "Level 3 training compliance is 62% across the trust." in html
    assert "Partly met (1)" in html
    assert "Not met (0)" in html
    assert "The training matrix was two years old: not met." in html
    assert "training-compliance-q3.pdf" in html
    assert "Book every DSL on the level 3 refresher" in html
    assert "Head of workforce development" in html
    assert "Actions agreed at the challenge event" in html
    assert "Report training compliance to the partnership each quarter" in html
    # Against the 2025 self score of 1 everywhere: supervision's self score up, its moderated score new.
    assert "Self score 3: up from 1" in html
    assert "Self score 1: the same" in html
    assert "moderated score 0: down from 1" not in html  # 2025 was never moderated
    assert "moderated score 0: no score last cycle" in html

    # Nothing changed: the same version. A change to the return: a new one.
    again = return_summary_pdf_request(
        partnership=world_a.partnership, membership=world_a.business_manager, assessment_return=ret
    )
    assert again.pk == version.pk
    moderation.return_moderate(
        partnership=world_a.partnership,
        actor=world_a.bm,
        assessment_return=ret,
        scores={"training": 1},
        notes={},
        challenge_event_on=None,
        expected_version=SelfAssessmentReturn.objects.get(pk=ret.pk).edit_version,
    )
    ret.refresh_from_db()
    newer = return_summary_pdf_request(
        partnership=world_a.partnership, membership=world_a.business_manager, assessment_return=ret
    )
    assert newer.number == 2


def test_only_those_who_may_read_the_return_may_ask_for_its_summary(world_a, world_b):
    ret = return_of(world_a, cycle_make(world_a).cycle, world_a.school)
    for refused in (world_a.practitioner, world_a.lay_member):
        with pytest.raises(ValidationError) as caught:
            return_summary_pdf_request(partnership=world_a.partnership, membership=refused, assessment_return=ret)
        assert caught.value.code == "not_allowed"
    assert not DocumentVersion.objects.filter(partnership=world_a.partnership).exists()
    for reader in (world_a.agency_lead, world_a.scrutineer, world_a.police_lead):
        return_summary_pdf_request(partnership=world_a.partnership, membership=reader, assessment_return=ret)
    with pytest.raises(ValidationError):  # another partnership's return is never made into its documents
        return_summary_pdf_request(
            partnership=world_b.partnership, membership=world_b.business_manager, assessment_return=ret
        )


def test_a_schools_summary_shows_the_heads_and_governors_signatures(world_a):
    schools_make(world_a, 1)
    cycle = cycle_make(world_a, "section-175").cycle
    ret = SelfAssessmentReturn.objects.in_partnership(world_a.partnership).get(cycle=cycle)
    lead = school_lead(world_a, ret.agency)
    ret = sa.return_save(
        partnership=world_a.partnership, membership=lead, assessment_return=ret, answers=fill(ret), expected_version=1
    )
    ret = sa.return_submit(
        partnership=world_a.partnership, membership=lead, assessment_return=ret, expected_version=None
    )
    for signer, name in (("head", "Head 0"), ("governor", "Governor 0")):
        ret = sa.return_sign(
            partnership=world_a.partnership,
            membership=lead,
            assessment_return=ret,
            signer=signer,
            name=name,
            confirmed=True,
            expected_version=None,
        )
    version = return_summary_pdf_request(
        partnership=world_a.partnership, membership=world_a.business_manager, assessment_return=ret
    )
    html = " ".join(version.html.split())
    assert "URN 200000" in html
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"Head teacher's signature</dt><dd>Head 0, {today}" in html
    assert f"Nominated governor's signature</dt><dd>Governor 0, {today}" in html


def test_the_return_page_asks_for_the_pdf_and_the_status_page_follows_it(
    world_a, world_b, client_for, django_assert_max_num_queries
):
    ret = _moderated_return(world_a)
    url = reverse("audits:sa_return_detail", kwargs={"slug": world_a.partnership.slug, "return_id": ret.pk})
    lead = client_for(world_a.agency_lead.person)
    lead.get(url)
    with django_assert_max_num_queries(16):  # the return page's pin: the button costs no query
        page = lead.get(url)
    assert 'data-testid="summary-pdf-form"' in page.content.decode()

    response = lead.post(url + "summary-pdf/")
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document__partnership=world_a.partnership, document__kind=DOCUMENT_KIND)
    assert response["Location"] == reverse(
        "partnership:document_status", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk}
    )
    assert lead.get(response["Location"]).status_code == 200
    # The return page follows its latest version, and offers the PDF once the worker has made it; the pin holds.
    with django_assert_max_num_queries(16):
        page = lead.get(url).content.decode()
    assert "version 1, queued" in page
    assert "download the PDF" not in page
    document_render_version(version_id=version.pk)
    page = lead.get(url).content.decode()
    download = reverse(
        "partnership:document_download", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk}
    )
    assert f'href="{download}"' in page
    pdf = lead.get(download)
    assert pdf.status_code == 200
    assert "Level 3 training compliance is 62% across the trust." in _pdf_text(b"".join(pdf.streaming_content))
    assert client_for(world_a.scrutineer.person).post(url + "summary-pdf/").status_code == 302
    assert lead.get(url + "summary-pdf/").status_code == 405

    # Whoever may not read the return (a practitioner of the same agency), and another partnership: 404.
    assert client_for(world_a.practitioner.person).post(url + "summary-pdf/").status_code == 404
    assert client_for(world_a.practitioner.person).get(response["Location"]).status_code == 404
    other = reverse("audits:sa_return_summary_pdf", kwargs={"slug": world_b.partnership.slug, "return_id": ret.pk})
    assert client_for(world_b.bm).post(other).status_code == 404
    assert DocumentVersion.objects.filter(document__kind=DOCUMENT_KIND).count() == 1


def test_the_api_asks_for_the_pdf_then_follows_and_downloads_it(world_a, world_b):
    ret = _moderated_return(world_a)
    slug = world_a.partnership.slug
    url = reverse("audits_api:sa_return_summary_pdf", kwargs={"slug": slug, "return_id": ret.pk})
    client = login(APIClient(), world_a.agency_lead.person)

    response = client.post(url)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "queued"
    status_url = reverse("api:document_version", kwargs={"slug": slug, "version_id": body["version_id"]})
    assert client.get(status_url).json()["state"] == "queued"
    document_render_version(version_id=body["version_id"])  # the worker's side, run here
    assert client.get(status_url).json()["state"] == "ready"
    download = client.get(reverse("api:document_download", kwargs={"slug": slug, "version_id": body["version_id"]}))
    assert download.status_code == 200
    assert "Report training compliance to the partnership each quarter" in _pdf_text(
        b"".join(download.streaming_content)
    )

    assert login(APIClient(), world_a.practitioner.person).post(url).status_code == 404
    assert login(APIClient(), world_a.practitioner.person).get(status_url).status_code == 404
    other = reverse("audits_api:sa_return_summary_pdf", kwargs={"slug": world_b.partnership.slug, "return_id": ret.pk})
    assert login(APIClient(), world_b.bm).post(other).status_code == 404


def test_the_summary_renders_to_a_readable_pdf_with_weasyprint(world_a):
    ret = _moderated_return(world_a)
    version = return_summary_pdf_request(
        partnership=world_a.partnership, membership=world_a.business_manager, assessment_return=ret
    )
    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY
    version.refresh_from_db()
    text = _pdf_text(bytes(version.pdf))
    assert "OFFICIAL-SENSITIVE" in text
    assert "Section 11 self-assessment 2026" in text
    assert "Leadership and accountability" in text
    assert "Level 3 training compliance is 62% across the trust." in text
    assert "training-compliance-q3.pdf" in text
    assert "Self score 3: up from 1" in text


def test_the_narrative_gives_every_answer_but_the_score_and_the_files_in_the_templates_order():
    from types import SimpleNamespace

    from audits.selectors.self_assessment import StandardView
    from audits.services.self_assessment_summary import _narrative

    def question(key, kind, text):
        return SimpleNamespace(key=key, kind=kind, text=text)

    view = StandardView(
        standard=SimpleNamespace(answers={"score": 2, "policy": "partly", "referrals": 14, "evidence": " Minutes. "}),
        section=None,
        questions=[
            question("score", "grade", "Self score"),
            question("policy", "yes_partly_no", "Is the policy current?"),
            question("referrals", "number", "Referrals this year"),
            question("file", "evidence", "Upload the minutes"),
            question("evidence", "text", "Evidence narrative"),
            question("unanswered", "text", "Anything else?"),
        ],
        actions=[],
        files=[],
    )
    assert _narrative(view) == [
        ("Is the policy current?", "Partly"),
        ("Referrals this year", "14"),
        ("Evidence narrative", "Minutes."),
    ]
