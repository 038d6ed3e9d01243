"""The compliance matrix's cells, written in one call per row.

A page of the matrix is 50 schools by 11 standards: 550 cells. As a template loop, their four variables and
the test for the screen-reader word each were two thirds of the page's server time, even with every string
worked out beforehand (``matrix_cell``). The HTML is the same as the loop wrote, escaped the same way (Django's
``escape`` is the standard library's ``html.escape``, called here directly, as ``scrutiny_tables`` does).
"""

from __future__ import annotations

import functools
from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def matrix_cells(cells) -> str:
    """A row's cells: the score in words and figures with the change (never the colour alone), the change
    said again to screen readers (up, down, same; the text already says "new"), and the other score."""
    # Safe: every value is escaped in _cell.
    return mark_safe("".join([_cell(c.change, c.text, c.spoken, c.other_text) for c in cells]))


@functools.lru_cache(maxsize=1024)
def _cell(change: str, text: str, spoken: str, other_text: str) -> str:
    # Cached: a page's cells hold a few dozen combinations of scores, so each is written once per process.
    said = f'<span class="visually-hidden"> {escape(spoken)}</span>' if spoken else ""
    return (
        f'<td data-change="{escape(change)}">{escape(text)}{said}<br><span class="secondary">{escape(other_text)}'
        "</span></td>"
    )
