"""Scrutiny's charts: bar charts drawn on the server as SVG, with pygal.

pygal, not matplotlib, by measurement (``tests/benchmarks/charts.py``, 2026-12-04, 2 CPUs at load 3.2): the
dashboard's stacked bar chart of eight quarters in 11.8 ms against 129 ms (median of 30, after the first; 93 ms
against 590 ms the first time, imports included), 23 KB against 36 KB, and one ``<style>`` sheet where matplotlib
writes a ``style`` attribute on 50 elements, which a strict policy refuses if the SVG is ever put inline.

A chart is served as its own ``image/svg+xml`` response and shown with ``<img>``: a browser never runs script in an
image, and the page's strict policy (no inline style, no inline script) stays as it is. The chart's response carries
its own policy, which allows only the chart's own style sheet; pygal's configuration ``<script>`` (for tooltips in a
live page) is removed all the same, so the file is inert wherever it is opened. Every chart starts with ``<title>``
and ``<desc>`` for screen readers, and the page gives the same figures as a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pygal
from pygal.etree import etree
from pygal.style import Style

SVG_NAMESPACE = "http://www.w3.org/2000/svg"

# The site's palette (static/css/app.css): each colour has at least 3:1 contrast on white (WCAG 2.2 1.4.11,
# non-text contrast), and bars stack in this order.
SERIES_COLOURS = ("#1d4f91", "#b00020", "#00703c", "#6f4e00", "#4c2c92", "#484949")

CHART_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#484949",
    colors=SERIES_COLOURS,
    font_family="DejaVu Sans, Arial, Helvetica, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=13,
    title_font_size=16,
    value_font_size=12,
    opacity="1",
    opacity_hover="1",
    transition="0s",
)

# The chart's own response policy: its style sheet and nothing else (no script, no fetch, no frame).
CHART_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int | float | None, ...]


@dataclass(frozen=True)
class BarChart:
    """What a chart shows, apart from how: the page's table is built from the same object."""

    title: str
    description: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    horizontal: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.labels or all(not any(series.values) for series in self.series)


def bar_chart_svg(chart: BarChart) -> str:
    """The chart as a standalone SVG document (text), with ``<title>`` and ``<desc>`` first and no script."""
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(chart.stacked, chart.horizontal)]
    drawing = kind(
        style=CHART_STYLE,
        js=[],
        disable_xml_declaration=True,
        title=chart.title,
        width=760,
        height=max(360, 40 + 34 * len(chart.labels)) if chart.horizontal else 380,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(chart.series), 4) or 1,
        print_values=True,
        print_zeroes=False,
        truncate_label=-1,
        x_label_rotation=0 if chart.horizontal or len(chart.labels) <= 6 else 20,
        show_y_guides=True,
        min_scale=1,
        max_scale=8,
        no_data_text="No figures for this period",
    )
    drawing.x_labels = list(chart.labels)
    for series in chart.series:
        drawing.add(series.name, list(series.values))
    root = drawing.render_tree()
    _remove_scripts(root)
    _describe(root, title=chart.title, description=chart.description)
    # pygal's tree is lxml's when lxml is installed (python-docx brings it), the standard library's otherwise.
    return etree.tostring(root, encoding="unicode")


def _remove_scripts(root) -> None:
    for parent in list(root.iter()):
        for child in list(parent):
            if _local_name(child.tag) == "script":
                parent.remove(child)


def _describe(root, *, title: str, description: str) -> None:
    """``role="img"`` with the title and description first, so a screen reader announces what the chart shows."""
    chart_id = root.get("id", "chart")
    title_element = root.makeelement(f"{{{SVG_NAMESPACE}}}title", {"id": f"{chart_id}-title"})
    title_element.text = title
    desc_element = root.makeelement(f"{{{SVG_NAMESPACE}}}desc", {"id": f"{chart_id}-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def chart_table_rows(chart: BarChart) -> list[tuple[str, Sequence[int | float | None]]]:
    """(label, one value per series) per bar: the accessible table and the CSV beside the chart."""
    return [(label, [series.values[i] for series in chart.series]) for i, label in enumerate(chart.labels)]


# Threshold series are drawn dashed, so a line is never told from a threshold by colour alone (WCAG 1.4.1).
_THRESHOLD_SERIES = {"Amber threshold": "#6f4e00", "Red threshold": "#b00020"}


def line_chart_svg(chart: BarChart) -> str:
    """A trend as a standalone SVG document: one line per series, a gap for a quarter with no figure, and any
    series named in ``_THRESHOLD_SERIES`` drawn as a dashed line without dots."""
    drawing = pygal.Line(
        style=CHART_STYLE,
        js=[],
        disable_xml_declaration=True,
        title=chart.title,
        width=760,
        height=400,
        legend_at_bottom=True,
        legend_at_bottom_columns=min(len(chart.series), 4) or 1,
        truncate_label=-1,
        x_label_rotation=0 if len(chart.labels) <= 8 else 45,
        show_minor_x_labels=len(chart.labels) <= 12,
        x_labels_major_every=max(1, len(chart.labels) // 10),
        show_y_guides=True,
        allow_interruptions=True,
        no_data_text="No figures for these quarters",
    )
    drawing.x_labels = list(chart.labels)
    for series in chart.series:
        if series.name in _THRESHOLD_SERIES:
            drawing.add(
                series.name,
                list(series.values),
                show_dots=False,
                stroke_style={"width": 2, "dasharray": "8, 6"},
                color=_THRESHOLD_SERIES[series.name],
            )
        else:
            drawing.add(series.name, list(series.values))
    root = drawing.render_tree()
    _remove_scripts(root)
    _describe(root, title=chart.title, description=chart.description)
    return etree.tostring(root, encoding="unicode")
