"""The self-assessment exports the worker writes: every return of a cycle as one workbook, the compliance
matrix as filtered; the buttons on the cycle and matrix pages that ask for them (a small matrix still comes
at once), who may ask, tenancy and query counts."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audits.models import GapAction, ReturnStandard, SelfAssessmentReturn
from audits.selectors import cycle_exports
from audits.views import self_assessment as sa_views
from partnership.models import Agency, ExportJob
from partnership.services import exports as export_service
from tests.audits.sa_helpers import cycle_make, fill, return_of

pytestmark = pytest.mark.django_db


class SentTasks(list):
    def send_task(self, name, args=None, kwargs=None, queue=None, **options):
        self.append({"name": name, "kwargs": kwargs, "queue": queue})


@pytest.fixture(autouse=True)
def sent(monkeypatch) -> SentTasks:
    tasks = SentTasks()
    monkeypatch.setattr(export_service, "current_app", tasks)
    return tasks


@pytest.fixture
def cycle(world_a):
    return cycle_make(world_a).cycle


def page_url(world, name: str, **kwargs) -> str:
    return reverse(f"audits:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def status_url(world, job: ExportJob) -> str:
    return reverse("partnership:export_status", kwargs={"slug": world.partnership.slug, "job_id": job.pk})


def workbook_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def _answered(world, cycle) -> SelfAssessmentReturn:
    """The council's return answered, signed, moderated, with two actions on its first standard."""
    ret = return_of(world, cycle, world.council)
    standards = ReturnStandard.objects.in_partnership(world.partnership).filter(assessment_return=ret)
    answers = fill(ret, score=2)
    for standard in standards:
        standard.answers = {k: v for k, v in answers.items() if k.startswith(standard.section_key + "-")}
        standard.self_score, standard.moderated_score = 2, 1
        standard.save()
    first = standards.order_by("position").first()
    first.answers = {**first.answers, f"{first.section_key}-evidence": '=HYPERLINK("http://x")'}
    first.save()
    for n in range(2):
        GapAction.objects.create(
            partnership=world.partnership, standard=first, action=f"Action {n}", owner="Head", due_on=date(2026, 9, 1)
        )
    now = timezone.now()
    SelfAssessmentReturn.objects.in_partnership(world.partnership).filter(pk=ret.pk).update(
        state=SelfAssessmentReturn.State.MODERATED,
        submitted_at=now,
        head_signed_name="Pat Head",
        head_signed_at=now,
        moderated_at=now,
    )
    return ret


# --- Every return of a cycle ------------------------------------------------------------------------------


def test_the_workbook_has_a_row_per_return_and_standard(world_a, cycle):
    _answered(world_a, cycle)
    progress = []
    out = io.BytesIO()

    written = cycle_exports.cycle_returns_xlsx_write(
        partnership=world_a.partnership,
        cycle=cycle,
        out=out,
        progress=lambda done, total=None: progress.append((done, total)),
    )

    rows = workbook_rows(out.getvalue())
    assert written == 44
    assert len(rows) == 45
    assert list(rows[0]) == cycle_exports.CYCLE_RETURNS_HEADER
    assert progress[0] == (0, 44)
    assert progress[-1] == (44, None)
    council = [r for r in rows[1:] if r[0] == "Alpha Council"]
    assert len(council) == 11
    first = council[0]
    assert first[2:7] == ("Moderated", "accountability", "Leadership and accountability", 2, 1)
    assert first[7] == '\'=HYPERLINK("http://x")'  # a narrative is text, never a formula
    assert first[8] == 2  # gap actions
    assert first[10] == "Pat Head"
    assert first[9] is not None
    assert first[11] is not None
    assert first[14] is not None
    second = council[1]
    assert second[7] == f"Evidence for {second[3]}."
    assert second[8] == 0
    unanswered = next(r for r in rows[1:] if r[0] == "Alpha ICB")
    assert unanswered[5:9] == (None, None, None, 0)


def test_the_rows_are_read_in_a_fixed_number_of_queries(world_a, cycle, django_assert_max_num_queries):
    for agency in range(6):
        Agency.objects.create(partnership=world_a.partnership, name=f"Extra {agency}", agency_type="health")
    with django_assert_max_num_queries(2):
        rows = list(cycle_exports.cycle_return_rows(partnership=world_a.partnership, cycle=cycle))
    assert len(rows) == 44


def test_a_schools_urn_and_governor_are_in_their_columns(world_a):
    from tests.audits.sa_helpers import schools_make

    schools_make(world_a, 1)
    s175 = cycle_make(world_a, "section-175").cycle
    ret = SelfAssessmentReturn.objects.in_partnership(world_a.partnership).filter(cycle=s175).first()
    SelfAssessmentReturn.objects.in_partnership(world_a.partnership).filter(pk=ret.pk).update(
        governor_signed_name="Gov Ernor", governor_signed_at=timezone.now()
    )

    rows = list(cycle_exports.cycle_return_rows(partnership=world_a.partnership, cycle=s175))

    school_rows = [r for r in rows if r[0] == ret.agency.name]
    assert school_rows[0][1] == ret.school.urn
    assert school_rows[0][12] == "Gov Ernor"


# --- The compliance matrix --------------------------------------------------------------------------------


def test_the_matrix_export_keeps_the_filters_and_the_agency_leads_scope(world_a, cycle):
    _answered(world_a, cycle)
    job = export_service.export_request(
        partnership=world_a.partnership,
        membership=world_a.la_lead,
        kind=cycle_exports.MATRIX_KIND,
        data={"cycle": cycle.pk, "format": "csv", "state": "moderated"},
    )
    export_service.export_build(job_id=job.pk)
    job.refresh_from_db()
    rows = list(csv.reader(io.StringIO(bytes(job.file.data).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Alpha Council"]
    assert job.file.media_type == "text/csv"

    own = export_service.export_request(
        partnership=world_a.partnership,
        membership=world_a.agency_lead,
        kind=cycle_exports.MATRIX_KIND,
        data={"cycle": cycle.pk, "format": "xlsx"},
    )
    export_service.export_build(job_id=own.pk)
    own.refresh_from_db()
    assert [r[0] for r in workbook_rows(bytes(own.file.data))[1:]] == ["Alpha Primary School"]


# --- The cycle page's button ------------------------------------------------------------------------------


def test_the_cycle_page_asks_for_every_return_and_shows_its_progress(world_a, cycle, client_for, sent):
    client = client_for(world_a.la_lead.person)
    target = page_url(world_a, "cycle_returns_export_request", cycle_id=cycle.pk)
    assert target in client.get(page_url(world_a, "cycle_detail", cycle_id=cycle.pk)).content.decode()

    response = client.post(target)

    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == status_url(world_a, job)
    assert (job.kind, job.parameters["cycle_id"], job.requested_by) == (
        cycle_exports.CYCLE_RETURNS_KIND,
        cycle.pk,
        world_a.la_lead.person,
    )
    assert client.get(target).status_code == 405


def test_every_return_is_for_those_who_read_the_cycle(world_a, world_b, cycle, client_for):
    target = page_url(world_a, "cycle_returns_export_request", cycle_id=cycle.pk)
    for member in (world_a.agency_lead, world_a.practitioner, world_a.lay_member):
        assert client_for(member.person).post(target).status_code == 403
    other = client_for(world_b.la_lead.person)
    assert other.post(target).status_code == 404
    assert other.post(target.replace(world_a.partnership.slug, world_b.partnership.slug)).status_code == 404
    assert not ExportJob.objects.exists()


def test_asking_runs_a_fixed_number_of_queries(world_a, cycle, client_for, django_assert_max_num_queries):
    client = client_for(world_a.la_lead.person)
    target = page_url(world_a, "cycle_returns_export_request", cycle_id=cycle.pk)
    client.post(target)
    with django_assert_max_num_queries(12):
        client.post(target)


# --- The matrix page's buttons ----------------------------------------------------------------------------


def test_a_small_matrix_still_comes_at_once_with_its_filters(world_a, cycle, client_for):
    client = client_for(world_a.la_lead.person)
    target = page_url(world_a, "cycle_matrix_export_request", cycle_id=cycle.pk)

    response = client.post(target, {"format": "csv", "search": "Council", "at_most": "", "basis": "moderated"})

    assert response.status_code == 302
    assert response["Location"].startswith(page_url(world_a, "cycle_matrix_export", cycle_id=cycle.pk) + "?")
    assert "q=Council" in response["Location"]
    assert "format=csv" in response["Location"]
    assert "basis=moderated" in response["Location"]
    rows = list(csv.reader(io.StringIO(client.get(response["Location"]).content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == ["Alpha Council"]
    assert not ExportJob.objects.exists()


def test_a_large_matrix_goes_to_the_worker(world_a, cycle, client_for, monkeypatch, sent):
    monkeypatch.setattr(sa_views, "MATRIX_IMMEDIATE_ROWS", 2)
    client = client_for(world_a.la_lead.person)

    response = client.post(
        page_url(world_a, "cycle_matrix_export_request", cycle_id=cycle.pk),
        {"format": "xlsx", "search": "", "state": "draft"},
    )

    job = ExportJob.objects.get()
    assert response["Location"] == status_url(world_a, job)
    assert job.parameters["filters"]["state"] == "draft"
    assert job.parameters["format"] == "xlsx"
    # Too large to write in a request: the immediate download sends the member back to the page to export.
    immediate = client.get(page_url(world_a, "cycle_matrix_export", cycle_id=cycle.pk) + "?format=csv")
    assert immediate.status_code == 302
    assert immediate["Location"].startswith(page_url(world_a, "cycle_matrix", cycle_id=cycle.pk))
    assert "too large to download at once" in str(next(iter(get_messages(immediate.wsgi_request))))


def test_bad_filters_posted_show_the_matrix_with_field_errors(world_a, cycle, client_for):
    client = client_for(world_a.la_lead.person)

    response = client.post(
        page_url(world_a, "cycle_matrix_export_request", cycle_id=cycle.pk),
        {"format": "pdf", "at_most": "9", "standard": "nope"},
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_at_most-error"' in html
    assert 'id="id_standard-error"' in html
    assert "Choose CSV or Excel (XLSX) to export." in html
    assert not ExportJob.objects.exists()


def test_the_matrix_export_is_for_those_who_read_the_matrix(world_a, world_b, cycle, client_for, monkeypatch):
    monkeypatch.setattr(sa_views, "MATRIX_IMMEDIATE_ROWS", 0)
    target = page_url(world_a, "cycle_matrix_export_request", cycle_id=cycle.pk)
    for member in (world_a.practitioner, world_a.observer):
        assert client_for(member.person).post(target, {"format": "csv"}).status_code == 403
    assert client_for(world_b.la_lead.person).post(target, {"format": "csv"}).status_code == 404
    assert not ExportJob.objects.exists()
    lead = client_for(world_a.agency_lead.person).post(target, {"format": "csv"})
    assert lead.status_code == 302
    assert ExportJob.objects.get().parameters["agency_id"] == world_a.school.pk


def test_the_apis_immediate_matrix_files_send_a_large_matrix_to_the_worker(world_a, cycle, client_for, monkeypatch):
    from audits.selectors import compliance_matrix as matrix_selectors

    monkeypatch.setattr(matrix_selectors, "MATRIX_IMMEDIATE_ROWS", 3)
    client = client_for(world_a.la_lead.person)
    for name in ("cycle_matrix_csv", "cycle_matrix_xlsx"):
        target = reverse(f"audits_api:{name}", kwargs={"slug": world_a.partnership.slug, "cycle_id": cycle.pk})
        refused = client.get(target)
        assert refused.status_code == 409
        assert "/exports/" in refused.json()["detail"]
        assert client.get(target + "?search=Council").status_code == 200  # one row: at once, as before
