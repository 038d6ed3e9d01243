"""Scrutiny's charts: bar charts drawn on the server as SVG, with pygal.

pygal, not matplotlib, by measurement (``tests/benchmarks/charts.py``, 2026-12-04, 2 CPUs at load 3.2): the
dashboard's stacked bar chart of eight quarters in 11.8 ms against 129 ms (median of 30, after the first; 93 ms
against 590 ms the first time, imports included), 23 KB against 36 KB, and one ``<style>`` sheet where matplotlib
writes a ``style`` attribute on 50 elements, which a strict policy refuses if the SVG is ever put inline.

A chart is served as its own ``image/svg+xml`` response, so the page's strict policy (no inline style, no inline
script) stays as it is. The chart's response carries its own policy, which allows only the chart's own style sheet;
pygal's configuration ``<script>`` (for tooltips in a live page) is removed all the same, so the file is inert
wherever it is opened. Every chart starts with ``<title>`` and ``<desc>`` for screen readers, and the page gives the
same figures as a table beside it.

A bar can link to the records it counts (``Series.links``): the dashboard embeds such a chart with ``<object>``, as
an ``<img>`` never follows a link. The document is then framed, so its policy (``LINKED_CHART_CONTENT_SECURITY_POLICY``)
lets only this site frame it and lets it do one thing beyond drawing: navigate the page, on a click, to a link. The
links are same-site paths only, checked when the chart is made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

import pygal
from pygal.etree import etree
from pygal.style import Style

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"

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
# A chart whose bars link (shown in an ``<object>``): framed by this site's pages only, and its sandbox lifted for
# one thing, a click on a bar navigating the page to the bar's records. Still no script, fetch or form.
LINKED_CHART_CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'; "
    "sandbox allow-top-navigation-by-user-activation"
)


# A linked chart's own rules: a bar's printed figure lets a click through to the bar (it lies over it, outside the
# link), and the bar focused by keyboard is outlined (WCAG 2.4.7); ``!important`` outranks pygal's rules, which
# name the chart's id.
LINKED_CHART_CSS = (
    ".text-overlay { pointer-events: none; } "
    "a:focus-visible rect { stroke: #0b0c0c !important; stroke-width: 4px !important; }"
)
_PYGAL_CSS = ("file://style.css", "file://graph.css")  # pygal's own sheets, its default


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[int | float | None, ...]
    # The records behind each value, parallel to ``values``: a same-site path, or "" for a value with no list (a
    # zero). Empty: no value links.
    links: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.links and len(self.links) != len(self.values):
            raise ValueError(f"{self.name!r}: {len(self.links)} links for {len(self.values)} values.")
        for link in self.links:
            if link and not _is_site_path(link):
                raise ValueError(f"{self.name!r}: a chart links only to this site's pages, not {link!r}.")


def _is_site_path(link: str) -> bool:
    """A path on this site ("/p/..."): no scheme, no host, and not "//host" or "/\\host", which a browser reads as
    another site."""
    parts = urlsplit(link)
    return not parts.scheme and not parts.netloc and link.startswith("/") and link[1:2] not in ("/", "\\")


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

    @property
    def has_links(self) -> bool:
        return any(any(series.links) for series in self.series)

    @property
    def height(self) -> int:
        """The drawing's height at its width of 760: a bar a row for a horizontal chart. The page gives its
        ``<object>`` this height, so the space is kept before the chart has loaded and nothing below it moves when
        it does (a link under a chart moved by 230 pixels, and a click meant for it landed on the next chart's bar).
        """
        return max(360, 40 + 34 * len(self.labels)) if self.horizontal else 380


def bar_chart_svg(chart: BarChart, *, linked: bool = True) -> str:
    """The chart as a standalone SVG document (text), with ``<title>`` and ``<desc>`` first and no script; with
    ``linked``, each bar that has a link is wrapped in ``<a target="_top">`` named by its label, series and value."""
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(chart.stacked, chart.horizontal)]
    linked = linked and chart.has_links
    drawing = kind(
        style=CHART_STYLE,
        js=[],
        css=[*_PYGAL_CSS, f"inline:{LINKED_CHART_CSS}"] if linked else list(_PYGAL_CSS),
        disable_xml_declaration=True,
        title=chart.title,
        width=760,
        height=chart.height,
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
        drawing.add(series.name, _bar_values(chart, series) if linked else list(series.values))
    drawing.uuid = _chart_id(chart, kind.__name__, linked)
    root = drawing.render_tree()
    _remove_scripts_and_tidy_links(root)
    _describe(root, title=chart.title, description=chart.description, linked=linked)
    # pygal's tree is lxml's when lxml is installed (python-docx brings it), the standard library's otherwise.
    return etree.tostring(root, encoding="unicode")


def _bar_values(chart: BarChart, series: Series) -> list[object]:
    """pygal's values, a linked one as ``{"value", "xlink"}``: the link replaces the page the chart is framed in
    (``_top``), and its name says which bar it is ("2025 Q1, Late: 1"), as the table's row and column do."""
    values: list[object] = []
    for i, (value, link) in enumerate(zip(series.values, series.links or ("",) * len(series.values), strict=True)):
        if not link:
            values.append(value)
            continue
        name = f"{chart.labels[i]}, {series.name}: {value}"
        values.append({"value": value, "xlink": {"href": link, "target": "_top", "aria-label": name}})
    return values


def _chart_id(chart: BarChart, kind: str, linked: bool) -> str:
    """The SVG's id (pygal scopes its style sheet with it), from what the chart shows, where pygal draws a random one:
    the same figures give the same SVG, so a scrutiny report's HTML with the same data is the same version, not a new
    one to render again (``document_render_request`` keeps one version per HTML)."""
    return hashlib.sha256(repr((kind, linked, chart)).encode("utf-8")).hexdigest()[:32]


def _remove_scripts_and_tidy_links(root) -> None:
    """pygal's script and its comments (one names the day the chart was drawn); and for a link, the ``<desc>`` pygal
    writes with its address (read out, it is noise: the link's name says where it goes), and its ``xlink:href``
    written as SVG 2's ``href``, which every browser follows and which accessibility tools (and Playwright's roles)
    read as a link."""
    for parent in list(root.iter()):
        for child in list(parent):
            if (
                child.tag is etree.Comment
                or _local_name(child.tag) == "script"
                or (_local_name(child.tag) == "desc" and child.get("class") == "xlink")
            ):
                parent.remove(child)
        if _local_name(parent.tag) == "a" and _XLINK_HREF in parent.attrib:
            parent.set("href", parent.attrib.pop(_XLINK_HREF))


def _describe(root, *, title: str, description: str, linked: bool = False) -> None:
    """The title and description first, so a screen reader announces what the chart shows. ``role="img"`` unless
    the bars link: an image's content is hidden from a screen reader, links and all, so a linked chart keeps its
    own role (a graphics document) and its links can be reached."""
    chart_id = root.get("id", "chart")
    title_element = root.makeelement(f"{{{SVG_NAMESPACE}}}title", {"id": f"{chart_id}-title"})
    title_element.text = title
    desc_element = root.makeelement(f"{{{SVG_NAMESPACE}}}desc", {"id": f"{chart_id}-desc"})
    desc_element.text = description
    root.insert(0, desc_element)
    root.insert(0, title_element)
    if not linked:
        root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")


def _local_name(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def chart_table_rows(chart: BarChart) -> list[tuple[str, Sequence[int | float | None]]]:
    """(label, one value per series) per bar: the accessible table and the CSV beside the chart."""
    return [(label, [series.values[i] for series in chart.series]) for i, label in enumerate(chart.labels)]


# Threshold series are drawn dashed, so a line is never told from a threshold by colour alone (WCAG 1.4.1).
_THRESHOLD_SERIES = {"Amber threshold": "#6f4e00", "Red threshold": "#b00020"}


# A trend's drawing is this high at its width of 760; the page's ``<img>`` says so, to keep the space before it loads.
LINE_CHART_HEIGHT = 400


def line_chart_svg(chart: BarChart) -> str:
    """A trend as a standalone SVG document: one line per series, a gap for a quarter with no figure, and any
    series named in ``_THRESHOLD_SERIES`` drawn as a dashed line without dots."""
    drawing = pygal.Line(
        style=CHART_STYLE,
        js=[],
        disable_xml_declaration=True,
        title=chart.title,
        width=760,
        height=LINE_CHART_HEIGHT,
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
    drawing.uuid = _chart_id(chart, "Line", False)
    root = drawing.render_tree()
    _remove_scripts_and_tidy_links(root)
    _describe(root, title=chart.title, description=chart.description)
    return etree.tostring(root, encoding="unicode")
