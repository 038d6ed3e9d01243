"""The site's ``truncatechars`` filter (``partnership.templatetags.fast_text``) writes what Django's writes: the
same template rendered by the site's engine and by an engine with Django's builtins only."""

from __future__ import annotations

import pytest
from django.utils.safestring import mark_safe

from partnership.templatetags import fast_text
from tests.partnership.conftest import filter_used, rendered

SENTENCE = "Practitioners did not share the family's history when the case moved between teams."
TEXTS = [
    "",
    "a",
    SENTENCE,
    SENTENCE[:59],
    SENTENCE[:60],
    SENTENCE[:61],
    "  spaces  at the ends  ",
    'Tom & "Jerry" <b>bold</b> and a\nnew line',
    mark_safe("<em>already safe</em> " + SENTENCE),
    # Not ASCII: left to Django's filter (normalised, combining characters not counted).
    "Café au lait served at the café's corner table beside the window seat for two",
    "Cafe\u0301 with a combining accent " + SENTENCE,
    "Zoë Brontë — a long dash and “quotes” " + SENTENCE,
    None,
    12345678901234567890,
]
LENGTHS = ["0", "1", "2", "5", "59", "60", "61", "200", "-3", "x"]


def test_the_site_engine_uses_it(site_engine):
    assert filter_used(site_engine, "truncatechars") is fast_text.truncatechars


@pytest.mark.parametrize("length", LENGTHS)
def test_text_is_cut_and_escaped_as_django_cuts_and_escapes_it(site_engine, django_engine, length):
    cut = f'truncatechars:"{length}"'
    ours = [rendered(site_engine, text, cut) for text in TEXTS]
    assert ours == [rendered(django_engine, text, cut) for text in TEXTS]


def test_a_long_ascii_text_ends_in_an_ellipsis_within_the_length(site_engine):
    assert rendered(site_engine, SENTENCE, "truncatechars:20") == "Practitioners did n…"
    assert rendered(site_engine, "<b>" + SENTENCE, "truncatechars:10") == "&lt;b&gt;Practi…"
