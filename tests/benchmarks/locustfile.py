"""The load test's users: signed-in business managers going over the main pages.

Run by ``tests/benchmarks/load.py``, which seeds the data, signs the users in
(a session each, past the second factor, written to the JSON file named by
``LL_LOAD_USERS``), starts gunicorn and a Celery worker, and runs locust with
this file. Not meant to be run on its own.

Each simulated person holds one session in one partnership (one in five in the
large one) and, after a think time, opens one of the main pages, weighted
roughly as people use them. Anything but a 200 counts as an error: a redirect
to the sign-in page or the second factor means the session was lost.
The trivial view and the floor page are requested too, so their times under
the same load are printed beside the pages'.
"""

from __future__ import annotations

import itertools
import json
import os
import threading

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LL_LOAD_USERS"], encoding="utf-8") as users_file:
    _SETUP = json.load(users_file)

_next_person = itertools.count()
_lock = threading.Lock()
_wait = [float(x) for x in os.environ.get("LL_LOAD_WAIT", "1,2").split(",")]


class SignedInMember(FastHttpUser):
    wait_time = between(*_wait)

    def on_start(self) -> None:
        with _lock:
            person = _SETUP["people"][next(_next_person) % len(_SETUP["people"])]
        self.slug = person["slug"]
        self.review = person["rapid_review_id"]
        self.headers = {"Cookie": f"{_SETUP['session_cookie']}={person['session_key']}"}

    def _get(self, path: str, name: str) -> None:
        with self.client.get(
            path, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                where = response.headers.get("Location", "") if response.headers else ""
                response.failure(f"HTTP {response.status_code} {where}".strip())

    # The baselines, measured under the same load as the pages.
    @task(1)
    def trivial(self) -> None:
        self._get("/health/", "trivial /health/")

    @task(1)
    def floor(self) -> None:
        self._get(f"/p/{self.slug}/_floor/", "floor page")

    # The main pages.
    @task(3)
    def home(self) -> None:
        self._get(f"/p/{self.slug}/", "partnership home")

    @task(3)
    def my_tasks(self) -> None:
        self._get(f"/p/{self.slug}/tasks/", "my tasks")

    @task(3)
    def rapid_reviews(self) -> None:
        self._get(f"/p/{self.slug}/rapid-reviews/", "rapid review list")

    @task(3)
    def rapid_review(self) -> None:
        self._get(f"/p/{self.slug}/rapid-reviews/{self.review}/", "rapid review detail")

    @task(1)
    def decision(self) -> None:
        self._get(f"/p/{self.slug}/rapid-reviews/{self.review}/decision/", "rapid review decision")

    @task(1)
    def request_tracker(self) -> None:
        self._get(f"/p/{self.slug}/rapid-reviews/{self.review}/requests/", "request tracker")

    @task(1)
    def timeliness(self) -> None:
        self._get(f"/p/{self.slug}/rapid-reviews/timeliness/", "timeliness")

    @task(2)
    def learning_reviews(self) -> None:
        self._get(f"/p/{self.slug}/learning-reviews/", "learning review list")

    @task(1)
    def members(self) -> None:
        self._get(f"/p/{self.slug}/manage/members/", "member list")

    @task(1)
    def member_search(self) -> None:
        self._get(f"/p/{self.slug}/manage/members/?q={_SETUP['search_term']}", "member search")

    @task(1)
    def agencies(self) -> None:
        self._get(f"/p/{self.slug}/manage/agencies/", "agency list")

    @task(1)
    def working_days(self) -> None:
        self._get(f"/p/{self.slug}/working-days/?start=2026-12-21&days=15", "working days")

    @task(1)
    def api_rapid_reviews(self) -> None:
        self._get(f"/api/v1/partnerships/{self.slug}/rapid-reviews/", "API rapid review list")
