"""pygal against matplotlib for scrutiny's server-side SVG charts: time, size and inline style (no database).

    .venv/bin/python -m tests.benchmarks.charts               # pygal through scrutiny.charts; matplotlib if installed
    .venv/bin/python -m tests.benchmarks.charts --repeat 50

The chart is the dashboard's widest: rapid review timeliness over eight quarters, three stacked series. pygal is
timed through ``scrutiny.charts.bar_chart_svg`` (what the pages serve: script removed, title and description
added); matplotlib draws the same bars with its SVG backend. matplotlib is not a dependency: install it to compare
(``.venv/bin/pip install matplotlib==3.11.2``, and uninstall it after with its own dependencies, but not fonttools,
which WeasyPrint needs). Measured on 2026-12-04 (2 CPUs, load 3.2, ``--repeat 30``): pygal 11.8 ms median (93 ms
the first, imports included), 23 KB, one style sheet; matplotlib 129 ms (590 ms the first), 36 KB, with a ``style``
attribute on 50 elements, which a strict policy refuses when the SVG is inlined in a page.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time

LABELS = tuple(f"{year} Q{quarter}" for year in (2025, 2026) for quarter in range(1, 5))
SERIES = (
    ("Within 15 working days", (5, 7, 6, 8, 9, 4, 6, 7)),
    ("Late", (2, 1, 3, 0, 1, 2, 2, 1)),
    ("Open, not yet due", (0, 0, 0, 0, 0, 0, 1, 3)),
)


def _pygal() -> str:
    from scrutiny.charts import BarChart, Series, bar_chart_svg

    chart = BarChart(
        title="Rapid review timeliness",
        description="Stacked bars per quarter.",
        labels=LABELS,
        series=tuple(Series(name=name, values=values) for name, values in SERIES),
        stacked=True,
    )
    return bar_chart_svg(chart)


def _matplotlib() -> str:
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7.6, 3.8))
    bottom = [0] * len(LABELS)
    for name, values in SERIES:
        axes.bar(LABELS, values, bottom=bottom, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.legend()
    axes.set_title("Rapid review timeliness")
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    plt.close(figure)
    return buffer.getvalue()


def _measure(name: str, draw, repeat: int) -> None:
    started = time.perf_counter()
    svg = draw()
    first = time.perf_counter() - started
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        svg = draw()
        times.append(time.perf_counter() - started)
    style_attributes = svg.count('style="')
    print(
        f"{name:<11} first {first * 1000:7.1f} ms   median {statistics.median(times) * 1000:6.1f} ms   "
        f"size {len(svg) / 1000:5.1f} KB   style attributes {style_attributes:3d}   "
        f"<script> {svg.count('<script'):d}"
    )


def main() -> None:
    import os

    import django

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    _measure("pygal", _pygal, args.repeat)
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("matplotlib   not installed: pip install matplotlib==3.11.2 to compare (see this module's docstring)")
    else:
        _measure("matplotlib", _matplotlib, args.repeat)


if __name__ == "__main__":
    main()
