"""The Rapid Review Template: the on-screen print view, the PDF request, the identified version and its log."""

from __future__ import annotations

import io

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from partnership.models import Document, DocumentDownload, DocumentVersion, Role
from partnership.services.documents import document_render_version, pdf_from_html
from reviews.models import IdentityView, RapidReview
from reviews.selectors.rapid_review_template import (
    DOCUMENT_KIND,
    IDENTIFIED_DOCUMENT_KIND,
    TEMPLATE_NAME,
    rapid_review_template_context,
)
from reviews.services.rapid_review_document import GENERAL_AUDIENCE, IDENTIFIED_AUDIENCE
from tests.reviews.decision_helpers import (
    REASONS,
    all_approve,
    decision_record,
    notified_review,
    ready_review,
    signed_off_review,
)
from tests.reviews.factories import CHILD_ADDRESS, CHILD_NAME

pytestmark = pytest.mark.django_db

# The headings of seed 001's "Document 4: Rapid Review Template", plus the record the partnership adds.
HEADINGS = [
    "Rapid Review",
    "Purpose of the Rapid Review",
    "Background Information",
    "Date of Rapid Review",
    "List of Participants in Rapid Review",
    "Decision",
    "Reasons against the criteria for a local child safeguarding practice review",
    "Immediate actions",
    "Sign-off by the safeguarding partners",
    "Submission to the national Panel",
]


def url(world, name: str, review: RapidReview) -> str:
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, "rapid_review_id": review.pk})


def _words(html_or_pdf_text: str) -> str:
    return " ".join(html_or_pdf_text.split())


def test_the_print_view_has_every_part_of_the_template_by_pseudonym(world_a, client_for):
    review = signed_off_review(world_a)
    response = client_for(world_a.scrutineer.person).get(url(world_a, "rapid_review_template", review))

    assert response.status_code == 200
    html = response.content.decode()
    for heading in HEADINGS:
        assert heading in html, heading
    assert "Child A" in html
    assert CHILD_NAME not in html
    assert CHILD_ADDRESS not in html
    assert "Local authority Representative" in html  # a participant
    assert "The meeting was quorate." in html
    for reason in REASONS.values():
        assert reason in html
    assert "Signed off by all three partners (round 1)" in html
    assert 'data-testid="draft-banner"' not in html
    assert not IdentityView.objects.exists()


def test_a_review_not_yet_signed_off_prints_as_a_draft(world_a, client_for):
    review = notified_review(world_a)
    html = client_for(world_a.bm).get(url(world_a, "rapid_review_template", review)).content.decode()
    assert 'data-testid="draft-banner"' in html
    assert "No decision has been recorded yet." in html
    assert "No participants recorded yet." in html
    assert "The meeting is not quorate: no one attended for the local authority, health and police." in html


def test_the_identified_print_view_shows_identities_and_logs_the_view(world_a, client_for):
    review = ready_review(world_a)
    response = client_for(world_a.police_lead.person).get(
        url(world_a, "rapid_review_template", review) + "?identified=1"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{CHILD_NAME} (Child A)" in html
    assert CHILD_ADDRESS in html
    assert "no-store" in response["Cache-Control"]
    view = IdentityView.objects.get()
    assert (view.viewer, view.context) == (world_a.police_lead.person, "Rapid review template print view (identified)")


def test_the_identified_version_is_refused_to_the_scrutineer(world_a, client_for):
    review = ready_review(world_a)
    client = client_for(world_a.scrutineer.person)
    assert client.get(url(world_a, "rapid_review_template", review) + "?identified=1").status_code == 403
    assert client.post(url(world_a, "rapid_review_template_pdf", review), {"identified": "1"}).status_code == 403
    assert not IdentityView.objects.exists()
    assert not Document.objects.exists()


@pytest.mark.parametrize("role", ["practitioner", "agency_lead", "lay_member", "observer"])
def test_roles_that_do_not_read_rapid_reviews_get_no_template(world_a, client_for, role):
    review = ready_review(world_a)
    client = client_for(getattr(world_a, role).person)
    assert client.get(url(world_a, "rapid_review_template", review)).status_code == 403
    assert client.post(url(world_a, "rapid_review_template_pdf", review)).status_code == 403


def test_create_pdf_queues_a_version_and_shows_its_progress(world_a, client_for, django_capture_on_commit_callbacks):
    review = signed_off_review(world_a)
    client = client_for(world_a.bm)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url(world_a, "rapid_review_template_pdf", review))

    version = DocumentVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "partnership:document_status", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk}
    )
    assert version.state == DocumentVersion.State.QUEUED
    assert len(callbacks) == 1  # the render task, sent after commit
    document = version.document
    assert (document.kind, document.audience) == (DOCUMENT_KIND, sorted(GENERAL_AUDIENCE))
    assert "Child A" in version.html
    assert CHILD_NAME not in version.html
    assert client.get(response["Location"]).status_code == 200

    # The same content again: the same version, nothing new stored or queued.
    with django_capture_on_commit_callbacks() as callbacks:
        again = client.post(url(world_a, "rapid_review_template_pdf", review))
    assert again["Location"] == response["Location"]
    assert DocumentVersion.objects.count() == 1
    assert callbacks == []


def test_the_print_view_and_the_pdf_come_from_the_same_html(world_a, client_for):
    review = signed_off_review(world_a)
    client_for(world_a.bm).post(url(world_a, "rapid_review_template_pdf", review))
    stored = DocumentVersion.objects.get().html
    screen = client_for(world_a.bm).get(url(world_a, "rapid_review_template", review)).content.decode()
    body = stored.split('<main class="print-body">', 1)[1]
    assert body == screen.split('<main class="print-body">', 1)[1]


def test_a_changed_decision_makes_a_new_version(world_a, client_for):
    review = ready_review(world_a)
    client = client_for(world_a.bm)
    decision_record(world_a, review)
    client.post(url(world_a, "rapid_review_template_pdf", review))
    all_approve(world_a, review)
    client.post(url(world_a, "rapid_review_template_pdf", review))
    assert list(DocumentVersion.objects.order_by("number").values_list("number", flat=True)) == [1, 2]


def test_the_identified_pdf_is_for_business_managers_and_partner_leads_and_logged(world_a, client_for):
    review = ready_review(world_a)
    response = client_for(world_a.health_lead.person).post(
        url(world_a, "rapid_review_template_pdf", review), {"identified": "1"}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.kind, document.audience) == (IDENTIFIED_DOCUMENT_KIND, sorted(IDENTIFIED_AUDIENCE))
    assert Role.SCRUTINEER not in document.audience
    assert CHILD_NAME in document.versions.get().html
    view = IdentityView.objects.get()
    assert (view.viewer, view.context) == (world_a.health_lead.person, "Rapid review template PDF (identified)")
    # The scrutineer may not open it, though they may open the general version.
    status = client_for(world_a.scrutineer.person).get(response["Location"]).status_code
    assert status in (403, 404)


def _downloaded(world, client_for, review: RapidReview, *, identified: bool, by) -> DocumentVersion:
    """Ask for the review's PDF (as the business manager), render it here as the worker would, download it as ``by``."""
    data = {"identified": "1"} if identified else {}
    client_for(world.bm).post(url(world, "rapid_review_template_pdf", review), data)
    kind = IDENTIFIED_DOCUMENT_KIND if identified else DOCUMENT_KIND
    version = DocumentVersion.objects.get(document__kind=kind)
    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY
    kwargs = {"slug": world.partnership.slug, "version_id": version.pk}
    download = reverse("partnership:document_download", kwargs=kwargs)
    assert client_for(by).get(download).status_code == 200
    return version


def _log(world, client_for) -> str:
    log = reverse("reviews:identity_log", kwargs={"slug": world.partnership.slug})
    return client_for(world.bm).get(log).content.decode()


def test_a_download_of_the_identified_pdf_is_in_the_identity_log(world_a, client_for):
    review = ready_review(world_a)
    version = _downloaded(world_a, client_for, review, identified=True, by=world_a.police_lead.person)

    html = _log(world_a, client_for)

    assert DocumentDownload.objects.get().version == version
    rows = html.split('data-testid="identity-log-download"')[1:]
    assert len(rows) == 1
    row = rows[0].split("</tr>", 1)[0]
    assert world_a.police_lead.person.full_name in row
    assert review.incident.reference in row
    assert "Every child of the review" in row
    assert "Rapid review template PDF (identified), downloaded (version 1)" in row
    # Asking for it logged the reveal (the business manager's); the download is a view of its own, and newest.
    assert IdentityView.objects.get().viewer == world_a.bm
    assert "2 views" in html
    assert html.index('data-testid="identity-log-download"') < html.index("Rapid review template PDF (identified)</td>")
    assert CHILD_NAME not in html
    assert CHILD_ADDRESS not in html


def test_a_download_of_the_general_pdf_is_not_an_identity_view(world_a, client_for):
    review = ready_review(world_a)
    _downloaded(world_a, client_for, review, identified=False, by=world_a.scrutineer.person)

    html = _log(world_a, client_for)

    assert DocumentDownload.objects.count() == 1  # recorded as a download, all the same
    assert "identity-log-download" not in html
    assert "Nobody has seen a child's identity yet." in html


def test_the_template_renders_to_a_pdf_with_every_heading(world_a):
    """WeasyPrint in-process (the worker's own test renders through Celery): the PDF's text has the headings."""
    review = signed_off_review(world_a)
    context = rapid_review_template_context(partnership=world_a.partnership, rapid_review=review)
    html = render_to_string(
        TEMPLATE_NAME, {**context, "partnership": world_a.partnership, "document_title": "Rapid review template"}
    )
    pdf = pdf_from_html(html=html)
    text = _words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))
    for heading in HEADINGS:
        assert heading in text, heading
    assert "Child A" in text
    assert CHILD_NAME not in text


def test_the_context_is_the_same_each_time(world_a):
    review = signed_off_review(world_a)
    first = rapid_review_template_context(partnership=world_a.partnership, rapid_review=review)
    second = rapid_review_template_context(partnership=world_a.partnership, rapid_review=review)
    assert first == second


def test_template_is_404_for_another_partnerships_member(world_a, world_b, client_for):
    review = ready_review(world_a)
    assert client_for(world_b.bm).get(url(world_a, "rapid_review_template", review)).status_code == 404
    assert client_for(world_b.bm).post(url(world_a, "rapid_review_template_pdf", review)).status_code == 404
    assert not Document.objects.exists()
