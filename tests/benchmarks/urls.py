"""The application's URLs plus the benchmarks' floor page (``/p/<slug>/_floor/``)."""

from django.urls import path

from config.urls import *  # noqa: F403 (the handlers too)
from config.urls import urlpatterns as application_urlpatterns
from tests.benchmarks.floor import floor

urlpatterns = [path("p/<slug:slug>/_floor/", floor, name="bench_floor"), *application_urlpatterns]
