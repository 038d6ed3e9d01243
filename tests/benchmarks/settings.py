"""The application's settings with the benchmarks' URLconf (the floor page); for run.py and load.py only."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "tests.benchmarks.urls"
