"""The export engine (``partnership.services.exports``): a job asked for, claimed and built once by the worker,
its file kept encrypted and streamed back, stalled jobs sent again; the progress page, the download and "try
again"; the API. The kinds used are the self-assessment ones audits declares (the kernel's own tests name no
app but through the registry), plus a failing kind registered here."""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from partnership import exports as registry
from partnership.models import ExportJob, HistoryEntry
from partnership.models.recommendations import StoredFile
from partnership.services import exports as service
from partnership.tasks import exports_requeue_stalled_task
from tests.audits.sa_helpers import cycle_make
from tests.factories import World

pytestmark = pytest.mark.django_db

MATRIX = "sa.compliance_matrix"
RETURNS = "sa.cycle_returns"


class SentTasks(list):
    """Stands in for the Celery app at the broker boundary: records what the service sends."""

    def send_task(self, name, args=None, kwargs=None, queue=None, **options):
        self.append({"name": name, "kwargs": kwargs, "queue": queue})


class BrokerDown:
    def send_task(self, *args, **kwargs):
        raise ConnectionRefusedError("no broker")


@pytest.fixture
def sent(monkeypatch) -> SentTasks:
    tasks = SentTasks()
    monkeypatch.setattr(service, "current_app", tasks)
    return tasks


@pytest.fixture
def cycle(world_a):
    return cycle_make(world_a).cycle


@pytest.fixture
def failing_kind():
    """A kind whose builder raises, as a bug or a lost row would."""

    def build(*, job, out, progress):
        progress(1, 3)
        raise RuntimeError("/srv/app/secret/path exploded")

    kind = registry.ExportKind(
        key="test.failing",
        label="Failing",
        clean=lambda *, partnership, membership, data: registry.ExportRequest(parameters={}, title="Failing export"),
        build=build,
    )
    registry.export_kind_register(kind)
    yield kind.key
    registry._KINDS.pop(kind.key, None)


def ask(world, cycle, *, member=None, kind=MATRIX, **data) -> ExportJob:
    data = {"cycle": cycle.pk, "format": "xlsx", **data} if kind == MATRIX else {"cycle": cycle.pk, **data}
    return service.export_request(
        partnership=world.partnership, membership=member or world.la_lead, kind=kind, data=data
    )


def history(job: ExportJob):
    return HistoryEntry.objects.filter(content_type=ContentType.objects.get_for_model(ExportJob), object_id=job.pk)


def page(world, name: str, job: ExportJob) -> str:
    return reverse(f"partnership:{name}", kwargs={"slug": world.partnership.slug, "job_id": job.pk})


def api(world, name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


# --- Asking -----------------------------------------------------------------------------------------------


def test_a_request_stores_a_queued_job_and_sends_its_build_after_commit(
    world_a, cycle, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(world_a, cycle, state="submitted")
        assert sent == []  # nothing reaches the broker before the job is committed

    job.refresh_from_db()
    assert (job.state, job.kind, job.requested_by) == (ExportJob.State.QUEUED, MATRIX, world_a.la_lead.person)
    assert job.parameters["filters"]["state"] == "submitted"
    assert job.parameters["agency_id"] is None
    assert job.title == f"Compliance matrix, {cycle.title} (Excel (XLSX))"
    assert sent == [{"name": service.BUILD_TASK, "kwargs": {"job_id": job.pk}, "queue": "exports"}]
    assert job.dispatched_at is not None
    assert history(job).filter(action=HistoryEntry.Action.CREATED).count() == 1


def test_with_the_broker_down_the_job_waits_for_the_beat_job(
    world_a, cycle, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "current_app", BrokerDown())
    with django_capture_on_commit_callbacks(execute=True):
        job = ask(world_a, cycle)

    job.refresh_from_db()
    assert job.state == ExportJob.State.QUEUED
    assert job.dispatched_at is None
    tasks = SentTasks()
    monkeypatch.setattr(service, "current_app", tasks)
    later = timezone.now() + service.UNDISPATCHED_GRACE + timedelta(seconds=1)
    assert service.exports_requeue_stalled(now=later) == 1
    assert tasks == [{"name": service.BUILD_TASK, "kwargs": {"job_id": job.pk}, "queue": "exports"}]


def test_an_unknown_kind_and_bad_parameters_are_field_errors(world_a, cycle, sent):
    with pytest.raises(ValidationError) as unknown:
        service.export_request(partnership=world_a.partnership, membership=world_a.la_lead, kind="nope", data={})
    assert "kind" in unknown.value.message_dict
    with pytest.raises(ValidationError) as bad:
        ask(world_a, cycle, format="pdf", at_most=9999, standard="not-a-standard")
    assert set(bad.value.message_dict) == {"format", "at_most", "standard"}
    assert not ExportJob.objects.exists()


def test_another_partnerships_cycle_reads_as_missing(world_a, world_b, sent):
    theirs = cycle_make(world_b).cycle
    with pytest.raises(ValidationError) as missing:
        ask(world_a, theirs)
    assert missing.value.message_dict == {"cycle": ["No such cycle."]}


def test_the_kind_says_who_may_ask(world_a, cycle, sent):
    for member in (world_a.practitioner, world_a.lay_member):
        with pytest.raises(PermissionDenied):
            ask(world_a, cycle, member=member)
    with pytest.raises(PermissionDenied):
        ask(world_a, cycle, member=world_a.agency_lead, kind=RETURNS)
    # An agency lead may ask for the matrix: their own agency's row only, kept in the job.
    own = ask(world_a, cycle, member=world_a.agency_lead)
    assert own.parameters["agency_id"] == world_a.school.pk


# --- Building (the worker's side, in-process here) -----------------------------------------------------------


def _stored_bytes(stored_file_id: int) -> bytes:
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM partnership_storedfile WHERE id = %s", [stored_file_id])
        return bytes(cursor.fetchone()[0])


def test_building_writes_the_file_encrypted_and_counts_its_rows(world_a, cycle, sent):
    job = ask(world_a, cycle)

    assert service.export_build(job_id=job.pk) == ExportJob.State.DONE

    job.refresh_from_db()
    assert (job.rows_done, job.rows_total, job.attempts) == (4, 4, 1)
    assert job.started_at <= job.finished_at
    stored = StoredFile.objects.get(pk=job.file_id)
    assert stored.name == f"compliance-matrix-{world_a.partnership.slug}-section_11-2026.xlsx"
    assert stored.owner == job
    rows = list(load_workbook(io.BytesIO(bytes(stored.data))).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["Alpha Council", "Alpha ICB", "Alpha Police", "Alpha Primary School"]
    assert _stored_bytes(stored.pk).startswith(b"fernet:")  # encrypted at rest
    assert history(job).filter(action=HistoryEntry.Action.UPDATED).count() == 1


def test_a_second_delivery_builds_nothing(world_a, cycle, sent):
    job = ask(world_a, cycle)
    service.export_build(job_id=job.pk)

    assert service.export_build(job_id=job.pk) == ExportJob.State.DONE
    assert StoredFile.objects.count() == 1
    assert service.export_build(job_id=job.pk + 1000) == "missing"


def test_a_job_running_elsewhere_is_not_claimed_again(world_a, cycle, sent):
    job = ask(world_a, cycle)
    ExportJob.objects.filter(pk=job.pk).update(state=ExportJob.State.RUNNING, progressed_at=timezone.now())

    assert service.export_build(job_id=job.pk) == ExportJob.State.RUNNING
    assert not StoredFile.objects.exists()


def test_a_failing_build_stores_a_short_message_and_no_file(world_a, failing_kind, sent):
    job = service.export_request(
        partnership=world_a.partnership, membership=world_a.business_manager, kind=failing_kind, data={}
    )

    assert service.export_build(job_id=job.pk) == ExportJob.State.FAILED

    job.refresh_from_db()
    assert job.error.startswith("The export could not be made.")
    assert "/srv" not in job.error
    assert job.file_id is None
    assert (job.rows_done, job.rows_total) == (1, 3)


def test_a_job_left_running_by_a_lost_worker_is_sent_again_then_given_up(world_a, cycle, sent):
    job = ask(world_a, cycle)
    long_ago = timezone.now() - service.BUILD_LOST_AFTER - timedelta(seconds=5)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, progressed_at=long_ago, dispatched_at=long_ago, attempts=1
    )

    assert service.exports_requeue_stalled() == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.QUEUED
    assert sent[-1]["kwargs"] == {"job_id": job.pk}

    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, progressed_at=long_ago, attempts=service.BUILD_ATTEMPTS_MAX
    )
    assert service.exports_requeue_stalled() == 0
    job.refresh_from_db()
    assert (job.state, job.error) == (ExportJob.State.FAILED, service.BUILDER_KEPT_DYING)


def test_a_message_lost_by_the_broker_is_sent_again(world_a, cycle, sent):
    job = ask(world_a, cycle)
    ExportJob.objects.filter(pk=job.pk).update(dispatched_at=timezone.now() - service.DISPATCH_LOST_AFTER * 2)

    assert exports_requeue_stalled_task() == 1
    fresh = ask(world_a, cycle)
    ExportJob.objects.filter(pk=fresh.pk).update(dispatched_at=timezone.now())
    assert service.exports_requeue_stalled() == 0  # one just sent is left to the worker


def test_try_again_queues_a_failed_job_afresh(world_a, failing_kind, sent, django_capture_on_commit_callbacks):
    job = service.export_request(
        partnership=world_a.partnership, membership=world_a.business_manager, kind=failing_kind, data={}
    )
    service.export_build(job_id=job.pk)

    with django_capture_on_commit_callbacks(execute=True):
        again = service.export_retry(
            partnership=world_a.partnership, membership=world_a.business_manager, job_id=job.pk
        )

    assert again.pk == job.pk
    assert (again.state, again.error, again.attempts, again.rows_done) == (ExportJob.State.QUEUED, "", 0, 0)
    assert sent[-1]["kwargs"] == {"job_id": job.pk}
    assert history(job).filter(reason="Asked for again").count() == 1


def test_the_task_settings_route_and_schedule_the_exports():
    from django.conf import settings

    from partnership.tasks import export_build

    assert settings.CELERY_TASK_ROUTES["partnership.tasks.export_build"] == {"queue": "exports"}
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "partnership.tasks.exports_requeue_stalled" in scheduled
    assert "partnership.tasks.exports_expire" in scheduled
    assert export_build.acks_late
    assert export_build.reject_on_worker_lost
    assert export_build.soft_time_limit < export_build.time_limit


# --- Kept a week, then deleted -----------------------------------------------------------------------------


def test_a_file_is_deleted_a_week_after_it_was_written_and_the_job_says_so(world_a, world_b, sent):
    jobs = {}
    for world in (world_a, world_b):
        jobs[world] = ask(world, cycle_make(world).cycle)
        service.export_build(job_id=jobs[world].pk)
    fresh = ask(world_a, cycle_make(world_a, year=2025).cycle)
    service.export_build(job_id=fresh.pk)
    written = ExportJob.objects.get(pk=jobs[world_a].pk).finished_at
    files = {world: ExportJob.objects.get(pk=job.pk).file_id for world, job in jobs.items()}
    ExportJob.objects.filter(pk__in=[j.pk for j in jobs.values()]).update(
        finished_at=written - service.EXPORT_KEPT_FOR - timedelta(minutes=1)
    )

    assert service.exports_expire() == 2
    assert service.exports_expire() == 0  # nothing more to delete

    for world, job in jobs.items():
        job.refresh_from_db()
        assert (job.state, job.file_id) == (ExportJob.State.EXPIRED, None)
        assert not StoredFile.objects.filter(pk=files[world]).exists()
        assert history(job).filter(reason__startswith="The file was deleted 7 days").count() == 1
    fresh.refresh_from_db()
    assert fresh.state == ExportJob.State.DONE
    assert StoredFile.objects.filter(pk=fresh.file_id).exists()


def test_a_deleted_export_says_so_and_is_made_again_with_todays_data(world_a, cycle, sent, client_for):
    job = ask(world_a, cycle)
    service.export_build(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    service.exports_expire()
    client = client_for(world_a.la_lead.person)

    html = client.get(page(world_a, "export_status", job)).content.decode()
    assert "The file was deleted a week after it was written" in html
    assert "hx-trigger" not in html
    assert 'http-equiv="refresh"' not in html
    download = client.get(page(world_a, "export_download", job))
    assert download.status_code == 302
    assert download["Location"] == page(world_a, "export_status", job)
    assert client.get(api(world_a, "export_download", job_id=job.pk)).status_code == 409
    assert client.get(api(world_a, "export_job", job_id=job.pk)).json()["state"] == "expired"

    client.post(page(world_a, "export_retry", job))

    job.refresh_from_db()
    assert job.state == ExportJob.State.QUEUED
    assert service.export_build(job_id=job.pk) == ExportJob.State.DONE


def test_the_beat_task_deletes_old_exports(world_a, cycle, sent):
    from partnership.tasks import exports_expire_task

    job = ask(world_a, cycle)
    service.export_build(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(finished_at=timezone.now() - timedelta(days=8))
    assert exports_expire_task.apply().get() == 1


# --- The progress page, the download, try again ---------------------------------------------------------


def test_the_progress_page_while_queued_and_running_refreshes_itself(world_a, cycle, sent, client_for):
    job = ask(world_a, cycle)
    client = client_for(world_a.la_lead.person)

    queued = client.get(page(world_a, "export_status", job))
    html = queued.content.decode()
    assert queued.status_code == 200
    assert '<meta http-equiv="refresh" content="3">' in html  # inside <noscript>: no JavaScript needed
    assert 'role="status"' in html
    assert 'aria-live="polite"' in html
    assert 'data-state="queued"' in html
    assert "private" in queued["Cache-Control"]

    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, rows_done=2, rows_total=4, progressed_at=timezone.now()
    )
    running = client.get(page(world_a, "export_status", job)).content.decode()
    assert "2 of 4 rows written" in running
    assert '<progress max="4" value="2"' in running
    # The htmx poll: nothing moved since it last looked, no swap.
    poll = client.get(page(world_a, "export_status", job) + "?seen=running-2", HTTP_HX_REQUEST="true")
    assert poll.status_code == 204


def test_done_shows_the_download_and_stops_refreshing(world_a, cycle, sent, client_for):
    job = ask(world_a, cycle)
    service.export_build(job_id=job.pk)
    client = client_for(world_a.la_lead.person)

    html = client.get(page(world_a, "export_status", job)).content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "hx-trigger" not in html
    assert page(world_a, "export_download", job) in html

    download = client.get(page(world_a, "export_download", job))
    assert download.status_code == 200
    body = download.getvalue()
    job.refresh_from_db()
    assert body == bytes(StoredFile.objects.get(pk=job.file_id).data)
    assert load_workbook(io.BytesIO(body)).active.max_row == 5
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert int(download["Content-Length"]) == len(body)
    assert history(job).filter(reason="Downloaded").count() == 1


def test_a_download_before_the_file_is_ready_shows_the_progress(world_a, cycle, sent, client_for):
    job = ask(world_a, cycle)
    response = client_for(world_a.la_lead.person).get(page(world_a, "export_download", job))
    assert response.status_code == 302
    assert response["Location"] == page(world_a, "export_status", job)
    assert not history(job).filter(reason="Downloaded").exists()


def test_a_failure_is_explained_with_a_try_again(world_a, failing_kind, sent, client_for):
    job = service.export_request(
        partnership=world_a.partnership, membership=world_a.business_manager, kind=failing_kind, data={}
    )
    service.export_build(job_id=job.pk)
    client = client_for(world_a.business_manager.person)

    html = client.get(page(world_a, "export_status", job)).content.decode()
    assert "The export could not be made." in html
    assert page(world_a, "export_retry", job) in html
    assert 'http-equiv="refresh"' not in html

    again = client.post(page(world_a, "export_retry", job))
    assert again.status_code == 302
    job.refresh_from_db()
    assert job.state == ExportJob.State.QUEUED
    assert client.get(page(world_a, "export_retry", job)).status_code == 405


def test_only_the_requester_and_whom_the_kind_shares_it_with_open_it(world_a, world_b, cycle, sent, client_for):
    job = ask(world_a, cycle)  # asked for by the LA lead: every row
    service.export_build(job_id=job.pk)
    for name in ("export_status", "export_download"):
        # The business managers who run the cycles may download an unscoped export.
        assert client_for(world_a.business_manager.person).get(page(world_a, name, job)).status_code == 200
        for member in (world_a.health_lead, world_a.agency_lead, world_a.practitioner):
            assert client_for(member.person).get(page(world_a, name, job)).status_code == 404, (name, member)
        # Another partnership's member: 404 in their partnership and in ours.
        other = client_for(world_b.la_lead.person)
        assert other.get(page(world_a, name, job)).status_code == 404
        assert other.get(page(world_a, name, job).replace("alpha-scp", "beta-scp")).status_code == 404
    assert client_for(world_a.health_lead.person).post(page(world_a, "export_retry", job)).status_code == 404


def test_an_agency_leads_export_is_theirs_alone(world_a, cycle, sent, client_for):
    job = ask(world_a, cycle, member=world_a.agency_lead)
    service.export_build(job_id=job.pk)

    assert client_for(world_a.agency_lead.person).get(page(world_a, "export_download", job)).status_code == 200
    # Scoped to one agency: not shared, even with the business manager.
    assert client_for(world_a.business_manager.person).get(page(world_a, "export_status", job)).status_code == 404


def test_the_progress_page_runs_a_fixed_number_of_queries(
    world_a, cycle, sent, client_for, django_assert_max_num_queries
):
    job = ask(world_a, cycle)
    client = client_for(world_a.la_lead.person)
    client.get(page(world_a, "export_status", job))
    with django_assert_max_num_queries(8):
        client.get(page(world_a, "export_status", job))
    service.export_build(job_id=job.pk)
    with django_assert_max_num_queries(8):
        client.get(page(world_a, "export_status", job))


# --- The API ---------------------------------------------------------------------------------------------


def test_the_api_asks_polls_and_downloads(world_a, cycle, sent, client_for):
    client = client_for(world_a.la_lead.person)

    asked = client.post(
        api(world_a, "export_request"),
        {"kind": MATRIX, "parameters": {"cycle": cycle.pk, "format": "csv", "search": "Council"}},
        content_type="application/json",
    )
    assert asked.status_code == 202
    body = asked.json()
    assert asked["Location"] == body["status_url"] == api(world_a, "export_job", job_id=body["id"])
    assert (body["state"], body["kind"], body["rows_total"]) == ("queued", MATRIX, None)
    assert client.get(body["download_url"]).status_code == 409

    service.export_build(job_id=body["id"])
    status = client.get(body["status_url"]).json()
    assert (status["state"], status["rows_done"], status["rows_total"]) == ("done", 1, 1)
    assert status["file_name"].endswith(".csv")
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv"
    text = download.getvalue().decode("utf-8-sig")
    assert "Alpha Council" in text
    assert "Alpha ICB" not in text


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"kind": "nope"}, "kind"),
        ({"parameters": {}}, "kind"),
        ({"kind": MATRIX, "parameters": "x"}, "parameters"),
        ({"kind": MATRIX, "parameters": {"format": "csv"}}, "parameters"),
        ({"kind": MATRIX, "parameters": {"cycle": "CYCLE", "format": "pdf"}}, "parameters"),
        ({"kind": MATRIX, "parameters": {"cycle": "CYCLE", "format": "csv", "at_most": 5000}}, "parameters"),
    ],
)
@pytest.mark.usefixtures("sent")
def test_the_api_answers_bad_requests_with_field_errors(world_a, cycle, client_for, payload, where):
    if isinstance(payload.get("parameters"), dict) and payload["parameters"].get("cycle") == "CYCLE":
        payload = {**payload, "parameters": {**payload["parameters"], "cycle": cycle.pk}}
    response = client_for(world_a.la_lead.person).post(
        api(world_a, "export_request"), payload, content_type="application/json"
    )
    assert response.status_code == 400
    assert where in response.json()
    assert not ExportJob.objects.exists()


def test_the_api_keeps_partnerships_apart(world_a, world_b, cycle, sent, client_for):
    job = ask(world_a, cycle)
    theirs = cycle_make(world_b).cycle
    other = client_for(world_b.la_lead.person)

    for name in ("export_job", "export_download"):
        assert other.get(api(world_a, name, job_id=job.pk)).status_code == 404
        assert other.get(api(world_b, name, job_id=job.pk)).status_code == 404
    # Naming our cycle in their partnership: no such cycle there.
    mine = client_for(world_a.la_lead.person)
    response = mine.post(
        api(world_a, "export_request"),
        {"kind": RETURNS, "parameters": {"cycle": theirs.pk}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["parameters"] == {"cycle": ["No such cycle."]}
    refused = client_for(world_a.practitioner.person).post(
        api(world_a, "export_request"),
        {"kind": MATRIX, "parameters": {"cycle": cycle.pk, "format": "csv"}},
        content_type="application/json",
    )
    assert refused.status_code == 403


# --- A real worker ---------------------------------------------------------------------------------------


def _wait_until_finished(job_id: int, seconds: float = 60) -> ExportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ExportJob.objects.get(pk=job_id)
        if job.state in (ExportJob.State.DONE, ExportJob.State.FAILED):
            return job
        time.sleep(0.2)
    raise AssertionError(f"the worker did not finish export {job_id} within {seconds}s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_writes_the_whole_cycle_and_the_download_serves_it(exports_worker, client_for):
    world = World("Worker")
    cycle = cycle_make(world).cycle
    client = client_for(world.la_lead.person)

    asked = client.post(
        reverse("audits:cycle_returns_export_request", kwargs={"slug": world.partnership.slug, "cycle_id": cycle.pk})
    )
    job = ExportJob.objects.get()
    assert asked["Location"] == page(world, "export_status", job)

    finished = _wait_until_finished(job.pk)
    assert finished.state == ExportJob.State.DONE, finished.error
    assert finished.rows_done == finished.rows_total == 4 * 11  # four agencies, eleven standards
    book = load_workbook(io.BytesIO(client.get(page(world, "export_download", finished)).getvalue()))
    assert book.active.max_row == 1 + 44


def test_the_api_tries_a_failed_export_again(world_a, world_b, failing_kind, sent, client_for):
    job = service.export_request(
        partnership=world_a.partnership, membership=world_a.business_manager, kind=failing_kind, data={}
    )
    service.export_build(job_id=job.pk)
    target = api(world_a, "export_retry", job_id=job.pk)

    assert client_for(world_b.la_lead.person).post(target).status_code == 404
    assert client_for(world_a.la_lead.person).post(target).status_code == 404  # not theirs, not shared
    again = client_for(world_a.business_manager.person).post(target)

    assert again.status_code == 202
    assert (again.json()["state"], again.json()["error"]) == ("queued", "")
