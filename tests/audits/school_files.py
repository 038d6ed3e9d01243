"""Register files for the tests and the benchmark: CSV and XLSX bytes of schools, good or bad."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

HEADINGS = ["name", "URN", "head", "DSL email"]


def school_rows(count: int, *, start: int = 0, urn_base: int = 100000) -> list[list[str]]:
    return [
        [f"School {n:05d}", str(urn_base + n), f"Head {n}", f"dsl{n}@school{n}.example.org"]
        for n in range(start, start + count)
    ]


def csv_bytes(rows: list[list[object]], headings: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings or HEADINGS)
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: list[list[object]], headings: list[str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Schools")
    sheet.append(headings or HEADINGS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "schools.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)
