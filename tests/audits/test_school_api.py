"""The schools register over the API: import (multipart), problems by line, list, one school, tenancy."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from audits.models import School
from tests.audits.school_files import csv_bytes, school_rows, upload, xlsx_bytes
from tests.factories import api_token_key

pytestmark = pytest.mark.django_db


def url(world, name: str, **kwargs) -> str:
    return reverse(f"audits_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _token_client(client, world):
    client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token_key(world.bm, world.partnership)}"
    return client


def test_a_program_imports_the_register_and_reads_it_back(world_a, client):
    client = _token_client(client, world_a)

    response = client.post(url(world_a, "school_import"), {"file": upload(xlsx_bytes(school_rows(3)), "r.xlsx")})

    assert response.status_code == 201, response.content
    assert response.json() | {"id": 0} == {
        "id": 0,
        "file_name": "r.xlsx",
        "file_kind": "xlsx",
        "rows": 3,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    listed = client.get(url(world_a, "school_list")).json()
    assert listed["count"] == 3
    assert [s["urn"] for s in listed["results"]] == ["100000", "100001", "100002"]
    assert listed["results"][0]["is_active"] is True
    searched = client.get(url(world_a, "school_list") + "?search=School 00002").json()
    assert [s["urn"] for s in searched["results"]] == ["100002"]


def test_a_bad_file_answers_400_with_every_problem_by_line(world_a, client_for):
    client = client_for(world_a.bm)
    rows = [*school_rows(2), ["", "1", "H", "x@y.org"]]

    response = client.post(url(world_a, "school_import"), {"file": upload(csv_bytes(rows))})

    assert response.status_code == 400
    body = response.json()
    assert body["file"] == [
        "1 row of the file has problems, so nothing was imported. Correct them and upload the file again."
    ]
    assert [(p["line"], p["column"]) for p in body["problems"]] == [(4, "name"), (4, "URN")]
    assert not School.objects.in_partnership(world_a.partnership).exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Send the register file as the multipart field 'file'."),
        ({"file": upload(b"", "a.csv")}, "The file is empty."),
        ({"file": upload(b"%PDF-1.4", "a.pdf")}, "Upload the register as a CSV file or an Excel workbook (.xlsx)."),
    ],
)
def test_wrong_uploads_answer_400_on_the_file_field(world_a, client_for, files, message):
    response = client_for(world_a.bm).post(url(world_a, "school_import"), files)

    assert response.status_code == 400
    assert response.json()["file"] == [message]


def test_json_is_not_an_upload(world_a, client_for):
    response = client_for(world_a.bm).post(
        url(world_a, "school_import"), data=json.dumps({"file": "x"}), content_type="application/json"
    )

    assert response.status_code == 415


def test_only_business_managers_import_and_change_schools(world_a, client_for):
    client = client_for(world_a.la_lead.person)
    client_for(world_a.bm).post(url(world_a, "school_import"), {"file": upload(csv_bytes(school_rows(1)))})
    school = School.objects.in_partnership(world_a.partnership).get()

    assert client.post(url(world_a, "school_import"), {"file": upload(csv_bytes(school_rows(1)))}).status_code == 403
    assert client.get(url(world_a, "school_detail", school_id=school.pk)).status_code == 200
    patched = client.patch(
        url(world_a, "school_detail", school_id=school.pk),
        data=json.dumps({"head_teacher_name": "X"}),
        content_type="application/json",
    )
    assert patched.status_code == 403
    assert client_for(world_a.practitioner.person).get(url(world_a, "school_list")).status_code == 403


def test_changing_a_school_needs_its_version_and_refuses_a_stale_one(world_a, client_for):
    client = client_for(world_a.bm)
    client.post(url(world_a, "school_import"), {"file": upload(csv_bytes(school_rows(1)))})
    school = School.objects.in_partnership(world_a.partnership).get()
    target = url(world_a, "school_detail", school_id=school.pk)
    read = client.get(target).json()

    def patch(body):
        return client.patch(target, data=json.dumps(body), content_type="application/json")

    assert patch({"head_teacher_name": "No Version"}).status_code == 428
    done = patch({"governor_name": "Gail", "governor_email": "gail@x.org", "updated_at": read["updated_at"]})
    assert done.status_code == 200, done.content
    assert done.json()["governor_name"] == "Gail"
    assert done.json()["head_teacher_name"] == "Head 0"  # left out: kept
    stale = patch({"head_teacher_name": "Late", "updated_at": read["updated_at"]})
    assert stale.status_code == 409
    assert patch({"dsl_email": "nope", "updated_at": done.json()["updated_at"]}).status_code == 400
    school.refresh_from_db()
    assert school.head_teacher_name == "Head 0"


def test_another_partnerships_school_answers_404_like_a_missing_one(world_a, world_b, client_for):
    client_for(world_a.bm).post(url(world_a, "school_import"), {"file": upload(csv_bytes(school_rows(1)))})
    school = School.objects.in_partnership(world_a.partnership).get()
    client = client_for(world_b.bm)

    foreign = client.get(url(world_b, "school_detail", school_id=school.pk))
    missing = client.get(url(world_b, "school_detail", school_id=school.pk + 1000))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert client.get(url(world_a, "school_list")).status_code == 404
    assert client.post(url(world_a, "school_import"), {"file": upload(csv_bytes(school_rows(1)))}).status_code == 404
    assert client.get(url(world_b, "school_list")).json()["count"] == 0
