def allow_global_reads() -> None:
    """Call after ``django.setup()``: a benchmark builds and counts whole databases, so the queries
    written in tests/ read across partnerships, as the test suite's do (tests/conftest.py). The pages
    and services it measures stay held to their partnership."""
    from pathlib import Path

    from partnership import models

    models.TEST_CODE_PATHS = (str(Path(__file__).resolve().parent.parent) + "/",)
