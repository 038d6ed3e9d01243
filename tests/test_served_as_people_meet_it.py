"""``bin/run`` serves the product as people meet it: no debug pages, its own 404, static files served."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def test_bin_run_turns_debug_off_unless_asked():
    script = (ROOT / "bin" / "run").read_text()
    assert re.search(r'^export DEBUG="\$\{DEBUG:-false\}"$', script, re.MULTILINE)
    # ...before the server starts.
    assert script.index('export DEBUG="${DEBUG:-false}"') < script.index("manage.py runserver")


@pytest.mark.parametrize(("value", "expected"), [("false", "False"), ("true", "True")])
def test_the_debug_variable_is_what_the_settings_read(value, expected):
    env = {k: v for k, v in os.environ.items() if k != "LEARNINGLOOP_ENV"} | {"DEBUG": value}
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
            "django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == expected


@pytest.mark.django_db
def test_a_missing_page_is_the_products_own_404(settings):
    settings.DEBUG = False
    response = Client().get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert "URLconf" not in html  # Django's debug page lists every URL pattern
    assert 'href="/static/css/app.css"' in html


@pytest.mark.django_db
def test_static_files_are_served_without_debug(settings):
    settings.DEBUG = False
    response = Client().get("/static/css/app.css")
    assert response.status_code == 200
    assert b".table-scroll" in b"".join(response.streaming_content)
