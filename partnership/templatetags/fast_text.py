"""The ``truncatechars`` filter, installed as a template builtin in place of Django's (``TEMPLATES`` in settings).

Django's filter normalises the text (NFC) and walks it a character at a time asking Unicode whether each one
combines with the one before: about 19 µs for a finding's sentence on this hardware, and the hub's findings page
shortens forty of them for the screen-reader labels of its buttons (issue 13). ASCII text has nothing to
normalise and no combining characters, so its length is the count Django makes and a slice is Django's cut; any
other text goes to Django's own filter, so what a page shows does not change
(``tests/partnership/test_fast_text.py`` compares the two).
"""

from __future__ import annotations

from django import template
from django.template import defaultfilters
from django.template.defaultfilters import stringfilter
from django.utils.text import add_truncation_text, calculate_truncate_chars_length

register = template.Library()


@register.filter(is_safe=True)
@stringfilter
def truncatechars(value, arg):
    """Truncate a string after ``arg`` characters, as Django's filter does."""
    try:
        length = int(arg)
    except ValueError:  # as Django's: a bad length leaves the text alone
        return value
    if length <= 0 or not value.isascii():
        return defaultfilters.truncatechars(value, arg)
    if len(value) <= length:
        return value
    return add_truncation_text(value[: calculate_truncate_chars_length(length, None)], None)
