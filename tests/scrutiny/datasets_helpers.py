"""Small data sets for the data set tests: indicators and figures made directly (the services have their own
tests), and uploads as the browser or a program sends them."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from scrutiny.models import AgencyAnalysis, Indicator, IndicatorValue


def indicator_make(world, name="Repeat child protection plans", **fields) -> Indicator:
    values = {
        "part": "A",
        "unit": "%",
        "good_direction": "down",
        "amber_threshold": Decimal(20),
        "red_threshold": Decimal(25),
    } | fields
    return Indicator.objects.create(partnership=world.partnership, name=name, **values)


def value_make(world, indicator, quarter: date, value, agency=None) -> IndicatorValue:
    return IndicatorValue.objects.create(
        partnership=world.partnership, indicator=indicator, agency=agency, quarter=quarter, value=Decimal(str(value))
    )


def analysis_make(world, agency, quarter: date, text="Referrals rose after the school holidays.") -> AgencyAnalysis:
    return AgencyAnalysis.objects.create(partnership=world.partnership, agency=agency, quarter=quarter, text=text)


def hand_counted(world) -> tuple[Indicator, Indicator]:
    """Hand-made figures (see test_datasets.py for what each must show).

    Repeat plans (lower is better; amber past 20, red past 25), the whole partnership: 2023-24 Q4 18,
    2024-25 Q1 22, Q2 none, Q3 26, Q4 25; the council: 2024-25 Q1 10, Q2 20.
    Return interviews (higher is better; amber past 80, red past 60), the police: 2024-25 Q3 59, Q4 60.
    """
    repeat = indicator_make(world)
    for quarter, value in ((date(2024, 1, 1), 18), (date(2024, 4, 1), 22), (date(2024, 10, 1), 26)):
        value_make(world, repeat, quarter, value)
    value_make(world, repeat, date(2025, 1, 1), 25)
    value_make(world, repeat, date(2024, 4, 1), 10, agency=world.council)
    value_make(world, repeat, date(2024, 7, 1), 20, agency=world.council)
    interviews = indicator_make(
        world,
        "Return interviews within 72 hours",
        good_direction="up",
        amber_threshold=Decimal(80),
        red_threshold=Decimal(60),
        order=1,
    )
    value_make(world, interviews, date(2024, 10, 1), 59, agency=world.police)
    value_make(world, interviews, date(2025, 1, 1), 60, agency=world.police)
    return repeat, interviews


def csv_upload(text: str, name: str = "figures.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows: list[list[object]], name: str = "figures.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name, buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
