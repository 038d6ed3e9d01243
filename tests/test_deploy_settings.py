"""Production settings refuse a missing or weak SECRET_KEY and pass Django's deployment checks.

Settings are read once per process, so each case runs in a fresh interpreter
with its own environment.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent

SETUP_DJANGO = "import django; django.setup(); print('settings loaded')"


def _run(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    # A clean slate: nothing of the caller's configuration (or of other tests, such as the
    # browser tests' DJANGO_ALLOW_ASYNC_UNSAFE) leaks into the settings under test.
    environment = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", LEARNINGLOOP_RUN_DIR=str(tmp_path / "run"), **env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120, check=False
    )


def _good_key() -> str:
    return secrets.token_urlsafe(64)


def _fernet_key() -> str:
    return Fernet.generate_key().decode()


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = _run(["-c", SETUP_DJANGO], tmp_path, LEARNINGLOOP_ENV="production", ALLOWED_HOSTS="example.org")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr
    assert "settings loaded" not in result.stdout


@pytest.mark.parametrize(
    "weak_key",
    [
        "short-key",
        "django-insecure-" + "x" * 60,
        "a" * 60,
        "insecure-development-key-never-use-in-production",
    ],
    ids=["too-short", "django-insecure-prefix", "one-character-repeated", "the-development-key"],
)
def test_production_refuses_a_weak_secret_key(tmp_path, weak_key):
    result = _run(
        ["-c", SETUP_DJANGO], tmp_path, LEARNINGLOOP_ENV="production", SECRET_KEY=weak_key, ALLOWED_HOSTS="example.org"
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_without_field_encryption_keys_refuses_to_start(tmp_path):
    # Children's identities must not be encrypted with a key derived from SECRET_KEY in production.
    result = _run(
        ["-c", SETUP_DJANGO], tmp_path, LEARNINGLOOP_ENV="production", SECRET_KEY=_good_key(), ALLOWED_HOSTS="x.org"
    )

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS" in result.stderr
    assert "settings loaded" not in result.stdout


def test_development_runs_without_secret_key(tmp_path):
    result = _run(["-c", SETUP_DJANGO], tmp_path)

    assert result.returncode == 0, result.stderr
    assert "settings loaded" in result.stdout


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        LEARNINGLOOP_ENV="production",
        SECRET_KEY=_good_key(),
        FIELD_ENCRYPTION_KEYS=_fernet_key(),
        ALLOWED_HOSTS="learningloop.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_production_hardening_is_off(tmp_path):
    # Proves the check above can fail: DEBUG on in production is a deployment error.
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        LEARNINGLOOP_ENV="production",
        SECRET_KEY=_good_key(),
        FIELD_ENCRYPTION_KEYS=_fernet_key(),
        ALLOWED_HOSTS="learningloop.example.org",
        DEBUG="true",
    )

    assert result.returncode != 0
    assert "security.W018" in result.stderr + result.stdout


# --- docker-compose.yml: Docker cannot run here, so its shape is checked instead. ---


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_web_worker_beat_postgres_and_redis(compose):
    assert {"web", "worker", "beat", "postgres", "redis", "migrate"} <= set(compose["services"])
    assert "gunicorn" in compose["services"]["web"]["command"]
    assert compose["services"]["worker"]["command"][:3] == ["celery", "--app=config", "worker"]
    assert "--queues=celery,documents,exports" in compose["services"]["worker"]["command"]
    assert any(arg.startswith("--max-tasks-per-child=") for arg in compose["services"]["worker"]["command"])
    assert compose["services"]["beat"]["command"][:3] == ["celery", "--app=config", "beat"]
    assert compose["services"]["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert compose["services"]["postgres"]["image"].startswith("postgres:16")
    assert compose["services"]["redis"]["image"].startswith("redis:7")


def test_compose_services_have_health_checks(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert "/health/" in " ".join(services["web"]["healthcheck"]["test"])


def test_compose_app_services_wait_for_healthy_backing_services(compose):
    for name in ("web", "worker", "beat"):
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
    assert compose["services"]["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_compose_runs_production_settings_and_requires_a_secret_key(compose):
    for name in ("web", "worker", "beat", "migrate"):
        environment = compose["services"][name]["environment"]
        assert environment["LEARNINGLOOP_ENV"] == "production", name
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?"), name
        assert environment["FIELD_ENCRYPTION_KEYS"].startswith("${FIELD_ENCRYPTION_KEYS:?"), name
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert environment["REDIS_URL"] == "redis://redis:6379/0", name
        assert {"ALLOWED_HOSTS", "SITE_URL", "EMAIL_HOST"} <= set(environment), name


def test_dockerfile_installs_the_pdf_libraries_and_collects_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FROM python:3.11-slim-bookworm" in dockerfile
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"):
        assert package in dockerfile
    assert "collectstatic --noinput" in dockerfile
    assert ".env" in (ROOT / ".dockerignore").read_text().split()


# --- gunicorn: configured from the environment (config/gunicorn.py) ---


def _gunicorn_settings(monkeypatch, **environment) -> dict:
    import runpy

    for name in ("GUNICORN_BIND", "GUNICORN_WORKERS", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "gunicorn.py"))


def test_gunicorn_defaults_suit_a_two_core_host(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)
    assert (settings["workers"], settings["threads"], settings["worker_class"]) == (2, 4, "gthread")
    assert settings["timeout"] == 60
    assert settings["bind"] == "0.0.0.0:8000"


def test_gunicorn_reads_workers_threads_and_timeout_from_the_environment(monkeypatch):
    settings = _gunicorn_settings(
        monkeypatch, GUNICORN_WORKERS="5", GUNICORN_THREADS="1", GUNICORN_TIMEOUT="30", GUNICORN_BIND="127.0.0.1:9000"
    )
    assert (settings["workers"], settings["threads"], settings["worker_class"]) == (5, 1, "sync")
    assert (settings["timeout"], settings["bind"]) == (30, "127.0.0.1:9000")
    assert _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3")["workers"] == 3


def test_the_image_and_compose_start_gunicorn_with_its_settings_file(compose):
    assert "config/gunicorn.py" in (ROOT / "Dockerfile").read_text()
    assert "--config=config/gunicorn.py" in compose["services"]["web"]["command"]


def test_gunicorn_freezes_what_the_master_loaded_before_each_fork(monkeypatch):
    import gc

    settings = _gunicorn_settings(monkeypatch)
    assert settings["preload_app"] is True
    gc.unfreeze()
    try:
        settings["pre_fork"](server=None, worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_wsgi_module_loads_the_urlconf_and_its_views():
    import subprocess
    import sys

    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, config.wsgi; print('reviews.views.rapid_review' in sys.modules)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "True"
