"""Quarterly data sets: quarters, flags, trends and a quarter's grid against hand-computed figures (quarter
boundaries and empty quarters included), the services' roles and versions, uploads whole or not at all, and the
reports' section."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnership.models import HistoryEntry
from scrutiny.models import AgencyAnalysis, Indicator, IndicatorValue
from scrutiny.quarters import (
    quarter_end,
    quarter_label,
    quarter_of,
    quarter_parse,
    quarter_step,
    quarters_between,
)
from scrutiny.report_sections import ReportScope, report_section_keys, report_sections_for
from scrutiny.selectors.datasets import indicator_trend, quarter_dataset, value_flag
from scrutiny.services import datasets as services
from tests.scrutiny.datasets_helpers import (
    analysis_make,
    csv_upload,
    hand_counted,
    indicator_make,
    value_make,
    xlsx_upload,
)

pytestmark = pytest.mark.django_db

Q4_2324, Q1, Q2, Q3, Q4 = date(2024, 1, 1), date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1)


# --- Quarters -----------------------------------------------------------------------------------------------


def test_quarters_are_financial_and_their_boundaries_fall_where_they_should():
    assert quarter_of(date(2025, 3, 31)) == date(2025, 1, 1)
    assert quarter_of(date(2025, 4, 1)) == date(2025, 4, 1)
    assert quarter_of(date(2025, 12, 31)) == date(2025, 10, 1)
    assert quarter_label(date(2025, 1, 1)) == "2024-25 Q4"
    assert quarter_label(date(2025, 4, 1)) == "2025-26 Q1"
    assert quarter_label(date(2099, 10, 1)) == "2099-00 Q3"
    assert quarter_step(date(2025, 10, 1), 1) == date(2026, 1, 1)
    assert quarter_step(date(2025, 1, 1), -1) == date(2024, 10, 1)
    assert quarter_step(date(2025, 1, 1), -40) == date(2015, 1, 1)
    assert quarter_end(date(2024, 1, 1)) == date(2024, 3, 31)
    assert quarter_end(date(2024, 10, 1)) == date(2024, 12, 31)
    assert quarters_between(date(2024, 2, 15), date(2024, 7, 1)) == [Q4_2324, Q1, Q2]
    assert quarters_between(Q2, Q1) == []


@pytest.mark.parametrize(
    ("text", "quarter"),
    [
        ("2024-25 Q4", date(2025, 1, 1)),
        ("2024/25 q1", date(2024, 4, 1)),
        ("2024-2025 Q2", date(2024, 7, 1)),
        ("2025-03-31", date(2025, 1, 1)),
        ("2025-04-01", date(2025, 4, 1)),
        ("2025-05", date(2025, 4, 1)),
        ("2024-26 Q1", None),
        ("2024-25 Q5", None),
        ("2025-02-30", None),
        ("Q1", None),
        ("", None),
    ],
)
def test_a_quarter_is_read_as_people_write_it(text, quarter):
    assert quarter_parse(text) == quarter


# --- Flags ----------------------------------------------------------------------------------------------------


def test_flags_follow_the_good_direction_and_a_figure_on_a_threshold_is_not_past_it(world_a):
    down = indicator_make(world_a)  # amber past 20, red past 25
    up = indicator_make(world_a, "Up", good_direction="up", amber_threshold=Decimal(80), red_threshold=Decimal(60))
    assert [value_flag(down, Decimal(v)) for v in ("19", "20", "20.0001", "25", "25.5")] == [
        "",
        "",
        "amber",
        "amber",
        "red",
    ]
    assert [value_flag(up, Decimal(v)) for v in ("81", "80", "79.99", "60", "59")] == ["", "", "amber", "amber", "red"]
    assert value_flag(up, None) == ""
    no_thresholds = indicator_make(world_a, "Plain", amber_threshold=None, red_threshold=None)
    assert value_flag(no_thresholds, Decimal(10**9)) == ""


# --- Trends -----------------------------------------------------------------------------------------------------


def _cells(trend):
    return [(quarter_label(q), [(c.text, c.flag, c.change) for c in cells]) for q, cells in trend.rows]


def test_a_trend_matches_the_hand_computed_figures_with_gaps_for_empty_quarters(world_a, world_b):
    repeat, _interviews = hand_counted(world_a)
    hand_counted(world_b)  # the same figures elsewhere must not show
    value_make(world_a, repeat, date(2025, 4, 1), 1)  # after the span: not shown

    trend = indicator_trend(partnership=world_a.partnership, indicator=repeat, last=Q4, count=5)
    assert trend.series_names == ("Whole partnership", world_a.council.name)
    assert _cells(trend) == [
        ("2023-24 Q4", [("18", "", None), ("", "", None)]),
        ("2024-25 Q1", [("22", "amber", Decimal(4)), ("10", "", None)]),
        ("2024-25 Q2", [("", "", None), ("20", "", Decimal(10))]),
        ("2024-25 Q3", [("26", "red", None), ("", "", None)]),
        ("2024-25 Q4", [("25", "amber", Decimal(-1)), ("", "", None)]),
    ]
    description = trend.description()
    assert "3 figures past a threshold" in description
    assert "Whole partnership 2024-25 Q3 26 (red)" in description
    chart = trend.chart()
    assert [s.name for s in chart.series] == [
        "Whole partnership",
        world_a.council.name,
        "Amber threshold",
        "Red threshold",
    ]
    assert chart.series[0].values == (18.0, 22.0, None, 26.0, 25.0)
    assert trend.csv_rows()[2] == ["2024-25 Q1", "22", "Amber", "10", ""]


def test_a_span_with_no_figures_is_empty_not_zero(world_a):
    repeat, _ = hand_counted(world_a)
    trend = indicator_trend(partnership=world_a.partnership, indicator=repeat, last=date(2020, 1, 1), count=4)
    assert trend.is_empty
    assert trend.series_names == ()
    assert len(trend.rows) == 4
    assert "no figures from 2019-20 Q1 to 2019-20 Q4" in trend.description()
    assert all(len(s.values) == 4 for s in trend.chart().series)


def test_a_trend_reads_in_two_queries(world_a, django_assert_num_queries):
    repeat, _ = hand_counted(world_a)
    with django_assert_num_queries(2):
        indicator_trend(partnership=world_a.partnership, indicator=repeat, last=Q4, count=40)


# --- A quarter's data set ---------------------------------------------------------------------------------------


def test_a_quarters_grid_matches_the_hand_computed_figures(world_a, world_b, django_assert_num_queries):
    repeat, interviews = hand_counted(world_a)
    hand_counted(world_b)
    analysis_make(world_a, world_a.police, Q3, "Interviews fell with two staff vacancies.")
    analysis_make(world_b, world_b.police, Q3, "Not ours.")
    with django_assert_num_queries(4):
        data = quarter_dataset(partnership=world_a.partnership, quarter=Q3)
    names = [name for _key, name in data.columns]
    assert names[0] == "Whole partnership"
    assert sorted(names[1:]) == names[1:]
    assert world_b.council.name not in names
    police = names.index(world_a.police.name)
    rows = {indicator.name: cells for _part, _theme, indicator, cells in data.rows}
    assert (rows[repeat.name][0].text, rows[repeat.name][0].flag, rows[repeat.name][0].change) == ("26", "red", None)
    assert (rows[interviews.name][police].text, rows[interviews.name][police].flag) == ("59", "red")
    assert (data.figures, data.flagged) == (2, 2)
    assert [a.text for a in data.analyses] == ["Interviews fell with two staff vacancies."]
    # The next quarter: changes from this one.
    later = quarter_dataset(partnership=world_a.partnership, quarter=Q4)
    later_rows = {indicator.name: cells for _part, _theme, indicator, cells in later.rows}
    assert later_rows[repeat.name][0].change == Decimal(-1)
    assert later_rows[interviews.name][police].change == Decimal(1)
    # An empty quarter: every indicator, no figure, nothing flagged.
    empty = quarter_dataset(partnership=world_a.partnership, quarter=date(2019, 4, 1))
    assert (empty.figures, empty.flagged, len(empty.rows)) == (0, 0, 2)


def test_a_retired_indicator_shows_only_in_quarters_with_its_figures(world_a):
    repeat, _ = hand_counted(world_a)
    Indicator.objects.filter(pk=repeat.pk).update(active=False)
    assert repeat.name in [i.name for *_r, i, _c in quarter_dataset(partnership=world_a.partnership, quarter=Q3).rows]
    assert repeat.name not in [
        i.name for *_r, i, _c in quarter_dataset(partnership=world_a.partnership, quarter=date(2023, 4, 1)).rows
    ]


# --- Services: indicators -----------------------------------------------------------------------------------------


def _indicator_data(**fields):
    return {
        "part": "B",
        "theme": "Domestic abuse",
        "name": "MARAC referrals with children",
        "definition": "Cases heard at MARAC with a child in the household.",
        "unit": "referrals",
        "good_direction": "up",
        "amber_threshold": "40",
        "red_threshold": "30",
        "order": 0,
        "active": True,
    } | fields


def test_business_managers_define_indicators_and_nobody_else(world_a):
    made = services.indicator_create(
        partnership=world_a.partnership, actor=world_a.bm, membership=world_a.business_manager, **_indicator_data()
    )
    assert (made.part, made.theme, made.amber_threshold) == ("B", "Domestic abuse", Decimal(40))
    assert HistoryEntry.objects.filter(object_id=str(made.pk), action="created").exists()
    for membership in (world_a.scrutineer, world_a.agency_lead, world_a.la_lead):
        with pytest.raises(PermissionDenied):
            services.indicator_create(
                partnership=world_a.partnership,
                actor=membership.person,
                membership=membership,
                **_indicator_data(name="Other"),
            )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "marac REFERRALS with children"}, "name"),
        ({"theme": ""}, "theme"),
        ({"part": "C"}, "part"),
        ({"good_direction": "sideways"}, "good_direction"),
        ({"amber_threshold": "lots"}, "amber_threshold"),
        ({"red_threshold": "50"}, "red_threshold"),  # higher is better: red above amber
        ({"red_threshold": "1e20"}, "red_threshold"),
        ({"order": -1}, "order"),
    ],
)
def test_a_bad_indicator_is_refused_on_its_field(world_a, fields, field):
    services.indicator_create(
        partnership=world_a.partnership, actor=world_a.bm, membership=world_a.business_manager, **_indicator_data()
    )
    with pytest.raises(ValidationError) as exc:
        services.indicator_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.business_manager,
            **_indicator_data(**({"name": "Another"} | fields)),
        )
    assert field in exc.value.message_dict


def test_a_part_a_indicator_loses_its_theme_and_an_edit_from_an_old_read_is_refused(world_a):
    made = services.indicator_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=world_a.business_manager,
        **_indicator_data(part="A"),
    )
    assert made.theme == ""
    read = made.updated_at
    services.indicator_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=world_a.business_manager,
        indicator=made,
        expected_updated_at=read,
        **_indicator_data(part="A", amber_threshold="45"),
    )
    with pytest.raises(ValidationError) as exc:
        services.indicator_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.business_manager,
            indicator=made,
            expected_updated_at=read,
            **_indicator_data(part="A", amber_threshold="50"),
        )
    assert exc.value.code == "stale"
    assert Indicator.objects.get(pk=made.pk).amber_threshold == Decimal(45)


# --- Services: figures on the form --------------------------------------------------------------------------------


def _enter(world, membership, agency, values, read_version=None, *, quarter=Q1):
    return services.quarter_values_enter(
        partnership=world.partnership,
        actor=membership.person,
        membership=membership,
        agency=agency,
        quarter=quarter,
        values=values,
        read_version=read_version,
    )


def test_an_agency_lead_enters_their_own_agencys_figures_only(world_a):
    repeat, interviews = hand_counted(world_a)
    result = _enter(world_a, world_a.agency_lead, world_a.school, {repeat.pk: "12.5", interviews.pk: ""})
    assert (result.added, result.updated, result.removed) == (1, 0, 0)
    assert IndicatorValue.objects.get(agency=world_a.school).value == Decimal("12.5")
    for agency in (world_a.council, None):
        with pytest.raises(PermissionDenied):
            _enter(world_a, world_a.agency_lead, agency, {repeat.pk: "1"})
    for membership in (world_a.scrutineer, world_a.police_lead, world_a.practitioner):
        with pytest.raises(PermissionDenied):
            _enter(world_a, membership, membership.agency, {repeat.pk: "1"})


def test_the_business_manager_changes_and_clears_figures_and_a_stale_form_writes_nothing(world_a):
    repeat, interviews = hand_counted(world_a)
    version = IndicatorValue.objects.get(indicator=repeat, agency=world_a.council, quarter=Q1).updated_at
    result = _enter(world_a, world_a.business_manager, world_a.council, {repeat.pk: "", interviews.pk: "70"}, version)
    assert (result.added, result.removed) == (1, 1)
    assert not IndicatorValue.objects.filter(indicator=repeat, agency=world_a.council, quarter=Q1).exists()
    with pytest.raises(ValidationError) as exc:
        _enter(world_a, world_a.business_manager, world_a.council, {interviews.pk: "71"}, version)
    assert exc.value.code == "stale"
    assert IndicatorValue.objects.get(indicator=interviews, agency=world_a.council).value == 70


def test_bad_figures_are_refused_on_their_fields_and_nothing_is_written(world_a, world_b):
    repeat, interviews = hand_counted(world_a)
    other, _ = hand_counted(world_b)
    with pytest.raises(ValidationError) as exc:
        _enter(world_a, world_a.agency_lead, world_a.school, {repeat.pk: "lots", interviews.pk: "1e15", other.pk: "1"})
    assert set(exc.value.message_dict) == {f"value_{repeat.pk}", f"value_{interviews.pk}", f"value_{other.pk}"}
    assert not IndicatorValue.objects.filter(agency=world_a.school).exists()


# --- Services: uploads ----------------------------------------------------------------------------------------------


def _import(world, membership, upload):
    return services.values_import(
        partnership=world.partnership, actor=membership.person, membership=membership, upload=upload
    )


def _import_errors(world, membership, upload):
    with pytest.raises(ValidationError) as exc:
        _import(world, membership, upload)
    return exc.value.message_dict["file"]


def test_a_good_csv_is_imported_whole(world_a):
    repeat, interviews = hand_counted(world_a)
    text = (
        "Indicator,Quarter,Value,Agency\n"
        f"{repeat.name},2024-25 Q1,23,\n"  # changes the partnership's 22
        f"{repeat.name},2025-03-31,25,\n"  # the last day of 2024-25 Q4: unchanged
        f"{interviews.name},2025-04-01,1,{world_a.police.name}\n"  # the first day of 2025-26 Q1: new
        "\n"
        f'{interviews.name.upper()},2025-26 Q2,"1,234.5",{world_a.school.name.lower()}\n'
    )
    result = _import(world_a, world_a.business_manager, csv_upload(text))
    assert (result.added, result.updated, result.unchanged) == (2, 1, 1)
    assert IndicatorValue.objects.get(indicator=repeat, agency=None, quarter=Q1).value == 23
    assert IndicatorValue.objects.get(indicator=interviews, agency=world_a.police, quarter=date(2025, 4, 1)).value == 1
    assert IndicatorValue.objects.get(agency=world_a.school).value == Decimal("1234.5")
    assert HistoryEntry.objects.filter(reason="Imported from a file").count() == 1


def test_a_csv_with_bad_lines_is_refused_whole_with_every_line_named(world_a, world_b):
    repeat, _ = hand_counted(world_a)
    before = IndicatorValue.objects.count()
    text = (
        "indicator,quarter,value,agency\n"
        f"{repeat.name},2024-25 Q1,1,\n"  # good: not imported
        "Unknown indicator,2024-25 Q1,1,\n"
        f"{repeat.name},Spring,1,\n"
        f"{repeat.name},2024-25 Q2,many,\n"
        f"{repeat.name},2024-25 Q2,5,{world_b.police.name}\n"
        f"{repeat.name},,,\n"
        f"{repeat.name},2024-04-15,2,\n"  # the same figure as line 2
    )
    assert _import_errors(world_a, world_a.business_manager, csv_upload(text)) == [
        "line 3: indicator 'Unknown indicator' is not one of the data set's indicators",
        "line 4: quarter 'Spring' is not a quarter (write 2025-26 Q1, or 2025-04-01)",
        "line 5: value 'many' is not a number",
        f"line 6: agency '{world_b.police.name}' is not one of the partnership's agencies",
        "line 7: enter the quarter (for example 2025-26 Q1, or its first day 2025-04-01)",
        "line 7: enter a value",
        f"line 8: {repeat.name} for 2024-25 Q1 is already on line 2",
    ]
    assert IndicatorValue.objects.count() == before


def test_an_xlsx_is_read_like_a_csv_whole_or_not_at_all(world_a):
    repeat, _ = hand_counted(world_a)
    good = [["indicator", "quarter", "value", "agency"], [repeat.name, "2023-24 Q1", 17.0, world_a.council.name]]
    assert _import(world_a, world_a.business_manager, xlsx_upload(good)).added == 1
    bad = [["indicator", "quarter", "value"], [repeat.name, "2023-24 Q2", 3], [repeat.name, "2023-24 Q3", "x"]]
    assert _import_errors(world_a, world_a.business_manager, xlsx_upload(bad)) == ["line 3: value 'x' is not a number"]
    assert not IndicatorValue.objects.filter(quarter=date(2023, 7, 1)).exists()


def test_an_agency_lead_uploads_only_their_own_agencys_figures(world_a):
    repeat, _ = hand_counted(world_a)
    text = (
        "indicator,quarter,value,agency\n"
        f"{repeat.name},2024-25 Q1,1,{world_a.school.name}\n"
        f"{repeat.name},2024-25 Q1,1,{world_a.council.name}\n"
        f"{repeat.name},2024-25 Q2,1,\n"
    )
    assert _import_errors(world_a, world_a.agency_lead, csv_upload(text)) == [
        f"line 3: you may not enter {world_a.council.name}'s figures",
        "line 4: you may not enter the whole partnership's figures",
    ]
    with pytest.raises(PermissionDenied):
        _import(world_a, world_a.scrutineer, csv_upload(text))


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "Choose a file to upload."),
        (
            csv_upload("colour,quarter,value\n"),
            "line 1: column 'colour' is not one of indicator, quarter, value, agency",
        ),
        (csv_upload("indicator,value\n"), "line 1: the columns must include quarter"),
        (csv_upload("indicator,quarter,value\n"), "The file has column names but no figures."),
        (csv_upload("\n\n"), "The file has no rows: put the column names on line 1 and one figure on each line after."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(world_a, upload, message):
    assert _import_errors(world_a, world_a.business_manager, upload)[0] == message


def test_an_inactive_indicator_takes_no_more_figures(world_a):
    repeat, _ = hand_counted(world_a)
    Indicator.objects.filter(pk=repeat.pk).update(active=False)
    assert _import_errors(
        world_a, world_a.business_manager, csv_upload(f"indicator,quarter,value\n{repeat.name},2025-26 Q1,3\n")
    ) == [f"line 2: indicator '{repeat.name}' is no longer collected"]


# --- Services: analyses ---------------------------------------------------------------------------------------------


def test_an_agency_lead_writes_their_agencys_analysis_and_a_stale_one_is_refused(world_a):
    saved = services.analysis_save(
        partnership=world_a.partnership,
        actor=world_a.agency_lead.person,
        membership=world_a.agency_lead,
        agency=world_a.school,
        quarter=Q1,
        text="  Attendance figures improved.  ",
        expected_updated_at=None,
    )
    assert saved.text == "Attendance figures improved."
    with pytest.raises(ValidationError) as exc:
        services.analysis_save(
            partnership=world_a.partnership,
            actor=world_a.business_manager.person,
            membership=world_a.business_manager,
            agency=world_a.school,
            quarter=Q1,
            text="Overwrite",
            expected_updated_at=None,
        )
    assert exc.value.code == "stale"
    for membership, agency in ((world_a.agency_lead, world_a.council), (world_a.scrutineer, world_a.council)):
        with pytest.raises(PermissionDenied):
            services.analysis_save(
                partnership=world_a.partnership,
                actor=membership.person,
                membership=membership,
                agency=agency,
                quarter=Q1,
                text="No",
                expected_updated_at=None,
            )
    assert AgencyAnalysis.objects.get().text == "Attendance figures improved."


# --- The reports' section ---------------------------------------------------------------------------------------------


def test_the_report_section_gives_the_periods_figures_flags_and_analyses(world_a, world_b):
    assert "datasets" in report_section_keys()
    repeat, interviews = hand_counted(world_a)
    hand_counted(world_b)
    analysis_make(world_a, world_a.police, Q3, "Two vacancies slowed interviews.")
    scope = ReportScope(partnership=world_a.partnership, start=Q3, end=date(2024, 12, 31), kind="quarterly")
    section = next(s for s in report_sections_for(scope) if s.key == "datasets")
    assert section.title == "Quarterly data sets"
    (table,) = section.tables
    assert table.caption == "2024-25 Q3: 2 figures, 2 past a threshold"
    assert table.headers == ("Indicator", "Whole partnership", world_a.police.name)
    assert table.rows == ((repeat.name, "26 (Red)", ""), (interviews.name, "", "59 (Red)"))
    assert section.paragraphs == (f"{world_a.police.name}, 2024-25 Q3: Two vacancies slowed interviews.",)
    assert {c.title for c in section.charts} == {repeat.name, interviews.name}
    assert all("<script" not in c.svg for c in section.charts)
    year = ReportScope(partnership=world_a.partnership, start=date(2024, 4, 1), end=date(2025, 3, 31), kind="annual")
    captions = [t.caption for t in next(s for s in report_sections_for(year) if s.key == "datasets").tables]
    assert captions == [
        "2024-25 Q1: 2 figures, 1 past a threshold",
        "2024-25 Q2: 1 figures, 0 past a threshold",
        "2024-25 Q3: 2 figures, 2 past a threshold",
        "2024-25 Q4: 2 figures, 2 past a threshold",
    ]
    empty = ReportScope(
        partnership=world_a.partnership, start=date(2019, 4, 1), end=date(2019, 6, 30), kind="quarterly"
    )
    assert all(s.key != "datasets" for s in report_sections_for(empty))
