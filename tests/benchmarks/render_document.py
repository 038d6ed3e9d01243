"""How long WeasyPrint takes to render a document, as the worker does it (no database needed).

    .venv/bin/python -m tests.benchmarks.render_document             # typical and long outcomes forms
    .venv/bin/python -m tests.benchmarks.render_document --repeat 10

The document is the real Learning Review Outcomes Form,
``reviews/learning_review/outcomes_form_document.html`` over
``documents/base_print.html`` and ``static/css/print.css``, with every heading
of seed 003's appendix (``OUTCOMES_SECTIONS``), rendered by
``partnership.services.documents.pdf_from_html`` with the static-only fetcher.
The review and its rows are unsaved model instances: the template sees what
``outcomes_document_context`` gives it. "typical": answers of about 120 words
and 6 recommendations (the synopsis and findings are capped at 300 words);
"long": about 600 words each and 40 recommendations, a table that splits
across pages.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import time
from datetime import UTC

SENTENCE = (
    "Practitioners from health, education and children's social care shared information promptly, "
    "but the child's own account was not consistently recorded or acted upon. "
)  # 24 words


def _context(*, words_per_answer: int, recommendations: int) -> dict:
    from datetime import date, datetime

    from partnership.models import Partnership
    from reviews.models import LearningReview, Methodology, OutcomeRecommendation
    from reviews.selectors.learning_review import OUTCOMES_SECTIONS, SectionEntry

    answer = (SENTENCE * (words_per_answer // 24 + 1)).strip()
    review = LearningReview(
        reference="LR-2026-014",
        title="Neglect and missed health appointments: Child A",
        methodology=Methodology.PRACTITIONER,
        state=LearningReview.State.FINAL,
        finalised_at=datetime(2026, 11, 20, 10, 0, tzinfo=UTC),
    )
    entries = []
    for section in OUTCOMES_SECTIONS:
        if section.name == "recommendations":
            entries.append(SectionEntry(section, is_recommendations=True))
        elif section.name == "review_date":
            entries.append(SectionEntry(section, f"{date(2026, 10, 14):%-d %B %Y}"))
        elif section.name == "lead_author":
            entries.append(SectionEntry(section, "Independent lead author"))
        else:
            entries.append(SectionEntry(section, answer))
    return {
        "document_title": "Learning Review Outcomes Form",
        "partnership": Partnership(name="Benchmark Safeguarding Children Partnership"),
        "review": review,
        "entries": entries,
        "recommendations": [
            OutcomeRecommendation(
                action=f"Recommendation {i}: audit how the voice of the child is recorded at every contact.",
                person_responsible="Head of service, children's social care",
                timeframe="Within 3 months",
            )
            for i in range(1, recommendations + 1)
        ],
        "is_final": True,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed renders per document (after one warm-up)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tests.benchmarks import allow_global_reads

    allow_global_reads()
    from django.template.loader import render_to_string
    from pypdf import PdfReader

    from partnership.services.documents import StaticOnlyURLFetcher, pdf_from_html

    cases = {
        "typical": _context(words_per_answer=120, recommendations=6),
        "long": _context(words_per_answer=600, recommendations=40),
    }
    # CPU seconds beside the wall clock: on a machine shared with other jobs the wall clock stretches with
    # their load, the process's own CPU time much less (the bar, 1.5 s, is for the long form).
    print(f"{'document':<10} {'pages':>5} {'PDF KiB':>8} {'median s':>9} {'max s':>7} {'median CPU s':>13}")
    for name, context in cases.items():
        html = render_to_string("reviews/learning_review/outcomes_form_document.html", context)
        fetcher = StaticOnlyURLFetcher()
        pdf = pdf_from_html(html=html, fetcher=fetcher)  # warm-up: fonts and CSS parsed once per process
        assert not fetcher.refused, fetcher.refused
        timings, cpu = [], []
        for _ in range(args.repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            pdf = pdf_from_html(html=html)
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        reader = PdfReader(io.BytesIO(pdf))
        pages = len(reader.pages)
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        unrendered = [e.section.heading for e in context["entries"] if " ".join(e.section.heading.split()) not in text]
        assert not unrendered, f"headings missing from the PDF: {unrendered}"
        print(
            f"{name:<10} {pages:>5} {len(pdf) / 1024:>8.0f} {statistics.median(timings):>9.2f} {max(timings):>7.2f}"
            f" {statistics.median(cpu):>13.2f}"
        )
    print(f"load average {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
