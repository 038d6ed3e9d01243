"""Seed 003's Learning Review Outcomes Form (its appendix 1), as the tests check the product against it.

The seeds live beside the project in ../shared/seeds when a developer works on
it, but not on every CI machine: the headings are copied here, and
``test_the_appendix_list_here_is_seed_003s`` checks the copy against the seed
wherever the seed is present.
"""

from __future__ import annotations

from pathlib import Path

SEED_003 = next(Path(__file__).resolve().parents[3].glob("shared/seeds/003_*"), None)
# Seed 003's appendix, heading for heading, as typed there.
APPENDIX_HEADINGS = [
    "Details of family being considered",
    "Lead Author",
    "How this review was undertaken",
    "Attendees or people who contributed to this review",
    "Any people who were unable to contribute",
    "Date of Practitioner Event or date the review was undertaken",
    "Synopsis of the case",
    "Findings and key learning points",
    "Background and summary of agency's involvement",
    "Strengths in agencies response or within multi-agency working with the family",
    "Areas where we would like to do better",
    "Any specific actions identified in relation to the family",
    "Any broader learning that has been identified",
    "Recommendations",
    "How this learning will be disseminated and implemented",
    "Decisions around how the family have been involved or informed of this review",
]
