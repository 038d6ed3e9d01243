"""The dashboard's table cells are the HTML Django's own escaping writes, however odd the names in them."""

from django.utils.html import format_html, format_html_join

from scrutiny.selectors.dashboard import Figure
from scrutiny.templatetags.scrutiny_tables import figure_cells, heat_cells

ODD = 'St Mary\'s & "All" <Saints>'


def test_figure_cells_escape_as_format_html():
    figures = (Figure(value=3, url=f"/p/x/records/?row={ODD}&column=a"), Figure(value=0, url=""))
    expected = format_html('<td><a href="{}">{}</a></td>', figures[0].url, 3) + format_html("<td>{}</td>", 0)
    assert figure_cells(figures) == expected
    assert "<Saints>" not in figure_cells(figures)


def test_heat_cells_escape_as_format_html_join():
    figures = (Figure(value=1, url=f"/p/x/r/?a={ODD}", text=f"Self 2, {ODD}"), Figure(value=None, url="/r/", text=""))
    expected = format_html_join(
        "",
        '<td class="{}"><a href="{}">{}<span class="visually-hidden"> ({})</span></a></td>',
        ((f.heat_class, f.url, f.text, ODD) for f in figures),
    )
    assert heat_cells(figures, ODD) == expected
    assert "&lt;Saints&gt;" in heat_cells(figures, ODD)
