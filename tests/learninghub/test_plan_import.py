"""Importing a delivery plan's figures from CSV and Excel: every row or none, errors by line, size and type
checked, the partnership's own agencies only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from learninghub.models import PlanIndicator
from learninghub.services import plan_import
from learninghub.services.plans import plan_indicators_import
from tests.learninghub.plan_helpers import csv_upload, figure_add, plan_make, xlsx_upload

pytestmark = pytest.mark.django_db


def _import(world, plan, upload, **kw):
    return plan_indicators_import(partnership=world.partnership, actor=world.bm, plan=plan, upload=upload, **kw)


def _errors(world, plan, upload) -> list[str]:
    with pytest.raises(ValidationError) as exc:
        _import(world, plan, upload)
    assert set(exc.value.message_dict) == {"file"}
    return exc.value.message_dict["file"]


def _figures(world):
    return {
        (i.name, i.period_label, i.agency.name if i.agency_id else ""): i.value
        for i in PlanIndicator.objects.in_partnership(world.partnership).select_related("agency")
    }


def test_a_csv_adds_figures_and_updates_the_ones_the_plan_holds(world_a):
    _cycle, plan = plan_make(world_a)
    figure_add(world_a, plan, name="Repeat missing episodes", period="Q1", value="40")
    text = (
        "Indicator,Unit,Period,Value,Agency\n"
        "Repeat missing episodes,episodes,Q1,38,\n"
        'Repeat missing episodes,episodes,Q2,"1,204.5",\n'
        f"Return interviews within 72 hours,%,Q1,61.5,{world_a.police.name.upper()}\n"
        "\n"
    )
    plan.refresh_from_db()
    result = _import(world_a, plan, csv_upload(text), expected_updated_at=plan.updated_at)
    assert (result.added, result.updated, result.unchanged) == (2, 1, 0)
    assert _figures(world_a) == {
        ("Repeat missing episodes", "Q1", ""): Decimal(38),
        ("Repeat missing episodes", "Q2", ""): Decimal("1204.5"),
        ("Return interviews within 72 hours", "Q1", world_a.police.name): Decimal("61.5"),
    }


def test_an_xlsx_imports_the_same_way(world_a):
    _cycle, plan = plan_make(world_a)
    rows = [["period", "indicator", "value"], ["Q1", "Children missing", 12], ["Q2", "Children missing", 9.5]]
    result = _import(world_a, plan, xlsx_upload(rows))
    assert result.added == 2
    assert _figures(world_a)[("Children missing", "Q2", "")] == Decimal("9.5")


def test_every_bad_line_is_reported_and_nothing_is_imported(world_a, world_b):
    _cycle, plan = plan_make(world_a)
    figure_add(world_a, plan, name="Kept", period="Q1", value="1")
    text = (
        "indicator,period,value,agency\n"
        "Good,Q1,1,\n"
        "Bad number,Q1,abc,\n"
        ",Q1,3,\n"
        f"Theirs,Q1,4,{world_b.police.name}\n"
        "Good,Q1,5,\n"
        "No value,Q2,,\n"
    )
    assert _errors(world_a, plan, csv_upload(text)) == [
        "line 3: value 'abc' is not a number",
        "line 4: enter the indicator's name",
        f"line 5: agency '{world_b.police.name}' is not one of the partnership's agencies",
        "line 6: Good for Q1 is already on line 2",
        "line 7: enter a value",
    ]
    assert _figures(world_a) == {("Kept", "Q1", ""): Decimal(1)}


def test_bad_xlsx_lines_are_reported_by_their_row(world_a):
    _cycle, plan = plan_make(world_a)
    rows = [["indicator", "period", "value"], ["A", "Q1", 1], ["B", "Q1", "n/a"]]
    assert _errors(world_a, plan, xlsx_upload(rows)) == ["line 3: value 'n/a' is not a number"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("indicator,value\nA,1\n", ["line 1: the columns must include period"]),
        (
            "indicator,period,value,colour\nA,Q1,1,red\n",
            ["line 1: column 'colour' is not one of indicator, unit, period, value, agency"],
        ),
        ("indicator,period,value,Value\nA,Q1,1,2\n", ["line 1: column 'Value' appears twice"]),
        ("indicator,period,value\n", ["The file has column names but no figures."]),
        ("\n\n", ["The file has no rows: put the column names on line 1 and one figure on each line after."]),
    ],
)
def test_bad_headers_and_empty_files_are_explained(world_a, text, expected):
    _cycle, plan = plan_make(world_a)
    assert _errors(world_a, plan, csv_upload(text)) == expected


def test_files_of_the_wrong_kind_or_size_are_refused(world_a, monkeypatch):
    _cycle, plan = plan_make(world_a)
    pdf = SimpleUploadedFile("figures.pdf", b"%PDF-1.4 not a table", content_type="application/pdf")
    assert _errors(world_a, plan, pdf) == ["Upload a CSV file or an Excel workbook (.xlsx)."]
    disguised = SimpleUploadedFile("figures.csv", b"%PDF-1.4", content_type="text/csv")
    assert "named with its usual extension" in _errors(world_a, plan, disguised)[0]
    broken = SimpleUploadedFile("figures.xlsx", b"PK\x03\x04 broken", content_type="application/octet-stream")
    assert _errors(world_a, plan, broken)
    assert _errors(world_a, plan, None) == ["Choose a file to upload."]
    latin1 = SimpleUploadedFile("f.csv", "indicator,period,value\nCafé,Q1,1\n".encode("latin-1"))
    assert _errors(world_a, plan, latin1)
    monkeypatch.setattr(plan_import, "MAX_ROWS", 3)
    many = "indicator,period,value\n" + "".join(f"A,Q{n},1\n" for n in range(5))
    assert _errors(world_a, plan, csv_upload(many)) == [
        "The file has more than 3 rows: split it, and upload each part."
    ]
    assert not PlanIndicator.objects.in_partnership(world_a.partnership).exists()


def test_too_many_errors_are_cut_short(world_a):
    _cycle, plan = plan_make(world_a)
    text = "indicator,period,value\n" + "".join(f"A,Q{n},x\n" for n in range(60))
    errors = _errors(world_a, plan, csv_upload(text))
    assert len(errors) == plan_import.MAX_ERRORS + 1
    assert errors[-1] == "and 10 more"


def test_an_import_from_an_out_of_date_page_is_refused(world_a):
    _cycle, plan = plan_make(world_a)
    read = plan.updated_at
    figure_add(world_a, plan)
    with pytest.raises(ValidationError) as exc:
        _import(world_a, plan, csv_upload("indicator,period,value\nA,Q1,1\n"), expected_updated_at=read)
    assert exc.value.code == "stale"
