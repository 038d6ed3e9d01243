"""How long WeasyPrint takes to render a document, as the worker does it (no database needed).

    .venv/bin/python -m tests.benchmarks.render_document             # typical and long outcomes forms
    .venv/bin/python -m tests.benchmarks.render_document --repeat 10

The document is ``tests/partnership/templates/test_documents/outcomes.html``:
the headings of seed 003's Learning Review Outcomes Form over
``documents/base_print.html`` and ``static/css/print.css``, rendered by
``partnership.services.documents.pdf_from_html`` with the static-only fetcher.
"typical": answers of about 120 words and 6 recommendations (the synopsis and
findings are capped at 300 words); "long": about 600 words each and 40
recommendations, a table that splits across pages.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import time
from pathlib import Path

HEADINGS = [
    "Details of family being considered",
    "Synopsis of the case",
    "Findings and key learning points",
    "Background and summary of agency's involvement",
    "Strengths in agencies response or within multi-agency working with the family",
    "Areas where we would like to do better",
    "Any specific actions identified in relation to the family",
    "Any broader learning that has been identified",
    "How this learning will be disseminated and implemented",
    "Decisions around how the family have been involved or informed of this review",
]
SENTENCE = (
    "Practitioners from health, education and children's social care shared information promptly, "
    "but the child's own account was not consistently recorded or acted upon. "
)  # 24 words


def _context(*, words_per_answer: int, recommendations: int) -> dict:
    answer = (SENTENCE * (words_per_answer // 24 + 1)).strip()
    return {
        "document_title": "Learning Review Outcomes Form",
        "partnership": {"name": "Benchmark Safeguarding Children Partnership"},
        "review_name": "Practitioner learning review: Child A",
        "lead_author": "Independent lead author",
        "method": "Practitioner learning review with appreciative inquiry",
        "sections": [{"heading": h, "answer": answer} for h in HEADINGS],
        "recommendations": [
            {
                "action": f"Recommendation {i}: audit how the voice of the child is recorded at every contact.",
                "person": "Head of service, children's social care",
                "timeframe": "Within 3 months",
            }
            for i in range(1, recommendations + 1)
        ],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed renders per document (after one warm-up)")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.template.loader import render_to_string
    from pypdf import PdfReader

    from partnership.services.documents import StaticOnlyURLFetcher, pdf_from_html

    settings.TEMPLATES[0]["DIRS"].append(Path(__file__).resolve().parents[1] / "partnership" / "templates")
    cases = {
        "typical": _context(words_per_answer=120, recommendations=6),
        "long": _context(words_per_answer=600, recommendations=40),
    }
    print(f"{'document':<10} {'pages':>5} {'PDF KiB':>8} {'median s':>9} {'max s':>7}")
    for name, context in cases.items():
        html = render_to_string("test_documents/outcomes.html", context)
        fetcher = StaticOnlyURLFetcher()
        pdf = pdf_from_html(html=html, fetcher=fetcher)  # warm-up: fonts and CSS parsed once per process
        assert not fetcher.refused, fetcher.refused
        timings = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            pdf = pdf_from_html(html=html)
            timings.append(time.perf_counter() - started)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{name:<10} {pages:>5} {len(pdf) / 1024:>8.0f} {statistics.median(timings):>9.2f} {max(timings):>7.2f}")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
