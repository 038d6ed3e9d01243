"""The dashboard's table cells, written in one call per row.

A ten-year dashboard has hundreds of cells (a heat map alone is schools by standards); as template loops, their
variables were a third of the page's server time. The HTML is the same as the loops wrote, escaped the same way.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def figure_cells(figures) -> str:
    """A row's figures: each a link to the records it counts, or the bare figure when there is nothing to list."""
    # Safe: each cell is built by format_html, which escapes its values.
    return mark_safe("".join(_figure_cell(f) for f in figures))


def _figure_cell(figure) -> str:
    if figure.url:
        return format_html('<td><a href="{}">{}</a></td>', figure.url, figure.value)
    return format_html("<td>{}</td>", figure.value)


@register.simple_tag
def heat_cells(figures, label) -> str:
    """A heat map row's cells: the scores in words (never the colour alone), the row named for screen readers."""
    return format_html_join(
        "",
        '<td class="{}"><a href="{}">{}<span class="visually-hidden"> ({})</span></a></td>',
        ((f.heat_class, f.url, f.text, label) for f in figures),
    )
