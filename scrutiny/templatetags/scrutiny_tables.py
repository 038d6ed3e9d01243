"""The dashboard's table cells, written in one call per row.

A ten-year dashboard has hundreds of cells (a heat map alone is schools by standards); as template loops, their
variables were a third of the page's server time. The HTML is the same as the loops wrote, escaped the same way:
Django's ``escape`` is the standard library's ``html.escape`` (quotes included), which these call directly, without
``format_html``'s lazy-string checks on every value (two thirds of the cells' time). No value here is ever a safe
string: figures are numbers, and names, texts and addresses are plain text.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def figure_cells(figures) -> str:
    """A row's figures: each a link to the records it counts, or the bare figure when there is nothing to list."""
    # Safe: every value is escaped.
    return mark_safe("".join(_figure_cell(f) for f in figures))


def _figure_cell(figure) -> str:
    if figure.url:
        return f'<td><a href="{escape(figure.url)}">{escape(str(figure.value))}</a></td>'
    return f"<td>{escape(str(figure.value))}</td>"


@register.simple_tag
def heat_cells(figures, label) -> str:
    """A heat map row's cells: the scores in words (never the colour alone), the row named for screen readers."""
    named = escape(str(label))
    # Safe: every value is escaped.
    return mark_safe(
        "".join(
            f'<td class="{escape(f.heat_class)}"><a href="{escape(f.url)}">{escape(f.text)}'
            f'<span class="visually-hidden"> ({named})</span></a></td>'
            for f in figures
        )
    )
