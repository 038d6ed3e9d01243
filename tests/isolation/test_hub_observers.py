"""An observer of one hub cycle sees that cycle and nothing else of the host partnership.

The observer (a member of world_b) holds a grant in force for one of world_a's cycles. Every route under a
partnership (pages and API, found by walking the URL resolver like the tenancy sweep) answers 404 to them
with world_a's slug and objects, the observed cycle included, and with their own slug and the observed
cycle's id; only the observer's own pages (``/account/observing/``) open it, read-only, and revoking closes them at
the very next request of the same session.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from learninghub.services.observers import hub_observer_revoke
from tests.conftest import login
from tests.factories import api_token_key
from tests.isolation.conftest import OBJECT_KWARGS
from tests.isolation.test_tenancy_sweep import METHODS, PARTNERSHIP_KWARG, TENANT_ROUTES, Sweep, build_url, call
from tests.learninghub.helpers import cycle_make, priority_make
from tests.learninghub.observer_helpers import forum_make, observer_invite

pytestmark = pytest.mark.django_db

HUB_CYCLE_KWARG = "hub_cycle_id"
# Under the host's slug: 404, or 405 where the route refuses the method before it reads anything.
HOST_SLUG_ANSWERS = frozenset({404, 405})
# Under the observer's own slug with the host's cycle id: also 403 where the observer's own role is refused
# before any row is read; never an answer that shows or changes the cycle.
OWN_SLUG_ANSWERS = frozenset({403, 404, 405})


@pytest.fixture
def observed(world_a, world_b):
    forum = forum_make(world_a.partnership, world_b.partnership)
    cycle = cycle_make(world_a, priority=priority_make(world_a, title="Observed priority"))
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    return cycle, observer


def observed_url(observer) -> str:
    return reverse("learninghub_observing:cycle", kwargs={"observation_id": observer.pk})


def test_an_observer_reaches_no_page_or_api_of_the_host(world_a, world_b, observed):
    cycle, observer = observed
    client = login(Client(), world_b.practitioner.person, verified=True)
    assert client.get(observed_url(observer)).status_code == 200  # the grant is in force throughout
    routes = [r for r in TENANT_ROUTES if all(k in OBJECT_KWARGS for k in r.object_kwargs)]
    failures: list[str] = []
    calls = 0
    for route in routes:
        made = Sweep.objects(route, world_a)
        # (url, answers that say nothing of the object besides 404)
        urls = [(build_url(route, made), HOST_SLUG_ANSWERS)]
        if HUB_CYCLE_KWARG in route.object_kwargs:
            # The observed cycle itself, under the host's slug and under the observer's own.
            urls.append((build_url(route, {**made, HUB_CYCLE_KWARG: cycle.pk}), HOST_SLUG_ANSWERS))
            own_slug = {**made, HUB_CYCLE_KWARG: cycle.pk, PARTNERSHIP_KWARG: world_b.partnership.slug}
            urls.append((build_url(route, own_slug), OWN_SLUG_ANSWERS))
        for url, allowed in urls:
            for method in METHODS:
                status = call(client, route, method, url)
                calls += 1
                if status not in allowed:
                    failures.append(f"{method.upper()} {url} [{route.key}] answered {status} to the observer")
    assert not failures, f"{len(failures)} host routes opened to an observer:\n" + "\n".join(failures)
    assert calls >= len(routes) * len(METHODS)
    # Still in force at the end: the 404s came from tenancy, not from a lapsed grant.
    assert client.get(observed_url(observer)).status_code == 200


def test_the_observers_token_reaches_nothing_of_the_host(client, world_a, world_b, observed):
    cycle, _observer = observed
    key = api_token_key(world_b.practitioner.person)
    for slug in (world_a.partnership.slug, world_b.partnership.slug):
        url = reverse("learninghub_api:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": cycle.pk})
        assert client.get(url, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404
    # The observer's pages are for a signed-in person, not for a program.
    assert client.get(reverse("learninghub_observing:list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 302


def test_the_observer_sees_exactly_one_cycle_and_writes_nothing(world_a, world_b, observed):
    cycle, observer = observed
    other = cycle_make(world_a, title="Not shared", priority=priority_make(world_a, title="Neglect"))
    client = login(Client(), world_b.practitioner.person, verified=True)

    listing = client.get(reverse("learninghub_observing:list"))

    assert [g.hub_observer.cycle for g in listing.context["grants"]] == [cycle]
    assert other.title not in listing.content.decode()
    page = client.get(observed_url(observer))
    assert page.status_code == 200
    assert cycle.title in page.content.decode()
    for method in ("post", "put", "patch", "delete"):
        answer = getattr(client, method)(observed_url(observer), data=json.dumps({}), content_type="application/json")
        assert answer.status_code == 405, method
        assert client.post(reverse("learninghub_observing:list")).status_code == 405
    for missing in (observer.pk + 1000, 2**40):
        assert client.get(reverse("learninghub_observing:cycle", kwargs={"observation_id": missing})).status_code == 404


def test_nobody_but_the_invited_person_opens_the_observed_cycle(world_a, world_b, observed):
    _cycle, observer = observed
    for person in (world_b.bm, world_b.observer.person, world_a.bm, world_a.practitioner.person):
        client = login(Client(), person, verified=True)
        assert client.get(observed_url(observer)).status_code == 404, person
        assert client.get(reverse("learninghub_observing:list")).context["grants"].count() == 0


def test_revoking_closes_the_page_at_the_next_request_of_the_same_session(world_a, world_b, observed):
    _cycle, observer = observed
    client = login(Client(), world_b.practitioner.person, verified=True)
    assert client.get(observed_url(observer)).status_code == 200

    hub_observer_revoke(partnership=world_a.partnership, actor=world_a.bm, observer=observer)

    assert client.get(observed_url(observer)).status_code == 404
    assert client.get(reverse("learninghub_observing:list")).context["grants"].count() == 0
