"""Shared makers of the delivery plan's tests."""

from __future__ import annotations

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from learninghub.services.plans import delivery_plan_start, plan_indicator_add, plan_item_add
from tests.learninghub.helpers import cycle_make


def plan_make(world, *, cycle=None, starts_on: date | None = None):
    """A started plan of a (new) cycle: returns (cycle, plan)."""
    cycle = cycle or (cycle_make(world, starts_on=starts_on) if starts_on else cycle_make(world))
    return cycle, delivery_plan_start(partnership=world.partnership, actor=world.bm, cycle=cycle)


def figure_add(world, plan, *, name="Repeat missing episodes", period="2025-26 Q1", value="40", unit="episodes", **kw):
    return plan_indicator_add(
        partnership=world.partnership,
        actor=world.bm,
        plan=plan,
        name=name,
        period_label=period,
        value=value,
        unit=unit,
        **kw,
    )


def measure_add(world, plan, title="Fewer repeat missing episodes", **kw):
    return plan_item_add(partnership=world.partnership, actor=world.bm, plan=plan, kind="measure", title=title, **kw)


def csv_upload(text: str, name: str = "figures.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows: list[list], name: str = "figures.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def other_cycle_make(world, *, title: str, starts_on: date):
    """Another cycle of the world's partnership, on a priority of its own."""
    from tests.learninghub.helpers import priority_make

    return cycle_make(world, title=title, starts_on=starts_on, priority=priority_make(world, title=f"Priority {title}"))
