"""The schools register pages: who sees them, the import's problems by line, edits refused when stale."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audits import services
from audits.models import School
from tests.audits.school_files import csv_bytes, school_rows, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


def _url(name: str, world, **kwargs) -> str:
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _register(world, count: int = 3) -> list[School]:
    rows, kind, name = services.school_rows_from_upload(upload(csv_bytes(school_rows(count))))
    services.school_import(partnership=world.partnership, actor=world.bm, rows=rows, file_name=name, file_kind=kind)
    return list(School.objects.in_partnership(world.partnership).order_by("urn"))


def test_the_import_page_imports_a_file_and_shows_the_result(world_a, client_for):
    client = client_for(world_a.bm)

    response = client.post(
        _url("school_import", world_a), {"file": upload(xlsx_bytes(school_rows(4)), "register.xlsx")}, follow=True
    )

    assert response.status_code == 200
    assert "Imported 4 rows from register.xlsx: 4 new, 0 updated, 0 unchanged." in response.content.decode()
    assert School.objects.in_partnership(world_a.partnership).count() == 4
    assert 'data-testid="import-history"' in response.content.decode()


def test_the_import_page_lists_the_problems_by_line_and_imports_nothing(world_a, client_for):
    client = client_for(world_a.bm)
    rows = [*school_rows(2), ["Bad", "ABC", "H", "nope"]]

    response = client.post(_url("school_import", world_a), {"file": upload(csv_bytes(rows))})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "1 row of the file has problems, so nothing was imported." in page
    table = page.split('data-testid="import-problems"')[1]
    assert '<th scope="row">4</th><td>URN</td>' in table
    assert '<th scope="row">4</th><td>DSL email</td>' in table
    assert not School.objects.in_partnership(world_a.partnership).exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "schools.csv", "The file is empty."),
        (b"%PDF-1.4", "schools.pdf", "Upload the register as a CSV file or an Excel workbook"),
        (b"GIF89a\x00\x01", "schools.csv", "The file must be"),
    ],
)
def test_the_import_page_refuses_wrong_files_beside_the_field(world_a, client_for, data, name, message):
    response = client_for(world_a.bm).post(_url("school_import", world_a), {"file": upload(data, name)})

    assert response.status_code == 400
    assert 'id="id_file-error"' in response.content.decode()
    assert message in response.content.decode()


def test_the_import_page_asks_for_a_file(world_a, client_for):
    response = client_for(world_a.bm).post(_url("school_import", world_a), {})

    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_only_business_managers_import(world_a, client_for):
    for membership in (world_a.la_lead, world_a.agency_lead, world_a.practitioner):
        client = client_for(membership.person)
        assert client.get(_url("school_import", world_a)).status_code == 403
        response = client.post(_url("school_import", world_a), {"file": upload(csv_bytes(school_rows(1)))})
        assert response.status_code == 403
    assert not School.objects.in_partnership(world_a.partnership).exists()


def test_the_register_lists_searches_and_pages_with_a_fixed_number_of_queries(
    world_a, client_for, django_assert_max_num_queries
):
    _register(world_a, 30)
    client = client_for(world_a.la_lead.person)
    client.get(_url("school_list", world_a))  # warm the session and content types

    with django_assert_max_num_queries(10):
        response = client.get(_url("school_list", world_a))
    assert response.status_code == 200
    page = response.content.decode()
    assert "30 schools (page 1 of 2)" in page
    assert "School 00024" in page
    assert "School 00025" not in page

    with django_assert_max_num_queries(10):
        second = client.get(_url("school_list", world_a) + "?page=2")
    assert "School 00025" in second.content.decode()

    found = client.get(_url("school_list", world_a) + "?q=100007")
    assert "1 school matching" in found.content.decode()
    assert "School 00007" in found.content.decode()


def test_an_agency_lead_and_a_practitioner_do_not_see_the_register(world_a, client_for):
    school = _register(world_a, 1)[0]
    for membership in (world_a.agency_lead, world_a.practitioner, world_a.lay_member):
        client = client_for(membership.person)
        assert client.get(_url("school_list", world_a)).status_code == 403
        assert client.get(_url("school_detail", world_a, school_id=school.pk)).status_code == 403


def test_a_partner_lead_reads_a_school_but_cannot_change_it(world_a, client_for):
    school = _register(world_a, 1)[0]
    client = client_for(world_a.la_lead.person)

    response = client.get(_url("school_detail", world_a, school_id=school.pk))
    assert response.status_code == 200
    assert 'data-testid="school-form"' not in response.content.decode()
    refused = client.post(_url("school_detail", world_a, school_id=school.pk), {"head_teacher_name": "X"})
    assert refused.status_code == 403


def test_a_business_manager_names_the_governor(world_a, client_for):
    school = _register(world_a, 1)[0]
    client = client_for(world_a.bm)
    data = {
        "head_teacher_name": "Hana Head",
        "dsl_email": "dsl@oak.example.org",
        "governor_name": "Gail Governor",
        "governor_email": "gail@oak.example.org",
        "expected_updated_at": school.updated_at.isoformat(),
    }

    response = client.post(_url("school_detail", world_a, school_id=school.pk), data, follow=True)

    assert response.status_code == 200
    school.refresh_from_db()
    assert (school.governor_name, school.head_teacher_name) == ("Gail Governor", "Hana Head")
    assert "Gail Governor" in response.content.decode()  # in the history


def test_a_second_edit_from_the_same_old_page_is_refused_and_shows_the_saved_version(world_a, client_for):
    school = _register(world_a, 1)[0]
    seen = school.updated_at.isoformat()
    first, second = client_for(world_a.bm), client_for(world_a.bm)
    base = {"dsl_email": "dsl@x.org", "expected_updated_at": seen}
    first.post(_url("school_detail", world_a, school_id=school.pk), {**base, "head_teacher_name": "First"})

    response = second.post(_url("school_detail", world_a, school_id=school.pk), {**base, "head_teacher_name": "Second"})

    assert response.status_code == 400
    assert 'data-testid="saved-version"' in response.content.decode()
    assert "Someone else changed this school" in response.content.decode()
    school.refresh_from_db()
    assert school.head_teacher_name == "First"


def test_the_edit_form_shows_errors_beside_the_fields(world_a, client_for):
    school = _register(world_a, 1)[0]
    data = {"head_teacher_name": "", "dsl_email": "nope", "expected_updated_at": school.updated_at.isoformat()}

    response = client_for(world_a.bm).post(_url("school_detail", world_a, school_id=school.pk), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_head_teacher_name-error"' in page
    assert 'id="id_dsl_email-error"' in page


def test_another_partnerships_school_is_missing(world_a, world_b, client_for):
    school = _register(world_a, 1)[0]
    client = client_for(world_b.bm)

    assert client.get(_url("school_detail", world_b, school_id=school.pk)).status_code == 404
    assert client.post(_url("school_detail", world_b, school_id=school.pk), {}).status_code == 404
    for name in ("school_list", "school_import"):
        assert client.get(_url(name, world_a)).status_code == 404
    refused = client.post(_url("school_import", world_a), {"file": upload(csv_bytes(school_rows(1)))})
    assert refused.status_code == 404
    assert not School.objects.in_partnership(world_b.partnership).exists()
    # world_b's own register does not show world_a's schools.
    assert "School 00000" not in client.get(_url("school_list", world_b)).content.decode()
