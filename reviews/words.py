"""Word counts of the outcomes form's limited fields (synopsis, key findings: seed 003, at most 300 words).

Defined once here and used by the service (the rule), the page form and the API
(their field errors) and the page's first drawing of the live counter. The
browser counter (``static/js/word-count.js``) counts the same way and words
its message the same way; the page passes it the limit in ``data-word-limit``.

A word is a run of non-whitespace characters: ``str.split()`` with no
argument, the same as JavaScript's ``text.trim().split(/\\s+/)``. Hyphenated
words and numbers count as one; punctuation on its own ("-") counts as one.
"""

from __future__ import annotations

from reviews.models import OUTCOMES_WORD_LIMIT


def word_count(text: str | None) -> int:
    """The number of whitespace-separated tokens in ``text``."""
    return len((text or "").split())


def word_count_status(text: str | None, limit: int = OUTCOMES_WORD_LIMIT) -> str:
    """What the counter says: "120 words (limit 300)", or "312 words — 12 over the limit of 300"."""
    count = word_count(text)
    noun = "word" if count == 1 else "words"
    if count > limit:
        return f"{count} {noun} — {count - limit} over the limit of {limit}"
    return f"{count} {noun} (limit {limit})"


def word_limit_error(text: str | None, limit: int = OUTCOMES_WORD_LIMIT) -> str | None:
    """The refusal for a field over the limit, or None when it fits."""
    count = word_count(text)
    if count <= limit:
        return None
    return (
        f"Use at most {limit} words: this has {count}, {count - limit} over the limit. "
        "Shorten it; more detail belongs in the sections below."
    )
