"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

from __future__ import annotations

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.core.servers.basehttp import WSGIServer
from django.test.testcases import LiveServerThread
from playwright.sync_api import Error as PlaywrightError

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from
# the test body are still synchronous and safe here (and only here).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


class _SerialLiveServer(WSGIServer):
    """The live server, one request at a time. On SQLite the test database is in memory and every request thread
    shares the test's one connection: a page whose charts load side by side (the scrutiny dashboard asks for eight
    SVGs at once) had two threads in that connection together, and the run hung for good. Served in turn, the
    browser waits its turn instead; each request closes its connection (Django's non-threaded server does), so
    nothing is held open."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


if django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    LiveServerThread.server_class = _SerialLiveServer


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Playwright must not download a browser here: use the system one, with the
    # background networking that this closed network refuses switched off.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.url


@pytest.fixture(scope="session")
def axe() -> Axe:
    return Axe()


def assert_accessible(axe: Axe, page, *, label: str) -> None:
    """No serious or critical axe violations on the page as it stands.

    A click on a link returns once the navigation is committed, not loaded: axe run
    at that moment can meet a document that is being replaced ("Cannot read
    properties of null (reading 'documentElement')", or a destroyed execution
    context). So wait for the page to load, and run again if it was replaced
    under axe's feet.
    """
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = axe.run(page)
            break
        except PlaywrightError as error:
            replaced = "documentElement" in str(error) or "Execution context was destroyed" in str(error)
            if not replaced or attempt == 2:
                raise
    bad = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    details = "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in bad
    )
    assert not bad, f"Accessibility violations on {label}:\n{details}"


def expect_image_drawn(image, *, timeout: float = 15_000) -> None:
    """The <img> has loaded and decoded a picture (not a broken image).

    `to_be_visible` holds as soon as the element has a box, which an image
    still downloading already has; on SQLite the live server answers one
    request at a time, so a chart can arrive after the assertion. Wait for it;
    a broken image (complete, no width) times out and fails.
    """
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=timeout
    )


def chart_document(chart, *, timeout: float = 15_000):
    """The frame of a chart shown with ``<object>``, once its SVG has loaded (a chart's bars are links, which an
    ``<img>`` would never follow).

    Playwright's ``content_frame`` and ``frame_locator`` know only ``<iframe>``, so the object's document is found
    among the page's frames by its address (``object.data``, absolute); it may load before or after this call. A
    chart refused (its policy, a framing header) never shows its ``<svg>`` and times out.
    """
    page = chart.page
    url = chart.evaluate("object => object.data")
    frame = page.frame(url=url) or page.wait_for_event(
        "framenavigated", predicate=lambda navigated: navigated.url == url, timeout=timeout
    )
    frame.locator(":root > title").first.wait_for(state="attached", timeout=timeout)
    return frame
