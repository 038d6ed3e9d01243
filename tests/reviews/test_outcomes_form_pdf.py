"""A real Celery worker renders a real Learning Review Outcomes Form to PDF.

The lead author finalises the form; the worker (a thread consuming a documents
queue of its own, on the configured broker: kombu's filesystem transport
embedded, Redis with REDIS_URL) renders the version with WeasyPrint; the
business manager downloads it, and the PDF's text, read back with pypdf, has
every heading of seed 003's appendix and what the author wrote under them.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnership.models import DocumentVersion
from reviews.models import OutcomesForm
from reviews.selectors.learning_review import OUTCOMES_SECTIONS
from reviews.services import learning_review as services
from tests.factories import World
from tests.partnership.test_documents import _pdf_text, _wait_until_finished
from tests.reviews.learning_review_factories import learning_review_make

RECOMMENDATIONS = [
    {
        "action": "Audit how missed health appointments are followed up",
        "person_responsible": "Designated nurse",
        "timeframe": "By June 2027",
    },
    {
        "action": "Practitioner briefing on the voice of the child",
        "person_responsible": "Training lead",
        "timeframe": "Within three months",
    },
]


def _final_outcomes_form(world: World) -> DocumentVersion:
    review = learning_review_make(world)
    services.learning_review_start_drafting(partnership=world.partnership, actor=world.bm, learning_review=review)
    form = OutcomesForm.objects.get(learning_review=review)
    services.outcomes_form_update(
        partnership=world.partnership,
        actor=world.practitioner.person,
        learning_review=review,
        fields={
            "synopsis": "Child A, aged four, was admitted to hospital after months of missed appointments.",
            "key_findings": "Missed appointments were not shared between health and children's social care.",
            "strengths": "The school's referral was prompt and well evidenced.",
        },
        recommendations=RECOMMENDATIONS,
        expected_updated_at=form.updated_at,
    )
    review.refresh_from_db()
    return services.learning_review_finalise(
        partnership=world.partnership, actor=world.practitioner.person, learning_review=review
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_final_outcomes_form_with_every_heading(documents_worker, client_for):
    world = World("Outcomes")

    version = _final_outcomes_form(world)  # commits: the task goes through the broker to the worker

    finished = _wait_until_finished(version.pk)
    assert finished.state == DocumentVersion.State.READY, finished.error
    assert finished.pdf_bytes
    assert len(finished.pdf_sha256) == 64
    url = reverse("partnership:document_download", kwargs={"slug": world.partnership.slug, "version_id": finished.pk})
    response = client_for(world.bm).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.getvalue()
    assert pdf.startswith(b"%PDF-")

    text = " ".join(_pdf_text(pdf).split())  # headings may wrap across lines
    missing = [s.heading for s in OUTCOMES_SECTIONS if " ".join(s.heading.split()) not in text]
    assert not missing, missing
    assert "Learning Review Outcomes Form" in text or "Outcomes Form" in text
    for row in RECOMMENDATIONS:
        for value in row.values():
            assert value in text, value
    assert "Missed appointments were not shared" in text


# --- The long form's layout cost (issue 13: 16 pages within 1.5 s) -------------------------------------------


@pytest.mark.django_db
def test_the_long_form_is_laid_out_a_line_at_a_time_not_a_character_at_a_time(monkeypatch):
    """The cause of the slow long form, pinned: WeasyPrint measured its tables' cells a character at a
    time (``overflow-wrap: anywhere``) and sized their columns from every cell. With ``break-word`` and a
    fixed layout for the recommendations, a 16-page form asks Pango for about one line break per line
    drawn (1,220 for ~940 lines), not seven (6,809). Times are measured by ``tests.benchmarks.render_document``."""
    from io import BytesIO

    from django.template.loader import render_to_string
    from pypdf import PdfReader
    from weasyprint.layout import table as table_layout
    from weasyprint.text import line_break

    from partnership.services.documents import pdf_from_html
    from tests.benchmarks.render_document import _context

    html = render_to_string(
        "reviews/learning_review/outcomes_form_document.html", _context(words_per_answer=600, recommendations=40)
    )
    calls = {"split": 0, "auto_table": 0}
    split, auto = line_break.split_first_line, table_layout.auto_table_layout

    def counted_split(*args, **kwargs):
        calls["split"] += 1
        return split(*args, **kwargs)

    def counted_auto(*args, **kwargs):
        calls["auto_table"] += 1
        return auto(*args, **kwargs)

    monkeypatch.setattr(line_break, "split_first_line", counted_split)
    monkeypatch.setattr("weasyprint.layout.inline.split_first_line", counted_split)
    monkeypatch.setattr("weasyprint.layout.preferred.split_first_line", counted_split)
    monkeypatch.setattr(table_layout, "auto_table_layout", counted_auto)

    pdf = pdf_from_html(html=html)

    assert len(PdfReader(BytesIO(pdf)).pages) >= 15
    assert calls["auto_table"] == 0  # the recommendations' columns are set, not measured
    assert calls["split"] < 2000, calls
