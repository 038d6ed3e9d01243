"""Importing the schools register: CSV and XLSX, update by URN, every bad row reported, all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits import services
from audits.models import School, SchoolImport
from partnership.models import Agency, AgencyType, HistoryEntry
from tests.audits.school_files import csv_bytes, school_rows, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _import(world, data: bytes, name: str = "schools.csv"):
    rows, kind, file_name = services.school_rows_from_upload(upload(data, name))
    return services.school_import(
        partnership=world.partnership, actor=world.bm, rows=rows, file_name=file_name, file_kind=kind
    )


def _problems(excinfo) -> list[tuple[int, str]]:
    return [(p.line, p.column) for p in excinfo.value.problems]


def test_csv_creates_a_school_and_an_education_agency_for_each_row(world_a):
    result = _import(world_a, csv_bytes(school_rows(3)))

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    school = School.objects.in_partnership(world_a.partnership).select_related("agency").get(urn="100001")
    assert school.name == "School 00001"
    assert school.head_teacher_name == "Head 1"
    assert school.dsl_email == "dsl1@school1.example.org"
    assert school.agency.name == "School 00001"
    assert school.agency.agency_type == AgencyType.EDUCATION
    assert school.agency.partnership_id == world_a.partnership.pk
    record = SchoolImport.objects.in_partnership(world_a.partnership).get()
    assert (record.rows, record.created, record.file_kind, record.imported_by) == (3, 3, "csv", world_a.bm)
    created = HistoryEntry.objects.in_partnership(world_a.partnership).filter(object_id=school.pk, action="created")
    assert created.get().changes["urn"] == {"from": None, "to": "100001"}


def test_xlsx_reads_the_first_sheet_with_urns_typed_as_numbers(world_a):
    rows = [["Oak Primary", 123456, "Ann Head", "DSL@Oak.example.org"], ["Elm Academy", 123457.0, "Bo Head", "d@e.org"]]

    result = _import(world_a, xlsx_bytes(rows), "register.xlsx")

    assert result.created == 2
    schools = School.objects.in_partnership(world_a.partnership)
    assert sorted(schools.values_list("urn", "dsl_email")) == [
        ("123456", "dsl@oak.example.org"),
        ("123457", "d@e.org"),
    ]
    assert SchoolImport.objects.in_partnership(world_a.partnership).get().file_kind == "xlsx"


def test_a_second_import_updates_by_urn_and_counts_unchanged_rows(world_a):
    _import(world_a, csv_bytes(school_rows(3)))
    rows = school_rows(3)
    rows[0][2] = "New Head"
    rows[1][0] = "Renamed School"
    rows.append(["Brand New", "100009", "Head 9", "d9@x.org"])

    result = _import(world_a, csv_bytes(rows))

    assert (result.created, result.updated, result.unchanged) == (1, 2, 1)
    schools = School.objects.in_partnership(world_a.partnership).select_related("agency")
    assert schools.count() == 4
    assert schools.get(urn="100000").head_teacher_name == "New Head"
    renamed = schools.get(urn="100001")
    assert (renamed.name, renamed.agency.name) == ("Renamed School", "Renamed School")
    change = HistoryEntry.objects.in_partnership(world_a.partnership).get(object_id=renamed.pk, action="updated")
    assert change.changes["name"] == {"from": "School 00001", "to": "Renamed School"}


def test_two_schools_may_swap_names(world_a):
    _import(world_a, csv_bytes([["Alpha", "100001", "H", "a@x.org"], ["Beta", "100002", "H", "b@x.org"]]))

    _import(world_a, csv_bytes([["Beta", "100001", "H", "a@x.org"], ["Alpha", "100002", "H", "b@x.org"]]))

    agencies = dict(School.objects.in_partnership(world_a.partnership).values_list("urn", "agency__name"))
    assert agencies == {"100001": "Beta", "100002": "Alpha"}


def test_a_name_another_agency_has_is_told_apart_by_the_urn(world_a):
    # The world's own "Alpha Primary School" agency is not a school on the register.
    rows = [
        ["Alpha Primary School", "100001", "H", "a@x.org"],
        ["St Mary's CE Primary", "100002", "H", "b@x.org"],
        ["St Mary's CE Primary", "100003", "H", "c@x.org"],
    ]

    _import(world_a, csv_bytes(rows))

    names = dict(School.objects.in_partnership(world_a.partnership).values_list("urn", "agency__name"))
    assert names == {
        "100001": "Alpha Primary School (URN 100001)",
        "100002": "St Mary's CE Primary (URN 100002)",
        "100003": "St Mary's CE Primary (URN 100003)",
    }
    # The school's own name stays as the register gives it.
    assert School.objects.in_partnership(world_a.partnership).get(urn="100002").name == "St Mary's CE Primary"


def test_every_bad_row_is_reported_by_line_and_column_and_nothing_is_imported(world_a):
    rows = [
        ["Good School", "100001", "H", "good@x.org"],  # line 2
        ["", "100002", "H", "a@x.org"],  # line 3: no name
        ["Bad URN", "12AB", "H", "a@x.org"],  # line 4
        ["No Head", "100004", "", "a@x.org"],  # line 5
        ["Bad Email", "100005", "H", "not-an-email"],  # line 6
        ["Repeat", "100001", "H", "a@x.org"],  # line 7: URN of line 2
        ["Long", "100007", "H" * 201, "a@x.org"],  # line 8
    ]

    with pytest.raises(services.SchoolImportRefused) as excinfo:
        _import(world_a, csv_bytes(rows))

    assert _problems(excinfo) == [(3, "name"), (4, "URN"), (5, "head"), (6, "DSL email"), (7, "URN"), (8, "head")]
    assert "line 2" in excinfo.value.problems[4].message
    assert "6 rows of the file have problems" in excinfo.value.message_dict["file"][0]
    assert not School.objects.in_partnership(world_a.partnership).exists()
    assert not Agency.objects.in_partnership(world_a.partnership).filter(name="Good School").exists()
    assert not SchoolImport.objects.in_partnership(world_a.partnership).exists()


def test_a_bad_row_refuses_the_updates_of_good_rows_too(world_a):
    _import(world_a, csv_bytes(school_rows(2)))
    rows = school_rows(2)
    rows[0][2] = "Changed Head"
    rows[1][3] = "broken"

    with pytest.raises(services.SchoolImportRefused):
        _import(world_a, csv_bytes(rows))

    assert School.objects.in_partnership(world_a.partnership).get(urn="100000").head_teacher_name == "Head 0"


def test_a_quoted_value_over_two_lines_names_rows_by_their_first_line(world_a):
    data = b'name,URN,head,DSL email\n"Two\nLine School",100001,H,a@x.org\nBad,xx,H,b@x.org\n'

    with pytest.raises(services.SchoolImportRefused) as excinfo:
        _import(world_a, data)

    assert _problems(excinfo) == [(4, "URN")]


def test_blank_lines_are_skipped_and_headings_are_matched_loosely(world_a):
    data = csv_bytes(
        [["Oak", "100001", "H", "a@x.org"], ["", "", "", ""], ["Elm", "100002", "H", "b@x.org"]],
        headings=["School Name", "urn", "Headteacher", "DSL e-mail"],
    )

    assert _import(world_a, data).created == 2


def test_governor_columns_are_optional_and_checked_when_present(world_a):
    headings = ["name", "URN", "head", "DSL email", "Governor", "Governor email"]
    good = [["Oak", "100001", "H", "a@x.org", "Gail Governor", "Gail@x.org"]]
    _import(world_a, csv_bytes(good, headings=headings))
    school = School.objects.in_partnership(world_a.partnership).get(urn="100001")
    assert (school.governor_name, school.governor_email) == ("Gail Governor", "gail@x.org")

    # A file without the governor columns leaves the governor as it was.
    _import(world_a, csv_bytes([["Oak", "100001", "H", "a@x.org"]]))
    school.refresh_from_db()
    assert school.governor_name == "Gail Governor"

    bad = [["Oak", "100001", "H", "a@x.org", "", "gail@x.org"], ["Elm", "100002", "H", "b@x.org", "G", "nope"]]
    with pytest.raises(services.SchoolImportRefused) as excinfo:
        _import(world_a, csv_bytes(bad, headings=headings))
    assert _problems(excinfo) == [(2, "governor"), (3, "governor email")]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "schools.csv", "The file is empty."),
        (b"%PDF-1.4 not a register", "schools.pdf", "Upload the register as a CSV file or an Excel workbook"),
        (b"<html><script>alert(1)</script></html>", "schools.csv", "The file must be"),
        (b"name,URN,head,DSL email\n", "schools.xlsx", "The file must be"),
        (b"PK\x03\x04broken zip", "schools.xlsx", "The file must be"),
        (b"school,phone\nOak,0123\n", "schools.csv", "missing: URN, head, DSL email"),
        (b"\n\n", "schools.csv", "The file has no rows"),
    ],
)
def test_files_that_are_not_a_register_are_refused(world_a, data, name, message):
    with pytest.raises(ValidationError) as excinfo:
        _import(world_a, data, name)

    assert message in excinfo.value.message_dict["file"][0]
    assert not School.objects.in_partnership(world_a.partnership).exists()


def test_a_file_over_10_mb_is_refused(world_a):
    big = csv_bytes(school_rows(1)) + b"x" * (10 * 1024 * 1024)

    with pytest.raises(ValidationError) as excinfo:
        _import(world_a, big)

    assert excinfo.value.message_dict["file"] == ["The file must be 10 MB or smaller."]


def test_a_file_with_too_many_rows_is_refused(world_a, monkeypatch):
    monkeypatch.setattr("audits.services.schools.MAX_ROWS", 5)

    with pytest.raises(services.SchoolImportRefused) as excinfo:
        _import(world_a, csv_bytes(school_rows(6)))

    assert "at most 5 schools" in excinfo.value.message_dict["file"][0]


def test_imports_are_kept_apart_by_partnership(world_a, world_b):
    _import(world_a, csv_bytes(school_rows(2)))

    # The same URNs in another partnership are new schools there, not updates of world_a's.
    result = _import(world_b, csv_bytes(school_rows(2)))

    assert result.created == 2
    assert School.objects.in_partnership(world_a.partnership).count() == 2
    assert School.objects.in_partnership(world_b.partnership).count() == 2


def _queries_for(world, count: int, *, start: int) -> int:
    rows, kind, name = services.school_rows_from_upload(upload(csv_bytes(school_rows(count, start=start))))
    with CaptureQueriesContext(connection) as queries:
        services.school_import(partnership=world.partnership, actor=world.bm, rows=rows, file_name=name, file_kind=kind)
    return len(queries)


def test_the_import_runs_a_bounded_number_of_queries_not_one_per_row(world_a, world_b):
    small = _queries_for(world_a, 10, start=0)
    large = _queries_for(world_b, 400, start=0)

    # Bulk statements only: the large file adds at most a few batches (SQLite caps the parameters of a
    # statement, so its batches are smaller), never a query per row.
    assert large <= small + 12, (small, large)
    assert large < 40

    # Updating 400 schools is bounded the same way.
    rows = school_rows(400)
    for row in rows:
        row[2] = "Another Head"
    parsed, kind, name = services.school_rows_from_upload(upload(csv_bytes(rows)))
    with CaptureQueriesContext(connection) as queries:
        result = services.school_import(
            partnership=world_b.partnership, actor=world_b.bm, rows=parsed, file_name=name, file_kind=kind
        )
    assert result.updated == 400
    assert len(queries) < 40


def test_school_update_refuses_a_stale_version(world_a):
    _import(world_a, csv_bytes(school_rows(1)))
    school = School.objects.in_partnership(world_a.partnership).get()
    seen = school.updated_at
    services.school_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        school=school,
        head_teacher_name="First Edit",
        dsl_email="a@x.org",
        expected_updated_at=seen,
    )

    with pytest.raises(ValidationError) as excinfo:
        services.school_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            school=school,
            head_teacher_name="Second Edit",
            dsl_email="b@x.org",
            expected_updated_at=seen,
        )

    assert excinfo.value.code == "stale"
    school.refresh_from_db()
    assert school.head_teacher_name == "First Edit"


def test_school_update_needs_the_governor_email_with_the_name(world_a):
    _import(world_a, csv_bytes(school_rows(1)))
    school = School.objects.in_partnership(world_a.partnership).get()

    with pytest.raises(ValidationError) as excinfo:
        services.school_update(
            partnership=world_a.partnership,
            actor=world_a.bm,
            school=school,
            head_teacher_name="H",
            dsl_email="a@x.org",
            governor_name="Gail",
        )

    assert "governor_email" in excinfo.value.message_dict
