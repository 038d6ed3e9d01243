"""Documents: versions deduplicated by hash, the worker's PDF, the static-only fetcher, the pages.

The subject of the documents here is an agency (any row of the partnership
will do). ``test_documents/outcomes.html`` (beside this file) is shaped like
the Learning Review Outcomes Form and extends ``documents/base_print.html``.
"""

from __future__ import annotations

import hashlib
import io
import logging
import socket
import struct
import threading
import time
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from config.celery import app
from partnership import encryption
from partnership.models import Document, DocumentDownload, DocumentVersion, HistoryEntry, Role
from partnership.selectors.documents import documents_for_subject
from partnership.services import documents as service
from partnership.services.documents import (
    StaticOnlyURLFetcher,
    document_render_request,
    document_render_version,
    documents_requeue_stalled,
    pdf_from_html,
    static_file_for_url,
)
from tests.factories import World

TEST_TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE = "test_documents/outcomes.html"
REPO = Path(settings.BASE_DIR)

# The headings of seed 003's Learning Review Outcomes Form.
HEADINGS = [
    "Details of family being considered",
    "Synopsis of the case",
    "Findings and key learning points",
    "Background and summary of agency's involvement",
    "Strengths in agencies response or within multi-agency working with the family",
    "Areas where we would like to do better",
    "Any specific actions identified in relation to the family",
    "Any broader learning that has been identified",
    "How this learning will be disseminated and implemented",
    "Decisions around how the family have been involved or informed of this review",
]


@pytest.fixture(autouse=True)
def _test_templates(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEST_TEMPLATES]}]


class SentTasks(list):
    """Stands in for the Celery app at the broker boundary: records what the service sends."""

    def send_task(self, name, args=None, kwargs=None, queue=None, **options):
        self.append({"name": name, "kwargs": kwargs, "queue": queue})


@pytest.fixture
def sent(monkeypatch) -> SentTasks:
    tasks = SentTasks()
    monkeypatch.setattr(service, "current_app", tasks)
    return tasks


def _context(**overrides) -> dict:
    context = {
        "review_name": "Learning review: Child A",
        "lead_author": "Sam Author",
        "method": "Practitioner learning review",
        "sections": [{"heading": h, "answer": f"What we found about {h.lower()}."} for h in HEADINGS],
        "recommendations": [
            {
                "action": f"Recommendation {i}: audit the voice of the child",
                "person": "Head of service",
                "timeframe": "3 months",
            }
            for i in range(1, 6)
        ],
    }
    context.update(overrides)
    return context


def _request(world: World, *, subject=None, audience=(), title="Outcomes form", **context) -> DocumentVersion:
    return document_render_request(
        partnership=world.partnership,
        actor=world.bm,
        subject=subject or world.school,
        kind="outcomes_form",
        title=title,
        template_name=TEMPLATE,
        context=_context(**context),
        audience=audience,
    )


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Lines wrap wherever the layout put them: compare words, not line breaks.
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def _png(width: int = 4, height: int = 4) -> bytes:
    """A small valid PNG, made here: no image library needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# --- Versions: the same content is stored once ------------------------------------------------


def test_a_request_stores_the_html_and_queues_the_render_after_commit(
    world_a, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        version = _request(world_a)

    assert version.number == 1
    assert version.state == DocumentVersion.State.QUEUED
    assert version.content_hash == hashlib.sha256(version.html.encode()).hexdigest()
    assert "Findings and key learning points" in version.html
    assert version.document.title == "Outcomes form"
    assert version.requested_by == world_a.bm
    assert sent == [
        {"name": "partnership.tasks.document_render", "kwargs": {"version_id": version.pk}, "queue": "documents"}
    ]


def test_nothing_is_queued_when_the_transaction_rolls_back(world_a, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _request(world_a)

    assert sent == []  # only on commit
    assert len(callbacks) == 1


def test_the_same_content_twice_gives_one_version(world_a, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _request(world_a)
        second = _request(world_a)

    assert second.pk == first.pk
    assert DocumentVersion.objects.count() == 1
    assert Document.objects.count() == 1
    assert len(sent) == 1


def test_changed_content_gives_version_two(world_a, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = _request(world_a)
        second = _request(world_a, lead_author="Alex Author")
        again = _request(world_a)  # back to the first content: that version, not a third

    assert (first.number, second.number) == (1, 2)
    assert second.content_hash != first.content_hash
    assert second.document_id == first.document_id
    assert again.pk == first.pk
    assert [s["kwargs"]["version_id"] for s in sent] == [first.pk, second.pk]


def test_each_kind_and_each_subject_has_its_own_document(world_a, sent):
    outcomes = _request(world_a)
    other_subject = _request(world_a, subject=world_a.police)
    summary = document_render_request(
        partnership=world_a.partnership,
        actor=world_a.bm,
        subject=world_a.school,
        kind="public_summary",
        title="Public summary",
        template_name=TEMPLATE,
        context=_context(),
    )

    assert len({outcomes.document_id, other_subject.document_id, summary.document_id}) == 3
    assert summary.number == 1


def test_the_database_refuses_a_duplicate_of_the_same_content(world_a, sent):
    version = _request(world_a)

    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentVersion.objects.create(
            partnership=world_a.partnership,
            document=version.document,
            number=2,
            content_hash=version.content_hash,
            html=version.html,
        )


def test_a_failed_version_is_queued_again_when_asked_for_again(world_a, sent, django_capture_on_commit_callbacks):
    version = _request(world_a)
    DocumentVersion.objects.filter(pk=version.pk).update(state=DocumentVersion.State.FAILED, error="Broken")

    with django_capture_on_commit_callbacks(execute=True):
        again = _request(world_a)

    assert again.pk == version.pk
    assert again.state == DocumentVersion.State.QUEUED
    assert again.error == ""
    assert [s["kwargs"]["version_id"] for s in sent] == [version.pk]


def test_a_stalled_version_is_queued_again_but_a_fresh_one_is_not(world_a, sent, django_capture_on_commit_callbacks):
    version = _request(world_a)
    DocumentVersion.objects.filter(pk=version.pk).update(
        state=DocumentVersion.State.RENDERING, started_at=timezone.now() - timedelta(minutes=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _request(world_a)
    assert sent == []  # two minutes in: still working

    DocumentVersion.objects.filter(pk=version.pk).update(started_at=timezone.now() - timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        again = _request(world_a)
    assert again.state == DocumentVersion.State.QUEUED
    assert len(sent) == 1


def test_the_audience_is_checked_and_kept_on_the_document(world_a, sent):
    with pytest.raises(ValidationError) as excinfo:
        _request(world_a, audience=["business_manager", "wizard"])
    assert excinfo.value.message_dict == {"audience": ["Unknown role(s): wizard."]}

    version = _request(world_a, audience=[Role.PARTNER_LEAD_POLICE, Role.BUSINESS_MANAGER])
    assert version.document.audience == [Role.BUSINESS_MANAGER, Role.PARTNER_LEAD_POLICE]
    assert HistoryEntry.objects.filter(object_id=str(version.document.pk), action="created").exists()


def test_another_partnerships_subject_is_refused(world_a, world_b, sent):
    with pytest.raises(ValidationError):
        _request(world_a, subject=world_b.school)
    assert not Document.objects.exists()


def test_the_render_task_has_its_own_queue_and_limits():
    app.loader.import_default_modules()
    task = app.tasks["partnership.tasks.document_render"]

    route = app.amqp.router.route({}, task.name, args=(), kwargs={"version_id": 1})
    assert route["queue"].name == "documents"
    assert (task.soft_time_limit, task.time_limit) == (service.RENDER_SOFT_TIME_LIMIT, service.RENDER_TIME_LIMIT)
    assert task.soft_time_limit < task.time_limit <= settings.CELERY_TASK_TIME_LIMIT
    assert task.acks_late
    assert task.reject_on_worker_lost  # a worker killed mid-render gives the message back at once
    assert settings.CELERY_WORKER_MAX_TASKS_PER_CHILD
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD


def test_every_worker_command_consumes_the_documents_queue():
    # The embedded runner and the production worker must both take the queue, or PDFs wait forever.
    assert "-Q celery,documents" in (REPO / "bin" / "run").read_text()
    assert "--queues=celery,documents" in (REPO / "docker-compose.yml").read_text()


# --- Rendering (the worker's side, called in-process here) ----------------------------------------


def test_rendering_stores_a_real_pdf_with_its_hash_and_size(world_a, sent):
    version = _request(world_a)

    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY

    version.refresh_from_db()
    pdf = bytes(version.pdf)
    assert pdf.startswith(b"%PDF-")
    assert version.pdf_bytes == len(pdf)
    assert version.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert version.started_at <= version.finished_at
    text = _pdf_text(pdf)
    for heading in ["Outcomes form", "Recommendations", "Person responsible", *HEADINGS]:
        assert heading in text, heading
    assert "Page 1 of" in text
    assert "OFFICIAL-SENSITIVE" in text


def _stored(version: DocumentVersion) -> tuple[str, bytes | None]:
    """The html and pdf columns as the database holds them (raw SQL: no field decrypts them)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT html, pdf FROM partnership_documentversion WHERE id = %s", [version.pk])
        html, pdf = cursor.fetchone()
    return html, (bytes(pdf) if pdf is not None else None)


def test_the_html_and_the_pdf_are_ciphertext_at_rest_and_their_hashes_are_of_the_plaintext(world_a, sent):
    version = _request(world_a, lead_author="Jamie Smith of 14 Acacia Road")
    html_at_rest, pdf_at_rest = _stored(version)
    assert html_at_rest.startswith("fernet:")
    assert "Jamie Smith" not in html_at_rest
    assert "Findings and key learning points" not in html_at_rest
    assert pdf_at_rest is None

    document_render_version(version_id=version.pk)

    version.refresh_from_db()
    html_at_rest, pdf_at_rest = _stored(version)
    assert pdf_at_rest.startswith(b"fernet:")
    assert b"%PDF" not in pdf_at_rest
    assert encryption.decrypt(html_at_rest) == version.html
    assert encryption.decrypt_bytes(pdf_at_rest) == bytes(version.pdf)
    # Python sees the plaintext, and the hashes are of the plaintext (what is rendered, what is downloaded).
    assert "Jamie Smith of 14 Acacia Road" in version.html
    assert version.content_hash == hashlib.sha256(version.html.encode()).hexdigest()
    assert bytes(version.pdf).startswith(b"%PDF-")
    assert version.pdf_sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    assert version.pdf_bytes == len(bytes(version.pdf))
    assert "Jamie Smith of 14 Acacia Road" in _pdf_text(bytes(version.pdf))


def test_the_same_content_is_still_recognised_though_each_ciphertext_differs(world_a, sent):
    first = _request(world_a)
    ciphertext = _stored(first)[0]

    again = _request(world_a)

    assert again.pk == first.pk
    assert DocumentVersion.objects.count() == 1
    assert _stored(again)[0] == ciphertext  # nothing rewritten
    assert encryption.encrypt(first.html) != ciphertext  # the same HTML encrypts differently each time


def test_a_plaintext_html_column_is_refused_not_shown(world_a, sent):
    version = _request(world_a)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE partnership_documentversion SET html = %s WHERE id = %s", ["<p>Jamie</p>", version.pk])

    with pytest.raises(ValueError, match="not encrypted"):
        DocumentVersion.objects.get(pk=version.pk)


def test_rendering_twice_does_nothing_the_second_time(world_a, sent):
    version = _request(world_a)
    document_render_version(version_id=version.pk)
    version.refresh_from_db()
    first_pdf, history = bytes(version.pdf), HistoryEntry.objects.count()

    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY

    version.refresh_from_db()
    assert bytes(version.pdf) == first_pdf
    assert HistoryEntry.objects.count() == history


def test_a_vanished_version_is_ignored(db):
    assert document_render_version(version_id=987654) == "missing"


class BrokerDown:
    """The Celery app at the broker boundary while Redis is down."""

    def send_task(self, *args, **kwargs):
        raise ConnectionRefusedError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def test_a_version_being_rendered_is_not_rendered_again_by_a_second_delivery(world_a, sent, monkeypatch):
    version = _request(world_a)
    _set_state(version, DocumentVersion.State.RENDERING, started_at=timezone.now())
    renders = []
    monkeypatch.setattr(service, "pdf_from_html", lambda **kwargs: renders.append(1) or b"%PDF-1.7")

    assert document_render_version(version_id=version.pk) == DocumentVersion.State.RENDERING
    assert not renders


def test_a_render_left_by_a_lost_worker_is_sent_again_and_rendered_once(world_a, sent, monkeypatch):
    version = _request(world_a)
    sent.clear()
    killed_at = timezone.now() - service.RENDER_LOST_AFTER + timedelta(seconds=20)
    _set_state(version, DocumentVersion.State.RENDERING, started_at=killed_at, dispatched_at=killed_at)
    renders = []
    monkeypatch.setattr(service, "pdf_from_html", lambda **kwargs: renders.append(1) or b"%PDF-1.7")

    # Within the hard time limit (and margin) its worker may still be rendering it: left alone.
    assert documents_requeue_stalled() == 0
    assert not sent
    later = timezone.now() + timedelta(seconds=21)
    assert documents_requeue_stalled(now=later) == 1
    assert [task["kwargs"] for task in sent] == [{"version_id": version.pk}]
    version.refresh_from_db()
    assert version.state == DocumentVersion.State.QUEUED
    assert version.dispatched_at is not None

    # The re-sent message and the original (redelivered by the broker) arrive: one render.
    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY
    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY
    assert len(renders) == 1
    assert documents_requeue_stalled(now=later + timedelta(hours=1)) == 0


def test_a_request_while_the_broker_is_down_is_recorded_and_sent_when_it_is_back(
    world_a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(service, "current_app", BrokerDown())
    with django_capture_on_commit_callbacks(execute=True):
        version = _request(world_a)  # no error reaches the person

    version.refresh_from_db()
    assert (version.state, version.dispatched_at) == (DocumentVersion.State.QUEUED, None)
    # The beat job, the broker still down: tries, keeps it.
    assert documents_requeue_stalled(now=timezone.now() + timedelta(minutes=1)) == 0

    back = SentTasks()
    monkeypatch.setattr(service, "current_app", back)
    assert documents_requeue_stalled(now=timezone.now() + timedelta(minutes=2)) == 1
    assert documents_requeue_stalled(now=timezone.now() + timedelta(minutes=3)) == 0
    assert [task["kwargs"] for task in back] == [{"version_id": version.pk}]
    assert back[0]["queue"] == "documents"


def test_a_version_just_asked_for_is_left_to_its_own_message(world_a, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        version = _request(world_a)  # its message not sent yet: the request is still committing
    sent.clear()

    assert documents_requeue_stalled() == 0
    assert documents_requeue_stalled(now=version.requested_at + service.UNDISPATCHED_GRACE * 2) == 1


def test_a_failure_is_stored_with_a_short_message_and_the_traceback_only_in_the_log(world_a, sent, monkeypatch, caplog):
    version = _request(world_a)

    def explode(**kwargs):
        raise RuntimeError("cairo said no at /usr/lib/secret/path.so line 42")

    monkeypatch.setattr(service, "pdf_from_html", explode)
    with caplog.at_level(logging.ERROR, logger="partnership.services.documents"):
        assert document_render_version(version_id=version.pk) == DocumentVersion.State.FAILED

    version.refresh_from_db()
    assert version.error == "The PDF could not be made. Try again; if it fails again, tell your administrator."
    assert "secret" not in version.error
    assert version.pdf is None
    assert "Traceback" in caplog.text or caplog.records[0].exc_info is not None


def test_running_out_of_time_says_so(world_a, sent, monkeypatch):
    version = _request(world_a)

    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(service, "pdf_from_html", too_slow)
    document_render_version(version_id=version.pk)

    version.refresh_from_db()
    assert version.state == DocumentVersion.State.FAILED
    assert version.error.startswith("Rendering took too long.")


# --- The fetcher reads static files and nothing else ----------------------------------------------


class _Listener:
    """A local TCP server that only records whether anyone connected (nothing ever should)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    server = _Listener()
    yield server
    server.close()


@pytest.fixture
def static_image(tmp_path, settings) -> str:
    """An image in an extra static folder; returns its path under STATIC_URL."""
    folder = tmp_path / "extra-static"
    (folder / "img").mkdir(parents=True)
    (folder / "img" / "crest.png").write_bytes(_png())
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(folder)]
    return "img/crest.png"


def test_the_fetcher_refuses_files_and_the_network_and_serves_static_files(tmp_path, listener, static_image):
    outside = tmp_path / "outside.png"
    outside.write_bytes(_png())
    html = f"""<!DOCTYPE html><html><head>
      <link rel="stylesheet" href="/static/css/print.css">
      <link rel="stylesheet" href="http://127.0.0.1:{listener.port}/steal.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <style>@import url("https://127.0.0.1:{listener.port}/import.css");
             body {{ background: url("http://127.0.0.1:{listener.port}/bg.png"); }}</style>
    </head><body>
      <h1>Crafted document</h1>
      <img src="file:///etc/passwd" alt="">
      <img src="file://{outside}" alt="">
      <img src="/static/../../../../etc/passwd" alt="">
      <img src="http://127.0.0.1:{listener.port}/pixel.png" alt="">
      <img src="/static/{static_image}" alt="crest">
      <object data="ftp://127.0.0.1:{listener.port}/x"></object>
    </body></html>"""
    fetcher = StaticOnlyURLFetcher()

    pdf = pdf_from_html(html=html, fetcher=fetcher)

    assert "Crafted document" in _pdf_text(pdf)
    # Only the static crest made it into the PDF.
    assert _image_count(pdf) == 1
    time.sleep(0.3)
    assert listener.connections == 0
    refused = " ".join(fetcher.refused)
    assert "file:///etc/passwd" in refused
    assert str(outside) in refused
    assert f"http://127.0.0.1:{listener.port}/steal.css" in refused
    assert f"https://127.0.0.1:{listener.port}/import.css" in refused
    assert f"http://127.0.0.1:{listener.port}/pixel.png" in refused
    assert "print.css" not in refused


def test_a_crafted_version_renders_without_what_it_asked_for(world_a, sent, listener):
    version = _request(
        world_a,
        extra_html=f'<img src="file:///etc/passwd" alt=""><img src="http://127.0.0.1:{listener.port}/x.png" alt="">',
    )

    assert document_render_version(version_id=version.pk) == DocumentVersion.State.READY

    version.refresh_from_db()
    assert _image_count(bytes(version.pdf)) == 0
    assert "Findings and key learning points" in _pdf_text(bytes(version.pdf))
    assert listener.connections == 0


def test_static_urls_map_onto_the_static_folders_only(tmp_path, static_image):
    print_css = static_file_for_url("file:///static/css/print.css")
    assert print_css == (REPO / "static" / "css" / "print.css").resolve()
    assert static_file_for_url(f"file:///static/{static_image}") is not None
    # An absolute path inside a static folder is the same file; anywhere else is refused.
    assert static_file_for_url(f"file://{print_css}") == print_css
    assert static_file_for_url("file:///etc/passwd") is None
    assert static_file_for_url("file:///static/../etc/passwd") is None
    assert static_file_for_url("file:///static/%2e%2e/%2e%2e/etc/passwd") is None
    assert static_file_for_url("file://evil.example/static/css/print.css") is None
    assert static_file_for_url("file:///static/css/") is None  # a folder is not a file
    assert static_file_for_url("file:///static/css/print.css%00.png") is None


def test_a_link_inside_a_static_folder_cannot_point_outside(tmp_path, settings):
    folder = tmp_path / "linked-static"
    folder.mkdir()
    (folder / "passwd.css").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, str(folder)]

    assert static_file_for_url("file:///static/passwd.css") is None


# --- The pages ------------------------------------------------------------------------------------


def _status_url(world: World, version: DocumentVersion) -> str:
    return reverse("partnership:document_status", kwargs={"slug": world.partnership.slug, "version_id": version.pk})


def _download_url(world: World, version: DocumentVersion) -> str:
    return reverse("partnership:document_download", kwargs={"slug": world.partnership.slug, "version_id": version.pk})


def _set_state(version: DocumentVersion, state: str, **fields) -> None:
    DocumentVersion.objects.filter(pk=version.pk).update(state=state, **fields)


@pytest.mark.parametrize(
    ("state", "dispatched", "shown", "polls"),
    [
        (DocumentVersion.State.QUEUED, True, "Waiting for the PDF service", True),
        # Recorded while the broker was down: said plainly, and nobody needs to ask again.
        (DocumentVersion.State.QUEUED, False, "will start as soon as it is back, without you asking again", True),
        (DocumentVersion.State.RENDERING, True, "The PDF is being made now.", True),
        (DocumentVersion.State.FAILED, True, "Rendering took too long.", False),
    ],
)
@pytest.mark.usefixtures("sent")
def test_the_status_page_shows_progress(world_a, client_for, state, dispatched, shown, polls):  # noqa: PLR0917
    version = _request(world_a)
    _set_state(
        version,
        state,
        error="Rendering took too long." if state == "failed" else "",
        started_at=timezone.now(),
        dispatched_at=timezone.now() if dispatched else None,
    )
    client = client_for(world_a.practitioner.person)

    response = client.get(_status_url(world_a, version))

    assert response.status_code == 200
    html = response.content.decode()
    assert shown in html
    assert f'data-state="{state}"' in html
    assert 'role="status" aria-live="polite"' in html
    # htmx polls every 2 s only while it runs; without JavaScript, a link checks again.
    assert ('hx-trigger="every 2s"' in html) is polls
    assert ("Check again" in html) is polls
    assert "no-store" in response["Cache-Control"]


def test_the_ready_page_offers_the_download(world_a, sent, client_for):
    version = _request(world_a)
    document_render_version(version_id=version.pk)
    client = client_for(world_a.practitioner.person)

    html = client.get(_status_url(world_a, version)).content.decode()

    assert 'data-state="ready"' in html
    assert f'href="{_download_url(world_a, version)}"' in html
    assert "hx-trigger" not in html


def test_a_stalled_rendering_stops_polling_and_says_what_to_do(world_a, sent, client_for):
    version = _request(world_a)
    _set_state(version, DocumentVersion.State.RENDERING, started_at=timezone.now() - timedelta(minutes=30))

    html = client_for(world_a.bm).get(_status_url(world_a, version)).content.decode()

    assert 'data-state="stuck"' in html
    assert "hx-trigger" not in html
    assert "ask for the document again" in html


def test_htmx_polls_get_the_fragment_and_204_while_nothing_changed(world_a, sent, client_for):
    version = _request(world_a)
    client = client_for(world_a.bm)
    url = _status_url(world_a, version)

    unchanged = client.get(url, {"seen": "queued"}, HTTP_HX_REQUEST="true")
    assert unchanged.status_code == 204

    _set_state(version, DocumentVersion.State.RENDERING, started_at=timezone.now())
    moved = client.get(url, {"seen": "queued"}, HTTP_HX_REQUEST="true")
    assert moved.status_code == 200
    fragment = moved.content.decode()
    assert fragment.lstrip().startswith('<div id="document-progress"')
    assert "<html" not in fragment
    assert 'hx-get="' + url + '?seen=rendering"' in fragment
    assert "HX-Request" in moved["Vary"]


def test_the_status_page_runs_a_fixed_number_of_queries(world_a, sent, client_for, django_assert_max_num_queries):
    version = _request(world_a)
    client = client_for(world_a.bm)
    client.get(_status_url(world_a, version))  # warm the session

    with django_assert_max_num_queries(7):
        assert client.get(_status_url(world_a, version)).status_code == 200


def _status_queries(client, url: str) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_downloads_add_one_query_whatever_their_number(world_a, sent, client_for):
    first = _request(world_a)
    second = _request(world_a, lead_author="Alex Author")
    for version in (first, second):
        document_render_version(version_id=version.pk)
    bm = client_for(world_a.bm)
    url = _status_url(world_a, second)
    client_for(world_a.police_lead.person).get(_download_url(world_a, first))
    with_one = _status_queries(bm, url)

    for who in ("police_lead", "health_lead", "la_lead", "lay_member", "observer"):
        for version in (first, second):
            client_for(getattr(world_a, who).person).get(_download_url(world_a, version))
    assert DocumentDownload.objects.count() == 11

    assert _status_queries(bm, url) == with_one <= 12
    # Those who do not see the downloads do not pay for them.
    assert _status_queries(client_for(world_a.police_lead.person), url) == with_one - 1


def test_the_download_is_a_private_attachment(world_a, sent, client_for):
    version = _request(world_a, title="Outcomes form: Child A / review #3")
    document_render_version(version_id=version.pk)
    version.refresh_from_db()

    response = client_for(world_a.lay_member.person).get(_download_url(world_a, version))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="outcomes-form-child-a-review-3-v1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response.streaming  # decrypted and sent a piece at a time, never whole in the worker
    assert response.getvalue() == bytes(version.pdf)
    assert int(response["Content-Length"]) == version.pdf_bytes


def _ready_with(version: DocumentVersion, pdf: bytes) -> None:
    """The version READY with ``pdf`` as the worker would leave it (encrypted, digest and size recorded)."""
    assert service._finish(version_id=version.pk, state=DocumentVersion.State.READY, pdf=pdf) == "ready"


def _large_pdf(size: int) -> bytes:
    # Incompressible and never the same twice in a row, so a piece out of place shows.
    body = b"".join(hashlib.sha256(str(n).encode()).digest() for n in range(size // 32 + 1))
    return (b"%PDF-1.7\n" + body)[:size]


def test_a_large_document_downloads_intact_streamed_a_piece_at_a_time(world_a, sent, client_for):
    import tracemalloc

    version = _request(world_a)
    big = _large_pdf(12 * 1024 * 1024 + 12345)  # 12 MB and a ragged last piece
    _ready_with(version, big)
    client = client_for(world_a.bm)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(_download_url(world_a, version))
        assert response.status_code == 200
        assert response.streaming
        assert int(response["Content-Length"]) == len(big)
        tracemalloc.start()
        digest, size, largest = hashlib.sha256(), 0, 0
        for piece in response.streaming_content:
            digest.update(piece)
            size += len(piece)
            largest = max(largest, len(piece))
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

    assert (size, digest.hexdigest()) == (len(big), hashlib.sha256(big).hexdigest())
    assert largest == encryption.PIECE
    # Never the file in memory: about a MiB of stored bytes and a piece of plaintext at a time.
    assert peak < 4 * 1024 * 1024, peak
    # The stored PDF read a MiB at a time: 13 slices and the ends, not one query per piece (193 pieces).
    slices = [q for q in queries.captured_queries if "SUBSTR" in q["sql"].upper()]
    assert 12 <= len(slices) <= 16
    # The API streams the same bytes.
    api = client.get(
        reverse("api:document_download", kwargs={"slug": world_a.partnership.slug, "version_id": version.pk})
    )
    assert api.status_code == 200
    assert api.streaming
    assert hashlib.sha256(api.getvalue()).hexdigest() == hashlib.sha256(big).hexdigest()


def test_a_pdf_stored_whole_before_pieces_still_downloads(world_a, sent, client_for):
    version = _request(world_a)
    _ready_with(version, b"%PDF-1.4 old")
    # As an older release wrote it: "fernet:" and one token for the whole file.
    DocumentVersion.objects.filter(pk=version.pk).update(pdf=b"placeholder")  # any bytes; replaced below
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE partnership_documentversion SET pdf = %s WHERE id = %s",
            [encryption.encrypt_bytes(b"%PDF-1.4 old"), version.pk],
        )

    response = client_for(world_a.bm).get(_download_url(world_a, version))

    assert response.getvalue() == b"%PDF-1.4 old"


def test_a_tampered_pdf_is_never_sent_whole(world_a, sent, client_for):
    version = _request(world_a)
    big = _large_pdf(3 * encryption.PIECE + 10)
    _ready_with(version, big)
    stored = _stored(version)[1]
    head, piece = len(encryption.CHUNKED_PREFIX), encryption.STORED_PIECE
    # The second and third pieces swapped: each still opens with the key, but out of order.
    swapped = (
        stored[: head + piece] + stored[head + 2 * piece : head + 3 * piece] + stored[head + piece : head + 2 * piece]
    )
    swapped += stored[head + 3 * piece :]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE partnership_documentversion SET pdf = %s WHERE id = %s", [swapped, version.pk])

    response = client_for(world_a.bm).get(_download_url(world_a, version))

    stream = iter(response.streaming_content)
    assert next(stream) == big[: encryption.PIECE]
    with pytest.raises(ValueError, match="out of order"):
        next(stream)


def test_a_download_before_it_is_ready_goes_to_the_progress_page(world_a, sent, client_for):
    version = _request(world_a)

    response = client_for(world_a.bm).get(_download_url(world_a, version))

    assert response.status_code == 302
    assert response["Location"] == _status_url(world_a, version)


def test_each_download_is_recorded_once_with_who_and_which_version(world_a, sent, client_for):
    version = _request(world_a)
    document_render_version(version_id=version.pk)
    police = client_for(world_a.police_lead.person)

    assert police.get(_download_url(world_a, version)).status_code == 200
    assert DocumentDownload.objects.count() == 1
    assert police.get(_download_url(world_a, version)).status_code == 200
    assert client_for(world_a.lay_member.person).get(_download_url(world_a, version)).status_code == 200

    downloads = list(DocumentDownload.objects.order_by("id"))
    assert [d.person for d in downloads] == [
        world_a.police_lead.person,
        world_a.police_lead.person,
        world_a.lay_member.person,
    ]
    assert {(d.partnership_id, d.document_id, d.version_id) for d in downloads} == {
        (world_a.partnership.pk, version.document_id, version.pk)
    }
    assert downloads[0].at <= downloads[1].at <= downloads[2].at


def test_a_download_not_yet_ready_records_nothing(world_a, sent, client_for):
    version = _request(world_a)

    assert client_for(world_a.bm).get(_download_url(world_a, version)).status_code == 302

    assert not DocumentDownload.objects.exists()


def test_the_status_page_shows_business_managers_who_downloaded_which_version(world_a, sent, client_for):
    first = _request(world_a)
    second = _request(world_a, lead_author="Alex Author")
    for version in (first, second):
        document_render_version(version_id=version.pk)
    client_for(world_a.police_lead.person).get(_download_url(world_a, first))
    client_for(world_a.lay_member.person).get(_download_url(world_a, second))

    html = client_for(world_a.bm).get(_status_url(world_a, second)).content.decode()

    assert 'data-testid="document-downloads"' in html
    section = html.split('data-testid="document-downloads"', 1)[1].split("</section>", 1)[0]
    rows = section.split("<tbody>", 1)[1].split("<tr>")[1:]
    # Newest first: the lay member took version 2 (this page's), the police lead version 1.
    assert "Alpha Lay Member" in rows[0]
    assert "2 (this one)" in rows[0]
    assert "Alpha Police Lead" in rows[1]
    assert ">1</td>" in rows[1]


@pytest.mark.parametrize("who", ["police_lead", "la_lead", "scrutineer", "practitioner", "lay_member"])
def test_only_business_managers_see_the_downloads(world_a, sent, client_for, who):
    version = _request(world_a)
    document_render_version(version_id=version.pk)
    client = client_for(getattr(world_a, who).person)
    client.get(_download_url(world_a, version))

    html = client.get(_status_url(world_a, version)).content.decode()

    assert 'data-testid="document-download"' in html  # the page itself is theirs
    assert "document-downloads" not in html
    assert "Who downloaded it" not in html


def test_a_document_nobody_downloaded_says_so_to_business_managers(world_a, sent, client_for):
    version = _request(world_a)

    html = client_for(world_a.bm).get(_status_url(world_a, version)).content.decode()

    assert "Nobody has downloaded it yet." in html


@pytest.mark.parametrize("who", [w[0] for w in World.PEOPLE])
def test_every_member_can_open_a_document_without_an_audience(world_a, sent, client_for, who):
    version = _request(world_a)
    document_render_version(version_id=version.pk)

    client = client_for(getattr(world_a, who).person)

    assert client.get(_status_url(world_a, version)).status_code == 200
    assert client.get(_download_url(world_a, version)).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("business_manager", 200),
        ("police_lead", 200),
        ("health_lead", 404),
        ("scrutineer", 404),
        ("practitioner", 404),
        ("observer", 404),
    ],
)
def test_a_document_with_an_audience_is_missing_for_everyone_else(world_a, sent, client_for, who, status):
    version = _request(world_a, audience=[Role.BUSINESS_MANAGER, Role.PARTNER_LEAD_POLICE])
    document_render_version(version_id=version.pk)
    client = client_for(getattr(world_a, who).person)

    assert client.get(_status_url(world_a, version)).status_code == status
    assert client.get(_download_url(world_a, version)).status_code == status
    assert DocumentDownload.objects.count() == (1 if status == 200 else 0)
    membership = getattr(world_a, who)
    listed = documents_for_subject(partnership=world_a.partnership, subject=world_a.school, membership=membership)
    assert len(listed) == (1 if status == 200 else 0)
    if listed:
        assert listed[0].latest.pk == version.pk


def test_another_partnerships_member_gets_404(world_a, world_b, sent, client_for):
    version = _request(world_a)
    document_render_version(version_id=version.pk)
    client = client_for(world_b.bm)

    for url in (_status_url(world_a, version), _download_url(world_a, version)):
        assert client.get(url).status_code == 404
    for name in ("partnership:document_status", "partnership:document_download"):
        own_slug = reverse(name, kwargs={"slug": world_b.partnership.slug, "version_id": version.pk})
        assert client.get(own_slug).status_code == 404
    assert not DocumentDownload.objects.exists()


# --- A real worker renders a real PDF ------------------------------------------------------------


def _wait_until_finished(version_id: int, seconds: float = 60) -> DocumentVersion:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        version = DocumentVersion.objects.get(pk=version_id)
        if version.state in (DocumentVersion.State.READY, DocumentVersion.State.FAILED):
            return version
        time.sleep(0.2)
    raise AssertionError(f"the worker did not finish version {version_id} within {seconds}s")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_pdf_and_the_download_serves_it(documents_worker, client_for):
    world = World("Worker")

    version = _request(world)  # commits: the task goes through the broker to the worker

    finished = _wait_until_finished(version.pk)
    assert finished.state == DocumentVersion.State.READY, finished.error
    response = client_for(world.police_lead.person).get(_download_url(world, finished))
    assert response.status_code == 200
    pdf = response.getvalue()
    text = _pdf_text(pdf)
    for heading in ["Outcomes form", "Recommendations", *HEADINGS]:
        assert heading in text, heading
    assert pdf == bytes(finished.pdf)
    assert DocumentDownload.objects.get().person == world.police_lead.person
    # What the worker stored is ciphertext; the hash is of the PDF that was downloaded.
    assert _stored(finished)[1].startswith(b"fernet:")
    assert finished.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    # The same content asked for again: the same version, nothing new for the worker.
    assert _request(world).pk == version.pk
    assert DocumentVersion.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_store_one_version(sent):
    world = World("Race")
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def ask(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = _request(world).pk
        except Exception as exc:  # the outcome under test
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert outcomes[0] == outcomes[1], outcomes
    assert DocumentVersion.objects.count() == 1
    assert Document.objects.count() == 1
    assert len(sent) == 1


def test_a_version_whose_renderer_keeps_dying_is_given_up(world_a, sent):
    version = _request(world_a)
    long_ago = timezone.now() - service.RENDER_LOST_AFTER - timedelta(seconds=1)
    _set_state(
        version, DocumentVersion.State.RENDERING, started_at=long_ago, render_attempts=service.RENDER_ATTEMPTS_MAX
    )
    sent.clear()

    assert documents_requeue_stalled() == 0

    version.refresh_from_db()
    assert version.state == DocumentVersion.State.FAILED
    assert version.error == service.RENDERER_KEPT_DYING
    assert not sent
