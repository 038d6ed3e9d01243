"""The outcomes form PDF (every heading of seed 003's appendix) and the redacted public summary (nothing
identifying: no family details, no contributors' or responsible people's names, no child's name)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from partnership.models import Document, DocumentVersion
from partnership.services.documents import pdf_from_html
from reviews.models import DecisionOutcome, Methodology, OutcomesForm
from reviews.redaction import ADDRESS_REMOVED, DATE_REMOVED, NAME_REMOVED, KnownChild, Redactor
from reviews.selectors.learning_review import DOCUMENT_PUBLIC_SUMMARY, public_summary_document_context
from reviews.services import learning_review as services
from tests.reviews.decision_helpers import all_approve, decision_record, ready_review
from tests.reviews.factories import CHILD_ADDRESS, CHILD_NAME
from tests.reviews.learning_review_factories import contributor_make, learning_review_make
from tests.reviews.seed_003 import APPENDIX_HEADINGS, SEED_003

pytestmark = pytest.mark.django_db


def _normalised(text: str) -> str:
    """PDF text for comparing: one space for any run of whitespace, lines broken at a hyphen joined, no apostrophes."""
    text = re.sub(r"-\s+", "-", text)
    return re.sub(r"\s+", " ", text).replace("'", "").replace("\u2019", "").casefold()


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_appendix_list_here_is_seed_003s():
    if SEED_003 is None:
        pytest.skip("the seeds are not beside the project")
    appendix = SEED_003.read_text().split("Appendix 1: Learning Review Outcomes Form", 1)[1]
    for heading in APPENDIX_HEADINGS:
        assert heading in appendix


# --- The full form's PDF --------------------------------------------------------------------------------


def _final_review(world, **form_fields):
    review = learning_review_make(world)
    contributor_make(world, review)
    form = OutcomesForm.objects.get(learning_review=review)
    services.outcomes_form_update(
        partnership=world.partnership,
        actor=world.bm,
        learning_review=review,
        fields={"synopsis": "A synopsis.", "key_findings": "Key learning.", **form_fields},
        recommendations=[
            {"action": "Audit missed health appointments", "person_responsible": "Named GP", "timeframe": "3 months"}
        ],
        expected_updated_at=form.updated_at,
    )
    services.learning_review_start_drafting(partnership=world.partnership, actor=world.bm, learning_review=review)
    version = services.learning_review_finalise(partnership=world.partnership, actor=world.bm, learning_review=review)
    review.refresh_from_db()
    return review, version


def test_finalising_queues_a_version_whose_pdf_has_every_heading_of_the_appendix(world_a):
    review, version = _final_review(world_a, strengths="Good information sharing between the school and health.")
    assert version.state == DocumentVersion.State.QUEUED  # the worker renders it (tested with a real worker by H2)
    text = _normalised(_pdf_text(pdf_from_html(html=version.html)))  # the render the worker runs, called directly
    missing = [h for h in APPENDIX_HEADINGS if _normalised(h) not in text]
    assert not missing, f"Headings missing from the PDF: {missing}"
    assert "action" in text
    assert "person responsible" in text
    assert "timeframe" in text
    assert _normalised("Good information sharing between the school and health.") in text
    assert _normalised(review.reference) in text


def test_the_print_view_is_the_same_template_as_the_pdf(world_a, client_for):
    review, version = _final_review(world_a)
    response = client_for(world_a.bm).get(
        reverse(
            "reviews:learning_review_print", kwargs={"slug": world_a.partnership.slug, "learning_review_id": review.pk}
        )
    )
    html = response.content.decode()
    assert response.status_code == 200
    for heading in (
        "Synopsis of the case",
        "Decisions around how the family have been involved or informed of this review",
    ):
        assert heading in html
        assert heading in version.html
    assert 'class="print-document"' in html  # documents/base_print.html


# --- The redacted public summary ---------------------------------------------------------------------------


@pytest.fixture
def identified_review(world_a):
    """A final review opened from a rapid review whose child is Jordan Testchild, with identifying text typed in."""
    rapid_review = ready_review(world_a)
    decision_record(
        world_a, rapid_review, outcome=DecisionOutcome.LEARNING_REVIEW, methodology=Methodology.PRACTITIONER
    )
    all_approve(world_a, rapid_review)
    today = timezone.localdate()
    review = services.learning_review_open_from_decision(
        partnership=world_a.partnership,
        actor=world_a.bm,
        rapid_review=rapid_review,
        title="Review of Jordan's care",
        scope="Scope",
        key_lines_of_enquiry="Lines",
        information_due_on=today + timedelta(days=5),
        report_due_on=today + timedelta(days=20),
        lead_author=world_a.practitioner.person,
    )
    contributor_make(world_a, review)  # Alpha Agency Lead
    form = OutcomesForm.objects.get(learning_review=review)
    services.outcomes_form_update(
        partnership=world_a.partnership,
        actor=world_a.practitioner.person,
        learning_review=review,
        fields={
            "family_details": "Jordan lives with his mother, Sam Rivers, and two siblings.",
            "how_undertaken": "A practitioner event chaired by Alpha Practitioner.",
            "contributors_text": "Alpha Agency Lead, Alpha Health Lead",
            "unable_to_contribute": "Alpha Police Lead",
            "synopsis": (
                f"{CHILD_NAME} (born 27/03/2015) of 1 Example Street was seen by the school nurse. "
                "jordan  testchild missed six health appointments; the TESTCHILD family moved twice. "
                "Alpha Agency Lead (agency-lead@alpha.example, 07700 900123, NE8 1HH) raised concerns."
            ),
            "key_findings": "Missed appointments were not followed up for Jordan.",
            "background": "Detailed family history that must never be published.",
            "strengths": "The school escalated well.",
            "do_better": "Follow up missed appointments.",
            "family_actions": "Sam Rivers to be offered parenting support.",
            "broader_learning": "Echoes the 2024 thematic review.",
            "dissemination": "A seven-minute briefing.",
            "family_involvement": "Sam Rivers was met by a lay member.",
        },
        recommendations=[
            {
                "action": "Audit how Jordan Testchild's missed appointments were followed up",
                "person_responsible": "Alpha Health Lead",
                "timeframe": "3 months",
            },
            {"action": "Refresh the escalation policy", "person_responsible": "Alpha ICB", "timeframe": "6 months"},
            {"action": "Brief staff", "person_responsible": "Pat Nobody", "timeframe": "1 month"},
        ],
        expected_updated_at=form.updated_at,
    )
    services.learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    services.learning_review_finalise(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    review.refresh_from_db()
    return review


IDENTIFYING = [
    "Jordan",
    "Testchild",
    "TESTCHILD",
    "Sam Rivers",
    "27/03/2015",
    "Example Street",
    "Testtown",
    "Alpha Agency Lead",
    "Alpha Health Lead",
    "Alpha Police Lead",
    "Alpha Practitioner",
    "agency-lead@alpha.example",
    "07700 900123",
    "NE8 1HH",
    "Pat Nobody",
    "Detailed family history",
    "parenting support",
    "met by a lay member",
]


def test_the_public_summary_has_no_identifying_details(world_a, identified_review):
    version = services.public_summary_render(
        partnership=world_a.partnership, actor=world_a.bm, learning_review=identified_review
    )
    html = version.html
    for detail in IDENTIFYING:
        assert detail.casefold() not in html.casefold(), f"{detail!r} is in the public summary"
    # What it keeps: the child as a pseudonym, the learning, agencies and roles.
    assert "Child A (born [date removed]) of [address removed]" in html
    assert "Child A missed six health appointments" in html
    assert "The school escalated well." in html
    assert "A seven-minute briefing." in html
    assert "[email removed]" in html
    assert "[phone number removed]" in html
    assert "[postcode removed]" in html
    assert "Alpha ICB" in html  # an agency, not a person
    assert "a practitioner from Alpha ICB" in html or "Alpha ICB" in html
    assert "The agency named in the full report" in html  # "Pat Nobody" is nobody we know: never shown
    for heading in ("Details of family being considered", "Background and summary", "Lead author", "Attendees"):
        assert heading not in html
    document = Document.objects.get(pk=version.document_id)
    assert (document.kind, document.audience) == (DOCUMENT_PUBLIC_SUMMARY, [])
    assert "OFFICIAL" in html
    assert "OFFICIAL-SENSITIVE" not in html

    text = _pdf_text(pdf_from_html(html=html))
    assert "Child A" in text
    for detail in ("Jordan", "Testchild", "Sam Rivers", "Alpha Agency Lead"):
        assert detail.casefold() not in text.casefold()


def test_the_summary_is_only_made_from_a_final_form(world_a):
    review = learning_review_make(world_a)
    with pytest.raises(Exception, match="finalise it first"):
        services.public_summary_render(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)


def test_the_public_summary_print_view_is_scrubbed_too(world_a, identified_review, client_for):
    url = reverse(
        "reviews:learning_review_public_summary",
        kwargs={"slug": world_a.partnership.slug, "learning_review_id": identified_review.pk},
    )
    response = client_for(world_a.scrutineer.person).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Child A" in html
    assert "Jordan" not in html
    assert "Sam Rivers" not in html


def test_the_template_is_given_only_scrubbed_text(world_a, identified_review):
    context = public_summary_document_context(partnership=world_a.partnership, learning_review=identified_review)
    assert set(context) == {"summary", "protective_marking"}

    def plain(value) -> bool:
        if isinstance(value, dict):
            return all(plain(v) for v in value.values())
        if isinstance(value, (list, tuple)):
            return all(plain(v) for v in value)
        return isinstance(value, str)

    assert plain(context["summary"])


# --- The redactor itself --------------------------------------------------------------------------------------


def test_the_redactor_replaces_names_as_whole_words_in_any_case_and_spacing():
    redactor = Redactor(
        children=[KnownChild(pseudonym="Child B", name="Al Smith", date_of_birth="2016-01-09", address=CHILD_ADDRESS)],
        people={"Dana Jones": "Head of safeguarding, Alpha ICB"},
    )
    text = "AL  SMITH and al met Alex and the Smiths; Dana Jones wrote to al."
    assert redactor.scrub(text) == (
        "Child B and Child B met Alex and the Smiths; Head of safeguarding, Alpha ICB wrote to Child B."
    )
    assert redactor.scrub("Mrs Smith") == f"Mrs {NAME_REMOVED}"
    for born in ("2016-01-09", "09/01/2016", "9/1/2016", "9 January 2016", "9 Jan 2016"):
        assert redactor.scrub(f"born {born}.") == f"born {DATE_REMOVED}."
    assert redactor.scrub("at 1 Example Street") == f"at {ADDRESS_REMOVED}"


def test_the_redactor_without_identities_still_removes_contact_details():
    redactor = Redactor()
    assert redactor.scrub("Call +44 7700 900123 or 0161 496 0000, write to x.y@z.org.uk, at SW1A 1AA.") == (
        "Call [phone number removed] or [phone number removed], write to [email removed], at [postcode removed]."
    )
    assert redactor.scrub("The 2024 review found 12 cases.") == "The 2024 review found 12 cases."
