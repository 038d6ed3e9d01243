"""The outcomes form's page and its PDF say the same: one selector feeds both, every field compared.

A full form is written (every text field, SMART rows), with the review date left to
come from the practitioner event and the contributors left to come from the
review's contributors (what the page offers). The page is fetched as the lead
author sees it; the PDF is rendered from the same context by WeasyPrint and read
back. Every field's value on the page must be in the PDF under its heading.
"""

from __future__ import annotations

import html as html_lib
import re
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from partnership.services.documents import pdf_from_html
from reviews.models import OutcomesForm
from reviews.selectors.learning_review import OUTCOMES_SECTIONS, outcomes_document_context
from reviews.services import learning_review as services
from tests.partnership.test_documents import _pdf_text
from tests.reviews.learning_review_factories import contributor_make, learning_review_make

pytestmark = pytest.mark.django_db

EVENT_ON = date(2026, 11, 20)
TEXT_SECTIONS = [s for s in OUTCOMES_SECTIONS if s.name not in ("lead_author", "review_date", "recommendations")]
RECOMMENDATIONS = [
    {
        "action": "Audit missed health appointments",
        "person_responsible": "Designated nurse",
        "timeframe": "By June 2027",
    },
    {
        "action": "Briefing on the voice of the child",
        "person_responsible": "Training lead",
        "timeframe": "Three months",
    },
]


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def full_form(world_a):
    review = learning_review_make(world_a, practitioner_event_on=EVENT_ON)
    contributor_make(world_a, review)
    contributor_make(world_a, review, membership=world_a.observer, unable_to_contribute=True)
    services.learning_review_start_drafting(partnership=world_a.partnership, actor=world_a.bm, learning_review=review)
    form = OutcomesForm.objects.get(learning_review=review)
    fields = {s.name: f"{s.heading}: written for the parity check, section {s.name}." for s in TEXT_SECTIONS}
    # Left empty on purpose: the page offers what the review knows, and the PDF must show the same.
    fields["contributors_text"] = ""
    fields["unable_to_contribute"] = ""
    fields["review_date"] = None
    services.outcomes_form_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        learning_review=review,
        fields=fields,
        recommendations=RECOMMENDATIONS,
        expected_updated_at=form.updated_at,
    )
    review.refresh_from_db()
    return review


def _page_values(html: str) -> dict[str, str]:
    """Each field's value as the page shows it: a textarea's text, an input's value."""
    values = {}
    for name in [s.name for s in TEXT_SECTIONS]:
        found = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.DOTALL)
        assert found, name
        values[name] = html_lib.unescape(found.group(1)).strip()
    found = re.search(r'<input[^>]*name="review_date"[^>]*value="([^"]*)"', html)
    assert found
    values["review_date"] = found.group(1)
    return values


def test_every_field_on_the_page_is_in_the_pdf(world_a, full_form, client_for):
    url = reverse(
        "reviews:learning_review_outcomes_form",
        kwargs={"slug": world_a.partnership.slug, "learning_review_id": full_form.pk},
    )
    page = client_for(world_a.bm).get(url).content.decode()
    values = _page_values(page)
    # The page offers the contributors and the practitioner event's date.
    assert "Alpha Agency Lead" in values["contributors_text"]
    assert "Alpha Observer" in values["unable_to_contribute"]
    assert values["review_date"] == EVENT_ON.isoformat()

    context = outcomes_document_context(partnership=world_a.partnership, learning_review=full_form)
    pdf = _words(
        _pdf_text(pdf_from_html(html=render_to_string("reviews/learning_review/outcomes_form_document.html", context)))
    )

    for name, value in values.items():
        if name == "review_date":
            assert "20 November 2026" in pdf
            continue
        for line in value.splitlines():
            assert _words(line) in pdf, (name, line)
    for row in RECOMMENDATIONS:
        for value in row.values():
            assert value in pdf
    assert "Not recorded" not in pdf
    # And the print view (the same template, the same context) says the same.
    entries = {e.section.name: e.text for e in context["entries"]}
    assert entries["review_date"] == "20 November 2026"
    assert entries["contributors_text"] == values["contributors_text"]


def test_a_date_written_on_the_form_wins_over_the_event(world_a, full_form):
    form = OutcomesForm.objects.get(learning_review=full_form)
    form.review_date = EVENT_ON + timedelta(days=3)
    form.save(update_fields=["review_date"])
    context = outcomes_document_context(partnership=world_a.partnership, learning_review=full_form)
    assert {e.section.name: e.text for e in context["entries"]}["review_date"] == "23 November 2026"


def test_the_pdf_marks_its_classification_once_on_every_page(world_a, full_form):
    from io import BytesIO

    from pypdf import PdfReader

    context = outcomes_document_context(partnership=world_a.partnership, learning_review=full_form)
    long_context = {**context, "entries": [*context["entries"]] * 4}  # several pages
    pdf = pdf_from_html(html=render_to_string("reviews/learning_review/outcomes_form_document.html", long_context))
    pages = [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]
    assert len(pages) > 1
    assert [text.count("OFFICIAL-SENSITIVE") for text in pages] == [1] * len(pages)
