"""The compliance matrix of a self-assessment cycle: its figures (self and moderated scores, the change from
the previous cycle), its filters, the page, the CSV and XLSX exports, the API, who may read it, tenancy and
the number of queries."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audits.models import ReturnStandard, SelfAssessmentReturn
from audits.selectors.compliance_matrix import MatrixFilters, compliance_matrix, compliance_matrix_export_rows
from partnership.models import Agency
from tests.audits.sa_helpers import cycle_make, published_version, return_of, schools_make

pytestmark = pytest.mark.django_db


def page_url(world, name: str, **kwargs) -> str:
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def api_url(world, name: str, **kwargs) -> str:
    return reverse(f"audits_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def score(world, cycle, agency, key: str, *, self_score=None, moderated=None) -> None:
    ReturnStandard.objects.in_partnership(world.partnership).filter(
        assessment_return__cycle=cycle, assessment_return__agency=agency, section_key=key
    ).update(self_score=self_score, moderated_score=moderated)


@pytest.fixture
def two_years(world_a):
    """Section 11 in 2025 and 2026 for the four agencies of world_a, with hand-set scores.

    2025: council accountability self 1 / moderated 1; ICB accountability self 3.
    2026: council accountability self 2 / moderated 1, senior-lead self 1; ICB accountability self 2;
    police accountability self 0 (police had no score in 2025); the school has no score.
    """
    version = published_version(world_a, "section-11")
    last = cycle_make(world_a, year=2025, version=version).cycle
    this = cycle_make(world_a, year=2026, version=version).cycle
    ReturnStandard.objects.in_partnership(world_a.partnership).update(self_score=None, moderated_score=None)
    score(world_a, last, world_a.council, "accountability", self_score=1, moderated=1)
    score(world_a, last, world_a.icb, "accountability", self_score=3)
    score(world_a, this, world_a.council, "accountability", self_score=2, moderated=1)
    score(world_a, this, world_a.council, "senior-lead", self_score=1)
    score(world_a, this, world_a.icb, "accountability", self_score=2)
    score(world_a, this, world_a.police, "accountability", self_score=0)
    return last, this


def cells_by_agency(matrix, key: str) -> dict[str, object]:
    column = [s.key for s in matrix.standards].index(key)
    return {row.assessment_return.agency.name: row.cells[column] for row in matrix.rows}


def names(matrix) -> list[str]:
    return [row.assessment_return.agency.name for row in matrix.rows]


# --- The figures --------------------------------------------------------------------------------


def test_each_cell_has_the_self_and_moderated_score_and_the_change_from_last_cycle(world_a, two_years):
    last, this = two_years
    matrix = compliance_matrix(partnership=world_a.partnership, cycle=this, filters=MatrixFilters())

    assert matrix.previous_cycle == last
    assert len(matrix.standards) == 11
    assert matrix.standards[0].key == "accountability"
    assert [o.value for o in matrix.legend] == [0, 1, 2, 3]
    assert names(matrix) == ["Alpha Council", "Alpha ICB", "Alpha Police", "Alpha Primary School"]
    cells = cells_by_agency(matrix, "accountability")
    council, icb, police, school = (cells[n] for n in names(matrix))
    assert (council.self_score, council.moderated_score, council.previous_score) == (2, 1, 1)
    assert (council.change, council.text) == ("up", "2 (was 1 ▲)")
    assert council.other_text == "moderated 1"
    assert (icb.change, icb.text) == ("down", "2 (was 3 ▼)")
    assert (police.change, police.text) == ("new", "0 (new)")
    assert (school.change, school.text) == ("", "Not scored")
    assert cells_by_agency(matrix, "senior-lead")["Alpha Council"].text == "1 (new)"


def test_on_the_moderated_basis_the_moderated_scores_are_compared(world_a, two_years):
    _, this = two_years
    matrix = compliance_matrix(partnership=world_a.partnership, cycle=this, filters=MatrixFilters(basis="moderated"))

    cells = cells_by_agency(matrix, "accountability")
    assert (cells["Alpha Council"].text, cells["Alpha Council"].change) == ("1 (was 1 =)", "same")
    assert cells["Alpha Council"].other_text == "self 2"
    assert cells["Alpha ICB"].text == "Not scored"  # self-scored but never moderated
    assert cells["Alpha ICB"].other_text == "self 2"


def test_the_first_cycle_of_its_kind_has_nothing_to_compare_with(world_a, two_years):
    last, _ = two_years
    matrix = compliance_matrix(partnership=world_a.partnership, cycle=last, filters=MatrixFilters())

    assert matrix.previous_cycle is None
    assert cells_by_agency(matrix, "accountability")["Alpha ICB"].text == "3 (new)"


def test_the_filters(world_a, two_years):
    _, this = two_years

    def kept(**filters) -> list[str]:
        return names(compliance_matrix(partnership=world_a.partnership, cycle=this, filters=MatrixFilters(**filters)))

    assert kept(at_most=1) == ["Alpha Council", "Alpha Police"]  # council's senior lead 1, police 0
    assert kept(at_most=1, standard="accountability") == ["Alpha Police"]
    assert kept(at_most=0) == ["Alpha Police"]
    assert kept(at_most=1, basis="moderated") == ["Alpha Council"]  # moderated 1; nobody else moderated
    assert kept(at_most=1, standard="senior-lead", basis="moderated") == []
    assert kept(search="icb") == ["Alpha ICB"]
    SelfAssessmentReturn.objects.in_partnership(world_a.partnership).filter(cycle=this, agency=world_a.school).update(
        state="submitted"
    )
    assert kept(state="submitted") == ["Alpha Primary School"]
    assert kept(state="submitted", at_most=3) == []


def test_rows_are_paged(world_a, two_years):
    _, this = two_years
    matrix = compliance_matrix(
        partnership=world_a.partnership, cycle=this, filters=MatrixFilters(), page_number=2, per_page=3
    )

    assert names(matrix) == ["Alpha Primary School"]
    assert matrix.page.paginator.count == 4


# --- The page -----------------------------------------------------------------------------------


def test_the_page_is_an_accessible_table_linked_from_the_cycle(world_a, two_years, client_for):
    _, this = two_years
    client = client_for(world_a.la_lead.person)

    cycle_page = client.get(page_url(world_a, "cycle_detail", cycle_id=this.pk)).content.decode()
    assert page_url(world_a, "cycle_matrix", cycle_id=this.pk) in cycle_page

    response = client.get(page_url(world_a, "cycle_matrix", cycle_id=this.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<caption>4 agencies by standard, self scores</caption>" in page
    assert '<th scope="col">Leadership and accountability</th>' in page
    assert '<th scope="row">' in page
    assert "2 (was 1 ▲)" in page
    assert '<span class="visually-hidden"> up</span>' in page
    assert "Partly met (1)" in page  # the legend
    assert "Section 11 self-assessment 2025" in page
    assert '<label class="label" for="id_at_most">Scored at most</label>' in page

    filtered = client.get(page_url(world_a, "cycle_matrix", cycle_id=this.pk) + "?at_most=0").content.decode()
    assert "Alpha Police" in filtered
    assert "Alpha ICB" not in filtered
    assert 'name="format" value="csv"' in filtered
    assert '<input type="hidden" name="at_most" value="0">' in filtered  # the exports keep the filters


def test_bad_filters_are_shown_beside_the_field(world_a, two_years, client_for):
    _, this = two_years
    client = client_for(world_a.la_lead.person)
    target = page_url(world_a, "cycle_matrix", cycle_id=this.pk)

    response = client.get(target + "?at_most=9&standard=nope")

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_at_most-error"' in page
    assert 'id="id_standard-error"' in page
    assert "There is a problem" in page
    export = client.get(page_url(world_a, "cycle_matrix_export", cycle_id=this.pk) + "?at_most=9&format=csv")
    assert export.status_code == 302


def test_leadership_and_oversight_read_every_row_others_are_refused(world_a, two_years, client_for):
    _, this = two_years
    for member in (world_a.practitioner, world_a.lay_member, world_a.observer):
        client = client_for(member.person)
        assert client.get(page_url(world_a, "cycle_matrix", cycle_id=this.pk)).status_code == 403
        assert client.get(page_url(world_a, "cycle_matrix_export", cycle_id=this.pk)).status_code == 403
        assert client.get(api_url(world_a, "cycle_matrix", cycle_id=this.pk)).status_code == 403
        assert client.get(api_url(world_a, "cycle_matrix_csv", cycle_id=this.pk)).status_code == 403
    scrutineer = client_for(world_a.scrutineer.person)
    assert scrutineer.get(api_url(world_a, "cycle_matrix", cycle_id=this.pk)).json()["count"] == 4


def test_an_agency_lead_sees_only_their_own_agencys_row(world_a, two_years, client_for):
    _, this = two_years
    score(world_a, this, world_a.school, "accountability", self_score=3)
    client = client_for(world_a.agency_lead.person)  # the lead of Alpha Primary School

    page = client.get(page_url(world_a, "cycle_matrix", cycle_id=this.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<caption>1 agency by standard, self scores</caption>" in text
    assert "3 (new)" in text
    assert "Alpha Council" not in text
    assert "Your self-assessment returns" in text  # not a link to the cycle page they cannot open
    searched = client.get(page_url(world_a, "cycle_matrix", cycle_id=this.pk) + "?q=Council").content.decode()
    assert "No return matches." in searched
    rows = read_csv(client.get(page_url(world_a, "cycle_matrix_export", cycle_id=this.pk) + "?format=csv").content)
    assert [r[0] for r in rows[1:]] == ["Alpha Primary School"]
    body = client.get(api_url(world_a, "cycle_matrix", cycle_id=this.pk)).json()
    assert [r["agency"] for r in body["results"]] == ["Alpha Primary School"]
    assert [
        r[0] for r in read_xlsx(client.get(api_url(world_a, "cycle_matrix_xlsx", cycle_id=this.pk)).content)[1:]
    ] == ["Alpha Primary School"]
    own = client.get(page_url(world_a, "sa_return_detail", return_id=return_of(world_a, this, world_a.school).pk))
    assert 'data-testid="return-matrix-link"' in own.content.decode()


def test_another_partnerships_cycle_is_as_missing(world_a, world_b, two_years, client_for):
    _, this = two_years
    client = client_for(world_b.la_lead.person)
    for target in (
        page_url(world_a, "cycle_matrix", cycle_id=this.pk),
        page_url(world_a, "cycle_matrix_export", cycle_id=this.pk),
        api_url(world_a, "cycle_matrix", cycle_id=this.pk),
        api_url(world_a, "cycle_matrix_xlsx", cycle_id=this.pk),
    ):
        assert client.get(target).status_code == 404, target
        assert client.get(target.replace(world_a.partnership.slug, world_b.partnership.slug)).status_code == 404


@pytest.mark.parametrize("schools", [3, 30])
def test_the_page_runs_a_fixed_number_of_queries(
    drawn_afresh, world_a, client_for, schools, django_assert_max_num_queries
):
    schools_make(world_a, schools)
    version = published_version(world_a, "section-175")
    cycle_make(world_a, "section-175", year=2025, version=version)
    this = cycle_make(world_a, "section-175", year=2026, version=version).cycle
    client = client_for(world_a.la_lead.person)
    target = page_url(world_a, "cycle_matrix", cycle_id=this.pk)
    client.get(target)

    with django_assert_max_num_queries(14):
        response = client.get(target + "?at_most=3")
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as first:
        client.get(target)
    with CaptureQueriesContext(connection) as second:
        client.get(target + "?page=2")
    # Page 2 is past the last with 3 and with 30 schools: the empty read, then the count and the last page.
    assert len(second) == len(first) + 2


def test_the_query_count_does_not_grow_with_the_schools(world_a, client_for):
    version = published_version(world_a, "section-175")
    schools_make(world_a, 3)
    cycle_make(world_a, "section-175", year=2024, version=version)  # so that both cycles have a previous one
    small = cycle_make(world_a, "section-175", year=2025, version=version).cycle
    schools_make(world_a, 30)
    large = cycle_make(world_a, "section-175", year=2026, version=version).cycle
    client = client_for(world_a.la_lead.person)
    counts = []
    for cycle in (small, large):
        client.get(page_url(world_a, "cycle_matrix", cycle_id=cycle.pk))
        with CaptureQueriesContext(connection) as queries:
            client.get(page_url(world_a, "cycle_matrix", cycle_id=cycle.pk))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12  # the matrix 7, the cycle 1, sign-in and membership (11 on PostgreSQL)


# --- Exports ------------------------------------------------------------------------------------


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(body: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body)).active
    return [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_the_export_rows(world_a, two_years):
    _, this = two_years
    rows = compliance_matrix_export_rows(partnership=world_a.partnership, cycle=this, filters=MatrixFilters())

    assert rows[0][:7] == [
        "Agency or school",
        "URN",
        "State",
        "Leadership and accountability: self score",
        "Leadership and accountability: moderated score",
        "Leadership and accountability: 2025 self score",
        "Leadership and accountability: change",
    ]
    assert len(rows[0]) == 3 + 4 * 11
    assert rows[1][:7] == ["Alpha Council", "", "In progress", 2, 1, 1, "up"]
    assert rows[2][3:7] == [2, "", 3, "down"]
    assert rows[3][3:7] == [0, "", "", "no score last cycle"]
    assert len(rows) == 5


def test_csv_and_xlsx_from_the_page_read_back_filtered_and_formula_safe(world_a, two_years, client_for):
    _, this = two_years
    Agency.objects.in_partnership(world_a.partnership).filter(pk=world_a.police.pk).update(name="=HYPERLINK(1)")
    client = client_for(world_a.la_lead.person)
    target = page_url(world_a, "cycle_matrix_export", cycle_id=this.pk)

    response = client.get(target + "?format=csv&at_most=1")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="compliance-matrix-' in response["Content-Disposition"]
    rows = read_csv(response.content)
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(1)", "Alpha Council"]
    assert rows[2][3:7] == ["2", "1", "1", "up"]

    book = client.get(target + "?format=xlsx")
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    cells = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    assert "'=HYPERLINK(1)" in cells
    assert cells["'=HYPERLINK(1)"][0].data_type == "s"  # text, never a formula
    assert [c.value for c in cells["Alpha ICB"][3:7]] == [2, None, 3, "down"]
    assert len(cells) == 4
    assert client.get(target + "?format=pdf").status_code == 404


# --- The API ------------------------------------------------------------------------------------


def test_the_api_gives_the_rows_paged_and_filtered(world_a, two_years, client_for):
    _, this = two_years
    client = client_for(world_a.la_lead.person)
    target = api_url(world_a, "cycle_matrix", cycle_id=this.pk)

    body = client.get(target + "?limit=2").json()
    assert body["count"] == 4
    council = body["results"][0]
    assert council["agency"] == "Alpha Council"
    assert council["cells"][0] == {
        "standard": "accountability",
        "self_score": 2,
        "moderated_score": 1,
        "previous_score": 1,
        "change": "up",
        "text": "2 (was 1 ▲)",
    }
    assert len(council["cells"]) == 11
    low = client.get(target + "?at_most=1&basis=moderated").json()
    assert [r["agency"] for r in low["results"]] == ["Alpha Council"]
    assert low["results"][0]["cells"][0]["text"] == "1 (was 1 =)"
    assert [r["agency"] for r in client.get(target + "?standard=accountability&at_most=0").json()["results"]] == [
        "Alpha Police"
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [("state=nope", "state"), ("standard=nope", "standard"), ("at_most=x", "at_most"), ("basis=z", "basis")],
)
def test_the_api_refuses_bad_filters(world_a, two_years, client_for, query, field):
    _, this = two_years
    client = client_for(world_a.la_lead.person)
    for name in ("cycle_matrix", "cycle_matrix_csv", "cycle_matrix_xlsx"):
        response = client.get(api_url(world_a, name, cycle_id=this.pk) + "?" + query)
        assert response.status_code == 400, name
        assert field in response.json()


def test_the_api_exports(world_a, two_years, client_for):
    _, this = two_years
    client = client_for(world_a.la_lead.person)

    as_csv = client.get(
        api_url(world_a, "cycle_matrix_csv", cycle_id=this.pk) + "?search=police", HTTP_ACCEPT="text/csv"
    )
    assert as_csv.status_code == 200
    assert read_csv(as_csv.content)[1][:7] == ["Alpha Police", "", "In progress", "0", "", "", "no score last cycle"]
    as_xlsx = client.get(api_url(world_a, "cycle_matrix_xlsx", cycle_id=this.pk))
    assert as_xlsx.status_code == 200
    assert as_xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = read_xlsx(as_xlsx.content)
    assert [r[0] for r in rows[1:]] == ["Alpha Council", "Alpha ICB", "Alpha Police", "Alpha Primary School"]
    assert return_of(world_a, this, world_a.school).agency.name == rows[4][0]
